# test-glm-convergence.R -- convergence that means it (glm_loop.hpp's test
# after a halved step, glm_gd.hpp's confirmation by the current curvature),
# halvings reported as glm.fit and glm2 report them, type = "newton"
# starting where glm starts, and errors that name mustart/etastart.
# References: glm2 at epsilon 1e-14 (an independent fitter), glm itself.

conv_heart <- function() {
  e <- new.env()
  utils::data(heart, package = "newtonr", envir = e)
  h <- e$heart
  list(f = cbind(Deaths, Patients - Deaths) ~ factor(AgeGroup) + factor(Severity) +
         factor(Delay) + factor(Region),
       d = h, start = c(log(sum(h$Deaths) / sum(h$Patients)), rep(0, 8)))
}


test_that("a halved step that does not move the deviance is not convergence (heart, defaults)", {
  skip_if_not_installed("glm2")
  h <- conv_heart()
  ref <- suppressWarnings(glm2::glm2(h$f, binomial("log"), h$d, start = h$start,
                                     control = list(epsilon = 1e-14, maxit = 100)))
  fit <- suppressWarnings(newton_glm(h$f, binomial("log"), h$d, start = h$start))
  expect_true(fit$converged)
  # glm's test at epsilon 1e-8 on |dev| ~ 149: the optimum within ~1.5e-6
  # (the old rule stopped 3.4e-5 above it)
  expect_lt(fit$deviance - ref$deviance, 1.5e-6)
  expect_equal(coef(fit), coef(ref), tolerance = 1e-3)
})

test_that("glm's truncation warnings are passed on, halvings on a rise warned as glm2 does", {
  skip_if_not_installed("glm2")
  h <- conv_heart()
  g <- conv_warnings(glm(h$f, binomial("log"), h$d, start = h$start, control = list(maxit = 100)))
  n <- conv_warnings(newton_glm(h$f, binomial("log"), h$d, start = h$start))
  expect_true("step size truncated due to divergence" %in% g$warnings)
  expect_true("step size truncated due to divergence" %in% n$warnings)
  expect_true("step size truncated due to increasing deviance" %in% n$warnings)
  # once per kind and fit
  expect_equal(anyDuplicated(n$warnings), 0L)
  # identity-link Poisson: glm's "out of bounds"
  e <- new.env()
  utils::data(crabs, package = "newtonr", envir = e)
  fc <- Satellites ~ I(Width - min(Width)) + factor(Dark) + factor(GoodSpine)
  g <- conv_warnings(glm(fc, poisson("identity"), e$crabs, start = rep(1, 4)))
  n <- conv_warnings(newton_glm(fc, poisson("identity"), e$crabs, start = rep(1, 4)))
  expect_true("step size truncated: out of bounds" %in% g$warnings)
  expect_true("step size truncated: out of bounds" %in% n$warnings)
  # the trace prints the halvings as glm2 does
  out <- capture.output(suppressWarnings(
    newton_glm(h$f, binomial("log"), h$d, start = h$start, control = list(trace = TRUE))))
  expect_true(any(grepl("^Step halved: new deviance = ", out)))
  # an ordinary fit halves nothing and warns nothing
  expect_no_warning(newton_glm(am ~ wt, binomial, mtcars))
})

test_that("epsilon down to 1e-14 is met where glm2 meets it, at glm2's optimum", {
  skip_if_not_installed("glm2")
  h <- conv_heart()
  for (eps in c(1e-11, 1e-14)) {
    ref <- suppressWarnings(glm2::glm2(h$f, binomial("log"), h$d, start = h$start,
                                       control = list(epsilon = eps, maxit = 50)))
    fit <- suppressWarnings(newton_glm(h$f, binomial("log"), h$d, start = h$start,
                                       control = list(epsilon = eps, maxit = 50)))
    expect_true(ref$converged)
    expect_true(fit$converged)
    expect_lt(abs(fit$deviance - ref$deviance), 10 * eps * (abs(ref$deviance) + 0.1) + 1e-12)
  }
})

test_that("gradient descent does not report convergence on separated data (p = 300)", {
  set.seed(1)
  n <- 100
  p <- 300
  X <- cbind(1, matrix(rnorm(n * (p - 1)), n))
  y <- rbinom(n, 1, 0.5)  # p > n: completely separated
  fit <- suppressWarnings(newton_glm_fit(X, y, family = binomial(),
                                         control = list(algorithm = "gd", maxit = 150)))
  expect_false(fit$converged)
  # while on data that do not separate it still converges, to glm's optimum
  set.seed(2)
  d <- data.frame(x = rnorm(200), z = rnorm(200))
  d$y <- rbinom(200, 1, plogis(0.5 + d$x - d$z))
  gd <- newton_glm(y ~ x + z, binomial, d, control = list(algorithm = "gd", epsilon = 1e-10))
  ref <- glm(y ~ x + z, binomial, d, control = list(epsilon = 1e-12))
  expect_true(gd$converged)
  expect_equal(coef(gd), coef(ref), tolerance = 1e-4)
})

test_that("type = 'newton' starts a log-binomial fit that glm fits", {
  set.seed(9)
  n <- 100
  d <- data.frame(x = runif(n), z = rbinom(n, 1, 0.5))
  d$y <- rbinom(n, 1, exp(-2 + 1.5 * d$x + 0.3 * d$z))
  ref <- glm(y ~ x + z, binomial("log"), d, control = list(epsilon = 1e-12, maxit = 100))
  fit <- newton_glm(y ~ x + z, binomial("log"), d,
                    control = list(type = "newton", epsilon = 1e-12, maxit = 100))
  expect_true(fit$converged)
  expect_equal(fit$deviance, ref$deviance, tolerance = 1e-9)
  expect_equal(coef(fit), coef(ref), tolerance = 1e-5)
})

test_that("mustart and etastart errors name the argument", {
  set.seed(1)
  X <- cbind(1, rnorm(30))
  y <- rpois(30, 2) + 1
  expect_error(newton_glm_fit(X, y, mustart = rep(0, 30), family = gaussian("log")),
               "'mustart' gives a non-finite linear predictor")
  expect_error(newton_glm_fit(X, y, mustart = rep(1e300, 30), family = poisson()),
               "'mustart' gives working weights")
  expect_error(newton_glm_fit(X, y, mustart = rep(2, 29), family = poisson()), "'mustart' must have length 30")
  expect_error(newton_glm_fit(X, y, etastart = rep(0, 31), family = poisson()), "'etastart' must have length 30")
  d <- data.frame(y = y, x = X[, 2])
  expect_error(newton_glm(y ~ x, poisson, d, mustart = rep(1, 29)), "'mustart'")
  expect_error(newton_glm(y ~ x, poisson, d, etastart = rep(0, 29)), "'etastart'")
  expect_error(newton_glm(y ~ x, binomial, data.frame(y = y > 2, x = X[, 2]), mustart = rep(1.5, 30)),
               "'mustart' holds values that are not valid means")
  # a valid mustart still fits, to glm's answer
  fit <- newton_glm(y ~ x, poisson, d, mustart = rep(3, 30))
  expect_equal(coef(fit), coef(glm(y ~ x, poisson, d)), tolerance = 1e-8)
})
