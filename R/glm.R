# glm.R -- newton_glm(): the formula interface to newton_glm_fit(). It follows
# stats::glm() step by step (model frame with subset/weights/na.action/offset/
# etastart/mustart, family from a string, function or object, the offset-aware
# null deviance refit) so that every glm method sees the fields it expects.
# Its `qr` is glm's n x p QR, except on large fits where it holds only the
# p x p R factor and the methods needing glm's full QR rebuild it on demand
# (see glm_methods.R).

#' Fit a generalised linear model by Newton's method / IRLS
#'
#' A drop-in replacement for [stats::glm()]: the same arguments, the same
#' fields in the result, and the glm methods (`summary`, `anova`, `predict`,
#' `residuals`, `confint`, `plot`, ...) work on it. The fit itself is done by
#' [newton_glm_fit()] (the C++ IRLS kernel).
#'
#' Differences from glm: the default `method` is `"newton_glm_fit"`;
#' `control` takes the settings of [newton_glm_control()] (e.g.
#' `type = "newton"`, `lambda`, `algorithm = "gd"`, `threads`); the result
#' also has `trace`, a data.frame with one row per iteration (`iter`,
#' `deviance`, `halvings`, `grad_norm`), shown by `plot(fit, which = "trace")`
#' or [plot_trace()]; its `qr` component is glm's n x p QR, except on large
#' fits where it holds the p x p R factor only and [qr()] on the fit
#' rebuilds glm's full n x p QR when needed (see [newton_glm_fit()]).
#'
#' Settings: `fit$control` holds glm's three keys only (`epsilon`, `maxit`,
#' `trace`), as [stats::glm.control()] returns them, so that the tools that
#' pass it on to glm.fit work: `car::Anova(fit)`, `MASS::stepAIC(fit)`,
#' `MASS::dropterm(fit)`, `glm(..., control = fit$control)`. All the settings
#' (`type`, `lambda`, `algorithm`, `threads` too) are in `fit$newton_control`
#' (pass it as `control =` to refit the same way).
#'
#' `method` is the fitting function, as in glm, not the algorithm:
#' `method = "gd"` or `"BFGS"` is an error that says so; gradient descent is
#' `control = list(algorithm = "gd")`. A fit that did not converge says so in
#' its warning, its print, above the coefficient table of `summary()` and in
#' the title of its plots.
#'
#' Before the model matrix is built, its size is computed from the terms
#' (columns of each variable, levels of each factor); a model matrix or an
#' X'WX that would not fit in memory (the memory available now, MemAvailable
#' on Linux, counting the 8 p x p working copies a fit holds; or
#' `options(newtonr.dense_limit = <bytes>)`) is an error stating the memory
#' needed, e.g. for `y ~ id` with a factor `id` of 2e5 levels.
#'
#' @section Data in a database or in chunks:
#' `data` may be a table in a database, given as a dplyr/dbplyr lazy table
#' (`dplyr::tbl(con, "t")`, `dplyr::tbl(con, DBI::Id(schema = "s", table =
#' "t"))` or any lazy query): each IRLS iteration is then one aggregation
#' query run by the engine over all rows (X'WX, X'Wz, the deviance), the
#' model matrix is expanded in SQL (factors by treatment contrasts) and the
#' rows never come into R. Families: gaussian (identity), binomial and
#' quasibinomial (logit), poisson and quasipoisson (log), Gamma (log);
#' SQLite needs `RSQLite::initExtension(con, "math")`. `weights` and
#' `offset` are expressions of columns; rows with a missing value follow
#' `na.action` (na.omit, na.exclude or na.fail); `subset` becomes a
#' `WHERE` clause when it translates to SQL (else an error naming it);
#' `etastart`/`mustart` are expressions of columns or a number; a binomial
#' response may be `cbind(successes, failures)`; `sparse = TRUE` has no
#' effect there (a message says so); `x = TRUE`, `type = "newton"` and the
#' probit/cauchit links are not available. `data` may also be a
#' `function(reset)` returning successive data.frames (biglm's `bigglm()`
#' protocol: `reset = TRUE` rewinds, `NULL` after the last chunk); each
#' iteration then sweeps the chunks once. The result, of class
#' `"newton_glm_db"`, has coef, vcov, summary, anova (between nested
#' fits), logLik/AIC/BIC, nobs and predict (with `newdata`) methods;
#' residuals and fitted values are per-row results and are not available.
#' See `vignette("glm-database", package = "newtonr")`.
#'
#' @param formula a model formula, as in [stats::glm()] (a character string
#'   is converted with [stats::as.formula()]).
#' @param family a family: a function such as `binomial`, a call such as
#'   `binomial(link = "probit")`, or its name as a string.
#' @param data,weights,subset,na.action,start,etastart,mustart,offset as in
#'   [stats::glm()].
#' @param control a list of settings for [newton_glm_control()]; by default
#'   built from `...`.
#' @param model,x,y logical: keep the model frame, the model matrix, the
#'   response in the result.
#' @param method the fitting function or its name (default
#'   `"newton_glm_fit"`; `"glm.fit"` also works); `"model.frame"` returns the
#'   model frame.
#' @param singular.ok logical; if `FALSE` a rank-deficient model is an error.
#' @param contrasts an optional list of contrasts, see
#'   [stats::model.matrix.default()].
#' @param sparse logical; `TRUE` builds the model matrix with
#'   [Matrix::sparse.model.matrix()] (a `dgCMatrix`: a factor with thousands
#'   of levels fits where the dense matrix would not), fitted by IRLS with
#'   X'WX accumulated from the sparse rows up to 400 columns and by
#'   `"newton-cg"` beyond (see [newton_glm_control()]).
#' @param ... settings for [newton_glm_control()] when `control` is not given.
#' @return An object of class `c("newton_glm", "glm", "lm")` with every field
#'   of a glm object (`coefficients`, `residuals`, `fitted.values`, `effects`,
#'   `R`, `rank`, `qr`, `family`, `linear.predictors`, `deviance`, `aic`,
#'   `null.deviance`, `iter`, `weights`, `prior.weights`, `df.residual`,
#'   `df.null`, `y`, `converged`, `boundary`, `model`, `na.action`, `call`,
#'   `formula`, `terms`, `data`, `offset`, `control`, `method`, `contrasts`,
#'   `xlevels`; `control` with glm's three keys) plus `trace`, `algorithm`
#'   and `newton_control` (every setting, a [newton_glm_control()] object).
#' @seealso [newton_glm_fit()], [newton_glm_control()], [plot_trace()];
#'   the vignette \code{vignette("glm", package = "newtonr")} (IRLS as
#'   Newton's method, step by step).
#' @examples
#' fit <- newton_glm(am ~ wt + hp, family = binomial, data = mtcars)
#' summary(fit)
#' fit$trace
#' all.equal(coef(fit), coef(glm(am ~ wt + hp, family = binomial, data = mtcars)))
#' predict(fit, newdata = data.frame(wt = 3, hp = 120), type = "response",
#'         se.fit = TRUE)
#' @export
newton_glm <- function(formula, family = gaussian, data, weights, subset,
                       na.action, start = NULL, etastart, mustart, offset,
                       control = list(...), model = TRUE,
                       method = "newton_glm_fit", x = FALSE, y = TRUE,
                       singular.ok = TRUE, contrasts = NULL, sparse = FALSE, ...) {
  cal <- match.call()
  check_flag(sparse, "sparse")
  # a database table or a function(reset) of chunks: IRLS in the engine (glm_db.R)
  if (!missing(data) && nzchar(glm_db_kind(data))) return(newton_glm_db(cal, data, parent.frame()))
  if (missing(formula)) stop_arg("formula", "is missing: give a model formula such as y ~ x")
  formula <- glm_formula_arg(formula)
  family <- glm_family(family, parent.frame())
  check_flag(model, "model")
  check_flag(x, "x")
  check_flag(y, "y")
  check_flag(singular.ok, "singular.ok")
  if (!is.null(contrasts) && (!is.list(contrasts) || is.null(names(contrasts)) ||
                              any(!nzchar(names(contrasts))))) {
    stop_arg("contrasts", "must be NULL or a named list such as list(f = \"contr.sum\"), not %s",
             describe(contrasts))
  }
  if (missing(data)) data <- environment(formula)
  mf <- glm_build_frame(match.call(expand.dots = FALSE), formula,
                        if (!missing(na.action)) na.action, parent.frame())
  if (identical(method, "model.frame")) return(mf)
  control <- glm_method_control(method, control)
  parts <- glm_frame_parts(mf, contrasts, sparse)
  fit <- glm_call_fitter(method, parts, start, family, control, singular.ok)
  if (x) fit$x <- parts$X
  parts$X <- NULL  # the n x p model matrix is not kept unless x = TRUE
  if (model) fit$model <- mf
  fit$na.action <- attr(mf, "na.action")
  if (!y) fit$y <- NULL
  if (inherits(control, "newton_glm_control")) {
    # glm's three keys in $control (glm's tools pass them on to glm.fit);
    # the full settings in $newton_control
    fit$newton_control <- control
    control <- glm_control_keys(control)
  }
  fit$control <- fit$class <- NULL
  structure(c(fit, list(call = cal, formula = formula, terms = parts$mt, data = data,
                        offset = parts$off, control = control, method = method,
                        contrasts = parts$contr, xlevels = parts$xlevels)),
            class = c("newton_glm", "glm", "lm"))
}

