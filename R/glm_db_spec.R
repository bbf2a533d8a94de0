# glm_db_spec.R -- a model formula as SQL (the database path of newton_glm,
# glm_db.R): the response, prior weights, offset and every column of the
# model matrix as SQL expressions over the table, and the WHERE clause of
# na.omit.  Columns are coded as model.matrix() codes them: attr(terms,
# "factors") says per term whether a factor enters by contrasts (treatment:
# levels 2..K) or by all its levels; a term's columns are the products of
# its variables' columns, the first variable varying fastest; factor levels
# are the sorted distinct values of the rows kept (glm's
# drop.unused.levels = TRUE).  Expressions are translated by a small
# portable translator (+ - * / ^, log, exp, sqrt, abs, I(), factor()); any
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
  smp <- glm_db_query(src$con, sprintf("SELECT * FROM %s LIMIT 100", src$from),
                      "reading the table's columns")
  vapply(smp, function(v) class(v)[1L], "")
}

# The SQL of a column used as a number (its type checked).
glm_db_col_num <- function(src, nm, types, term) {
  ty <- types[[nm]]
  if (!ty %in% c("numeric", "integer", "integer64", "logical")) {
    stop_arg("formula", paste0("term '%s': column '%s' has type %s, which the SQL pass cannot use as ",
                               "a number (numeric columns, or text columns as factors)"), term, nm, ty)
  }
  sprintf("CAST(%s AS DOUBLE PRECISION)", glm_db_qid(src, nm))
}

glm_db_qid <- function(src, nm) as.character(DBI::dbQuoteIdentifier(src$con, nm))

# An R expression of columns as SQL (numbers only).
glm_db_sql_expr <- function(e, src, types, term, env) {
  rec <- function(x) glm_db_sql_expr(x, src, types, term, env)
  if (is.numeric(e) && length(e) == 1L && is.finite(e)) return(sql_num(e))
  if (is.name(e)) {
    nm <- as.character(e)
    if (nm %in% names(types)) return(glm_db_col_num(src, nm, types, term))
    val <- get0(nm, envir = env)
    if (is.numeric(val) && length(val) == 1L && is.finite(val)) return(sql_num(val))
    stop_arg("formula", paste0("term '%s': '%s' is not a column of the table (its columns: %s)"),
             term, nm, paste(names(types), collapse = ", "))
  }
  if (!is.call(e)) glm_db_no_sql(term, deparse(e))
  f <- paste(deparse(e[[1L]]), collapse = "")
  a <- lapply(as.list(e)[-1L], rec)
  bin <- function(op) if (length(a) == 1L) paste0("(", op, a[[1L]], ")") else
    paste0("(", a[[1L]], " ", op, " ", a[[2L]], ")")
  switch(f,
    "(" = paste0("(", a[[1L]], ")"), "I" = a[[1L]],
    "+" = bin("+"), "-" = bin("-"), "*" = bin("*"), "/" = bin("/"),
    "^" = sprintf("POWER(%s, %s)", a[[1L]], a[[2L]]),
    "log" = if (length(a) == 1L) sprintf("LN(%s)", a[[1L]]) else
      sprintf("(LN(%s) / LN(%s))", a[[1L]], a[[2L]]),
    "log10" = sprintf("(LN(%s) / LN(10.0))", a[[1L]]),
    "log2" = sprintf("(LN(%s) / LN(2.0))", a[[1L]]),
    "exp" = sprintf("EXP(%s)", a[[1L]]), "sqrt" = sprintf("SQRT(%s)", a[[1L]]),
    "abs" = sprintf("ABS(%s)", a[[1L]]),
    glm_db_no_sql(term, f))
}

glm_db_no_sql <- function(term, f) {
  stop_arg("formula", paste0(
    "term '%s' cannot be pushed down to the database: %s() has no SQL translation here ",
    "(supported: + - * / ^, log, exp, sqrt, abs, I(), factor() of a column). ",
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
    keep <- if (info$factor && codes[[v]] == 1L) -1L else seq_along(info$sql)
    s <- info$sql[keep]
    lab <- if (info$factor) paste0(v, info$labels[keep]) else v
    sql <- as.vector(outer(sql, s, function(a, b) ifelse(a == "", b, paste0(a, " * ", b))))
    nms <- as.vector(outer(nms, lab, function(a, b) ifelse(a == "", b, paste0(a, ":", b))))
  }
  list(sql = sql, names = nms)
}
