# The test problems' analytic derivatives against numerical ones (numDeriv's
# method, num_gradient/num_hessian), and their published values: f at the
# start, f* at a published minimiser, and f* as reached by base R's
# optimisers (independent of newtonr's solvers).

# all.equal()'s relative comparison, without waldo's cost (hundreds of these)
expect_close <- function(actual, expected, tolerance, what, name) {
  ok <- all.equal(expected, actual, tolerance = tolerance, check.attributes = FALSE)
  expect(isTRUE(ok), sprintf("%s of '%s': %s", what, name, paste(ok, collapse = "; ")))
}

check_problem <- function(p, x, tol_g = 1e-7, tol_h = 1e-5) {
  g <- p$gr(x)
  expect_true(is.numeric(g) && length(g) == p$n && is.null(names(g)), info = p$name)
  expect_close(g, num_gradient(p$fn, x), tol_g, "gradient", p$name)
  H <- p$hess(x)
  expect_true(is.matrix(H) && all(dim(H) == p$n) && is.null(dimnames(H)), info = p$name)
  expect_close(H, t(H), 1.5e-8, "symmetry of the Hessian", p$name)
  expect_close(H, num_hessian(p$fn, x), tol_h, "Hessian", p$name)
  # and the Hessian is the derivative of the gradient (a sharper check)
  expect_close(H, num_jacobian(p$gr, x), 1e-7, "Hessian vs Jacobian of gr", p$name)
  v <- seq_along(x) - 0.5
  expect_close(p$hessp(x, v), drop(H %*% v), 1e-12, "Hessian-vector product", p$name)
}

test_that("the collection is MGH's 35, in the paper's order", {
  nms <- test_problems()
  expect_length(nms, 35)
  expect_identical(test_problems("optim"), nms)
  for (k in seq_along(nms)) {
    p <- test_problem(nms[k])
    expect_identical(p$mgh, k, info = nms[k])
    expect_identical(p$name, nms[k])
    expect_length(p$par, p$n)
    expect_length(p$minimum, 1)
    expect_true(p$m >= p$n, info = nms[k])
  }
  # the dimensions of the paper's statements (and the documented defaults)
  nm <- c(jennrich_sampson = 10, bard = 15, gaussian = 15, meyer = 16, gulf = 10,
          box_3d = 10, kowalik_osborne = 11, brown_dennis = 20, osborne_1 = 33,
          biggs_exp6 = 13, osborne_2 = 65, watson = 31, penalty_1 = 11, penalty_2 = 20,
          variably_dimensioned = 12, linear_full_rank = 20, linear_rank1 = 20,
          linear_rank1_zero = 20, chebyquad = 8)
  for (k in names(nm)) expect_identical(test_problem(k)$m, as.integer(nm[[k]]), info = k)
  expect_identical(test_problem("osborne_2")$n, 11L)
  expect_identical(test_problem("watson")$n, 6L)
  expect_identical(test_problem("extended_powell")$n, 12L)
})

test_that("every problem's gradient and Hessian match numerical ones", {
  set.seed(1)
  for (nm in test_problems()) {
    p <- test_problem(nm, n = if (nm == "extended_rosenbrock") 6 else NULL)
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
    # Osborne 2 (n = 11, m = 65): Richardson on f itself is good to ~1e-5 only
    tol_h <- if (nm == "osborne_2") 1e-4 else 1e-5
    check_problem(p, p$par, tol_h = tol_h)
    check_problem(p, x, tol_h = tol_h)
  }
  # other sizes of the variable-size problems
  for (nm in c("watson", "penalty_2", "chebyquad", "brown_almost_linear", "broyden_banded",
               "linear_rank1_zero", "extended_powell", "discrete_integral")) {
    p <- test_problem(nm, n = if (nm == "extended_powell") 8 else 4)
    check_problem(p, p$par + (1:4 - 2.5) / 10)
  }
})

test_that("f at the standard start: closed forms and published values", {
  f0 <- function(nm, n = NULL) {
    p <- test_problem(nm, n)
    p$fn(p$par)
  }
  # closed forms worked out by hand from the problems' statements
  expect_equal(f0("rosenbrock"), 24.2, tolerance = 1e-12)
  expect_equal(f0("freudenstein_roth"), 400.5, tolerance = 1e-12)
  expect_equal(f0("powell_badly_scaled"), 1 + (exp(-1) - 1e-4)^2, tolerance = 1e-12)
  expect_equal(f0("brown_badly_scaled"), (1e6 - 1)^2 + (1 - 2e-6)^2 + 1, tolerance = 1e-12)
  expect_equal(f0("beale"), 14.203125, tolerance = 1e-12)
  expect_equal(f0("helical_valley"), 2500, tolerance = 1e-12)
  expect_equal(f0("powell_singular"), 215, tolerance = 1e-12)
  expect_equal(f0("wood"), 19192, tolerance = 1e-12)
  expect_equal(f0("watson"), 30, tolerance = 1e-12)          # r = -1 (29 times), 0, -1
  expect_equal(f0("extended_rosenbrock"), 5 * 24.2, tolerance = 1e-12)
  expect_equal(f0("extended_powell"), 3 * 215, tolerance = 1e-12)
  expect_equal(f0("penalty_1"), 1e-5 * sum((0:9)^2) + (385 - 0.25)^2, tolerance = 1e-12)
  expect_equal(f0("variably_dimensioned"), 3.85 + 38.5^2 + 38.5^4, tolerance = 1e-12)
  expect_equal(f0("brown_almost_linear"), 9 * 5.5^2 + (1 - 2^-10)^2, tolerance = 1e-12)
  expect_equal(f0("broyden_tridiagonal"), 4 + 8 * 1 + 9, tolerance = 1e-12)
  expect_equal(f0("broyden_banded"), 10 * 36, tolerance = 1e-12)
  expect_equal(f0("linear_full_rank"), 10 * 1 + 10 * 4, tolerance = 1e-12)
  k <- 1:20
  expect_equal(f0("linear_rank1"), sum((55 * k - 1)^2), tolerance = 1e-12)
  k <- 1:18
  expect_equal(f0("linear_rank1_zero"), 2 + sum((44 * k - 1)^2), tolerance = 1e-12)
  # values tabulated in the literature for the standard starts (6 digits)
  published <- c(jennrich_sampson = 4171.31, bard = 41.6817, gaussian = 3.88811e-6,
                 meyer = 1.69361e9, box_3d = 1031.15, brown_dennis = 7.92669e6,
                 osborne_1 = 0.879026, biggs_exp6 = 0.779070, osborne_2 = 2.09342,
                 penalty_2 = 162.653)
  for (nm in names(published)) {
    expect_equal(f0(nm), published[[nm]], tolerance = 5e-6, info = nm)
  }
})

