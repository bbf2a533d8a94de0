# problems-bounds.R -- bound-constrained test problems (lower <= x <= upper)
# with exact gradients and Hessians, for the tests and benchmarks of box
# constraints in newton_optim (issue 16). Internal: bounds_problem_list().
#
# Two groups:
# * The Hock-Schittkowski problems whose only constraints are bounds: HS 1, 2,
#   3, 4, 5, 25, 38, 45, 110, transcribed from W. Hock and K. Schittkowski,
#   "Test Examples for Nonlinear Programming Codes", Lecture Notes in
#   Economics and Mathematical Systems 187, Springer, 1981 (objective, bounds,
#   start x0, published x* and f(x*)); the statements were checked against the
#   public transcription in JuliaSmoothOptimizers/OptimizationProblems.jl.
#   Derivatives are derived by hand here.
# * Bounded variants of Moré, Garbow & Hillstrom (1981) problems (the
#   unbounded problems of R/problems.R, whose exact derivatives are reused),
#   with bounds of our own choice that cut off the unconstrained minimiser.
#   Where x* has a closed form it is given; otherwise x* was computed here
#   (Newton on the free variables of the active face, to machine precision)
#   and cross-checked by optim(method = "L-BFGS-B") and nlminb, which reach
#   it from x0 (tests/testthat/test-problems-bounds.R checks both again).
#
# Each problem is list(name, n, fn, gr, hess, lower, upper, x0, fstar, xstar,
# source, note, local_minima). `local_minima` holds the values of f at other
# (non-global) local minima known to attract solvers from x0, else NULL.
# `x0` is the published start; it lies in the box except for
# HS 2 and HS 45 (stated in `note`): solvers should project it first.

# Assemble and sanity-check one problem (bounds recycled to length n).
bounds_problem <- function(name, fn, gr, hess, lower, upper, x0, fstar, xstar,
                           source, note = NULL, local_minima = NULL) {
  n <- length(x0)
  lower <- rep_len(as.numeric(lower), n)
  upper <- rep_len(as.numeric(upper), n)
  stopifnot(all(lower <= upper), is.null(xstar) || length(xstar) == n)
  list(name = name, n = n, fn = fn, gr = gr, hess = hess, lower = lower,
       upper = upper, x0 = x0, fstar = fstar, xstar = xstar, source = source,
       note = note, local_minima = local_minima)
}

# Rosenbrock's function and its derivatives (HS 1 and HS 2 share it).
hs_rosen_fn <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
hs_rosen_gr <- function(x) {
  c(-400 * x[1] * (x[2] - x[1]^2) - 2 * (1 - x[1]), 200 * (x[2] - x[1]^2))
}
hs_rosen_hess <- function(x) {
  matrix(c(1200 * x[1]^2 - 400 * x[2] + 2, -400 * x[1], -400 * x[1], 200), 2, 2)
}

hs_source <- function(k) {
  sprintf("Hock & Schittkowski (1981), problem %d", k)
}

bounds_hs1 <- function() {
  bounds_problem("hs1", hs_rosen_fn, hs_rosen_gr, hs_rosen_hess, lower = c(-Inf, -1.5),
                 upper = Inf, x0 = c(-2, 1), fstar = 0, xstar = c(1, 1),
                 source = hs_source(1), note = "the bound is inactive at x*")
}

# HS 2: x2 >= 1.5 is active; x1* is the largest root of 400 t^3 - 598 t - 2
# (d f / d x1 = 0 at x2 = 1.5), here by the trigonometric cubic formula. The
# smallest root, x1 = -1.2210, is a local minimum (f = 4.9412) that solvers
# reach from the projected start (-2, 1.5).
bounds_hs2 <- function() {
  p <- -598 / 400
  q <- -2 / 400
  t <- 2 * sqrt(-p / 3) * cos((acos(3 * q / (2 * p) * sqrt(-3 / p)) - 2 * pi * 0:2) / 3)
  bounds_problem("hs2", hs_rosen_fn, hs_rosen_gr, hs_rosen_hess, lower = c(-Inf, 1.5),
                 upper = Inf, x0 = c(-2, 1), fstar = 0.0504261879,
                 xstar = c(max(t), 1.5), source = hs_source(2),
                 note = "x0 is outside the box (x2 = 1 < 1.5), as published",
                 local_minima = hs_rosen_fn(c(min(t), 1.5)))
}

