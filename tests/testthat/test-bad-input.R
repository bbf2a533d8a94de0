# test-bad-input.R -- the reliability battery (issue 6): bad input to
# newton_root(), newton_solve(), newton_optim() and the derivative helpers
# never crashes R and never gives a silent wrong answer. Each case expects
# either an R error whose message names the argument, or a result flagged as
# not converged (converged = FALSE / convergence != 0) with a message.
# (GLM cases: test-bad-input-glm.R.)

# sq2, F2: helper-roots.R
quad <- function(x) sum((x - seq_along(x))^2)       # minimum at 1, 2, ...
quad_gr <- function(x) 2 * (x - seq_along(x))
optim_methods_all <- c("newton", "trust", "newton-cg", "bfgs", "lbfgs", "gd")

# ---- newton_root --------------------------------------------------------

test_that("newton_root: wrong types and non-finite x0 name 'x0'", {
  expect_error(newton_root(sq2, "a"), "'x0' must be numeric")
  expect_error(newton_root(sq2, TRUE), "'x0' must be numeric")
  expect_error(newton_root(sq2, 1i), "'x0' must be numeric")
  expect_error(newton_root(sq2, NA_real_), "'x0' must not contain NA")
  expect_error(newton_root(sq2, NaN), "'x0' must not contain NA or NaN")
  expect_error(newton_root(sq2, Inf), "'x0' must be finite")
  expect_error(newton_root(sq2, numeric(0)), "'x0' must have length at least 1")
  expect_error(newton_root(sq2), "'x0' is missing")
})

test_that("newton_root: bad f, fprime, fprime2 are named", {
  expect_error(newton_root(3, 1), "'f' must be a function")
  expect_error(newton_root(sq2, 1, fprime = 2), "'fprime' must be a function")
  expect_error(newton_root(sq2, 1, method = "halley", fprime2 = "x"), "'fprime2' must be a function")
  expect_error(newton_root(~ x + y, 1), "'f' must be a formula in exactly one variable")
  expect_error(newton_root(function(x) "a", 1), "'f' must return a number, not character")
  expect_error(newton_root(function(x) NULL, 1), "'f' must return a number")
  expect_error(newton_root(function(x) c(x, x), 1), "'f' must return a single number")
  expect_error(newton_root(sq2, 1, fprime = function(x) c(1, 2)), "'fprime' must return a single number")
  expect_error(newton_root(function(x) NaN, 1), "'f' is not finite at the starting value")
  expect_error(newton_root(function(x) 1 / x, 0), "'f' is not finite at the starting value")
})

test_that("newton_root: errors inside f and fprime reach the user with their message", {
  expect_error(newton_root(function(x) stop("boom in f"), 1), "boom in f")
  expect_error(newton_root(function(x) if (x > 1.2) stop("late boom") else sq2(x), 1), "late boom")
  expect_error(newton_root(sq2, 1, fprime = function(x) stop("boom in fprime")), "boom in fprime")
  # and the session is unaffected
  expect_equal(newton_root(sq2, 1)$root, sqrt(2), tolerance = 1e-10)
})

test_that("newton_root: NA/NaN/Inf and bad values in tol, maxiter, interval, options", {
  expect_error(newton_root(sq2, 1, tol = NA), "'tol' must be a single number")
  expect_error(newton_root(sq2, 1, tol = -1), "'tol' must lie in")
  expect_error(newton_root(sq2, 1, tol = Inf), "'tol' must lie in")   # was: "converged" at x = 1.5
  expect_error(newton_root(sq2, 1, tol = c(1e-8, 1e-6)), "'tol' must be a single number")
  expect_error(newton_root(sq2, 1, maxiter = 0), "'maxiter' must lie in")
  expect_error(newton_root(sq2, 1, maxiter = NA), "'maxiter' must be a single number")
  expect_error(newton_root(sq2, 1, maxiter = Inf), "'maxiter' must be a whole number")
  # was: a coercion warning and "'maxiter' must be at least 1"
  expect_error(newton_root(sq2, 1, maxiter = 1e10), "'maxiter' must lie in \\[1, 2147483646\\]")
  expect_error(newton_root(sq2, 1, maxiter = 1.5), "'maxiter' must be a whole number")
  expect_error(newton_root(sq2, interval = c(NA, 2)), "'interval' must not contain NA")
  expect_error(newton_root(sq2, interval = c(0, Inf)), "'interval' must be finite")
  expect_error(newton_root(sq2, interval = c(0, 1, 2)), "'interval' must have length 2")
  expect_error(newton_root(sq2, interval = c(2, 0)), "'interval' must satisfy lower < upper")
  expect_error(newton_root(sq2, interval = c(3, 4)), "'f' has the same sign at both ends of 'interval'")
  expect_error(newton_root(sq2, 5, interval = c(0, 2)), "'x0' must lie inside 'interval'")
  expect_error(newton_root(sq2, 1, method = "foo"), "'method' should be one of")
  expect_error(newton_root(sq2, 1, criterion = 1), "'criterion' should be one of")
  expect_error(newton_root(sq2, 1, trace = NA), "'trace' must be TRUE, FALSE or a non-negative whole number")
})

