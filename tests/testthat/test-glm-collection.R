# test-glm-collection.R -- invariants over the GLM collection (data/: glm2's
# heart and crabs, logistf's sex2, brglm2's endometrial and lizards, MASS's
# birthwt), for every model their packages' documentation fits: a fit that
# says it converged is at the optimum (its deviance is no more than
# 10 epsilon (|dev| + 0.1) above glm2's at epsilon 1e-14, an independent
# fitter), never below what glm2 reaches by more than that, and separation
# is named exactly where it happens (sex2: dia; endometrial: NV).

# (coll_data, coll_models, coll_fit, coll_separated: helper-glm-collection.R)

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
