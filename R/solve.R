# solve.R -- newton_solve(): Newton's method for systems of equations.

#' Settings for newton_solve()
#'
#' Names follow [nleqslv::nleqslv()]'s control list where they mean the
#' same.
#'
#' @param ftol Converged when \eqn{\max_i |F_i(x)| \le}{max_i |F_i(x)| <=} `ftol` (default
#'   1e-10). This is the only way `newton_solve()` reports convergence.
#' @param xtol Stagnation: the run stops, unconverged, when no step that
#'   changes some \eqn{x_i}{x_i} by more than `xtol` relative to \eqn{|x_i|}{|x_i|}
#'   reduces \eqn{\|F\|}{||F||} (default 1e-12).
#' @param gtol A stagnation at a point where \eqn{\|J'F\| \le}{||J'F|| <=} `gtol`
#'   \eqn{\|J\| \|F\|}{||J|| ||F||} is reported as a stationary point (typically a local
#'   minimum) of \eqn{\|F\|}{||F||} that is not a root (termination code 3;
#'   default 1e-6); measured with the variables rescaled to unit columns of
#'   J, so that a variable of size 1e6 does not pass for a stationary one.
#' @param cndtol A Levenberg-Marquardt step replaces the Newton step when the
#'   estimated reciprocal condition number of the scaled Jacobian is below
#'   `cndtol` (default 1e-12, as nleqslv) and, with the variables rescaled
#'   to unit columns of the Jacobian, below `sqrt(cndtol)`: a Jacobian
#'   singular only through the scales of the variables (1e-6 beside 1e6)
#'   takes the Newton step.
#' @param delta Initial trust radius (in the scaled variables): `"newton"`
#'   (default; or -2, as nleqslv) the length of the first Newton step,
#'   `"cauchy"` (or -1) that of the Cauchy step, or a positive number.
#' @param maxit Largest number of iterations, i.e. of Jacobian evaluations
#'   (default 200).
#' @param stall No progress: the run stops, unconverged, when
#'   \eqn{\|F\|^2}{||F||^2} fell by less than 10 percent over the last `stall` iterations
#'   (default 20; 0 never stops for this). Measured on MINPACK's schedule
#'   (bench/solve.R), 20 loses no solved case, solves Watson n = 9 from 10x
#'   its start with differences where 10 did not (and Bratu's problem from
#'   random starts, bench/solve-unseen.R), and keeps the calls of `fn` spent
#'   on the failures to 1553 (with differences), against 5451 without the
#'   test.
#' @param scaling Scale the variables by the largest column norms of the
#'   Jacobian seen so far, as MINPACK's hybrj. Default `FALSE` (unscaled,
#'   as nleqslv by default): on MINPACK's test schedule the scaling solves
#'   45 of 58 cases against 51 without (it loses Chebyquad from far
#'   starts), though it needs fewer evaluations on badly scaled problems.
#' @param jacobian Return the Jacobian at the final `x` (one more Jacobian
#'   evaluation unless it is at hand). Default `FALSE`.
#' @param trace `TRUE` (or a positive whole number, as optim's `trace`)
#'   prints one line per iteration while the run goes on: the iteration,
#'   max |F_i|, the step relative to the Newton step, the
#'   Levenberg-Marquardt shift mu and the trust radius. The same columns
#'   are in the result's `trace`.
#' @param warn Warn when the run does not converge (default `TRUE`).
#' @return A list of class `"newton_solve_control"` with every setting;
#'   `delta` is `NULL` unless a positive radius was given, and `delta_start`
#'   (`"newton"` or `"cauchy"`) says where the first radius comes from then.
#' @examples
#' newton_solve_control(ftol = 1e-12, maxit = 50)
#' @export
newton_solve_control <- function(ftol = 1e-10, xtol = 1e-12, gtol = 1e-6, cndtol = 1e-12,
                                 delta = "newton", maxit = 200L, stall = 20L, scaling = FALSE,
                                 jacobian = FALSE, trace = FALSE, warn = TRUE) {
  big <- .Machine$double.xmax
  # finite tolerances: ftol = Inf would "converge" at any x0
  check_number(ftol, "control$ftol", lower = 0, open_lower = TRUE, upper = big)
  check_number(xtol, "control$xtol", lower = 0, upper = big)
  check_number(gtol, "control$gtol", lower = 0, upper = big)
  check_number(cndtol, "control$cndtol", lower = 0, upper = 1)
  start <- solve_delta_start(delta)
  if (!is.null(start)) delta <- NULL
  check_number(maxit, "control$maxit", lower = 1, upper = .Machine$integer.max - 1, integer = TRUE)
  check_number(stall, "control$stall", lower = 0, upper = .Machine$integer.max - 1, integer = TRUE)
  check_flag(scaling, "control$scaling")
  check_flag(jacobian, "control$jacobian")
  trace <- root_trace_level(trace, "control$trace")
  check_flag(warn, "control$warn")
  structure(list(ftol = ftol, xtol = xtol, gtol = gtol, cndtol = cndtol,
                 delta = if (is.null(delta)) NULL else as.double(delta),
                 delta_start = if (is.null(start)) "newton" else start,
                 maxit = as.integer(maxit), stall = as.integer(stall), scaling = scaling,
                 jacobian = jacobian, trace = trace, warn = warn),
            class = "newton_solve_control")
}

