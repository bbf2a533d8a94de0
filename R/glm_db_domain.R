# glm_db_domain.R -- arithmetic of the database path's terms with R's
# non-finite values (issue 18, DESIGN-dbna.md).  Each translated expression
# is a node list(v, k, num): v its SQL value, k the SQL of its *kind* as R
# would compute it (0 finite, 1 +Inf, 2 -Inf, 3 NaN; "0" when it cannot
# leave the finite numbers), num its R value when it is a constant (folded
# in R).  v is guarded (CASE) so that the engine never evaluates LN, SQRT,
# POWER, EXP or a division outside its domain (PostgreSQL errors there,
# SQLite returns NULL); where R maps a non-finite argument back to a finite
# value (exp(-Inf) = 0, 1 / Inf = 0, x^0 = 1, 1^NaN = 1) v is that value.
# The rules are R's arithmetic (IEEE 754) and R_pow() (src/main/arithmetic.c).
# The sign of a zero divisor is read with ATAN2 (R: 1 / -0 = -Inf).
# Overflow of + - * / is the engine's (not tracked).  glm_db_mf_rows() then makes the model
# frame's rows: NaN terms are missing values (na.omit drops the row, as
# model.frame does; na.fail stops), +-Inf terms are glm's error.

glm_db_sql_funs <- c("(", "I", "glm_db_prop", "+", "-", "*", "/", "^", "log", "log10", "log2", "log1p", "exp", "sqrt", "abs")
glm_db_expmax <- log(.Machine$double.xmax)  # the largest double whose exp() is finite in R
# below log(DBL_MIN), exp() and POWER() are taken as 0 (the true value is
# under 2.3e-308; PostgreSQL errors on an underflow to 0)
glm_db_expmin <- log(.Machine$double.xmin)

# An R expression of columns as SQL (numbers only): the value's SQL.  A term
# whose kind can leave the finite numbers is recorded (glm_db_domain$terms).
glm_db_sql_expr <- function(e, src, types, term, env) {
  n <- glm_db_sql_node(e, src, types, term, env)
  if (n$k != "0") glm_db_domain$terms[[term]] <- n$k
  n$v
}

glm_db_domain <- new.env(parent = emptyenv())
glm_db_domain$terms <- list()

glm_db_node <- function(v, k = "0", num = NULL) list(v = v, k = k, num = num)

# An R number as a node (NaN and +-Inf: a NULL value and their kind).
glm_db_const <- function(x) {
  if (is.finite(x)) return(glm_db_node(sql_num(x), "0", x))
  glm_db_node("NULL", if (is.na(x)) "3" else if (x > 0) "1" else "2", x)
}

glm_db_sql_node <- function(e, src, types, term, env) {
  rec <- function(x) glm_db_sql_node(x, src, types, term, env)
  if (is.numeric(e) && length(e) == 1L && is.finite(e)) return(glm_db_const(as.double(e)))
  if (is.name(e)) {
    nm <- as.character(e)
    if (nm %in% names(types)) return(glm_db_node(glm_db_col_num(src, nm, types, term)))
    val <- get0(nm, envir = env)
    if (is.numeric(val) && length(val) == 1L && is.finite(val)) return(glm_db_const(as.double(val)))
    stop_arg("formula", paste0("term '%s': '%s' is not a column of the table (its columns: %s)"),
             term, nm, paste(names(types), collapse = ", "))
  }
  if (!is.call(e)) glm_db_no_sql(term, deparse(e))
  f <- paste(deparse(e[[1L]]), collapse = "")
  if (!f %in% glm_db_sql_funs) glm_db_no_sql(term, f)
  a <- lapply(as.list(e)[-1L], rec)
  if (!length(a)) glm_db_no_sql(term, f)
  if (f == "log" && length(a) == 2L) {  # R: log(x, base) = log(x) / log(base)
    return(glm_db_binary("/", glm_db_unary("log", a[[1L]]), glm_db_unary("log", a[[2L]])))
  }
  if (f == "glm_db_prop") {  # cbind's y (glm_db_cbind): s / n, 0 where n = 0 (binomial()$initialize)
    d <- glm_db_binary("/", a[[1L]], a[[2L]])
    return(glm_db_node(sprintf("CASE WHEN %s = 0.0 THEN 0.0 ELSE %s END", a[[2L]]$v, d$v),
                       if (a[[1L]]$k == "0" && a[[2L]]$k == "0") "0" else d$k))
  }
  if (all(!vapply(a, function(n) is.null(n$num), TRUE))) {  # constants: R computes them
    return(glm_db_const(as.double(unclass(suppressWarnings(do.call(f, lapply(a, `[[`, "num")))))))
  }
  switch(f,
    "(" = glm_db_node(paste0("(", a[[1L]]$v, ")"), a[[1L]]$k),
    "I" = a[[1L]],
    "+" = , "-" = if (length(a) == 1L) glm_db_unary(f, a[[1L]]) else glm_db_binary(f, a[[1L]], a[[2L]]),
    "*" = , "/" = , "^" = glm_db_binary(f, a[[1L]], a[[2L]]),
    glm_db_unary(f, a[[1L]]))
}

