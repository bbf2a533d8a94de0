# glm_fit.R -- newton_glm_fit(): glm.fit()'s interface and return value.  A
# pipeline of named steps: check the inputs (glm_fit_inputs), starting values
# (glm_fit_start), the fit (glm_fit_run: one call into C++, where the one
# IRLS loop runs for every family; inst/include/newtonr/glm_fit.hpp), the
# result (glm_fit_result).  Also newton_glm_control() and the helpers.

#' Control settings for newton_glm_fit()
#'
#' Checked once, like [stats::glm.control()].
#'
#' @param epsilon positive convergence tolerance: iterations stop when
#'   `|dev - dev_old| / (|dev| + 0.1) < epsilon` (glm's criterion; `dev` is the
#'   penalised deviance when `lambda > 0`). After a halved step (or a rise of
#'   the deviance) the full step's predicted change of the deviance,
#'   `delta' X'WX delta`, must pass the same test: a step halved to almost
#'   nothing does not move the deviance, and that is not convergence.
#' @param maxit maximal number of iterations (default 25 for `"irls"` and
#'   `"auto"`, 100 for `"newton-cg"`, 1000 for `"lbfgs"`, 5000 for `"gd"`;
#'   when `"auto"` picks newton-cg it allows at least 100).
#' @param trace logical; print `Deviance = ... Iterations - k` as glm does.
#' @param type `"fisher"` (expected information, IRLS as in glm) or `"newton"`
#'   (observed information; differs from Fisher scoring for non-canonical
#'   links; falls back to Fisher on an iteration where the observed
#'   information is not positive definite; the first iteration of a fit
#'   without `start` is glm's Fisher step from the family's starting means).
#' @param lambda non-negative ridge penalty: the fit minimises
#'   `deviance + lambda * sum(beta^2)` over the non-intercept coefficients.
#' @param algorithm `"auto"` (the default: `"irls"` up to 400 columns, then
#'   `"newton-cg"`; the reason is recorded in `fit$algorithm_reason`; the
#'   threshold was measured by bench/glm-large.R), `"irls"` (Newton/Fisher
#'   scoring), `"newton-cg"` (a trust-region Newton-CG in the style of
#'   LIBLINEAR's TRON, Lin, Weng & Keerthi 2008: the information matrix is
#'   used only through products X'(W(Xv)), never formed, with a diagonal
#'   preconditioner), `"lbfgs"` (limited-memory BFGS, 10 pairs, backtracking),
#'   or `"gd"` (gradient descent, for teaching: from `start`, else from all
#'   coefficients 0 when
#'   that is valid for the family; step `1/L` with `L` the largest eigenvalue
#'   of X'WX at the start, doubled tentatively each iteration and halved until
#'   the Armijo condition holds on the deviance; it stops when the estimated
#'   deviance still to gain, `|g|^2 / lambda_min` with `g` the score and
#'   `lambda_min` the smallest eigenvalue of X'WX at the start, is below
#'   `epsilon * (|dev| + 0.1)` and the smallest eigenvalue of X'WX at the
#'   current point confirms it: a small change of the deviance alone says
#'   little under linear convergence, and on separated data, where the
#'   curvature vanishes, gradient descent does not report convergence). Gradient descent converges linearly,
#'   at a rate set by the condition number of X'WX: on unscaled covariates
#'   (`am ~ wt + hp` on mtcars, condition number about 3e5) it does not
#'   converge in 5000 iterations, and its warning says so with the condition
#'   number; standardise the covariates or use `"irls"`.
#'   `"newton-cg"` and `"lbfgs"` (and any fit of a sparse `x`) minimise
#'   `deviance / 2 + lambda / 2 * sum(beta^2)` and stop when glm's test on
#'   the penalised deviance holds *and* the gradient norm has fallen below
#'   `sqrt(epsilon)` times its value at the start (so a converged fit is a
#'   stationary point). LIBLINEAR (and scikit-learn's `C`) minimise
#'   `0.5 * sum(w^2) + C * sum(log-loss)`; since the binomial deviance is
#'   `2 * sum(log-loss)` this is `C` times our objective with
#'   `lambda = 1 / C` (LIBLINEAR also penalises its bias term: compare with
#'   `penalize_intercept = TRUE`, or without an intercept).
#' @param penalize_intercept logical; `FALSE` (the default) leaves a column
#'   of ones out of the ridge penalty.
#' @param threads number of OpenMP threads (`NULL`: OpenMP's default). The
#'   result is bit-identical whatever the thread count.
#' @param db_pass for `data` that is a database table (`dplyr::tbl()`):
#'   `"auto"` (the default) chooses by engine and model size (below);
#'   `"sql"` runs each IRLS pass as ONE aggregation query that
#'   returns X'WX, X'Wz and the deviance computed by the engine; `"stream"`
#'   runs one plain SELECT of the model matrix per pass (expanded in SQL the
#'   same way), fetches it in chunks of `chunksize` rows and adds up X'WX in
#'   C++, as [biglm::bigglm()] reads a table. Same results; `"stream"` is
#'   faster on row-at-a-time engines (SQLite, PostgreSQL) where p(p+1)/2
#'   products per row cost the engine more than exporting the rows.
#'   `"auto"` takes `"stream"` on SQLite, and on PostgreSQL when the
#'   products summed per row exceed 8 times the values a row exports;
#'   otherwise (DuckDB, Spark, other engines) `"sql"`, which keeps the rows
#'   in the engine. (On DuckDB `"stream"` holds the whole model matrix in R
#'   at once: the duckdb driver materialises a result before `dbFetch(n)`
#'   slices it.) The fit's `db_pass` field says which pass ran; the
#'   option `newtonr.db_pass` (`"sql"` or `"stream"`) overrides the choice.
#' @param chunksize rows per fetched chunk with `db_pass = "stream"`.
#' @param ... further settings: an error names any unknown one.
#' @return A list of class `"newton_glm_control"` (printed with one line per
#'   setting). A fit keeps it as `fit$newton_control`; `fit$control` holds
#'   glm's three keys (`epsilon`, `maxit`, `trace`).
#' @details Settings of other solvers are errors that say what newton_glm does
#' instead: `lr` (the gradient-descent step is chosen by the fit),
#' `line_search`, `method` (the algorithm is `algorithm`), `tol`/`reltol`
#' (the tolerance is `epsilon`). `type = "newton"` with `algorithm = "gd"`
#' is a warning (gradient descent uses no information matrix).
#' @seealso \code{vignette("glm", package = "newtonr")}.
#' @examples
#' newton_glm_control(epsilon = 1e-10, type = "newton")
#' fit <- newton_glm(am ~ wt + hp, binomial, mtcars)
#' fit$control          # glm's keys: glm(am ~ wt, binomial, mtcars, control = fit$control)
#' fit$newton_control   # every setting
#' @export
newton_glm_control <- function(epsilon = 1e-8, maxit = 25, trace = FALSE,
                               type = c("fisher", "newton"), lambda = 0,
                               algorithm = c("auto", "irls", "gd", "newton-cg", "lbfgs"),
                               threads = NULL, ..., penalize_intercept = FALSE,
                               db_pass = c("auto", "sql", "stream"), chunksize = 100000) {
  dots <- list(...)
  extra <- names(dots)
  if (length(dots) && (is.null(extra) || any(!nzchar(extra)))) {
    stop_arg("control", "has %d unnamed setting(s): name each one (e.g. maxit = 50)",
             if (is.null(extra)) length(dots) else sum(!nzchar(extra)))
  }
  if (length(extra)) glm_control_unknown(extra)
  type <- match_arg1(type, c("fisher", "newton"), "type")
  algorithm <- glm_algorithm_arg(algorithm)
  if (missing(maxit)) maxit <- switch(algorithm, gd = 5000, `newton-cg` = 100, lbfgs = 1000, 25)
  check_flag(penalize_intercept, "penalize_intercept")
  db_pass <- match_arg1(db_pass, c("auto", "sql", "stream"), "db_pass")
  check_number(chunksize, "chunksize", lower = 1, upper = .Machine$integer.max, integer = TRUE)
  if (algorithm == "gd" && type == "newton") {
    warning("control setting 'type' = \"newton\" is ignored by algorithm = \"gd\" ",
            "(gradient descent uses no information matrix); it applies to algorithm = \"irls\"",
            call. = FALSE)
  }
  # glm's criterion is a relative change of the deviance: an epsilon of 1 or
  # more accepts any first step, a "convergence" that means nothing
  check_number(epsilon, "epsilon", lower = 0, open_lower = TRUE, upper = 0.5)
  # integer settings: within R's integer range (as.integer() of 3e9 is NA)
  check_number(maxit, "maxit", lower = 1, upper = .Machine$integer.max, integer = TRUE)
  if (!(is.logical(trace) || is.numeric(trace)) || length(trace) != 1L || is.na(trace)) {
    stop_arg("trace", "must be TRUE or FALSE, not %s", describe(trace))
  }
  check_number(lambda, "lambda", lower = 0, upper = .Machine$double.xmax)
  if (!is.null(threads)) check_number(threads, "threads", lower = 1, upper = glm_max_threads, integer = TRUE)
  structure(list(epsilon = epsilon, maxit = as.integer(maxit),
                 trace = as.logical(trace), type = type, lambda = lambda,
                 algorithm = algorithm,
                 threads = if (is.null(threads)) NULL else as.integer(threads),
                 penalize_intercept = penalize_intercept, db_pass = db_pass,
                 chunksize = as.integer(chunksize)),
            class = "newton_glm_control")
}

