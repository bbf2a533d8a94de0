# problems.R -- standard unconstrained test problems (Moré, Garbow &
# Hillstrom 1981) with analytic gradients and Hessians, for tests and
# benchmarks of the minimisers.
#
# Each small problem is a sum of squares f(x) = sum_i r_i(x)^2, so it is
# given by its residuals r, their Jacobian J and the curvature term
# S(x) = sum_i r_i(x) * Hess(r_i)(x); then grad f = 2 J'r and
# Hess f = 2 (J'J + S), exactly (not the Gauss-Newton approximation).

# Build a problem from residuals, Jacobian and curvature term.
lsq_problem <- function(name, resid, jac, curv, par, minimum, argmin, note = NULL) {
  fn <- function(x) sum(resid(x)^2)
  gr <- function(x) 2 * drop(crossprod(jac(x), resid(x)))
  hess <- function(x) {
    J <- jac(x)
    2 * (crossprod(J) + curv(x, resid(x)))
  }
  hessp <- function(x, v) drop(hess(x) %*% v)
  list(name = name, fn = fn, gr = gr, hess = hess, hessp = hessp, par = par,
       minimum = minimum, argmin = argmin, n = length(par), note = note)
}

problem_rosenbrock <- function() {
  lsq_problem(
    "rosenbrock",
    resid = function(x) c(10 * (x[2] - x[1]^2), 1 - x[1]),
    jac = function(x) rbind(c(-20 * x[1], 10), c(-1, 0)),
    curv = function(x, r) matrix(c(-20 * r[1], 0, 0, 0), 2, 2),
    par = c(-1.2, 1), minimum = 0, argmin = c(1, 1)
  )
}

problem_freudenstein_roth <- function() {
  lsq_problem(
    "freudenstein_roth",
    resid = function(x) c(-13 + x[1] + ((5 - x[2]) * x[2] - 2) * x[2],
                          -29 + x[1] + ((x[2] + 1) * x[2] - 14) * x[2]),
    jac = function(x) rbind(c(1, 10 * x[2] - 3 * x[2]^2 - 2),
                            c(1, 3 * x[2]^2 + 2 * x[2] - 14)),
    curv = function(x, r) matrix(c(0, 0, 0, r[1] * (10 - 6 * x[2]) + r[2] * (6 * x[2] + 2)),
                                 2, 2),
    par = c(0.5, -2), minimum = 0, argmin = c(5, 4),
    note = paste("has a local minimum f = 48.98425 at (11.41, -0.8968),",
                 "where most methods stop from the standard start")
  )
}

problem_brown_badly_scaled <- function() {
  lsq_problem(
    "brown_badly_scaled",
    resid = function(x) c(x[1] - 1e6, x[2] - 2e-6, x[1] * x[2] - 2),
    jac = function(x) rbind(c(1, 0), c(0, 1), c(x[2], x[1])),
    curv = function(x, r) matrix(c(0, r[3], r[3], 0), 2, 2),
    par = c(1, 1), minimum = 0, argmin = c(1e6, 2e-6)
  )
}

problem_beale <- function() {
  y <- c(1.5, 2.25, 2.625)
  i <- 1:3
  lsq_problem(
    "beale",
    resid = function(x) y - x[1] * (1 - x[2]^i),
    jac = function(x) cbind(-(1 - x[2]^i), x[1] * i * x[2]^(i - 1)),
    curv = function(x, r) {
      h12 <- sum(r * i * x[2]^(i - 1))
      h22 <- sum(r * x[1] * i * (i - 1) * x[2]^pmax(i - 2, 0))
      matrix(c(0, h12, h12, h22), 2, 2)
    },
    par = c(1, 1), minimum = 0, argmin = c(3, 0.5)
  )
}

