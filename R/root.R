# root.R -- newton_root(): scalar roots by Newton's method and relatives,
# shaped like stats::uniroot().

#' Find a root of a function of one variable by Newton's method
#'
#' Solves \eqn{f(x) = 0}{f(x) = 0} by Newton's method (\eqn{x \leftarrow x - f/f'}{x <- x - f/f'}),
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
#' bracket wider than \eqn{2^{52}}{2^52} `tol` spanning more than 3 orders of
#' magnitude, bisection is in the exponent (0 if the bracket contains it,
#' else the geometric mean of the ends), so that even `c(-1e308, 1e308)`
#' takes a few steps, not over 1000. `x0`, if given, is evaluated first and
#' shrinks the bracket. The run converges only when f changes sign over a
#' bracket of width at most `2 * tol` (plus rounding, \eqn{4 \epsilon |x|}{4 eps |x|})
#' or f is exactly 0 (with `criterion = "f"`, also when \eqn{|f| \le}{|f| <=}
#' `tol`); a sign change where \eqn{|f|}{|f|} exceeds its values at both ends
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
#' f only if \eqn{|f|}{|f|} grows away from it. Where the points already
#' evaluated do not show this (the slope across the final bracket, or
#' across the last two iterates, is more than 10 times the slopes out to
#' the nearest points beyond), f is evaluated 64 bracket widths beyond
#' each side; unless \eqn{|f|}{|f|} there exceeds twice the smaller \eqn{|f|}{|f|}
#' at the sign change on every side, the run does not converge and the
#' message names a jump or pole (sign(), floor(), a branch switch,
#' 1/x, tan; or noise larger than f's change over that distance). This
#' costs 2 calls of f only where the screen fails (never on the
#' Alefeld-Potra-Shi collection). Where f is exactly 0, the run converges
#' (a root of f as computed), but if f is also exactly 0 at
#' \eqn{2\,}{2*}`tol` from the returned point (one more call at most), the
#' message adds that f is zero to rounding over a region wider than
#' \eqn{2\,}{2*}`tol` (a root of high multiplicity, or underflow, as
#' \eqn{x e^{-1/x^2}}{x exp(-1/x^2)} near 0): the root is then located only to within
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
#'   one-sided formula such as `~ x^2 - a`. For a formula, \eqn{f'}{f'} and
#'   \eqn{f''}{f''} are exact, from [stats::deriv()], and values given in `...`
#'   are constants of the formula (other names are looked up in the
#'   formula's environment). The variable solved for is `x` if the formula
#'   uses it and `...` does not give it, else the formula's only variable
#'   not given in `...`, else the only one that is not a number in the
#'   formula's environment; anything else is an error.
#' @param x0 Starting value(s). A vector of length k solves k independent
#'   problems in one call. May be omitted when `interval` is given (the
#'   bracketed method then starts from the end points). **Two values
#'   without `interval`** (`newton_root(f, c(a, b))`, as one types
#'   `uniroot(f, c(a, b))`): where f changes sign between them they are
#'   taken as the bracket `interval = c(a, b)`, with a message (uniroot's
#'   meaning, and one root, certified); where it does not, they stay two
#'   starting values (two problems), with a message saying so. Writing
#'   `interval = NULL` explicitly means "two starting values" and silences
#'   both.
#' @param fprime,fprime2 Optional first and second derivatives of `f` (R
#'   functions). Without them (and for a function `f`), central differences
#'   are used without `interval` (2 more calls of f per iterate), and the
#'   result says `derivative = "numerical"`.
#' @param ... Further arguments passed to `f`, `fprime` and `fprime2`, or
#'   constants of a formula `f`.
#' @param interval Optional bracket `c(lower, upper)` over which `f` changes
#'   sign; selects the bracketing method.
#' @param lower,upper The bracket's ends, as in [stats::uniroot()]: an
#'   alternative to `interval` (either may replace one end of `interval`).
#' @param f.lower,f.upper f at `lower` and `upper` when known, as in
#'   uniroot: they spare the calls of `extendInt`'s first sign test (the
#'   bracketed run itself evaluates f at the ends again).
#' @param extendInt As in uniroot: `"no"` (default) requires a sign change
#'   over the interval; `"yes"` widens it on both sides (steps of 1% of
#'   the end's size, doubling) until f changes sign; `"upX"` (`"downX"`)
#'   says f increases (decreases) through its root, and widens only on the
#'   side that needs it. The number of widenings is returned in `init.it`.
#' @param check.conv As in uniroot: `TRUE` makes non-convergence an error
#'   instead of a warning.
#' @param method `"newton"` (default), `"halley"` (uses \eqn{f''}{f''}) or
#'   `"secant"` (uses no derivative).
#' @param tol Convergence tolerance on x, absolute (default
#'   `sqrt(.Machine$double.eps)`); with `criterion = "f"` or `"previous"`,
#'   on \eqn{|f|}{|f|}.
#' @param maxiter Maximum number of iterations (new points), 1000 by
#'   default as in [stats::uniroot()].
#' @param trace `TRUE` (or a positive whole number, as optim's and
#'   uniroot's `trace`) prints one line per evaluated point while the run
#'   goes on: the iteration, x, f(x), f'(x) when computed, and what made
#'   the point (`start`, the method's update, `interpolation`,
#'   `derivative`, `bisection`, or `check` for the jump/pole check). The
#'   same rows are in the result's `trace`.
#' @param criterion When to stop. `"step"` (default): see Details.
#'   `"f"`: when \eqn{|f(x_k)| \le}{|f(x_k)| <=} `tol`. `"previous"`: when \eqn{|f|}{|f|}
#'   at the iterate *before* the last update is \eqn{\le}{<=} `tol`, i.e. the
#'   loop `while |f(x)| > tol: x <- x - f/f'` run to its end; it makes one
#'   update more than `"f"`, which is how textbook loops of that form count
#'   their iterates. `"documents"`, the former name of `"previous"`, still
#'   works for this release, with a deprecation warning. See "Reproducing a
#'   hand-written loop".
#'
#' @section Reproducing a hand-written loop:
#' The loop taught first,
#' \preformatted{while (abs(f(x)) > tol) x <- x - f(x) / fp(x)}
#' is `criterion = "f"`: it stops at the first iterate with
#' \eqn{|f(x_k)| \le}{|f(x_k)| <=} `tol`, after the same updates, with the
#' same iterates and the same `iter` (a run stops earlier only where the
#' loop would fail: f' = 0, f not finite, |f| growing for 20 updates). The
#' variant that tests f at the point *before* the update,
#' \preformatted{repeat { fx <- f(x); x <- x - fx / fp(x); if (abs(fx) <= tol) break }}
#' is `criterion = "previous"` (one update more). Both stop on |f|, which
#' says nothing about how far x is from the root; the default `"step"`
#' certifies that distance.
#'
#' @return An object of class `"newton_root"`, a list with uniroot's fields
#'   `root`, `f.root`, `iter` (number of updates, or of new points in a
#'   bracket), `init.it` and
#'   `estim.prec` (the width of the final bracket, or of the interval
#'   certified to hold a root; `NA` when not converged), plus `converged`,
#'   `status` (a code, below), `message` (the status with the particulars), `method`, `criterion`, `derivative` (`"analytic"`,
#'   `"symbolic"`, `"numerical"` or `"none"`), `evals` (calls of f,
#'   including those spent on finite differences), `evals_fprime` and
#'   `evals_fprime2` (calls of `fprime` and `fprime2`; a formula computes
#'   f' (and, for Halley, f'') at every call, so each call counts once in
#'   `evals` and once in `evals_fprime`) and `trace`, a data frame with one
#'   row per evaluated point (`problem`, `iter`, `x`, `f`, `fprime`,
#'   `step`, `kind`: what made the point, as printed by `trace`; rows with
#'   `iter` 0 are the start, or the end points and `x0` of a bracket),
#'   `interval` (the bracket used, after `extendInt`; `NULL` without one)
#'   and `f` (the function solved, of x alone, for `plot()`). `init.it` is
#'   the number of widenings by `extendInt` (`NA`: none). For k starting
#'   values, the fields are vectors of length k. A run that does not converge is flagged in `converged`, `status`
#'   and `message`, with a warning.
#'
#'   Status codes (`status`):
#'   \Sexpr[results=rd,stage=build]{newtonr:::status_rd("root")}
#' @seealso [stats::uniroot()], [newton_solve()] for systems.
#' @examples
#' newton_root(~ x^2 - 4*x - 7, x0 = 5)$root          # 2 + sqrt(11)
#' plot(newton_root(~ x^2 - 4*x - 7, 5))
#' # uniroot's habits: an interval as x0 (a bracket where f changes sign)
#' newton_root(atan, c(-5, 5))
#' newton_root(function(x) x^2 - 2, lower = 0, upper = 1, extendInt = "yes")$root
#' # a student's loop, and the option that reproduces it
#' f <- function(x) x^3 - 2*x - 5
#' fp <- function(x) 3*x^2 - 2
#' x <- 2; n <- 0
#' while (abs(f(x)) > 1e-10) { x <- x - f(x) / fp(x); n <- n + 1 }
#' c(x = x, iterations = n)
#' newton_root(f, 2, fprime = fp, tol = 1e-10, criterion = "f")[c("root", "iter")]
#' # the documents' variant, testing |f| before the update
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
#' @section Vignette:
#' `vignette("roots", package = "newtonr")`: the documents' examples, bracketing,
#' Halley and secant, systems.
#' @export
newton_root <- function(f, x0, fprime = NULL, ..., interval = NULL,
                        method = c("newton", "halley", "secant"), fprime2 = NULL,
                        tol = .Machine$double.eps^0.5, maxiter = 1000, trace = FALSE,
                        criterion = c("step", "f", "previous"), lower = NULL, upper = NULL,
                        f.lower = NULL, f.upper = NULL, extendInt = c("no", "yes", "downX", "upX"),
                        check.conv = FALSE) {
  pair_habit <- missing(interval) && is.null(lower) && is.null(upper)
  root_check_dots(f, ...)
  # newton_root(f, c(a, b), extendInt = / f.lower = / f.upper =): settings
  # that only apply to a bracket say that the pair is uniroot's interval
  bracket_only <- !missing(extendInt) || !is.null(f.lower) || !is.null(f.upper)
  if (pair_habit && bracket_only && !missing(x0) && is.numeric(x0) && length(x0) == 2L) {
    interval <- x0
    pair_habit <- FALSE
    x0 <- NULL
  }
  interval <- root_interval(interval, lower, upper)
  ctrl <- root_control(method, criterion, tol, maxiter, interval)
  trace <- root_trace_level(trace)
  check_flag(check.conv, "check.conv")
  cb <- root_callbacks(f, fprime, fprime2, ctrl$method, ...)
  if (missing(x0)) x0 <- NULL
  if (is.null(x0) && is.null(ctrl$lower)) stop_arg("x0", "is missing; give a starting value or an 'interval'")
  if (!is.null(x0) && pair_habit) {
    ctrl <- root_pair_as_bracket(x0, ctrl, cb$f)  # newton_root(f, c(a, b)): the uniroot habit
    if (!is.null(ctrl$lower)) x0 <- NA_real_
  }
  ext <- root_extend(ctrl, cb$f, extendInt, f.lower, f.upper)
  ctrl <- ext$ctrl
  x0 <- if (is.null(x0)) NA_real_ else root_x0(x0, ctrl)
  ctrl$bracket_derivative <- cb$joint || !is.null(cb$fp)
  r <- newton_root_cpp(cb$f, cb$fp, cb$fpp, cb$joint, x0, ctrl, trace > 0)
  out <- root_result(r, ctrl, cb$derivative, ext$init.it, root_plot_fun(cb$f))
  out$evals[1L] <- out$evals[1L] + ext$evals + if (is.null(attr(ctrl, "pair_evals"))) 0L else 2L
  if (cb$derivative == "analytic") out <- root_check_fprime(out, cb$f, cb$fp)
  if (!all(out$converged)) {
    bad <- which(!out$converged)
    msg <- sprintf("newton_root did not converge%s: %s",
                   if (length(x0) > 1L) sprintf(" for problem(s) %s", paste(bad, collapse = ", ")) else "",
                   out$message[bad[1L]])
    if (check.conv) stop(msg, call. = FALSE) else warning(msg, call. = FALSE)
  }
  out
}

