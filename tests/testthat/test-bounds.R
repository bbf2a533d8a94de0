# newton_optim(lower, upper) (issue 16): the API, never an evaluation outside
# the box, and every method on every problem of bounds_problem_list()
# (solved, or an honest non-zero code: never a false success).

bp <- newtonr:::bounds_problem_list()
names(bp) <- vapply(bp, `[[`, "", "name")
fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
fr_gr <- function(x) c(-400 * x[1] * (x[2] - x[1]^2) - 2 * (1 - x[1]), 200 * (x[2] - x[1]^2))
proj_box <- function(p) pmin(pmax(p$x0, p$lower), p$upper)
box_methods <- c("newton", "trust", "newton-cg", "bfgs", "lbfgs", "gd")

# fn, gr, hess that stop() outside [lower, upper] (and count the calls)
guarded <- function(p, level) {
  out <- function(x) any(x < p$lower | x > p$upper)
  wrap <- function(f) function(x) if (out(x)) stop("evaluated outside the box") else f(x)
  list(fn = wrap(p$fn), gr = if (level != "none") wrap(p$gr),
       hess = if (level == "exact") wrap(p$hess))
}
solved <- function(p, r) {
  tol <- 1e-6 * max(1, abs(p$fstar))
  any(abs(r$value - c(p$fstar, p$local_minima)) <= tol)
}

test_that("the issue's example: bounds are honoured, not passed to fn", {
  r <- newton_optim(c(-1.2, 1), fr, lower = c(-2, -2), upper = c(0.5, 2))
  expect_equal(r$convergence, 0L)
  expect_equal(r$par, c(0.5, 0.25), tolerance = 1e-6)
  expect_equal(r$value, 0.25, tolerance = 1e-8)
  expect_identical(r$active, c(1L, 0L))
  expect_identical(r$stationary, "minimum")
  expect_true("active" %in% names(r$trace))
  expect_identical(r$trace$active[nrow(r$trace)], 1L)
  expect_identical(r$trace$active[1], 0L)  # the start (-1.2, 1) is interior
})

test_that("bad bounds are errors naming the argument", {
  f <- function(x) sum(x^2)
  expect_error(newton_optim(c(1, 1), f, lower = "a"), "'lower' must be numeric")
  expect_error(newton_optim(c(1, 1), f, upper = list(1)), "'upper' must be numeric")
  expect_error(newton_optim(c(1, 1), f, lower = c(0, NA)), "'lower' must not contain NA")
  expect_error(newton_optim(c(1, 1), f, upper = NaN), "'upper' must not contain NA")
  expect_error(newton_optim(c(1, 1, 1), f, lower = c(0, 0)), "'lower' must have length 1 or length\\(par\\) = 3, not 2")
  expect_error(newton_optim(c(1, 1), f, lower = c(0, 2), upper = 1), "'lower' must be <= 'upper': lower\\[2\\] = 2 > upper\\[2\\] = 1")
  expect_error(newton_optim(c(1, 1), f, lower = Inf), "'lower' must be below Inf")
  expect_error(newton_optim(c(1, 1), f, upper = -Inf), "'upper' must be above -Inf")
  # a formula objective: named bounds must name its variables
  expect_error(newton_optim(c(x = 1, y = 1), ~ x^2 + y^2, lower = c(x = 0, z = 0)),
               "'lower' has names \\(x, z\\) that are not the names of 'par' \\(x, y\\)")
  expect_error(newton_optim(c(1, 1), f, upper = c(a = 2, b = 2)), "'upper' has names .* not the names of 'par' \\(none\\)")
})

test_that("named bounds bound only the parameters they name", {
  r <- newton_optim(c(x = 1, y = 1), ~ (x - 3)^2 + (y + 2)^2, lower = c(y = 0))
  expect_equal(r$par, c(x = 3, y = 0), tolerance = 1e-8)
  expect_identical(r$active, c(x = 0L, y = -1L))
  r2 <- newton_optim(c(x = 1, y = 1), ~ (x - 3)^2 + (y + 2)^2, upper = c(y = 5, x = 2))
  expect_equal(r2$par, c(x = 2, y = -2), tolerance = 1e-8)
})

test_that("a par outside the box is moved onto it with a warning", {
  seen <- NULL
  f <- function(x) {
    if (is.null(seen)) seen <<- x
    sum((x - 3)^2)
  }
  expect_warning(r <- newton_optim(c(-5, 10), f, lower = 0, upper = 4),
                 "'par' is outside the box \\[lower, upper\\] in 2 components")
  expect_identical(seen, c(0, 4))
  expect_equal(r$par, c(3, 3), tolerance = 1e-6)
})

test_that("lower == upper fixes a parameter, for every method", {
  for (m in box_methods) {
    calls <- list()
    f <- function(x) {
      calls[[length(calls) + 1L]] <<- x
      (x[1] - 1)^2 + (x[2] - 2)^2 + x[1] * x[2]
    }
    r <- newton_optim(c(0, 5), f, method = m, lower = c(-Inf, 5), upper = c(Inf, 5),
                      control = list(maxit = 1000))
    expect_true(all(vapply(calls, function(x) x[2] == 5, TRUE)), info = m)
    # with x2 = 5: minimise (x1 - 1)^2 + 5 x1, x1 = -1.5
    expect_equal(r$par, c(-1.5, 5), tolerance = 1e-5, info = m)
    expect_identical(r$active[2], -1L, info = m)
  }
})

