# optim.R -- newton_optim(): minimisation by Newton's method and its relatives,
# mirroring stats::optim().  newton_optim_control() is the one constructor of
# the settings (coerced, checked and worded here); newton_optim() is a short
# pipeline (method, control, callbacks, the C++ core, the result object).  The
# iterations are C++ (inst/include/newtonr/optim/), calling back into R only to
# evaluate fn, gr, hess and hessp.

# The methods, declared once (the glue maps them to the core's enum).
optim_methods <- c("newton", "trust", "newton-cg", "bfgs", "lbfgs", "gd", "auto")
# The trace's fixed columns (one per meaning), before one column per parameter.
optim_trace_cols <- c("iter", "value", "grad_norm", "step", "shift", "curvature", "radius",
                      "cg_iter", "active")
optim_cache <- new.env(parent = emptyenv())

#' Control settings for newton_optim()
#'
#' Builds and checks the `control` list of [newton_optim()]: the one place its
#' settings are coerced and checked. Unknown names are an error. All elements
#' have defaults; pass only what you change.
#'
#' @param maxit Maximum number of iterations (>= 1). Default 100.
#' @param reltol Stop when the decrease of the objective in one step is at most
#'   `reltol * (abs(value) + reltol)` (as in [stats::optim()]); while the
#'   gradient is above `gtol`, only after five such steps in a row, and then
#'   with convergence code 21 (not a minimum). Default
#'   `sqrt(.Machine$double.eps)`.
#' @param abstol Stop when the objective falls to `abstol` or below (code 21
#'   unless the gradient test holds too). Default `-Inf`.
#' @param gtol Stop when the largest absolute gradient component (of
#'   `fn / fnscale`; further divided by a power of 2 near `abs(fn(par))` when
#'   that exceeds 1e100, see [newton_optim()]) is at most `gtol`. Default `1e-6`. With
#'   `criterion = "previous"` this is the textbook loop's `eps`.
#' @param fnscale Scaling of the objective: the method minimises
#'   `fn / fnscale`, so a negative value maximises (as in [stats::optim()]).
#' @param criterion `"default"` (gradient, `reltol` and `abstol` tests) or
#'   `"previous"`: stop when the gradient test `max|gradient| <= gtol` held at
#'   the iterate *before* the last update, and by no other test. That is the
#'   textbook loop `while |f'(x)| > eps: x <- x - f'/f''`, which tests the
#'   gradient before it updates and so makes one more update once the
#'   gradient is small (with `line_search = FALSE` it reproduces the
#'   textbook's printed iterates). `"documents"`, its former name, still
#'   works for one release, with a deprecation warning.
#' @param line_search `"newton"` only. `FALSE` gives pure Newton: full steps
#'   `x - H^{-1} g`, no safeguards (for teaching).
#' @param shift `"newton"` only. `NULL` (default): when the Hessian is not
#'   positive definite, add `tau * I` with the smallest working `tau` from the
#'   sequence of Nocedal & Wright, Alg. 3.3. A number >= 0: regularised
#'   Newton, which uses `H + shift * I` when `H` is not positive definite
#'   (Alg. 3.3 is still the fallback if that is not enough). The trace's
#'   `shift` column shows the shift used.
#' @param lambda Deprecated name of `shift` (kept for one release, with a
#'   warning); `lambda` is the ridge penalty in [newton_glm()].
#' @param lr `"gd"` only. `NULL` (default): backtracking (Armijo). A positive
#'   number: a fixed learning rate, `x <- x - lr * g`; a rate
#'   under which the objective rises at five consecutive steps ends the run
#'   with code 31.
#' @param memory `"lbfgs"`: number of stored correction pairs. Default 10.
#' @param radius,max_radius `"trust"`: initial and largest trust radius. The
#'   default initial radius 0.5 (with the radius halved after a poor step) was
#'   chosen on the Moré-Garbow-Hillstrom set: 35 of 35 solved in fewer
#'   evaluations than CRAN trust (see the optimisation vignette); with 1 and a
#'   quarter, `biggs_exp6` ends in a valley.
#' @param exact_max_p `"trust"`: largest parameter count for which the
#'   subproblem is solved exactly (default 1000): up to 200 parameters on the
#'   eigendecomposition of H (hard case included), above that by Moré and
#'   Sorensen's Cholesky iteration (falling back on CG-Steihaug in the hard
#'   case). Above `exact_max_p`, CG-Steihaug.
#' @param cg_maxit `"newton-cg"`/`"trust"`: CG iterations per step. `NULL`:
#'   `min(max(20, p), 250)`.
#' @param hessp `"newton-cg"`: optional Hessian-vector product
#'   `function(x, v, ...)` returning `H(x) %*% v`. Without it, products come
#'   from `hess` if given, else from finite differences of the gradient.
#' @param classify_max_p Largest parameter count for which the end point is
#'   classified from the Hessian's eigenvalues (finite differences when `hess`
#'   is missing). Above it, `stationary` is `NA`.
#' @param auto_threshold `method = "auto"` uses `"newton"` when an exact
#'   Hessian is available (`hess`, or a formula objective) and the number of
#'   parameters is at most this, else `"lbfgs"`. Default 200, measured by
#'   `bench/auto-threshold.R`: up to there Newton with a dense Hessian takes at
#'   most a few times L-BFGS's time, and less on dense problems.
#' @param auto_threshold_fd The same threshold when the Hessian must come from
#'   finite differences (no `hess`): about `p` gradient calls, or `p^2`
#'   function calls without `gr`, per iteration. Default 20, measured by
#'   `bench/auto-derivs.R`: beyond it finite-difference Newton falls 5 to 20
#'   times behind L-BFGS.
#' @param trace_par_max The trace keeps one column per parameter when there
#'   are at most this many parameters (default 100).
#' @param trace `TRUE`/`FALSE` or an integer: `TRUE` or > 0 prints one line per
#'   iteration (value, gradient norm, step length) while the solver runs, as
#'   [stats::glm()] does with `trace = TRUE`.
#' @param REPORT With `trace`: print every `REPORT`-th iteration (default 1),
#'   as in [stats::optim()].
#'   [newton_optim()] with the default `method` uses `"newton"` then.
#' @param textbook `NULL` (default), or a number `eps`: reproduce the
#'   hand-written loop
#'   `while (abs(d) > eps) { d <- f'(x); x <- x - d / f''(x) }` (for several
#'   parameters, `max(abs(gradient))` and the Newton step), with its iterates
#'   and iteration count (see the example in [newton_optim()]). It is
#'   shorthand for `line_search = FALSE` (full Newton steps, no safeguard),
#'   `criterion = "previous"` (the loop tests the gradient of the point its
#'   last update started from, so it makes one more update once the gradient
#'   is small) and `gtol = eps`; for `method = "newton"`.
#' @param warn Warn when `convergence != 0` (default `TRUE`).
#' @return A list of class `"newton_optim_control"` with every setting (`NULL`
#'   for those left unset: `shift`, `lr`, `cg_maxit`, `hessp`).
#' @examples
#' newton_optim_control(maxit = 50, gtol = 1e-8)
#' @export
newton_optim_control <- function(maxit = 100L, reltol = sqrt(.Machine$double.eps),
                                 abstol = -Inf, gtol = 1e-6, fnscale = 1,
                                 criterion = c("default", "previous"),
                                 line_search = TRUE, shift = NULL, lr = NULL,
                                 memory = 10L, radius = 0.5, max_radius = 1e4,
                                 exact_max_p = 1000L, cg_maxit = NULL, hessp = NULL,
                                 classify_max_p = 500L, auto_threshold = 200L,
                                 auto_threshold_fd = 20L,
                                 trace_par_max = 100L, trace = 0L, warn = TRUE, lambda = NULL,
                                 REPORT = 1L, textbook = NULL) {
  if (!is.null(textbook)) {
    check_number(textbook, "control$textbook", lower = 0, upper = .Machine$double.xmax)
    line_search <- FALSE
    criterion <- "previous"
    gtol <- textbook
  }
  # the C++ loop counts in int; finite tolerances (gtol = Inf would
  # "converge" at any starting point)
  check_number(maxit, "control$maxit", lower = 1, upper = .Machine$integer.max - 1, integer = TRUE)
  check_number(reltol, "control$reltol", lower = 0, upper = .Machine$double.xmax)
  if (!is.numeric(abstol) || length(abstol) != 1L || is.na(abstol)) {
    stop_arg("control$abstol", "must be a single number, not %s", describe(abstol))
  }
  if (abstol == Inf) stop_arg("control$abstol", "must be less than Inf (it is the value at which to stop)")
  check_number(gtol, "control$gtol", lower = 0, upper = .Machine$double.xmax)
  check_number(fnscale, "control$fnscale")
  if (fnscale == 0 || !is.finite(fnscale)) stop_arg("control$fnscale", "must be finite and non-zero")
  criterion <- optim_criterion_arg(criterion)
  check_flag(line_search, "control$line_search")
  shift <- optim_shift_arg(shift, lambda)
  if (!is.null(lr)) check_number(lr, "control$lr", lower = 0, open_lower = TRUE, upper = 1e300)
  check_number(memory, "control$memory", lower = 1, upper = 1000, integer = TRUE)
  check_number(radius, "control$radius", lower = 0, open_lower = TRUE, upper = 1e300)
  check_number(max_radius, "control$max_radius", lower = 0, open_lower = TRUE, upper = 1e300)
  if (radius > max_radius) {
    stop_arg("control$radius", "must be at most 'control$max_radius' (%s), not %s",
             format(max_radius), format(radius))
  }
  check_number(exact_max_p, "control$exact_max_p", lower = 0, upper = 1e6, integer = TRUE)
  if (!is.null(cg_maxit)) check_number(cg_maxit, "control$cg_maxit", lower = 1, upper = 1e8, integer = TRUE)
  if (!is.null(hessp)) check_function(hessp, "control$hessp")
  check_number(classify_max_p, "control$classify_max_p", lower = 0, upper = 1e6, integer = TRUE)
  check_number(auto_threshold, "control$auto_threshold", lower = 0, integer = TRUE)
  check_number(auto_threshold_fd, "control$auto_threshold_fd", lower = 0, integer = TRUE)
  check_number(trace_par_max, "control$trace_par_max", lower = 0, integer = TRUE)
  if (is.logical(trace) && length(trace) == 1L && !is.na(trace)) trace <- as.integer(trace)
  check_number(trace, "control$trace", lower = 0, upper = .Machine$integer.max, integer = TRUE)
  check_number(REPORT, "control$REPORT", lower = 1, upper = .Machine$integer.max, integer = TRUE)
  check_flag(warn, "control$warn")
  structure(list(maxit = as.integer(maxit), reltol = as.double(reltol), abstol = as.double(abstol),
                 gtol = as.double(gtol), fnscale = as.double(fnscale), criterion = criterion,
                 line_search = line_search, shift = shift,
                 lr = if (is.null(lr)) NULL else as.double(lr), memory = as.integer(memory),
                 radius = as.double(radius), max_radius = as.double(max_radius),
                 exact_max_p = as.integer(exact_max_p),
                 cg_maxit = if (is.null(cg_maxit)) NULL else as.integer(cg_maxit),
                 hessp = hessp, classify_max_p = as.integer(classify_max_p),
                 auto_threshold = auto_threshold, auto_threshold_fd = auto_threshold_fd,
                 trace_par_max = trace_par_max, trace = as.integer(trace), warn = warn,
                 REPORT = as.integer(REPORT), textbook = if (is.null(textbook)) NULL else as.double(textbook)),
            class = "newton_optim_control")
}

