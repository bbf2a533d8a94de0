# helper-glm-db.R -- the database tests' connections (test-glm-db*.R):
# SQLite in memory with its math extension (always), PostgreSQL when a
# server is reachable (.ci/run starts one and exports NEWTONR_PG_*), and
# DuckDB in memory when the duckdb package is installed.
db_connections <- function() {
  out <- list()
  con <- DBI::dbConnect(RSQLite::SQLite(), ":memory:")
  RSQLite::initExtension(con, "math")
  out$sqlite <- con
  host <- Sys.getenv("NEWTONR_PG_HOST")
  if (nzchar(host) && requireNamespace("RPostgreSQL", quietly = TRUE)) {
    pg <- tryCatch(DBI::dbConnect(RPostgreSQL::PostgreSQL(), host = host,
                                  port = as.integer(Sys.getenv("NEWTONR_PG_PORT", "5432")),
                                  user = Sys.getenv("NEWTONR_PG_USER", "postgres"),
                                  dbname = Sys.getenv("NEWTONR_PG_DB", "postgres")),
                   error = function(e) NULL)
    if (!is.null(pg)) out$postgres <- pg
  }
  # DuckDB when installed (looked up by name: optional, not in Suggests,
  # which would make R CMD check query CRAN for it); `make duckdb` builds it
  engine <- "duckdb"
  if (requireNamespace(engine, quietly = TRUE)) {
    out$duckdb <- suppressWarnings(DBI::dbConnect(getExportedValue(engine, "duckdb")()))
  }
  out
}

# dbplyr's once-per-session note on RPostgreSQL's older interface is not a test result
db_tbl <- function(con, name) suppressWarnings(dplyr::tbl(con, name))

# A function that closes `con` on its k-th call (traced into a query or
# sweep function: a connection that closes mid-fit)
db_close_after <- function(con, k) {
  n <- 0
  function() {
    n <<- n + 1
    if (n == k) DBI::dbDisconnect(con)
  }
}