# The formula argument: a two-sided formula (a string is parsed).
glm_formula_arg <- function(formula) {
  if (is.character(formula) && length(formula) == 1L) {
    formula <- tryCatch(stats::as.formula(formula), error = function(e)
      stop_arg("formula", "is a string that is not a formula (%s)", conditionMessage(e)))
  }
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    stop_arg("formula", "must be a two-sided formula such as y ~ x, not %s",
             if (inherits(formula, "formula")) "a one-sided formula" else describe(formula))
  }
  formula
}

# The model frame, built exactly as glm builds it from newton_glm()'s call
# `mf` (match.call(expand.dots = FALSE)); `na.action` NULL when not given.
glm_build_frame <- function(mf, formula, na.action, env) {
  m <- match(c("formula", "data", "subset", "weights", "na.action",
               "etastart", "mustart", "offset"), names(mf), 0L)
  mf <- mf[c(1L, m)]
  mf$formula <- formula
  mf$drop.unused.levels <- TRUE
  mf[[1L]] <- quote(stats::model.frame)
  # With the default na.action (na.omit or na.exclude from options()),
  # na.omit.data.frame copies the whole frame even when nothing is missing
  # (about 1 s at n = 1e6, p = 50).  Build the frame with na.pass instead and
  # keep it when it has no NA: the result is then the same frame.  Otherwise
  # (or with an explicit na.action) the frame is built exactly as glm builds it.
  if (!is.null(na.action) && !is.function(na.action) &&
      !(is.character(na.action) && length(na.action) == 1L && !is.na(na.action) &&
        is.function(get0(na.action, envir = env, mode = "function")))) {
    stop_arg("na.action", "must be a function such as na.omit, or its name, not %s",
             describe(na.action))
  }
  if (m[5L] == 0L && glm_default_na_omit()) {
    mf_pass <- mf
    mf_pass$na.action <- quote(stats::na.pass)
    frame <- glm_eval_frame(mf_pass, env)
    if (anyNA(frame, recursive = TRUE)) glm_eval_frame(mf, env) else frame
  } else {
    glm_eval_frame(mf, env)
  }
}