# control$criterion: "default" or "previous" ("documents", its former name,
# with a deprecation warning).
optim_criterion_arg <- function(criterion) {
  if (!is.character(criterion)) stop_arg("control$criterion", "must be a string, not %s", describe(criterion))
  criterion <- deprecated_value(criterion, "documents", "previous", "control$criterion")
  tryCatch(match.arg(criterion, c("default", "previous")),
           error = function(e) stop_arg("control$criterion", "must be \"default\" or \"previous\""))
}

# control$shift, or its deprecated name control$lambda (checked under the
# name the user gave).
optim_shift_arg <- function(shift, lambda) {
  if (!is.null(lambda)) {
    if (!is.null(shift)) stop_arg("control$lambda", "is the deprecated name of 'control$shift': give only 'shift'")
    check_number(lambda, "control$lambda", lower = 0, upper = 1e300)
    shift <- deprecated_arg(lambda, shift, "control$lambda", "control$shift")
  }
  if (!is.null(shift)) check_number(shift, "control$shift", lower = 0, upper = 1e300)
  if (is.null(shift)) NULL else as.double(shift)
}

#' Minimise a function by Newton's method and its relatives
#'
#' A drop-in relative of [stats::optim()] for smooth problems, unconstrained
#' or with box constraints `lower <= par <= upper`:
#' damped Newton, trust-region Newton, truncated Newton-CG, BFGS,
#' L-BFGS and gradient descent, all in C++. Missing derivatives are computed
#' by finite differences in C++ (and counted in `counts`); a one-sided formula
#' gives exact symbolic derivatives. Without `gr`, the gradient is a central
#' difference (`2p` calls of `fn`), except that `"bfgs"` and `"lbfgs"` use
#' forward differences (`p` calls) until the largest gradient component falls
#' to `1000 * gtol` or a stopping rule would fire, and central ones from then
#' on, so the convergence test and the returned `gradient` are central.
#'
#' Methods:
#' * `"newton"`: Newton direction from a Cholesky factorisation of the
#'   Hessian `H`; when `H` is not positive definite, `H + tau I` with `tau` from
#'   Nocedal & Wright, Alg. 3.3 (or `control$shift`). Armijo backtracking
#'   from the full step. `control$line_search = FALSE` gives pure Newton. At a point where the gradient is small but `H` has a
#'   negative eigenvalue, it steps along the corresponding eigenvector, so it
#'   does not stop at saddle points.
#' * `"trust"`: trust-region Newton with the exact (Moré–Sorensen) subproblem,
#'   hard case included, for up to `control$exact_max_p` parameters, else
#'   CG-Steihaug.
#' * `"newton-cg"`: truncated Newton from Hessian-vector products
#'   (`control$hessp`, else `hess`, else finite differences of the gradient);
#'   without `hess` it never forms `H`.
#' * `"bfgs"`, `"lbfgs"`: quasi-Newton with a strong-Wolfe line search
#'   (without `gr`: Armijo backtracking on `fn` alone, skipping the update
#'   when it would not keep the matrix positive definite).
#' * `"gd"`: gradient descent, fixed learning rate `control$lr` or backtracking.
#' * `"auto"`: `"newton"` when `length(par) <= control$auto_threshold` (200)
#'   and the Hessian is exact (`hess` given, or `fn` a formula), or when
#'   `length(par) <= control$auto_threshold_fd` (20) and it must come from
#'   finite differences; else `"lbfgs"`. `method` in the result says which.
#'   This is the default: Newton for few parameters, quasi-Newton for many
#'   (a finite-difference Hessian of 100 parameters costs about 20,000 calls
#'   of `fn` per iteration); the printed result gives the reason
#'   (`method_reason`). Give `method = "newton"` to force Newton.
#'
#' @section Habits from optim():
#' `tol =` is not an argument: the tolerance is `control$gtol` (on the
#' gradient; see also `control$reltol`); optim's `control$parscale` and
#' `control$ndeps` are not supported (errors say what to do instead);
#' `control$REPORT` is, with `control$trace` (`TRUE` or an integer: one line
#' per iteration while the solver runs). A setting given to a method that
#' ignores it (`lr` to other methods than `"gd"`, `line_search` or `shift`
#' to other methods than `"newton"`) gives a warning naming it.
#'
#' @section Bounds:
#' `lower` and `upper` are recycled as in [stats::optim()] (length 1 or
#' `length(par)`), or named by some of the names of `par` (the others are
#' unbounded; useful with a formula objective); `-Inf`/`Inf` mean no bound and
#' `lower == upper` fixes a parameter. A `par` outside the box is moved onto
#' its nearest bound with a warning (as optim's `"L-BFGS-B"` does). With some
#' bound finite every method runs an algorithm made for bounds, never
#' clamping:
#' * `"trust"`, `"newton"`, `"newton-cg"`: TRON (Lin & Moré 1999): a projected
#'   Cauchy step, then truncated CG (Steihaug) on the variables free there
#'   with a projected search, in a trust region (`"newton-cg"` uses only
#'   Hessian-vector products).
#' * `"bfgs"`, `"lbfgs"`: L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995): the
#'   generalized Cauchy point, subspace minimisation over the free variables,
#'   and a strong-Wolfe line search kept inside the box (Armijo without `gr`);
#'   `"bfgs"` keeps a dense matrix, `"lbfgs"` the last `control$memory` pairs.
#' * `"gd"`: projected gradient with a projected Armijo search (or
#'   `x <- P(x - lr g)` with `control$lr`).
#'
#' `fn`, `gr` and `hess` are never evaluated outside the box: finite
#' differences are central where both sides fit and one-sided at a bound.
#' The gradient test is on the projected gradient, `max|P(par - g) - par| <=
#' gtol` (`P` the projection onto the box), which ignores the components
#' pushing against an active bound; the point is classified from the Hessian
#' reduced to the free variables (a minimum on a face is a `"minimum"`), and a
#' negative eigenvalue there is followed by a step of negative curvature
#' along the box. `active` in the result says which bounds hold at `par`; the
#' trace's `active` column counts the bounds holding (those a projected step
#' leaves alone) at each iterate. `control$criterion = "previous"`,
#' `control$shift` and pure Newton (`line_search = FALSE`) do not apply with
#' bounds (an error). With all bounds infinite the unbounded methods run, with identical
#' results.
#'
#' A trial point where `fn` is `NaN` or infinite makes the line search (or
#' trust region) back off. An objective larger than 1e100 in size at `par` is
#' minimised internally divided by a power of 2 (exact), so that squared
#' gradient norms do not overflow; `value`, `gradient`, `hessian` and the trace
#' stay on the user's scale.
#'
#' Scale limits: `"newton"`, `"trust"` and `"bfgs"` (and `hessian = TRUE`) hold
#' dense `p x p` matrices. A `p` whose matrices would not fit in memory (the
#' machine's total memory, or `options(newtonr.dense_limit = <bytes>)`) is an
#' error that states the memory needed, raised before any work; use `"lbfgs"`
#' or `"newton-cg"` for such problems.
#'
#' @section Convergence codes:
#' Only the gradient test makes a minimum: `reltol`, `abstol`, a failed line
#' search or a collapsed trust region never do. The codes (0 and 1 mean what
#' they mean in [stats::optim()]; none reuses optim's 10, 51 or 52):
#'
#' \Sexpr[results=rd,stage=build]{newtonr:::status_rd("optim")}
#'
#' In detail:
#' * `0`: converged: the largest gradient component (of `fn / fnscale`) is at
#'   most `gtol`, or -- when it cannot get there in double precision, as on
#'   badly scaled problems (Meyer's: a gradient floor near 1e-4) -- the
#'   gradient left is rounding: the Hessian is positive definite and the
#'   Newton step \eqn{H^{-1}g}{H^-1 g} moves no parameter beyond 1e-10 of its
#'   size (the message says so). The point is classified a minimum from the
#'   eigenvalues of the diagonally scaled Hessian (or not classified, see
#'   `control$classify_max_p`); where the Hessian is singular, the minimum is
#'   confirmed only if `fn` does not fall along its null space (a valley of
#'   minima such as `(x + y)^2`, or a higher-order minimum such as `x^4`).
#'   `"newton"` and `"trust"` take a few more steps past `gtol` while `fn`
#'   still falls at a linear rate (a singular minimiser).
#' * `1`: the iteration limit `maxit` was reached.
#' * `12`: stopped at a stationary point that is not a minimum (a saddle point
#'   or a maximum of `fn / fnscale`). (Code 10 in newtonr 0.1.0: renumbered,
#'   since optim() uses 10 for a degenerate Nelder-Mead simplex.)
#' * `11`: a minimum is not confirmed: a degenerate stationary point (singular
#'   Hessian, and `fn` falls along its null space: an inflection), a plateau
#'   (gradient and Hessian vanish), or a gradient below `gtol` while the
#'   Newton step to the model's minimiser is long (an objective too flat for
#'   `gtol`, such as `1e-300 * sum(x^2)`: rescale it or lower `gtol`), or a
#'   positive definite Hessian where `fn` keeps falling at 16, 32 and 1024
#'   Newton steps (not locally quadratic: `x^3` near its inflection).
#' * `20`: no further decrease could be found (the line search failed, a step
#'   no longer changes `par`, or the trust radius collapsed) while the
#'   gradient is above `gtol`. Also when `gr` says max|gradient| <= `gtol`
#'   but differences of `fn` along two directions (8 calls) disagree: `gr` is
#'   not the gradient of `fn` there.
#'
#' Without `gr`, `"newton"` and `"trust"` take the gradient from the Hessian's
#' difference stencil until max|gradient| <= `1000 * gtol`, and a finer
#' central difference from then on (so the gradient test is not met by a
#' truncation error). With `gr` but no `hess`, the end point is classified
#' from central differences of `gr`.
#' * `21`: stopped by `reltol` (five steps in a row) or `abstol` while the
#'   gradient is above `gtol`: not a minimum to the stated tolerance. Also
#'   when, without `gr`, the difference gradient is below `gtol` but its
#'   rounding error (about `.Machine$double.eps * abs(value) / h`) is not,
#'   as for `1e6 * (1 + 1e-9 * sum((x - c)^2))`: that test certifies nothing.
#' * `30`: the objective appears unbounded below (iterates diverge, or a full
#'   Newton step without line search gave a non-finite value).
#' * `31`: gradient descent with a fixed learning rate `control$lr` diverges
#'   (the objective rose at five consecutive steps, or became non-finite): the
#'   step size is too large.
#' * `40`: pure Newton (`line_search = FALSE`) met a singular Hessian.
#'
#' `message` always says which applies. After codes 20 and 21 (far from
#' stationary), 1 (likewise), or where the end point would be a saddle while
#' the gradient is far from zero, a supplied `gr` (and `hess`) is compared
#' with finite differences at the end point (Richardson extrapolation, about
#' `8p` extra calls of `fn`, or of `gr` for the Hessian); a disagreement is
#' added to the message: "'gr' disagrees with finite differences (max relative
#' error 2): check it with check_derivatives()". A point far from stationary
#' is never classified (`stationary` is `NA`).
#'
#' @param par Numeric starting values (names are kept and passed to `fn`).
#' @param fn The objective `function(par, ...)` returning a single number, or a
#'   one-sided formula in the names of `par`, such as
#'   `~ (1 - x)^2 + 100 * (y - x^2)^2` (exact derivatives by [stats::deriv()];
#'   `...` then supplies named constants).
#' @param gr Optional gradient `function(par, ...)`.
#' @param hess Optional Hessian `function(par, ...)` returning a `p x p` matrix.
#' @param ... Further arguments passed to `fn`, `gr`, `hess` and `hessp`.
#' @param method One of `"newton"`, `"trust"`, `"newton-cg"`, `"bfgs"`,
#'   `"lbfgs"`, `"gd"`, `"auto"`. Default: `"auto"` (see Methods).
#' @param lower,upper Bounds on the parameters (see the section Bounds):
#'   numeric, length 1 or `length(par)`, or named by names of `par`.
#'   Default: none.
#' @param control A list of settings, see [newton_optim_control()].
#' @param hessian Logical: return the Hessian at the solution?
#' @return An object of class `"newton_optim"`: a list with `par`, `value`,
#'   `counts` (named `function`, `gradient`, `hessian`; finite-difference
#'   evaluations included, Hessian-vector products counted as `hessian`),
#'   `convergence` (see the section), `message`, `hessian` (if asked, else
#'   `NULL`), `iterations`, `gradient` (at `par`), `active` (integer per
#'   parameter: `-1` on its lower bound, also for a fixed one, `1` on its upper
#'   bound, `0` otherwise; all 0 without bounds), `lower`, `upper` (the
#'   bounds, recycled), `method` (the one used), `method_reason` (why, when
#'   `"auto"` chose it), `derivatives` (how the gradient and Hessian were
#'   obtained: `"gr"`/`"hess"`, `"formula"` or `"differences"`), `fn` (one
#'   parameter only, for [plot.newton_optim()]),
#'   `stationary` (`"minimum"`, `"maximum"`, `"saddle"`, `"degenerate"` or `NA`
#'   when not classified), and `trace`: a data frame with one row per
#'   iteration (row 1 is the start) and one column per meaning: `iter`,
#'   `value`, `grad_norm`, `step` (length of the step taken), `shift` (the
#'   `tau` added to `H` by `"newton"`, 0 when `H` was positive definite),
#'   `curvature` (the negative eigenvalue followed by a step away from a
#'   saddle point, `"newton"` and `"trust"`), `radius` (the trust radius after
#'   the step, `"trust"`), `cg_iter` (CG iterations, `"newton-cg"`), each
#'   `NA` where it does not apply, and `active` (number of bounds holding:
#'   fixed parameters, and those on a bound that the gradient pushes against;
#'   0 without bounds); then one column per parameter (see
#'   `control$trace_par_max`).
#' @examples
#' fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
#' newton_optim(c(-1.2, 1), fr)
#' newton_optim(c(x = -1.2, y = 1), ~ (1 - x)^2 + 100 * (y - x^2)^2, method = "trust")
#' # a student's loop on f(x) = x^3 - 3x^2 - 45x + 40 from 42 (d is f'(x) at
#' # the point the last update started from):
#' x <- 42; n <- 0; d <- Inf
#' while (abs(d) > 1e-4) {
#'   d <- 3 * x^2 - 6 * x - 45
#'   x <- x - d / (6 * x - 6); n <- n + 1
#' }
#' c(x = x, updates = n)
#' # the same iterates and count: control$textbook = eps
#' r <- newton_optim(42, function(x) x^3 - 3 * x^2 - 45 * x + 40,
#'                   control = list(textbook = 1e-4))
#' r$trace$x1
#' r$iterations
#' plot(r)
#' # bounds: Rosenbrock with x1 <= 0.5
#' newton_optim(c(-1.2, 1), fr, lower = c(-2, -2), upper = c(0.5, 2))$par
#' @section Vignette:
#' `vignette("optimisation", package = "newtonr")`: Newton against gradient descent,
#' the pitfalls and their fixes, box constraints; `vignette("uses", package =
#' "newtonr")` for applications.
#' @export
newton_optim <- function(par, fn, gr = NULL, hess = NULL, ...,
                         method = optim_methods, lower = -Inf, upper = Inf,
                         control = list(), hessian = FALSE) {
  check_numeric(par, "par")
  par <- as.double(par) |> stats::setNames(names(par))
  optim_check_habits(fn, ...)
  default_method <- identical(method, optim_methods)
  method <- optim_method_arg(method)
  box <- optim_bounds_arg(lower, upper, par)
  par0 <- par
  par <- optim_start_in_box(par, box)
  ctrl <- optim_control_arg(control)
  optim_check_box_control(box, ctrl)
  check_flag(hessian, "hessian")
  cb <- optim_callbacks(par, fn, gr, hess, ctrl$hessp, ...)
  used <- optim_auto_method(method, length(par), cb, ctrl)
  reason <- attr(used, "reason")
  used <- as.vector(used)
  optim_warn_ignored(used, ctrl)
  optim_check_dense(used, length(par), hessian, cb, ctrl)
  r <- if (identical(par, par0)) {
    newton_optim_cpp(par, cb$fn, cb$gr, cb$hess, cb$hessp, used, ctrl, hessian, box$lower, box$upper)
  } else {
    # the start was moved onto the box: an error there names the bounds too
    withCallingHandlers(
      newton_optim_cpp(par, cb$fn, cb$gr, cb$hess, cb$hessp, used, ctrl, hessian, box$lower, box$upper),
      error = function(e) {
        if (!grepl("initial 'par'", conditionMessage(e), fixed = TRUE)) return()
        stop(paste0(conditionMessage(e), " (moved onto the box given by 'lower' and 'upper')"), call. = FALSE)
      })
  }
  out <- new_newton_optim(r, par, used, hessian, ctrl)
  out$lower <- stats::setNames(box$lower, names(par))
  out$upper <- stats::setNames(box$upper, names(par))
  out$method_reason <- reason
  out$derivatives <- c(gradient = if (inherits(fn, "formula")) "formula" else if (is.null(gr)) "differences" else "gr",
                       hessian = if (inherits(fn, "formula")) "formula" else if (is.null(hess)) "differences" else "hess")
  # kept for plot(result) of a one-parameter run (the curve with its iterates)
  if (length(par) == 1L) out$fn <- if (inherits(fn, "formula")) fn else cb$fn
  if (ctrl$warn && out$convergence != 0L) {
    warning(sprintf("newton_optim(method = \"%s\"): convergence code %d: %s",
                    used, out$convergence, out$message), call. = FALSE)
  }
  out
}