# Settings typed where newton_root has none (uniroot's and optim's habits:
# maxit =, control =) would reach f through `...` and fail there as "unused
# argument": name the setting newton_root has instead.
root_check_dots <- function(f, ...) {
  if (!is.function(f)) return(invisible(TRUE))
  takes <- names(formals(f))
  if ("..." %in% takes) return(invisible(TRUE))
  hints <- c(maxit = "the iteration limit of newton_root is 'maxiter'",
             control = "newton_root takes its settings as arguments (tol, maxiter, trace, criterion)",
             gtol = "the tolerance of newton_root is 'tol'", ftol = "the tolerance of newton_root is 'tol'",
             eps = "the tolerance of newton_root is 'tol'")
  for (nm in setdiff(intersect(...names(), names(hints)), takes)) {
    stop_arg(nm, "is not an argument of newton_root (nor of 'f'): %s", hints[[nm]])
  }
  invisible(TRUE)
}

# interval, or uniroot's lower = / upper = (either may complete the other
# from interval, as in uniroot(f, interval, lower = min(interval), ...)).
root_interval <- function(interval, lower, upper) {
  if (is.null(lower) && is.null(upper)) return(interval)
  if (!is.null(interval)) check_numeric(interval, "interval", len = 2L)
  if (is.null(lower)) lower <- if (is.null(interval)) stop_arg("lower", "is missing: give both 'lower' and 'upper' (or 'interval')") else min(interval)
  if (is.null(upper)) upper <- if (is.null(interval)) stop_arg("upper", "is missing: give both 'lower' and 'upper' (or 'interval')") else max(interval)
  check_number(lower, "lower", upper = .Machine$double.xmax)
  check_number(upper, "upper", lower = -.Machine$double.xmax)
  if (!(lower < upper)) stop_arg("lower", "must be below 'upper', not %s >= %s", format(lower), format(upper))
  c(lower, upper)
}