test_that("newton_root: no root, zero derivative, NaN region are flagged, not silent", {
  expect_warning(r <- newton_root(function(x) x^2 + 1, 1), "did not converge")
  expect_false(r$converged)
  expect_match(r$message, "maximum number of iterations")
  expect_warning(r <- newton_root(sq2, 1, fprime = function(x) 0), "did not converge")
  expect_false(r$converged)
  expect_match(r$message, "f'\\(x\\) is zero")
  expect_warning(r <- newton_root(function(x) if (x > 1.2) NaN else sq2(x), 1), "did not converge")
  expect_false(r$converged)
  expect_true(nzchar(r$message))
  # several starting values (interval = NULL: not a bracket): only the bad one is flagged
  expect_warning(r <- newton_root(function(x) x^2 - 1, c(2, 0), interval = NULL), "problem\\(s\\) 2")
  expect_equal(r$converged, c(TRUE, FALSE))
})

test_that("newton_root: huge and tiny scales (1e+-300)", {
  r <- newton_root(function(x) x - 1e300, 1e299)
  expect_true(r$converged)
  expect_equal(r$root, 1e300, tolerance = 1e-12)
  r <- newton_root(function(x) 1e300 * (x - 1), 3)
  expect_equal(r$root, 1, tolerance = 1e-12)
  r <- newton_root(function(x) 1e-300 * (x - 3), 1, criterion = "step")
  expect_equal(r$root, 3, tolerance = 1e-10)
  # exp(x) - 1e308: differences of f lose every digit; flagged, not wrong
  expect_warning(r <- newton_root(function(x) exp(x) - 1e308, 1), "did not converge")
  expect_false(r$converged)
})

# ---- newton_solve -------------------------------------------------------

test_that("newton_solve: wrong types, NA/Inf, lengths name the argument", {
  expect_error(newton_solve("a", c(1, 1)), "'fn' must be a function")
  expect_error(newton_solve(F2, c("a", "b")), "'x0' must be numeric")
  expect_error(newton_solve(F2, c(1, NA)), "'x0' must not contain NA")
  expect_error(newton_solve(F2, c(1, NaN)), "'x0' must not contain NA or NaN")
  expect_error(newton_solve(F2, c(1, Inf)), "'x0' must be finite")
  expect_error(newton_solve(F2, numeric(0)), "'x0' must have length at least 1")
  expect_error(newton_solve(F2, c(1, 1), jac = 1), "'jac' must be a function")
  expect_error(newton_solve(function(x) c("a", "b"), c(1, 1)), "'fn' must return a numeric vector")
  expect_error(newton_solve(function(x) 1, c(1, 1)), "'fn' must return a vector as long as 'x0'")
  expect_error(newton_solve(function(x) c(NaN, 1), c(1, 1)), "'fn' returned NA, NaN or Inf at 'x0'")
  expect_error(newton_solve(function(x) c(NA, NA), c(1, 1)), "'fn' returned NA, NaN or Inf")
})

test_that("newton_solve: fn and jac of the wrong size or type during the iteration", {
  expect_error(newton_solve(function(x) if (x[1] > 1.2) 1 else F2(x), c(1, 1)),
               "'fn' returned a vector of a different length")
  expect_error(newton_solve(function(x) if (x[1] > 1.2) "a" else F2(x), c(1, 1)),
               "'fn' must return a numeric vector")
  expect_error(newton_solve(F2, c(1, 1), jac = function(x) diag(3)), "'jac' must return a 2 x 2")
  expect_error(newton_solve(F2, c(1, 1), jac = function(x) c(1, 2, 3, 4)), "'jac' must return a numeric")
  # was: Rcpp's "Not compatible with requested type"
  expect_error(newton_solve(F2, c(1, 1), jac = function(x) matrix("a", 2, 2)),
               "'jac' must return a numeric 2 x 2 matrix, not a character")
  # was: "Not a matrix." -- a scalar Jacobian of a 1-equation system is fine
  s <- newton_solve(function(x) x^2 - 2, 1, jac = function(x) 2 * x)
  expect_equal(s$x, sqrt(2), tolerance = 1e-10)
})

test_that("newton_solve: errors inside fn and jac reach the user", {
  expect_error(newton_solve(function(x) stop("boom in F"), c(1, 1)), "boom in F")
  expect_error(newton_solve(function(x) if (x[1] > 1.2) stop("late boom") else F2(x), c(1, 1)),
               "late boom")
  expect_error(newton_solve(F2, c(1, 1), jac = function(x) stop("boom in J")), "boom in J")
  expect_equal(newton_solve(F2, c(1, 1))$x, rep(sqrt(2), 2), tolerance = 1e-8)
})

test_that("newton_solve: NA/Inf and bad control values name control$...", {
  expect_error(newton_solve(F2, c(1, 1), control = list(ftol = NA)), "'control\\$ftol' must be a single number")
  expect_error(newton_solve(F2, c(1, 1), control = list(ftol = Inf)), "'control\\$ftol' must lie in")
  expect_error(newton_solve(F2, c(1, 1), control = list(xtol = -1)), "'control\\$xtol' must lie in")
  expect_error(newton_solve(F2, c(1, 1), control = list(xtol = NaN)), "'control\\$xtol' must be a single number")
  expect_error(newton_solve(F2, c(1, 1), control = list(maxit = 0)), "'control\\$maxit' must lie in")
  expect_error(newton_solve(F2, c(1, 1), control = list(maxit = 3e9)), "'control\\$maxit' must lie in")
  expect_error(newton_solve(F2, c(1, 1), control = list(foo = 1)), "'control' has unknown component")
  expect_error(newton_solve(F2, c(1, 1), control = 3), "'control' must be a list")
})

