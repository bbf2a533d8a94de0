# glm_db_auto.R -- which pass a database fit runs when newton_glm_control()'s
# db_pass is "auto" (the default): "sql" (one aggregation query per IRLS
# pass, glm_db_fit.R) or "stream" (one SELECT of the model matrix per pass,
# summed in C++, glm_db_stream.R).  The two give the same fit (to rounding);
# they differ in where the p(p+1)/2 products per row are computed.  The rule
# follows bench/glm-db-auto.R (sql s / stream s per pass, 2e5 rows, logistic,
# this machine; bench/results/glm-db-auto.txt):
#   * SQLite evaluates expressions row by row through its bytecode VM; its
#     aggregation pass was 1.7-4.8x slower than the stream at every p tried
#     (2..26 columns) and 4x at the issue's shape (p = 70): "stream".
#   * PostgreSQL's aggregation wins while the products are few (sql/stream
#     0.3-0.5 at p <= 13) and loses when they are many (1.3 at p = 26, 3 at
#     p = 70 with a 50-level factor): "stream" when the summed products per
#     row exceed 8 times the values a row exports (the crossover measured).
#   * DuckDB: "sql".  Its aggregation is vectorised and runs on every core
#     (bench/glm-db-rows.R), and the duckdb driver's dbFetch(n) slices a
#     result it has first materialised whole in R, so a stream would hold
#     the entire model matrix (5e7 rows of the issue's table: the R process
#     passed 24 GB and was killed).
#   * Any other engine (e.g. Spark through sparklyr, where moving the rows
#     to R is what one wants to avoid): "sql", the pass stays in the engine.
# getOption("newtonr.db_pass") ("sql" or "stream"), when set, is taken
# instead of the rule (a test or a user who has measured their engine).

glm_db_choose_pass <- function(db_pass, spec) {
  if (!identical(db_pass, "auto")) return(db_pass)
  o <- getOption("newtonr.db_pass")
  if (!is.null(o)) {
    if (!(is.character(o) && length(o) == 1L && o %in% c("sql", "stream"))) {
      stop_arg("db_pass", "is \"auto\", and option 'newtonr.db_pass' must then be \"sql\" or \"stream\", not %s",
               describe(o))
    }
    return(o)
  }
  con <- spec$src$con
  if (inherits(con, "SQLiteConnection")) return("stream")
  if (inherits(con, c("PostgreSQLConnection", "PqConnection"))) {
    k <- glm_db_pass_size(spec)
    return(if (k$products > 8 * k$exported) "stream" else "sql")
  }
  "sql"
}

# Products summed per row by the aggregation pass (X'WX's upper triangle and
# X'r, without those of one factor's indicators, grouped as glm_db_pass_fn
# groups them) and the values per row the stream exports (y, w, offset, the
# columns; a grouped factor as one level code).
glm_db_pass_size <- function(spec) {
  p <- length(spec$x)
  F <- glm_db_group_cols(spec$grp)
  aggs <- if (length(F)) glm_db_group_aggs(p, F, FALSE) else glm_db_pass_aggs(p, TRUE, FALSE, spec$grp)
  list(products = length(aggs), exported = 3L + p - length(F) + (length(F) > 0L))
}