# `method`: one of optim_methods (the default vector means "auto": Newton for
# few parameters, L-BFGS for many, the rule of the course documents).
optim_method_arg <- function(method) {
  if (!is.character(method)) stop_arg("method", "must be a string, not %s", describe(method))
  if (identical(method, optim_methods)) return("auto")
  # optim()'s spellings of the methods newtonr has
  optim_spelling <- c("BFGS" = "bfgs", "L-BFGS-B" = "lbfgs", "L-BFGS" = "lbfgs")
  if (length(method) == 1L && method %in% names(optim_spelling)) return(optim_spelling[[method]])
  tryCatch(match.arg(method, optim_methods),
           error = function(e) stop_arg("method", "must be one of %s, not \"%s\"",
                                        paste0("\"", optim_methods, "\"", collapse = ", "),
                                        paste(method, collapse = " ")))
}

# `lower`, `upper`: numeric, no NA, length 1 (recycled, as optim) or
# length(par); or named by (some of) the names of par, the rest unbounded.
# lower <= upper; lower == upper fixes a parameter.
optim_bounds_arg <- function(lower, upper, par) {
  p <- length(par)
  one <- function(b, arg, default) {
    if (!is.numeric(b) || is.object(b)) stop_arg(arg, "must be numeric, not %s", describe(b))
    if (anyNA(b)) stop_arg(arg, "must not contain NA or NaN")
    if (!is.null(names(b)) && length(b) > 0L) {
      bad <- setdiff(names(b), names(par))
      if (is.null(names(par)) || length(bad) || anyDuplicated(names(b))) {
        stop_arg(arg, "has names (%s) that are not the names of 'par' (%s)",
                 paste(names(b), collapse = ", "),
                 if (is.null(names(par))) "none" else paste(names(par), collapse = ", "))
      }
      out <- rep(default, p)
      out[match(names(b), names(par))] <- as.double(b)
      return(out)
    }
    if (length(b) != 1L && length(b) != p) {
      stop_arg(arg, "must have length 1 or length(par) = %d, not %d", p, length(b))
    }
    rep_len(as.double(b), p)
  }
  lower <- one(lower, "lower", -Inf)
  upper <- one(upper, "upper", Inf)
  if (any(lower == Inf)) stop_arg("lower", "must be below Inf")
  if (any(upper == -Inf)) stop_arg("upper", "must be above -Inf")
  if (any(lower > upper)) {
    i <- which(lower > upper)[1L]
    stop_arg("lower", "must be <= 'upper': lower[%d] = %s > upper[%d] = %s", i, format(lower[i]),
             i, format(upper[i]))
  }
  list(lower = lower, upper = upper)
}