# newton_glm_control()'s error for unknown settings: the settings of other
# solvers (optim's and newton_optim's step, method and tolerance names) are
# named with what newton_glm does instead.
glm_control_unknown <- function(extra) {
  hints <- c(
    lr = "gradient descent here chooses its step itself (1/L, then doubled or halved by an Armijo test): there is no learning rate to set",
    step = "gradient descent here chooses its step itself (1/L, then doubled or halved by an Armijo test)",
    line_search = "IRLS halves rejected steps and gradient descent backtracks always: there is no line-search switch",
    method = "the algorithm is set by control = list(algorithm = ...): \"auto\", \"irls\", \"gd\", \"newton-cg\" or \"lbfgs\"",
    reltol = "the tolerance is 'epsilon' (glm's relative change of the deviance)",
    tol = "the tolerance is 'epsilon' (glm's relative change of the deviance)",
    gtol = "the tolerance is 'epsilon' (glm's relative change of the deviance)",
    shift = "the ridge penalty is 'lambda'; IRLS needs no Hessian shift")
  known <- intersect(extra, names(hints))
  msg <- sprintf("'control' has unknown setting(s): %s; newton_glm_control() takes epsilon, maxit, trace, type, lambda, algorithm, threads, penalize_intercept, db_pass, chunksize",
                 paste(extra, collapse = ", "))
  if (length(known)) {
    msg <- paste0(msg, ". ", paste(sprintf("'%s': %s", known, hints[known]), collapse = ". "))
  }
  stop(msg, call. = FALSE)
}

# The `algorithm` setting: "auto", "irls", "gd", "newton-cg" or "lbfgs";
# optim's and newton_optim's other method names are refused with what
# newton_glm offers instead.
glm_algorithm_arg <- function(algorithm) {
  ok <- c("auto", "irls", "gd", "newton-cg", "lbfgs")
  if (identical(algorithm, ok)) return("auto")
  if (is.character(algorithm) && length(algorithm) == 1L && !is.na(algorithm) &&
      !is.na(pmatch(algorithm, ok))) {
    return(ok[[pmatch(algorithm, ok)]])
  }
  stop(sprintf(paste0("control setting 'algorithm' must be \"auto\" (the default), \"irls\" ",
                      "(Newton/Fisher scoring), \"gd\" (gradient descent), \"newton-cg\" or \"lbfgs\", ",
                      "not %s; newton_glm has no other algorithm ",
                      "(for other methods, minimise the deviance with newton_optim())"),
               if (is.character(algorithm) && length(algorithm) == 1L) dQuote(algorithm, FALSE)
               else describe(algorithm)), call. = FALSE)
}

