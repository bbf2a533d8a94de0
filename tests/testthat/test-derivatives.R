# Numerical derivatives against closed forms, numDeriv, and an analytic
# backpropagation gradient (the documents' "Hessian of a small model").

rosen <- function(p) (1 - p[1])^2 + 100 * (p[2] - p[1]^2)^2
rosen_gr <- function(p) c(-2 * (1 - p[1]) - 400 * p[1] * (p[2] - p[1]^2),
                          200 * (p[2] - p[1]^2))
rosen_hess <- function(p) matrix(c(2 - 400 * p[2] + 1200 * p[1]^2, -400 * p[1],
                                   -400 * p[1], 200), 2, 2)

test_that("num_gradient matches closed forms", {
  # cubic polynomial: Richardson with r = 4 is exact up to rounding
  f <- function(x) x[1]^3 - 2 * x[1] * x[2]^2 + 5 * x[2] - 7
  g <- function(x) c(3 * x[1]^2 - 2 * x[2]^2, -4 * x[1] * x[2] + 5)
  for (x in list(c(1, 2), c(-0.3, 0.7), c(0, 0), c(3, -0.5))) {
    expect_equal(num_gradient(f, x), g(x), tolerance = 1e-10)
  }
  h <- function(x) exp(x[1]) * sin(x[2]) + x[3]^2 * cos(x[1])
  hg <- function(x) c(exp(x[1]) * sin(x[2]) - x[3]^2 * sin(x[1]),
                      exp(x[1]) * cos(x[2]), 2 * x[3] * cos(x[1]))
  x <- c(0.4, -1.3, 2.2)
  expect_equal(num_gradient(h, x), hg(x), tolerance = 1e-10)
  expect_equal(num_gradient(rosen, c(-1.2, 1)), rosen_gr(c(-1.2, 1)), tolerance = 1e-10)
})

test_that("num_hessian matches closed forms and is symmetric", {
  for (x in list(c(-1.2, 1), c(1, 1), c(0.3, -2))) {
    H <- num_hessian(rosen, x)
    expect_equal(H, rosen_hess(x), tolerance = 1e-8)
    expect_identical(H, t(H))
  }
  h <- function(x) exp(x[1]) * sin(x[2]) + x[3]^2 * cos(x[1])
  hh <- function(x) {
    matrix(c(exp(x[1]) * sin(x[2]) - x[3]^2 * cos(x[1]), exp(x[1]) * cos(x[2]),
             -2 * x[3] * sin(x[1]),
             exp(x[1]) * cos(x[2]), -exp(x[1]) * sin(x[2]), 0,
             -2 * x[3] * sin(x[1]), 0, 2 * cos(x[1])), 3, 3)
  }
  x <- c(0.4, -1.3, 2.2)
  expect_equal(num_hessian(h, x), hh(x), tolerance = 1e-8)
  # a quadratic: the second differences are exact up to rounding
  A <- matrix(c(4, 1, 1, 3), 2)
  q <- function(x) 0.5 * sum(x * (A %*% x)) - sum(c(-1, 2) * x)
  expect_equal(num_hessian(q, c(0.2, 5)), A, tolerance = 1e-9)
})

test_that("num_jacobian matches closed form and num_gradient", {
  f <- function(p) c(sum(p^2), prod(p), sin(p[1]) * p[3])
  x <- c(a = 1, b = 2, c = 3)
  J <- rbind(2 * x, c(6, 3, 2), c(cos(1) * 3, 0, sin(1)))
  expect_equal(unname(num_jacobian(f, x)), unname(J), tolerance = 1e-10)
  expect_identical(colnames(num_jacobian(f, x)), c("a", "b", "c"))
  expect_equal(num_jacobian(rosen, c(-1.2, 1))[1, ], num_gradient(rosen, c(-1.2, 1)))
})

test_that("names and ... are passed through", {
  f <- function(p, a) a * (p[["x"]]^2 + 3 * p[["y"]])
  g <- num_gradient(f, c(x = 2, y = 1), a = 2)
  expect_equal(g, c(x = 8, y = 6), tolerance = 1e-10)
  H <- num_hessian(f, c(x = 2, y = 1), a = 2)
  expect_identical(dimnames(H), list(c("x", "y"), c("x", "y")))
  expect_equal(unname(H), matrix(c(4, 0, 0, 0), 2), tolerance = 1e-8)
})