test_that("newton_solve: singular systems, NaN regions and no-root cases are flagged", {
  expect_warning(s <- newton_solve(function(x) c(x[1] + x[2] - 1, x[1] + x[2] - 2), c(1, 1)),
                 "did not converge")
  expect_false(s$converged)
  expect_true(s$termcode %in% 2:4)
  expect_warning(s <- newton_solve(F2, c(1, 1), jac = function(x) matrix(0, 2, 2)), "did not converge")
  expect_false(s$converged)
  expect_warning(s <- newton_solve(F2, c(1, 1), jac = function(x) matrix(NaN, 2, 2)), "did not converge")
  expect_match(s$message, "Jacobian is not finite")
  expect_warning(s <- newton_solve(function(x) if (x[1] > 1.2) c(NaN, NaN) else F2(x), c(1, 1)),
                 "did not converge")
  expect_false(s$converged)
  expect_warning(s <- newton_solve(function(x) c(x[1]^2 + 1, x[2]), c(1, 1)), "did not converge")
  expect_false(s$converged)
  expect_true(nzchar(s$message))
})

test_that("newton_solve: huge and tiny scales (1e+-300) are solved", {
  # were: flagged as "x stopped changing" (||F||^2 overflowed / underflowed)
  s <- newton_solve(function(x) 1e-300 * (x - c(1, 2)), c(0, 0), control = list(ftol = 1e-310))
  expect_true(s$converged)
  expect_equal(s$x, c(1, 2), tolerance = 1e-8)
  s <- newton_solve(function(x) x - c(1e300, -1e300), c(1, 1), jac = function(x) diag(2))
  expect_true(s$converged)
  expect_equal(s$x, c(1e300, -1e300), tolerance = 1e-12)
  # without jac, forward differences of F ~ 1e300 at x ~ 1 are all rounding
  # error (J = 0): flagged, not a silent wrong answer
  expect_warning(s <- newton_solve(function(x) x - c(1e300, -1e300), c(1, 1)), "did not converge")
  expect_false(s$converged)
  s <- newton_solve(function(x) 1e300 * c(x[1]^2 + x[2]^2 - 4, x[1] - x[2]), c(1, 1),
                    control = list(ftol = 1e290))
  expect_equal(s$x, rep(sqrt(2), 2), tolerance = 1e-8)
  expect_equal(s$trace$fnorm[1], 2e300)   # the trace is on the user's scale
})

# ---- newton_optim -------------------------------------------------------

test_that("newton_optim: wrong types, NA/Inf and lengths in par name 'par'", {
  expect_error(newton_optim(c(1, NA), quad), "'par' must not contain NA")
  expect_error(newton_optim(c(1, NaN), quad), "'par' must not contain NA or NaN")
  expect_error(newton_optim(c(1, -Inf), quad), "'par' must be finite")
  expect_error(newton_optim("a", quad), "'par' must be numeric")
  expect_error(newton_optim(list(1, 2), quad), "'par' must be numeric")
  expect_error(newton_optim(numeric(0), quad), "'par' must have length at least 1")
  expect_error(newton_optim(c(1, 1), ~ x^2), "'par' must be named when 'fn' is a formula")
})

test_that("newton_optim: fn, gr, hess of the wrong type or size are named", {
  expect_error(newton_optim(c(1, 1), 2), "'fn' must be a function")
  expect_error(newton_optim(c(1, 1), quad, gr = "g"), "'gr' must be a function")
  expect_error(newton_optim(c(1, 1), quad, hess = 1), "'hess' must be a function")
  expect_error(newton_optim(c(1, 1), function(x) x), "'fn' must return a single number")
  expect_error(newton_optim(c(1, 1), function(x) "a"), "'fn' must return a single number, not a character")
  expect_error(newton_optim(c(1, 1), function(x) NULL), "'fn' must return a single number")
  expect_error(newton_optim(c(1, 1), function(x) NA), "'fn' is not finite at the initial 'par'")
  expect_error(newton_optim(c(1e300, 1e300), quad), "'fn' is not finite at the initial 'par'")
  for (m in optim_methods_all) {
    expect_error(newton_optim(c(0, 0), quad, gr = function(x) 1, method = m),
                 "'gr' must return a numeric vector of length 2", info = m)
    expect_error(newton_optim(c(0, 0), quad, gr = function(x) c("a", "b"), method = m),
                 "'gr' must return a numeric vector of length 2, not a character", info = m)
    expect_error(newton_optim(c(0, 0), quad, gr = function(x) c(NaN, 1), method = m),
                 "gradient is not finite at the initial 'par'", info = m)
  }
  expect_error(newton_optim(c(0, 0), quad, quad_gr, hess = function(x) diag(3)), "'hess' must return a 2 x 2")
  expect_error(newton_optim(c(0, 0), quad, quad_gr, hess = function(x) matrix(NaN, 2, 2)),
               "Hessian is not finite")
  expect_error(newton_optim(c(0, 0), quad, method = "newton-cg",
                            control = list(hessp = function(x, v) 1)),
               "'hessp' must return a numeric vector of length 2")
})

test_that("newton_optim: errors inside fn, gr, hess, hessp reach the user, for every method", {
  for (m in optim_methods_all) {
    expect_error(newton_optim(c(0, 0), function(x) stop("boom in fn"), method = m), "boom in fn", info = m)
    expect_error(newton_optim(c(0, 0), function(x) if (x[1] > 0.5) stop("late boom") else quad(x),
                              method = m), "late boom", info = m)
    expect_error(newton_optim(c(0, 0), quad, gr = function(x) stop("boom in gr"), method = m),
                 "boom in gr", info = m)
    expect_error(newton_optim(c(0, 0), function(x) if (x[1] > 0.5) "a" else quad(x), method = m),
                 "'fn' must return a single number", info = m)
  }
  expect_error(newton_optim(c(0, 0), quad, hess = function(x) stop("boom in hess")), "boom in hess")
  expect_error(newton_optim(c(0, 0), quad, method = "newton-cg",
                            control = list(hessp = function(x, v) stop("boom in hessp"))), "boom in hessp")
  # later calls are unaffected
  expect_equal(newton_optim(c(0, 0), quad)$par, c(1, 2), tolerance = 1e-6)
})

