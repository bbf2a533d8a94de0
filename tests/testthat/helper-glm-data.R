# helper-glm-data.R -- seeded data makers and a comparison helper for the
# newton_glm() tests (reference: stats::glm() on the same call).

# A mixed data set: numeric and factor covariates, responses for every family.
glm_test_data <- function(n = 120, seed = 101) {
  set.seed(seed)
  d <- data.frame(x1 = rnorm(n), x2 = runif(n, -1, 1),
                  g = factor(sample(c("a", "b", "c"), n, replace = TRUE)),
                  expo = runif(n, 0.5, 3))
  eta <- 0.3 + 0.8 * d$x1 - 0.5 * d$x2 + c(a = 0, b = 0.4, c = -0.3)[as.character(d$g)]
  d$yb <- rbinom(n, 1, plogis(eta))
  d$yf <- factor(ifelse(d$yb == 1, "yes", "no"))
  d$size <- sample(5:15, n, replace = TRUE)
  d$succ <- rbinom(n, d$size, plogis(eta))
  d$prop <- d$succ / d$size
  d$count <- rpois(n, d$expo * exp(0.2 + 0.3 * d$x1))
  d$ypos <- rgamma(n, shape = 4, rate = 4 / exp(1 + 0.3 * d$x1))
  d$ygau <- 1 + 2 * d$x1 - d$x2 + rnorm(n)
  d$w <- runif(n, 0.5, 2)
  d
}

# The documents' logistic example: n = 100, three features, true theta
# (1.5, -1, 0.5), no intercept.
doc_logistic_data <- function(seed = 42) {
  set.seed(seed)
  X <- matrix(rnorm(300), 100, 3, dimnames = list(NULL, paste0("x", 1:3)))
  y <- as.numeric(runif(100) < plogis(drop(X %*% c(1.5, -1, 0.5))))
  data.frame(X, y = y)
}

# Compare a newton_glm fit with the glm fit of the same call.
expect_glm_equal <- function(fit, ref, tol = 1e-8, se_tol = 1e-6) {
  expect_s3_class(fit, c("newton_glm", "glm", "lm"), exact = TRUE)
  expect_equal(coef(fit), coef(ref), tolerance = tol)
  expect_equal(deviance(fit), deviance(ref), tolerance = tol)
  expect_equal(fit$null.deviance, ref$null.deviance, tolerance = tol)
  expect_equal(AIC(fit), AIC(ref), tolerance = tol)
  expect_equal(fitted(fit), fitted(ref), tolerance = tol)
  expect_equal(df.residual(fit), df.residual(ref))
  expect_equal(fit$df.null, ref$df.null)
  expect_equal(fit$rank, ref$rank)
  sf <- summary(fit)$coefficients
  sr <- summary(ref)$coefficients
  expect_equal(rownames(sf), rownames(sr))
  expect_equal(sf[, 2L], sr[, 2L], tolerance = se_tol)
  expect_equal(summary(fit)$dispersion, summary(ref)$dispersion, tolerance = tol)
  invisible(fit)
}