# The teaching variants of the unbounded units have no bounded version:
# an error rather than a silently ignored setting.
optim_check_box_control <- function(box, ctrl) {
  if (!any(is.finite(c(box$lower, box$upper)))) return(invisible(TRUE))
  if (!ctrl$line_search) stop_arg("control$line_search", "= FALSE (pure Newton) does not apply with bounds ('lower', 'upper')")
  if (ctrl$criterion == "previous") stop_arg("control$criterion", "= \"previous\" does not apply with bounds ('lower', 'upper')")
  if (!is.null(ctrl$shift)) stop_arg("control$shift", "does not apply with bounds ('lower', 'upper'): TRON uses a trust region")
  invisible(TRUE)
}

# A `par` outside the box is moved onto it with a warning (as optim's
# L-BFGS-B does).
optim_start_in_box <- function(par, box) {
  inside <- pmin(pmax(par, box$lower), box$upper)
  if (any(inside != par)) {
    warning(sprintf("newton_optim: 'par' is outside the box [lower, upper] in %d component%s: moved onto the nearest bound",
                    sum(inside != par), if (sum(inside != par) == 1L) "" else "s"), call. = FALSE)
  }
  stats::setNames(inside, names(par))
}

# `control`: a newton_optim_control object, or a list of its arguments.
optim_control_arg <- function(control) {
  if (inherits(control, "newton_optim_control")) return(control)
  if (is.list(control) && length(control) == 0L) {
    # the defaults are checked once per session (keeps cheap calls cheap)
    if (is.null(optim_cache$defaults)) optim_cache$defaults <- newton_optim_control()
    return(optim_cache$defaults)
  }
  # merge_control() rejects unknown names; newton_optim_control() checks values
  if (is.null(control)) control <- list()
  optim_control_habits(control)
  merge_control(control, as.list(formals(newton_optim_control)))
  do.call(newton_optim_control, control)
}