# A node from its parts: code, the SQL of the arguments' kinds combined ("0"
# when all are finite); fin = list(k, raw) for finite arguments (k: the
# result's kind, raw: its SQL where k = 0); cases: code -> list(k, v) for
# the non-finite combinations (v: the value where k can be 0).
glm_db_assemble <- function(code, fin, cases = list()) {
  # (fin$ok: a flat condition for k = 0, when there is one: SQLite's parser
  # allows ~25 nested CASE, so nesting is kept to one CASE per level of v)
  ok <- if (fin$k == "0") "1 = 1" else fin$ok %or% sprintf("(%s) = 0", fin$k)
  if (code == "0") {
    return(glm_db_node(if (fin$k == "0") fin$raw else sprintf("CASE WHEN %s THEN %s END", ok, fin$raw), fin$k))
  }
  ks <- vapply(cases, `[[`, "", "k")
  keep <- ks != "3"
  arms <- function(w, t) if (length(w)) paste0("WHEN ", w, " THEN ", t, " ", collapse = "") else ""
  k <- sprintf("CASE (%s) WHEN 0 THEN %s %sELSE 3 END", code, fin$k, arms(names(cases)[keep], ks[keep]))
  hasv <- vapply(cases, function(cs) !is.null(cs$v), TRUE)
  v <- sprintf("CASE WHEN (%s) = 0 AND %s THEN %s %sEND", code, ok, fin$raw,
               arms(sprintf("(%s) = %s", code, names(cases)[hasv]), vapply(cases[hasv], function(cs) cs$v, "")))
  glm_db_node(v, k)
}

# The kinds a node can take.
glm_db_kinds <- function(k) if (k == "0") 0L else if (k %in% c("1", "2", "3")) as.integer(k) else 0:3

# Functions of one argument: on finite x (raw, fk = the WHEN arms of the
# result's kind), and at x = +Inf / -Inf (inf: kinds; infv: values).
glm_db_unary <- function(f, x) {
  v <- x$v
  lg <- function(raw) list(raw = raw, fk = sprintf("WHEN %s < 0.0 THEN 3 WHEN %s = 0.0 THEN 2", v, v), inf = c(1L, 3L),
                           ok = sprintf("%s > 0.0", v))
  r <- switch(f,
    "+" = list(raw = v, inf = c(1L, 2L)),
    "-" = list(raw = sprintf("(-%s)", v), inf = c(2L, 1L)),
    abs = list(raw = sprintf("ABS(%s)", v), inf = c(1L, 1L)),
    sqrt = list(raw = sprintf("SQRT(%s)", v), fk = sprintf("WHEN %s < 0.0 THEN 3", v), inf = c(1L, 3L),
                ok = sprintf("%s >= 0.0", v)),
    exp = list(raw = sprintf("CASE WHEN %s < %s THEN 0.0 ELSE EXP(%s) END", v, sql_num(glm_db_expmin), v), fk = sprintf("WHEN %s > %s THEN 1", v, sql_num(glm_db_expmax)),
               inf = c(1L, 0L), infv = "0.0", ok = sprintf("%s <= %s", v, sql_num(glm_db_expmax))),
    log = lg(sprintf("LN(%s)", v)), log10 = lg(sprintf("(LN(%s) / LN(10.0))", v)),
    log2 = lg(sprintf("(LN(%s) / LN(2.0))", v)),
    # log1p: a series where 1 + x would lose digits (|x| < 1e-4: error < x^5 / 5)
    log1p = list(raw = sprintf("CASE WHEN ABS(%s) < 0.0001 THEN %s * (1.0 - %s * (0.5 - %s * (%s - %s * 0.25))) ELSE LN(1.0 + %s) END",
                               v, v, v, v, sql_num(1 / 3), v, v),
                 fk = sprintf("WHEN %s < -1.0 THEN 3 WHEN %s = -1.0 THEN 2", v, v), inf = c(1L, 3L),
                 ok = sprintf("%s > -1.0", v)))
  fin <- list(k = if (is.null(r$fk)) "0" else sprintf("CASE %s ELSE 0 END", r$fk), raw = r$raw, ok = r$ok)
  if (x$k == "0") return(glm_db_assemble("0", fin))
  cases <- list(`1` = list(k = as.character(r$inf[1L])), `2` = list(k = as.character(r$inf[2L])))
  if (r$inf[2L] == 0L) cases$`2`$v <- r$infv
  glm_db_assemble(x$k, fin, cases)
}