test_that("f(argmin) equals the published minimum and the gradient vanishes there", {
  for (nm in test_problems()) {
    p <- test_problem(nm)
    if (is.null(p$argmin)) next
    expect_equal(p$fn(p$argmin), p$minimum, tolerance = 1e-12, info = nm)
    expect_lt(max(abs(p$gr(p$argmin))), 1e-10 * max(1, p$minimum))
  }
  # the closed forms of MGH 32-34 at other sizes (m = 2n)
  for (n in c(3, 7)) {
    m <- 2 * n
    expect_equal(test_problem("linear_full_rank", n)$minimum, m - n)
    p <- test_problem("linear_rank1", n)
    expect_equal(p$fn(p$argmin), m * (m - 1) / (2 * (2 * m + 1)), tolerance = 1e-12)
    p <- test_problem("linear_rank1_zero", n)
    expect_equal(p$fn(p$argmin), (m^2 + 3 * m - 6) / (2 * (2 * m - 3)), tolerance = 1e-12)
  }
  # Brown almost-linear's other minimum f = 1 at (0, ..., 0, n + 1)
  expect_equal(test_problem("brown_almost_linear")$fn(c(rep(0, 9), 11)), 1)
  # Box 3D's other minimisers
  b <- test_problem("box_3d")
  expect_equal(b$fn(c(10, 1, -1)), 0)
  expect_equal(b$fn(c(3, 3, 0)), 0)
})

test_that("base R's optimisers reach the published minima from the standard start", {
  reach <- function(p, method) {
    if (method == "nlminb") {
      stats::nlminb(p$par, p$fn, p$gr, p$hess,
                    control = list(eval.max = 2000, iter.max = 2000, rel.tol = 1e-15))$objective
    } else {
      stats::optim(p$par, p$fn, p$gr, method = "BFGS",
                   control = list(maxit = 5000, reltol = 1e-15))$value
    }
  }
  # the few where nlminb stops elsewhere are checked with BFGS (and
  # vice versa); where only a local minimum is reached, that is compared
  use_bfgs <- c("osborne_1")
  for (nm in setdiff(test_problems(), "biggs_exp6")) {
    p <- test_problem(nm)
    target <- if (nm %in% c("freudenstein_roth", "trigonometric")) p$local_minima else p$minimum
    f <- reach(p, if (nm %in% use_bfgs) "BFGS" else "nlminb")
    if (target == 0) {
      expect_lt(f, 1e-12 * max(1, p$fn(p$par)))
    } else {
      expect_equal(f, target, tolerance = 1e-5, info = nm)
    }
  }
  # Biggs EXP6: BFGS goes on past the local minimum 5.65565e-3 towards 0
  p <- test_problem("biggs_exp6")
  expect_lt(reach(p, "BFGS"), 1e-6)
  # other sizes with published minima
  sizes <- list(watson = c(9, 12), penalty_1 = 4, penalty_2 = 4, chebyquad = c(2:7, 9))
  for (nm in names(sizes)) for (n in sizes[[nm]]) {
    p <- test_problem(nm, n)
    f <- reach(p, "nlminb")
    if (p$minimum == 0) expect_lt(f, 1e-20) else expect_equal(f, p$minimum, tolerance = 1e-5)
  }
  expect_identical(test_problem("chebyquad", 10)$local_minima, 6.50395e-3)
  expect_true(is.na(test_problem("penalty_1", 5)$minimum))
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
  expect_error(test_problem("meyer", n = 4), "'n' must be NULL or 3")
  expect_error(test_problem("watson", n = 32), "'n' must lie in \\[2, 31\\]")
  expect_error(test_problem("extended_powell", n = 6), "'n' must be a multiple of 4")
  expect_error(test_problem("chebyquad", n = 0), "'n' must lie in")
  expect_error(test_problem("penalty_1", n = 2.5), "'n' must be a whole number")
  expect_error(test_problem("trigonometric", n = c(2, 3)), "'n' must be a single number")
})
