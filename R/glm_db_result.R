# glm_db_result.R -- the database fit's driver and its result: the
# describing query (glm's checks of y and the weights, family$initialize's
# conditions), the loop (glm_sums_fit_cpp), the null deviance (glm's rule:
# the weighted mean, or a refit of the intercept when there is an offset),
# AIC (the family's aic from sums the engine computes) and the object of
# class "newton_glm_db" (glm_db_methods.R).  The null deviance and the final
# statistics are summed in the loop's own passes when they can be
# (glm_sums_side: no read of the rows after the loop in the common case).

glm_db_fit_sql <- function(data, opts) {
  formula0 <- opts$formula
  opts <- glm_db_cbind(opts)
  data <- glm_db_apply_subset(data, opts$subset, opts$env, opts$na_action)
  subset_na <- attr(data, "newtonr_subset_na") %or% 0
  glm_db_domain$terms <- list()
  spec <- glm_db_spec(data, opts)
  con <- spec$src$con
  ntot <- as.double(glm_db_query(con, sprintf("SELECT COUNT(*) AS n FROM %s", spec$src$from),
                                 "counting the rows")$n)
  keep <- glm_db_mf_rows(spec, opts)  # rows where R's model frame holds a NaN (glm_db_domain.R)
  if (!is.null(keep)) spec <- glm_db_spec(dplyr::filter(data, dbplyr::sql(keep)), opts)  # (levels of the rows kept)
  glm_db_domain$terms <- list()
  spec$fence <- spec$src$fence
  spec <- glm_db_start_spec(spec, opts)
  if (length(spec$xlevels)) {  # a logical column is coded like a factor but, as in glm, has no xlevels
    types <- glm_db_columns(spec$src)
    spec$xlevels <- spec$xlevels[!vapply(names(spec$xlevels), function(v) v %in% names(types) && types[[v]] == "logical", TRUE)]
  }
  d1 <- sprintf("SELECT %s AS y_, %s AS w_ FROM %s WHERE %s", spec$y, spec$w, spec$src$from, spec$where)
  desc <- glm_db_describe(spec)
  desc$n_na <- ntot - desc$n + subset_na
  if (desc$n == 0 && !is.null(keep)) {
    stop("no rows to fit: every row has a missing value (NULL) or a term that is NaN in R (see the warning; glm: 0 (non-NA) cases)",
         call. = FALSE)
  }
  if (desc$n == 0) glm_db_empty_error(spec, opts, ntot)
  tryCatch(glm_db_check_desc(desc, opts$family), error = function(e) {
    m <- conditionMessage(e)
    stop(m, if (grepl("weights", m)) sprintf(" ('weights' = %s)", paste(deparse(opts$weights), collapse = "")) else
      sprintf(" (the response '%s')", paste(deparse(formula0[[2L]]), collapse = "")), call. = FALSE)
  })
  if (!is.null(opts$start) && !(is.numeric(opts$start) && all(is.finite(opts$start)))) {
    stop_arg("start", "must be finite numbers (glm.fit: 'cannot find valid starting values'), not %s",
             describe(opts$start))
  }
  if (!is.null(opts$start) && length(opts$start) != length(spec$x)) {
    stop_arg("start", "must have length %d (the columns: %s), not %d", length(spec$x),
             paste(spec$xnames, collapse = ", "), length(opts$start))
  }
  spec$db_pass <- glm_db_choose_pass(opts$control$db_pass, spec)
  stream <- spec$db_pass == "stream"
  pass <- function(cols, side = NULL) if (stream) glm_db_stream_pass_fn(spec, cols, opts$control$chunksize, side) else
    glm_db_pass_fn(spec, cols, side)
  # fin: the final statistics when the loop's last pass computed them (else one more read)
  last <- new.env(parent = emptyenv())  # the loop's result and the final statistics, for the warnings
  final <- function(fit, fin = NULL) {
    last$r <- fit
    on.exit(last$fin <- fin)
    if (is.null(fin)) {
      fin <- if (stream) glm_db_stream_final(spec, fit, opts$control$chunksize) else glm_db_final(spec, fit)
    }
    # (cbind with prior weights: glm's aic takes m = successes + failures, which the pass does not
    # carry; 0/1 data with integer weights: glm_sums_aic takes dev + 2 rank, no sum of lchoose needed)
    if (spec$family$family == "binomial") fin$baic <- if (isTRUE(opts$cbind_pw)) NA_real_ else
      if (stream) fin$baic else if (desc$n01 == desc$n && desc$nwint == desc$n) NA_real_ else
        -2 * (fin$sbin + glm_db_lchoose(spec, d1))
    fin
  }
  lgam <- function() {
    g <- glm_db_query(con, sprintf("SELECT y_, SUM(w_) AS sw FROM (%s) d GROUP BY y_", d1),
                      "summing log(y!) for the Poisson AIC", spec$src$ln)
    sum(as.double(g$sw) * lgamma(as.double(g$y_) + 1))
  }
  fit <- glm_sums_run(pass, spec, desc, opts, final, lgam)
  # glm.fit's "fitted probabilities numerically 0 or 1" / "fitted rates
  # numerically 0", and the diverging columns of separated data, as the
  # chunked path gives them (glm_chunks.R)
  glm_chunk_warn_mu(spec$family, last$fin)
  glm_chunk_warn_sep(spec$family, last$fin, last$r, function() glm_db_ranges(spec), spec)
  # the query of one iteration: the stream's SELECT, or the aggregation at the final coefficients
  b <- c(ifelse(is.na(fit$coefficients), 0, fit$coefficients), 0)
  fit$sql <- if (stream) glm_db_stream_sql(spec, seq_along(spec$x))$base else
    glm_db_pass_sql(spec, stats::setNames(list(b), ""), seq_along(spec$x),
                    glm_db_pass_aggs(length(spec$x), TRUE, FALSE, spec$grp))
  fit$data <- data
  fit$db_pass <- spec$db_pass
  fit$formula <- formula0
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
# pass(cols, side): the pass closure over model-matrix columns `cols`
# (side: glm_sums_side); desc: the describing sums, or a function giving
# them (NULL until the loop's first pass has made them: the chunked path);
# final(fit, fin): list(pearson, <aic sums>) at the fit (fin: those of the
# loop's last pass, or NULL); lgam(): sum(w * lgamma(y + 1)).
glm_sums_run <- function(pass, spec, desc, opts, final, lgam) {
  p <- length(spec$xnames)
  icol <- if (spec$intercept) 1L else 0L
  ctl <- opts$control
  if (!identical(ctl$type, "fisher") && !is.null(ctl$type)) {
    stop_arg("type", paste0(
      "= \"%s\" (observed information) is not available when 'data' is a table or chunks: its ",
      "weights need the second derivative of the inverse link in each pass. Use type = \"fisher\" ",
      "(the default: the same estimates; for the canonical links the same iterations), or pull the data ",
      "into R (dplyr::collect())"), ctl$type)
  }
  if (!is.null(ctl$algorithm) && !ctl$algorithm %in% c("auto", "irls")) {
    stop_arg("algorithm", "\"%s\" is not available for a table or chunks: each iteration is one pass of sums over the rows (IRLS, algorithm = \"irls\" or \"auto\")",
             ctl$algorithm)
  }
  desc_fn <- if (is.function(desc)) desc else function() desc
  side <- glm_sums_side(spec, desc_fn, icol, p)
  r <- tryCatch(glm_sums_fit_cpp(pass(seq_len(p), side), p, if (!is.null(opts$start)) as.double(opts$start),
                                 ctl, icol, opts$singular.ok),
                error = function(e) stop(conditionMessage(e), call. = FALSE))
  desc <- desc_fn()
  if (desc$n < r$rank) {
    stop(sprintf("X matrix has rank %d, but only %d observation%s", r$rank, desc$n,
                 if (desc$n == 1) "" else "s"), call. = FALSE)
  }
  names(r$coefficients) <- spec$xnames
  fam <- spec$family
  sf <- side$fin  # the statistics of the last pass that only summed the deviance
  fin <- final(r, if (!is.null(sf) && identical(sf$state, r$state) && identical(sf$state_w, r$state_w)) sf$stats)
  null_dev <- side$null_dev %or% glm_sums_null(pass, spec, desc, opts, icol, p)
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
# at linkinv(offset), both summed in the fit's first pass (glm_sums_side);
# with an intercept and an offset, glm() refits the intercept alone.
glm_sums_null <- function(pass, spec, desc, opts, icol, p) {
  if (icol == 1L && spec$has_offset) {
    r0 <- glm_sums_fit_cpp(pass(1L), 1L, NULL, opts$control, 1L, TRUE)
    return(r0$deviance)
  }
  st <- glm_sums_null_state(spec, desc, icol, p)
  if (is.null(st)) return(0)
  pass(seq_len(p))(st, FALSE, FALSE)$dev
}

# The state of glm's null model (no refit): the weighted mean of y through
# the link (intercept), or the offset alone; NULL when the weighted mean is
# on the boundary (every y 0, or every y 1): glm's dev.resids(y, mu = y)
# are all 0 there.
glm_sums_null_state <- function(spec, desc, icol, p) {
  st <- numeric(p + 1L)
  if (icol == 1L) st[1L] <- spec$family$linkfun(desc$swy / desc$sw)
  if (!is.finite(st[1L])) NULL else st
}

# What the main fit's passes compute besides the loop's sums, so that the
# fit reads the rows no more often than its loop does (every read of a big
# table is a full scan):
# * the null deviance, in the first pass (its state is known from the
#   describing query; not when glm refits the intercept because of an
#   offset);
# * the final statistics (glm_db_final's: Pearson's statistic at glm's
#   working weights, the family's aic sums, the range of mu), in every pass
#   that only sums the deviance, at (state, state_w).  The loop's last pass
#   is usually such a pass, at the fit's (state, state_w): glm_sums_run then
#   uses them (the same sums over the same rows at the same two points: the
#   same numbers) and otherwise reads the rows once more.
# desc(): the describing sums, NULL until known (the chunked path makes
# them in the loop's first sweep, and sums the null deviance in its second).
glm_sums_side <- function(spec, desc, icol, p) {
  side <- new.env(parent = emptyenv())
  side$null_state <- NULL
  side$null_pending <- !(icol == 1L && spec$has_offset)
  side$null_of <- function(dsc) glm_sums_null_state(spec, dsc, icol, p)
  side$desc <- desc
  side
}

# This pass's extras: list(null = the null model's state or NULL, final =
# whether to compute the final statistics at (state, state_w)).
glm_sums_extras <- function(side, accumulate, state_w) {
  if (is.null(side)) return(list(null = NULL, final = FALSE))
  if (side$null_pending && !is.null(dsc <- side$desc())) {
    side$null_pending <- FALSE
    side$null_state <- side$null_of(dsc)
    if (is.null(side$null_state)) side$null_dev <- 0
  }
  list(null = side$null_state, final = !accumulate && !is.null(state_w))
}

glm_sums_stat_names <- c("pearson", "sbin", "baic", "slogw", "sylnmu", "smu", "slnmu", "slny", "sy_mu",
                         "mumin", "mumax")

# Keeps a pass's extras in `side` (out: the pass's result with them).
glm_sums_keep <- function(side, ex, state, state_w, out) {
  if (!is.null(ex$null)) {
    side$null_dev <- out$null_dev
    side$null_state <- NULL
  }
  if (ex$final) {
    side$fin <- list(state = state, state_w = state_w,
                     stats = out[intersect(glm_sums_stat_names, names(out))])
  }
  invisible()
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
  sql <- glm_db_pass_sql(spec, stats::setNames(list(fit$state, fit$state_w), c("", "w")),
                         seq_along(spec$x), glm_db_final_aggs(spec$family$family))
  lapply(glm_db_query(spec$src$con, sql, "computing the fit's statistics", spec$src$ln), as.double)
}

glm_db_final_aggs <- function(fam) {
  c(pearson = "SUM(CASE WHEN w_ > 0 THEN (w_ * mew * mew / vaw) * ((y_ - mu) / me) * ((y_ - mu) / me) ELSE 0.0 END)",
    glm_db_aic_aggs(fam),
    mumin = "MIN(mu)", mumax = "MAX(mu)")  # (glm.fit's warnings on fitted values at 0 or 1)
}

glm_db_aic_aggs <- function(fam) {
  switch(fam,
    binomial = c(sbin = sprintf(
      "SUM(CASE WHEN w_ > 0 THEN %s * LN(tt / (1.0 + tt)) - (%s - %s) * LN(1.0 + tt) ELSE 0.0 END)",
      sql_round_even("w_ * y_"), sql_round_even("w_"), sql_round_even("w_ * y_"))),
    gaussian = c(slogw = "SUM(CASE WHEN w_ > 0 THEN LN(w_) ELSE 0.0 END)"),
    poisson = c(sylnmu = "SUM(w_ * y_ * LN(mu))", smu = "SUM(w_ * mu)"),
    Gamma = c(slnmu = "SUM(w_ * LN(mu))", slny = "SUM(w_ * LN(y_))", sy_mu = "SUM(w_ * y_ / mu)"),
    character())
}

# R's round(x) (half to even) in SQL: engines round halves away from zero.
sql_round_even <- function(x) {
  sprintf("(CASE WHEN ABS((%s) - ROUND(%s)) = 0.5 THEN 2.0 * ROUND((%s) / 2.0) ELSE ROUND(%s) END)", x, x, x, x)
}

# binomial()$aic's sum of log choose(round(m), round(m y)) over the rows with
# m = w > 0 (glm.fit's y vector: m is the prior weights), from a GROUP BY of
# the rounded pairs (their count is small for count data).
glm_db_lchoose <- function(spec, d1) {
  g <- glm_db_query(spec$src$con, sprintf(paste0(
    "SELECT mm, kk, COUNT(*) AS c FROM (SELECT %s AS mm, %s AS kk FROM (%s) d WHERE w_ > 0) d2 ",
    "GROUP BY mm, kk"), sql_round_even("w_"), sql_round_even("w_ * y_"), d1),
    "summing log choose(m, m y) for the binomial AIC", spec$src$ln)
  sum(as.double(g$c) * lchoose(as.double(g$mm), as.double(g$kk)))
}

# etastart / mustart (an expression of columns, or a number): glm's starting
# linear predictor, given to the pass as the column s_ (spec$s0), after a
# check that every row has a valid start (glm.fit: "cannot find valid
# starting values").  Both given: etastart, as glm.fit (mustart's values are
# then unused; its NA/NaN rows were dropped by glm_db_mf_rows).
glm_db_start_spec <- function(spec, opts) {
  nm <- if (!is.null(opts$etastart)) "etastart" else if (!is.null(opts$mustart)) "mustart" else return(spec)
  types <- glm_db_columns(spec$src)
  v <- glm_db_sql_expr(opts[[nm]], spec$src, types, nm, opts$env)  # (NaN/Inf rows: glm_db_mf_rows)
  glm_db_domain$terms <- list()
  fam <- sub("^quasi", "", spec$family$family)
  link <- spec$family$link
  bad <- if (nm == "mustart") switch(fam, binomial = sprintf("%s <= 0.0 OR %s >= 1.0", v, v),
                                      poisson = , Gamma = sprintf("%s <= 0.0", v), "1 = 0") else
    if (link == "log") sprintf("%s > 709.782712893384", v) else "1 = 0"
  n <- as.double(glm_db_query(spec$src$con, sprintf(
    "SELECT SUM(CASE WHEN (%s) IS NULL OR %s THEN 1 ELSE 0 END) AS n FROM %s WHERE %s",
    v, bad, spec$src$from, spec$where), sprintf("checking '%s'", nm), spec$src$ln)$n)
  if (is.na(n) || n > 0) {
    stop_arg(nm, paste0("gives no valid start in %s row(s) (missing, or outside the family's range: ",
                        "glm.fit's 'cannot find valid starting values'); give values %s, or 'start'"),
             format(n), if (nm == "etastart") "of the linear predictor" else "inside the range of the mean")
  }
  spec$s0 <- if (nm == "etastart" || link == "identity") v else
    if (link == "logit") sprintf("LN((%s) / (1.0 - (%s)))", v, v) else sprintf("LN(%s)", v)
  spec$fam$start <- "s_"
  spec
}

# No row left: say whether the table (after 'subset') is empty, or which
# columns are missing (NULL) in every row.
glm_db_empty_error <- function(spec, opts, ntot) {
  if (ntot == 0) {
    stop_arg(if (is.null(opts$subset)) "data" else "subset", "leaves no rows to fit (the table%s is empty)",
             if (is.null(opts$subset)) "" else " after 'subset'")
  }
  cols <- intersect(unique(c(all.vars(opts$formula), all.vars(opts$weights), all.vars(opts$offset))),
                    glm_db_col_names(spec$src))
  q <- vapply(cols, glm_db_qid, "", src = spec$src)
  cnt <- glm_db_query(spec$src$con, sprintf("SELECT %s FROM %s", paste(sprintf("COUNT(%s) AS c%d", q, seq_along(q)),
                                                                  collapse = ", "), spec$src$from),
                      "counting missing values")
  empty <- cols[as.double(unlist(cnt)) == 0]
  stop(sprintf("no rows to fit: every row has a missing value (NULL) in %s",
               if (length(empty)) paste0("column ", paste0("'", empty, "'", collapse = ", "), " (all NULL)") else
                 paste0("one of the columns ", paste0("'", cols, "'", collapse = ", "))), call. = FALSE)
}

glm_db_col_names <- function(src) names(glm_db_columns(src))

# A binomial response cbind(successes, failures) as glm's binomial()$
# initialize reads it: y = s / (s + f) (0 where s + f = 0: such a row has
# weight 0, as in glm), weights = prior weights * (s + f).
glm_db_cbind <- function(opts) {
  lhs <- opts$formula[[2L]]
  if (!(is.call(lhs) && identical(lhs[[1L]], as.name("cbind")))) return(opts)
  if (length(lhs) != 3L || !sub("^quasi", "", opts$family$family) %in% "binomial") {
    stop_arg("formula", "response '%s': cbind() needs a binomial family and two columns (successes, failures)",
             paste(deparse(lhs), collapse = ""))
  }
  tot <- bquote((.(lhs[[2L]]) + .(lhs[[3L]])))
  opts$formula[[2L]] <- bquote(I(glm_db_prop(.(lhs[[2L]]), .(tot))))  # s / (s + f); 0 where s + f = 0
  opts$cbind_pw <- !is.null(opts$weights)
  opts$weights <- if (is.null(opts$weights)) tot else bquote(.(opts$weights) * .(tot))
  # glm's start (n y + 0.5) / (n + 1), which differs from the weighted one when there are prior weights
  if (opts$cbind_pw && is.null(opts$mustart) && is.null(opts$etastart)) {
    opts$mustart <- bquote((.(lhs[[2L]]) + 0.5) / (.(tot) + 1))
  }
  opts
}

# The describing query: n, sums of w and w y, ranges (glm's checks of y and
# the weights), and the rows where the engine computed a model term as NULL
# from non-NULL columns (SQLite's x / 0).  Terms that cannot be NULL there
# (a cast column, a factor or logical indicator, a literal: the WHERE clause
# removed the NULL columns) are not counted: on the issue's table (70
# columns, all of them such terms) this query costs one scan, not ~8.
glm_db_describe <- function(spec) {
  ex <- c(spec$y, spec$w, spec$o, spec$x)
  chk <- which(!glm_db_never_null(ex))
  d1n <- sprintf("SELECT %s AS y_, %s AS w_%s FROM %s WHERE %s", spec$y, spec$w,
                 paste(sprintf(", (%s) AS e%d_", ex[chk], chk), collapse = ""), spec$src$from, spec$where)
  nulls <- paste(sprintf("SUM(CASE WHEN e%d_ IS NULL THEN 1 ELSE 0 END) AS null%d_, ", chk, chk), collapse = "")
  desc <- glm_db_query(spec$src$con, sprintf(paste0(
    "SELECT ", nulls,
    "COUNT(*) AS n, SUM(w_) AS sw, SUM(w_ * y_) AS swy, MIN(y_) AS ymin, MAX(y_) AS ymax, ",
    "MIN(w_) AS wmin, SUM(CASE WHEN w_ = 0 THEN 1 ELSE 0 END) AS nzero, ",
    "SUM(CASE WHEN y_ = 0 OR y_ = 1 THEN 1 ELSE 0 END) AS n01, ",
    "SUM(CASE WHEN w_ = ROUND(w_) THEN 1 ELSE 0 END) AS nwint, ",
    "SUM(CASE WHEN ABS(w_ * y_ - ROUND(w_ * y_)) > 0.001 THEN 1 ELSE 0 END) AS nonint, ",
    "SUM(CASE WHEN y_ = ROUND(y_) THEN 1 ELSE 0 END) AS nyint FROM (%s) d"), d1n),
    "checking the response and weights", spec$src$ln)
  desc <- lapply(desc, as.double)
  counts <- numeric(length(ex))
  counts[chk] <- unlist(desc[sprintf("null%d_", chk)])
  glm_db_check_nulls(counts, c("the response", "the weights", "the offset", spec$xnames))
  desc
}

# SQL terms that are never NULL on rows whose columns are not NULL.
glm_db_never_null <- function(ex) {
  col <- '"[^"]*"'
  ccol <- sprintf("(%s|CAST\\(%s AS DOUBLE PRECISION\\))", col, col)
  lit <- "('[^']*'|-?[0-9.]+(e[-+]?[0-9]+)?|\\(-[0-9.]+(e[-+]?[0-9]+)?\\))"
  pats <- c(sprintf("^%s$", ccol), sprintf("^%s$", lit),
            sprintf("^CASE WHEN %s = %s THEN [01]\\.0 ELSE [01]\\.0 END$", ccol, lit),
            sprintf("^CASE WHEN %s THEN [01]\\.0 ELSE [01]\\.0 END$", col))
  Reduce(`|`, lapply(pats, grepl, x = ex))
}

# The model-matrix columns' ranges over the fitted rows (one query; only for
# glm_chunk_warn_sep's rule on a binomial fit at 0/1 or not converged).
glm_db_ranges <- function(spec) {
  x <- sprintf("CAST(%s AS DOUBLE PRECISION)", spec$x)
  k <- seq_along(x)
  sql <- sprintf("SELECT %s, %s FROM %s WHERE %s", paste(sprintf("MIN(%s) AS n%d", x, k), collapse = ", "),
                 paste(sprintf("MAX(%s) AS m%d", x, k), collapse = ", "), spec$src$from, spec$where)
  r <- lapply(glm_db_query(spec$src$con, sql, "reading the columns' ranges", spec$src$ln), as.double)
  list(xmin = unlist(r[sprintf("n%d", k)], use.names = FALSE), xmax = unlist(r[sprintf("m%d", k)], use.names = FALSE))
}