#' @export
print.newton_glm_control <- function(x, ...) {
  cat("newton_glm_control: settings of newton_glm() / newton_glm_fit()\n")
  val <- vapply(names(x), function(nm) {
    v <- x[[nm]]
    if (is.null(v)) "NULL (OpenMP's default)" else format(v)
  }, "")
  what <- c(epsilon = "relative change of the deviance that stops the fit",
            maxit = "iteration limit", trace = "print the deviance at each iteration",
            type = "information matrix of IRLS", lambda = "ridge penalty",
            algorithm = "auto, irls, gd, newton-cg or lbfgs",
            threads = "OpenMP threads",
            penalize_intercept = "ridge penalty on a column of ones too",
            db_pass = "table data: auto, sql (one aggregation query) or stream",
            chunksize = "rows per fetched chunk (db_pass = \"stream\")")
  cat(sprintf("  %-9s = %-14s # %s\n", names(x), val, what[names(x)]), sep = "")
  invisible(x)
}

#' Fit a GLM by Newton's method / IRLS (matrix interface)
#'
#' A drop-in replacement for [stats::glm.fit()]: same arguments, same return
#' fields, so `glm(..., method = newtonr::newton_glm_fit)` works.
#'
#' Differences from glm.fit: X'WX is accumulated in C++ over fixed row blocks
#' (OpenMP, bit-identical for any thread count) and solved by Cholesky, or by
#' glm.fit's LINPACK QR where that is needed for glm's accuracy and aliasing
#' (see "Accuracy and aliasing" below); the step is halved also when
#' the (penalised) deviance rises; its warnings name newton_glm_fit (glm.fit's
#' text otherwise); `qr`, `R` and `effects` are glm.fit's except on large
#' fits (see Value), where `effects` has length n whose first `rank` entries
#' are Q'z computed from R (the remaining entries are 0) and `qr` holds only
#' the p x p R factor (enough for `summary.glm` and `predict(se.fit =)`).
#' Step halving is reported as glm.fit and glm2 report it: once per fit,
#' "step size truncated due to divergence" (a non-finite deviance), "step
#' size truncated: out of bounds" (invalid fitted values) and, for the
#' halving on a rise of the deviance that glm.fit does not do, glm2's "step
#' size truncated due to increasing deviance"; the trace prints "Step halved:
#' new deviance = ...".
#'
#' Separation: a binomial fit that shows its signs (a fitted probability
#' within 1e-6 of 0 or 1, or no convergence) is tested for complete or
#' quasi-complete separation by the linear programs of Konis (2007; as in
#' the detectseparation package, solved by `boot::simplex`), and a warning
#' names the covariates that separate (a smallest set; their
#' maximum-likelihood estimates are infinite).  glm's "fitted probabilities
#' numerically 0 or 1" warning is kept.
#'
#' Accuracy and aliasing: each iteration first solves the normal equations
#' (X'WX) by Cholesky. Forming X'WX squares the condition number, so when
#' the Cholesky's estimated condition number of `sqrt(W) X` (columns
#' equilibrated) exceeds 300, when it aliases a column, or when there are
#' fewer informative observations than columns, that iteration is solved
#' instead as glm.fit solves it: LINPACK's QR with limited pivoting
#' (dqrdc2) of `sqrt(W) X`, with glm's `tol = min(1e-7, epsilon / 1000)` on
#' the columns' remaining norms. So ill-conditioned designs (raw polynomials
#' in calendar years, mixed units) get glm's coefficients, glm's aliased
#' columns, and a rank never above the number of observations.
#'
#' Speed: for the families of stats (gaussian, binomial, poisson, Gamma,
#' inverse.gaussian, quasibinomial, quasipoisson and quasi with its five
#' variance functions, with any of the links identity, log, inverse, logit,
#' probit, cauchit, cloglog, sqrt and 1/mu^2), the whole IRLS loop runs in
#' C++ with R's own formulas for the link, variance and deviance: each
#' iteration reads X once, forming X beta, the working weights and response
#' and X'WX together over fixed row blocks (threaded; reduced in a fixed
#' order, so the result is bit-identical for any thread count). A rejected
#' step is halved on the linear predictor without another pass over X. Any
#' other family object (a user's own, a [stats::power()] link) is evaluated
#' through its R functions, once per iteration on whole vectors. The X'WX
#' kernel uses AVX2/FMA when the CPU has it (`options(newtonr.simd = FALSE)`
#' turns it off). `glm.fit`'s errors are kept. The C++ path is
#' taken only when the family's functions are those of the stats family of
#' the same name and link; a family object whose closures were replaced
#' (`fam$variance <- ...`) is evaluated through its own R functions.
#'
#' Reliability: `x`, `y`, `weights` and `offset` must be finite (an error
#' names the argument; [newton_glm()] drops rows with NA through
#' `na.action`). Columns of `x` of extreme magnitude (beyond about
#' `2^+-100`, e.g. `x * 1e300` or a column of size `1e-300`) are equilibrated
#' by exact powers of two before X'WX is formed, so X'WX neither overflows
#' nor underflows and the coefficients are glm.fit's; scaling by a power of
#' two is exact, so this changes no result that did not over- or underflow.
#' Working weights or responses that overflow X'WX are an error, not `NA`
#' coefficients. With more than 1000 columns, an X'WX too large for memory
#' (see `options(newtonr.dense_limit)`) is refused with the memory it needs
#' before anything is allocated.
#'
#' @param x,y,weights,start,etastart,mustart,offset,family,intercept,singular.ok
#'   as in [stats::glm.fit()].
#' @param control a list of settings for [newton_glm_control()].
#' @seealso \code{vignette("glm", package = "newtonr")}.
#' @return glm.fit's list (coefficients, residuals, fitted.values, effects, R,
#'   rank, qr, family, linear.predictors, deviance, aic, null.deviance, iter,
#'   weights, prior.weights, df.residual, df.null, y, converged, boundary) plus
#'   `status` (an integer code, below), `trace` (data.frame: iter, deviance,
#'   halvings, grad_norm; grad_norm is the norm of the penalised score at the
#'   coefficients entering the iteration, `NA` in the first when the fit
#'   starts from `mustart`), `algorithm`, `newton_control` (every setting;
#'   there is no `control`, which [stats::glm()] and [newton_glm()] add), and
#'   `kernel` (internal:
#'   whether the family ran in C++, the number of row chunks of a pass over
#'   `x`, whether the AVX2 kernel ran). `qr` is glm.fit's: LINPACK's n x p
#'   QR of `sqrt(W) X` over the observations with positive working weight
#'   (class `"qr"`, with `qraux`, `pivot`, `tol`, `rank`), so `qr.*`
#'   functions and [stats::influence()] accept it. When forming it would cost
#'   more than about `5e7` flops (`n p^2`) and no iteration needed it, `qr`
#'   holds the p x p R factor only (`qr$r_only` is `TRUE`) and the list has
#'   `class = "newton_glm"`, which [stats::glm()] puts first in its object's
#'   class: the methods of [newton_glm-methods] then rebuild the n x p QR when
#'   one is needed (influence, hat values, Cook's distances, `qr(fit)`).
#'
#'   The codes of `status`:
#'   \Sexpr[results=rd,stage=build]{newtonr:::status_rd("glm")}
#' @examples
#' x <- cbind(1, matrix(rnorm(200), 100))
#' y <- rbinom(100, 1, plogis(x %*% c(0.5, 1, -1)))
#' fit <- newton_glm_fit(x, y, family = binomial())
#' fit$coefficients
#' fit$trace
#' @export
newton_glm_fit <- function(x, y, weights = NULL, start = NULL, etastart = NULL,
                           mustart = NULL, offset = NULL, family = gaussian(),
                           control = list(), intercept = TRUE, singular.ok = TRUE) {
  control <- glm_control_arg(control)
  sparse <- glm_is_sparse(x)
  if (sparse) x <- glm_sparse_arg(x)
  # the algorithm "auto" picks, and why (R/glm_large.R)
  choice <- glm_auto_algorithm(control$algorithm, sparse, NCOL(x), control$maxit)
  if (sparse && choice$algorithm == "gd") {
    stop_arg("x", "is sparse: algorithm = \"gd\" takes a dense matrix; use \"irls\", \"newton-cg\" or \"lbfgs\"")
  }
  large <- sparse || choice$algorithm %in% c("newton-cg", "lbfgs")
  inp <- glm_fit_inputs(x, y, weights, start, etastart, mustart, offset, family,
                        intercept, singular.ok, control, xwx = choice$algorithm %in% c("irls", "gd"))
  inp <- glm_fit_start(inp, control)
  out <- if (inp$nvars == 0L) {
    glm_fit_result(inp, glm_fit_empty(inp), control)
  } else if (large) {
    glm_large_result(inp, glm_large_run(inp, control, choice$algorithm), control)
  } else {
    glm_fit_result(inp, glm_fit_run(inp, control), control)
  }
  out$algorithm <- choice$algorithm
  out$algorithm_reason <- choice$reason
  out
}

