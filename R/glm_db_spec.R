# glm_db_spec.R -- a model formula as SQL (the database path of newton_glm,
# glm_db.R): the response, prior weights, offset and every column of the
# model matrix as SQL expressions over the table, and the WHERE clause of
# na.omit.  Columns are coded as model.matrix() codes them: attr(terms,
# "factors") says per term whether a factor enters by contrasts (treatment:
# levels 2..K) or by all its levels; a term's columns are the products of
# its variables' columns, the first variable varying fastest; factor levels
# are the sorted distinct values of the rows kept (glm's
# drop.unused.levels = TRUE).  Expressions are translated by a small
# portable translator (glm_db_domain.R: + - * / ^, log, exp, sqrt, ...); any
# other function is an error naming the term.

# The table of a lazy dbplyr query: its connection and FROM item.
glm_db_source <- function(data) {
  con <- dbplyr::remote_con(data)
  if (!glm_db_valid(con)) stop_arg("data", "is a table on a closed database connection")
  sql <- tryCatch(as.character(dbplyr::sql_render(data)),
                  error = function(e) stop_arg("data", "could not be rendered as SQL: %s", conditionMessage(e)))
  list(con = con, from = paste0("(", sql, ") newtonr_src"), fence = glm_db_fence(con),
       ln = glm_db_ln(con))
}

# The engine's natural logarithm: LN (PostgreSQL, DuckDB, Spark SQL, SQLite's
# built-in math) or LOG (RSQLite's math extension, whose LOG is natural).
glm_db_ln <- function(con) {
  try1 <- function(f) tryCatch(as.double(DBI::dbGetQuery(con, sprintf("SELECT %s(7.38905609893065) AS v", f))$v),
                               error = function(e) NA_real_)
  if (isTRUE(abs(try1("LN") - 2) < 1e-12)) return("LN")
  if (isTRUE(abs(try1("LOG") - 2) < 1e-12) &&
      isTRUE(abs(tryCatch(as.double(DBI::dbGetQuery(con, "SELECT EXP(2.0) AS v")$v), error = function(e) NA) -
                 7.38905609893065) < 1e-12)) return("LOG")
  stop_arg("data", paste0("is on a database without the natural logarithm and exponential (LN/LOG, EXP) ",
                          "the SQL pass needs; for SQLite call RSQLite::initExtension(con, \"math\") first"))
}

# DBI::dbIsValid (RPostgreSQL has no method: then assumed open).
glm_db_valid <- function(con) isTRUE(tryCatch(DBI::dbIsValid(con), error = function(e) TRUE))

# Run a query; database errors become errors that say what was running.
glm_db_query <- function(con, sql, what, ln = "LN") {
  if (ln != "LN") sql <- gsub("LN(", paste0(ln, "("), sql, fixed = TRUE)
  if (!glm_db_valid(con)) {
    stop(sprintf("the database connection was closed (while %s); nothing was changed in the database", what),
         call. = FALSE)
  }
  tryCatch(DBI::dbGetQuery(con, sql), error = function(e) {
    stop(sprintf("the database query failed while %s: %s", what, conditionMessage(e)), call. = FALSE)
  })
}

# The column names and R classes of the table (a sample of rows).
glm_db_columns <- function(src) {
  smp <- tryCatch(DBI::dbGetQuery(src$con, sprintf("SELECT * FROM %s LIMIT 100", src$from)), error = function(e) {
    if (!glm_db_valid(src$con)) stop("the database connection was closed (while reading the table's columns); nothing was changed in the database", call. = FALSE)
    stop_arg("data", "cannot be read: the database query failed (does the table exist?): %s", conditionMessage(e))
  })
  vapply(smp, function(v) class(v)[1L], "")
}

# The SQL of a column used as a number (its type checked).
glm_db_col_num <- function(src, nm, types, term) {
  ty <- types[[nm]]
  if (!ty %in% c("numeric", "integer", "integer64", "logical")) {
    stop_arg("formula", paste0("term '%s': column '%s' has type %s, which the SQL pass cannot use as ",
                               "a number (numeric columns, or text columns as factors)"), term, nm, ty)
  }
  if (ty == "logical") return(sprintf("CASE WHEN %s THEN 1.0 ELSE 0.0 END", glm_db_qid(src, nm)))
  sprintf("CAST(%s AS DOUBLE PRECISION)", glm_db_qid(src, nm))
}

