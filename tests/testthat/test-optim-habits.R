# Issue 15 (users' habits) for newton_optim, compare_methods and their plots:
# each test types the user's call.

rosen <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
cubic <- function(x) x^3 - 3 * x^2 - 45 * x + 40

# a plot drawn to a throwaway device; returns what the titles and axis
# labels said (recorded through title()/plot() arguments is fragile, so the
# text is captured from the recorded display list)
plot_text <- function(expr) {
  f <- tempfile(fileext = ".pdf")
  grDevices::pdf(f)
  on.exit({ grDevices::dev.off(); unlink(f) })
  grDevices::dev.control("enable")
  force(expr)
  dl <- grDevices::recordPlot()[[1L]]
  txt <- unlist(lapply(dl, function(op) Filter(is.character, op[[2L]])))
  txt
}

test_that("item 4: plot of a non-converged gd run says NOT converged and what it measures against", {
  r <- suppressWarnings(newton_optim(c(-1.2, 1), rosen, method = "gd"))
  expect_false(r$convergence == 0L)
  txt <- plot_text(plot(r))
  expect_true(any(grepl("NOT converged", txt)))
  expect_true(any(grepl("relative to the best iterate", txt)))
  ok <- newton_optim(c(-1.2, 1), rosen, method = "newton")
  expect_false(any(grepl("NOT converged", plot_text(plot(ok)))))
})

test_that("item 5: values print with 7 significant digits; FD counts say so", {
  out <- capture.output(print(newton_optim(42, function(x) 8*x^3 - 2*x^2 - 450)))
  expect_false(any(grepl("value: -450 ", out, fixed = TRUE)))
  expect_true(any(grepl("value: -450.0185", out, fixed = TRUE)))
  expect_true(any(grepl("finite differences", out)))
  exact <- capture.output(print(newton_optim(42, cubic, gr = function(x) 3 * x^2 - 6 * x - 45,
                                             hess = function(x) matrix(6 * x - 6))))
  expect_false(any(grepl("finite differences", exact)))
})

test_that("item 6: optim's tol, parscale, ndeps are caught naming newtonr's equivalent; REPORT works", {
  expect_error(newton_optim(c(-1.2, 1), rosen, tol = 1e-8), "control\\$gtol")
  # a fn that takes tol itself still gets it
  ft <- function(x, tol) sum((x - tol)^2)
  expect_equal(unname(newton_optim(c(0, 0), ft, tol = 3)$par), c(3, 3), tolerance = 1e-6)
  expect_error(newton_optim(c(-1.2, 1), rosen, control = list(parscale = c(1, 10))), "parscale")
  expect_error(newton_optim(c(-1.2, 1), rosen, control = list(ndeps = c(1e-3, 1e-3))), "ndeps.*'gr'")
  out <- capture.output(newton_optim(c(-1.2, 1), rosen, control = list(trace = TRUE, REPORT = 5)))
  it <- as.integer(sub("^iter ([0-9]+):.*", "\\1", grep("^iter ", out, value = TRUE)))
  expect_true(length(it) >= 3L)
  expect_true(all(it %% 5L == 0L))
})

test_that("item 7: trace = TRUE and integers are accepted and print one line per iteration while running", {
  out <- capture.output(r <- newton_optim(c(-1.2, 1), rosen, control = list(trace = TRUE)))
  expect_equal(length(grep("^iter ", out)), r$iterations + 1L)
  out2 <- capture.output(newton_optim(c(-1.2, 1), rosen, control = list(trace = 2L)))
  expect_equal(length(grep("^iter ", out2)), r$iterations + 1L)
  # printed while the solver runs: an error in fn after some iterations
  # leaves the lines already printed
  n <- 0
  boom <- function(x) { n <<- n + 1; if (n > 40) stop("boom"); rosen(x) }
  out3 <- capture.output(try(newton_optim(c(-1.2, 1), boom, control = list(trace = TRUE)), silent = TRUE))
  expect_true(length(grep("^iter ", out3)) >= 1L)
  expect_error(newton_optim_control(trace = NA), "control\\$trace")
})

test_that("item 8: the default method follows the auto rule, with the reason printed", {
  fn <- function(x) sum((x - 1)^2) + sum(x^4) / 100
  r <- newton_optim(rep(0, 100), fn)
  expect_identical(r$method, "lbfgs")
  expect_lt(r$counts[["function"]], 20000)
  expect_match(r$method_reason, "100 parameters > 20")
  expect_true(any(grepl("default rule", capture.output(print(r)))))
  expect_identical(newton_optim(c(-1.2, 1), rosen)$method, "newton")
  expect_null(newton_optim(c(-1.2, 1), rosen, method = "newton")$method_reason)
})

test_that("item 9: control$textbook reproduces the student's loop and its iteration count", {
  x <- 42; n <- 0; d <- Inf
  xs <- x
  while (abs(d) > 1e-4) {
    d <- 3 * x^2 - 6 * x - 45
    x <- x - d / (6 * x - 6); n <- n + 1
    xs <- c(xs, x)
  }
  r <- newton_optim(42, cubic, control = list(textbook = 1e-4))
  expect_identical(r$iterations, as.integer(n))
  expect_equal(r$trace$x1, xs, tolerance = 1e-6)
  expect_identical(newton_optim_control(textbook = 1e-4)$criterion, "previous")
  expect_false(newton_optim_control(textbook = 1e-4)$line_search)
})