# optim()'s control entries that newtonr does not have: named, with the
# equivalent (rather than "unknown component").
optim_control_habits <- function(control) {
  if (!is.list(control)) return(invisible(TRUE))
  nms <- names(control)
  if ("parscale" %in% nms) {
    stop_arg("control$parscale", "is not supported by newton_optim: rescale 'par' inside 'fn' (fn(par * scale)); Newton's method is itself invariant to a linear rescaling of the parameters")
  }
  if ("ndeps" %in% nms) {
    stop_arg("control$ndeps", "is not supported by newton_optim: its finite-difference steps are chosen per parameter (see ?newton_optim); give 'gr' (or a formula 'fn') for exact derivatives")
  }
  if ("tol" %in% nms) stop_arg("control$tol", "is not a setting of newton_optim: its tolerance is control$gtol (see also control$reltol)")
  invisible(TRUE)
}

# The callbacks the core calls with one argument (x; hessp: x, v): `...`
# bound, or exact derivatives of a formula objective (one evaluation cached
# per point).
optim_callbacks <- function(par, fn, gr, hess, hessp, ...) {
  hp <- if (is.null(hessp)) NULL else function(x, v) hessp(x, v, ...)
  if (inherits(fn, "formula")) {
    if (is.null(names(par)) || any(!nzchar(names(par)))) {
      stop_arg("par", "must be named when 'fn' is a formula (names are the formula's variables)")
    }
    if (!is.null(gr) || !is.null(hess)) {
      stop_arg("gr", "must be NULL when 'fn' is a formula (derivatives are symbolic)")
    }
    optim_formula_vars(fn, names(par), ...)
    fd <- formula_derivatives(fn, vars = names(par), arg = "fn", constants = list(...))
    cache_x <- NULL
    cache <- NULL
    ev <- function(x) {
      if (!identical(x, cache_x)) {
        cache <<- fd$fun(x)
        cache_x <<- x
      }
      cache
    }
    return(list(fn = function(x) ev(x)$value, gr = function(x) ev(x)$gradient,
                hess = function(x) ev(x)$hessian, hessp = hp))
  }
  check_function(fn, "fn")
  if (!is.null(gr)) check_function(gr, "gr")
  if (!is.null(hess)) check_function(hess, "hess")
  if (...length() == 0L) return(list(fn = fn, gr = gr, hess = hess, hessp = hessp))
  list(fn = function(x) fn(x, ...),
       gr = if (is.null(gr)) NULL else function(x) gr(x, ...),
       hess = if (is.null(hess)) NULL else function(x) hess(x, ...), hessp = hp)
}