# The method argument checked, and its control settings: glm.control() for
# glm.fit, newton_glm_control() for newton_glm_fit, as given otherwise.
glm_method_control <- function(method, control) {
  if (!(is.character(method) && length(method) == 1L && !is.na(method)) && !is.function(method)) {
    stop_arg("method", "must be a fitting function or its name, not %s", describe(method))
  }
  if (is.character(method) && method %in% glm_algorithm_names) {
    stop_arg("method", paste0(
      "is the fitting function (default \"newton_glm_fit\"; \"glm.fit\" also works), not the ",
      "algorithm: \"%s\" is not a fitting function. newton_glm's algorithms are set by ",
      "control = list(algorithm = \"irls\") (Newton/Fisher scoring, the default) or ",
      "control = list(algorithm = \"gd\") (gradient descent)%s"), method,
      if (!method %in% c("irls", "gd", "newton", "fisher"))
        "; for BFGS or L-BFGS, minimise the deviance with newton_optim()" else "")
  }
  if (is.character(method) && is.null(get0(method, mode = "function"))) {
    stop_arg("method", "names no fitting function: \"%s\"", method)
  }
  if (identical(method, "glm.fit")) {
    control <- do.call(stats::glm.control, as.list(control))
  } else if (identical(method, "newton_glm_fit") || identical(method, newton_glm_fit)) {
    control <- glm_control_arg(control)
  }
  control
}

