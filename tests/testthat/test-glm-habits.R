# test-glm-habits.R -- issue 15's GLM items: each test types the call a glm
# or optim user types first (items 2, 3, 4, 10, 13, 15).
# Reference values come from stats::glm()/glm.fit() and MASS on the same model.

# The strings drawn on the current device (its display list).
drawn_strings <- function() {
  walk <- function(x) {
    if (is.character(x)) x else if (is.list(x) || is.pairlist(x)) unlist(lapply(as.list(x), walk))
  }
  walk(grDevices::recordPlot()[[1L]])
}

test_that("item 2: fit$control holds glm's three keys; the rest is fit$newton_control", {
  fit <- newton_glm(am ~ wt + hp, family = binomial, data = mtcars)
  ref <- glm(am ~ wt + hp, family = binomial, data = mtcars)
  expect_identical(names(fit$control), names(ref$control))
  expect_s3_class(fit$newton_control, "newton_glm_control")
  expect_identical(fit$newton_control$algorithm, "auto")
  expect_identical(fit$algorithm, "irls")
  # glm(..., control = fit$control)
  g <- glm(am ~ wt + hp, family = binomial, data = mtcars, control = fit$control)
  expect_equal(coef(g), coef(ref))
  # the full settings refit the same way (a ridge fit stays a ridge fit)
  r <- newton_glm(am ~ wt + hp, family = binomial, data = mtcars, control = list(lambda = 2))
  r2 <- newton_glm(am ~ wt, family = binomial, data = mtcars, control = r$newton_control)
  expect_identical(r2$newton_control$lambda, 2)
  expect_identical(names(r$control), c("epsilon", "maxit", "trace"))
  # anova refits with the full settings (the ridge penalty is kept)
  a <- anova(r, test = "Chisq")
  r1 <- newton_glm(am ~ wt, family = binomial, data = mtcars, control = list(lambda = 2))
  expect_equal(a$`Resid. Dev`[2], r1$deviance, tolerance = 1e-8)
})

test_that("item 2: MASS::dropterm(fit) and MASS::stepAIC(fit) work as on a glm", {
  skip_if_not_installed("MASS")
  d <- glm_test_data()
  fit <- newton_glm(yb ~ x1 + x2 + g + expo, family = binomial, data = d)
  ref <- glm(yb ~ x1 + x2 + g + expo, family = binomial, data = d)
  d1 <- MASS::dropterm(fit)
  d0 <- MASS::dropterm(ref)
  expect_equal(d1$AIC, d0$AIC, tolerance = 1e-6)
  s1 <- MASS::stepAIC(fit, trace = 0)
  s0 <- MASS::stepAIC(ref, trace = 0)
  expect_identical(sort(names(coef(s1))), sort(names(coef(s0))))
  expect_lt(length(coef(s0)), length(coef(ref)))  # the step drops a term
  expect_equal(AIC(s1), AIC(s0), tolerance = 1e-6)
})

test_that("item 2: car::Anova(fit) (type II LR tests) works as on a glm", {
  skip_if_not_installed("car")
  fit <- newton_glm(am ~ wt + hp, family = binomial, data = mtcars)
  ref <- glm(am ~ wt + hp, family = binomial, data = mtcars)
  a1 <- car::Anova(fit)
  a0 <- car::Anova(ref)
  expect_equal(a1[[1]], a0[[1]], tolerance = 1e-6)
})

test_that("item 3: gradient descent is printed as such; non-convergence is said everywhere", {
  # the README's example
  expect_warning(
    gd <- newton_glm(am ~ wt + hp, binomial, mtcars, control = list(algorithm = "gd")),
    "^newton_glm_fit: algorithm did not converge in 5000 iterations.*condition number")
  expect_identical(gd$iter, 5000L)
  expect_false(gd$converged)
  # the warning explains: X'WX's condition number, measured independently
  ref <- glm(am ~ wt + hp, binomial, mtcars)
  X <- model.matrix(ref)
  kap <- kappa(crossprod(X * sqrt(ref$weights)), exact = TRUE)
  expect_gt(kap, 1e5)
  out <- capture.output(print(gd))
  expect_true(any(grepl("^gradient descent: 5000 iterations, NOT converged", out)))
  expect_false(any(grepl("Newton \\(gd", out)))
  s <- capture.output(print(summary(gd)))
  note <- grep("NOT converge", s)
  expect_length(note, 1L)
  expect_lt(note, grep("^Coefficients", s))
  expect_true(grepl("gradient descent, 5000 iterations", s[note]))
  # a converged fit's summary is glm's, without the note
  sc <- capture.output(print(summary(ref)))
  expect_identical(capture.output(print(summary(newton_glm(am ~ wt + hp, binomial, mtcars))))[-(1:3)],
                   sc[-(1:3)])
  # an IRLS fit stopped by maxit: the note too, and the warning names us
  expect_warning(ir <- newton_glm(am ~ wt + hp, binomial, mtcars, control = list(maxit = 2)),
                 "^newton_glm_fit: algorithm did not converge in 2 iterations")
  expect_true(any(grepl("NOT converge.*IRLS \\(Fisher scoring\\), 2 iterations",
                        capture.output(print(summary(ir))))))
})