# control$delta: "newton" or -2, "cauchy" or -1 (nleqslv's spellings) give
# where the first radius comes from; NULL for a positive radius (checked).
solve_delta_start <- function(delta) {
  if (is.null(delta)) return("newton")
  if (identical(delta, "newton") || identical(delta, "cauchy")) return(delta)
  if (is.numeric(delta) && length(delta) == 1L && delta %in% c(-1, -2)) {
    return(if (delta == -2) "newton" else "cauchy")
  }
  if (is.character(delta)) {
    stop_arg("control$delta", "must be \"newton\", \"cauchy\" or a positive number, not %s", describe(delta))
  }
  check_number(delta, "control$delta", upper = .Machine$double.xmax)
  if (delta <= 0) stop_arg("control$delta", "must be -1, -2 or a positive number, not %s", format(delta))
  NULL
}

#' Solve a system of nonlinear equations by Newton's method
#'
#' Finds x with \eqn{F(x) = 0}{F(x) = 0} for \eqn{F: R^n \to R^n}{F: R^n -> R^n}, by Newton's method
#' globalised with a trust region, as MINPACK's hybrj and nleqslv do. Each
#' iteration forms the Jacobian J (supplied, or by forward differences,
#' which cost n calls of `fn`; a column where `fn` does not change in any
#' digit is retried once with a 1e4 times longer step) and takes a double-dogleg step (Dennis &
#' Schnabel 1983) between the steepest-descent (Cauchy) step and the Newton
#' step \eqn{J d = -F}{J d = -F} (optionally in variables scaled by the column norms
#' of J, as hybrj: `control$scaling`). Near a regular root the Newton step lies inside the trust region
#' and is taken in full, so convergence is quadratic. Only when J is
#' numerically singular (reciprocal condition number below `cndtol`, also
#' after rescaling the variables to unit columns of J) is the
#' Newton step replaced by a Levenberg-Marquardt step
#' \eqn{(J'J + \mu D^2) d = -J'F}{(J'J + mu D^2) d = -J'F}. A rejected step shrinks the trust region
#' and costs one call of `fn`, not a new Jacobian. Points where `fn` is not
#' finite are backed away from.
#'
#' Convergence means \eqn{\max_i |F_i(x)| \le}{max_i |F_i(x)| <=} `ftol`, and nothing else.
#' Every other outcome is a failure, with a message saying why.
#'
#' @param fn A function of the parameter vector returning a numeric vector
#'   of the same length.
#' @param x0 Numeric starting vector.
#' @param jac Optional function returning the n x n Jacobian matrix. When the
#'   run fails, `jac` is compared with finite differences at the last point,
#'   and the message says if they disagree.
#' @param ... Further arguments passed to `fn` and `jac`.
#' @param control A list of settings or a [newton_solve_control()] object:
#'   `ftol`, `xtol`, `gtol`, `cndtol`, `delta`, `maxit`, `stall`,
#'   `scaling`, `jacobian`, `trace`, `warn`.
#' @return An object of class `"newton_solve"`: `x`, `fvec` (F at x),
#'   `iter` (accepted steps), `converged`, `termcode` and `message`, `jac`
#'   (the Jacobian at `x` when `control$jacobian = TRUE`, else `NULL`),
#'   `counts` (calls of `fn`, including those of finite differences, and
#'   Jacobian evaluations) and `trace`, a data frame with a row per
#'   iteration: `iter`, `fnorm` (\eqn{\max |F_i|}{max |F_i|}), `step` (length of the
#'   step taken relative to the Newton step: 1 is a full Newton step),
#'   `mu` (the Levenberg-Marquardt shift \eqn{\mu}{mu}: 0 for a Newton
#'   direction; called `lambda` in newtonr 0.1.0, renamed because `lambda` is the
#'   ridge penalty in [newton_glm()]), `delta` (the trust radius after the
#'   step) and the components of x.
#'
#'   Termination codes (`termcode`; 5 is not returned: `fn` not finite at
#'   `x0` is an error):
#'   \Sexpr[results=rd,stage=build]{newtonr:::status_rd("solve")}
#' @references Dennis, J. E. and Schnabel, R. B. (1983) *Numerical Methods
#'   for Unconstrained Optimization and Nonlinear Equations*, sections 6.4
#'   and 6.5. Moré, J. J., Garbow, B. S. and Hillstrom, K. E. (1980) *User
#'   Guide for MINPACK-1*, ANL-80-74.
#' @examples
#' # two-link arm (lengths 1 and 0.8): joint angles that reach (1.2, 0.8)
#' arm <- function(q, target) c(cos(q[1]) + 0.8 * cos(q[1] + q[2]),
#'                              sin(q[1]) + 0.8 * sin(q[1] + q[2])) - target
#' s <- newton_solve(arm, c(0.3, 0.3), target = c(1.2, 0.8))
#' s$x
#' s$trace
#' # MINPACK's test schedule ships with the package
#' p <- test_problem("powell_badly_scaled_x1", set = "systems")
#' newton_solve(p$fn, p$x0, p$jac)
#' @section Vignette:
#' `vignette("roots", package = "newtonr")` (systems of equations).
#' @export
newton_solve <- function(fn, x0, jac = NULL, ..., control = list()) {
  check_function(fn, "fn")
  if (!is.null(jac)) check_function(jac, "jac")
  check_numeric(x0, "x0")
  ctrl <- solve_settings(control)
  nms <- names(x0)
  x0 <- as.double(x0)
  # J, its QR and J'J are dense n x n: refuse an n that cannot be allocated
  if (length(x0) > 1000L) check_dense_size(length(x0), length(x0), "Jacobian", "x0", copies = 5)
  f1 <- solve_named_errors(if (...length()) function(x) fn(x, ...) else fn, "fn")
  j1 <- if (is.null(jac)) NULL else solve_named_errors(if (...length()) function(x) jac(x, ...) else jac, "jac")
  v0 <- solve_f0(f1, stats::setNames(x0, nms))
  f2 <- if (is.null(nms)) f1 else function(x) f1(stats::setNames(x, nms))
  j2 <- if (is.null(j1) || is.null(nms)) j1 else function(x) j1(stats::setNames(x, nms))
  r <- newton_solve_cpp(f2, j2, x0, as.double(v0), ctrl)
  out <- solve_result(r, nms)
  if (!out$converged && !is.null(j2)) {
    chk <- solve_check_jac(f2, j2, r$x, r$fvec)
    out$counts[["fn"]] <- out$counts[["fn"]] + chk$fevals
    if (!is.null(chk$message)) out$message <- paste0(out$message, "; ", chk$message)
  }
  if (!out$converged && ctrl$warn) warning("newton_solve did not converge: ", out$message, call. = FALSE)
  out
}

