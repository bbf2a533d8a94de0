# test-glm-bigp.R -- dense IRLS with many columns (p = 300, past kGlmBigP =
# 256 where X'WX takes the GEMM-blocked kernel, and past the blocked
# Cholesky's panel width of 96) with exactly aliased columns placed in
# several panels: coefficients and the NA pattern must match glm() (LINPACK
# QR, an independent implementation), for the AVX2 and the portable kernels.

bigp_data <- function(family) {
  set.seed(17)
  n <- 900
  p <- 300
  x <- cbind(1, matrix(rnorm(n * (p - 1)), n))
  # exact aliasing in different panels of 96 columns: a combination of
  # earlier columns, a duplicate, a zero column and a sum of four columns
  x[, 40] <- x[, 3] - 2 * x[, 7]
  x[, 150] <- x[, 120]
  x[, 200] <- 0
  x[, 290] <- x[, 2] + x[, 100] + x[, 199] + x[, 250]
  colnames(x) <- c("(Intercept)", paste0("x", 2:p))
  eta <- drop(x[, -c(40, 150, 200, 290)] %*% c(0.2, rnorm(p - 5, sd = 0.3 / sqrt(p))))
  y <- switch(family,
    binomial = rbinom(n, 1, plogis(eta)),
    poisson = rpois(n, exp(eta)),
    gaussian = eta + rnorm(n))
  list(x = x, y = y, df = data.frame(y = y, x[, -1]))
}

for (fam in c("binomial", "poisson", "gaussian")) {
  test_that(paste("p = 300 with aliased columns matches glm():", fam), {
    d <- bigp_data(fam)
    # glm's defaults: its QR tolerance is min(1e-7, epsilon / 1000) = 1e-11;
    # both fitters run the same iterations from the same start, so the
    # coefficients agree to rounding, not just to the convergence tolerance
    ref <- glm(y ~ ., family = fam, data = d$df)
    expect_true(ref$converged)
    expect_identical(sum(is.na(coef(ref))), 4L)  # the design really is aliased
    for (simd in c(TRUE, FALSE)) {
      old <- options(newtonr.simd = simd)
      fit <- newton_glm_fit(d$x, d$y, family = get(fam)())
      options(old)
      expect_true(fit$converged)
      expect_identical(fit$iter, ref$iter)
      cf <- unname(fit$coefficients)
      cr <- unname(coef(ref))
      expect_identical(is.na(cf), is.na(cr))
      expect_identical(fit$rank, ref$rank)
      ok <- !is.na(cr)
      expect_lt(max(abs(cf[ok] - cr[ok]) / pmax(1, abs(cr[ok]))), 1e-8)
      expect_equal(fit$deviance, ref$deviance, tolerance = 1e-10)
    }
  })
}
