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