# trace: FALSE/TRUE or a non-negative whole number (optim's habit); any
# level above 0 prints one line per evaluated point while the run goes on.
root_trace_level <- function(trace, arg = "trace") {
  if (is.logical(trace) && length(trace) == 1L && !is.na(trace)) return(as.integer(trace))
  if (!(is.numeric(trace) && length(trace) == 1L && !is.na(trace) && trace >= 0 && trace == round(trace))) {
    stop_arg(arg, "must be TRUE, FALSE or a non-negative whole number, not %s", describe(trace))
  }
  as.integer(min(trace, 1e6))
}

# newton_root(f, c(a, b)) as a uniroot user types it: where f changes sign
# between the two values they are the bracket (with a message); where it
# does not, they stay two starting values, with a message saying so (an
# explicit `interval = NULL` silences both: two starting values).
root_pair_as_bracket <- function(x0, ctrl, fcall) {
  if (!(is.numeric(x0) && length(x0) == 2L && all(is.finite(x0)) && x0[1L] != x0[2L])) return(ctrl)
  fv <- vapply(x0, function(x) tryCatch(as.double(fcall(x)[1L]), error = function(e) NA_real_), 0)
  shown <- paste(signif(x0, 7), collapse = ", ")
  attr(ctrl, "pair_evals") <- 2L  # the two calls of f spent here
  if (all(is.finite(fv)) && prod(sign(fv)) < 0) {
    message(sprintf(paste0("newton_root(f, c(%s)): f changes sign between the two values, so they are ",
                           "taken as the bracket 'interval' = c(%s), as in uniroot(); for two separate ",
                           "starting values write interval = NULL"), shown, shown))
    ctrl$lower <- min(x0)
    ctrl$upper <- max(x0)
  } else {
    message(sprintf(paste0("newton_root(f, c(%s)) solves two problems, one from each starting value ",
                           "(f does not change sign between them, so they are no bracket); for a root ",
                           "inside [a, b] give interval = c(a, b) (or lower =, upper =); write ",
                           "interval = NULL to silence this"), shown))
  }
  ctrl
}

