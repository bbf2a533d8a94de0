# solve.R -- newton_solve(): Newton's method for systems of equations.

#' Solve a system of nonlinear equations by Newton's method
#'
#' Finds x with \eqn{F(x) = 0} for \eqn{F: R^n \to R^n}. Each iteration takes
#' the Newton step \eqn{J d = -F} (J the Jacobian, supplied or by forward
#' differences), or a Levenberg-Marquardt step \eqn{(J'J + \lambda I) d =
#' -J'F} when J is singular or ill-conditioned, and then backtracks on
#' \eqn{\|F\|^2/2} until Armijo's condition holds. Points where `fn` is not
#' finite are backed away from.
#'
#' @param fn A function of the parameter vector returning a numeric vector
#'   of the same length.
#' @param x0 Numeric starting vector.
#' @param jac Optional function returning the n x n Jacobian matrix.
#' @param ... Further arguments passed to `fn` and `jac`.
#' @param control A list: `ftol` (default 1e-10; converged when
#'   \eqn{\max_i |F_i| \le} ftol), `xtol` (default 1e-12; relative step
#'   size below which x is considered stuck), `maxit` (default 100) and
#'   `trace` (print the trace at the end).
#' @return An object of class `"newton_solve"`: `x`, `fvec` (F at x),
#'   `iter`, `converged`, `termcode` and `message`, `jac` (the Jacobian at the
#'   last iterate), `counts` (evaluations of fn and jac) and `trace`, a data
#'   frame with a row per iteration: `iter`, `fnorm` (\eqn{\max |F_i|}),
#'   `step` (line-search fraction), `lambda` (0 for a Newton step, the
#'   Levenberg-Marquardt shift otherwise) and the components of x.
#'   Termination codes: 1 converged; 2 x stopped changing although F is not
#'   small; 3 the line search could not reduce \eqn{\|F\|} (e.g. a local
#'   minimum of \eqn{\|F\|} that is not a root); 4 iteration limit reached.
#' @examples
#' # two-link arm (lengths 1 and 0.8): joint angles that reach (1.2, 0.8)
#' arm <- function(q, target) c(cos(q[1]) + 0.8 * cos(q[1] + q[2]),
#'                              sin(q[1]) + 0.8 * sin(q[1] + q[2])) - target
#' s <- newton_solve(arm, c(0.3, 0.3), target = c(1.2, 0.8))
#' s$x
#' s$trace
#' @export
newton_solve <- function(fn, x0, jac = NULL, ..., control = list()) {
  check_function(fn, "fn")
  if (!is.null(jac)) check_function(jac, "jac")
  check_numeric(x0, "x0")
  ctrl <- merge_control(control, list(ftol = 1e-10, xtol = 1e-12, maxit = 100L, trace = FALSE))
  # finite tolerances: ftol = Inf would "converge" at any x0
  check_number(ctrl$ftol, "control$ftol", lower = 0, open_lower = TRUE, upper = .Machine$double.xmax)
  check_number(ctrl$xtol, "control$xtol", lower = 0, upper = .Machine$double.xmax)
  check_number(ctrl$maxit, "control$maxit", lower = 1, upper = .Machine$integer.max - 1,
               integer = TRUE)
  check_flag(ctrl$trace, "control$trace")
  nms <- names(x0)
  x0 <- as.double(x0)
  # J, its QR and J'J are dense n x n: refuse an n that cannot be allocated
  if (length(x0) > 1000L) check_dense_size(length(x0), length(x0), "Jacobian", "x0", copies = 3)
  f1 <- if (...length()) function(x) fn(x, ...) else fn
  j1 <- if (is.null(jac)) NULL else if (...length()) function(x) jac(x, ...) else jac
  # check the shape of fn's value once, at the start, with a clear message
  v0 <- f1(stats::setNames(x0, nms))
  if (!is.numeric(v0) && !(is.logical(v0) && all(is.na(v0)))) {
    stop_arg("fn", "must return a numeric vector, not %s", describe(v0))
  }
  if (length(v0) != length(x0)) {
    stop_arg("fn", "must return a vector as long as 'x0' (%d), not of length %d", length(x0), length(v0))
  }
  if (any(!is.finite(v0))) stop_arg("fn", "returned NA, NaN or Inf at 'x0'")
  f2 <- if (is.null(nms)) f1 else function(x) f1(stats::setNames(x, nms))
  j2 <- if (is.null(j1) || is.null(nms)) j1 else function(x) j1(stats::setNames(x, nms))
  r <- newton_solve_cpp(f2, j2, x0, ctrl$ftol, ctrl$xtol, as.integer(ctrl$maxit))
  xs <- r$trace_x
  colnames(xs) <- if (is.null(nms)) paste0("x", seq_along(x0)) else nms
  tr <- new_trace(c(list(iter = r$trace_iter, fnorm = r$trace_fnorm, step = r$trace_step,
                         lambda = r$trace_lambda), as.list(as.data.frame(xs))))
  x <- r$x
  names(x) <- nms
  out <- structure(list(x = x, fvec = r$fvec, iter = r$iter, converged = r$termcode == 1L,
                        termcode = r$termcode, message = r$message, jac = r$jac,
                        counts = c(fn = r$fevals, jac = r$jevals), trace = tr),
                   class = "newton_solve")
  if (ctrl$trace) print(tr)
  if (!out$converged) warning("newton_solve did not converge: ", r$message, call. = FALSE)
  out
}

#' @export
print.newton_solve <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("Newton's method for a system of", length(x$x), "equations\n")
  cat("Solution:\n")
  print(x$x, digits = digits)
  cat(sprintf("max |F(x)| = %s after %d iterations (%d evaluations of fn)\n",
              format(max(abs(x$fvec)), digits = digits), x$iter, x$counts[["fn"]]))
  cat(sprintf("Termination code %d: %s\n", x$termcode, x$message))
  invisible(x)
}
