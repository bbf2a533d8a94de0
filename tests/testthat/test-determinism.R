# test-determinism.R -- repeated calls give bit-identical results and traces
# (issue 6). Nothing in newtonr's root, solve, optim or derivative paths may
# depend on uninitialised memory, addresses, timing or thread scheduling.
# (Thread-count determinism of newton_glm_fit is tested with the GLM kernel.)

rosen <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
rosen_gr <- function(x) c(-400 * x[1] * (x[2] - x[1]^2) - 2 * (1 - x[1]), 200 * (x[2] - x[1]^2))
rosen_hess <- function(x) matrix(c(1200 * x[1]^2 - 400 * x[2] + 2, -400 * x[1], -400 * x[1], 200), 2, 2)

same_twice <- function(f) {
  a <- f()
  b <- f()
  expect_identical(a, b)
  invisible(a)
}

test_that("newton_root: identical results and traces for every method and path", {
  f <- function(x) cos(x) - x
  for (m in c("newton", "halley", "secant")) {
    same_twice(function() newton_root(f, c(0.2, 1, 3), method = m))
    same_twice(function() newton_root(~ x^3 - 2 * x - 5, 2, method = m))
  }
  same_twice(function() newton_root(f, interval = c(0, 1)))
  same_twice(function() newton_root(f, 1, fprime = function(x) -sin(x) - 1))
  r <- same_twice(function() suppressWarnings(newton_root(function(x) x^2 + 1, 1, maxiter = 20)))
  expect_false(r$converged)
})

test_that("newton_solve: identical results and traces (Newton, LM and line-search paths)", {
  arm <- function(q) c(cos(q[1]) + 0.8 * cos(q[1] + q[2]), sin(q[1]) + 0.8 * sin(q[1] + q[2])) - c(1.2, 0.8)
  same_twice(function() newton_solve(arm, c(0.3, 0.3)))
  same_twice(function() newton_solve(function(x) c(x[1]^2 + x[2]^2 - 4, x[1] - x[2]), c(1, 0),
                                     jac = function(x) matrix(c(2 * x[1], 1, 2 * x[2], -1), 2)))
  # singular Jacobian at the start: Levenberg-Marquardt steps
  same_twice(function() newton_solve(function(x) c(x[1]^2 - 1, x[2]^3 - 8), c(0, 0.5)))
  same_twice(function() suppressWarnings(newton_solve(function(x) c(x[1]^2 + 1, x[2]), c(1, 1))))
})

test_that("newton_optim: identical results and traces for every method", {
  for (m in c("newton", "trust", "newton-cg", "bfgs", "lbfgs", "gd", "auto")) {
    ctrl <- list(maxit = if (m == "gd") 200L else 100L, warn = FALSE)
    a <- same_twice(function() newton_optim(c(-1.2, 1), rosen, method = m, control = ctrl, hessian = TRUE))
    expect_gt(nrow(a$trace), 1L)
    same_twice(function() newton_optim(c(-1.2, 1), rosen, rosen_gr, method = m, control = ctrl))
    same_twice(function() newton_optim(c(-1.2, 1), rosen, rosen_gr, rosen_hess, method = m, control = ctrl))
    same_twice(function() newton_optim(c(x = -1.2, y = 1), ~ (1 - x)^2 + 100 * (y - x^2)^2,
                                       method = m, control = ctrl))
  }
  # saddle escape, documents' pure Newton, fixed-rate gd, maximisation
  same_twice(function() newton_optim(c(0.1, 0), function(x) x[1]^2 - x[2]^2 + x[2]^4, method = "newton"))
  same_twice(function() newton_optim(c(0.1, 0), function(x) x[1]^2 - x[2]^2 + x[2]^4, method = "trust"))
  same_twice(function() newton_optim(42, function(x) x^3 - 3 * x^2 - 45 * x + 40,
                                     control = list(line_search = FALSE, criterion = "previous",
                                                    gtol = 1e-4)))
  same_twice(function() newton_optim(c(0, 0), function(x) sum((x - 1:2)^2), method = "gd",
                                     control = list(lr = 0.1)))
  same_twice(function() newton_optim(c(0, 0), function(x) -sum((x - 1:2)^2), control = list(fnscale = -1)))
  # newton-cg with a Hessian-vector product
  same_twice(function() newton_optim(c(-1.2, 1), rosen, rosen_gr, method = "newton-cg",
                                     control = list(hessp = function(x, v) rosen_hess(x) %*% v)))
})

test_that("numerical derivatives are identical on repeated calls", {
  same_twice(function() num_gradient(rosen, c(-1.2, 1)))
  same_twice(function() num_hessian(rosen, c(-1.2, 1)))
  same_twice(function() num_jacobian(function(p) c(sum(p^2), prod(p)), c(1, 2, 3)))
  same_twice(function() check_derivatives(rosen, rosen_gr, rosen_hess, x = c(0.5, 0.5)))
})
