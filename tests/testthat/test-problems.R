# The test problems' analytic derivatives against numerical ones (numDeriv's
# method, num_gradient/num_hessian), and their known minima.

check_problem <- function(p, x, tol_g = 1e-7, tol_h = 1e-5) {
  g <- p$gr(x)
  ng <- num_gradient(p$fn, x)
  expect_equal(g, ng, tolerance = tol_g, info = p$name)
  H <- p$hess(x)
  expect_equal(H, t(H), info = p$name)
  expect_equal(H, num_hessian(p$fn, x), tolerance = tol_h, info = p$name)
  v <- seq_along(x) - 0.5
  expect_equal(p$hessp(x, v), drop(H %*% v), tolerance = 1e-12, info = p$name)
}

test_that("every problem's gradient and Hessian match numerical ones", {
  set.seed(1)
  for (nm in test_problems()) {
    p <- test_problem(nm, n = if (nm == "extended_rosenbrock") 6 else NULL)
    expect_identical(p$name, nm)
    expect_length(p$par, p$n)
    # a random point near the start (away from helical valley's x1 = 0 branch)
    x <- p$par + runif(p$n, 0.1, 0.5)
    if (nm == "brown_badly_scaled") {
      # f is 1e12 at the start, beyond any finite-difference accuracy: check
      # at points of moderate f instead (and the gradient's size at the start)
      expect_equal(p$gr(p$par), c(-2e6, -4e-6), tolerance = 1e-9)
      check_problem(p, c(1e6 - 2, 1e-5))
      check_problem(p, c(1e6 + 1, 3e-6))
      next
    }
    check_problem(p, p$par)
    check_problem(p, x)
  }
})

test_that("f(argmin) equals the known minimum and the gradient vanishes there", {
  for (nm in test_problems()) {
    p <- test_problem(nm)
    expect_equal(p$fn(p$argmin), p$minimum, tolerance = 1e-12, info = nm)
    expect_equal(sqrt(sum(p$gr(p$argmin)^2)), 0, tolerance = 1e-10, info = nm)
  }
  # Freudenstein-Roth's local minimum, as published by MGH (48.9842...)
  fr <- test_problem("freudenstein_roth")
  loc <- stats::optim(c(11.4, -0.9), fr$fn, fr$gr, method = "BFGS",
                      control = list(reltol = 1e-14))
  expect_equal(loc$value, 48.98425, tolerance = 1e-6)
  # standard starting values from MGH's paper
  expect_equal(test_problem("rosenbrock")$fn(c(-1.2, 1)), 24.2, tolerance = 1e-12)
  expect_equal(test_problem("wood")$fn(c(-3, -1, -3, -1)), 19192, tolerance = 1e-12)
  expect_equal(test_problem("powell_singular")$fn(c(3, -1, 0, 1)), 215, tolerance = 1e-12)
  expect_equal(test_problem("helical_valley")$fn(c(-1, 0, 0)), 2500, tolerance = 1e-12)
  expect_equal(test_problem("beale")$fn(c(1, 1)), 14.203125, tolerance = 1e-12)
  expect_equal(test_problem("freudenstein_roth")$fn(c(0.5, -2)), 400.5, tolerance = 1e-12)
})

test_that("extended Rosenbrock scales, with an O(n) Hessian-vector product", {
  p <- test_problem("extended_rosenbrock", n = 2000)
  expect_equal(p$fn(p$par), 1000 * 24.2, tolerance = 1e-12)
  x <- p$par + seq(0, 1, length.out = 2000)
  v <- cos(seq_len(2000))
  expect_equal(p$hessp(x, v), drop(p$hess(x) %*% v), tolerance = 1e-12)
  # the pairs are uncoupled: the same as n/2 copies of 2-d Rosenbrock
  r2 <- test_problem("rosenbrock")
  expect_equal(p$gr(x)[3:4], r2$gr(x[3:4]), tolerance = 1e-14)
  big <- test_problem("extended_rosenbrock", n = 1e4)
  expect_length(big$hessp(big$par, rep(1, 1e4)), 1e4)
  expect_equal(big$fn(big$argmin), 0)
})

test_that("bad problem names and sizes are errors naming the argument", {
  expect_error(test_problem("nope"), "'name' must be one of")
  expect_error(test_problem(3), "'name' must be a single string")
  expect_error(test_problem("extended_rosenbrock", n = 5), "'n' must be even")
  expect_error(test_problem("extended_rosenbrock", n = "a"), "'n' must be a single number")
  expect_error(test_problem("wood", n = 6), "'n' must be NULL or 4")
})