# Step 1 of newton_glm_fit(): check and normalise the arguments (errors name
# the argument).  Returns the inputs as a list.
glm_fit_inputs <- function(x, y, weights, start, etastart, mustart, offset, family,
                           intercept, singular.ok, control, xwx = TRUE) {
  threads <- if (is.null(control$threads)) 0L else control$threads
  if (glm_is_sparse(x)) {
    colscale <- numeric(0)  # (a dgCMatrix, checked by glm_sparse_arg)
  } else {
  if (!(is.numeric(x) && !is.object(x)) && !is.data.frame(x)) {
    stop_arg("x", "must be a numeric matrix, not %s", describe(x))
  }
  if (!is.matrix(x)) x <- as.matrix(x)
  if (!is.numeric(x)) stop_arg("x", "must be a numeric matrix, not %s", describe(x))
  if (!is.double(x)) storage.mode(x) <- "double"
  # one pass over x: finiteness, and the power-of-2 column scales that keep
  # X'WX from overflowing or underflowing when x's columns are of extreme
  # size (1e+-300; numeric(0) when none is needed; glm_xtwx.hpp)
  colscale <- glm_col_scan_cpp(x, threads)
  if (is.null(colscale)) {
    if (anyNA(x)) stop_arg("x", "must not contain NA or NaN")
    stop_arg("x", "must be finite (no Inf)")
  }
  }
  if (is.character(y)) stop_arg("y", "must be numeric, logical or a factor, not a character vector")
  if (is.function(family)) family <- glm_call_family(family)
  check_flag(intercept, "intercept")
  check_flag(singular.ok, "singular.ok")
  if (!is.list(family) || !is.function(family$variance) || !is.function(family$linkinv)) {
    stop("'family' argument seems not to be a valid family object", call. = FALSE)
  }
  nobs <- NROW(y)
  nvars <- ncol(x)
  if (nrow(x) != nobs) {
    stop(sprintf("'x' has %d rows but 'y' has %d observations", nrow(x), nobs), call. = FALSE)
  }
  if (nobs == 0L) stop_arg("y", "has zero observations")
  if (nvars > 1000L && xwx) glm_check_size(nobs, nvars, "x", matrix = FALSE)
  glm_check_y(y, threads)
  if (is.null(weights)) weights <- rep.int(1, nobs) else glm_check_vec(weights, "weights", nobs, threads)
  if (any(weights < 0)) stop("negative weights not allowed", call. = FALSE)
  if (is.null(offset)) offset <- rep.int(0, nobs) else glm_check_vec(offset, "offset", nobs, threads)
  if (!is.null(mustart)) glm_check_vec(mustart, "mustart", nobs, threads)
  if (!is.null(etastart)) glm_check_vec(etastart, "etastart", nobs, threads)
  if (!is.null(start)) {
    if (!is.numeric(start) || is.object(start)) stop_arg("start", "must be a numeric vector, not %s", describe(start))
    if (any(is.infinite(start))) stop_arg("start", "must be finite (no Inf)")
  }
  list(x = x, y = y, weights = weights, start = start, etastart = etastart,
       mustart = mustart, offset = offset, family = family, intercept = intercept,
       singular.ok = singular.ok, colscale = colscale, threads = threads,
       nobs = nobs, nvars = nvars, xnames = dimnames(x)[[2L]],
       ynames = if (is.matrix(y)) rownames(y) else names(y))
}

