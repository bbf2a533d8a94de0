# Hessian-free GLM solvers (algorithm = "newton-cg", "lbfgs"; glm_hf.hpp)
# and algorithm = "auto".  References: glm.fit (stats), ridge normal
# equations solved here, LiblineaR's objective, gradients computed here.

hf_data <- function(n = 400, p = 6, seed = 3) {
  set.seed(seed)
  X <- cbind(1, matrix(rnorm(n * (p - 1)), n))
  colnames(X) <- c("(Intercept)", paste0("x", seq_len(p - 1)))
  b <- c(0.3, seq(-0.6, 0.6, length.out = p - 1))
  list(X = X, yb = rbinom(n, 1, plogis(X %*% b)), yp = rpois(n, exp(X %*% b / 2)))
}

# the score X'(wt (y - mu) mu.eta / V) of the family at the fit, here in R
hf_score <- function(X, y, fit, fam) {
  eta <- drop(X %*% fit$coefficients)
  mu <- fam$linkinv(eta)
  drop(crossprod(X, (y - mu) * fam$mu.eta(eta) / fam$variance(mu)))
}

test_that("newton-cg and lbfgs agree with glm.fit (logit, probit, poisson) and stop at a stationary point", {
  d <- hf_data()
  cases <- list(list(d$yb, binomial()), list(d$yb, binomial("probit")), list(d$yp, poisson()))
  for (cs in cases) {
    ref <- glm.fit(d$X, cs[[1]], family = cs[[2]], control = glm.control(epsilon = 1e-12, maxit = 50))
    for (a in c("newton-cg", "lbfgs")) {
      fit <- newton_glm_fit(d$X, cs[[1]], family = cs[[2]], control = list(algorithm = a))
      expect_true(fit$converged)
      expect_identical(fit$algorithm, a)
      expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-5)
      expect_equal(fit$deviance, ref$deviance, tolerance = 1e-9)
      expect_equal(fit$aic, ref$aic, tolerance = 1e-9)
      expect_equal(fit$fitted.values, ref$fitted.values, tolerance = 1e-5)
      g <- hf_score(d$X, cs[[1]], fit, cs[[2]])
      expect_lt(max(abs(g)), 1e-3)
    }
  }
})

test_that("the ridge penalty: gaussian newton-cg/lbfgs solve (X'X + lambda P) b = X'y, intercept unpenalised", {
  d <- hf_data(n = 200, p = 5)
  y <- drop(d$X %*% c(1, 2, -1, 0.5, 0)) + rnorm(200)
  lam <- 25
  P <- diag(c(0, rep(lam, 4)))
  b <- solve(crossprod(d$X) + P, crossprod(d$X, y))
  for (a in c("newton-cg", "lbfgs")) {
    fit <- newton_glm_fit(d$X, y, family = gaussian(), control = list(algorithm = a, lambda = lam, epsilon = 1e-12))
    expect_equal(unname(fit$coefficients), unname(drop(b)), tolerance = 1e-7)
  }
  # penalize_intercept = TRUE penalises the column of ones too
  b2 <- solve(crossprod(d$X) + diag(lam, 5), crossprod(d$X, y))
  fit <- newton_glm_fit(d$X, y, family = gaussian(),
                        control = list(algorithm = "newton-cg", lambda = lam, penalize_intercept = TRUE, epsilon = 1e-12))
  expect_equal(unname(fit$coefficients), unname(drop(b2)), tolerance = 1e-7)
})