glm_db_binary <- function(f, a, b) {
  ia <- glm_db_kinds(a$k)
  ib <- glm_db_kinds(b$k)
  fin <- glm_db_fin2(f, a, b)
  if (identical(ia, 0L) && identical(ib, 0L)) return(glm_db_assemble("0", fin))
  cases <- list()
  for (i in ia) for (j in ib) if (i + j > 0) cases[[as.character(4L * i + j)]] <- glm_db_inf2(f, i, j, a, b)
  glm_db_assemble(sprintf("(4 * (%s) + (%s))", a$k, b$k), fin, cases)
}

# x op y on finite x, y: list(k, raw).
glm_db_fin2 <- function(f, a, b) {
  x <- a$v
  y <- b$v
  switch(f,
    "+" = , "-" = , "*" = list(k = "0", raw = sprintf("(%s %s %s)", x, f, y)),
    "/" = list(k = if (!is.null(b$num) && b$num != 0) "0" else
      sprintf("CASE WHEN %s <> 0.0 THEN 0 WHEN %s = 0.0 THEN 3 WHEN (%s > 0.0) = %s THEN 1 ELSE 2 END", y, x, x,
              glm_db_plus(y)),
      raw = sprintf("(%s / %s)", x, y), ok = sprintf("%s <> 0.0", y)),
    "^" = glm_db_pow_fin(a, b))
}

glm_db_odd <- function(y) sprintf("ABS(%s - 2.0 * ROUND(%s / 2.0)) = 1.0", y, y)

# R_pow(x, y) on finite x, y: 1 when x = 1 or y = 0; 0^y = 0 (y > 0) or Inf;
# NaN for x < 0 and y not an integer; +-Inf past the largest double.
glm_db_pow_fin <- function(a, b) {
  x <- a$v
  y <- b$v
  sgn <- sprintf("(CASE WHEN %s < 0.0 AND %s THEN 2 ELSE 1 END)", x, glm_db_odd(y))
  over <- if (!is.null(b$num)) {  # |x|^y > DBL_MAX as a threshold on |x|
    t <- exp(glm_db_expmax / b$num)
    if (b$num > 0 && is.finite(t)) sprintf("ABS(%s) > %s", x, sql_num(t)) else
      if (b$num < 0 && t > 0) sprintf("ABS(%s) < %s", x, sql_num(t)) else "1 = 0"
  } else {
    sprintf("%s * %s > %s", y, if (!is.null(a$num)) sql_num(log(abs(a$num) + (a$num == 0))) else
      sprintf("LN(ABS(%s))", x), sql_num(glm_db_expmax))
  }
  k <- sprintf(paste0("CASE WHEN %s = 1.0 OR %s = 0.0 THEN 0 WHEN %s = 0.0 THEN (CASE WHEN %s > 0.0 THEN 0 ELSE 1 END) ",
                      "WHEN %s < 0.0 AND %s <> ROUND(%s) THEN 3 WHEN %s THEN %s ELSE 0 END"),
               x, y, x, y, x, y, y, over, sgn)
  if (!is.null(b$num) && b$num == round(b$num) && b$num > 0) {  # no NaN, no 0^-y
    k <- sprintf("CASE WHEN %s = 0.0 THEN 0 WHEN %s THEN %s ELSE 0 END", x, over, sgn)
  }
  under <- if (!is.null(b$num)) {  # |x|^y < DBL_MIN: 0
    t <- exp(glm_db_expmin / b$num)
    if (b$num > 0 && t > 0) sprintf("ABS(%s) < %s", x, sql_num(t)) else
      if (b$num < 0 && is.finite(t)) sprintf("ABS(%s) > %s", x, sql_num(t)) else "1 = 0"
  } else {
    sprintf("%s * %s < %s", y, if (!is.null(a$num)) sql_num(log(abs(a$num) + (a$num == 0))) else
      sprintf("LN(ABS(%s))", x), sql_num(glm_db_expmin))
  }
  # a constant exponent: k = 0 as a flat condition (no CASE, no LN)
  ok <- if (!is.null(b$num)) paste(c(sprintf("NOT (%s)", over), if (b$num != round(b$num)) sprintf("%s >= 0.0", x),
                                     if (b$num < 0) sprintf("%s <> 0.0", x)), collapse = " AND ")
  list(k = k, ok = ok, raw = sprintf("CASE WHEN %s = 1.0 OR %s = 0.0 THEN 1.0 WHEN %s = 0.0 OR %s THEN 0.0 ELSE POWER(%s, %s) END",
                                     x, y, x, under, x, y))
}