test_that("newton_optim: bad method, control and hessian arguments are named", {
  expect_error(newton_optim(c(1, 1), quad, method = "nelder"), "'method' must be one of")
  expect_error(newton_optim(c(1, 1), quad, method = 1), "'method' must be a string")
  expect_error(newton_optim(c(1, 1), quad, control = list(maxit = 0)), "'control\\$maxit' must lie in")
  expect_error(newton_optim(c(1, 1), quad, control = list(maxit = Inf)), "'control\\$maxit' must be a whole number")
  # was: NA after integer coercion, convergence 1 with an empty message
  expect_error(newton_optim(c(1, 1), quad, control = list(maxit = 3e9)), "'control\\$maxit' must lie in")
  expect_error(newton_optim(c(1, 1), quad, control = list(gtol = NaN)), "'control\\$gtol' must be a single number")
  # was: "converged" at the starting point
  expect_error(newton_optim(c(1, 1), quad, control = list(gtol = Inf)), "'control\\$gtol' must lie in")
  expect_error(newton_optim(c(1, 1), quad, control = list(reltol = Inf)), "'control\\$reltol' must lie in")
  expect_error(newton_optim(c(1, 1), quad, control = list(abstol = NaN)), "'control\\$abstol' must be a single number")
  expect_error(newton_optim(c(1, 1), quad, control = list(abstol = Inf)), "'control\\$abstol' must be less than Inf")
  expect_error(newton_optim(c(1, 1), quad, control = list(fnscale = 0)), "'control\\$fnscale' must be finite and non-zero")
  expect_error(newton_optim(c(1, 1), quad, control = list(fnscale = NA)), "'control\\$fnscale' must be a single number")
  expect_error(newton_optim(c(1, 1), quad, control = list(fnscale = -Inf)), "'control\\$fnscale' must be finite")
  expect_error(newton_optim(c(1, 1), quad, method = "gd", control = list(lr = Inf)), "'control\\$lr' must lie in")
  expect_error(newton_optim(c(1, 1), quad, method = "trust", control = list(radius = Inf)), "'control\\$radius' must lie in")
  expect_error(newton_optim(c(1, 1), quad, method = "lbfgs", control = list(memory = 0)), "'control\\$memory' must lie in")
  expect_error(newton_optim(c(1, 1), quad, control = list(lambda = -1)), "'control\\$lambda' must lie in")
  expect_error(newton_optim(c(1, 1), quad, control = list(foo = 1)), "'control' has unknown component")
  expect_error(newton_optim(c(1, 1), quad, hessian = NA), "'hessian' must be TRUE or FALSE")
  expect_error(newton_optim(c(1, 1), quad, hessian = "yes"), "'hessian' must be TRUE or FALSE")
})

test_that("newton_optim: NaN regions end flagged or at the right answer, never NaN iterates", {
  for (m in optim_methods_all) {
    # was (newton-cg): NaN curvature made the iterate NaN, and fn failed on it
    r <- suppressWarnings(newton_optim(c(0, 0), function(x) if (x[1] > 0.5) NaN else quad(x), method = m))
    expect_true(all(is.finite(r$par)), info = m)
    expect_true(r$convergence != 0L, info = m)
    expect_true(nzchar(r$message), info = m)
  }
  # log-barrier: the line search backs off the NaN region and converges
  r <- suppressWarnings(newton_optim(3, function(x) x - log(x)))  # log(<0): NaN
  expect_equal(r$par, 1, tolerance = 1e-6)
})

test_that("newton_optim: singular and indefinite Hessians are flagged with a message", {
  for (m in optim_methods_all) {
    # (x + y)^2: singular Hessian on a line of minima; f does not fall along
    # the null space, so the minimum is confirmed and named non-isolated
    r <- newton_optim(c(1, 1), function(x) (x[1] + x[2])^2, method = m)
    expect_equal(r$convergence, 0L, info = m)
    expect_equal(sum(r$par), 0, tolerance = 1e-6, info = m)
    expect_match(r$message, "singular.*non-isolated", info = m)
    # f = x^2 - y^2 is unbounded below; flagged (saddle, unbounded or maxit)
    expect_warning(r <- newton_optim(c(0, 0), function(x) x[1]^2 - x[2]^2, method = m),
                   "convergence code", info = m)
    expect_true(r$convergence %in% c(1L, 12L, 30L), info = m)
  }
  expect_warning(r <- newton_optim(c(1, 1), function(x) (x[1] + x[2])^2,
                                   control = list(line_search = FALSE)), "convergence code 40")
  expect_match(r$message, "singular")
})

test_that("newton_optim: unbounded and linear objectives end with convergence != 0", {
  for (m in optim_methods_all) {
    expect_warning(r <- newton_optim(c(1, 1), function(x) -sum(x^2), method = m), "convergence code", info = m)
    expect_true(r$convergence %in% c(1L, 20L, 30L), info = m)
    expect_warning(r <- newton_optim(c(1, 1), function(x) sum(x), method = m), "convergence code", info = m)
    expect_true(r$convergence %in% c(1L, 20L, 30L), info = m)
  }
  expect_warning(r <- newton_optim(c(0, 0), quad, method = "gd", control = list(lr = 1e200)),
                 "convergence code 31")
  expect_match(r$message, "not finite")
})