# glm.fit lets NA/Inf in y reach lm.fit or the family ("NA/NaN/Inf in 'x'",
# "missing value where TRUE/FALSE needed"); name the argument instead.
glm_check_y <- function(y, threads) {
  note <- " (newton_glm() drops such rows through 'na.action')"
  if (is.factor(y)) {
    if (anyNA(y)) stop_arg("y", "must not contain NA%s", note)
  } else if (!is.numeric(y) && !is.logical(y)) {
    stop_arg("y", "must be numeric, logical or a factor, not %s", describe(y))
  } else {
    glm_check_finite(if (is.logical(y)) as.double(y) else y, "y", threads, na_note = note)
  }
}

# Step 2: starting values.  family$initialize is evaluated exactly as
# glm.fit does (in a frame holding glm.fit's variable names): it checks y's
# support and sets mustart, n and (binomial) y and weights.  Adds the
# starting eta (NULL: X start + offset, formed by the fit), `start` and `n`.
glm_fit_start <- function(inp, control) {
  x <- inp$x; y <- inp$y; weights <- inp$weights; start <- inp$start
  etastart <- inp$etastart; mustart <- inp$mustart; offset <- inp$offset
  family <- inp$family; intercept <- inp$intercept; nobs <- inp$nobs; nvars <- inp$nvars
  xnames <- inp$xnames; ynames <- inp$ynames; EMPTY <- nvars == 0L
  n <- NULL
  ini <- if (is.null(mustart) && is.numeric(y) && is.null(dim(y)) &&
             identical(family$family, "binomial") && is.double(weights) &&
             identical(family$initialize, stats::binomial()$initialize)) {
    # binomial()'s initialize for a 0/1 or proportion vector in one C++
    # pass; NULL when y has NA (R's code then reports it as glm.fit does)
    glm_binomial_init_cpp(y, weights)
  }
  if (!is.null(ini)) {
    # (binomial's `y[weights == 0] <- 0` makes y double even when no weight is 0)
    y <- if (!is.null(ini$y)) ini$y else as.double(y)
    mustart <- ini$mustart
    n <- 1  # all ones (recycled by the AIC)
    if (ini$nonint) warning("non-integer #successes in a binomial glm!", call. = FALSE)
  } else if (is.null(mustart)) {
    eval(family$initialize)
  } else {
    mukeep <- mustart
    eval(family$initialize)
    mustart <- mukeep
    if (is.null(etastart) && is.null(start) && !isTRUE(glm_valid(family, mu = mustart))) {
      stop_arg("mustart", "holds values that are not valid means for the %s family", family$family)
    }
  }
  if (!is.null(etastart) && !isTRUE(glm_valid(family, eta = etastart))) {
    stop_arg("etastart", "holds values that are not valid for the %s link", family$link)
  }
  if (!is.null(start) && is.null(etastart) && length(start) != nvars) {
    stop(gettextf("length of 'start' should equal %d and correspond to initial coefs for %s",
                  nvars, paste(deparse(inp$xnames), collapse = ", ")), domain = NA)
  }
  if (!is.null(etastart)) start <- NULL  # (etastart wins, as it always has here)
  eta <- etastart %or% if (is.null(start)) family$linkfun(mustart)
  if (!is.null(inp$mustart) && is.null(etastart) && is.null(start)) {
    glm_check_mustart(x, y, weights, offset, family, mustart, eta)
  }
  if (nvars > 0L && control$algorithm == "gd" && is.null(start) && is.null(etastart)) {
    # Gradient descent starts from beta = 0 when that point is valid for
    # the family (otherwise from glm's starting values through one IRLS step).
    eta0 <- rep.int(0, nobs) + offset
    if (isTRUE(glm_valid(family, eta = eta0, mu = family$linkinv(eta0)))) {
      start <- numeric(nvars)
      eta <- eta0
    }
  }
  inp[c("y", "weights", "start", "n")] <- list(y, weights, start, n)
  inp$eta <- if (!is.null(eta)) as.double(eta)
  inp
}

# A user's mustart that is a valid mean may still give a linear predictor
# or a first weighted least-squares problem that is not finite (0 under a
# log link; 1e300 under poisson's): an error naming 'mustart', not the
# overflow of X'WX that the first iteration would report.
glm_check_mustart <- function(x, y, weights, offset, family, mustart, eta) {
  if (!all(is.finite(eta))) {
    stop_arg("mustart", "gives a non-finite linear predictor under the %s link (e.g. a mean of 0 under log): give means inside the link's domain",
             family$link)
  }
  good <- weights > 0
  me <- family$mu.eta(eta)[good]
  w <- weights[good] * me^2 / family$variance(mustart)[good]
  z <- eta[good] - offset[good] + (y[good] - mustart[good]) / me
  if (!all(is.finite(w)) || !all(is.finite(z))) {
    stop_arg("mustart", "gives working weights or responses that are not finite at the first iteration: give means nearer the data")
  }
  # the X'WX overflow check is for dense designs (a sparse one is left to the
  # fit, which checks X'WX itself)
  if (!is.matrix(x)) return(invisible())
  # (columns of extreme size are equilibrated by the fit: so here too)
  xs <- x[good, , drop = FALSE]
  cm <- apply(abs(xs), 2L, max)
  xw <- sweep(xs, 2L, ifelse(cm > 0, cm, 1), "/") * sqrt(w)
  if (!all(is.finite(w)) || !all(is.finite(z)) || !all(is.finite(crossprod(xw))) ||
      !all(is.finite(crossprod(xw, sqrt(w) * z)))) {
    stop_arg("mustart", "gives working weights or responses that are not finite or overflow X'WX at the first iteration: give means nearer the data")
  }
}