# x op y where x (kind i) or y (kind j) is not finite: list(k, v).
glm_db_inf2 <- function(f, i, j, a, b) {
  flip <- c(0L, 2L, 1L, 3L)
  if (f == "^") return(glm_db_pow_inf(i, j, a$v, b$v))
  if (i == 3L || j == 3L) return(list(k = "3"))
  switch(f,
    "+" = , "-" = {
      ks <- unique(setdiff(c(i, if (f == "-") flip[j + 1L] else j), 0L))
      list(k = if (length(ks) > 1L) "3" else as.character(ks))
    },
    "*" = if (i > 0L && j > 0L) list(k = if (i == j) "1" else "2") else {
      s <- max(i, j)
      z <- if (i == 0L) a$v else b$v
      list(k = sprintf("CASE WHEN %s = 0.0 THEN 3 WHEN %s > 0.0 THEN %d ELSE %d END", z, z, s, flip[s + 1L]))
    },
    "/" = if (i > 0L && j > 0L) list(k = "3") else if (i == 0L) list(k = "0", v = "0.0") else
      list(k = sprintf("CASE WHEN %s THEN %d ELSE %d END", glm_db_plus(b$v), i, flip[i + 1L])))
}

# y > 0 or y = +0 (R: 1/-0 = -Inf; the sign of a zero by ATAN2(y, -1) = +-pi;
# PostgreSQL keeps -0, SQLite stores it as 0)
glm_db_plus <- function(y) sprintf("(%s > 0.0 OR (%s = 0.0 AND ATAN2(%s, -1.0) > 0.0))", y, y, y)

# R_pow(x, y) where x (kind i) or y (kind j) is not finite.
glm_db_pow_inf <- function(i, j, x, y) {
  one <- function(cond) list(k = sprintf("CASE WHEN %s THEN 0 ELSE 3 END", cond), v = "1.0")
  if (i == 3L) return(if (j == 0L) one(sprintf("%s = 0.0", y)) else list(k = "3"))
  if (j == 3L) return(if (i == 0L) one(sprintf("%s = 1.0", x)) else list(k = "3"))
  v01 <- function(cond) sprintf("CASE WHEN %s THEN 1.0 ELSE 0.0 END", cond)
  if (i == 0L) {  # y = +Inf (j = 1) or -Inf (j = 2)
    return(list(k = sprintf("CASE WHEN %s = 1.0 THEN 0 WHEN %s = 0.0 THEN %d WHEN %s < 0.0 THEN 3 WHEN %s %s 1.0 THEN 1 ELSE 0 END",
                            x, x, if (j == 1L) 0L else 1L, x, x, if (j == 1L) ">" else "<"),
                v = v01(sprintf("%s = 1.0", x))))
  }
  if (i == 1L) {  # +Inf^y
    if (j > 0L) return(if (j == 1L) list(k = "1") else list(k = "0", v = "0.0"))
    return(list(k = sprintf("CASE WHEN %s <= 0.0 THEN 0 ELSE 1 END", y), v = v01(sprintf("%s = 0.0", y))))
  }
  if (j > 0L) return(list(k = "3"))  # (-Inf)^(+-Inf)
  list(k = sprintf("CASE WHEN %s = 0.0 THEN 0 WHEN %s <> ROUND(%s) THEN 3 WHEN %s < 0.0 THEN 0 WHEN %s THEN 2 ELSE 1 END",
                   y, y, y, y, glm_db_odd(y)),
       v = v01(sprintf("%s = 0.0", y)))
}

