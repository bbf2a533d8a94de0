# Issue 15 (users' habits), roots and systems: each test types the user's
# exact call (uniroot's and optim's habits, trace, printing, the student's
# loop). Expected values come from base R (uniroot, a hand-written loop) or
# from the mathematics, never from newton_root itself.

test_that("newton_root(atan, c(-5, 5)) is uniroot's bracket, with a message", {
  expect_message(r <- newton_root(atan, c(-5, 5)), "taken as the bracket")
  expect_length(r$root, 1L)
  expect_true(r$converged)
  expect_lte(abs(r$root), 1e-8)                      # atan's only root is 0
  expect_equal(r$interval, c(-5, 5))
  expect_true(all(r$trace$x >= -5 & r$trace$x <= 5))  # never left the bracket
})

test_that("newton_root(function(x) x^3 - x, c(-0.4, 2)) says it solves two problems", {
  expect_message(r <- newton_root(function(x) x^3 - x, c(-0.4, 2)), "two problems")
  expect_length(r$root, 2L)
  expect_null(r$interval)
  # interval = NULL written out: two starting values, no message
  expect_silent(r2 <- newton_root(function(x) x^3 - x, c(-0.4, 2), interval = NULL))
  expect_length(r2$root, 2L)
  # and two starts with a sign change, on request
  expect_silent(r3 <- newton_root(atan, c(-0.5, 0.5), interval = NULL))
  expect_length(r3$root, 2L)
})

test_that("uniroot's lower, upper, extendInt, f.lower, f.upper and check.conv are understood", {
  f <- function(x) x^2 - 2
  r <- newton_root(f, lower = 0, upper = 2)
  expect_equal(r$root, sqrt(2), tolerance = 1e-8)
  expect_equal(newton_root(f, interval = c(0, 5), upper = 2)$interval, c(0, 2))
  u <- uniroot(f, lower = 0, upper = 1, extendInt = "yes")
  expect_warning(r <- newton_root(f, lower = 0, upper = 1, extendInt = "yes"), NA)
  expect_equal(r$root, sqrt(2), tolerance = 1e-8)
  expect_identical(r$init.it, u$init.it)
  expect_gt(r$interval[2], sqrt(2))
  r <- newton_root(f, lower = 0, upper = 1, extendInt = "upX")
  expect_equal(r$root, sqrt(2), tolerance = 1e-8)
  expect_equal(r$interval[1], 0)                      # upX widens only the side that needs it
  r <- newton_root(f, lower = 0, upper = 2, f.lower = -2, f.upper = 2)
  expect_equal(r$root, sqrt(2), tolerance = 1e-8)
  expect_error(newton_root(f, 1, extendInt = "yes"), "extendInt")
  expect_error(newton_root(f, lower = 0, upper = 1, extendInt = "sideways"), "extendInt")
  expect_error(newton_root(f, lower = 2, upper = 0), "lower")
  expect_error(newton_root(f, lower = 0), "upper")
  expect_error(newton_root(f, lower = 0, upper = 2, f.lower = "a"), "f.lower")
  expect_error(newton_root(f, 1, f.upper = 3), "f.upper")
  expect_error(newton_root(atan, 1.5, maxiter = 5, check.conv = TRUE), "did not converge")
  expect_error(newton_root(f, 1, check.conv = NA), "check.conv")
})

test_that("trace = TRUE and trace = 1 print one line per point while the run goes on", {
  out <- capture.output(r <- newton_root(~ x^2 - 4*x - 7, 5, trace = TRUE))
  expect_length(out, nrow(r$trace))
  expect_match(out[1], "^iter +0 +x = 5 ")
  expect_match(out[2], "^iter +1 +x = 5.333333333 ")   # 5 - (-2)/6
  out <- capture.output(r <- newton_root(function(x) x^2 - 2, 1, trace = 1))
  expect_length(out, nrow(r$trace))
  out <- capture.output(newton_root(function(x) x^2 - 2, interval = c(0, 2), trace = 2L))
  expect_match(out[3], "x = 1 .*bisection")           # the midpoint of [0, 2]
  expect_silent(newton_root(function(x) x^2 - 2, 1, trace = 0))
  expect_error(newton_root(function(x) x^2 - 2, 1, trace = -1), "trace")
  expect_error(newton_root(function(x) x^2 - 2, 1, trace = "yes"), "trace")
  fn <- function(x) c(x[1]^2 - 2, x[2] - 1)
  out <- capture.output(s <- newton_solve(fn, c(1, 1), control = list(trace = TRUE)))
  expect_length(out, nrow(s$trace))
  expect_match(out[2], "^iter +1 +max\\|F\\| = 0.25 ")   # x1 = 1.5: 1.5^2 - 2
  expect_length(capture.output(s <- newton_solve(fn, c(1, 1), control = list(trace = 2))), nrow(s$trace))
  expect_error(newton_solve(fn, c(1, 1), control = list(trace = 0.5)), "control\\$trace")
})

test_that("a printed root shows at least 7 significant digits", {
  out <- capture.output(print(newton_root(~ x^2 - 4*x - 7, 5)))
  expect_true(any(grepl("5.316625", out, fixed = TRUE)))   # 2 + sqrt(11) = 5.31662479
  out <- capture.output(print(newton_solve(function(x) c(x[1]^2 - 2, x[2] - 1), c(1, 1))))
  expect_true(any(grepl("1.414214", out, fixed = TRUE)))   # sqrt(2)
})

test_that("the student's loop while (abs(f(x)) > tol) is criterion = \"f\"", {
  f <- function(x) x^3 - 2*x - 5
  fp <- function(x) 3*x^2 - 2
  for (tol in c(1e-3, 1e-6, 1e-10)) {
    x <- 2
    n <- 0
    while (abs(f(x)) > tol) {
      x <- x - f(x) / fp(x)
      n <- n + 1
    }
    r <- newton_root(f, 2, fprime = fp, tol = tol, criterion = "f")
    expect_identical(r$iter, as.integer(n))
    expect_identical(r$root, x)
  }
  # the variant that tests |f| before the update: criterion = "previous"
  x <- 2
  n <- 0
  repeat {
    fx <- f(x)
    x <- x - fx / fp(x)
    n <- n + 1
    if (abs(fx) <= 1e-6) break
  }
  r <- newton_root(f, 2, fprime = fp, tol = 1e-6, criterion = "previous")
  expect_identical(r$iter, as.integer(n))
  expect_identical(r$root, x)
})

test_that("the help of roots, systems and derivatives renders no raw LaTeX", {
  db <- tools::Rd_db("newtonr")
  pages <- c("newton_root.Rd", "newton_solve.Rd", "newton_solve_control.Rd", "num_gradient.Rd",
             "check_derivatives.Rd", "plot.newton_root.Rd", "plot.newton_solve.Rd")
  for (p in intersect(pages, names(db))) {
    txt <- paste(capture.output(tools::Rd2txt(db[[p]], options = list(underline_titles = FALSE))),
                 collapse = "\n")
    expect_false(grepl("\\\\[a-zA-Z|,]", txt), info = p)
  }
  # the status tables render (a '%' in a status message once cut them off)
  txt <- capture.output(tools::Rd2txt(db[["newton_solve.Rd"]]))
  expect_true(any(grepl("no_progress", txt)))
  txt <- capture.output(tools::Rd2txt(db[["newton_root.Rd"]]))
  expect_true(any(grepl("no_sign_change", txt)))
})
