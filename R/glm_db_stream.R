# glm_db_stream.R -- the "stream" pass of the database fit (glm_db_fit.R):
# control setting db_pass = "stream".  Each IRLS pass runs ONE plain SELECT
# of the model matrix (expanded in SQL exactly as for the aggregation pass:
# the same casts, factor indicators, NULL handling and na.action WHERE
# clause), fetches it in chunks of `chunksize` rows (DBI::dbFetch) and adds
# up each chunk's X'WX, X'r and deviance in C++ (glm_chunk_pass_cpp, the
# in-memory fused evaluator), as biglm's bigglm() reads a table.  The
# engine then only scans and exports; for row-at-a-time engines (SQLite,
# PostgreSQL) whose aggregation of p(p+1)/2 products per row costs far more
# than the scan, this is the faster pass (bench/glm-db.R).  R holds one
# chunk at a time.  The loop, the null deviance and the final statistics
# are the aggregation path's.

# The pass closure for glm_sums_fit_cpp over columns `cols`, reading chunks.
glm_db_stream_pass_fn <- function(spec, cols, chunksize) {
  fam <- spec$family
  p <- length(cols)
  xs <- sprintf("x%d", seq_len(p))
  dbl <- function(e) sprintf("CAST(%s AS DOUBLE PRECISION)", e)
  inner <- sprintf("SELECT %s AS y_, %s AS w_, %s AS o_, %s FROM %s WHERE %s",
                   dbl(spec$y), dbl(spec$w), dbl(spec$o), paste(dbl(spec$x[cols]), "AS", xs, collapse = ", "),
                   spec$src$from, spec$where)
  # A main-effect factor's indicators travel as ONE level code (0 = the
  # reference level, k = its k-th column), rebuilt here: for 20 numeric
  # columns and a 50-level factor, 23 values per row are exported, not 72.
  F <- if (isFALSE(getOption("newtonr.glm_db_group"))) NULL else glm_db_group_cols(spec$grp[cols])
  R <- setdiff(seq_len(p), F)
  out <- c("y_", "w_", "o_", xs[R], if (length(F)) sprintf("%s AS gk_", glm_db_group_key(F)))
  base <- sprintf("SELECT %s FROM (%s) d", paste(out, collapse = ", "), inner)
  with_start <- sprintf("SELECT %s, %s AS e0_ FROM (%s) d", paste(out, collapse = ", "), dbl(spec$fam$start), inner)
  function(state, accumulate, score) {
    t <- state[p + 1L]
    glm_db_stream_sweep(spec$src, if (t == 0) base else with_start, chunksize, function(ch) {
      X <- glm_db_stream_x(ch, xs, R, F)
      off <- as.double(ch$o_)
      eta <- glm_chunk_eta(list(X = X, off = off, eta0 = as.double(ch$e0_)), seq_len(p), state)
      glm_chunk_pass_cpp(X, as.double(ch$y_), as.double(ch$w_), off, eta, fam$family, fam$link,
                         accumulate, score)
    })
  }
}

# A chunk's model matrix: columns R as fetched, the factor's indicator
# columns F from the level code gk_.
glm_db_stream_x <- function(ch, xs, R, F) {
  X <- matrix(0, nrow(ch), length(xs))
  X[, R] <- unlist(ch[xs[R]], use.names = FALSE)
  if (length(F)) {
    code <- as.integer(round(ch$gk_))
    on <- which(code > 0L)
    X[cbind(on, F[code[on]])] <- 1
  }
  X
}

# Run `sql` and fold f over its chunks with glm_chunk_add; the result set is
# always cleared (also on error or interrupt).
glm_db_stream_sweep <- function(src, sql, chunksize, f) {
  if (src$ln != "LN") sql <- gsub("LN(", paste0(src$ln, "("), sql, fixed = TRUE)
  what <- "streaming the rows of an IRLS pass"
  if (!glm_db_valid(src$con)) {
    stop(sprintf("the database connection was closed (while %s); nothing was changed in the database", what),
         call. = FALSE)
  }
  fail <- function(e) {
    stop(sprintf("the database query failed while %s: %s", what, conditionMessage(e)), call. = FALSE)
  }
  rs <- tryCatch(DBI::dbSendQuery(src$con, sql), error = fail)
  on.exit(try(DBI::dbClearResult(rs), silent = TRUE), add = TRUE)
  acc <- NULL
  repeat {
    ch <- tryCatch(DBI::dbFetch(rs, n = chunksize), error = fail)
    if (nrow(ch) > 0L) {
      if (anyNA(ch)) {
        stop_arg("formula", "gives no value (SQL NULL: e.g. a division by zero) in a model-matrix column computed by the database")
      }
      acc <- glm_chunk_add(acc, f(ch))
    }
    if (nrow(ch) == 0L || tryCatch(DBI::dbHasCompleted(rs), error = fail)) break
  }
  if (is.null(acc)) stop_arg("data", "has no rows left after removing missing values")
  acc
}
