# plot methods of newton_root and newton_solve (issue 15, item 12): the
# user's calls, drawn to a null device.

test_that("plot(newton_root(~ x^2 - 4*x - 7, 5)) draws from the f kept in the result", {
  pdf(NULL)
  on.exit(dev.off())
  r <- newton_root(~ x^2 - 4*x - 7, 5)
  expect_invisible(plot(r))
  expect_equal(r$f(c(0, 1)), c(-7, -10))
  f <- function(x, a) x^2 - a
  r <- newton_root(f, 3, a = 2)
  expect_equal(r$f(2), 2)                  # ... bound
  expect_invisible(plot(r))
  expect_invisible(plot(r, function(x) x^2 - 2))
  expect_invisible(plot(newton_root(~ x^2 - 2, 3), ~ x^2 - 2))
  expect_error(plot(r, f = 3), "f")
})

test_that("bracketed runs name their bisection steps, and the plot draws them", {
  pdf(NULL)
  on.exit(dev.off())
  r <- newton_root(function(x) x^2 - 2, interval = c(0, 2))
  k <- which(r$trace$kind == "bisection")
  expect_gte(length(k), 1L)
  expect_equal(r$trace$x[k[1]], 1)          # the midpoint of [0, 2]
  expect_true(all(r$trace$kind %in% c("start", "interpolation", "derivative", "bisection", "check")))
  expect_identical(unique(newton_root(~ x^2 - 2, 3)$trace$kind), c("start", "newton"))
  expect_invisible(plot(r))
  expect_match(newtonr:::root_plot_title(r, 1), "^bracketed")
})

test_that("a diverging run says NOT converged and shows where it went", {
  pdf(NULL)
  on.exit(dev.off())
  expect_warning(r <- newton_root(atan, 1.5, maxiter = 8))
  expect_match(newtonr:::root_plot_title(r, 1), "NOT converged")
  expect_invisible(plot(r))
  expect_gt(max(abs(r$trace$x)), 1e10)      # atan from 1.5 runs away
  expect_false(grepl("NOT", newtonr:::root_plot_title(newton_root(atan, 0.5), 1)))
})

test_that("labels do not pile up near the root", {
  pdf(NULL)
  on.exit(dev.off())
  r <- newton_root(~ x^2 - 4*x - 7, 5)
  tr <- r$trace
  xlim <- c(4.9, 5.4)
  plot(r, xlim = xlim)
  idx <- newtonr:::root_plot_labels(tr, xlim, TRUE)
  expect_lt(length(idx), nrow(tr))            # iterates 2, 3, 4 sit on top of each other
  d <- abs(outer(tr$x[idx], tr$x[idx], "-"))
  expect_true(all(d[upper.tri(d)] >= 0.03 * diff(xlim)))
})

test_that("plot(newton_solve(...)) draws convergence and the path", {
  pdf(NULL)
  on.exit(dev.off())
  s <- newton_solve(function(x) c(x[1]^2 + x[2]^2 - 4, x[1] - x[2]), c(3, 0.5))
  expect_invisible(plot(s))
  expect_invisible(plot(s, "path"))
  expect_invisible(plot(s, "path", vars = c("x2", "x1")))
  expect_error(plot(s, "surface"), "which")
  expect_error(plot(s, "path", vars = c(1, 5)), "vars")
  s1 <- newton_solve(function(x) x^2 - 2, 1)
  expect_error(plot(s1, "path"), "two unknowns")
})