# The settings: a list merged into newton_solve_control()'s defaults, or a
# "newton_solve_control" object (a hand-made one is checked too).
solve_settings <- function(control) {
  if (inherits(control, "newton_solve_control")) {
    control <- unclass(control)
    if (is.null(control$delta)) control$delta <- control$delta_start
    control$delta_start <- NULL
    return(do.call(newton_solve_control, control))
  }
  if (is.null(control)) control <- list()
  merge_control(control, as.list(formals(newton_solve_control)))
  do.call(newton_solve_control, control)
}

# fn's value at x0, its shape checked once, with a clear message; this is
# F(x0) for the C++ loop (F(x0) is evaluated once).
solve_f0 <- function(f, x0) {
  v0 <- f(x0)
  if (!is.numeric(v0) && !(is.logical(v0) && all(is.na(v0)))) {
    stop_arg("fn", "must return a numeric vector, not %s", describe(v0))
  }
  if (length(v0) != length(x0)) {
    stop_arg("fn", "must return a vector as long as 'x0' (%d), not of length %d", length(x0), length(v0))
  }
  if (any(!is.finite(v0))) stop_arg("fn", "returned NA, NaN or Inf at 'x0'")
  v0
}

# The "newton_solve" object from the glue's list; the trace with one
# column per meaning and one per component of x.
solve_result <- function(r, nms) {
  xs <- r$trace$x
  colnames(xs) <- if (is.null(nms)) paste0("x", seq_len(ncol(xs))) else nms
  tr <- new_trace(c(r$trace[c("iter", "fnorm", "step", "mu", "delta")], as.list(as.data.frame(xs))))
  x <- r$x
  names(x) <- nms
  structure(list(x = x, fvec = r$fvec, iter = r$iter, converged = r$termcode == 1L,
                 termcode = r$termcode, message = r$message, jac = r$jac,
                 counts = c(fn = r$fevals, jac = r$jevals), trace = tr),
            class = "newton_solve")
}

