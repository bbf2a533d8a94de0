# root.R -- newton_root(): scalar roots by Newton's method and relatives,
# shaped like stats::uniroot().

#' Find a root of a function of one variable by Newton's method
#'
#' Solves \eqn{f(x) = 0} by Newton's method (\eqn{x \leftarrow x - f/f'}),
#' Halley's method or the secant method, or, with `interval`, by a
#' bracketing method that never loses the root.
#'
#' **With `interval`** the method is Brent's (the algorithm of
#' [stats::uniroot()]) with Newton's (Halley's) step where an exact
#' derivative is given: the best point and a point where f has the other
#' sign always enclose a root; an inverse quadratic (or secant) step is
#' tried first, Newton's step where that is refused (and f is not locally
#' constant), bisection last. A step is accepted only if it stays inside
#' the bracket and is less than half the last step (the rule of uniroot's
#' zeroin); a bracket that has not halved in 4 steps is bisected. On a
#' bracket wider than \eqn{2^{52}} `tol` spanning more than 3 orders of
#' magnitude, bisection is in the exponent (0 if the bracket contains it,
#' else the geometric mean of the ends), so that even `c(-1e308, 1e308)`
#' takes a few steps, not over 1000. `x0`, if given, is evaluated first and
#' shrinks the bracket. The run converges only when f changes sign over a
#' bracket of width at most `2 * tol` (plus rounding, \eqn{4 \epsilon |x|})
#' or f is exactly 0 (with `criterion = "f"`, also when \eqn{|f| \le}
#' `tol`); a sign change where \eqn{|f|} exceeds its values at both ends
#' of `interval` is reported as a pole or jump, not a root. Why Newton is
#' not tried first: an interpolation step costs one
#' call of f and converges with order 1.84, a Newton step two calls (f and
#' f') for order 2; on the Alefeld-Potra-Shi collection Newton-first costs
#' 9% more calls (see `vignette("roots")`). After one refused Newton step a
#' run stops computing f'. Where the best point lies on a flat part of f
#' (the same value at two points), Newton's step is taken once from the
#' other end of the bracket. Without `fprime` no
#' finite differences are spent: divided differences of the points already
#' evaluated take the derivative's place.
#'
#' **Poles, jumps and flat zeros.** A sign change is a root of a continuous
#' f only if \eqn{|f|} grows away from it. Where the points already
#' evaluated do not show this (the slope across the final bracket, or
#' across the last two iterates, is more than 10 times the slopes out to
#' the nearest points beyond), f is evaluated 64 bracket widths beyond
#' each side; unless \eqn{|f|} there exceeds twice the smaller \eqn{|f|}
#' at the sign change on every side, the run does not converge and the
#' message names a jump or pole (sign(), floor(), a branch switch,
#' 1/x, tan; or noise larger than f's change over that distance). This
#' costs 2 calls of f only where the screen fails (never on the
#' Alefeld-Potra-Shi collection). Where f is exactly 0, the run converges
#' (a root of f as computed), but if f is also exactly 0 at
#' \eqn{2\,}`tol` from the returned point (one more call at most), the
#' message adds that f is zero to rounding over a region wider than
#' \eqn{2\,}`tol` (a root of high multiplicity, or underflow, as
#' \eqn{x e^{-1/x^2}} near 0): the root is then located only to within
#' that region.
#'
#' **Without `interval`** (criterion `"step"`) an update of at most `tol`
#' ends the run only when f changes sign between the two iterates, or f is
#' exactly 0, or the update rounds to x itself and f changes sign a few
#' units in the last place away: a converged root is certified to lie
#' within `tol` (absolute) of the returned one. Where the returned root is
#' tiny (its size below that distance), up to 3 regula falsi steps inside
#' the certified interval refine it. Runs that do not converge say why:
#' a zero derivative, non-finite values, |f| growing for 20 updates, or
#' updates below `tol` with no sign change (a root of even multiplicity
#' cannot be certified this way; give an `interval` around it or use
#' `criterion = "f"`).
#'
#' When `fprime` is given and the run fails, `fprime` is compared with a finite difference
#' at the last point and the start, and the message says so if they
#' disagree.
#'
#' @param f The function: an R function whose first argument is `x`, or a
#'   one-sided formula such as `~ x^2 - a`. For a formula, \eqn{f'} and
#'   \eqn{f''} are exact, from [stats::deriv()], and values given in `...`
#'   are constants of the formula (other names are looked up in the
#'   formula's environment). The variable solved for is `x` if the formula
#'   uses it and `...` does not give it, else the formula's only variable
#'   not given in `...`, else the only one that is not a number in the
#'   formula's environment; anything else is an error.
#' @param x0 Starting value(s). A vector of length k solves k independent
#'   problems in one call. May be omitted when `interval` is given (the
#'   bracketed method then starts from the end points).
#' @param fprime,fprime2 Optional first and second derivatives of `f` (R
#'   functions). Without them (and for a function `f`), central differences
#'   are used without `interval` (2 more calls of f per iterate), and the
#'   result says `derivative = "numerical"`.
#' @param ... Further arguments passed to `f`, `fprime` and `fprime2`, or
#'   constants of a formula `f`.
#' @param interval Optional bracket `c(lower, upper)` over which `f` changes
#'   sign; selects the bracketing method.
#' @param method `"newton"` (default), `"halley"` (uses \eqn{f''}) or
#'   `"secant"` (uses no derivative).
#' @param tol Convergence tolerance on x, absolute (default
#'   `sqrt(.Machine$double.eps)`); with `criterion = "f"` or `"previous"`,
#'   on \eqn{|f|}.
#' @param maxiter Maximum number of iterations (new points), 1000 by
#'   default as in [stats::uniroot()].
#' @param trace Logical; if `TRUE`, print the iterates as they are found.
#' @param criterion When to stop. `"step"` (default): see Details.
#'   `"f"`: when \eqn{|f(x_k)| \le} `tol`. `"previous"`: when \eqn{|f|}
#'   at the iterate *before* the last update is \eqn{\le} `tol`, i.e. the
#'   loop `while |f(x)| > tol: x <- x - f/f'` run to its end; it makes one
#'   update more than `"f"`, which is how textbook loops of that form count
#'   their iterates. `"documents"`, the former name of `"previous"`, still
#'   works for this release, with a deprecation warning.
#'
#' @return An object of class `"newton_root"`, a list with uniroot's fields
#'   `root`, `f.root`, `iter` (number of updates, or of new points in a
#'   bracket), `init.it` (always `NA`: the interval is never extended) and
#'   `estim.prec` (the width of the final bracket, or of the interval
#'   certified to hold a root; `NA` when not converged), plus `converged`,
#'   `status` (a code, below), `message` (the status with the particulars), `method`, `criterion`, `derivative` (`"analytic"`,
#'   `"symbolic"`, `"numerical"` or `"none"`), `evals` (calls of f,
#'   including those spent on finite differences), `evals_fprime` and
#'   `evals_fprime2` (calls of `fprime` and `fprime2`; a formula computes
#'   f' (and, for Halley, f'') at every call, so each call counts once in
#'   `evals` and once in `evals_fprime`) and `trace`, a data frame with one
#'   row per evaluated point (`problem`, `iter`, `x`, `f`, `fprime`,
#'   `step`; rows with `iter` 0 are the start, or the end points and `x0`
#'   of a bracket). For k starting values, the fields are vectors of length
#'   k. A run that does not converge is flagged in `converged`, `status`
#'   and `message`, with a warning.
#'
#'   Status codes (`status`):
#'   \Sexpr[results=rd,stage=render]{newtonr:::status_rd("root")}
#' @seealso [stats::uniroot()], [newton_solve()] for systems.
#' @examples
#' newton_root(~ x^2 - 4*x - 7, x0 = 5)$root          # 2 + sqrt(11)
#' # the loop `while |f(x)| > tol: x <- x - f/f'`, iterate by iterate
#' r <- newton_root(function(x) 6*x^5 - 5*x^4 - 4*x^3 + 3*x^2, x0 = 0.7,
#'                  fprime = function(x) 30*x^4 - 20*x^3 - 12*x^2 + 6*x,
#'                  tol = 1e-6, criterion = "previous")
#' shortest_decimal(r$trace$x[-1])
#' newton_root(function(x) cos(x) - x, interval = c(0, 1))
#' newton_root(~ x^2 - a, 1, a = 2)$root             # sqrt(2)
#' # the Alefeld-Potra-Shi collection: problems with published roots
#' p <- test_problem("aps.12.03", set = "roots")
#' newton_root(p$fn, fprime = p$fprime, interval = p$interval, tol = 1e-12)$root
#' newton_root(~ x^3 - 2, x0 = 1, method = "halley")
#' @export
newton_root <- function(f, x0, fprime = NULL, ..., interval = NULL,
                        method = c("newton", "halley", "secant"), fprime2 = NULL,
                        tol = .Machine$double.eps^0.5, maxiter = 1000, trace = FALSE,
                        criterion = c("step", "f", "previous")) {
  ctrl <- root_control(method, criterion, tol, maxiter, interval)
  if (!isTRUE(trace) && !isFALSE(trace)) check_flag(trace, "trace")
  x0 <- if (missing(x0)) root_x0(, ctrl) else root_x0(x0, ctrl)
  cb <- root_callbacks(f, fprime, fprime2, ctrl$method, ...)
  ctrl$bracket_derivative <- cb$joint || !is.null(cb$fp)
  r <- newton_root_cpp(cb$f, cb$fp, cb$fpp, cb$joint, x0, ctrl)
  out <- root_result(r, ctrl, cb$derivative)
  if (cb$derivative == "analytic") out <- root_check_fprime(out, cb$f, cb$fp)
  if (trace) print(out$trace)
  if (!all(out$converged)) {
    bad <- which(!out$converged)
    warning(sprintf("newton_root did not converge%s: %s",
                    if (length(x0) > 1L) sprintf(" for problem(s) %s", paste(bad, collapse = ", ")) else "",
                    out$message[bad[1L]]), call. = FALSE)
  }
  out
}