# A formula's variables are the names of par, values in ..., or objects of
# the formula's environment: name the missing ones (not "object 'z' not found").
optim_formula_vars <- function(fn, pn, ...) {
  v <- setdiff(all.vars(fn), c(pn, ...names()))
  env <- environment(fn)
  miss <- v[!vapply(v, exists, NA, envir = if (is.null(env)) globalenv() else env)]
  if (length(miss)) {
    stop_arg("par", "has no element named %s, a variable of the formula 'fn': add it to 'par' (e.g. par = c(%s)) or pass its value in '...'",
             paste0("'", miss, "'", collapse = ", "),
             paste0(c(pn, miss), " = 0", collapse = ", "))
  }
  invisible(TRUE)
}

# method = "auto": an exact Hessian costs one call, a difference Hessian p
# gradient calls (p^2 function calls without gr), so Newton stops paying off
# sooner without one.
optim_auto_method <- function(method, p, cb, ctrl) {
  if (method != "auto") return(method)
  if (!is.null(ctrl$textbook)) {
    return(structure("newton", reason = "control$textbook: the textbook Newton loop"))
  }
  exact <- !is.null(cb$hess)
  lim <- if (exact) ctrl$auto_threshold else ctrl$auto_threshold_fd
  used <- if (p <= lim) "newton" else "lbfgs"
  why <- sprintf("%d parameter%s %s %d (control$%s, the limit for Newton when %s): %s",
                 p, if (p == 1L) "" else "s", if (p <= lim) "<=" else ">", lim,
                 if (exact) "auto_threshold" else "auto_threshold_fd",
                 if (exact) "'hess' is given" else "the Hessian would come from finite differences",
                 if (p <= lim) "Newton" else "L-BFGS (no Hessian)")
  structure(used, reason = why)
}

