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
  xs <- sprintf("x%d", seq_along(cols))
  dbl <- function(e) sprintf("CAST(%s AS DOUBLE PRECISION)", e)
  base <- sprintf("SELECT %s AS y_, %s AS w_, %s AS o_, %s FROM %s WHERE %s",
                  dbl(spec$y), dbl(spec$w), dbl(spec$o), paste(dbl(spec$x[cols]), "AS", xs, collapse = ", "),
                  spec$src$from, spec$where)
  with_start <- sprintf("SELECT d.*, %s AS e0_ FROM (%s) d", dbl(spec$fam$start), base)
  function(state, accumulate, score) {
    t <- state[length(cols) + 1L]
    sql <- if (t == 0) base else with_start
    glm_db_stream_sweep(spec$src, sql, chunksize, function(ch) {
      X <- matrix(unlist(ch[xs], use.names = FALSE), nrow(ch), length(xs))
      y <- as.double(ch$y_)
      w <- as.double(ch$w_)
      off <- as.double(ch$o_)
      eta <- glm_chunk_eta(list(X = X, off = off, eta0 = as.double(ch$e0_)),
                           seq_along(cols), state)
      glm_chunk_pass_cpp(X, y, w, off, eta, fam$family, fam$link, accumulate, score)
    })
  }
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