test_that("newton_optim: huge (1e300) objectives are minimised by every method", {
  # was: bfgs/lbfgs "converged" at the start (1/|g| underflowed to a zero
  # step); newton-cg/gd/trust stalled
  for (m in optim_methods_all) {
    r <- newton_optim(c(1, 1), function(x) 1e300 * quad(x), method = m)
    expect_equal(r$convergence, 0L, info = m)
    expect_equal(r$par, c(1, 2), tolerance = 1e-5, info = m)
    expect_equal(r$value / 1e300, 0, tolerance = 1e-8, info = m)
  }
  # maximisation of a huge objective with fnscale < 0
  r <- newton_optim(c(0, 0), function(x) -1e300 * quad(x), control = list(fnscale = -1))
  expect_equal(r$par, c(1, 2), tolerance = 1e-6)
})

test_that("newton_optim: tiny (1e-300) objectives are flagged, not reported as minima", {
  for (m in optim_methods_all) {
    r <- suppressWarnings(newton_optim(c(0, 0), function(x) 1e-300 * quad(x), method = m))
    expect_true(r$convergence != 0L || isTRUE(all.equal(r$par, c(1, 2), tolerance = 1e-4)), info = m)
  }
  # with a gradient tolerance on the function's own scale, the minimiser is found
  r <- suppressWarnings(newton_optim(c(0, 0), function(x) 1e-300 * quad(x), control = list(gtol = 1e-310)))
  expect_equal(r$par, c(1, 2), tolerance = 1e-6)
})

test_that("newton_optim: a dense Hessian too large for memory is refused before any work", {
  old <- options(newtonr.dense_limit = 1e9)
  on.exit(options(old))
  never <- function(x) stop("fn must not be called")
  p <- 1e5
  for (m in c("newton", "trust", "auto")) {
    # auto -> lbfgs for this p, so only newton and trust refuse
    if (m == "auto") next
    expect_error(newton_optim(numeric(p), never, method = m),
                 "'par': a dense 1e\\+05 x 1e\\+05 Hessian needs 80 GB", info = m)
  }
  expect_error(newton_optim(numeric(p), never, method = "bfgs"),
               "'par': a dense 1e\\+05 x 1e\\+05 inverse-Hessian approximation needs 80 GB")
  expect_error(newton_optim(numeric(p), never, method = "lbfgs", hessian = TRUE),
               "Hessian needs 80 GB.*lbfgs")
  # newton_solve's Jacobian and num_hessian's / num_jacobian's results
  expect_error(newton_solve(function(x) stop("fn must not be called"), numeric(p)),
               "'x0': a dense 1e\\+05 x 1e\\+05 Jacobian needs 80 GB")
  expect_error(num_hessian(function(x) sum(x^2), numeric(p)),
               "'x': a dense 1e\\+05 x 1e\\+05 Hessian needs 80 GB")
  expect_error(num_jacobian(function(x) x, numeric(p)),
               "'x': a dense 1e\\+05 x 1e\\+05 Jacobian needs 80 GB")
  # the limited-memory method runs at this size
  r <- newton_optim(numeric(p), function(x) sum((x - 1)^2), function(x) 2 * (x - 1),
                    method = "lbfgs")
  expect_equal(r$convergence, 0L)
  expect_equal(range(r$par), c(1, 1), tolerance = 1e-8)
})

test_that("check_dense_size() states the memory needed and respects the limit", {
  cds <- newtonr:::check_dense_size
  expect_error(cds(1e5, 1e5, "Hessian", "par", limit = 1e9),
               "'par': a dense 1e\\+05 x 1e\\+05 Hessian needs 80 GB, more than the limit of 1 GB")
  expect_error(cds(2e6, 500, "model matrix", "x", limit = 1e9, copies = 2, hint = "use fewer rows"),
               "needs 8 GB \\(16 GB in all for the 2 working copies\\).*; use fewer rows")
  expect_equal(cds(100, 100, "Hessian", "par", limit = 1e9), 8e4)
  old <- options(newtonr.dense_limit = "a lot")
  on.exit(options(old))
  expect_error(cds(10, 10, "Hessian", "par"), "newtonr.dense_limit")
})

# ---- numerical derivatives ----------------------------------------------

test_that("num_gradient/num_hessian/num_jacobian: bad x and fn are named", {
  expect_error(num_gradient(quad, c(1, NA)), "'x' must not contain NA")
  expect_error(num_gradient(quad, "a"), "'x' must be numeric")
  expect_error(num_gradient(quad, numeric(0)), "'x' must have length at least 1")
  expect_error(num_hessian(quad, c(1, Inf)), "'x' must be finite")
  expect_error(num_jacobian(quad, c(1, NaN)), "'x' must not contain NA or NaN")
  expect_error(num_gradient(1, 1), "'fn' must be a function")
  expect_error(num_gradient(function(x) x, c(1, 2)), "'fn' must return a single number")
  expect_error(num_hessian(function(x) x, c(1, 2)), "'fn' must return a single number")
  expect_error(num_gradient(function(x) "a", 1), "'fn' must return a single number, not character")
  expect_error(num_gradient(function(x) NaN, 1), "'fn' returned NA or NaN at 'x'")
  expect_error(num_gradient(quad, 1e300), "'fn' returned an infinite value at 'x'")
  expect_error(num_jacobian(function(x) numeric(0), c(1, 2)), "'fn' returned a vector of length 0")
  expect_error(num_jacobian(function(x) letters[1:2], c(1, 2)), "'fn' must return a numeric vector")
})