bounds_hs3 <- function() {
  bounds_problem(
    "hs3",
    fn = function(x) x[2] + 1e-5 * (x[2] - x[1])^2,
    gr = function(x) c(-2e-5 * (x[2] - x[1]), 1 + 2e-5 * (x[2] - x[1])),
    hess = function(x) 2e-5 * matrix(c(1, -1, -1, 1), 2, 2),
    lower = c(-Inf, 0), upper = Inf, x0 = c(10, 1), fstar = 0, xstar = c(0, 0),
    source = hs_source(3),
    note = "x1 is free with a zero gradient at x*; the Hessian is singular"
  )
}

bounds_hs4 <- function() {
  bounds_problem(
    "hs4",
    fn = function(x) (x[1] + 1)^3 / 3 + x[2],
    gr = function(x) c((x[1] + 1)^2, 1),
    hess = function(x) matrix(c(2 * (x[1] + 1), 0, 0, 0), 2, 2),
    lower = c(1, 0), upper = Inf, x0 = c(1.125, 0.125), fstar = 8 / 3,
    xstar = c(1, 0), source = hs_source(4),
    note = "both bounds active at x*; unbounded below without them"
  )
}

bounds_hs5 <- function() {
  bounds_problem(
    "hs5",
    fn = function(x) sin(x[1] + x[2]) + (x[1] - x[2])^2 - 1.5 * x[1] + 2.5 * x[2] + 1,
    gr = function(x) {
      cs <- cos(x[1] + x[2])
      c(cs + 2 * (x[1] - x[2]) - 1.5, cs - 2 * (x[1] - x[2]) + 2.5)
    },
    hess = function(x) {
      -sin(x[1] + x[2]) * matrix(1, 2, 2) + 2 * matrix(c(1, -1, -1, 1), 2, 2)
    },
    lower = c(-1.5, -3), upper = c(4, 3), x0 = c(0, 0),
    fstar = -sqrt(3) / 2 - pi / 3, xstar = c(0.5 - pi / 3, -0.5 - pi / 3),
    source = hs_source(5), note = "x* is interior"
  )
}

# HS 25: f = sum_i r_i^2, r_i = exp(s_i) - 0.01 i, s_i = -(u_i - x2)^x3 / x1,
# u_i = 25 + (-50 log(0.01 i))^(2/3), i = 1..99. With w = u_i - x2 (> 0 in
# the box: u_99 = 25.63 > 25.6), p = w^x3, L = log w:
#   grad s = (p / x1^2, x3 p / (w x1), -p L / x1),
#   J = e * grad s,  Hess r_i = e (grad s grad s' + Hess s)  (e = exp(s)).
hs25_parts <- function(x) {
  i <- 1:99
  w <- 25 + (-50 * log(0.01 * i))^(2 / 3) - x[2]
  L <- log(w)
  p <- w^x[3]
  e <- exp(-p / x[1])
  ds <- cbind(p / x[1]^2, x[3] * p / (w * x[1]), -p * L / x[1])
  list(r = e - 0.01 * i, e = e, ds = ds, w = w, L = L, p = p)
}

hs25_hess <- function(x) {
  q <- hs25_parts(x)
  J <- q$e * q$ds
  a <- q$r * q$e                      # weight of each Hess r_i / e_i
  x1 <- x[1]
  x3 <- x[3]
  pw <- q$p / q$w
  d2s <- c(s11 = sum(a * -2 * q$p / x1^3), s12 = sum(a * -x3 * pw / x1^2),
           s13 = sum(a * q$p * q$L / x1^2),
           s22 = sum(a * -x3 * (x3 - 1) * pw / (q$w * x1)),
           s23 = sum(a * pw * (1 + x3 * q$L) / x1), s33 = sum(a * -q$p * q$L^2 / x1))
  S <- matrix(d2s[c("s11", "s12", "s13", "s12", "s22", "s23", "s13", "s23", "s33")], 3, 3)
  2 * (crossprod(J) + crossprod(q$ds, a * q$ds) + S)
}

bounds_hs25 <- function() {
  bounds_problem(
    "hs25",
    fn = function(x) sum(hs25_parts(x)$r^2),
    gr = function(x) {
      q <- hs25_parts(x)
      2 * drop(crossprod(q$e * q$ds, q$r))
    },
    hess = hs25_hess, lower = c(0.1, 0, 0), upper = c(100, 25.6, 5),
    x0 = c(100, 12.5, 3), fstar = 0, xstar = c(50, 25, 1.5), source = hs_source(25),
    note = paste("x* is interior; x0 is on the upper bound of x1, where f is",
                 "nearly flat (projected gradient 2e-8, f = 32.8): a hard start")
  )
}

