# The reproductions of issue 12 ("Never a false success"), typed as filed,
# each checked against the closed-form root or uniroot().

test_that("bracketed runs no longer stop at a wrong point", {
  r <- newton_root(~ sqrt(x) - sqrt(2), interval = c(1, 100))
  expect_true(r$converged)
  expect_lte(abs(r$root - 2), 2 * sqrt(.Machine$double.eps))
  r <- newton_root(atan, interval = c(-10, 20))
  expect_true(r$converged)
  expect_lte(abs(r$root), 2 * sqrt(.Machine$double.eps))
  # the mechanism: x0 at the midpoint, first step rejected, zero-length step
  r <- newton_root(~ sqrt(x) - sqrt(2), 50.5, interval = c(1, 100))
  expect_lte(abs(r$root - 2), 2 * sqrt(.Machine$double.eps))
  expect_true(all(r$trace$step[-1] != 0, na.rm = TRUE))
})

test_that("a tiny step far from the root is not convergence", {
  r <- newton_root(function(x) 1 - 1/x^2, fprime = function(x) 2/x^3, x0 = 1e-9,
                   interval = c(1e-9, 10))
  expect_true(r$converged)
  expect_lte(abs(r$root - 1), 2 * sqrt(.Machine$double.eps))
  r <- newton_root(function(x) x^19, interval = c(-5, 50), method = "secant")
  expect_true(r$converged)
  expect_lte(abs(r$root), 2 * sqrt(.Machine$double.eps))
})

test_that("a converged bracket is not followed by bisections", {
  f <- function(x) exp(-x)*(x-1) + x
  r <- newton_root(function(x) exp(-x)*(x-1) + x, fprime = function(x) exp(-x)*(2-x) + 1,
                   interval = c(0, 1), tol = 1e-12)
  calls <- 0
  u <- uniroot(function(x) { calls <<- calls + 1; f(x) }, c(0, 1), tol = 1e-12)
  expect_true(r$converged)
  expect_lte(abs(r$root - u$root), 2e-12)
  expect_lte(r$evals + r$evals_fprime, calls)     # was 92 evaluations against uniroot's 9
})

test_that("multiple roots are located to tol with a numerical derivative and with secant", {
  for (m in c("newton", "secant")) {
    r <- newton_root(function(x) (x - 1)^3, interval = c(0, 3), tol = 1e-12, method = m)
    expect_true(r$converged)
    expect_lte(abs(r$root - 1), 2e-12)
    r <- newton_root(function(x) (x - 3)^5, interval = c(-1, 4), tol = 1e-12, method = m)
    expect_lte(abs(r$root - 3), 2e-12)
  }
})

test_that("maxiter defaults to 1000 and (x-3)^3 on a huge interval converges", {
  expect_identical(formals(newton_root)$maxiter, 1000)
  r <- newton_root(function(x) (x-3)^3, interval = c(-1e10, 1e10))
  expect_true(r$converged)
  expect_lte(abs(r$root - 3), 2 * sqrt(.Machine$double.eps))
  # too few iterations: an honest failure that keeps the bracket
  expect_warning(r <- newton_root(function(x) (x-3)^3, interval = c(-1e10, 1e10), maxiter = 10),
                 "maximum number of iterations")
  expect_false(r$converged)
})

test_that("an absolute tolerance does not claim a root at a huge |f|", {
  r <- newton_root(function(x) x * 1e300 - 1, 1)
  expect_true(r$converged)
  expect_lte(abs(r$f.root), 1e-6)
  expect_equal(r$root, 1e-300, tolerance = 1e-6)
  # (log warns "NaNs produced" where Newton overshoots below 0; the run backs off)
  r <- suppressWarnings(newton_root(function(x) log(x) - log(1e-300), 1e-299, fprime = function(x) 1/x))
  expect_true(r$converged)
  expect_lte(abs(r$f.root), 1e-6)
  expect_equal(r$root, 1e-300, tolerance = 1e-6)
})

test_that("unbracketed convergence is certified by a sign change within tol", {
  # x^2 has a double root: no sign change, so no claim (it used to stop
  # at 1e-8 from the root, reporting success)
  expect_warning(r <- newton_root(function(x) x^2, 1, maxiter = 200), "did not converge")
  expect_false(r$converged)
  r <- newton_root(function(x) x^3 - 2, 1, fprime = function(x) 3*x^2, tol = 1e-10)
  expect_true(r$converged)
  expect_lte(abs(r$root - 2^(1/3)), 1e-10)
  # a tangent that stalls far from the root is not a root
  expect_warning(r <- newton_root(function(x) x^2 + 1, 0.5, fprime = function(x) 2 * x,
                                  maxiter = 100), "did not converge")
  expect_false(r$converged)
})

test_that("formulas take constants from ... and solve for x", {
  a <- 3
  expect_equal(newton_root(~ x^2 - a, 1, a = 2)$root, sqrt(2), tolerance = 1e-12)
  expect_equal(newton_root(~ x^2 - a, 1)$root, sqrt(3), tolerance = 1e-12)
  x <- 10
  b <- 4
  expect_equal(newton_root(~ x^2 - b, 1)$root, 2, tolerance = 1e-12)
  expect_equal(newton_root(~ x^2 - b, 1, b = 9)$root, 3, tolerance = 1e-12)
  # without x: the one variable not given in ...
  expect_equal(newton_root(~ t^2 - k, 1, k = 5)$root, sqrt(5), tolerance = 1e-12)
  expect_error(newton_root(~ x^2 - not_defined_anywhere, 1), "'f' must be a formula in exactly one variable")
  expect_error(newton_root(~ u^2 - v, 1), "'f'")
})

test_that("a wrong fprime is named when the run fails", {
  expect_warning(r <- newton_root(function(x) x^2 - 2, 1, fprime = function(x) -2 * x),
                 "did not converge")
  expect_match(r$message, "'fprime' disagrees with finite differences \\(max relative error [0-9.]+\\): check it with check_derivatives\\(\\)")
  # a right fprime is not blamed
  expect_warning(r <- newton_root(function(x) x^2 + 1, 1, fprime = function(x) 2 * x,
                                  maxiter = 50), "did not converge")
  expect_no_match(r$message, "disagrees")
})

test_that("a pole or a huge interval is never a root", {
  expect_warning(r <- newton_root(function(x) 1 / (x - 0.3), interval = c(0, 1)), "pole")
  expect_false(r$converged)
  # the bracket's width overflows double: no step to +-Inf, no claim
  r <- suppressWarnings(newton_root(atan, interval = c(-1e308, 1.7e308)))
  expect_true(is.finite(r$root))
  expect_true(!r$converged || abs(r$root) <= 2 * sqrt(.Machine$double.eps))
  # a jump is a sign change of f: located to tol, as uniroot does, but not
  # called a root (uniroot does)
  expect_warning(r <- newton_root(function(x) sign(x - 0.3), interval = c(0, 1), tol = 1e-12),
                 "a jump or pole of f, not a root")
  expect_lte(abs(r$root - 0.3), 2e-12)
  expect_false(r$converged)
  # NaN where the root is: an honest failure
  expect_warning(r <- newton_root(function(x) if (abs(x - 0.6) < 0.2) NaN else x - 0.6,
                                  interval = c(0, 1)), "not finite")
  expect_false(r$converged)
})
