# glm_db_fit.R -- the database fit (glm_db.R's SQL path): the model as SQL
# (glm_db_spec.R), one aggregation query per pass of the one IRLS loop
# (glm_sums_fit_cpp, src/glm_db.cpp); the null deviance, AIC sums and
# Pearson statistic as extra aggregates of the loop's own passes where they
# can be (glm_sums_side), else by further aggregations; the result object.

# The model as SQL: list(src, x = <column SQL>, xnames, y, w, o, where,
# intercept, has_offset, mt, xlevels, fam (SQL fragments)).
glm_db_spec <- function(data, opts) {
  src <- glm_db_source(data)
  types <- glm_db_columns(src)
  glm_db_check_family(opts$family)
  proto <- as.data.frame(lapply(types, function(t) if (t == "character") character() else numeric()))
  mt <- stats::terms(opts$formula, data = proto)
  vars <- vapply(as.list(attr(mt, "variables"))[-1L], function(v) paste(deparse(v), collapse = ""), "")
  if (attr(mt, "response") != 1L) stop_arg("formula", "must have a response (y ~ ...)")
  env <- opts$env
  used <- unique(c(all.vars(opts$formula), all.vars(opts$weights), all.vars(opts$offset)))
  miss <- setdiff(intersect(used, all.vars(opts$formula[[2L]])), names(types))
  for (nm in setdiff(used, names(types))) if (is.null(get0(nm, envir = env))) miss <- c(miss, nm)
  if (length(miss)) {
    stop_arg("formula", "names column(s) %s that the table does not have (its columns: %s)",
             paste0("'", unique(miss), "'", collapse = ", "), paste(names(types), collapse = ", "))
  }
  cols <- intersect(used, names(types))
  notnull <- if (length(cols)) paste(sprintf("%s IS NOT NULL", vapply(cols, glm_db_qid, "", src = src)),
                                     collapse = " AND ") else "1 = 1"
  where <- glm_db_where(src, notnull, opts$na_action)
  y <- glm_db_response(vars[1L], src, types, where, opts$family, env)
  w <- if (is.null(opts$weights)) "1.0" else glm_db_sql_expr(opts$weights, src, types, "weights", env)
  offs <- c(vapply(vars[attr(mt, "offset")], function(v)
    glm_db_sql_expr(str2lang(v)[[2L]], src, types, v, env), ""),
    if (!is.null(opts$offset)) glm_db_sql_expr(opts$offset, src, types, "offset", env))
  design <- glm_db_design(mt, vars, src, types, where, env)
  list(src = src, x = design$sql, xnames = design$names, grp = design$grp, y = y, where = where,
       w = w, o = if (length(offs)) paste0("(", paste(offs, collapse = " + "), ")") else "0.0",
       intercept = attr(mt, "intercept") == 1L, has_offset = length(offs) > 0L, mt = mt,
       xlevels = design$xlevels, family = opts$family, fam = glm_db_fam_sql(opts$family))
}

# The WHERE clause of na.action (na.fail: an error when a row has a NULL).
glm_db_where <- function(src, notnull, na_action) {
  if (na_action == "na.fail") {
    nbad <- glm_db_query(src$con, sprintf("SELECT COUNT(*) AS n FROM %s WHERE NOT (%s)", src$from, notnull),
                         "counting missing values")$n
    if (nbad > 0) stop("missing values in object", call. = FALSE)
  }
  notnull
}

# The response as a number: binomial's factor/text response is
# (value != first level), as binomial()$initialize codes a factor.
glm_db_response <- function(v, src, types, where, family, env) {
  e <- str2lang(v)
  if (is.call(e) && identical(e[[1L]], as.name("cbind"))) {
    stop_arg("formula", "response '%s': cbind(successes, failures) is not supported for a table; give the proportion as response and the totals as weights", v)
  }
  if (is.name(e) && v %in% names(types) && types[[v]] %in% c("character", "factor", "logical")) {
    if (!family$family %in% c("binomial", "quasibinomial")) {
      stop_arg("formula", "response '%s' has type %s, which only a binomial family can use", v, types[[v]])
    }
    if (types[[v]] == "logical") return(sprintf("CASE WHEN %s THEN 1.0 ELSE 0.0 END", glm_db_qid(src, v)))
    lv <- glm_db_variable(v, src, types, where, env)
    return(sprintf("(1.0 - %s)", lv$sql[1L]))
  }
  glm_db_sql_expr(e, src, types, v, env)
}

