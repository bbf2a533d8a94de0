# glm_db.R -- newton_glm() on data that R never holds (issue 18):
#  * data = a dplyr/dbplyr table on a DBI connection (dplyr::tbl(con, "t"),
#    dplyr::tbl(con, DBI::Id(schema = "s", table = "t")), or any lazy query):
#    each pass of the IRLS loop is ONE aggregation query that returns the
#    upper triangle of X'WX, X'r, the deviance and the row counts, computed
#    by the engine over all rows (the idea of MADlib's IRLS and Lumley's
#    dbglm); the model matrix is expanded in SQL (factors as CASE WHEN per
#    level, treatment contrasts as model.matrix codes them);
#  * data = function(reset) (biglm's bigglm() protocol), see glm_chunks.R.
# The loop itself is the in-memory one (glm_loop.hpp, through
# glm_chunk.hpp's evaluator; src/glm_db.cpp): starting values (family$
# initialize, in SQL), step halving, aliasing, the convergence rule and the
# warnings are those of newton_glm_fit().  The result (class
# "newton_glm_db", glm_db_methods.R) keeps what needs no per-row data.

# The kind of a data argument that the database/chunk path takes, or "".
glm_db_kind <- function(data) {
  if (inherits(data, "tbl_lazy")) return("sql")
  if (is.function(data)) return("chunks")
  ""
}

# The entry from newton_glm(): cal is newton_glm's call, data its value.
newton_glm_db <- function(cal, data, env) {
  args <- as.list(cal)[-1L]
  ev <- function(nm, default = NULL) if (!nm %in% names(args)) default else eval(args[[nm]], env)
  sql <- glm_db_kind(data) == "sql"
  for (nm in c("subset", "etastart", "mustart")) {
    if (!is.null(args[[nm]]) && !sql) {
      stop_arg(nm, "is not supported when 'data' is a %s: %s", glm_db_what(data),
               if (nm == "subset") "select the rows in the chunks" else "give starting coefficients with 'start'")
    }
  }
  if (isTRUE(ev("sparse"))) {
    message("'sparse = TRUE' has no effect when 'data' is a ", glm_db_what(data),
            ": the model matrix is never built in R (X'WX is summed where the rows are)")
  }
  # (as newton_glm() checks them for data in memory)
  for (nm in c("model", "x", "y", "singular.ok")) if (nm %in% names(args)) check_flag(ev(nm), nm)
  if (isTRUE(ev("x")) || !identical(ev("method", "newton_glm_fit"), "newton_glm_fit")) {
    stop_arg(if (isTRUE(ev("x"))) "x" else "method",
             "is not supported when 'data' is a %s (the rows stay where they are)",
             glm_db_what(data))
  }
  formula <- glm_formula_arg(ev("formula"))
  family <- glm_family(ev("family", gaussian), env)
  control <- args[["control"]]
  if (is.null(control)) {
    extra <- args[setdiff(names(args), c(names(formals(newton_glm)), ""))]
    control <- lapply(extra, eval, env)
  } else {
    control <- eval(control, env)
  }
  control <- glm_method_control("newton_glm_fit", control)
  na_action <- glm_db_na_action(ev("na.action"))
  check_flag(ev("singular.ok", TRUE), "singular.ok")
  opts <- list(formula = formula, family = family, control = control, env = env,
               weights = args[["weights"]], offset = args[["offset"]], start = ev("start"),
               subset = args[["subset"]], etastart = args[["etastart"]], mustart = args[["mustart"]],
               na_action = na_action, contrasts = ev("contrasts"),
               singular.ok = ev("singular.ok", TRUE))
  glm_db_check_contrasts(opts$contrasts)
  fit <- if (glm_db_kind(data) == "sql") glm_db_fit_sql(data, opts) else glm_chunks_fit(data, opts)
  fit$call <- cal
  fit
}

glm_db_what <- function(data) {
  if (glm_db_kind(data) == "sql") "database table" else "function(reset) returning chunks"
}

# na.action: na.omit (default), na.exclude (the same here: no per-row
# results) or na.fail.
glm_db_na_action <- function(na) {
  if (is.null(na)) na <- getOption("na.action", "na.omit")
  if (is.function(na)) {
    na <- if (identical(na, stats::na.fail)) "na.fail" else if (identical(na, stats::na.exclude))
      "na.exclude" else if (identical(na, stats::na.omit)) "na.omit" else ""
  }
  if (!(is.character(na) && length(na) == 1L && na %in% c("na.omit", "na.exclude", "na.fail"))) {
    stop_arg("na.action", "must be na.omit, na.exclude or na.fail when the data is a table or chunks")
  }
  na
}

glm_db_check_contrasts <- function(contrasts) {
  if (!identical(unname(getOption("contrasts")[1L]), "contr.treatment") ||
      any(!vapply(contrasts, function(c) identical(c, "contr.treatment"), TRUE))) {
    stop_arg("contrasts", "must be treatment contrasts (contr.treatment) for a table or chunks")
  }
}

# ---- families in SQL ------------------------------------------------------

# The families whose mean, variance and deviance the SQL pass computes.
glm_db_families <- c("gaussian/identity", "binomial/logit", "quasibinomial/logit",
                     "poisson/log", "quasipoisson/log", "Gamma/log")