test_that("numerical derivatives: fn failing, NaN or changing size near x", {
  expect_error(num_gradient(function(x) stop("boom in fn"), 1), "'fn' failed with error: boom in fn")
  expect_error(num_gradient(function(x) if (x[1] != 1) stop("late boom") else 1, 1), "late boom")
  expect_error(num_hessian(function(x) stop("boom in fn"), c(1, 2)), "boom in fn")
  expect_error(num_jacobian(function(x) stop("boom in fn"), c(1, 2)), "boom in fn")
  expect_error(num_gradient(function(x) if (x[1] != 1) NaN else 1, 1),
               "'fn' returned a non-finite value \\(NaN\\) at a point near 'x'")
  expect_error(num_hessian(function(x) if (x[1] != 1) NaN else 1, c(1, 2)),
               "'fn' returned a non-finite value")
  expect_error(num_gradient(function(x) if (x[1] != 1) "a" else 1, 1), "'fn' must return a numeric")
  expect_error(num_gradient(function(x) if (x[1] != 1) c(1, 2) else 1, 1), "'fn' must return a numeric vector of length 1")
  expect_error(num_jacobian(function(x) if (x[1] != 1) 1 else c(1, 2), c(1, 2)),
               "'fn' must return a numeric vector of length 2")
  expect_equal(num_gradient(quad, c(0, 0)), c(-2, -4), tolerance = 1e-8)
})

test_that("numerical derivatives: method.args with NA/Inf/bad values name method.args$...", {
  expect_error(num_gradient(quad, 1, method.args = list(d = NA)), "'method.args\\$d' must be a single number")
  expect_error(num_gradient(quad, 1, method.args = list(r = 0)), "'method.args\\$r' must lie in")
  # were: "'v' must exceed 1" etc. from the C++ core, without the list name
  expect_error(num_gradient(quad, 1, method.args = list(v = Inf)), "'method.args\\$v' must lie in")
  expect_error(num_gradient(quad, 1, method.args = list(d = Inf)), "'method.args\\$d' must lie in")
  expect_error(num_gradient(quad, 0, method.args = list(eps = Inf)), "'method.args\\$eps' must lie in")
  expect_error(num_hessian(quad, 1, method.args = list(zero_tol = NaN)), "'method.args\\$zero_tol' must be a single number")
  expect_error(num_gradient(quad, 1, method.args = list(zz = 1)), "'method.args' has unknown component")
})

test_that("numerical derivatives: tiny scales keep their relative accuracy", {
  expect_equal(num_gradient(function(x) 1e-300 * sum(x^2), c(1, 2)), c(2e-300, 4e-300), tolerance = 1e-8)
  expect_equal(num_hessian(function(x) 1e300 * sum(x^2), c(1, 2)) / 1e300, diag(2, 2), tolerance = 1e-6)
})

test_that("check_derivatives: bad gr/hess/x/tol are named; NaN in gr is a mismatch", {
  expect_error(check_derivatives(quad, function(x) 1, x = c(1, 2)), "'gr' must return a numeric vector of length 2")
  expect_error(check_derivatives(quad, function(x) c("a", "b"), x = c(1, 2)), "'gr' must return a numeric vector")
  expect_error(check_derivatives(quad, function(x) stop("boom gr"), x = c(1, 2)), "'gr' failed with error: boom gr")
  expect_error(check_derivatives(quad, hess = function(x) diag(3), x = c(1, 2)), "'hess' must return a numeric 2 x 2 matrix")
  expect_error(check_derivatives(quad, hess = function(x) stop("boom hess"), x = c(1, 2)), "boom hess")
  expect_error(check_derivatives(quad, x = c(1, 2)), "'gr' or 'hess' must be given")
  expect_error(check_derivatives(quad, quad_gr, x = c(1, 2), tol = NA), "'tol' must be a single number")
  expect_error(check_derivatives(quad, quad_gr, x = c(1, NA)), "'x' must not contain NA")
  expect_error(check_derivatives(quad, 3, x = c(1, 2)), "'gr' must be a function")
  chk <- check_derivatives(quad, function(x) c(NaN, 0), x = c(1, 2))
  expect_false(chk$ok)
  expect_equal(chk$gradient_error, Inf)
})

test_that("Richardson settings whose steps are lost to rounding are refused, naming them (issue 12)", {
  fn <- function(x) sum(x^2) + prod(x)            # gradient 2 x + prod(x) / x
  gr <- function(x) 2 * x + prod(x) / x
  x <- c(1, 2, 3)
  # were: NaN (v = 1e300) and 0 (d = 1e-300), silently
  expect_error(num_gradient(fn, x, method.args = list(v = 1e300)), "'method.args\\$v' must lie in")
  expect_error(num_gradient(fn, x, method.args = list(v = 1e3, r = 8)), "'method.args': the smallest step d / v\\^\\(r - 1\\)")
  expect_error(num_gradient(fn, x, method.args = list(d = 1e-300)), "'method.args': the smallest step d")
  expect_error(num_hessian(fn, x, method.args = list(d = 1e-300)), "'method.args': the smallest step d")
  expect_error(num_hessian(fn, x, method.args = list(d = 1e-6)), "below 1e-06")
  expect_error(num_jacobian(function(x) x, x, method.args = list(eps = 1e-300, d = 1e-4)), "smallest step eps")
  expect_error(num_gradient(fn, x, method.args = list(d = 1e300)), "'method.args\\$d' must lie in")
  expect_error(num_gradient(fn, x, method.args = list(eps = Inf)), "'method.args\\$eps'")
  expect_error(num_gradient(fn, x, method.args = 1e-300), "'method.args' must be a named list")
  expect_error(num_gradient(fn, x, method.args = list(1e-300)), "'method.args' must be a named list")
  # the core's own check: a step that overflows x (R's ranges pass)
  expect_error(num_gradient(function(x) x[1], c(1, .Machine$double.xmax)), "'method.args': a difference step for x\\[2\\]")
  # check_derivatives passes the settings on, and refuses the bad ones
  # instead of blaming a correct gradient
  expect_error(check_derivatives(fn, gr, x = x, method.args = list(v = 1e300)), "'method.args\\$v'")
  expect_true(check_derivatives(fn, gr, x = x, method.args = list(d = 1e-3, r = 6))$ok)
  # accepted settings give the exact gradient to the usual accuracy
  expect_equal(num_gradient(fn, x, method.args = list(d = 1e-3, v = 3, r = 5)), gr(x), tolerance = 1e-8)
})

