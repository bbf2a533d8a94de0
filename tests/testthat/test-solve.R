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
  expect_gt(s$trace$mu[2], 0)
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

test_that("counts are the calls made: F(x0) once, no Jacobian at the solution unless asked", {
  nf <- 0L; nj <- 0L
  f <- function(x) { nf <<- nf + 1L; c(x[1]^2 + x[2]^2 - 4, x[1] - x[2]) }
  j <- function(x) { nj <<- nj + 1L; matrix(c(2 * x[1], 1, 2 * x[2], -1), 2) }
  s <- newton_solve(f, c(1, 0.5), jac = j)
  expect_true(s$converged)
  expect_identical(unname(s$counts), c(nf, nj))
  expect_null(s$jac)
  # Newton from a regular start: one Jacobian per accepted step, none at x*
  expect_identical(nj, s$iter)
  nf <- 0L; nj <- 0L
  s <- newton_solve(f, c(1, 0.5), jac = j, control = list(jacobian = TRUE))
  expect_identical(unname(s$counts), c(nf, nj))
  expect_equal(s$jac, j(s$x))
  # finite differences: the calls they cost are counted
  nf <- 0L
  s <- newton_solve(f, c(1, 0.5))
  expect_identical(s$counts[["fn"]], nf)
  expect_gte(nf, 1L + 2L * s$iter)
})

test_that("near a regular root the step is Newton's, taken in full (quadratic convergence)", {
  f <- function(x) c(exp(x[1]) - 2, x[1] * x[2] - 1, x[3]^3 + x[3] - 2)
  s <- newton_solve(f, c(0.5, 0.5, 0))
  expect_true(s$converged)
  expect_equal(s$x, c(log(2), 1 / log(2), 1), tolerance = 1e-10)
  tr <- s$trace[-1, ]
  expect_true(all(tr$mu == 0))
  last <- utils::tail(tr, 3)
  expect_true(all(last$step == 1))
  e <- utils::tail(s$trace$fnorm, 4)
  expect_lt(e[4], 10 * e[3]^2 + 1e-15)  # the error roughly squares
})

test_that("failures say why", {
  # Freudenstein-Roth from the standard start: the local minimum of ||F||
  p <- test_problem("freudenstein_roth_x1", set = "systems")
  expect_warning(s <- newton_solve(p$fn, p$x0), "no progress.*probably near a local minimum of \\|\\|F\\|\\|")
  expect_false(s$converged)
  expect_identical(s$termcode, 7L)
  # without the progress test, it stops at the stationary point
  expect_warning(s <- newton_solve(p$fn, p$x0, control = list(stall = 0)),
                 "stationary point of \\|\\|F\\|\\|, typically a local minimum")
  expect_identical(s$termcode, 3L)
  expect_equal(unname(s$x), c(11.41, -0.8968), tolerance = 1e-3)  # MGH's local minimiser
  # iteration limit
  expect_warning(s <- newton_solve(p$fn, c(10, 10), control = list(maxit = 1)), "iteration limit")
  expect_identical(s$termcode, 4L)
  # a wrong jac is named
  bad_jac <- function(x) -p$jac(x)
  expect_warning(s <- newton_solve(p$fn, c(10, 10), jac = bad_jac),
                 "'jac' disagrees with finite differences \\(max relative error [0-9.]+\\)")
  expect_false(s$converged)
  # a right jac on the same failure is not blamed
  expect_warning(s <- newton_solve(p$fn, p$x0, jac = p$jac), "did not converge")
  expect_false(grepl("disagrees", s$message))
  # a Jacobian that is not finite
  expect_warning(s <- newton_solve(function(x) c(x[1] - 1, x[2] - 1), c(0, 0),
                                   jac = function(x) matrix(NaN, 2, 2)), "Jacobian is not finite")
  expect_identical(s$termcode, 6L)
})