test_that("item 10: settings a method ignores are named; a formula variable missing from par is named", {
  expect_warning(newton_optim(c(-1.2, 1), rosen, method = "bfgs", control = list(lr = 0.1)),
                 "ignores control\\$lr")
  expect_warning(newton_optim(c(-1.2, 1), rosen, method = "trust", control = list(line_search = FALSE)),
                 "line_search")
  expect_warning(newton_optim(c(-1.2, 1), rosen, method = "gd", control = list(shift = 1, warn = FALSE)),
                 "shift")
  expect_no_warning(newton_optim(c(-1.2, 1), rosen, method = "newton", control = list(shift = 1)))
  expect_error(newton_optim(c(x = 1, y = 2), ~ (x - 1)^2 + (y - z)^2), "'z'.*'par'")
  expect_equal(unname(newton_optim(c(x = 1, y = 2), ~ (x - 1)^2 + (y - z)^2, z = 4)$par), c(1, 4),
               tolerance = 1e-8)
  # compare_methods passes one control to all: no warning for lr given for gd
  expect_no_warning(compare_methods(c(-1.2, 1), rosen, methods = c("newton", "gd"),
                                    control = list(lr = 1e-3, maxit = 50)))
})

test_that("item 11: compare_methods plot: log axis for 100-fold runs, title, singular iteration", {
  cmp <- compare_methods(c(-1.2, 1), rosen, methods = c("newton", "bfgs", "gd"),
                         control = list(maxit = 2000))
  txt <- plot_text(plot(cmp))
  expect_true(any(grepl("log scale", txt)))
  expect_true(any(grepl("3 methods", txt)))
  q <- compare_methods(c(1, 2), function(x) sum(x^2), gr = function(x) 2 * x,
                       hess = function(x) diag(2, 2), methods = c("newton", "trust"))
  txt2 <- plot_text(plot(q))
  expect_true(any(grepl("newton (1 iteration)", txt2, fixed = TRUE)))
  expect_false(any(grepl("1 iterations", txt2, fixed = TRUE)))
  expect_equal(compare_floor(c(0, 1e-3, 1), "gradient", 0), -4)
  expect_equal(compare_floor(c(0, 1e-300), "gradient", 0), -16)
})

test_that("item 12: a one-parameter newton_optim plots the curve with its iterates", {
  r <- newton_optim(42, cubic)
  expect_false(is.null(r$fn))
  txt <- plot_text(plot(r))
  expect_true("x0" %in% txt)
  expect_true("f(x)" %in% txt)
  expect_error(plot(newton_optim(c(-1.2, 1), rosen), "curve"), "one parameter")
})

test_that("item 13: control print method, abbreviated summary, ASCII eqn forms", {
  out <- capture.output(print(newton_optim_control(maxit = 50)))
  expect_match(out[1L], "newton_optim_control")
  expect_false(any(grepl("attr", out)))
  expect_true(any(grepl("maxit +50", out)))
  fn <- function(x) sum((x - seq_along(x))^2)
  s <- capture.output(print(summary(newton_optim(rep(0, 200), fn, gr = function(x) 2 * (x - seq_along(x))))))
  expect_lt(length(s), 60L)
  expect_true(any(grepl("more parameters", s)))
  rd <- tools::Rd_db("newtonr")
  for (page in c("newton_optim.Rd", "plot.newton_comparison.Rd", "plot.newton_optim.Rd")) {
    txt <- paste(capture.output(tools::Rd2txt(rd[[page]], options = list(underline_titles = FALSE))),
                 collapse = "\n")
    expect_false(grepl("\\\\[a-zA-Z]+|_\\{|\\^\\{", txt), info = page)
  }
})

test_that("item 14: as.data.frame(), tidy() and glance() of results", {
  r <- newton_optim(c(a = -1.2, b = 1), rosen, hessian = TRUE)
  d <- as.data.frame(r)
  expect_identical(d$term, c("a", "b"))
  expect_equal(d$estimate, c(1, 1), tolerance = 1e-6)
  # std.error at the Rosenbrock minimum: H = [[802, -400], [-400, 200]]
  expect_equal(d$std.error, sqrt(diag(solve(matrix(c(802, -400, -400, 200), 2)))), tolerance = 1e-4)
  rt <- as.data.frame(newton_root(function(x) x^2 - 2, c(1, -1)))
  expect_equal(nrow(rt), 2L)
  expect_equal(sort(rt$root), c(-sqrt(2), sqrt(2)), tolerance = 1e-8)
  s <- as.data.frame(newton_solve(function(x) c(x[1]^2 - 2, x[2] - 1), c(1, 1)))
  expect_equal(s$estimate, c(sqrt(2), 1), tolerance = 1e-8)
  skip_if_not_installed("generics")
  expect_identical(generics::tidy(r), d)
  g <- generics::glance(r)
  expect_equal(nrow(g), 1L)
  expect_true(g$converged)
  expect_equal(generics::glance(newton_root(function(x) x^2 - 2, c(1, -1)))$roots, 2L)
})