# Habits from optim(): `tol =` (not an argument of newton_optim) would reach
# fn through `...` and fail there as "unused argument".
optim_check_habits <- function(fn, ...) {
  nms <- ...names()
  takes <- if (is.function(fn)) names(formals(fn)) else character()
  if ("tol" %in% nms && !("tol" %in% takes) && !("..." %in% takes)) {
    stop_arg("tol", "is not an argument of newton_optim: the tolerance of newton_optim is control$gtol (on the gradient; see also control$reltol), e.g. control = list(gtol = 1e-8)")
  }
  # a setting typed as an argument (optim's habit too): name control
  settings <- union(names(formals(newton_optim_control)),
                    c("maxit", "trace", "REPORT", "ndeps", "parscale", "fnscale", "reltol", "abstol"))
  if (is.function(fn) && !("..." %in% takes)) {
    for (nm in setdiff(intersect(nms, settings), takes)) {
      stop_arg(nm, "is not an argument of newton_optim (nor of 'fn'): it is a setting; give it as control = list(%s = ...)", nm)
    }
  }
  invisible(TRUE)
}

# Settings given to a method that ignores them: a warning naming them.
optim_warn_ignored <- function(used, ctrl) {
  bad <- c(if (!is.null(ctrl$lr) && used != "gd") "lr (\"gd\" only)",
           if (!isTRUE(ctrl$line_search) && is.null(ctrl$textbook) && used != "newton") "line_search (\"newton\" only)",
           if (!is.null(ctrl$shift) && used != "newton") "shift (\"newton\" only)")
  if (length(bad)) {
    warning(structure(class = c("newtonr_ignored_setting", "warning", "condition"), list(
      message = sprintf("newton_optim(method = \"%s\") ignores control$%s", used,
                        paste(bad, collapse = ", control$")), call = NULL)))
  }
  invisible(TRUE)
}

# Methods that hold a dense p x p matrix (H, or BFGS's inverse Hessian):
# refuse a p they cannot allocate, before any work.
optim_check_dense <- function(used, p, hessian, cb, ctrl) {
  dense <- used %in% c("newton", "trust", "bfgs") || hessian || p <= ctrl$classify_max_p ||
    (used == "newton-cg" && !is.null(cb$hess) && is.null(cb$hessp))
  if (dense && p > 1000L) {
    check_dense_size(p, p, if (used == "bfgs") "inverse-Hessian approximation" else "Hessian",
                     "par", copies = if (used %in% c("newton", "trust")) 2 else 1,
                     hint = "use method = \"lbfgs\" or \"newton-cg\" (without 'hess'), and hessian = FALSE")
  }
  invisible(TRUE)
}

# The "newton_optim" object from the core's list: counts named, Hessian
# dimnames, the trace a data frame (one column per meaning, then parameters).
new_newton_optim <- function(r, par, used, hessian, ctrl) {
  p <- length(par)
  nm <- names(par)
  if (is.null(nm)) nm <- paste0("x", seq_len(p))
  cols <- r$trace[optim_trace_cols]
  for (k in c("shift", "curvature", "radius")) cols[[k]][is.nan(cols[[k]])] <- NA_real_
  if (p <= ctrl$trace_par_max) {
    for (j in seq_len(p)) cols[[nm[j]]] <- r$trace$par[, j]
  }
  h <- r$hessian
  if (!is.null(h) && !is.null(names(par))) dimnames(h) <- list(names(par), names(par))
  if (hessian && is.null(h)) h <- matrix(NA_real_, p, p)
  structure(list(
    par = r$par, value = r$value,
    counts = c(`function` = r$counts[1L], gradient = r$counts[2L], hessian = r$counts[3L]),
    convergence = r$convergence, message = r$message,
    hessian = if (hessian) h else NULL,
    iterations = r$iterations, gradient = r$gradient,
    active = stats::setNames(as.integer(r$active), names(par)), method = used,
    stationary = r$stationary, trace = new_trace(cols)
  ), class = "newton_optim")
}