test_that("newton_solve_control() validates every setting; a classed object is re-checked", {
  ctl <- newton_solve_control(ftol = 1e-12, maxit = 50)
  expect_s3_class(ctl, "newton_solve_control")
  f <- function(x) x^2 - 2
  expect_equal(newton_solve(f, 1, control = ctl)$x, sqrt(2), tolerance = 1e-12)
  expect_error(newton_solve_control(maxit = 1e10), "'control\\$maxit' must lie in")
  expect_error(newton_solve_control(maxit = 2.5), "'control\\$maxit' must be a whole number")
  expect_error(newton_solve_control(delta = 0), "'control\\$delta' must be -1, -2 or a positive")
  expect_error(newton_solve_control(cndtol = 2), "'control\\$cndtol' must lie in")
  expect_error(newton_solve_control(gtol = NA), "'control\\$gtol' must be a single number")
  expect_error(newton_solve_control(scaling = NA), "'control\\$scaling' must be TRUE or FALSE")
  expect_error(newton_solve_control(jacobian = "yes"), "'control\\$jacobian' must be TRUE or FALSE")
  forged <- structure(list(ftol = 1e-10, xtol = 0, gtol = 0, cndtol = 0, delta = -2, maxit = 0L,
                           scaling = FALSE, jacobian = FALSE, trace = FALSE, warn = TRUE),
                      class = "newton_solve_control")
  expect_error(newton_solve(f, 1, control = forged), "'control\\$maxit' must lie in")
  # delta: nleqslv's -2 / -1 and "newton" / "cauchy" name where the first
  # radius comes from; a positive number is the radius itself
  expect_identical(newton_solve_control(delta = -1), newton_solve_control(delta = "cauchy"))
  expect_identical(newton_solve_control()$delta_start, "newton")
  expect_null(newton_solve_control(delta = -2)$delta)
  expect_error(newton_solve_control(delta = "big"), "'control\\$delta' must be \"newton\", \"cauchy\"")
  s1 <- newton_solve(function(x) x^3 - 8, 10, control = list(delta = 0.5))
  expect_true(s1$converged)
  expect_lte(abs(s1$trace$x1[2] - 10), 0.5 * (1 + 1e-12))   # the first step stays in the radius
  s2 <- newton_solve(function(x) x^3 - 8, 10, control = newton_solve_control(delta = 0.5))
  expect_identical(s2$trace, s1$trace)                        # a classed object is re-read
  # nleqslv's names: the same meaning
  s <- newton_solve(f, 1, control = list(ftol = 1e-14, xtol = 1e-14, maxit = 20))
  expect_lte(abs(s$fvec), 1e-14)
  # warn = FALSE: no warning, the failure is still reported
  expect_silent(s <- newton_solve(function(x) x^2 + 1, 1, control = list(warn = FALSE)))
  expect_false(s$converged)
})

test_that("hybrj's scaling is available and solves a badly scaled system", {
  p <- test_problem("powell_badly_scaled_x1", set = "systems")
  s1 <- newton_solve(p$fn, p$x0, p$jac, control = list(scaling = TRUE, ftol = 1e-9))
  s0 <- newton_solve(p$fn, p$x0, p$jac, control = list(ftol = 1e-9))
  for (s in list(s0, s1)) {
    expect_true(s$converged)
    expect_equal(unname(s$x), p$solution, tolerance = 1e-6)  # published to 7 digits
  }
})

test_that("a root outside the region where fn is finite: stagnation at its edge, said so", {
  # sqrt(x) + x + 1 > 0 where it is defined (x >= 0): no root
  f <- function(x) if (x[1] < 0) NaN else sqrt(x[1]) + x[1] + 1
  expect_warning(s <- newton_solve(f, 1), "did not converge")
  expect_false(s$converged)
  expect_true(s$termcode %in% c(2L, 3L, 7L))
  expect_true(is.finite(s$fvec))
  g <- function(x) if (x[1] < 1) c(NaN, NaN) else c(x[1] - 0, x[2] - 2)
  expect_warning(s <- newton_solve(g, c(2, 0)), "F (is|was) not finite .*trial points next to x")
  expect_equal(s$x[[1]], 1, tolerance = 1e-3)
  expect_warning(s <- newton_solve(g, c(2, 0), control = list(stall = 0)),
                 "F is not finite .* at the trial points next to x")
  expect_equal(s$x[[1]], 1, tolerance = 1e-6)
})

test_that("no progress over 'stall' iterations is a failure that says so", {
  # Watson n = 9 from 10x its start crawls along a valley of ||F||
  p <- test_problem("watson_n9_x10", set = "systems")
  expect_warning(s <- newton_solve(p$fn, p$x0, p$jac, control = list(ftol = 1e-8)), "no progress")
  expect_identical(s$termcode, 7L)
  expect_lt(s$iter, 200L)
  # stall = 0 switches the test off: the iteration limit is reached instead
  expect_warning(s0 <- newton_solve(p$fn, p$x0, p$jac, control = list(ftol = 1e-8, stall = 0, maxit = 60)),
                 "iteration limit")
  expect_identical(s0$iter, 60L)
  expect_error(newton_solve_control(stall = -1), "'control\\$stall' must lie in")
  expect_error(newton_solve_control(stall = 1e10), "'control\\$stall' must lie in")
})
