# newton_solve(): systems with known answers, singular Jacobians, bad input.

arm <- function(q, l1, l2, target) {
  c(l1 * cos(q[1]) + l2 * cos(q[1] + q[2]),
    l1 * sin(q[1]) + l2 * sin(q[1] + q[2])) - target
}

test_that("two-link arm inverse kinematics matches the closed form", {
  l1 <- 1; l2 <- 0.8; target <- c(1.2, 0.8)
  s <- newton_solve(arm, c(0.3, 0.3), l1 = l1, l2 = l2, target = target)
  expect_true(s$converged)
  expect_identical(s$termcode, 1L)
  # forward kinematics reaches the target
  expect_equal(arm(s$x, l1, l2, c(0, 0)), target, tolerance = 1e-10)
  # closed form (law of cosines), elbow sign chosen as found
  r2 <- sum(target^2)
  c2 <- (r2 - l1^2 - l2^2) / (2 * l1 * l2)
  q2 <- sign(s$x[2]) * acos(c2)
  q1 <- atan2(target[2], target[1]) - atan2(l2 * sin(q2), l1 + l2 * cos(q2))
  expect_equal(s$x, c(q1, q2), tolerance = 1e-9)
  # an analytic Jacobian gives the same answer
  jac <- function(q, l1, l2, target) {
    matrix(c(-l1 * sin(q[1]) - l2 * sin(q[1] + q[2]), l1 * cos(q[1]) + l2 * cos(q[1] + q[2]),
             -l2 * sin(q[1] + q[2]), l2 * cos(q[1] + q[2])), 2, 2)
  }
  s2 <- newton_solve(arm, c(0.3, 0.3), jac = jac, l1 = l1, l2 = l2, target = target)
  expect_equal(s2$x, s$x, tolerance = 1e-9)
  expect_s3_class(s$trace, "data.frame")
  expect_equal(s$trace$fnorm[nrow(s$trace)], max(abs(s$fvec)))
})

test_that("a singular Jacobian at the start is handled by the LM shift", {
  f <- function(x) c(x[1]^2 + x[2]^2 - 1, x[1] - x[2])
  jac <- function(x) matrix(c(2 * x[1], 1, 2 * x[2], -1), 2, 2)
  # J is singular on the line x2 = -x1
  s <- newton_solve(f, c(1, -1), jac = jac)
  expect_true(s$converged)
  expect_equal(abs(s$x), rep(sqrt(0.5), 2), tolerance = 1e-10)
  expect_gt(s$trace$lambda[2], 0)
  # at (0, 0) the gradient of ||F||^2 vanishes too: no method of this kind
  # can move, and the result must say so
  expect_warning(s0 <- newton_solve(f, c(0, 0), jac = jac), "did not converge")
  expect_false(s0$converged)
})

test_that("known systems are solved, names are kept", {
  # Rosenbrock's gradient system has the root (1, 1)
  f <- function(p) c(10 * (p[["b"]] - p[["a"]]^2), 1 - p[["a"]])
  s <- newton_solve(f, c(a = -1.2, b = 1))
  expect_equal(unname(s$x), c(1, 1), tolerance = 1e-10)
  expect_named(s$x, c("a", "b"))
  expect_true(all(c("a", "b") %in% names(s$trace)))
  # a 3 x 3 linear system in one step
  A <- matrix(c(4, 1, 0, 1, 3, 1, 0, 1, 2), 3)
  b <- c(1, 2, 3)
  s <- newton_solve(function(x) drop(A %*% x - b), c(0, 0, 0), jac = function(x) A)
  expect_equal(s$x, solve(A, b), tolerance = 1e-12)
  expect_lte(s$iter, 2L)
  skip_if_not_installed("nleqslv")
  ref <- nleqslv::nleqslv(c(-1.2, 1), function(p) c(10 * (p[2] - p[1]^2), 1 - p[1]))$x
  expect_equal(unname(newton_solve(f, c(a = -1.2, b = 1))$x), ref, tolerance = 1e-7)
})

test_that("no root: an honest failure", {
  f <- function(x) c(x[1]^2 + 1, x[2])
  expect_warning(s <- newton_solve(f, c(1, 1)), "did not converge")
  expect_false(s$converged)
  expect_true(s$termcode %in% 2:4)
})

test_that("bad input gives clear errors naming the argument", {
  f <- function(x) x - 1
  expect_error(newton_solve(1, 1), "'fn' must be a function")
  expect_error(newton_solve(f, "a"), "'x0' must be numeric")
  expect_error(newton_solve(f, c(1, NA)), "'x0' must not contain NA")
  expect_error(newton_solve(f, c(1, Inf)), "'x0' must be finite")
  expect_error(newton_solve(function(x) 1, c(1, 2)), "'fn' must return a vector as long as 'x0'")
  expect_error(newton_solve(function(x) c("a", "b"), c(1, 2)), "'fn' must return a numeric")
  expect_error(newton_solve(function(x) c(NA, 1), c(1, 2)), "'fn' returned NA")
  expect_error(newton_solve(function(x) stop("inner trouble"), c(1, 2)), "inner trouble")
  expect_error(newton_solve(f, c(1, 2), jac = function(x) diag(3)), "'jac' must return a 2 x 2")
  expect_error(newton_solve(f, 1, control = list(maxit = 0)), "control\\$maxit")
  expect_error(newton_solve(f, 1, control = list(bogus = 1)), "unknown component")
})