# The model matrix's columns: SQL, names (model.matrix's), xlevels.
glm_db_design <- function(mt, vars, src, types, where, env) {
  fac <- attr(mt, "factors")
  labs <- attr(mt, "term.labels")
  inner <- setdiff(rownames(fac), vars[c(1L, attr(mt, "offset"))])
  info <- stats::setNames(lapply(inner, glm_db_variable, src = src, types = types,
                                 where = where, env = env), inner)
  if (attr(mt, "intercept") == 0L) {  # model.matrix: the first factor in a term gets all levels
    done <- FALSE
    for (tl in labs) for (v in inner) if (!done && info[[v]]$factor && fac[v, tl] > 0) {
      fac[v, tl] <- 2L
      done <- TRUE
    }
  }
  sql <- character()
  nms <- character()
  grp <- character()  # the factor of a main-effect indicator column (its products with
                      # the same factor's other indicators are zero: not summed)
  if (attr(mt, "intercept") == 1L) {
    sql <- "1.0"
    nms <- "(Intercept)"
    grp <- NA_character_
  }
  for (tl in labs) {
    codes <- stats::setNames(fac[inner, tl], inner)
    codes <- codes[codes > 0]
    tc <- glm_db_term_cols(tl, info, codes)
    sql <- c(sql, tc$sql)
    nms <- c(nms, tc$names)
    one <- length(codes) == 1L && info[[names(codes)]]$factor
    grp <- c(grp, rep(if (one) names(codes) else NA_character_, length(tc$sql)))
  }
  if (!length(sql)) stop_arg("formula", "has no columns (an empty model) ")
  isf <- vapply(info, function(i) i$factor, TRUE)
  list(sql = sql, names = nms, grp = grp, xlevels = lapply(info[isf], function(i) i$labels))
}

# The SELECT of one pass.  states: named list (suffix -> state of length
# p + 1 over the columns `cols`): "" the pass's state (first), "w" where the
# working weights of Pearson's statistic were formed, "n" glm's null model;
# aggs: the aggregate list (name -> SQL).
glm_db_pass_sql <- function(spec, states, cols, aggs, group = NULL) {
  f <- spec$fence
  xs <- sprintf("x%d", seq_along(cols))
  # Every base column is cast to DOUBLE PRECISION: a bare literal such as
  # 1.0 is NUMERIC/DECIMAL in PostgreSQL and DuckDB, and arithmetic on it,
  # or its conversion to double in every expression of every row, cost
  # PostgreSQL 2.4x per pass (1e6 rows, p = 15: 17 s -> 7 s).
  dbl <- function(e) stats::setNames(sprintf("CAST(%s AS DOUBLE PRECISION)", e), names(e))
  d1 <- sprintf("SELECT %s AS y_, %s AS w_, %s AS o_, %s%s FROM %s WHERE %s%s",
                dbl(spec$y), dbl(spec$w), dbl(spec$o), paste(dbl(spec$x[cols]), "AS", xs, collapse = ", "),
                if (is.null(spec$s0)) "" else paste0(", ", dbl(spec$s0), " AS s_"),  # etastart/mustart
                spec$src$from, spec$where, f)
  lvl <- function(inner, exprs, k) {
    sprintf("SELECT d%d.*, %s FROM (%s) d%d%s", k, paste(exprs, "AS", names(exprs), collapse = ", "),
            inner, k, f)
  }
  e <- lapply(seq_along(states), function(i) glm_db_eta_sql(spec, states[[i]], xs))
  fams <- lapply(names(states), function(s) glm_db_fam_sql(spec$family, s))
  pick <- function(what) unlist(lapply(seq_along(states), function(i)
    stats::setNames(fams[[i]][[what]], paste0(what, names(states)[i]))))
  d2 <- lvl(d1, c(stats::setNames(unlist(e), paste0("eta", names(states))),
                  if (length(group)) c(gk = glm_db_group_key(group))), 2L)
  d3 <- lvl(d2, pick("tt"), 3L)
  d4 <- lvl(d3, dbl(c(pick("mu"), pick("me"))), 4L)
  fam0 <- fams[[1L]]
  famw <- fams[names(states) == "w"]
  famn <- fams[names(states) == "n"]
  d5 <- lvl(d4, c(va = dbl(fam0$var), dd = fam0$dev, bb = fam0$bad,
                  if (length(famw)) c(vaw = dbl(famw[[1L]]$var)),
                  if (length(famn)) c(ddn = famn[[1L]]$dev, bbn = famn[[1L]]$bad)), 5L)
  d6 <- lvl(d5, c(ww = "w_ * me * me / va",
                  rr = "w_ * me * me / va * (eta - o_) + w_ * (y_ - mu) * me / va",
                  uu = "w_ * (y_ - mu) * me / va"), 6L)
  sprintf("SELECT %s FROM (%s) d7%s", paste(aggs, "AS", names(aggs), collapse = ", "), d6,
          if (length(group)) " GROUP BY gk" else "")
}

# The linear predictor of a state: X s[1..p] + (1 - s[p+1]) offset + s[p+1] eta_start.
glm_db_eta_sql <- function(spec, st, xs) {
  p <- length(xs)
  b <- st[seq_len(p)]
  t <- st[p + 1L]
  nz <- which(b != 0)
  xb <- if (length(nz)) paste(sprintf("%s * %s", vapply(b[nz], sql_num, ""), xs[nz]), collapse = " + ") else "0.0"
  lin <- sprintf("(%s + o_)", xb)
  if (t == 0) return(lin)
  if (t == 1) return(spec$fam$start)
  sprintf("(%s * %s + %s * %s)", sql_num(1 - t), lin, sql_num(t), spec$fam$start)
}

