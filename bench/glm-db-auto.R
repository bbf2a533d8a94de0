# bench/glm-db-auto.R -- issue 18: seconds per accumulating IRLS pass of the
# two database passes (db_pass = "sql": one aggregation query; "stream": one
# SELECT fetched in chunks and summed in C++) against the number of model
# columns (logistic, N rows, default 2e5), on SQLite, PostgreSQL (when
# NEWTONR_PG_HOST is set: tools/pg-ci.sh) and DuckDB (when installed): the
# measurements behind db_pass = "auto" (R/glm_db_auto.R).
# Run: R_LIBS=... Rscript bench/glm-db-auto.R
suppressPackageStartupMessages({library(newtonr); library(DBI)})
passes <- new.env()
trace("glm_db_stream_sweep", quote({passes$t0 <- proc.time()[["elapsed"]]}),
      exit = quote(passes$t <- c(passes$t, proc.time()[["elapsed"]] - passes$t0)),
      print = FALSE, where = asNamespace("newtonr"))
trace("glm_db_query", quote({passes$t0 <- proc.time()[["elapsed"]]}),
      exit = quote(if (identical(what, "running an IRLS pass") && grepl("a1_1", sql))
        passes$t <- c(passes$t, proc.time()[["elapsed"]] - passes$t0)),
      print = FALSE, where = asNamespace("newtonr"))
pt <- function(con, fml, fam, pass) { passes$t <- numeric()
  suppressWarnings(newton_glm(fml, fam, data = dplyr::tbl(con, "t"), db_pass = pass, maxit = 2)); stats::median(passes$t[1:2]) }
engines <- list(SQLite = dbConnect(RSQLite::SQLite(), tempfile()))
if (nzchar(Sys.getenv("NEWTONR_PG_HOST"))) engines$PostgreSQL <- dbConnect(RPostgreSQL::PostgreSQL(), host = Sys.getenv("NEWTONR_PG_HOST"), port = as.integer(Sys.getenv("NEWTONR_PG_PORT")), user = Sys.getenv("NEWTONR_PG_USER", "postgres"), dbname = Sys.getenv("NEWTONR_PG_DB", "postgres"))
if (requireNamespace("duckdb", quietly = TRUE)) engines$DuckDB <- dbConnect(duckdb::duckdb())
only <- strsplit(Sys.getenv("NEWTONR_BENCH_ENGINES", "SQLite,PostgreSQL,DuckDB"), ",")[[1]]
engines <- engines[intersect(names(engines), only)]
n <- as.numeric(Sys.getenv("N", "2e5")); set.seed(1)
for (p in as.numeric(strsplit(Sys.getenv("NEWTONR_BENCH_P", "1,3,6,12,25"), ",")[[1]])) {
  d <- as.data.frame(matrix(rnorm(n * p), n, p)); names(d) <- sprintf("x%d", 1:p)
  d$y <- rbinom(n, 1, 0.4); fml <- reformulate(names(d)[1:p], "y")
  for (en in names(engines)) { con <- engines[[en]]; dbWriteTable(con, "t", d, overwrite = TRUE)
    a <- pt(con, fml, binomial(), "sql"); b <- pt(con, fml, binomial(), "stream")
    cat(sprintf("%-10s n=%g p=%2d  sql %.3f s  stream %.3f s  sql/stream %.2f\n", en, n, p + 1, a, b, a / b)) }
}
