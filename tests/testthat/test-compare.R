# compare_methods(): one row per method, against Rosenbrock's known minimum
# (0 at (1, 1)); plot and print methods; bad input names the argument.
# (Rosenbrock fr, grr, hrr: helper-problems.R.)

test_that("Rosenbrock: newton needs far fewer iterations than gd; values reach 0", {
  cmp <- compare_methods(c(-1.2, 1), fr, grr, hrr, control = list(maxit = 20000))
  expect_s3_class(cmp, "newton_comparison")
  expect_s3_class(cmp, "data.frame")
  expect_equal(cmp$method, c("newton", "trust", "bfgs", "gd"))
  expect_named(cmp, c("method", "converged", "convergence", "iterations", "fn_evals",
                      "gr_evals", "hess_evals", "time", "value"))
  it <- stats::setNames(cmp$iterations, cmp$method)
  expect_lt(it[["newton"]] * 20, it[["gd"]])
  expect_true(all(cmp$converged[cmp$method != "gd"]))
  # known minimum 0 (independent of the code under test)
  expect_equal(cmp$value[cmp$method != "gd"], rep(0, 3), tolerance = 1e-10)
  expect_lt(cmp$value[cmp$method == "gd"], 1e-4)
  expect_true(all(cmp$time >= 0))
  # optim() as a reference for the BFGS end point
  ref <- optim(c(-1.2, 1), fr, grr, method = "BFGS", control = list(reltol = 1e-14))
  expect_equal(attr(cmp, "results")$bfgs$par, ref$par, tolerance = 1e-4)
  tr <- attr(cmp, "traces")
  expect_named(tr, cmp$method)
  # each row is the run newton_optim() makes on its own
  alone <- newton_optim(c(-1.2, 1), fr, grr, hrr, method = "trust", control = list(maxit = 20000))
  expect_identical(cmp$iterations[cmp$method == "trust"], alone$iterations)
  expect_identical(tr$trust, alone$trace)
})

test_that("evaluation counts come from the runs, formula and ... are passed on", {
  cmp <- compare_methods(c(x = 0, y = 0), ~ (x - a)^2 + 2 * (y + 1)^2,
                         methods = c("newton", "lbfgs"), a = 3)
  expect_equal(cmp$value, c(0, 0), tolerance = 1e-10)
  expect_equal(attr(cmp, "results")$newton$par, c(x = 3, y = -1), tolerance = 1e-8)
  expect_true(all(cmp$fn_evals >= 1L))
  # the table's counts are the calls each run made (counted here, per method)
  calls <- list(fn = 0L, gr = 0L)
  cf <- function(x) { calls$fn <<- calls$fn + 1L; fr(x) }
  cg <- function(x) { calls$gr <<- calls$gr + 1L; grr(x) }
  for (m in c("bfgs", "lbfgs")) {
    calls$fn <- calls$gr <- 0L
    one <- compare_methods(c(-1.2, 1), cf, cg, methods = m)
    expect_identical(c(one$fn_evals, one$gr_evals), c(calls$fn, calls$gr), info = m)
  }
  expect_lt(cmp$hess_evals[2], cmp$hess_evals[1])  # lbfgs forms no Hessian while iterating
  q <- function(x, s) sum((x - s)^2)
  cmp2 <- compare_methods(c(1, 2, 3), q, s = c(0, 1, 2), methods = "bfgs")
  expect_equal(nrow(cmp2), 1L)
  expect_equal(cmp2$value, 0, tolerance = 1e-10)
})

test_that("print and plot work and return invisibly", {
  cmp <- compare_methods(c(-1.2, 1), fr, grr, hrr, methods = c("newton", "gd"),
                         control = list(maxit = 300))
  expect_false(cmp$converged[2])  # gd is not done after 300 iterations
  expect_output(print(cmp), "newton")
  pdf(NULL)
  on.exit(dev.off())
  expect_invisible(plot(cmp))
  expect_invisible(plot(cmp, which = "value", fstar = 0, log_iter = TRUE))
  expect_error(plot(cmp, which = "nope"), "which")
  expect_error(plot(cmp, fstar = "a"), "fstar")
})

test_that("bad input errors name the argument", {
  expect_error(compare_methods(c(NA, 1), fr), "par")
  expect_error(compare_methods("a", fr), "par")
  expect_error(compare_methods(c(1, 1), 3), "fn")
  expect_error(compare_methods(c(1, 1), fr, gr = "x"), "gr")
  expect_error(compare_methods(c(1, 1), fr, hess = 1), "hess")
  expect_error(compare_methods(c(1, 1), fr, methods = c("newton", "nope")), "methods.*nope")
  expect_error(compare_methods(c(1, 1), fr, methods = character()), "methods")
  expect_error(compare_methods(c(1, 1), fr, methods = c("gd", "gd")), "methods")
  expect_error(compare_methods(c(1, 1), fr, control = 3), "control")
  expect_error(compare_methods(c(1, 1), fr, control = list(bogus = 1)), "bogus")
})

test_that("bounds are passed to every run", {
  cmp <- compare_methods(c(-1.2, 1), fr, grr, methods = c("trust", "lbfgs", "gd"),
                         lower = c(-2, -2), upper = c(0.5, 2), control = list(maxit = 5000))
  for (m in c("trust", "lbfgs", "gd")) {
    r <- attr(cmp, "results")[[m]]
    expect_equal(r$par, c(0.5, 0.25), tolerance = 1e-5, info = m)
    expect_identical(r$active, c(1L, 0L), info = m)
  }
  expect_error(compare_methods(c(1, 1), fr, lower = c(2, 2), upper = 1), "'lower' must be <= 'upper'")
})
