# bench/glm-db-rows.R -- issue 18: time per IRLS pass against the number of
# rows (NEWTONR_BENCH_ROWS, default "1e6,3e6,1e7"), on the issue's table
# shape (20 numeric columns, one 50-level factor, logistic; p = 70),
# generated inside the engine (PostgreSQL: generate_series; DuckDB: range),
# for both passes (db_pass = "sql" and "stream"), against one full
# aggregation scan (SUM of every column) by the same engine and one
# biglm::bigglm() iteration reading the table in chunks of 1e5.  Each pass
# is timed on its own (fits with maxit = 2; the rest of the fit is not
# counted).  Linear scaling means the s/row columns stay flat.
# PostgreSQL is used when NEWTONR_PG_HOST is set (tools/pg-ci.sh); DuckDB
# when installed.  Run: R_LIBS=... Rscript bench/glm-db-rows.R
suppressPackageStartupMessages({
  library(newtonr)
  library(DBI)
})
source(file.path(local({a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a)) dirname(sub("^--file=", "", a[1L])) else "bench"}), "bigglm-dbfetch.R"))
rows <- as.numeric(strsplit(Sys.getenv("NEWTONR_BENCH_ROWS", "1e6,3e6,1e7"), ",")[[1]])
nx <- 20L
nf <- 50L
fml <- stats::reformulate(c(sprintf("x%d", 1:nx), "f"), "y")
vmhwm <- function() {
  l <- grep("^VmHWM", readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", l)) / 1024
}

gen_sql <- function(engine, n) {
  xs <- paste(sprintf("random() - 0.5 AS x%d", 1:nx), collapse = ", ")
  src <- if (engine == "PostgreSQL") sprintf("generate_series(1, %.0f) g", n) else sprintf("range(%.0f) g", n)
  sprintf("CREATE TABLE rows_t AS SELECT %s, 'L' || CAST(CAST(floor(random() * %d) AS INTEGER) + 10 AS VARCHAR) AS f,
           CASE WHEN random() < 0.4 THEN 1 ELSE 0 END AS y FROM %s", xs, nf, src)
}

passes <- new.env()
trace("glm_db_stream_sweep", quote({passes$t0 <- proc.time()[["elapsed"]]}),
      exit = quote(if (grepl("gk_|x2", sql)) passes$t <- c(passes$t, proc.time()[["elapsed"]] - passes$t0)),
      print = FALSE, where = asNamespace("newtonr"))
trace("glm_db_query", quote({passes$t0 <- proc.time()[["elapsed"]]}),
      exit = quote(if (identical(what, "running an IRLS pass") && grepl("a1_1|a2_2", sql))
        passes$t <- c(passes$t, proc.time()[["elapsed"]] - passes$t0)),
      print = FALSE, where = asNamespace("newtonr"))
pass_time <- function(con, db_pass) {
  passes$t <- numeric()
  suppressWarnings(newton_glm(fml, binomial, data = dplyr::tbl(con, "rows_t"), db_pass = db_pass, maxit = 2))
  stats::median(passes$t)
}

engines <- list()
only <- strsplit(Sys.getenv("NEWTONR_BENCH_ENGINES", "DuckDB,PostgreSQL"), ",")[[1]]
if (requireNamespace("duckdb", quietly = TRUE)) {
  # a file-backed database with a memory limit (NEWTONR_DUCKDB_MEMORY, default
  # 6GB): the engine runs inside the R process, so its buffers count in MB
  engines$DuckDB <- dbConnect(duckdb::duckdb(), file.path(tempdir(), "rows.duckdb"))
  dbExecute(engines$DuckDB, sprintf("SET memory_limit = '%s'", Sys.getenv("NEWTONR_DUCKDB_MEMORY", "6GB")))
}
if (nzchar(Sys.getenv("NEWTONR_PG_HOST"))) {
  engines$PostgreSQL <- dbConnect(RPostgreSQL::PostgreSQL(), host = Sys.getenv("NEWTONR_PG_HOST"),
                                  port = as.integer(Sys.getenv("NEWTONR_PG_PORT", "5432")),
                                  user = Sys.getenv("NEWTONR_PG_USER", "postgres"),
                                  dbname = Sys.getenv("NEWTONR_PG_DB", "postgres"))
}
cat("newtonr", as.character(packageVersion("newtonr")), "- bench/glm-db-rows.R;", format(Sys.time()), "\n")
cat("engines:", paste(names(engines), collapse = ", "), "; p = 70 (20 numeric + 50-level factor), logistic\n")
cat(sprintf("%-10s %9s %8s %8s %9s %9s %9s %10s %11s %12s %7s %12s\n", "engine", "rows", "scan s", "sql s",
            "stream s", "sql/scan", "strm/scan", "bigglm it", "bigglm/strm", "stream us/row", "MB", "sql us/row"))
engines <- engines[intersect(names(engines), only)]
for (en in names(engines)) for (n in rows) {
  con <- engines[[en]]
  if (dbExistsTable(con, "rows_t")) dbRemoveTable(con, "rows_t")
  dbExecute(con, gen_sql(en, n))
  if (en == "PostgreSQL") dbExecute(con, "ANALYZE rows_t")
  cols <- setdiff(dbListFields(con, "rows_t"), "f")
  scan <- function() system.time(dbGetQuery(con, sprintf("SELECT COUNT(*), %s, MAX(f) FROM rows_t",
                                                  paste(sprintf("SUM(%s)", cols), collapse = ", "))))[["elapsed"]]
  sc <- min(scan(), scan())
  ts <- pass_time(con, "sql")
  # duckdb's dbFetch(n) slices a result set it has first materialised whole
  # in R (its Result.R): above NEWTONR_BENCH_EXPORT_MAX rows (default 1e7)
  # the stream and bigglm, which both read through it, are not run on DuckDB
  # (5e7 rows: the R process passed 24 GB and was killed)
  big <- en == "DuckDB" && n > as.numeric(Sys.getenv("NEWTONR_BENCH_EXPORT_MAX", "1e7"))
  tr <- if (big) NA_real_ else pass_time(con, "stream")
  tb <- if (big) NA_real_ else
    system.time(suppressWarnings(bigglm_db(fml, con, "rows_t", binomial(), chunksize = 1e5, maxit = 1)))[["elapsed"]]
  cat(sprintf("%-10s %9.0f %8.2f %8.2f %9.2f %9.1f %9.1f %10.2f %11.2f %12.2f %7.0f %12.2f\n", en, n, sc, ts, tr,
              ts / sc, tr / sc, tb, tb / tr, 1e6 * tr / n, vmhwm(), 1e6 * ts / n))
  dbRemoveTable(con, "rows_t")
}
for (con in engines) dbDisconnect(con)