# An error inside the user's fn (or jac) is re-signalled naming the argument
# and the point: "'fn' failed at x = (2, 3): boom".
solve_named_errors <- function(g, arg) {
  force(g)
  function(x) {
    withCallingHandlers(g(x), error = function(e) {
      xs <- paste(format(utils::head(unname(x), 5), digits = 6), collapse = ", ")
      if (length(x) > 5) xs <- paste0(xs, ", ...")
      stop_arg(arg, "failed at x = (%s): %s", xs, conditionMessage(e))
    })
  }
}

# After a failed run with a supplied jac: compare it with central
# differences of fn at the last point (newtonr::check_jacobian in
# solve.hpp: up to three step sizes, 'jac' blamed only where two successive
# differences agree with each other and not with it). An error in fn or jac
# here only skips the check. Returns the number of calls of fn and the
# message (NULL when no blame).
solve_check_jac <- function(f, j, x, fx) {
  n <- length(x)
  Ja <- tryCatch(j(x), error = function(e) NULL)
  if (is.null(Ja) || !is.numeric(Ja) || length(Ja) != n * n || any(!is.finite(Ja))) {
    return(list(fevals = 0L, message = NULL))
  }
  safe <- function(z) {
    v <- tryCatch(f(z), error = function(e) NULL)
    if (is.numeric(v) && length(v) == n) as.double(v) else rep(NA_real_, n)
  }
  chk <- solve_check_jac_cpp(safe, matrix(as.double(Ja), n, n), x, fx)
  list(fevals = chk$fevals,
       message = if (chk$blame) sprintf(paste("'jac' disagrees with finite differences (max relative",
                                              "error %.2g): compare it with num_jacobian()"), chk$error))
}

#' @export
print.newton_solve <- function(x, digits = max(7L, getOption("digits")), ...) {
  cat("Newton's method for a system of", length(x$x), "equations\n")
  cat("Solution:\n")
  print(x$x, digits = digits)
  cat(sprintf("max |F(x)| = %s after %d iterations (%d evaluations of fn)\n",
              format(max(abs(x$fvec)), digits = digits), x$iter, x$counts[["fn"]]))
  cat(sprintf("Termination code %d: %s\n", x$termcode, x$message))
  invisible(x)
}