# The counts line: with finite differences, say so and what they cost.
optim_counts_text <- function(x) {
  d <- x$derivatives
  fd <- if (is.null(d)) character() else names(d)[d == "differences"]
  base <- sprintf("evaluations: function %d, gradient %d, hessian %d",
                  as.integer(x$counts[1L]), as.integer(x$counts[2L]), as.integer(x$counts[3L]))
  if (!length(fd)) return(base)
  paste0(base, sprintf("\n  (%s by finite differences: their calls of %s are in the counts above)",
                       paste(fd, collapse = " and "),
                       if (identical(d[["gradient"]], "differences")) "fn" else "gr"))
}

#' @export
print.newton_optim <- function(x, digits = max(7L, getOption("digits")), ...) {
  cat(sprintf("newton_optim (method \"%s\"): %s after %d iteration%s\n", x$method,
              if (x$convergence == 0L) "converged" else sprintf("NOT converged (code %d: %s)", x$convergence,
                                                                  status_table("optim")$name[match(x$convergence, status_table("optim")$code)]),
              x$iterations, if (x$iterations == 1L) "" else "s"))
  cat("  ", x$message, "\n", sep = "")
  if (!is.null(x$method_reason)) cat("  method chosen by the default rule: ", x$method_reason, "\n", sep = "")
  cat("par:\n")
  print(x$par, digits = digits)
  boxed <- any(is.finite(c(x$lower, x$upper)))
  gm <- if (boxed) {
    max(abs(pmin(pmax(x$par - x$gradient, x$lower), x$upper) - x$par))
  } else {
    max(abs(x$gradient))
  }
  cat(sprintf("value: %s   max|%sgradient|: %s   stationary point: %s\n",
              format(x$value, digits = digits), if (boxed) "projected " else "",
              format(gm, digits = digits),
              if (is.na(x$stationary)) "not classified" else x$stationary))
  if (boxed) {
    nm <- if (is.null(names(x$par))) paste0("x", seq_along(x$par)) else names(x$par)
    on <- x$active != 0L
    cat("active bounds: ", if (any(on)) paste0(nm[on], ifelse(x$active[on] < 0, " (lower)", " (upper)"),
                                               collapse = ", ") else "none", "\n", sep = "")
  }
  cat(optim_counts_text(x), "\n", sep = "")
  invisible(x)
}

#' @export
summary.newton_optim <- function(object, ...) {
  tab <- cbind(estimate = object$par, gradient = object$gradient)
  if (!is.null(object$hessian) && all(is.finite(object$hessian))) {
    v <- tryCatch(diag(solve(object$hessian)), error = function(e) rep(NA_real_, nrow(tab)))
    tab <- cbind(tab, `sqrt(diag(H^-1))` = sqrt(pmax(v, 0)))
  }
  rownames(tab) <- if (is.null(names(object$par))) paste0("x", seq_along(object$par)) else names(object$par)
  structure(list(method = object$method, convergence = object$convergence, derivatives = object$derivatives,
                 message = object$message, value = object$value, iterations = object$iterations,
                 counts = object$counts, stationary = object$stationary, coefficients = tab,
                 trace = object$trace),
            class = "summary.newton_optim")
}

#' @export
print.summary.newton_optim <- function(x, digits = max(3L, getOption("digits") - 3L), max_rows = 20L, ...) {
  cat(sprintf("newton_optim, method \"%s\"\n", x$method))
  if (x$convergence != 0L) cat("NOT converged: the estimates below are not a minimum to the stated tolerance\n")
  cat(sprintf("convergence %d: %s\n", x$convergence, x$message))
  cat(sprintf("value %s after %d iteration%s; stationary point: %s\n",
              format(x$value, digits = max(7L, digits)), x$iterations, if (x$iterations == 1L) "" else "s",
              if (is.na(x$stationary)) "not classified" else x$stationary))
  cat(optim_counts_text(x), "\n\n", sep = "")
  tab <- x$coefficients
  if (nrow(tab) > max_rows) {
    print(tab[seq_len(10L), , drop = FALSE], digits = digits)
    cat(sprintf("... %d more parameters (the %d largest |gradient| among them first):\n",
                nrow(tab) - 10L, min(5L, nrow(tab) - 10L)))
    rest <- tab[-seq_len(10L), , drop = FALSE]
    print(rest[utils::head(order(-abs(rest[, "gradient"])), 5L), , drop = FALSE], digits = digits)
    cat("(all of them: summary(fit)$coefficients)\n")
  } else {
    print(tab, digits = digits)
  }
  tr <- x$trace
  cat("\nIterations (first and last):\n")
  keep <- if (nrow(tr) > 10L) c(1:5, (nrow(tr) - 4L):nrow(tr)) else seq_len(nrow(tr))
  # the columns that apply to this method (an all-NA column does not)
  cols <- Filter(function(nm) !all(is.na(tr[[nm]])), intersect(names(tr), optim_trace_cols))
  print(tr[keep, cols, drop = FALSE], digits = digits, row.names = FALSE)
  invisible(x)
}

#' @export
print.newton_optim_control <- function(x, ...) {
  cat("newton_optim_control: settings of newton_optim()\n")
  show <- vapply(x, function(v) {
    if (is.null(v)) "NULL (unset)" else if (is.function(v)) "<function>" else paste(format(v), collapse = " ")
  }, "")
  w <- max(nchar(names(show)))
  cat(sprintf("  %s  %s\n", formatC(names(show), width = -w), show), sep = "")
  invisible(x)
}
