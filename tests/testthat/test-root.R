# newton_root(): the documents' examples, references (uniroot, closed
# forms) and bad input.

doc_root <- function(f, fp, x0, tol) {
  newton_root(f, x0, fprime = fp, tol = tol, criterion = "previous")
}

test_that("the documents' iterates are reproduced to 1e-12", {
  r <- doc_root(function(x) 6*x^5 - 5*x^4 - 4*x^3 + 3*x^2,
                function(x) 30*x^4 - 20*x^3 - 12*x^2 + 6*x, 0.7, 1e-6)
  expect_equal(r$trace$x[-1], c(0.6296335078534031, 0.6286680781673306,
                                0.6286669787778999, 0.6286669787764609), tolerance = 1e-12)
  expect_equal(r$iter, 4L)
  r <- doc_root(function(x) x^3 - 72*x - 220, function(x) 3*x^2 - 72, 12, 1e-4)
  expect_equal(r$trace$x[-1], c(10.21111111111111, 9.756461564762278, 9.727252176332618,
                                9.72713442131889, 9.727134419408875), tolerance = 1e-12)
  expect_equal(r$iter, 5L)
  expect_equal(r$root, 9.727134419408875, tolerance = 1e-12)
  r <- doc_root(function(x) x^2 + 9*x - 5, function(x) 2*x + 9, 2.2, 1e-3)
  expect_equal(r$trace$x[-1], c(0.7343283582089555, 0.5291259698087832,
                                0.5249395544696249, 0.5249378105607477), tolerance = 1e-12)
  expect_equal(r$iter, 4L)
})

test_that("formulas give exact derivatives and the same iterates", {
  r <- newton_root(~ 6*x^5 - 5*x^4 - 4*x^3 + 3*x^2, 0.7, tol = 1e-6, criterion = "previous")
  expect_identical(r$derivative, "symbolic")
  expect_equal(r$trace$x[5], 0.6286669787764609, tolerance = 1e-12)
  r <- newton_root(~ x^2 - 4*x - 7, x0 = 5)
  expect_true(r$converged)
  expect_equal(r$root, 2 + sqrt(11), tolerance = 1e-14)
  # a formula with a constant from the calling environment
  a <- 3
  expect_equal(newton_root(~ t^2 - a, 1)$root, sqrt(3), tolerance = 1e-14)
})

test_that("the stopping rules differ by exactly one update", {
  f <- function(x) x^3 - 72*x - 220; fp <- function(x) 3*x^2 - 72
  r_f <- newton_root(f, 12, fp, tol = 1e-4, criterion = "f")
  r_d <- newton_root(f, 12, fp, tol = 1e-4, criterion = "previous")
  expect_equal(r_d$iter, r_f$iter + 1L)
  expect_lte(abs(r_f$f.root), 1e-4)
  # "previous": |f| at the iterate before the last update is <= tol, and
  # not at the one before that
  fx <- f(r_d$trace$x)
  n <- length(fx)
  expect_lte(abs(fx[n - 1L]), 1e-4)
  expect_gt(abs(fx[n - 2L]), 1e-4)
})

test_that("criterion = \"documents\" (the old name of \"previous\") warns and gives the same run", {
  f <- function(x) x^3 - 72*x - 220; fp <- function(x) 3*x^2 - 72
  r_p <- newton_root(f, 12, fp, tol = 1e-4, criterion = "previous")
  expect_warning(r_d <- newton_root(f, 12, fp, tol = 1e-4, criterion = "documents"),
                 "criterion = \"documents\" is deprecated; use criterion = \"previous\"")
  expect_identical(r_d$trace, r_p$trace)
  expect_identical(r_d$criterion, "previous")
})

