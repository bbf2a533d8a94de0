# helper-problems.R -- test problems shared by the optimisation tests
# (test-optim*.R, test-compare.R, test-plot.R): Rosenbrock's function
# 100 (y - x^2)^2 + (1 - x)^2, minimum 0 at (1, 1), with its exact gradient
# and Hessian, under the two names the files use.
fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
grr <- function(x) c(-400 * x[1] * (x[2] - x[1]^2) - 2 * (1 - x[1]), 200 * (x[2] - x[1]^2))
hrr <- function(x) matrix(c(1200 * x[1]^2 - 400 * x[2] + 2, -400 * x[1],
                            -400 * x[1], 200), 2, 2)
rosen <- fr
rosen_gr <- grr
rosen_hess <- hrr