# valideta(eta) && validmu(mu) of a family (TRUE for a missing test).
glm_valid <- function(family, eta = NULL, mu = NULL) {
  (is.null(eta) || is.null(family$valideta) || family$valideta(eta)) &&
    (is.null(mu) || is.null(family$validmu) || family$validmu(mu))
}

# Step 3: the fit, one call into C++ (glm_fit.hpp: the IRLS loop for every
# family; stats' families in C++, any other through its R closures).
glm_fit_run <- function(inp, control) {
  fam <- inp$family
  stock <- glm_is_stock_family(fam)
  # binomial's and poisson's aic in C++ when the family's aic is stats' own
  aic_n <- if (stock && fam$family %in% c("binomial", "poisson") &&
               identical(fam$aic, get(fam$family, envir = asNamespace("stats"))()$aic,
                         ignore.environment = TRUE)) {
    as.double(inp$n %or% 1)
  }
  null_mu <- if (inp$intercept) sum(inp$weights * inp$y) / sum(inp$weights) else fam$linkinv(inp$offset)
  res <- tryCatch(
    glm_fit_cpp(inp$x, as.double(inp$y), as.double(inp$weights), as.double(inp$offset),
                inp$eta, if (!is.null(inp$start)) as.double(inp$start), fam, stock,
                unclass(control),
                # (the core spares a column of ones from the ridge penalty
                # only when told there is an intercept to spare)
                inp$intercept && !isTRUE(control$penalize_intercept), inp$singular.ok, inp$colscale,
                as.double(null_mu), aic_n, isTRUE(getOption("newtonr.simd", TRUE)),
                as.integer(getOption("newtonr.chunk_rows", 0L))),
    error = function(e) stop(conditionMessage(e), call. = FALSE))
  for (msg in res$warnings) warning(msg, call. = FALSE)
  res$trace$grad_norm[is.nan(res$trace$grad_norm)] <- NA_real_  # not computed
  res
}

# glm.fit's empty model (no columns): evaluated in R.
glm_fit_empty <- function(inp) {
  fam <- inp$family
  eta <- rep.int(0, inp$nobs) + inp$offset
  if (!isTRUE(glm_valid(fam, eta = eta))) stop("invalid linear predictor values in empty model", call. = FALSE)
  mu <- fam$linkinv(eta)
  if (!isTRUE(glm_valid(fam, mu = mu))) stop("invalid fitted means in empty model", call. = FALSE)
  w <- (inp$weights * fam$mu.eta(eta)^2) / fam$variance(mu)
  null_mu <- if (inp$intercept) sum(inp$weights * inp$y) / sum(inp$weights) else fam$linkinv(inp$offset)
  list(coefficients = numeric(), eta = eta, mu = mu, weights = w,
       residuals = (inp$y - mu) / fam$mu.eta(eta),
       deviance = sum(fam$dev.resids(inp$y, mu, inp$weights)), iter = 0L,
       converged = TRUE, boundary = TRUE, status = 0L, aic = NA_real_, rank = 0,
       null_deviance = sum(fam$dev.resids(inp$y, null_mu, inp$weights)),
       trace = list(iter = integer(), deviance = numeric(), halvings = integer(),
                    grad_norm = numeric()))
}

# Step 4: glm.fit's result list (and its warnings) from the fit.
glm_fit_result <- function(inp, raw, control) {
  fam <- inp$family
  nobs <- inp$nobs
  nvars <- inp$nvars
  EMPTY <- nvars == 0L
  if (!EMPTY) glm_fit_warnings(inp, raw, control)
  coef <- raw$coefficients
  rank <- raw$rank
  ynames <- inp$ynames
  y <- inp$y
  weights <- inp$weights
  names(y) <- names(weights) <- ynames
  fitted <- lapply(raw[c("residuals", "mu", "eta", "weights")], function(v) { names(v) <- ynames; v })
  qr <- Rmat <- effects <- NULL
  if (!EMPTY) {
    names(coef) <- inp$xnames
    parts <- if (is.null(raw$qr)) glm_fit_rfactor(inp, raw) else glm_fit_fullqr(inp, raw)
    Rmat <- parts$R; effects <- parts$effects; qr <- parts$qr
  }
  n.ok <- nobs - sum(weights == 0)
  aic <- if (is.na(raw$aic)) fam$aic(y, inp$n, fitted$mu, weights, raw$deviance) else raw$aic
  out <- list(coefficients = coef, residuals = fitted$residuals, fitted.values = fitted$mu,
              effects = effects, R = Rmat, rank = rank, qr = qr, family = fam,
              linear.predictors = fitted$eta, deviance = raw$deviance, aic = aic + 2 * rank,
              null.deviance = raw$null_deviance, iter = raw$iter, weights = fitted$weights,
              prior.weights = weights, df.residual = n.ok - rank,
              df.null = n.ok - as.integer(inp$intercept), y = y, converged = raw$converged,
              boundary = raw$boundary, status = raw$status, trace = new_trace(raw$trace),
              algorithm = control$algorithm, newton_control = control)
  if (!EMPTY) out$kernel <- raw$kernel
  # glm() appends its own `control` (glm.control()'s); a fit whose qr is
  # only the p x p R factor is classed so that glm() objects reach the
  # methods that rebuild the n x p QR (glm() takes fit$class first)
  if (!EMPTY && is.null(raw$qr)) out$class <- "newton_glm"
  out
}