test_that("roots agree with uniroot and closed forms", {
  f <- function(x) cos(x) - x
  u <- uniroot(f, c(0, 1), tol = 1e-12)$root
  expect_equal(newton_root(f, 0.5)$root, u, tolerance = 1e-10)          # numerical f'
  expect_identical(newton_root(f, 0.5)$derivative, "numerical")
  expect_equal(newton_root(f, 0.5, fprime = function(x) -sin(x) - 1)$root, u, tolerance = 1e-10)
  expect_equal(newton_root(f, interval = c(0, 1), tol = 1e-12)$root, u, tolerance = 1e-10)
  expect_equal(newton_root(~ x^3 - 2, 1, method = "halley")$root, 2^(1/3), tolerance = 1e-14)
  expect_equal(newton_root(function(x) exp(x) - 3, 0, method = "secant")$root, log(3),
               tolerance = 1e-12)
  h <- newton_root(function(x) x^3 - 2, 1, fprime = function(x) 3*x^2,
                   fprime2 = function(x) 6*x, method = "halley")
  n <- newton_root(function(x) x^3 - 2, 1, fprime = function(x) 3*x^2)
  expect_lte(h$iter, n$iter)      # cubic beats quadratic convergence
})

test_that("the safeguard converges where plain Newton diverges", {
  f <- function(x) atan(x)
  plain <- suppressWarnings(newton_root(f, 3, fprime = function(x) 1 / (1 + x^2), maxiter = 20))
  expect_false(plain$converged)
  safe <- newton_root(f, 3, fprime = function(x) 1 / (1 + x^2), interval = c(-2, 5), tol = 1e-12)
  expect_true(safe$converged)
  expect_lte(abs(safe$root), 2e-12)
  # zero derivative inside the bracket: bisection takes over
  g <- function(x) x^3 - 1
  s <- newton_root(g, 0, fprime = function(x) 3 * x^2, interval = c(-1, 3), tol = 1e-12)
  expect_true(s$converged)
  expect_lte(abs(s$root - 1), 2e-12)
})

test_that("non-convergence is honest", {
  expect_warning(r <- newton_root(~ x^2 + 1, 1), "did not converge")
  expect_false(r$converged)
  expect_match(r$message, "zero")
  expect_warning(r <- newton_root(~ x^2 + 1, 0.3, maxiter = 50), "did not converge")
  expect_false(r$converged)
  expect_warning(r <- newton_root(function(x) x^2 + 1, 2, fprime = function(x) 0), "zero")
  expect_false(r$converged)
})

test_that("vectorised x0 solves independent problems", {
  r <- newton_root(function(x, a) x^2 - a, c(1, 2, -3), fprime = function(x, a) 2 * x, a = 2)
  expect_equal(r$root, c(sqrt(2), sqrt(2), -sqrt(2)), tolerance = 1e-12)
  expect_length(r$iter, 3L)
  expect_setequal(unique(r$trace$problem), 1:3)
  expect_s3_class(r$trace, "data.frame")
  expect_named(r$trace, c("problem", "iter", "x", "f", "fprime", "step", "kind"))
})

test_that("a NaN trial point is backed away from", {
  # x - 2 log(x) ... Newton from 0.3 on log(x) - 1 jumps to negative x
  r <- newton_root(function(x) log(x) + x - 2, 3, fprime = function(x) 1 / x + 1)
  expect_true(r$converged)
  expect_equal(r$root, uniroot(function(x) log(x) + x - 2, c(0.1, 3), tol = 1e-12)$root,
               tolerance = 1e-9)
})

test_that("status codes come from the core's table, which the help page prints", {
  tab <- newtonr:::status_table("root")
  expect_identical(tab$code, 0:6)
  expect_match(newtonr:::status_rd("root"), "\\item{\\code{5} (\\code{\"not_a_root\"})}", fixed = TRUE)
  expect_identical(newton_root(function(x) x^2 - 2, 1)$status, 0L)
  expect_warning(r <- newton_root(function(x) x - 2, 1, fprime = function(x) 0), "f'\\(x\\) is zero")
  expect_identical(r$status, 2L)
  expect_warning(r <- newton_root(function(x) x^2 + 1, 3, fprime = function(x) 2 * x, maxiter = 5),
                 "maximum number of iterations")
  expect_identical(r$status, 1L)
  expect_warning(r <- newton_root(sign, interval = c(-1, 2)), "jump or pole")
  expect_identical(r$status, 5L)
  expect_identical(newtonr:::status_message("root", r$status), tab$message[6])
})