# The aggregates of an IRLS pass: counts, deviance, upper triangle of X'WX, X'r
# (without the products of two indicators of one factor, which are 0, and
# with an indicator's square as the indicator).
glm_db_pass_aggs <- function(p, accumulate, score, grp = rep(NA_character_, p)) {
  a <- c(n_ = "COUNT(*)", dev_ = "SUM(dd)", bad_ = "SUM(bb)",
         good_ = "SUM(CASE WHEN w_ > 0 THEN 1 ELSE 0 END)")
  if (!accumulate) return(a)
  xs <- sprintf("x%d", seq_len(p))
  ij <- which(upper.tri(diag(p), diag = TRUE), arr.ind = TRUE)
  g1 <- grp[ij[, 1L]]
  same <- !is.na(g1) & !is.na(grp[ij[, 2L]]) & g1 == grp[ij[, 2L]]
  diag_ind <- same & ij[, 1L] == ij[, 2L]
  ij <- ij[!same | diag_ind, , drop = FALSE]
  diag_ind <- diag_ind[!same | diag_ind]
  c(a, stats::setNames(ifelse(diag_ind, sprintf("SUM(ww * %s)", xs[ij[, 1L]]),
                              sprintf("SUM(ww * %s * %s)", xs[ij[, 1L]], xs[ij[, 2L]])),
                       sprintf("a%d_%d", ij[, 1L], ij[, 2L])),
    stats::setNames(sprintf("SUM(%s * %s)", if (score) "uu" else "rr", xs), sprintf("b%d", seq_len(p))))
}

# The pass closure for glm_sums_fit_cpp over columns `cols`.  side: the
# main fit's extras (glm_sums_extras): the null deviance in the first pass
# and the final statistics in a pass that only sums the deviance, as more
# aggregates of the same query (no extra read of the table).
glm_db_pass_fn <- function(spec, cols, side = NULL) {
  p <- length(cols)
  F <- glm_db_group_cols(spec$grp[cols])
  run <- function(state, accumulate, score, ex, state_w) {
    grouped <- accumulate && length(F)
    aggs <- if (grouped) glm_db_group_aggs(p, F, score) else
      glm_db_pass_aggs(p, accumulate, score, spec$grp[cols])
    states <- stats::setNames(list(state), "")
    if (!is.null(ex$null)) {
      states$n <- ex$null
      aggs <- c(aggs, ndev_ = "SUM(ddn)", nbad_ = "SUM(bbn)")
    }
    if (ex$final) {
      states$w <- state_w
      aggs <- c(aggs, glm_db_final_aggs(spec$family$family))
    }
    sql <- glm_db_pass_sql(spec, states, cols, aggs, if (grouped) F)
    r <- glm_db_query(spec$src$con, sql, "running an IRLS pass", spec$src$ln)
    out <- if (grouped) glm_db_unpack_group(r, p, F) else glm_db_unpack(r, p, accumulate)
    if (!is.null(ex$null)) {
      out$null_dev <- if (sum(as.double(r$nbad_)) > 0) NaN else sum(as.double(r$ndev_))
    }
    if (ex$final) out <- c(out, lapply(r[names(glm_db_final_aggs(spec$family$family))], as.double))
    out
  }
  function(state, accumulate, score, state_w = NULL) {
    ex <- glm_sums_extras(side, accumulate, state_w)
    out <- tryCatch(run(state, accumulate, score, ex, state_w), error = function(e) if (ex$final) NULL else stop(e))
    if (is.null(out)) {  # (a statistic the engine refuses at a trial point: the pass without them)
      ex$final <- FALSE
      out <- run(state, accumulate, score, ex, state_w)
    }
    glm_sums_keep(side, ex, state, state_w, out)
    out
  }
}

glm_db_unpack <- function(r, p, accumulate) {
  r <- lapply(r, as.double)
  out <- list(dev = if (r$bad_ > 0) NaN else r$dev_, valid = r$bad_ == 0 && !is.na(r$dev_),
              ngood = r$good_, n = r$n_)
  if (accumulate) {
    A <- matrix(0, p, p)
    ij <- which(upper.tri(A, diag = TRUE), arr.ind = TRUE)
    nm <- sprintf("a%d_%d", ij[, 1L], ij[, 2L])
    have <- nm %in% names(r)
    A[ij[have, , drop = FALSE]] <- unlist(r[nm[have]])
    A[lower.tri(A)] <- t(A)[lower.tri(A)]
    out$A <- A
    out$b <- unlist(r[sprintf("b%d", seq_len(p))], use.names = FALSE)
    if (anyNA(A) || anyNA(out$b)) out$valid <- FALSE
  }
  out
}
