# glm_db_result.R -- the database fit's driver and its result: the
# describing query (glm's checks of y and the weights, family$initialize's
# conditions), the loop (glm_sums_fit_cpp), the null deviance (glm's rule:
# the weighted mean, or a refit of the intercept when there is an offset),
# AIC (the family's aic from sums the engine computes) and the object of
# class "newton_glm_db" (glm_db_methods.R).

glm_db_fit_sql <- function(data, opts) {
  spec <- glm_db_spec(data, opts)
  spec$fence <- spec$src$fence
  con <- spec$src$con
  d1 <- sprintf("SELECT %s AS y_, %s AS w_ FROM %s WHERE %s", spec$y, spec$w, spec$src$from, spec$where)
  # a value the engine computes as NULL from non-NULL columns (SQLite's x / 0)
  ex <- c(spec$y, spec$w, spec$o, spec$x)
  d1n <- sprintf("SELECT %s AS y_, %s AS w_, %s FROM %s WHERE %s", spec$y, spec$w,
                 paste(sprintf("(%s) AS e%d_", ex, seq_along(ex)), collapse = ", "), spec$src$from, spec$where)
  nulls <- sprintf("SUM(CASE WHEN e%d_ IS NULL THEN 1 ELSE 0 END) AS null%d_", seq_along(ex), seq_along(ex))
  desc <- glm_db_query(con, sprintf(paste0(
    "SELECT ", paste(nulls, collapse = ", "), ", ",
    "COUNT(*) AS n, SUM(w_) AS sw, SUM(w_ * y_) AS swy, MIN(y_) AS ymin, MAX(y_) AS ymax, ",
    "MIN(w_) AS wmin, SUM(CASE WHEN w_ = 0 THEN 1 ELSE 0 END) AS nzero, ",
    "SUM(CASE WHEN y_ = 0 OR y_ = 1 THEN 1 ELSE 0 END) AS n01, ",
    "SUM(CASE WHEN w_ = ROUND(w_) THEN 1 ELSE 0 END) AS nwint, ",
    "SUM(CASE WHEN ABS(w_ * y_ - ROUND(w_ * y_)) > 0.001 THEN 1 ELSE 0 END) AS nonint, ",
    "SUM(CASE WHEN y_ = ROUND(y_) THEN 1 ELSE 0 END) AS nyint FROM (%s) d"), d1n),
    "checking the response and weights", spec$src$ln)
  desc <- lapply(desc, as.double)
  glm_db_check_nulls(unlist(desc[sprintf("null%d_", seq_along(ex))]),
                     c("the response", "the weights", "the offset", spec$xnames))
  ntot <- as.double(glm_db_query(con, sprintf("SELECT COUNT(*) AS n FROM %s", spec$src$from),
                                 "counting the rows")$n)
  desc$n_na <- ntot - desc$n
  glm_db_check_desc(desc, opts$family)
  if (!is.null(opts$start) && length(opts$start) != length(spec$x)) {
    stop_arg("start", "must have length %d (the columns: %s), not %d", length(spec$x),
             paste(spec$xnames, collapse = ", "), length(opts$start))
  }
  pass <- function(cols) if (identical(opts$control$db_pass, "stream"))
    glm_db_stream_pass_fn(spec, cols, opts$control$chunksize) else glm_db_pass_fn(spec, cols)
  final <- function(fit) if (identical(opts$control$db_pass, "stream"))
    glm_db_stream_final(spec, fit, opts$control$chunksize) else glm_db_final(spec, fit)
  lgam <- function() {
    g <- glm_db_query(con, sprintf("SELECT y_, SUM(w_) AS sw FROM (%s) d GROUP BY y_", d1),
                      "summing log(y!) for the Poisson AIC", spec$src$ln)
    sum(as.double(g$sw) * lgamma(as.double(g$y_) + 1))
  }
  fit <- glm_sums_run(pass, spec, desc, opts, final, lgam)
  fit$sql <- glm_db_pass_sql(spec, stats::setNames(list(c(ifelse(is.na(fit$coefficients), 0, fit$coefficients), 0)), ""),
                             seq_along(spec$x), glm_db_pass_aggs(length(spec$x), TRUE, FALSE, spec$grp))
  fit$data <- data
  fit
}

# Rows whose columns are all present but where the engine computed a model
# term as NULL (SQLite's division by zero): R gives Inf/NaN there, and glm()
# stops on a non-finite model matrix; summing around them would count the
# rows in some sums and not in others.
glm_db_check_nulls <- function(counts, what) {
  bad <- which(counts > 0)
  if (length(bad)) {
    stop_arg("formula", paste0(
      "gives no value (SQL NULL: e.g. a division by zero) in %s computed by the database: ",
      "filter those rows first (dplyr::filter()) or fix the term"),
      paste(sprintf("%s (%s rows)", what[bad], format(counts[bad])), collapse = ", "))
  }
}

# glm's checks (glm.fit and family$initialize), on the engine's summary.
glm_db_check_desc <- function(desc, family) {
  if (desc$n == 0) stop("no rows to fit: the table is empty or every row has a missing value", call. = FALSE)
  if (desc$wmin < 0) stop("negative weights not allowed", call. = FALSE)
  fam <- sub("^quasi", "", family$family)
  if (fam == "binomial" && (desc$ymin < 0 || desc$ymax > 1)) stop("y values must be 0 <= y <= 1", call. = FALSE)
  if (fam == "poisson" && desc$ymin < 0) stop("negative values not allowed for the 'Poisson' family", call. = FALSE)
  if (fam == "Gamma" && desc$ymin <= 0) stop("non-positive values not allowed for the 'Gamma' family", call. = FALSE)
  if (family$family == "binomial" && desc$nonint > 0) warning("non-integer #successes in a binomial glm!", call. = FALSE)
}

