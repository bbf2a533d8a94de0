# test-glm-audit14.R -- regressions found by the independent audit of
# issue 14 (GLM fidelity): each test failed before its fix.

# The warnings of an expression, collected (the value discarded).
audit14_warnings <- function(expr) {
  w <- character()
  withCallingHandlers(expr, warning = function(x) {
    w <<- c(w, conditionMessage(x))
    invokeRestart("muffleWarning")
  })
  w
}

test_that("an empty cell in a large data set (beyond the LP's row limit) is named", {
  skip_if_not_installed("boot")
  # more distinct rows than glm_sep_max_rows: every observation in level c
  # has y = 0 (quasi-complete separation by construction: the coefficient
  # of fc is -Inf), the continuous covariates are noise
  set.seed(11)
  n <- 5000
  d <- data.frame(x1 = rnorm(n), x2 = rnorm(n), f = factor(sample(letters[1:3], n, TRUE)))
  d$y <- rbinom(n, 1, 0.5)
  d$y[d$f == "c"] <- 0
  w <- audit14_warnings(fit <- newton_glm(y ~ f + x1 + x2, binomial, d))
  named <- grep("^newton_glm_fit: coefficients of ", w, value = TRUE)
  expect_length(named, 1L)
  expect_match(named, "coefficients of fc diverge", fixed = TRUE)
  # the same data without the empty cell: nothing named
  d$y[d$f == "c"] <- rbinom(sum(d$f == "c"), 1, 0.5)
  w <- audit14_warnings(newton_glm(y ~ f + x1 + x2, binomial, d))
  expect_length(grep("coefficients of", w), 0L)
})

test_that("qr() of a large fit (r_only) has glm's components, tol included", {
  # n p^2 above the eager limit (5e7), so the fit keeps only R and qr()
  # rebuilds glm's n x p QR; glm.fit's qr carries tol = min(1e-7, epsilon / 1000)
  set.seed(14)
  n <- 36000
  X <- matrix(rnorm(n * 37), n)
  y <- rpois(n, exp(0.1 * X[, 1]))
  g <- glm(y ~ X, poisson, control = list(epsilon = 1e-5))
  m <- glm(y ~ X, poisson, method = newton_glm_fit, control = list(epsilon = 1e-5))
  expect_true(isTRUE(m$qr$r_only))
  q <- qr(m)
  expect_identical(names(q), names(g$qr))
  expect_equal(q$tol, g$qr$tol)
  expect_equal(dim(q$qr), dim(g$qr$qr))
})

test_that("newton-cg does not report convergence on separated data above the limiting deviance", {
  # (was: converged = TRUE at deviance 1.3e-7 after a step cut by the trust
  # region; glm's rule puts the limit at about 1e-8 here)
  set.seed(5)
  d <- data.frame(x1 = rnorm(30), x2 = rnorm(30))
  d$y <- as.numeric(d$x1 > 0)
  fit <- suppressWarnings(newton_glm(y ~ x1 + x2, binomial, d,
                                     control = list(algorithm = "newton-cg")))
  if (isTRUE(fit$converged)) expect_lt(fit$deviance, 1e-8) else succeed()
  # an ordinary fit still converges, to glm's coefficients
  d$y2 <- rbinom(30, 1, plogis(0.3 + d$x1))
  f2 <- newton_glm(y2 ~ x1 + x2, binomial, d, control = list(algorithm = "newton-cg"))
  g2 <- glm(y2 ~ x1 + x2, binomial, d)
  expect_true(f2$converged)
  expect_equal(unname(coef(f2)), unname(coef(g2)), tolerance = 1e-6)
})
