# plot methods of newton_optim (newton_root's: test-plot-root.R): draw to a null device,
# return the object invisibly, reject bad `which`.

test_that("plot.newton_optim draws convergence and contour plots", {
  r <- newton_optim(c(-1.2, 1), fr)
  g <- newton_optim(c(-1.2, 1), fr, method = "bfgs")
  pdf(NULL)
  on.exit(dev.off())
  expect_invisible(plot(r))
  expect_identical(plot(r), r)
  expect_invisible(plot(r, fstar = 0))
  expect_invisible(plot(r, "contour", fn = fr))
  expect_invisible(plot(g, "contour", fn = fr, add = TRUE, col = "blue"))
  expect_invisible(plot(r, "contour", fn = fr, xlim = c(-2, 2), ylim = c(-1, 3)))
  rf <- newton_optim(c(x = 1, y = 2), ~ (x - a)^2 + (y + 1)^2, a = 2)
  expect_invisible(plot(rf, "contour", fn = ~ (x - a)^2 + (y + 1)^2, a = 2))
  r1 <- newton_optim(3, function(x) (x - 1)^4 + x^2)
  expect_invisible(plot(r1))
})

test_that("plot.newton_optim rejects bad arguments, naming them", {
  r <- newton_optim(c(-1.2, 1), fr)
  pdf(NULL)
  on.exit(dev.off())
  expect_error(plot(r, which = "surface"), "which")
  expect_error(plot(r, which = 1), "which")
  expect_error(plot(r, "contour"), "fn")
  expect_error(plot(r, fstar = NA), "fstar")
  expect_error(plot(r, "contour", fn = 3), "fn")
  r3 <- newton_optim(c(1, 2, 3), function(x) sum(x^2))
  expect_error(plot(r3, "contour", fn = function(x) sum(x^2)), "two parameters")
})

test_that("the contour plot of a bounded run draws the box and evaluates fn only inside it", {
  lo <- c(-2, -2)
  up <- c(0.5, 2)
  outside <- 0L
  f <- function(x) {
    if (any(x < lo | x > up)) outside <<- outside + 1L
    fr(x)
  }
  b <- newton_optim(c(-1.2, 1), f, lower = lo, upper = up)
  expect_identical(outside, 0L)
  expect_identical(b$lower, lo)
  expect_identical(b$upper, up)
  rects <- 0L
  pdf(NULL)
  on.exit(dev.off())
  # the grid reaches beyond x1 = 0.5 (xlim), but fn is not called there
  trace(graphics::rect, function(...) rects <<- rects + 1L, print = FALSE)
  on.exit(untrace(graphics::rect), add = TRUE)
  expect_invisible(plot(b, "contour", fn = f, xlim = c(-1.5, 1.5), ylim = c(-0.5, 2.5)))
  expect_identical(outside, 0L)
  expect_identical(rects, 1L)
  # no box for an unbounded run
  rects <- 0L
  plot(newton_optim(c(-1.2, 1), fr), "contour", fn = fr)
  expect_identical(rects, 0L)
})