problem_helical_valley <- function() {
  # theta = atan(x2 / x1) / (2 pi), shifted by 1/2 for x1 < 0 (MGH's branch);
  # its derivatives are those of atan2(x2, x1) / (2 pi).
  theta <- function(x) {
    if (x[1] > 0) atan(x[2] / x[1]) / (2 * pi)
    else if (x[1] < 0) atan(x[2] / x[1]) / (2 * pi) + 0.5
    else 0.25 * sign(x[2])
  }
  c2 <- 1 / (2 * pi)
  lsq_problem(
    "helical_valley",
    resid = function(x) c(10 * (x[3] - 10 * theta(x)), 10 * (sqrt(x[1]^2 + x[2]^2) - 1), x[3]),
    jac = function(x) {
      s <- x[1]^2 + x[2]^2
      rho <- sqrt(s)
      rbind(c(100 * c2 * x[2] / s, -100 * c2 * x[1] / s, 10),
            c(10 * x[1] / rho, 10 * x[2] / rho, 0),
            c(0, 0, 1))
    },
    curv = function(x, r) {
      s <- x[1]^2 + x[2]^2
      rho <- sqrt(s)
      th <- c2 / s^2 * matrix(c(2 * x[1] * x[2], x[2]^2 - x[1]^2,
                                x[2]^2 - x[1]^2, -2 * x[1] * x[2]), 2, 2)
      rh <- matrix(c(x[2]^2, -x[1] * x[2], -x[1] * x[2], x[1]^2), 2, 2) / rho^3
      S <- matrix(0, 3, 3)
      S[1:2, 1:2] <- r[1] * (-100 * th) + r[2] * 10 * rh
      S
    },
    par = c(-1, 0, 0), minimum = 0, argmin = c(1, 0, 0)
  )
}

problem_powell_singular <- function() {
  v <- c(0, 1, -2, 0)
  w <- c(1, 0, 0, -1)
  lsq_problem(
    "powell_singular",
    resid = function(x) c(x[1] + 10 * x[2], sqrt(5) * (x[3] - x[4]),
                          (x[2] - 2 * x[3])^2, sqrt(10) * (x[1] - x[4])^2),
    jac = function(x) rbind(c(1, 10, 0, 0), sqrt(5) * c(0, 0, 1, -1),
                            2 * (x[2] - 2 * x[3]) * v, 2 * sqrt(10) * (x[1] - x[4]) * w),
    curv = function(x, r) r[3] * 2 * tcrossprod(v) + r[4] * 2 * sqrt(10) * tcrossprod(w),
    par = c(3, -1, 0, 1), minimum = 0, argmin = c(0, 0, 0, 0),
    note = "the Hessian is singular at the minimiser, so convergence is only linear"
  )
}

problem_wood <- function() {
  lsq_problem(
    "wood",
    resid = function(x) c(10 * (x[2] - x[1]^2), 1 - x[1], sqrt(90) * (x[4] - x[3]^2),
                          1 - x[3], sqrt(10) * (x[2] + x[4] - 2), (x[2] - x[4]) / sqrt(10)),
    jac = function(x) rbind(c(-20 * x[1], 10, 0, 0), c(-1, 0, 0, 0),
                            c(0, 0, -2 * sqrt(90) * x[3], sqrt(90)), c(0, 0, -1, 0),
                            c(0, sqrt(10), 0, sqrt(10)), c(0, 1, 0, -1) / sqrt(10)),
    curv = function(x, r) diag(c(-20 * r[1], 0, -2 * sqrt(90) * r[3], 0)),
    par = c(-3, -1, -3, -1), minimum = 0, argmin = c(1, 1, 1, 1)
  )
}

# Extended Rosenbrock (MGH problem 21): n/2 uncoupled Rosenbrock pairs.
# Everything is vectorised; the Hessian is block diagonal (2 x 2 blocks), so
# hessp() gives H v in O(n) without forming H.
problem_extended_rosenbrock <- function(n) {
  if (is.null(n)) n <- 10L
  check_number(n, "n", lower = 2, integer = TRUE)
  if (n %% 2 != 0) stop_arg("n", "must be even for 'extended_rosenbrock', not %d", n)
  n <- as.integer(n)
  o <- seq.int(1L, n, by = 2L)
  e <- o + 1L
  fn <- function(x) {
    xo <- x[o]
    sum(100 * (x[e] - xo^2)^2 + (1 - xo)^2)
  }
  gr <- function(x) {
    xo <- x[o]
    t <- x[e] - xo^2
    g <- numeric(n)
    g[o] <- -400 * xo * t - 2 * (1 - xo)
    g[e] <- 200 * t
    g
  }
  blocks <- function(x) {
    xo <- x[o]
    list(oo = 1200 * xo^2 - 400 * x[e] + 2, oe = -400 * xo)
  }
  hess <- function(x) {
    b <- blocks(x)
    H <- matrix(0, n, n)
    H[cbind(o, o)] <- b$oo
    H[cbind(o, e)] <- b$oe
    H[cbind(e, o)] <- b$oe
    H[cbind(e, e)] <- 200
    H
  }
  hessp <- function(x, v) {
    b <- blocks(x)
    out <- numeric(n)
    out[o] <- b$oo * v[o] + b$oe * v[e]
    out[e] <- b$oe * v[o] + 200 * v[e]
    out
  }
  par <- rep(c(-1.2, 1), n / 2)
  list(name = "extended_rosenbrock", fn = fn, gr = gr, hess = hess, hessp = hessp,
       par = par, minimum = 0, argmin = rep(1, n), n = n,
       note = "the dense Hessian costs n^2 memory; use hessp() for large n")
}