# The fit and its statistics, shared by the SQL and the chunk paths.
# pass(cols): the pass closure over model-matrix columns `cols`; final(fit):
# list(pearson, <aic sums>) at the fit; lgam(): sum(w * lgamma(y + 1)).
glm_sums_run <- function(pass, spec, desc, opts, final, lgam) {
  p <- length(spec$xnames)
  icol <- if (spec$intercept) 1L else 0L
  ctl <- opts$control
  if (!identical(ctl$type, "fisher") && !is.null(ctl$type)) {
    stop_arg("control", "type = \"%s\" is not available for a table or chunks (Fisher scoring only)", ctl$type)
  }
  if (!is.null(ctl$algorithm) && !ctl$algorithm %in% c("auto", "irls")) {
    stop_arg("algorithm", "\"%s\" is not available for a table or chunks: each iteration is one pass of sums over the rows (IRLS, algorithm = \"irls\" or \"auto\")",
             ctl$algorithm)
  }
  r <- tryCatch(glm_sums_fit_cpp(pass(seq_len(p)), p, if (!is.null(opts$start)) as.double(opts$start),
                                 ctl, icol, opts$singular.ok),
                error = function(e) stop(conditionMessage(e), call. = FALSE))
  if (desc$n < r$rank) {
    stop(sprintf("X matrix has rank %d, but only %d observation%s", r$rank, desc$n,
                 if (desc$n == 1) "" else "s"), call. = FALSE)
  }
  names(r$coefficients) <- spec$xnames
  fam <- spec$family
  null_dev <- glm_sums_null(pass, spec, desc, opts, icol, p)
  fin <- final(r)
  nok <- desc$n - desc$nzero
  for (w in r$warnings) warning(w, call. = FALSE)
  if (!r$converged) warning(sprintf("glm.fit: algorithm did not converge"), call. = FALSE)
  if (r$boundary) warning("glm.fit: algorithm stopped at boundary value", call. = FALSE)
  fit <- list(coefficients = r$coefficients, R = r$R, pivot = r$pivot, rank = r$rank, tol = r$tol,
              family = fam, deviance = r$deviance, null.deviance = null_dev,
              aic = glm_sums_aic(fam, r$deviance, r$rank, desc, fin, lgam),
              pearson = fin$pearson, iter = r$iter, converged = r$converged, boundary = r$boundary,
              status = r$status, df.residual = nok - r$rank, df.null = nok - icol,
              nobs = nok, n_rows = desc$n, n_na = desc$n_na, formula = opts$formula, terms = spec$mt,
              xlevels = spec$xlevels, contrasts = NULL, trace = as.data.frame(r$trace),
              newton_control = ctl, control = glm_control_keys(ctl))
  class(fit) <- "newton_glm_db"
  fit
}

# glm's null deviance: sum of dev.resids at the weighted mean (intercept) or
# at linkinv(offset); with an intercept and an offset, glm() refits the
# intercept alone.
glm_sums_null <- function(pass, spec, desc, opts, icol, p) {
  if (icol == 1L && spec$has_offset) {
    r0 <- glm_sums_fit_cpp(pass(1L), 1L, NULL, opts$control, 1L, TRUE)
    return(r0$deviance)
  }
  st <- numeric(p + 1L)
  if (icol == 1L) st[1L] <- spec$family$linkfun(desc$swy / desc$sw)
  pass(seq_len(p))(st, FALSE, FALSE)$dev
}

# family$aic from sums over the rows (glm.fit adds 2 * rank).
glm_sums_aic <- function(family, dev, rank, desc, fin, lgam) {
  a <- switch(family$family,
    gaussian = desc$n * (log(2 * pi * dev / desc$n) + 1) + 2 -
      (if (desc$nzero > 0) -Inf else fin$slogw),
    binomial = if (desc$n01 == desc$n && desc$nwint == desc$n) dev else fin$baic %or% NA_real_,
    poisson = if (desc$nyint < desc$n) Inf else -2 * (fin$sylnmu - fin$smu - lgam()),
    Gamma = {
      disp <- dev / desc$sw
      sh <- 1 / disp
      ll <- -lgamma(sh) * desc$sw - sh * (fin$slnmu + log(disp) * desc$sw) +
        (sh - 1) * fin$slny - fin$sy_mu / disp
      -2 * ll + 2
    },
    NA_real_)
  a + 2 * rank
}

# The final query: Pearson's statistic with glm's working weights (formed
# at the last solve's point) and working residuals (at the fit), and the
# sums of the family's aic.
glm_db_final <- function(spec, fit) {
  aggs <- c(pearson = "SUM(CASE WHEN w_ > 0 THEN (w_ * mew * mew / vaw) * ((y_ - mu) / me) * ((y_ - mu) / me) ELSE 0.0 END)",
            glm_db_aic_aggs(spec$family$family))
  sql <- glm_db_pass_sql(spec, stats::setNames(list(fit$state, fit$state_w), c("", "w")),
                         seq_along(spec$x), aggs)
  lapply(glm_db_query(spec$src$con, sql, "computing the fit's statistics", spec$src$ln), as.double)
}

glm_db_aic_aggs <- function(fam) {
  switch(fam,
    gaussian = c(slogw = "SUM(CASE WHEN w_ > 0 THEN LN(w_) ELSE 0.0 END)"),
    poisson = c(sylnmu = "SUM(w_ * y_ * LN(mu))", smu = "SUM(w_ * mu)"),
    Gamma = c(slnmu = "SUM(w_ * LN(mu))", slny = "SUM(w_ * LN(y_))", sy_mu = "SUM(w_ * y_ / mu)"),
    character())
}