glm_db_qid <- function(src, nm) as.character(DBI::dbQuoteIdentifier(src$con, nm))

glm_db_ln_sql <- function(sql, ln) if (ln != "LN") gsub("LN(", paste0(ln, "("), sql, fixed = TRUE) else sql

glm_db_no_sql <- function(term, f) {
  stop_arg("formula", paste0(
    "term '%s' cannot be pushed down to the database: %s() has no SQL translation here ",
    "(supported: + - * / ^, log, log2, log10, log1p, exp, sqrt, abs, I(), factor() of a column). ",
    "Pull the data into R (dplyr::collect()) and fit in memory, or compute the column ",
    "in the database (dplyr::mutate())"), term, f)
}

# A variable of the formula: list(sql = <column expressions>, names =
# <level labels or "">, factor = TRUE/FALSE).
glm_db_variable <- function(v, src, types, where, env) {
  e <- str2lang(v)
  fac_col <- NULL
  if (is.name(e) && as.character(e) %in% names(types) &&
      types[[as.character(e)]] %in% c("character", "factor")) fac_col <- as.character(e)
  if (is.call(e) && is.name(e[[1L]]) && as.character(e[[1L]]) %in% c("factor", "as.factor") &&
      length(e) == 2L && is.name(e[[2L]])) {
    fac_col <- as.character(e[[2L]])
    if (!fac_col %in% names(types)) glm_db_sql_expr(e[[2L]], src, types, v, env)
  }
  if (is.name(e) && identical(types[[as.character(e)]], "logical")) {
    # model.matrix codes a logical like a factor with levels FALSE, TRUE (lgTRUE)
    q <- glm_db_qid(src, as.character(e))
    return(list(sql = sprintf(c("CASE WHEN %s THEN 0.0 ELSE 1.0 END", "CASE WHEN %s THEN 1.0 ELSE 0.0 END"), q),
                labels = c("FALSE", "TRUE"), factor = TRUE))
  }
  if (is.null(fac_col)) {
    return(list(sql = glm_db_sql_expr(e, src, types, v, env), labels = "", factor = FALSE))
  }
  qid <- glm_db_qid(src, fac_col)
  lv <- glm_db_query(src$con, sprintf("SELECT DISTINCT %s AS v FROM %s WHERE %s", qid, src$from, where),
                     sprintf("reading the levels of '%s'", v))$v
  lv <- sort(unique(lv))
  if (length(lv) > 1000L) {
    stop_arg("formula", "term '%s' has %d levels: too many for the SQL pass (at most 1000)", v, length(lv))
  }
  lit <- if (is.character(lv) || is.factor(lv))
    as.character(DBI::dbQuoteString(src$con, as.character(lv))) else vapply(as.double(lv), sql_num, "")
  lhs <- if (is.character(lv) || is.factor(lv)) qid else sprintf("CAST(%s AS DOUBLE PRECISION)", qid)
  list(sql = sprintf("CASE WHEN %s = %s THEN 1.0 ELSE 0.0 END", lhs, lit),
       labels = as.character(lv), factor = TRUE)
}

# The columns of one term: products of its variables' codings (model.matrix
# order and names).
glm_db_term_cols <- function(term, vars, codes) {
  sql <- ""
  nms <- ""
  for (v in names(codes)) {
    info <- vars[[v]]
    if (!length(info$sql)) return(list(sql = character(), names = character()))  # no rows: said later
    if (info$factor && codes[[v]] == 1L && length(info$sql) < 2L) {
      stop_arg("formula", paste0("term '%s': factor '%s' has %d level(s) in the rows used%s; contrasts ",
                                 "can be applied only to factors with 2 or more levels (as in glm)"),
               term, v, length(info$sql),
               if (length(info$labels)) paste0(" (", paste0("'", info$labels, "'", collapse = ", "), ")") else "")
    }
    keep <- if (info$factor && codes[[v]] == 1L) -1L else seq_along(info$sql)
    s <- info$sql[keep]
    lab <- if (info$factor) paste0(v, info$labels[keep]) else v
    sql <- as.vector(outer(sql, s, function(a, b) ifelse(a == "", b, paste0(a, " * ", b))))
    nms <- as.vector(outer(nms, lab, function(a, b) ifelse(a == "", b, paste0(a, ":", b))))
  }
  list(sql = sql, names = nms)
}