# The model frame's rows beyond na.action's NULL columns (spec$where):
# model.frame() holds each term, the weights, the offset, etastart and
# mustart as variables, so a row where one of them is NaN in R, or where an
# etastart/mustart column is NULL, is a missing value: na.omit/na.exclude
# drop it (with a warning naming the terms and counts), na.fail stops.  A
# term that is +-Inf on a kept row is glm's error ("NA/NaN/Inf in 'x'"),
# named here (with etastart given, glm never reads mustart's values).  The
# SQL condition of the rows to keep, or NULL when no row more is dropped.
glm_db_mf_rows <- function(spec, opts) {
  src <- spec$src
  starts <- c("etastart", "mustart")[c(!is.null(opts$etastart), !is.null(opts$mustart))]
  if (!length(glm_db_domain$terms) && !length(starts)) return(NULL)  # (ordinary terms: no query)
  types <- glm_db_columns(src)
  for (nm in starts) glm_db_sql_expr(opts[[nm]], src, types, nm, opts$env)
  kinds <- glm_db_domain$terms
  glm_db_domain$terms <- list()
  scols <- intersect(unlist(lapply(starts, function(nm) all.vars(opts[[nm]]))), names(types))
  if (!length(kinds) && !length(scols)) return(NULL)
  snull <- if (length(scols)) paste0("(", paste(sprintf("%s IS NULL", vapply(scols, glm_db_qid, "", src = src)),
                                                collapse = " OR "), ")") else "(1 = 0)"
  kinds <- vapply(kinds, function(k) paste0("(", k, ")"), "")
  nan <- if (length(kinds)) paste0("(", paste(kinds, "= 3", collapse = " OR "), ")") else "(1 = 0)"
  drop <- sprintf("(%s OR %s)", snull, nan)
  tm <- names(kinds)
  ckinf <- !(tm == "mustart" & "etastart" %in% starts)
  aggs <- c(sprintf("SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS ndrop", drop),
            sprintf("SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS nnull", snull),
            sprintf("SUM(CASE WHEN %s = 3 THEN 1 ELSE 0 END) AS nan%d", kinds, seq_along(kinds)),
            sprintf("SUM(CASE WHEN NOT %s AND %s IN (1, 2) THEN 1 ELSE 0 END) AS inf%d", drop, kinds, seq_along(kinds))[ckinf])
  cnt <- lapply(glm_db_query(src$con, sprintf("SELECT %s FROM %s WHERE %s", paste(aggs, collapse = ", "), src$from,
                                              spec$where), "checking the model's terms for NaN and Inf", src$ln),
                function(x) as.double(x) %|NA|% 0)
  glm_db_mf_report(cnt, tm, ckinf, scols, opts$na_action)
  if (cnt$ndrop == 0) return(NULL)
  glm_db_ln_sql(sprintf("NOT %s", drop), src$ln)
}

# The errors and the warning of glm_db_mf_rows (counts: cnt).
glm_db_mf_report <- function(cnt, tm, ckinf, scols, na_action) {
  arg <- function(t) if (t %in% c("weights", "offset", "etastart", "mustart")) t else "formula"
  subj <- function(t) if (arg(t) == t) "is" else sprintf("term '%s' is", t)
  for (i in which(ckinf)) if (cnt[[paste0("inf", i)]] > 0) {
    stop_arg(arg(tm[i]), paste0("%s +Inf or -Inf (as R computes it: e.g. log(0), x / 0, exp(x) past %.6g) ",
                                "in %s row(s); glm() stops on these rows (NA/NaN/Inf in 'x' or 'y'). ",
                                "Filter those rows first (dplyr::filter()) or fix the term"),
             subj(tm[i]), glm_db_expmax, format(cnt[[paste0("inf", i)]]))
  }
  nan <- vapply(seq_along(tm), function(i) cnt[[paste0("nan", i)]], 0)
  what <- c(sprintf("%s is NaN in %s row(s)", vapply(tm, function(t) if (arg(t) == t) sprintf("'%s'", t) else
    sprintf("term '%s'", t), ""), format(nan))[nan > 0],
    if (cnt$nnull > 0) sprintf("%s has a missing value (NULL) in %s row(s)",
                               paste0("'", scols, "'", collapse = "/"), format(cnt$nnull)))
  if (!length(what)) return(invisible())
  if (na_action == "na.fail") {
    stop(sprintf("missing values in object: %s (na.action = na.fail; glm() stops there too)",
                 paste(what, collapse = "; ")), call. = FALSE)
  }
  warning(sprintf("%s row(s) dropped as missing values (na.action = %s, as glm()'s model frame does): %s",
                  format(cnt$ndrop), na_action, paste(what, collapse = "; ")), call. = FALSE)
}
