# test-glm-collection.R -- invariants over the GLM collection (data/: glm2's
# heart and crabs, logistf's sex2, brglm2's endometrial and lizards, MASS's
# birthwt), for every model their packages' documentation fits: a fit that
# says it converged is at the optimum (its deviance is no more than
# 10 epsilon (|dev| + 0.1) above glm2's at epsilon 1e-14, an independent
# fitter), never below what glm2 reaches by more than that, and separation
# is named exactly where it happens (sex2: dia; endometrial: NV).

coll_data <- function(name) {
  e <- new.env()
  utils::data(list = name, package = "newtonr", envir = e)
  e[[name]]
}

# The models of the packages' examples: formula, family, data, start.
coll_models <- function() {
  heart <- coll_data("heart")
  crabs <- coll_data("crabs")
  crabs$w0 <- crabs$Width - min(crabs$Width)
  sex2 <- coll_data("sex2")
  endo <- coll_data("endometrial")
  liz <- coll_data("lizards")
  bw <- coll_data("birthwt")
  bwt <- with(bw, data.frame(low = factor(low), age, lwt, race = factor(race),
                             smoke = (smoke > 0), ptd = factor(ptl > 0), ht = (ht > 0),
                             ui = (ui > 0), ftv = factor(pmin(ftv, 2))))
  p0 <- sum(heart$Deaths) / sum(heart$Patients)
  fc <- Satellites ~ w0 + factor(Dark) + factor(GoodSpine)
  y4 <- data.frame(y = c(1, 1, 1, 0))
  list(
    heart = list(cbind(Deaths, Patients - Deaths) ~ factor(AgeGroup) + factor(Severity) +
                   factor(Delay) + factor(Region), binomial("log"), heart, c(log(p0), rep(0, 8))),
    crabs = list(fc, poisson("identity"), crabs, rep(1, 4)),
    crabs_rep1 = list(fc, poisson("identity"), crabs[crabs$Rep1, ], rep(1, 4)),
    crabs_rep2 = list(fc, poisson("identity"), crabs[crabs$Rep2, ], rep(1, 4)),
    null_175 = list(y ~ 1, binomial(), y4, -1.75),
    null_181 = list(y ~ 1, binomial(), y4, -1.81),
    sex2 = list(case ~ age + oc + vic + vicl + vis + dia, binomial(), sex2, NULL),
    endometrial = list(HG ~ NV + PI + EH, binomial(), endo, NULL),
    endometrial_probit = list(HG ~ NV + PI + EH, binomial("probit"), endo, NULL),
    lizards = list(cbind(grahami, opalinus) ~ height + diameter + light + time, binomial(),
                   liz, NULL),
    birthwt = list(low ~ ., binomial(), bwt, NULL))
}

# Fit with the warnings collected (fit, warnings).
coll_fit <- function(m, fitter, control) {
  w <- character()
  fit <- withCallingHandlers(
    fitter(m[[1]], family = m[[2]], data = m[[3]], start = m[[4]], control = control),
    warning = function(x) {
      w <<- c(w, conditionMessage(x))
      invokeRestart("muffleWarning")
    })
  list(fit = fit, warnings = w)
}

coll_separated <- c(sex2 = "dia", endometrial = "NV", endometrial_probit = "NV")

test_that("every documented model: converged means at the optimum, separation named where it happens", {
  skip_if_not_installed("glm2")
  models <- coll_models()
  for (nm in names(models)) {
    m <- models[[nm]]
    ref <- coll_fit(m, glm2::glm2, list(epsilon = 1e-14, maxit = 1000))$fit
    expect_true(ref$converged, label = paste(nm, "glm2 reference converged"))
    for (eps in c(1e-8, 1e-11, 1e-14)) {
      r <- coll_fit(m, newton_glm, list(epsilon = eps, maxit = 100))
      fit <- r$fit
      tol <- 10 * eps * (abs(ref$deviance) + 0.1)
      lab <- sprintf("%s at epsilon %g", nm, eps)
      # never below the optimum by more than the tolerance
      expect_gte(fit$deviance, ref$deviance - tol - 1e-9 * abs(ref$deviance))
      # converged means at the optimum
      if (fit$converged) {
        expect_lte(fit$deviance - ref$deviance, tol, label = paste(lab, ": deviance gap"))
      }
      # glm2 converges on every model: so must we (within maxit = 100)
      expect_true(fit$converged, label = paste(lab, "converged"))
      named <- grep("^newton_glm_fit: coefficients of ", r$warnings, value = TRUE)
      if (nm %in% names(coll_separated)) {
        expect_length(named, 1L)
        expect_match(named, paste0("coefficients of ", coll_separated[[nm]], " diverge"),
                     fixed = TRUE, label = lab)
      } else {
        expect_length(named, 0L)
      }
    }
  }
})

test_that("at glm2's own epsilons heart and crabs converge in about glm2's iterations", {
  skip_if_not_installed("glm2")
  models <- coll_models()
  for (nm in c("heart", "crabs", "crabs_rep1", "crabs_rep2")) {
    m <- models[[nm]]
    for (eps in c(1e-11, 1e-14)) {
      ref <- coll_fit(m, glm2::glm2, list(epsilon = eps, maxit = 50))$fit
      fit <- coll_fit(m, newton_glm, list(epsilon = eps, maxit = 50))$fit
      expect_true(ref$converged)
      expect_true(fit$converged, label = sprintf("%s at epsilon %g converged", nm, eps))
      expect_lte(fit$iter, ref$iter + 5L, label = sprintf("%s at epsilon %g: iterations", nm, eps))
    }
  }
})

test_that("the documented separated fits keep glm's converged flag and coefficients", {
  models <- coll_models()
  for (nm in c("sex2", "endometrial")) {
    m <- models[[nm]]
    ref <- suppressWarnings(glm(m[[1]], family = m[[2]], data = m[[3]]))
    fit <- coll_fit(m, newton_glm, list())$fit
    sep <- coll_separated[[nm]]
    ok <- setdiff(names(coef(ref)), sep)
    # the finite coefficients agree with glm's (the separated one diverges)
    expect_equal(coef(fit)[ok], coef(ref)[ok], tolerance = 1e-4)
    expect_gt(abs(coef(fit)[[sep]]), 8)
  }
})