problem_makers <- list(
  rosenbrock = problem_rosenbrock,
  freudenstein_roth = problem_freudenstein_roth,
  powell_singular = problem_powell_singular,
  brown_badly_scaled = problem_brown_badly_scaled,
  beale = problem_beale,
  helical_valley = problem_helical_valley,
  wood = problem_wood,
  extended_rosenbrock = problem_extended_rosenbrock
)

#' Standard unconstrained test problems
#'
#' The classic minimisation test problems of Moré, Garbow and Hillstrom
#' (1981), with analytic gradient and Hessian, the standard starting point
#' and the known minimum. All are sums of squares with minimum 0:
#' `"rosenbrock"` (n = 2), `"freudenstein_roth"` (2; from the standard start
#' most methods find the local minimum 48.98425 at (11.41, -0.8968)),
#' `"powell_singular"` (4; singular Hessian at the solution),
#' `"brown_badly_scaled"` (2), `"beale"` (2), `"helical_valley"` (3),
#' `"wood"` (4) and `"extended_rosenbrock"` (any even n).
#'
#' @param name Problem name, one of `test_problems(set)`.
#' @param set Which collection: `"optim"` (minimisation, the default),
#'   `"roots"` (scalar roots on a bracket) or `"systems"` (square systems).
#' @param n Number of parameters, for `"extended_rosenbrock"` only (even,
#'   default 10); must be `NULL` or the fixed size for the others.
#' @return `test_problem()`: a list with `name`, `fn(x)`, `gr(x)`,
#'   `hess(x)` (dense matrix), `hessp(x, v)` (Hessian-vector product; O(n)
#'   for extended Rosenbrock, whose dense Hessian is only practical up to
#'   n of a few thousand), `par` (the standard start), `minimum` (the
#'   global minimum value f*), `argmin` (the minimiser), `n`, and `note`
#'   (caveats, or `NULL`). `test_problems()`: a character vector of names.
#' @references Moré, J. J., Garbow, B. S. and Hillstrom, K. E. (1981)
#'   Testing unconstrained optimization software. *ACM Transactions on
#'   Mathematical Software* 7, 17--41.
#' @examples
#' test_problems()
#' p <- test_problem("wood")
#' p$fn(p$par)
#' p$fn(p$argmin) == p$minimum
#' big <- test_problem("extended_rosenbrock", n = 1000)
#' length(big$hessp(big$par, rep(1, 1000)))
#' @export
test_problem <- function(name, n = NULL, set = c("optim", "roots", "systems")) {
  set <- match.arg(set)
  if (!is.character(name) || length(name) != 1L || is.na(name)) {
    stop_arg("name", "must be a single string, not %s", describe(name))
  }
  if (set != "optim") {
    lst <- problem_set_list(set)
    if (!name %in% names(lst)) {
      stop_arg("name", "must be one of test_problems(\"%s\"), not \"%s\"", set, name)
    }
    return(lst[[name]])
  }
  if (!name %in% names(problem_makers)) {
    stop_arg("name", "must be one of %s, not \"%s\"",
             paste0("\"", names(problem_makers), "\"", collapse = ", "), name)
  }
  if (name == "extended_rosenbrock") return(problem_extended_rosenbrock(n))
  p <- problem_makers[[name]]()
  if (!is.null(n)) {
    check_number(n, "n", integer = TRUE)
    if (n != p$n) stop_arg("n", "must be NULL or %d for \"%s\", not %s", p$n, name, format(n))
  }
  p
}

#' @rdname test_problem
#' @export
test_problems <- function(set = c("optim", "roots", "systems")) {
  set <- match.arg(set)
  if (set == "optim") names(problem_makers) else names(problem_set_list(set))
}

# The whole collection of a set as a named list of problems (internal).
problem_set_list <- function(set) {
  switch(set,
         roots = roots_problem_list(),
         systems = systems_problem_list())
}