test_that("infinite bounds take the unbounded path: identical results", {
  for (m in box_methods) {
    a <- suppressWarnings(newton_optim(c(-1.2, 1), fr, fr_gr, method = m))
    b <- suppressWarnings(newton_optim(c(-1.2, 1), fr, fr_gr, method = m, lower = -Inf, upper = c(Inf, Inf)))
    expect_identical(b, a, info = m)
  }
  p <- bp$hs38
  a <- newton_optim(p$x0, p$fn, method = "bfgs")
  b <- newton_optim(p$x0, p$fn, method = "bfgs", lower = rep(-Inf, 4))
  expect_identical(b, a)
})

test_that("a minimum on a face is a minimum: classification on the free variables", {
  # f = x^2 - y^2 on y in [-1, 1]: the full Hessian is indefinite, the
  # reduced one (x alone) is 2; from y = 0.5 the run ends at y = 1
  r <- newton_optim(c(x = 1, y = 0.5), ~ x^2 - y^2, method = "trust", lower = c(y = -1), upper = c(y = 1))
  expect_equal(r$par, c(x = 0, y = 1), tolerance = 1e-8)
  expect_identical(r$stationary, "minimum")
  expect_identical(r$convergence, 0L)
  expect_identical(r$active, c(x = 0L, y = 1L))
  # and a saddle of a face is left: f = x^2 - y^2 - z^2 with z on its bound
  r2 <- newton_optim(c(x = 1, y = 0, z = 1), ~ x^2 - y^2 + z, lower = c(z = 0), upper = c(y = 2))
  expect_equal(r2$par, c(x = 0, y = 2, z = 0), tolerance = 1e-8)
  expect_identical(r2$active, c(x = 0L, y = 1L, z = -1L))
})

test_that("every method on every bounded problem: solved or an honest code, never outside the box", {
  for (p in bp) for (m in box_methods) for (level in c("exact", "gr", "none")) {
    cb <- guarded(p, level)
    info <- paste(p$name, m, level)
    r <- suppressWarnings(newton_optim(proj_box(p), cb$fn, cb$gr, cb$hess, method = m,
                                       lower = p$lower, upper = p$upper,
                                       control = list(maxit = if (m == "gd") 5000 else 500)))
    expect_true(all(r$par >= p$lower & r$par <= p$upper), info = info)
    ok <- solved(p, r)
    if (r$convergence == 0L) expect_true(ok, info = info)  # no false success
    # trust and lbfgs (the issue's targets) solve every problem given gr
    if (m %in% c("trust", "lbfgs") && level != "none") expect_true(ok, info = info)
  }
})

test_that("method = \"auto\" picks by the same rule with bounds", {
  p <- bp$hs110
  r <- newton_optim(p$x0, p$fn, p$gr, p$hess, method = "auto", lower = p$lower, upper = p$upper)
  expect_identical(r$method, "newton")
  r <- newton_optim(p$x0, p$fn, p$gr, method = "auto", lower = p$lower, upper = p$upper,
                    control = list(auto_threshold_fd = 5))
  expect_identical(r$method, "lbfgs")
  expect_equal(r$value, p$fstar, tolerance = 1e-7)
})

test_that("projected gradient is the stopping measure; gtol honoured", {
  p <- bp$rosenbrock_box
  for (m in c("trust", "lbfgs")) {
    r <- newton_optim(p$x0, p$fn, p$gr, method = m, lower = p$lower, upper = p$upper,
                      control = list(gtol = 1e-9))
    pg <- max(abs(pmin(pmax(r$par - r$gradient, p$lower), p$upper) - r$par))
    expect_lte(pg, 1e-9)
    expect_gt(max(abs(r$gradient)), 0.1)  # the plain gradient is not small
  }
})

test_that("teaching settings without a bounded version are errors with bounds", {
  f <- function(x) sum(x^2)
  expect_error(newton_optim(c(1, 1), f, lower = 0, control = list(line_search = FALSE)),
               "'control\\$line_search' = FALSE \\(pure Newton\\) does not apply with bounds")
  expect_error(newton_optim(c(1, 1), f, upper = 2, control = list(criterion = "previous")),
               "'control\\$criterion' = \"previous\" does not apply with bounds")
  expect_error(newton_optim(c(1, 1), f, lower = -1, control = list(shift = 1)),
               "'control\\$shift' does not apply with bounds")
  # infinite bounds are no bounds: the settings work as before
  r <- newton_optim(c(1, 1), f, lower = -Inf, control = list(line_search = FALSE))
  expect_equal(r$par, c(0, 0), tolerance = 1e-8)
  # a fixed learning rate is projected gradient descent in the box
  g <- newton_optim(c(1, 1), function(x) sum((x + 1)^2), method = "gd", lower = 0,
                    control = list(lr = 0.1))
  expect_identical(g$par, c(0, 0))
  expect_identical(g$active, c(-1L, -1L))
})

test_that("an error at a start moved onto the box names the bounds", {
  expect_error(suppressWarnings(newton_optim(c(1, 1), function(x) sum(x^2), upper = -1e308)),
               "'fn' is not finite at the initial 'par' \\(moved onto the box given by 'lower' and 'upper'\\)")
})