glm_db_check_family <- function(family) {
  key <- paste(family$family, family$link, sep = "/")
  if (!key %in% glm_db_families || !glm_is_stock_family(family)) {
    stop_arg("family", paste0(
      "%s(link = \"%s\") cannot be computed in the database: the SQL pass implements %s ",
      "(stats' own families). Missing here: %s. Pull the data into R ",
      "(dplyr::collect()) and fit in memory."),
      family$family, family$link,
      paste(sub("/(.*)", "(\\1)", glm_db_families), collapse = ", "),
      if (!glm_is_stock_family(family)) "a family with user-modified functions" else
        if (family$link %in% c("probit", "cauchit")) sprintf(paste0(
          "the inverse link %s and its derivative, which portable SQL does not have (no erf/pnorm; ",
          "an approximation would not give glm's fit to 1e-15)"),
          if (family$link == "probit") "pnorm()/dnorm()" else "pcauchy()/dcauchy() (atan)") else
        sprintf("the inverse link, mu.eta, variance and deviance of %s with link \"%s\"",
                family$family, family$link))
  }
  invisible(key)
}

# SQL fragments of the family at the linear predictor column `e` (suffix
# sfx for a second linear predictor): "tt" the pre-mean, then mu, me
# (mu.eta), the variance, the deviance residual, the invalid-row flag.
# The formulas are R's (src/library/stats/src/family.c for the logit; the
# family objects otherwise), with their clamps.
glm_db_fam_sql <- function(family, sfx = "") {
  e <- paste0("eta", sfx); tt <- paste0("tt", sfx); mu <- paste0("mu", sfx)
  eps <- sql_num(.Machine$double.eps)
  if (family$link == "identity") {
    out <- list(tt = e, mu = tt, me = "1.0", var = "1.0", bad = "0")
  } else if (family$link == "logit") {
    out <- list(tt = sprintf("CASE WHEN %s < -30.0 THEN %s WHEN %s > 30.0 THEN %s ELSE EXP(%s) END",
                             e, eps, e, sql_num(1 / .Machine$double.eps), e),
                mu = sprintf("%s / (1.0 + %s)", tt, tt),
                me = sprintf("CASE WHEN %s > 30.0 OR %s < -30.0 THEN %s ELSE %s / ((1.0 + %s) * (1.0 + %s)) END",
                             e, e, eps, tt, tt, tt),
                bad = "0")
  } else {  # log: pmax(exp(eta), eps); exp overflows past log(DBL_MAX)
    out <- list(tt = sprintf("CASE WHEN %s > 709.782712893384 THEN NULL WHEN %s < %s THEN %s ELSE EXP(%s) END",
                             e, e, sql_num(log(.Machine$double.eps)), eps, e),
                mu = tt, me = tt,
                bad = sprintf("CASE WHEN %s > 709.782712893384 THEN 1 ELSE 0 END", e))
  }
  fam <- sub("^quasi", "", family$family)
  out$var <- switch(fam, gaussian = "1.0", binomial = sprintf("%s * (1.0 - %s)", mu, mu),
                    poisson = mu, Gamma = sprintf("%s * %s", mu, mu))
  out$dev <- switch(fam,
    gaussian = sprintf("w_ * (y_ - %s) * (y_ - %s)", mu, mu),
    binomial = sprintf(paste0("2.0 * w_ * (CASE WHEN y_ <> 0 THEN y_ * LN(y_ / %s) ELSE 0.0 END + ",
                              "CASE WHEN y_ <> 1 THEN (1.0 - y_) * LN((1.0 - y_) / (1.0 - %s)) ELSE 0.0 END)"),
                       mu, mu),
    poisson = sprintf("2.0 * w_ * (CASE WHEN y_ > 0 THEN y_ * LN(y_ / %s) - (y_ - %s) ELSE %s END)",
                      mu, mu, mu),
    Gamma = sprintf("-2.0 * w_ * (LN(CASE WHEN y_ = 0 THEN 1.0 ELSE y_ / %s END) - (y_ - %s) / %s)",
                    mu, mu, mu))
  # family$initialize's mustart, through the link: glm's starting eta
  out$start <- switch(fam, gaussian = "y_",
                      binomial = "LN(((w_ * y_ + 0.5) / (w_ + 1.0)) / (1.0 - (w_ * y_ + 0.5) / (w_ + 1.0)))",
                      poisson = "LN(y_ + 0.1)", Gamma = "LN(y_)")
  out
}

# A number as an SQL double literal (17 significant digits).
sql_num <- function(x) {
  if (!is.finite(x)) stop("internal: non-finite SQL literal", call. = FALSE)
  s <- sprintf("%.17g", x)
  if (!grepl("[.e]", s)) s <- paste0(s, ".0")
  if (x < 0) paste0("(", s, ")") else s
}

# The subquery fence that stops the planner from inlining a level (which
# would evaluate its expressions once per use, p^2 times per row).
glm_db_fence <- function(con) {
  if (inherits(con, "SQLiteConnection")) return(" LIMIT -1 OFFSET 0")
  # (not DuckDB: an OFFSET keeps the row order and runs its subquery on one
  # thread, and DuckDB evaluates each level once without it; 1e6 rows of the
  # issue's table: 3.6 s per pass with the fence, 2.1 s without)
  if (inherits(con, c("PostgreSQLConnection", "PqConnection"))) return(" OFFSET 0")
  ""
}