# Algorithm names typed as newton_glm(method =) by optim's and
# newton_optim's users (the method of glm is the fitting function).
glm_algorithm_names <- c("irls", "gd", "newton", "fisher", "BFGS", "bfgs", "L-BFGS-B",
                         "lbfgs", "L-BFGS", "CG", "Nelder-Mead", "SANN", "Brent", "auto",
                         "trust", "newton-cg")

# What the fitter needs from the model frame: terms, response, model
# matrix, weights, offset, mustart, etastart, xlevels, contrasts.
glm_frame_parts <- function(mf, contrasts, sparse = FALSE) {
  mt <- attr(mf, "terms")
  Y <- stats::model.response(mf, "any")
  if (NROW(Y) == 0L) {
    stop("no observations to fit (zero rows after removing missing values with 'na.action' and applying 'subset')",
         call. = FALSE)
  }
  if (is.character(Y)) {
    stop("the response must be numeric, logical or a factor, not a character vector; ",
         "convert it with factor()", call. = FALSE)
  }
  if (length(dim(Y)) == 1L) {
    nm <- rownames(Y)
    dim(Y) <- NULL
    if (!is.null(nm)) names(Y) <- nm
  }
  xlevels <- stats::.getXlevels(mt, mf)
  if (!stats::is.empty.model(mt) && !sparse) glm_check_frame_size(mt, mf, xlevels, contrasts, NROW(Y))
  X <- if (!stats::is.empty.model(mt)) {
    # sparse = TRUE: Matrix's sparse model matrix (a dgCMatrix)
    if (sparse) Matrix::sparse.model.matrix(mt, mf, contrasts) else stats::model.matrix(mt, mf, contrasts)
  } else {
    matrix(NA_real_, NROW(Y), 0L)
  }
  w <- as.vector(stats::model.weights(mf))
  if (!is.null(w) && !is.numeric(w)) stop_arg("weights", "must be a numeric vector")
  if (!is.null(w) && any(w < 0)) stop("negative weights not allowed", call. = FALSE)
  off <- as.vector(stats::model.offset(mf))
  if (!is.null(off) && length(off) != NROW(Y)) {
    stop(gettextf("number of offsets is %d should equal %d (number of observations)",
                  length(off), NROW(Y)), domain = NA)
  }
  list(mt = mt, Y = Y, X = X, w = w, off = off, mus = stats::model.extract(mf, "mustart"),
       etas = stats::model.extract(mf, "etastart"), xlevels = xlevels,
       contr = attr(X, "contrasts"), intercept = attr(mt, "intercept") > 0L)
}

# The fit by `method`, and glm's null deviance with an offset (a fit of the
# intercept alone).
glm_call_fitter <- function(method, parts, start, family, control, singular.ok) {
  fitter <- if (is.function(method)) method else get(method, mode = "function")
  own <- is.character(method) && method %in% c("newton_glm_fit", "glm.fit") ||
    identical(method, newton_glm_fit) || identical(method, stats::glm.fit)
  call_fit <- function() {
    fitter(x = parts$X, y = parts$Y, weights = parts$w, start = start, etastart = parts$etas,
           mustart = parts$mus, offset = parts$off, family = family, control = control,
           intercept = parts$intercept, singular.ok = singular.ok)
  }
  fit <- if (own) call_fit() else {
    # a user's fitting function: its errors are said to come from it
    tryCatch(call_fit(), error = function(e) stop_arg("method", "failed with error: %s", conditionMessage(e)))
  }
  if (length(parts$off) && parts$intercept) {
    fit2 <- fitter(x = parts$X[, "(Intercept)", drop = FALSE], y = parts$Y,
                   mustart = fit$fitted.values, weights = parts$w, offset = parts$off,
                   family = family, control = control, intercept = TRUE)
    if (!fit2$converged) {
      warning("fitting to calculate the null deviance did not converge -- increase 'maxit'?")
    }
    fit$null.deviance <- fit2$deviance
  }
  fit
}