# The settings of newton_root(), built in this one place: every field of
# the core's RootOptions (NULL: unset), checked and worded here (the core's
# validate() only guards C++ callers). `criterion = "documents"` is the
# deprecated spelling of "previous".
root_control <- function(method = "newton", criterion = "step", tol = .Machine$double.eps^0.5,
                         maxiter = 1000, interval = NULL) {
  method <- match_arg1(method, c("newton", "halley", "secant"), "method")
  if (identical(criterion, c("step", "f", "previous"))) criterion <- "step"  # newton_root's default
  criterion <- match_arg1(criterion, c("step", "f", "previous", "documents"), "criterion")
  criterion <- deprecated_value(criterion, "documents", "previous", "criterion")
  # fast paths first: the full checks (with their messages) only on failure
  if (!(is.numeric(tol) && length(tol) == 1L && !is.na(tol) && tol > 0 && tol < Inf)) {
    check_number(tol, "tol", lower = 0, open_lower = TRUE, upper = .Machine$double.xmax)
  }
  if (!(is.numeric(maxiter) && length(maxiter) == 1L && !is.na(maxiter) && maxiter >= 1 &&
        maxiter == round(maxiter) && maxiter < .Machine$integer.max)) {
    # the C++ loop counts in int: at most .Machine$integer.max - 1 iterations
    check_number(maxiter, "maxiter", lower = 1, upper = .Machine$integer.max - 1, integer = TRUE)
  }
  lower <- upper <- NULL
  if (!is.null(interval)) {
    check_numeric(interval, "interval", len = 2L)
    lower <- as.double(interval[1L])
    upper <- as.double(interval[2L])
    if (lower >= upper) stop_arg("interval", "must satisfy lower < upper, not c(%s, %s)",
                                 format(lower), format(upper))
  }
  structure(list(method = method, criterion = criterion, tol = as.double(tol),
                 maxiter = as.integer(maxiter), lower = lower, upper = upper,
                 bracket_derivative = TRUE, halving_patience = 4L, newton_first = FALSE,
                 derivative_patience = 1L),
            class = "newton_root_control")
}

