# bench/bigglm-dbfetch.R -- biglm::bigglm() reading a database table in
# chunks, for the benches (glm-db.R, glm-db-rows.R).  biglm's own method for
# a DBI connection (bigglm(formula, data = con, tablename = ...)) reads with
# DBI's old fetch(), which duckdb's results do not implement; this does the
# same (one SELECT of the model's columns, chunks of `chunksize`, the query
# re-run at each reset) through DBI::dbFetch(), and passes the chunks to
# bigglm's data = function(reset) method, as biglm's method does.
bigglm_db <- function(formula, con, tablename, family, chunksize = 1e5, ...) {
  if (!inherits(con, "duckdb_connection")) {
    return(biglm::bigglm(formula, data = con, family = family, tablename = tablename,
                         chunksize = chunksize, ...))
  }
  query <- sprintf("SELECT %s FROM %s", paste(all.vars(formula), collapse = ", "), tablename)
  result <- NULL
  on.exit(if (!is.null(result)) DBI::dbClearResult(result))
  chunk <- function(reset = FALSE) {
    if (reset) {
      if (!is.null(result)) DBI::dbClearResult(result)
      result <<- DBI::dbSendQuery(con, query)
      return(TRUE)
    }
    rval <- DBI::dbFetch(result, n = chunksize)
    if (nrow(rval) == 0) return(NULL)
    rval
  }
  chunk(TRUE)
  biglm::bigglm(formula, data = chunk, family = family, ...)
}