# uniroot's extendInt: widen a bracket over which f does not change sign,
# as uniroot does (steps of 1% of |end| (at least 1e-6), doubling), "yes"
# on both sides, "upX" ("downX") for an f known to increase (decrease).
# f.lower, f.upper: f at the ends when known (as uniroot). init.it: the
# number of widenings (NA: none needed).
root_extend <- function(ctrl, fcall, extendInt, f.lower, f.upper) {
  extendInt <- match_arg1(if (identical(extendInt, c("no", "yes", "downX", "upX"))) "no" else extendInt,
                          c("no", "yes", "downX", "upX"), "extendInt")
  if (!is.null(f.lower)) check_number(f.lower, "f.lower")
  if (!is.null(f.upper)) check_number(f.upper, "f.upper")
  if (is.null(ctrl$lower)) {
    if (extendInt != "no" || !is.null(f.lower) || !is.null(f.upper)) {
      arg <- if (extendInt != "no") "extendInt" else if (!is.null(f.lower)) "f.lower" else "f.upper"
      stop_arg(arg, "applies to a bracket: give 'interval' (or 'lower' and 'upper')")
    }
    return(list(ctrl = ctrl, init.it = NA_integer_, evals = 0L))
  }
  if (extendInt == "no") return(list(ctrl = ctrl, init.it = NA_integer_, evals = 0L))
  evals <- 0L
  fv <- function(x) {
    evals <<- evals + 1L
    as.double(fcall(x)[1L])
  }
  lo <- ctrl$lower; hi <- ctrl$upper
  flo <- if (is.null(f.lower)) fv(lo) else f.lower
  fhi <- if (is.null(f.upper)) fv(hi) else f.upper
  sig <- switch(extendInt, yes = NA, downX = -1, upX = 1)
  widen_lo <- function() if (is.na(sig)) flo * fhi > 0 else sig * flo > 0
  widen_hi <- function() if (is.na(sig)) flo * fhi > 0 else sig * fhi < 0
  if (!isTRUE(widen_lo() || widen_hi())) return(list(ctrl = ctrl, init.it = NA_integer_, evals = evals))
  delta <- 0.01 * pmax(1e-4, abs(c(lo, hi)))
  it <- 0L
  while (isTRUE(widen_lo() || widen_hi())) {
    if ((it <- it + 1L) > ctrl$maxiter) {
      stop_arg("extendInt", "widened the interval %d times without a sign change of f (now [%s, %s])",
               ctrl$maxiter, format(lo), format(hi))
    }
    w <- c(isTRUE(widen_lo()), isTRUE(widen_hi()))  # both tested before either moves, as uniroot
    if (w[1L]) { lo <- lo - delta[1L]; flo <- fv(lo) }
    if (w[2L]) { hi <- hi + delta[2L]; fhi <- fv(hi) }
    if (!is.finite(lo) || !is.finite(hi) || is.na(flo) || is.na(fhi)) {
      stop_arg("extendInt", "reached [%s, %s] without a sign change of f", format(lo), format(hi))
    }
    delta <- 2 * delta
  }
  ctrl$lower <- lo
  ctrl$upper <- hi
  list(ctrl = ctrl, init.it = it, evals = evals)
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
  if (is.double(x0) && length(x0) == 1L && is.na(x0) && !is.null(ctrl$lower)) return(x0)
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
root_result <- function(r, ctrl, derivative, init.it = NA_integer_, fun = NULL) {
  k <- length(r$root)
  tr <- r$trace
  tr$kind <- root_step_names(tr$kind, ctrl$method)
  structure(list(root = r$root, f.root = r$f.root, iter = r$iter, init.it = rep(init.it, k),
                 estim.prec = r$estim.prec, converged = r$converged, status = r$status,
                 message = r$message, method = ctrl$method, criterion = ctrl$criterion,
                 derivative = derivative, evals = r$evals, evals_fprime = r$evals_fprime,
                 evals_fprime2 = r$evals_fprime2, trace = new_trace(tr),
                 interval = if (is.null(ctrl$lower)) NULL else c(ctrl$lower, ctrl$upper), f = fun),
            class = "newton_root")
}

# The trace's `kind` column: what produced each point (RootStep in
# root.hpp; an open update is named by its method).
root_step_names <- function(code, method) {
  c("start", method, "interpolation", "derivative", "bisection", "check")[code + 1L]
}

# f as a function of x alone, vectorised, for plot(): the formula's value
# without its derivatives, the function with its `...` bound.
root_plot_fun <- function(fcall) {
  force(fcall)
  function(x) vapply(x, function(xi) {
    v <- tryCatch(fcall(xi), error = function(e) NA_real_)
    if (is.numeric(v) && length(v) >= 1L) as.double(v[1L]) else NA_real_
  }, 0)
}

#' @export
print.newton_root <- function(x, digits = max(7L, getOption("digits")), ...) {
  cat(sprintf("Root finding by %s's method (%s derivative)\n",
              c(newton = "Newton", halley = "Halley", secant = "the secant")[[x$method]],
              x$derivative))
  tab <- data.frame(root = format(x$root, digits = digits), f.root = format(x$f.root, digits = 4L),
                    iter = x$iter, estim.prec = format(x$estim.prec, digits = 3L),
                    converged = x$converged)
  print(tab, row.names = length(x$root) > 1L)
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