# ---- subset = as a WHERE clause ---------------------------------------------

# The rows of `subset` (an R expression) as an SQL condition: comparisons of
# columns, numbers and strings (== != < <= > >=; text only == and !=, as R's
# ordering of strings is the locale's), & && | || !, is.na(), %in% a vector,
# logical columns, and glm_db_sql_expr's arithmetic.  Anything else is an
# error naming 'subset'.  Rows where the condition is NA (SQL NULL) are
# dropped, as model.frame() then na.omit() drop them.
glm_db_sql_cond <- function(e, src, types, env) {
  rec <- function(x) glm_db_sql_cond(x, src, types, env)
  no <- function(what) stop_arg("subset", paste0(
    "cannot be pushed down to the database: %s. Filter the table first (dplyr::filter()) ",
    "or pull the data into R (dplyr::collect()) and fit in memory"), what)
  if (is.logical(e) && length(e) == 1L && !is.na(e)) return(if (e) "(1 = 1)" else "(1 = 0)")
  if (is.name(e)) {
    nm <- as.character(e)
    if (nm %in% names(types)) {
      if (types[[nm]] == "logical") return(sprintf("(%s)", glm_db_qid(src, nm)))
      return(sprintf("(%s <> 0.0)", glm_db_col_num(src, nm, types, "subset")))
    }
    val <- get0(nm, envir = env)
    if (is.logical(val) && length(val) == 1L && !is.na(val)) return(rec(val))
    no(sprintf("'%s' is not a column of the table nor a single TRUE/FALSE", nm))
  }
  if (!is.call(e)) no(sprintf("'%s' is not a condition", paste(deparse(e), collapse = "")))
  f <- paste(deparse(e[[1L]]), collapse = "")
  switch(f,
    "(" = rec(e[[2L]]),
    "!" = sprintf("(NOT %s)", rec(e[[2L]])),
    "&" = , "&&" = sprintf("(%s AND %s)", rec(e[[2L]]), rec(e[[3L]])),
    "|" = , "||" = sprintf("(%s OR %s)", rec(e[[2L]]), rec(e[[3L]])),
    "is.na" = {
      if (!(is.name(e[[2L]]) && as.character(e[[2L]]) %in% names(types))) no("is.na() of something else than a column")
      sprintf("(%s IS NULL)", glm_db_qid(src, as.character(e[[2L]])))
    },
    "==" = , "!=" = , "<" = , "<=" = , ">" = , ">=" = glm_db_sql_compare(f, e, src, types, env, no),
    "%in%" = {
      vals <- tryCatch(eval(e[[3L]], env), error = function(err) no(sprintf("the right side of %%in%% (%s)", conditionMessage(err))))
      if (!(is.atomic(vals) && length(vals) >= 1L && length(vals) <= 1000L)) no("%in% needs a vector of 1 to 1000 values")
      lhs <- glm_db_sql_operand(e[[2L]], src, types, env, no)
      glm_db_sql_in(lhs, vals, src)
    },
    no(sprintf("%s() has no SQL translation here (supported: comparisons, & | !, is.na(), %%in%%, arithmetic)", f)))
}

# One side of a comparison: list(sql, k = its kind (glm_db_domain.R), text =
# is it a string?).
glm_db_sql_operand <- function(x, src, types, env, no) {
  if (is.character(x) && length(x) == 1L && !is.na(x)) {
    return(list(sql = as.character(DBI::dbQuoteString(src$con, x)), k = "0", text = TRUE))
  }
  if (is.name(x)) {
    nm <- as.character(x)
    if (nm %in% names(types) && types[[nm]] %in% c("character", "factor")) {
      return(list(sql = glm_db_qid(src, nm), k = "0", text = TRUE))
    }
    if (!nm %in% names(types)) {
      val <- get0(nm, envir = env)
      if (is.character(val) && length(val) == 1L && !is.na(val)) return(glm_db_sql_operand(val, src, types, env, no))
    }
  }
  n <- tryCatch(glm_db_sql_node(x, src, types, "subset", env), error = function(err) {
    no(sub("^'formula' ", "", conditionMessage(err)))
  })
  list(sql = n$v, k = n$k, text = FALSE)
}