# HS 38: Wood's function (MGH 14) in the box [-10, 10]^4.
bounds_hs38 <- function() {
  w <- problem_wood()
  bounds_problem("hs38", w$fn, w$gr, w$hess, lower = -10, upper = 10,
                 x0 = c(-3, -1, -3, -1), fstar = 0, xstar = c(1, 1, 1, 1),
                 source = hs_source(38), note = "the bounds are inactive at x*")
}

# HS 45: f = 2 - prod(x) / 120 on 0 <= x_i <= i; grad_i = -prod_{j != i} x_j
# / 120, Hess_ij = -prod_{k != i, j} x_k / 120 (zero diagonal); products
# taken without division, so x_i = 0 is fine.
bounds_hs45 <- function() {
  hess <- function(x) {
    H <- matrix(0, 5, 5)
    for (i in 1:4) for (j in (i + 1):5) H[i, j] <- H[j, i] <- -prod(x[-c(i, j)]) / 120
    H
  }
  bounds_problem(
    "hs45",
    fn = function(x) 2 - prod(x) / 120,
    gr = function(x) -vapply(1:5, function(i) prod(x[-i]), 0) / 120,
    hess = hess, lower = 0, upper = 1:5, x0 = rep(2, 5), fstar = 1, xstar = 1:5,
    source = hs_source(45),
    note = "x0 is outside the box (x1 = 2 > 1), as published; all upper bounds active at x*"
  )
}

# HS 110: f = sum_i [log(x_i - 2)^2 + log(10 - x_i)^2] - P^0.2, P = prod(x),
# on 2.001 <= x_i <= 9.999. With g = P^0.2: d g / d x_i = 0.2 g / x_i and
# Hess g = 0.04 g (1/x)(1/x)' - diag(0.2 g / x^2). x* has equal components
# t, the root of 2 log(t - 2) / (t - 2) - 2 log(10 - t) / (10 - t) - 0.2 t
# (g = t^2 there), computed here: t = 9.350265833, f* = -45.7784697074. The
# published t = 9.35025655 is 9e-6 off (its f is 5e-9 above, f being flat).
bounds_hs110 <- function() {
  g5 <- function(x) prod(x)^0.2
  t <- stats::uniroot(function(t) 2 * log(t - 2) / (t - 2) - 2 * log(10 - t) / (10 - t) - 0.2 * t,
                      c(9, 9.9), tol = 1e-14)$root
  bounds_problem(
    "hs110",
    fn = function(x) sum(log(x - 2)^2 + log(10 - x)^2) - g5(x),
    gr = function(x) {
      2 * log(x - 2) / (x - 2) - 2 * log(10 - x) / (10 - x) - 0.2 * g5(x) / x
    },
    hess = function(x) {
      g <- g5(x)
      d <- 2 * (1 - log(x - 2)) / (x - 2)^2 + 2 * (1 - log(10 - x)) / (10 - x)^2
      diag(d + 0.2 * g / x^2, 10) - 0.04 * g * tcrossprod(1 / x)
    },
    lower = 2.001, upper = 9.999, x0 = rep(9, 10), fstar = -45.77846971,
    xstar = rep(t, 10), source = hs_source(110), note = "x* is interior"
  )
}

# ---- bounded variants of Moré, Garbow & Hillstrom (1981) problems ---------
# Bounds of our own choice, each cutting off the unconstrained minimiser.

mgh_bounded <- function(p, name, lower, upper, x0 = p$par, fstar, xstar, note,
                        local_minima = NULL) {
  src <- sprintf(paste("Mor\u00e9, Garbow & Hillstrom (1981), problem %d (%s), with",
                       "bounds chosen for newtonr"), p$mgh, p$name)
  bounds_problem(name, p$fn, p$gr, p$hess, lower, upper, x0, fstar, xstar,
                 source = src, note = note, local_minima = local_minima)
}

# The x* below without a closed form were computed by Newton's method on the
# free variables with the active bounds fixed (the face found by both optim
# L-BFGS-B and nlminb), to a step below rounding; f* = f(x*), and the
# projected gradient there is below 1e-13. Both peers reach them from x0.
sol_beale_box <- list(f = 0.523344836010493, x = c(2, 0.170087923033796))
sol_helical_box <- list(f = 2.72663534191578,
                    x = c(0.5, 0.847971862239877, 1.63571518581576))
sol_box3d_box <- list(f = 0.000451475528307029,
                  x = c(1.08139228205868, 9, 0.941135437862201))