# The starting values: x0 (finite; inside the bracket when there is one),
# or NA (none) when only an interval is given.
root_x0 <- function(x0, ctrl) {
  if (missing(x0)) {
    if (is.null(ctrl$lower)) stop_arg("x0", "is missing; give a starting value or an 'interval'")
    return(NA_real_)  # the bracketed method starts from the end points
  }
  if (!(is.double(x0) && length(x0) >= 1L && all(is.finite(x0)))) {
    check_numeric(x0, "x0")
    x0 <- as.double(x0)
  }
  if (!is.null(ctrl$lower) && any(x0 < ctrl$lower | x0 > ctrl$upper)) {
    stop_arg("x0", "must lie inside 'interval'")
  }
  x0
}

# The callbacks for the glue: f (for a formula, returning c(f, f', f'') in
# one call: joint), fp and fpp (NULL: none), and the kind of derivative.
root_callbacks <- function(f, fprime, fprime2, method, ...) {
  if (inherits(f, "formula")) {
    dots <- list(...)
    var <- root_formula_variable(f, dots)
    raw <- formula_derivatives(f, vars = var, arg = "f", hessian = method == "halley",
                               constants = dots)$raw
    fcall <- function(x) {
      v <- raw(x)
      c(v, attr(v, "gradient"), attr(v, "hessian"))
    }
    return(list(f = fcall, fp = NULL, fpp = NULL, joint = TRUE, derivative = "symbolic"))
  }
  if (!is.function(f)) check_function(f, "f")
  if (!is.null(fprime) && !is.function(fprime)) check_function(fprime, "fprime")
  if (!is.null(fprime2) && !is.function(fprime2)) check_function(fprime2, "fprime2")
  fp <- fprime
  fpp <- fprime2
  if (...length()) {
    fcall <- function(x) f(x, ...)
    if (!is.null(fprime)) fp <- function(x) fprime(x, ...)
    if (!is.null(fprime2)) fpp <- function(x) fprime2(x, ...)
  } else {
    fcall <- f
  }
  if (method == "secant") return(list(f = fcall, fp = NULL, fpp = NULL, joint = FALSE, derivative = "none"))
  list(f = fcall, fp = fp, fpp = fpp, joint = FALSE,
       derivative = if (is.null(fprime)) "numerical" else "analytic")
}

