# Sparse designs (Matrix::dgCMatrix; glm_sparse.hpp): newton_glm_fit(x =
# <dgCMatrix>) and newton_glm(..., sparse = TRUE), against glm()/glm.fit on
# the dense matrix.

sp_data <- function(n = 600, k = 30, seed = 4) {
  set.seed(seed)
  d <- data.frame(x = rnorm(n), id = factor(sample.int(k, n, TRUE)))
  u <- rnorm(k, sd = 0.7)
  d$y <- rbinom(n, 1, plogis(0.5 * d$x + u[d$id]))
  d$count <- rpois(n, exp(0.3 * d$x + u[d$id] / 2))
  d
}

test_that("a dgCMatrix x: IRLS, newton-cg and lbfgs agree with glm.fit on the dense matrix", {
  skip_if_not_installed("Matrix")
  d <- sp_data()
  X <- model.matrix(~ x + id, d)
  Xs <- Matrix::sparse.model.matrix(~ x + id, d)
  for (fam in list(binomial(), poisson())) {
    y <- if (fam$family == "binomial") d$y else d$count
    ref <- glm.fit(X, y, family = fam)
    for (a in c("auto", "irls", "newton-cg", "lbfgs")) {
      fit <- newton_glm_fit(Xs, y, family = fam, control = list(algorithm = a))
      expect_true(fit$converged)
      # (lbfgs: linear convergence, the gradient test leaves ~1e-5)
      expect_equal(fit$coefficients, ref$coefficients, tolerance = if (a == "lbfgs") 1e-4 else 1e-5)
      expect_equal(fit$deviance, ref$deviance, tolerance = 1e-9)
      expect_equal(fit$aic, ref$aic, tolerance = 1e-9)
      expect_equal(fit$null.deviance, ref$null.deviance, tolerance = 1e-12)
      expect_identical(fit$df.residual, ref$df.residual)
    }
  }
})

test_that("newton_glm(sparse = TRUE): coef, vcov, summary, logLik, AIC, predict with newdata as glm()", {
  skip_if_not_installed("Matrix")
  d <- sp_data()
  g <- glm(y ~ x + id, binomial, d)
  for (a in c("irls", "newton-cg")) {
    m <- newton_glm(y ~ x + id, binomial, d, sparse = TRUE, algorithm = a)
    expect_true(m$sparse)
    expect_equal(coef(m), coef(g), tolerance = 1e-5)
    expect_equal(vcov(m), vcov(g), tolerance = 1e-5)
    expect_equal(summary(m)$coefficients, summary(g)$coefficients, tolerance = 1e-4)
    expect_equal(as.numeric(logLik(m)), as.numeric(logLik(g)), tolerance = 1e-9)
    expect_equal(AIC(m), AIC(g), tolerance = 1e-9)
    nd <- data.frame(x = c(-1, 0, 2), id = factor(c(1, 5, 30), levels = levels(d$id)))
    expect_equal(predict(m, nd, type = "response"), predict(g, nd, type = "response"), tolerance = 1e-5)
    expect_equal(predict(m, nd), predict(g, nd), tolerance = 1e-5)
  }
})

test_that("an aliased sparse column is NA as in glm", {
  skip_if_not_installed("Matrix")
  d <- sp_data()
  X <- cbind(model.matrix(~ x + id, d), x2 = 2 * d$x)
  ref <- glm.fit(X, d$y, family = binomial())
  fit <- newton_glm_fit(methods::as(X, "CsparseMatrix"), d$y, family = binomial(),
                        control = list(algorithm = "irls"))
  expect_identical(is.na(fit$coefficients), is.na(ref$coefficients))
  expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-5)
  expect_identical(fit$rank, ref$rank)
})

test_that("sparse bad input: NA, other sparse classes, gd", {
  skip_if_not_installed("Matrix")
  d <- sp_data(n = 100, k = 5)
  Xs <- Matrix::sparse.model.matrix(~ x + id, d)
  bad <- Xs
  bad@x[3] <- NA
  expect_error(newton_glm_fit(bad, d$y, family = binomial()), "'x' must not contain NA")
  bad@x[3] <- Inf
  expect_error(newton_glm_fit(bad, d$y, family = binomial()), "'x' must be finite")
  ref <- newton_glm_fit(Xs, d$y, family = binomial())
  # a triplet matrix and a row-compressed one are converted
  for (cl in c("TsparseMatrix", "RsparseMatrix")) {
    fit <- newton_glm_fit(methods::as(Xs, cl), d$y, family = binomial())
    expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-12)
  }
  expect_error(newton_glm_fit(Xs, d$y, family = binomial(), control = list(algorithm = "gd")),
               "'x' is sparse: algorithm = \"gd\"")
})

test_that("separation without a penalty: warned and the columns named (sparse IRLS and newton-cg)", {
  skip_if_not_installed("Matrix")
  set.seed(2)
  x <- c(rnorm(20, -2), rnorm(20, 2))
  X <- cbind(1, x, z = rnorm(40))
  y <- as.numeric(x > 0)
  for (a in c("irls", "newton-cg")) {
    expect_warning(newton_glm_fit(methods::as(X, "CsparseMatrix"), y, family = binomial(),
                                  control = list(algorithm = a, maxit = 200)),
                   "coefficients of x(, z)? diverge")
  }
})

test_that("standard errors beyond 1000 columns: vcov() says why", {
  skip_if_not_installed("Matrix")
  set.seed(8)
  d <- data.frame(id = factor(rep(1:1001, 3)), y = rbinom(3003, 1, 0.5))
  m <- newton_glm(y ~ 0 + id, binomial, d, sparse = TRUE, lambda = 1)
  expect_identical(m$algorithm, "newton-cg")
  expect_true(m$converged)
  expect_error(vcov(m), "no standard errors: p = 1001 columns exceeds 1000")
  expect_error(summary(m), "no standard errors: p = 1001 columns exceeds 1000")
  expect_null(m$R)
  expect_equal(as.numeric(logLik(m)), sum(dbinom(d$y, 1, fitted(m), log = TRUE)), tolerance = 1e-12)
})