# glm.fit's R, effects and qr from the core's n x p LINPACK QR of sqrt(W) X
# over the informative rows (glm_qr.hpp), exactly as glm.fit builds them.
glm_fit_fullqr <- function(inp, raw) {
  nvars <- inp$nvars
  rank <- raw$rank
  xxnames <- inp$xnames[raw$pivot]
  qrm <- raw$qr
  good <- raw$weights > 0
  dimnames(qrm) <- list(if (!is.null(rownames(inp$x))) rownames(inp$x)[good], xxnames)
  nr <- min(nrow(qrm), nvars)
  if (nr < nvars) {
    Rmat <- diag(nvars)
    Rmat[seq_len(nr), ] <- qrm[seq_len(nr), ]
  } else {
    Rmat <- qrm[seq_len(nvars), , drop = FALSE]
  }
  Rmat <- as.matrix(Rmat)
  Rmat[row(Rmat) > col(Rmat)] <- 0
  dimnames(Rmat) <- list(xxnames, xxnames)
  effects <- raw$qty
  names(effects) <- c(xxnames[seq_len(rank)], rep.int("", length(effects) - rank))
  qr <- structure(list(qr = qrm, rank = rank, qraux = raw$qraux, pivot = raw$pivot,
                       tol = raw$tol), class = "qr")
  list(R = Rmat, effects = effects, qr = qr)
}

# For large fits (the core keeps no n x p matrix): R, effects padded to n,
# and a "qr" holding the p x p R factor; the methods of "newton_glm" rebuild
# glm's n x p QR on demand (glm_full_qr in glm_methods.R).
glm_fit_rfactor <- function(inp, raw) {
  nvars <- inp$nvars
  rank <- raw$rank
  xxnames <- inp$xnames[raw$pivot]
  Rmat <- raw$R
  if (rank < nvars) {
    Rfull <- diag(nvars)
    Rfull[seq_len(rank), ] <- Rmat[seq_len(rank), ]
    Rmat <- Rfull
  }
  dimnames(Rmat) <- list(xxnames, xxnames)
  effects <- numeric(inp$nobs)
  effects[seq_len(rank)] <- raw$effects
  names(effects) <- c(xxnames[seq_len(rank)], rep.int("", inp$nobs - rank))
  qr <- structure(list(qr = Rmat, rank = rank, qraux = numeric(nvars),
                       pivot = raw$pivot, tol = raw$tol, r_only = TRUE), class = "qr")
  list(R = Rmat, effects = effects, qr = qr)
}

# glm.fit's warnings after the loop; for binomial fits that show signs of
# separation (a fitted probability within 1e-6 of 0 or 1, or no
# convergence) also the covariates that separate (R/separation.R).
glm_fit_warnings <- function(inp, raw, control) {
  if (!raw$converged) warning(glm_nonconv_message(raw, control), call. = FALSE)
  if (raw$boundary) warning("newton_glm_fit: algorithm stopped at boundary value", call. = FALSE)
  eps <- 10 * .Machine$double.eps
  mu <- raw$mu
  if (inp$family$family == "binomial") {
    r <- range(mu)  # one pass
    extreme <- r[2L] > 1 - eps || r[1L] < eps
    if (extreme) {
      warning("newton_glm_fit: fitted probabilities numerically 0 or 1 occurred", call. = FALSE)
    }
    if (!raw$converged || r[1L] < 1e-6 || r[2L] > 1 - 1e-6) {
      glm_warn_separation(inp, raw, control, extreme)
    }
  }
  if (inp$family$family == "poisson" && any(mu < eps)) {
    warning("newton_glm_fit: fitted rates numerically 0 occurred", call. = FALSE)
  }
}

# The warning of a fit that did not converge.  Gradient descent says why it
# is slow: it converges linearly, at a rate set by the condition number of
# X'WX (R'R at the final point, so kappa(R)^2), and how to get the answer.
glm_nonconv_message <- function(raw, control) {
  msg <- sprintf("newton_glm_fit: algorithm did not converge in %d iterations (maxit)", raw$iter)
  if (!identical(control$algorithm, "gd")) return(paste0(msg, "; increase control$maxit?"))
  R <- raw$R
  kap <- if (is.matrix(R) && raw$rank > 0L) {
    r <- seq_len(raw$rank)
    tryCatch(kappa(R[r, r, drop = FALSE], exact = TRUE)^2, error = function(e) NA_real_)
  } else NA_real_
  paste0(msg, sprintf(paste0(
    ": gradient descent converges linearly, slowly when X'WX is ill-conditioned%s; ",
    "use algorithm = \"irls\" (the default, a few iterations), or increase control$maxit, ",
    "or standardise the covariates (scale())"),
    if (is.finite(kap)) sprintf(" (here its condition number is %.3g)", kap) else ""))
}

# Names the covariates that separate the data (their estimates are
# infinite): the linear programs of R/separation.R on the non-aliased
# columns; when they cannot run (no boot package, too many distinct rows),
# and glm's "fitted probabilities 0 or 1" warning was given, the coefficients
# still growing (glm_diverging_columns).  Not for a ridge penalty (finite
# estimates).
glm_warn_separation <- function(inp, raw, control, extreme) {
  if (isTRUE(control$lambda > 0)) return(invisible())
  ok <- which(!is.na(raw$coefficients))
  cols <- tryCatch(glm_separating_columns(inp$x[, ok, drop = FALSE], as.double(inp$y),
                                          inp$weights),
                   error = function(e) NULL)
  div <- if (!is.null(cols)) ok[cols] else if (extreme) glm_diverging_columns(inp, raw)
  if (inp$intercept) div <- setdiff(div, which(apply(inp$x == 1, 2L, all)))
  if (length(div)) {
    nm <- if (is.null(inp$xnames)) paste0("x", div) else inp$xnames[div]
    warning(sprintf(paste0("newton_glm_fit: coefficients of %s diverge: the data are separated ",
                           "(complete or quasi-complete separation), so their maximum-likelihood ",
                           "estimates are infinite"),
                    paste(nm, collapse = ", ")), call. = FALSE)
  }
}

# The fallback: a last step still large relative to the coefficient, and
# (scaled by the column's spread) at least a tenth of the largest such step.
glm_diverging_columns <- function(inp, raw) {
  if (is.null(raw$coef_prev) || is.null(raw$col_range)) return(integer())
  b0 <- raw$coef_prev
  b1 <- raw$coefficients
  b1[is.na(b1)] <- 0
  sc <- abs(b1 - b0) * raw$col_range
  which(abs(b1 - b0) > 1e-3 * (1 + abs(b1)) & sc >= 0.1 * max(sc, na.rm = TRUE))
}