test_that("plot settings are bounded (nlevels = .Machine$integer.max tried to allocate 17 GB)", {
  fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
  r <- newton_optim(c(-1.2, 1), fr)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_error(plot(r, "contour", fn = fr, nlevels = .Machine$integer.max), "'nlevels' must lie in \\[1, 1000\\]")
  expect_error(plot(r, "contour", fn = fr, nlevels = NA), "'nlevels' must be a single number")
  expect_error(plot(r, "contour", fn = fr, xlim = c(2, 1)), "'xlim' must satisfy lower < upper")
  expect_error(plot(r, "contour", fn = fr, ylim = c(0, Inf)), "'ylim' must be finite")
  rr <- newton_root(function(x) x^2 - 2, 1)
  expect_error(plot(rr, function(x) x^2 - 2, problem = 3e9), "'problem' must lie in")
  expect_error(plot(rr, function(x) x^2 - 2, xlim = "a"), "'xlim' must be numeric")
  expect_identical(plot(r, "contour", fn = fr, nlevels = 5), r)
})

test_that("plot callbacks that misbehave, bad colours and panels are named", {
  fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
  r <- newton_optim(c(-1.2, 1), fr)
  rr <- newton_root(function(x) x^2 - 2, 1)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_error(plot(r, "contour", fn = function(x) c(1, 2)), "'fn' must return a single number at each point")
  expect_error(plot(r, "contour", fn = function(x) "a"), "'fn' must return a single number")
  expect_error(plot(r, "contour", fn = function(x) NaN), "'fn' is not finite anywhere on the plotting grid")
  expect_error(plot(r, "contour", fn = function(x) if (x[1] > -1) 1e308 else -1e308), "'fn' has values on the grid too far apart")
  expect_error(plot(r, "contour", fn = fr, col = -1), "'col' must be one colour")
  expect_error(plot(r, "contour", fn = fr, col = 3e9), "'col' must be one colour")
  expect_error(plot(rr, function(x) NULL), "'f' must return a single number at each point")
  expect_error(plot(rr, function(x) NaN), "'f' is not finite anywhere on the plotting range")
  fit <- newton_glm(am ~ wt + hp, binomial, mtcars)
  expect_error(plot(fit, which = NaN), "'which' must be plot.lm panel numbers")
  expect_error(plot(fit, which = 7), "'which' must be plot.lm panel numbers")
  expect_error(plot_trace(1), "'fit' must have a 'trace'")
})
test_that("check_derivatives: x must be a point, not a matrix", {
  expect_error(check_derivatives(function(x) sum(x^2), function(x) 2 * x, x = matrix(1, 2, 2)),
               "'x' must be a vector \\(the point\\), not a 2 x 2 array")
  expect_true(check_derivatives(function(x) sum(x^2), function(x) 2 * x, x = matrix(1:2, 1, 2))$ok)
})

# ---- bad input moved here from the root, system and derivative tests ----

# from test-root.R
test_that("newton_root: bad input gives clear errors naming the argument", {
  f <- function(x) x^2 - 2
  expect_error(newton_root("x^2", 1), "'f' must be a function")
  expect_error(newton_root(f, "a"), "'x0' must be numeric")
  expect_error(newton_root(f, NA_real_), "'x0' must not contain NA")
  expect_error(newton_root(f, Inf), "'x0' must be finite")
  expect_error(newton_root(f, 1, tol = 0), "'tol'")
  expect_error(newton_root(f, 1, tol = -1), "'tol'")
  expect_error(newton_root(f, 1, maxiter = 0), "'maxiter'")
  expect_error(newton_root(f, 1, method = "bogus"), "should be one of")
  expect_error(newton_root(f, interval = c(2, 1)), "'interval' must satisfy lower < upper")
  expect_error(newton_root(f, interval = c(2, 3)), "same sign")
  expect_error(newton_root(f, interval = c(0, NA)), "'interval'")
  expect_error(newton_root(function(x) NA_real_, 1), "'f' is not finite at the starting value")
  expect_error(newton_root(function(x) "a", 1), "'f' must return a number")
  expect_error(newton_root(function(x) c(x, x), 1), "'f' must return a single number")
  expect_error(newton_root(function(x) stop("my own failure"), 1), "my own failure")
  expect_error(newton_root(~ x + y, 1), "exactly one variable")
  expect_error(newton_root(f, 1, fprime = "no"), "'fprime' must be a function")
  expect_error(newton_root(f), "'x0' is missing")
})