test_that("lambda = 1/C reproduces LiblineaR's L2 logistic (type 0, no bias)", {
  skip_if_not_installed("LiblineaR")
  d <- hf_data(n = 300, p = 5, seed = 9)
  X <- d$X[, -1]
  C <- 0.5
  lib <- LiblineaR::LiblineaR(X, d$yb, type = 0, cost = C, epsilon = 1e-10, bias = -1)
  w <- drop(lib$W)
  if (!identical(as.character(lib$ClassNames[1]), "1")) w <- -w
  fit <- newton_glm_fit(X, d$yb, family = binomial(), intercept = FALSE,
                        control = list(algorithm = "newton-cg", lambda = 1 / C, epsilon = 1e-10))
  expect_true(fit$converged)
  obj <- function(b) { m <- drop(X %*% b) * ifelse(d$yb > 0, 1, -1); 0.5 * sum(b^2) + C * sum(log1p(exp(-m))) }
  expect_equal(obj(fit$coefficients), obj(w), tolerance = 1e-9)
  expect_equal(unname(fit$coefficients), unname(w), tolerance = 1e-4)
  # and the penalised deviance is 2 / C times LIBLINEAR's objective
  expect_equal(fit$penalised_deviance, 2 * obj(w) / C, tolerance = 1e-9)
})

test_that("a family given by R closures works with newton-cg (same fit as the native family)", {
  d <- hf_data()
  fam <- binomial()
  fam$variance <- function(mu) mu * (1 - mu)
  ref <- glm.fit(d$X, d$yb, family = binomial())
  fit <- newton_glm_fit(d$X, d$yb, family = fam, control = list(algorithm = "newton-cg"))
  expect_true(fit$converged)
  expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-5)
})

test_that("an iteration limit or a stall is an honest failure with a warning naming the cause", {
  d <- hf_data()
  expect_warning(fit <- newton_glm_fit(d$X, d$yb, family = binomial(), control = list(algorithm = "lbfgs", maxit = 2)),
                 "did not converge in 2 iterations")
  expect_false(fit$converged)
  expect_identical(fit$status, 1L)
  # a tolerance at the edge of rounding: either a stationary point to that
  # tolerance, or a stop that says why (status 4) -- never a false claim
  fit <- suppressWarnings(newton_glm_fit(d$X, d$yb, family = binomial(),
                                         control = list(algorithm = "newton-cg", epsilon = 1e-15)))
  if (fit$converged) {
    expect_lt(max(abs(hf_score(d$X, d$yb, fit, binomial()))), 1e-8)
  } else {
    expect_identical(fit$status, 4L)
  }
})

test_that("auto: IRLS (identical to algorithm = 'irls') at small p, newton-cg beyond, with the reason", {
  d <- hf_data()
  a <- newton_glm_fit(d$X, d$yb, family = binomial())
  i <- newton_glm_fit(d$X, d$yb, family = binomial(), control = list(algorithm = "irls"))
  expect_identical(a$algorithm, "irls")
  expect_identical(a$coefficients, i$coefficients)
  expect_match(a$algorithm_reason, "^auto: 6 columns <= 400")
  set.seed(5)
  n <- 1200; p <- 402
  X <- cbind(1, matrix(rnorm(n * (p - 1)), n))
  y <- rbinom(n, 1, plogis(X[, 2] - X[, 3]))
  big <- newton_glm_fit(X, y, family = binomial(), control = list(lambda = 1))
  expect_identical(big$algorithm, "newton-cg")
  expect_match(big$algorithm_reason, "402 columns > 400")
  ref <- newton_glm_fit(X, y, family = binomial(), control = list(algorithm = "irls", lambda = 1, epsilon = 1e-12))
  expect_equal(big$coefficients, ref$coefficients, tolerance = 1e-5)
  expect_false(anyNA(big$R))
})

test_that("bad settings are named errors", {
  d <- hf_data()
  expect_error(newton_glm_fit(d$X, d$yb, family = binomial(), control = list(algorithm = "newton-cg", lambda = -1)),
               "'lambda'")
  expect_error(newton_glm_control(algorithm = "sag"), "'algorithm' must be \"auto\"")
  expect_error(newton_glm_control(penalize_intercept = NA), "'penalize_intercept'")
  # no valid start for the family: a message asking for 'start', no crash
  expect_error(newton_glm_fit(d$X, d$yp + 1, family = Gamma(), start = rep(0, 6),
                              control = list(algorithm = "newton-cg")),
               "supply 'start'")
})