sol_powell_singular_box <- list(f = 0.000187819630058303,
               x = c(0.1, -0.00998223415732043, 0.0430731078209048, 0.0437837415280878))
# wood_box's second local minimum, the mirror image of x* (x1 <= 0.8 active
# instead of x3): found by newton_optim's TRON from x0, confirmed by nlminb
# (rel.tol 1e-15) started there; exact projected gradient < 1e-11, Hessian
# on the free variables positive definite (eigenvalues 1073, 222, 14.9).
sol_wood_box_local <- list(f = 4.66202299021318,
                           x = c(0.8, 0.65068944817090, -1.11258445631036, 1.24839310670545))
sol_wood_box <- list(f = 4.66175546120454,
                 x = c(-1.11253658619453, 1.24723188984437, 0.8, 0.651872170734673))

bounds_mgh_problems <- function() {
  list(
    mgh_bounded(problem_rosenbrock(), "rosenbrock_box", lower = c(-2, -2),
                upper = c(0.5, 2), fstar = 0.25, xstar = c(0.5, 0.25),
                note = "x1 <= 0.5 active; x2 = x1^2 then (closed form)"),
    mgh_bounded(problem_extended_rosenbrock(10), "extended_rosenbrock_box",
                lower = -2, upper = rep(c(0.5, Inf), 5), fstar = 1.25,
                xstar = rep(c(0.5, 0.25), 5),
                note = "upper bound 0.5 on the odd x_i, all active (closed form)"),
    mgh_bounded(problem_beale(), "beale_box", lower = -4.5, upper = c(2, 4.5),
                fstar = sol_beale_box$f, xstar = sol_beale_box$x,
                note = "x1 <= 2 active; x2* is the root of d f / d x2 at x1 = 2"),
    mgh_bounded(problem_helical_valley(), "helical_valley_box", lower = -10,
                upper = c(0.5, 10, 10), fstar = sol_helical_box$f, xstar = sol_helical_box$x,
                note = "x1 <= 0.5 active"),
    mgh_bounded(problem_helical_valley(), "helical_valley_fixed",
                lower = c(-10, -10, 0.5), upper = c(10, 10, 0.5), x0 = c(-1, 0, 0.5),
                fstar = 0.25, xstar = c(cos(pi / 10), sin(pi / 10), 0.5),
                note = paste("x3 fixed at 0.5 by lower == upper (x0 has x3 = 0.5);",
                             "closed form: theta = x3 / 10 on the unit circle, f = x3^2")),
    mgh_bounded(problem_box_3d(), "box_3d_box", lower = 0, upper = c(2, 9, 20),
                x0 = c(0, 9, 20), fstar = sol_box3d_box$f, xstar = sol_box3d_box$x,
                note = "x2 <= 9 active (x* = (1, 10, 1) cut off); x0 has x2 moved from 10 to 9"),
    mgh_bounded(problem_powell_singular(), "powell_singular_box",
                lower = c(0.1, -10, -10, -10), upper = 10, fstar = sol_powell_singular_box$f,
                xstar = sol_powell_singular_box$x, note = "x1 >= 0.1 active (x* = 0 is cut off)"),
    mgh_bounded(problem_wood(), "wood_box", lower = -10, upper = c(0.8, 10, 0.8, 10),
                fstar = sol_wood_box$f, xstar = sol_wood_box$x,
                note = paste("x3 <= 0.8 active, x1 <= 0.8 not (x* = 1 is cut off);",
                             "other choices (x2, x4 <= 0.8) have local minima where",
                             "nlminb and L-BFGS-B part; a second local minimum,",
                             "x1 <= 0.8 active, f = 4.66202 (sol_wood_box_local)"),
                local_minima = sol_wood_box_local$f)
  )
}

#' Bound-constrained test problems (internal)
#'
#' The Hock-Schittkowski problems with bounds only and bounded variants of
#' Moré-Garbow-Hillstrom problems; see the header of R/problems-bounds.R.
#' @return A list of problems, each list(name, n, fn, gr, hess, lower, upper,
#'   x0, fstar, xstar, source, note).
#' @noRd
bounds_problem_list <- function() {
  hs <- list(bounds_hs1(), bounds_hs2(), bounds_hs3(), bounds_hs4(), bounds_hs5(),
             bounds_hs25(), bounds_hs38(), bounds_hs45(), bounds_hs110())
  out <- c(hs, bounds_mgh_problems())
  names(out) <- vapply(out, `[[`, "", "name")
  out
}