# from test-solve.R
test_that("newton_solve: bad input gives clear errors naming the argument", {
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

# from test-solve.R
test_that("newton_solve: a value of the wrong length at a difference point is an error naming 'fn'", {
  # was: a heap-buffer-overflow read in fd_jacobian (shorter) or a silent
  # truncation (longer)
  short <- function(x) if (x[1] > 2 && x[1] < 2 + 1e-6) x[1] else c(x[1]^2 - 4, x[2] - 3)
  long <- function(x) if (x[1] > 2 && x[1] < 2 + 1e-6) c(x, 1) else c(x[1]^2 - 4, x[2] - 3)
  expect_error(newton_solve(short, c(2, 3.5)), "'fn' returned a vector of a different length \\(1, not 2")
  expect_error(newton_solve(long, c(2, 3.5)), "'fn' returned a vector of a different length \\(3, not 2")
  # a difference point where fn is not finite: the backward difference is used
  edge <- function(x) if (x[1] > 1) c(NaN, NaN) else c(x[1] - 0.5, x[2] - 3)
  s <- newton_solve(edge, c(1, 3.5))
  expect_true(s$converged)
  expect_equal(s$x, c(0.5, 3), tolerance = 1e-10)
})

# from test-solve-unseen.R
test_that("newton_solve: misbehaving callbacks are errors naming the argument", {
  sq <- function(x) x^2 - 1
  expect_error(newton_solve(sq, c(2, 3), jac = function(x) diag(3)), "'jac'")
  expect_error(newton_solve(sq, c(2, 3), jac = function(x) matrix(1, 1, 4)), "'jac'")
  expect_error(newton_solve(sq, c(2, 3), jac = function(x) list(1, 2)), "'jac'")
  expect_error(newton_solve(sq, c(2, 3), jac = function(x) matrix("a", 2, 2)), "'jac'")
  expect_error(newton_solve(function(x) if (x[1] > 1.9) c(x[1] - 1, x[2]) else x[1] - 1, c(2, 3)), "'fn'")
  expect_error(newton_solve(function(x) if (x[1] < 1.9) c(x - 1, 0) else x - 1, c(2, 3)), "'fn'")
  expect_error(newton_solve(function(x) if (x[1] < 2) NULL else x^2 - 1, c(2, 3)), "'fn'")
  expect_error(newton_solve(function(x) if (x[1] < 2) c("a", "b") else x^2 - 1, c(2, 3)), "'fn'")
  expect_error(newton_solve(function(x) complex(real = x), c(2, 3)), "'fn'")
  # an error inside fn or jac names it and the point
  expect_error(newton_solve(function(x) if (x[1] < 1.5) stop("boom") else x^2 - 1, c(2, 3)),
               "'fn' failed at x = \\(.*\\): boom")
  expect_error(newton_solve(sq, c(2, 3), jac = function(x) stop("bang")), "'jac' failed at x = \\(2, 3\\): bang")
  expect_error(newton_solve(sq, c(1, NA)), "'x0'")
  expect_error(newton_solve(sq, numeric(0)), "'x0'")
  expect_error(newton_solve(sq, 2, control = list(maxit = 3e9)), "'control\\$maxit'")
})

# from test-derivatives.R
test_that("num_gradient, num_jacobian, num_hessian, check_derivatives: bad input gives errors naming the argument", {
  rosen <- function(p) (1 - p[1])^2 + 100 * (p[2] - p[1]^2)^2
  expect_error(num_gradient("f", 1), "'fn' must be a function")
  expect_error(num_gradient(rosen, c(1, NA)), "'x' must not contain NA")
  expect_error(num_gradient(rosen, c(1, Inf)), "'x' must be finite")
  expect_error(num_hessian(rosen, "a"), "'x' must be numeric")
  expect_error(num_gradient(function(x) x, c(1, 2)), "'fn' must return a single number")
  expect_error(num_gradient(function(x) "a", 1), "'fn' must return a single number")
  expect_error(num_gradient(function(x) NA_real_, 1), "'fn' returned NA")
  expect_error(num_hessian(function(x) Inf, 1), "'fn' returned an infinite")
  expect_error(num_gradient(function(x) stop("my own failure"), 1),
               "'fn' failed with error: my own failure")
  # fn failing only at a perturbed point, inside the C++ loop
  f <- function(x) if (x[1] > 1) stop("outside domain") else x[1]^2
  expect_error(num_gradient(f, 1), "'fn' failed with error: outside domain")
  expect_error(num_hessian(f, 1), "outside domain")
  g <- function(x) if (x[1] > 1) NaN else x[1]^2
  expect_error(num_gradient(g, 1), "'fn' returned a non-finite value")
  h <- function(x) if (x[1] > 1) c(1, 2) else x[1]^2
  expect_error(num_hessian(h, 1), "'fn' must return a numeric vector of length 1")
  expect_error(num_gradient(rosen, c(1, 1), method.args = list(r = 0)), "method.args\\$r")
  expect_error(num_gradient(rosen, c(1, 1), method.args = list(foo = 1)), "unknown")
  expect_error(check_derivatives(rosen, gr = 3, x = c(1, 1)), "'gr' must be a function")
  expect_error(check_derivatives(rosen, gr = function(p) 1, x = c(1, 1)), "'gr' must return")
  expect_error(check_derivatives(rosen, hess = function(p) stop("nope"), x = c(1, 1)),
               "'hess' failed with error: nope")
  expect_error(check_derivatives(rosen, x = c(1, 1)), "'gr' or 'hess'")
})
