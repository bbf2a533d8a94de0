# helper-roots.R -- test problems shared by the root, system and bad-input
# tests (testthat sources helper-*.R before the test files). Roots are known
# in closed form, never computed by the code under test.

# x^2 - 2 = 0: root sqrt(2)
sq2 <- function(x) x^2 - 2
sq2_fp <- function(x) 2 * x

# circle x1^2 + x2^2 = 4 and line x1 = x2: root (sqrt 2, sqrt 2)
F2 <- function(x) c(x[1]^2 + x[2]^2 - 4, x[1] - x[2])
F2_jac <- function(x) matrix(c(2 * x[1], 1, 2 * x[2], -1), 2, 2)

# nleqslv's example dslnex: root (1, 1)
dslnex <- function(x) c(x[1]^2 + x[2]^2 - 2, exp(x[1] - 1) + x[2]^3 - 2)
dslnex_jac <- function(x) matrix(c(2 * x[1], exp(x[1] - 1), 2 * x[2], 3 * x[2]^2), 2)

# Bratu's problem, 1-D, m interior points: u'' + lambda exp(u) = 0,
# u(0) = u(1) = 0 (the discrete fold for m = 10 is at lambda = 3.4986)
bratu <- function(lambda, m = 10L) {
  force(lambda)
  h <- 1 / (m + 1)
  function(u) (c(u[-1], 0) - 2 * u + c(0, u[-m])) / h^2 + lambda * exp(u)
}