# The "newton_root" object from the glue's columns: uniroot's fields first,
# then newtonr's; the trace as a data frame.
root_result <- function(r, ctrl, derivative) {
  k <- length(r$root)
  structure(list(root = r$root, f.root = r$f.root, iter = r$iter, init.it = rep(NA_integer_, k),
                 estim.prec = r$estim.prec, converged = r$converged, status = r$status,
                 message = r$message, method = ctrl$method, criterion = ctrl$criterion,
                 derivative = derivative, evals = r$evals, evals_fprime = r$evals_fprime,
                 evals_fprime2 = r$evals_fprime2, trace = new_trace(r$trace)),
            class = "newton_root")
}

#' @export
print.newton_root <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(sprintf("Root finding by %s's method (%s derivative)\n",
              c(newton = "Newton", halley = "Halley", secant = "the secant")[[x$method]],
              x$derivative))
  tab <- data.frame(root = x$root, f.root = x$f.root, iter = x$iter,
                    estim.prec = x$estim.prec, converged = x$converged)
  print(tab, digits = digits, row.names = length(x$root) > 1L)
  msgs <- unique(x$message)
  cat(paste0("Message: ", msgs, collapse = "\n"), "\n", sep = "")
  invisible(x)
}

# The variable a formula is solved for: `x` if the formula uses it (and it
# is not given in ...), else its single free variable not given in ...,
# else the single one that is not a number in the formula's environment.
root_formula_variable <- function(f, dots) {
  if (!inherits(f, "formula") || length(f) != 2L) {
    stop_arg("f", "must be a function or a one-sided formula such as ~ x^2 - 2")
  }
  free <- setdiff(all.vars(f[[2L]]), names(dots))
  env <- environment(f)
  if (is.null(env)) env <- globalenv()
  undefined <- free[!vapply(free, exists, NA, envir = env, mode = "numeric")]
  var <- if ("x" %in% free) "x" else if (length(free) == 1L) free else
    if (length(undefined) == 1L) undefined else NA_character_
  if (is.na(var) || length(setdiff(undefined, var))) {
    stop_arg("f", paste("must be a formula in exactly one variable (x, or the one variable",
                        "not given in ...); found %s"),
             if (length(free)) paste(free, collapse = ", ") else "none")
  }
  var
}

# When a run with a user's fprime fails, compare fprime with a finite
# difference at the last point and the start, and say so in the message.
root_check_fprime <- function(out, fcall, fp) {
  k <- length(out$root)
  for (i in seq_len(k)) {
    if (out$converged[i]) next
    tr <- out$trace[out$trace$problem == i, , drop = FALSE]
    pts <- unique(c(out$root[i], tr$x[1L]))
    err <- max(vapply(pts[is.finite(pts)], function(x) tryCatch({
      u <- fp(x)
      n <- num_gradient(fcall, x)
      if (is.numeric(u) && length(u) == 1L && is.finite(n)) worst_mismatch(u, n)$error else NA_real_
    }, error = function(e) NA_real_), 0), -Inf, na.rm = TRUE)
    if (is.finite(err) && err > 1e-3) {
      out$message[i] <- sprintf(paste0("%s; 'fprime' disagrees with finite differences (max ",
                                       "relative error %.2g): check it with check_derivatives()"),
                                out$message[i], err)
    }
  }
  out
}