# R's x %in% vals: never NA (a NULL x is in vals only when vals has an NA);
# a NaN or +-Inf x is in no finite value.
glm_db_sql_in <- function(lhs, vals, src) {
  hasna <- anyNA(vals)
  vals <- vals[!is.na(vals)]
  if (!lhs$text) vals <- vals[is.finite(as.double(vals))]
  lit <- if (lhs$text) as.character(DBI::dbQuoteString(src$con, as.character(vals))) else
    vapply(as.double(vals), sql_num, "")
  inn <- if (length(lit)) sprintf("%s IN (%s)", lhs$sql, paste(lit, collapse = ", ")) else "1 = 0"
  if (lhs$k != "0") inn <- sprintf("(%s) = 0 AND %s", lhs$k, inn)
  if (hasna) sprintf("(%s IS NULL OR (%s))", lhs$sql, inn) else sprintf("(%s IS NOT NULL AND %s)", lhs$sql, inn)
}

# A comparison; with R's +-Inf (ordered past every number) and NaN (NA).
glm_db_sql_compare <- function(f, e, src, types, env, no) {
  a <- glm_db_sql_operand(e[[2L]], src, types, env, no)
  b <- glm_db_sql_operand(e[[3L]], src, types, env, no)
  if (a$text != b$text) no(sprintf("'%s' compares text with a number", paste(deparse(e), collapse = "")))
  if (a$text && !f %in% c("==", "!=")) {
    no(sprintf("'%s' orders strings (R's order is the locale's, the engine's its own)", paste(deparse(e), collapse = "")))
  }
  op <- c("==" = "=", "!=" = "<>")[f] %|NA|% f
  if (a$k == "0" && b$k == "0") return(sprintf("(%s %s %s)", a$sql, op, b$sql))
  rank <- function(k) sprintf("(CASE %s WHEN 1 THEN 1 WHEN 2 THEN -1 ELSE 0 END)", k)
  sprintf("(CASE WHEN (%s) = 3 OR (%s) = 3 THEN NULL WHEN %s <> %s THEN %s %s %s WHEN %s <> 0 THEN 0 %s 0 ELSE %s %s %s END)",
          a$k, b$k, rank(a$k), rank(b$k), rank(a$k), op, rank(b$k), rank(a$k), op, a$sql, op, b$sql)
}

`%|NA|%` <- function(a, b) if (is.na(a)) b else a

# data filtered by subset (an unevaluated expression): the condition is
# translated (R's NA, NaN and +-Inf: glm_db_sql_compare) and the table
# wrapped by dplyr::filter(dbplyr::sql(...)) (a WHERE in the rendered SQL).
# A row whose condition is NA is a row of NAs in model.frame(): na.omit
# drops it (counted in n_na), na.fail stops ("missing values in object"),
# as glm() does.
glm_db_apply_subset <- function(data, subset, env, na_action = "na.omit") {
  if (is.null(subset)) return(data)
  src <- glm_db_source(data)
  types <- glm_db_columns(src)
  cond <- glm_db_ln_sql(glm_db_sql_cond(subset, src, types, env), src$ln)
  nna <- as.double(glm_db_query(src$con, sprintf("SELECT COUNT(*) AS n FROM %s WHERE (%s) IS NULL", src$from, cond),
                                "checking 'subset'")$n)
  if (na_action == "na.fail" && nna > 0) {
    stop(sprintf(paste0("missing values in object: the 'subset' condition is NA in %s row(s) ",
                        "(na.action = na.fail; glm() stops there too)"), format(nna)), call. = FALSE)
  }
  out <- dplyr::filter(data, dbplyr::sql(cond))
  attr(out, "newtonr_subset_na") <- nna  # (rows of NAs in glm's model frame: counted in n_na)
  out
}
