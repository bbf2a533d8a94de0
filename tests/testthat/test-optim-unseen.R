# test-optim-unseen.R -- newton_optim() on objectives nobody on the team
# chose (issue 12, "never a false success"): a fast subset of
# bench/optim-unseen.R.  Expected values are closed forms (true gradients,
# known minimisers), never the code's own output.

rosen <- function(p) (1 - p[1])^2 + 100 * (p[2] - p[1]^2)^2
rosen_gr <- function(p) c(-2 * (1 - p[1]) - 400 * p[1] * (p[2] - p[1]^2), 200 * (p[2] - p[1]^2))
rosen_hess <- function(p) matrix(c(2 - 400 * p[2] + 1200 * p[1]^2, -400 * p[1], -400 * p[1], 200), 2)

# convergence 0 must mean: the true gradient is within (10x) gtol
honest_at <- function(r, true_gr) r$convergence != 0L || max(abs(true_gr(r$par))) <= 1e-5

test_that("bad callbacks give errors naming 'gr', 'hess', 'fn', 'par' or 'radius'", {
  expect_error(newton_optim(c(-1.2, 1), rosen, gr = function(p) c(Inf, Inf), hess = rosen_hess),
               "'gr' returned NaN or Inf")
  expect_error(newton_optim(c(-1.2, 1), rosen, gr = function(p) c(NaN, 1)), "'gr'")
  expect_error(newton_optim(c(-1.2, 1), rosen, rosen_gr, hess = function(p) rosen_hess(p) * NaN),
               "'hess' returned NaN or Inf")
  expect_error(compare_methods(c(-1.2, 1), rosen, rosen_gr, function(p) rosen_hess(p) * Inf,
                               methods = "newton"), "'hess'")
  expect_error(newton_optim_control(radius = 1e10), "'control\\$radius' must be at most")
  expect_error(newton_optim(1:7, rosen, rosen_gr), "'gr' returned length 2 for 'par' of length 7")
  k <- 0
  late_nan <- function(p) { k <<- k + 1; if (k > 2) NaN else rosen(p) }
  expect_error(newton_optim(c(-1.2, 1), late_nan, method = "bfgs"), "^'fn' is NaN or infinite near the initial 'par'")
})

test_that("Dixon-Szego and friends without gr: a claimed minimum has the true gradient", {
  # Goldstein-Price: the Hessian stencil's difference gradient is 2e-4 off
  gp <- ~ (1 + (a + b + 1)^2 * (19 - 14 * a + 3 * a^2 - 14 * b + 6 * a * b + 3 * b^2)) *
    (30 + (2 * a - 3 * b)^2 * (18 - 32 * a + 12 * a^2 + 48 * b - 36 * a * b + 27 * b^2))
  d <- deriv(gp, c("a", "b"), function.arg = TRUE)
  gp_fn <- function(x) as.numeric(d(x[1], x[2]))
  gp_gr <- function(x) as.vector(attr(d(x[1], x[2]), "gradient"))
  for (m in c("newton", "trust")) {
    r <- suppressWarnings(newton_optim(c(-0.5, 0.25), gp_fn, method = m))
    expect_true(honest_at(r, gp_gr), label = m)
    expect_equal(r$convergence, 0L, label = m)
    # from here: the local minimum (-0.6, -0.4), value 30
    expect_equal(r$par, c(-0.6, -0.4), tolerance = 1e-6)
    expect_equal(r$value, 30, tolerance = 1e-10)
  }
  # trust without gr stalled 1e-8 from rosenbrock's minimiser
  r <- newton_optim(c(-1.2, 1), rosen, method = "trust")
  expect_equal(r$convergence, 0L)
  expect_equal(r$par, c(1, 1), tolerance = 1e-6)
})

test_that("an inflection of an objective unbounded below is never a minimum", {
  for (m in c("newton", "trust", "bfgs", "lbfgs", "newton-cg")) {
    r <- suppressWarnings(newton_optim(1, function(x) x^3, function(x) 3 * x^2, method = m))
    expect_true(r$convergence != 0L, label = m)
    r <- suppressWarnings(newton_optim(c(x = 1), ~ x^3, method = m))
    expect_true(r$convergence != 0L, label = paste(m, "formula"))
  }
  r <- suppressWarnings(newton_optim(1, function(x) x^3, method = "newton-cg"))
  expect_true(r$convergence != 0L)
  # ... while a higher-order minimum still is one (x^4, x^6)
  for (k in c(4, 6)) {
    r <- newton_optim(1, function(x) x^k, function(x) k * x^(k - 1), method = "newton")
    expect_equal(r$convergence, 0L, label = k)
  }
})

test_that("a gr whose zero is not fn's is never a minimum", {
  for (m in c("newton", "trust", "bfgs", "lbfgs", "newton-cg")) {
    r <- suppressWarnings(newton_optim(c(-1.2, 1), rosen, function(p) p, method = m))
    expect_true(honest_at(r, rosen_gr), label = m)
    expect_true(r$convergence != 0L, label = m)
    expect_match(r$message, "'gr'|not a minimum")
  }
})

test_that("saddles started on the saddle, and unbounded quadratics, are not minima", {
  for (m in c("newton", "trust", "bfgs", "lbfgs", "newton-cg", "gd")) {
    r <- suppressWarnings(newton_optim(c(x = 0, y = 0), ~ x^2 - y^2, method = m))
    expect_true(r$convergence != 0L, label = m)
    r <- suppressWarnings(newton_optim(c(x = 0, y = 0), ~ x^3 - 3 * x * y^2, method = m))
    expect_true(r$convergence != 0L, label = paste(m, "monkey"))
  }
})
