# Determinism of newton_glm_fit() across thread counts.  The rows are cut
# into chunks whose number depends on n only; a problem small enough for a
# test runs on one chunk, where any thread count gives the same sums
# trivially.  The test hook options(newtonr.chunk_rows) forces small chunks,
# and every fit reports the chunks of its passes over X (fit$kernel$chunks),
# so these tests fail if the hook is ignored.

glm_thread_fits <- function(x, y, fam, control = list()) {
  lapply(c(1, 2, 4), function(th) {
    newton_glm_fit(x, y, family = fam, control = c(control, list(threads = th)))
  })
}

expect_fits_identical <- function(fits) {
  for (f in fits[-1]) {
    expect_identical(f$coefficients, fits[[1]]$coefficients)
    expect_identical(f$deviance, fits[[1]]$deviance)
    expect_identical(f$trace, fits[[1]]$trace)
    expect_identical(f$weights, fits[[1]]$weights)
    expect_identical(f$R, fits[[1]]$R)
  }
}

test_that("results are bit-identical for 1, 2 and 4 threads on 4 chunks", {
  set.seed(7)
  n <- 10000
  x <- cbind(1, matrix(rnorm(n * 7), n))
  y <- rbinom(n, 1, plogis(x %*% rnorm(8, sd = 0.3)))
  yp <- rpois(n, exp(x %*% rnorm(8, sd = 0.2)))
  old <- options(newtonr.chunk_rows = 2500L)
  on.exit(options(old))
  for (fam in list(binomial(), poisson(), Gamma("log"))) {
    yy <- switch(fam$family, binomial = y, poisson = yp, Gamma = yp + 0.5)
    fits <- glm_thread_fits(x, yy, fam, list(type = "newton"))
    expect_true(fits[[1]]$kernel$native)
    expect_identical(fits[[1]]$kernel$chunks, 4)
    expect_fits_identical(fits)
  }
  # the closure path (a user's family) and gradient descent too
  fam <- binomial()
  fam$family <- "my_binomial"
  fits <- glm_thread_fits(x, y, fam)
  expect_false(fits[[1]]$kernel$native)
  expect_identical(fits[[1]]$kernel$chunks, 4)
  expect_fits_identical(fits)
  fits <- glm_thread_fits(x, y, binomial(), list(algorithm = "gd", maxit = 30))
  expect_identical(fits[[1]]$kernel$chunks, 4)
  expect_fits_identical(fits)
})

test_that("the chunk hook changes the partition, and only the last bits", {
  set.seed(9)
  n <- 3000
  x <- cbind(1, matrix(rnorm(n * 3), n))
  y <- rbinom(n, 1, plogis(x %*% c(0.2, 0.5, -0.5, 0.3)))
  one <- newton_glm_fit(x, y, family = binomial())
  expect_identical(one$kernel$chunks, 1)
  old <- options(newtonr.chunk_rows = 1000L)
  on.exit(options(old))
  three <- newton_glm_fit(x, y, family = binomial())
  expect_identical(three$kernel$chunks, 3)
  expect_equal(three$coefficients, one$coefficients, tolerance = 1e-12)
  expect_equal(three$coefficients, glm.fit(x, y, family = binomial())$coefficients,
               tolerance = 1e-10)
})