# TRUE when the family is one of stats' (by family, link and quasi's
# variance name) and so has a C++ implementation; anything else (a user's
# own family, a power() link) goes through its R closures.
# The names alone are not enough: a family object whose closures were
# replaced (fam$variance <- ...) keeps its names, and the C++ formulas would
# then silently ignore the user's functions. So the closures the loop
# replaces must be those a fresh stats family of the same names has.
glm_is_native <- function(family) {
  glm_is_stock_family(family) &&
    glm_native_family_cpp(family$family, family$link, glm_varfun(family))
}

# TRUE when the family's names are single strings and its closures are
# those of the stats family of the same names (the fit then uses the C++
# family when one exists).
glm_is_stock_family <- function(family) {
  if (!(is.character(family$family) && length(family$family) == 1L &&
        is.character(family$link) && length(family$link) == 1L)) {
    return(FALSE)
  }
  key <- paste(family$family, family$link, glm_varfun(family), sep = "\r")
  ref <- glm_stock_cache[[key]]
  if (is.null(ref)) {
    ctor <- get0(family$family, envir = asNamespace("stats"), mode = "function")
    if (is.null(ctor)) return(FALSE)
    args <- list(link = family$link)
    if (identical(family$family, "quasi")) args$variance <- glm_varfun(family)
    ref <- tryCatch(do.call(ctor, args), error = function(e) NULL)
    if (is.null(ref)) return(FALSE)
    glm_stock_cache[[key]] <- ref  # stats' families are fixed within a session
  }
  for (nm in c("linkfun", "linkinv", "mu.eta", "variance", "dev.resids", "valideta",
               "validmu")) {
    if (!identical(family[[nm]], ref[[nm]], ignore.environment = TRUE,
                   ignore.bytecode = TRUE, ignore.srcref = TRUE)) {
      return(FALSE)
    }
  }
  TRUE
}

glm_stock_cache <- new.env(parent = emptyenv())

glm_varfun <- function(family) {
  v <- family$varfun
  if (is.character(v) && length(v) == 1L && !is.na(v)) v else ""
}

# A numeric vector argument (weights, offset) of length n with finite values
# (one pass without allocation when all is well).
glm_check_vec <- function(v, arg, n, threads) {
  if (!is.numeric(v) || is.object(v) && !is.numeric(unclass(v))) {
    stop_arg(arg, "must be a numeric vector, not %s", describe(v))
  }
  if (length(v) != n) stop_arg(arg, "must have length %d, not %d", n, length(v))
  glm_check_finite(v, arg, threads)
}

# Every value finite (one pass without allocation when all is well), else an
# error naming `arg` that says whether NA/NaN or Inf was found.
glm_check_finite <- function(v, arg, threads, na_note = "") {
  if (!glm_all_finite_cpp(v, threads)) {
    if (anyNA(v)) stop_arg(arg, "must not contain NA or NaN%s", na_note)
    stop_arg(arg, "must be finite (no Inf)")
  }
  invisible(v)
}

# A GLM's dense matrices: the n x p model matrix (`matrix = TRUE`: not yet
# built) and X'WX (p x p).  The fit holds several p x p matrices at once:
# X'WX, its Cholesky factor, R, the per-chunk sums, and the copies handed to
# R (R, and X'WX on the R-closure path).  Measured peak growth of the
# resident memory during a fit (VmHWM, p = 1000 and 2000): 6.1 (gaussian),
# 7.0 (binomial, C++ loop) and 8.1 (R-closure family) times p^2 * 8 bytes;
# so 8 copies are counted.  Compared with the memory available now
# (dense_available() in utils.R), not the machine's total.  An error stating
# the memory needed when they cannot fit (check_dense_size in utils.R).
glm_xtwx_copies <- 8

glm_check_size <- function(n, p, arg, matrix = TRUE) {
  limit <- dense_available()
  if (matrix) {
    check_dense_size(n, p, "model matrix", arg, limit = limit,
                     hint = "fit a subset of the rows, or use fewer factor levels or interactions")
  }
  check_dense_size(p, p, "X'WX matrix", arg, limit = limit, copies = glm_xtwx_copies,
                   hint = "too many coefficients for a dense IRLS fit; use fewer factor levels or interactions")
}

# The `control` argument of newton_glm_fit() and newton_glm(): a list of
# settings for newton_glm_control() (NULL: the defaults), or its result --
# checked again, as a "newton_glm_control" object may have been made or
# edited by hand (maxit = 0L, threads = 1e5).  glm.fit() refuses a control
# that is not a list (do.call's "second argument must be a list"); so do
# we, naming 'control', rather than taking a number as `epsilon`.
glm_control_arg <- function(control) {
  if (is.null(control)) control <- list()
  if (!is.list(control) || is.data.frame(control)) {
    stop_arg("control", "must be a list of settings for newton_glm_control(), not %s",
             describe(control))
  }
  control <- unclass(control)
  if (length(control) && (is.null(names(control)) || any(!nzchar(names(control))))) {
    stop_arg("control", "must be a named list (e.g. list(maxit = 50)), not an unnamed one")
  }
  control <- control[!vapply(control, is.null, NA)]
  do.call(newton_glm_control, control)
}

# glm.control()'s three keys of a newton_glm_control (the fit's `control`,
# which glm's tools pass on to glm.fit: car::Anova, MASS::dropterm,
# glm(control = fit$control)); the full settings are the fit's
# `newton_control`.
glm_control_keys <- function(control) {
  list(epsilon = control$epsilon, maxit = control$maxit, trace = control$trace)
}

# Largest `threads` setting accepted (the kernels further cap the thread
# count at their number of blocks of work).
glm_max_threads <- 1024L

# x, or y when x is NULL (base R only has %||% from 4.4.0).
`%or%` <- function(x, y) if (is.null(x)) y else x