test_that("item 3: gradient descent converges on standardised covariates", {
  d <- data.frame(am = mtcars$am, wt = scale(mtcars$wt)[, 1], hp = scale(mtcars$hp)[, 1])
  gd <- newton_glm(am ~ wt + hp, binomial, d, control = list(algorithm = "gd"))
  expect_true(gd$converged)
  expect_equal(coef(gd), coef(glm(am ~ wt + hp, binomial, d)), tolerance = 1e-3)
})

test_that("item 4: plot_trace() of a gd fit measures against the IRLS deviance; titles say NOT converged", {
  gd <- suppressWarnings(newton_glm(am ~ wt + hp, binomial, mtcars, control = list(algorithm = "gd")))
  ref <- glm(am ~ wt + hp, binomial, mtcars)
  r <- glm_trace_reference(gd, gd$trace)
  expect_equal(r$value, ref$deviance, tolerance = 1e-10)
  expect_match(r$label, "IRLS deviance")
  # the run's own last value is well above the optimum: measuring against it
  # would make the curve dive at its end
  expect_gt(min(gd$trace$deviance) - ref$deviance, 1e-6)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  grDevices::dev.control("enable")
  plot_trace(gd)
  s <- drawn_strings()
  expect_true(any(grepl("gradient descent: 5000 iterations, NOT converged", s, fixed = TRUE)))
  expect_true(any(grepl("deviance - IRLS deviance", s, fixed = TRUE)))
  plot(gd, which = 1)
  expect_true(any(grepl("NOT converged", drawn_strings())))
  # a converged fit: no such title; a fit without its model: "relative to the last iterate"
  plot(newton_glm(am ~ wt + hp, binomial, mtcars), which = "trace")
  expect_false(any(grepl("NOT converged", drawn_strings())))
  X <- model.matrix(ref)
  m <- suppressWarnings(newton_glm_fit(X, mtcars$am, family = binomial(),
                                       control = list(algorithm = "gd", maxit = 50)))
  plot_trace(m)
  s <- drawn_strings()
  expect_true(any(grepl("relative to the last iterate", s, fixed = TRUE)))
  expect_true(any(grepl("NOT converged", s, fixed = TRUE)))
})

test_that("item 10: method = \"gd\" / \"BFGS\" name the setting and the fix", {
  e <- expect_error(newton_glm(am ~ wt + hp, binomial, mtcars, method = "gd"),
                    "'method' is the fitting function")
  expect_match(conditionMessage(e), "control = list(algorithm = \"gd\")", fixed = TRUE)
  e <- expect_error(newton_glm(am ~ wt + hp, binomial, mtcars, method = "BFGS"), "'method'")
  expect_match(conditionMessage(e), "newton_optim()", fixed = TRUE)
  expect_false(grepl("mode 'function'", conditionMessage(e)))
  e <- expect_error(newton_glm(am ~ wt + hp, binomial, mtcars, control = list(algorithm = "bfgs")),
                    "control setting 'algorithm' must be \"auto\"")
  expect_match(conditionMessage(e), "not \"bfgs\"", fixed = TRUE)
  e <- expect_error(newton_glm(am ~ wt + hp, binomial, mtcars, algorithm = "gd", lr = 0.1),
                    "unknown setting\\(s\\): lr")
  expect_match(conditionMessage(e), "no learning rate")
  expect_error(newton_glm(am ~ wt + hp, binomial, mtcars, line_search = FALSE),
               "'line_search': IRLS halves rejected steps")
  expect_error(newton_glm(am ~ wt + hp, binomial, mtcars, tol = 1e-10),
               "'tol': the tolerance is 'epsilon'")
  expect_warning(newton_glm_control(algorithm = "gd", type = "newton"),
                 "'type' = \"newton\" is ignored by algorithm = \"gd\"")
})

test_that("item 13: newton_glm_control() prints one line per setting", {
  out <- capture.output(print(newton_glm_control(lambda = 0.5)))
  expect_match(out[1], "^newton_glm_control")
  expect_true(any(grepl("^  lambda +=  ?0.5 +# ridge penalty", out)))
  expect_true(any(grepl("^  threads += NULL", out)))
  expect_false(any(grepl("attr\\(", out)))
  expect_length(out, 1L + length(newton_glm_control()))  # a header and one line per setting
})

test_that("item 15: the GLM help pages link to the glm vignette", {
  db <- tools::Rd_db("newtonr")
  for (page in c("newton_glm.Rd", "newton_glm_fit.Rd", "newton_glm_control.Rd", "plot_trace.Rd")) {
    txt <- paste(as.character(db[[page]]), collapse = "")
    expect_true(grepl("vignette(\"glm\", package = \"newtonr\")", txt, fixed = TRUE), info = page)
  }
})