# model.frame() with glm's arguments, its errors naming the argument at
# fault: "variable lengths differ (found for '(weights)')" becomes "... for
# 'weights'"; other errors are said to come from building the model frame
# of 'formula' and 'data'.
glm_eval_frame <- function(mf, env) {
  tryCatch(eval(mf, env), error = function(e) {
    msg <- conditionMessage(e)
    arg <- regmatches(msg, regexpr("'\\((weights|subset|offset|etastart|mustart)\\)'", msg))
    if (length(arg)) {
      a <- gsub("[^a-z]", "", arg)
      stop_arg(a, "does not fit the model frame: %s", sub(arg, sprintf("'%s'", a), msg, fixed = TRUE))
    }
    if (!is.null(mf$subset) && grepl("subscript", msg)) {
      stop_arg("subset", "cannot select rows of the model frame: %s", msg)
    }
    stop(sprintf("building the model frame from 'formula' and 'data' failed: %s", msg), call. = FALSE)
  })
}

# TRUE when options("na.action") is na.omit or na.exclude (which give the
# same model frame as na.pass when there is no NA).
glm_default_na_omit <- function() {
  na <- getOption("na.action")
  if (is.character(na) && length(na) == 1L) return(na %in% c("na.omit", "na.exclude"))
  identical(na, stats::na.omit) || identical(na, stats::na.exclude)
}

# A family object from a string, a family function or a family object, with
# glm's checks (and a clearer message for a misspelt name).
glm_family <- function(family, env) {
  if (is.character(family)) {
    fam <- get0(family, envir = env, mode = "function")
    if (is.null(fam)) stop_arg("family", "names no family function: \"%s\"", family)
    family <- fam
  }
  if (is.function(family)) family <- glm_call_family(family)
  if (!is.list(family) || is.null(family$family) || !is.function(family$linkinv)) {
    stop_arg("family", "must be a family such as binomial or poisson(link = \"log\"), not %s",
             describe(family))
  }
  family
}

# family(), for a family given as a function (binomial): a function that
# cannot be called without arguments is not a family function.
glm_call_family <- function(family) {
  tryCatch(family(), error = function(e)
    stop_arg("family", "is a function that did not return a family when called as family(): %s",
             conditionMessage(e)))
}

# Refuse, before model.matrix() allocates it, a model matrix (n x p) or an
# X'WX (p x p) that cannot fit in memory, with the estimate (check_dense_size
# in utils.R).
glm_check_frame_size <- function(mt, mf, xlevels, contrasts, n) {
  p <- glm_model_ncol(mt, mf, xlevels, contrasts)
  glm_check_size(n, p, "formula")
  invisible(p)
}

# The number of columns model.matrix() will give, from the terms alone (no
# model matrix is built: even one of two rows would build each factor's
# levels x levels contrast matrix).  Per term, the product over its variables
# of: columns of a numeric variable; for a factor (character, logical), its
# number of levels when the term codes it by dummies (entry 2 of the terms'
# "factors" matrix) and otherwise the columns of its contrasts (levels - 1 for
# the contr.* functions).
glm_model_ncol <- function(mt, mf, xlevels, contrasts) {
  fac <- attr(mt, "factors")
  p <- attr(mt, "intercept")
  if (!length(fac)) return(as.double(p))
  vn <- rownames(fac)
  k <- full <- rep(1, length(vn))
  for (i in seq_along(vn)) {
    v <- .subset2(mf, vn[i])
    lv <- xlevels[[vn[i]]]
    if (is.null(lv) && is.logical(v)) lv <- c(FALSE, TRUE)
    if (is.null(lv)) {
      k[i] <- full[i] <- NCOL(v)
    } else {
      full[i] <- length(lv)
      cm <- if (!is.null(contrasts[[vn[i]]])) contrasts[[vn[i]]] else attr(v, "contrasts")
      k[i] <- if (is.matrix(cm)) ncol(cm) else length(lv) - 1
    }
  }
  # without an intercept, the first factor of the first term holding one is
  # coded by dummies (R's model.c does the same)
  if (p == 0L) {
    isf <- full > 1 & vapply(vn, function(v) !is.null(xlevels[[v]]) || is.logical(.subset2(mf, v)), TRUE)
    hit <- which(fac > 0 & isf, arr.ind = TRUE)
    if (nrow(hit)) {
      h <- hit[order(hit[, 2L], hit[, 1L])[1L], ]
      fac[h[1L], h[2L]] <- 2L
    }
  }
  # per term: k where the entry is 1, full where it is 2, 1 elsewhere
  m <- k * (fac == 1) + full * (fac == 2) + (fac == 0)
  # (products as sums of logs: exact enough for a size estimate, and no
  # per-column R calls)
  as.double(p) + sum(round(exp(colSums(log(m)))))
}