test_that("accuracy is at least numDeriv's", {
  skip_if_not_installed("numDeriv")
  fns <- list(
    list(f = rosen, g = rosen_gr, h = rosen_hess, x = c(-1.2, 1)),
    list(f = function(x) sum(exp(x) * sin(2 * x)),
         g = function(x) exp(x) * (sin(2 * x) + 2 * cos(2 * x)),
         h = function(x) diag(exp(x) * (-3 * sin(2 * x) + 4 * cos(2 * x)), length(x)),
         x = c(0.1, -0.7, 1.9))
  )
  for (p in fns) {
    e_ours <- max(abs(num_gradient(p$f, p$x) - p$g(p$x)))
    e_nd <- max(abs(numDeriv::grad(p$f, p$x) - p$g(p$x)))
    expect_lte(e_ours, e_nd * (1 + 1e-6) + 1e-14)
    eh_ours <- max(abs(num_hessian(p$f, p$x) - p$h(p$x)))
    eh_nd <- max(abs(numDeriv::hessian(p$f, p$x) - p$h(p$x)))
    expect_lte(eh_ours, eh_nd * (1 + 1e-6) + 1e-12)
    expect_equal(num_hessian(p$f, p$x), numDeriv::hessian(p$f, p$x), tolerance = 1e-9)
  }
})

test_that("Hessian of a small model: 2-3-1 tanh network", {
  # 2 inputs, 3 tanh hidden units, 1 linear output: 3*2 + 3 + 3 + 1 = 13 params
  set.seed(42)
  X <- matrix(rnorm(20 * 2), 20, 2)
  y <- sin(X[, 1]) + 0.5 * X[, 2]^2
  unpack <- function(th) list(W1 = matrix(th[1:6], 3, 2), b1 = th[7:9],
                              w2 = th[10:12], b2 = th[13])
  loss <- function(th) {
    p <- unpack(th)
    H <- tanh(sweep(X %*% t(p$W1), 2, p$b1, "+"))
    r <- drop(H %*% p$w2 + p$b2) - y
    0.5 * sum(r^2)
  }
  backprop <- function(th) {
    p <- unpack(th)
    H <- tanh(sweep(X %*% t(p$W1), 2, p$b1, "+"))
    r <- drop(H %*% p$w2 + p$b2) - y
    dH <- outer(r, p$w2) * (1 - H^2)       # d loss / d pre-activation
    c(as.vector(t(dH) %*% X), colSums(dH), drop(crossprod(H, r)), sum(r))
  }
  th <- rnorm(13, sd = 0.5)
  expect_equal(num_gradient(loss, th), backprop(th), tolerance = 1e-9)
  H <- num_hessian(loss, th)
  expect_identical(H, t(H))
  expect_equal(H, num_jacobian(backprop, th), tolerance = 1e-7)
  chk <- check_derivatives(loss, backprop, x = th)
  expect_true(chk$ok)
})

test_that("check_derivatives reports the worst mismatch and where", {
  chk <- check_derivatives(rosen, rosen_gr, rosen_hess, x = c(-1.2, 1))
  expect_s3_class(chk, "newtonr_derivcheck")
  expect_true(chk$ok)
  expect_lt(chk$worst, 1e-7)
  bad_gr <- function(p) rosen_gr(p) + c(0, 1e-3 * 88)
  bad_h <- function(p) { h <- rosen_hess(p); h[1, 2] <- h[2, 1] <- 0; h }
  chk <- check_derivatives(rosen, bad_gr, bad_h, x = c(-1.2, 1))
  expect_false(chk$ok)
  expect_equal(chk$where$gradient, 2L)
  expect_equal(chk$gradient_error, 1e-3, tolerance = 1e-6)
  expect_equal(chk$hessian_error, 1, tolerance = 1e-6)   # |0 - 480| / 480
  expect_equal(chk$worst, chk$hessian_error)
  expect_true(all(chk$where$hessian %in% 1:2) && chk$where$hessian[1] != chk$where$hessian[2])
  expect_output(print(chk), "MISMATCH")
  expect_true(is.na(check_derivatives(rosen, rosen_gr, x = c(1, 2))$hessian_error))
})
