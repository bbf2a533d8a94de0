# bench/glm-db.R -- issue 18: GLMs by IRLS pushed into a database engine.
# One run prints (ratios are to peers measured in the same run):
#  1. accuracy: newton_glm() on a table vs glm() on the same rows pulled into
#     memory (max relative coefficient difference; target 1e-8), logistic
#     regression with 5 numeric columns and a 10-level factor (p = 15), on
#     a small (1e4) and a medium (1e5) table, for SQLite and PostgreSQL;
#  2. time per IRLS pass against the number of rows (NEWTONR_BENCH_SIZES,
#     default "1e5,1e6"), for both passes (db_pass = "sql": one aggregation
#     query; "stream": the SQL-expanded model matrix fetched in chunks of
#     1e5 and summed in C++), compared with ONE full aggregation scan of the
#     table by the same engine (SUM of every column) and with
#     biglm::bigglm() reading the same table in chunks of 1e5 (time per
#     iteration).  NEWTONR_BENCH_SHAPE = "issue" (the default) uses the
#     issue's table: 20 numeric columns and one 50-level factor (p = 70);
#     "small" uses 5 numeric columns and a 10-level factor (p = 15);
#     NEWTONR_BENCH_ENGINES restricts the engines (e.g. "PostgreSQL");
#     DuckDB is used when the duckdb package is installed;
#  3. the R process's peak memory (VmHWM) after each fit.
# PostgreSQL is used when NEWTONR_PG_HOST is set (tools/pg-ci.sh starts one).
# Run: R_LIBS=... Rscript bench/glm-db.R
suppressPackageStartupMessages({
  library(newtonr)
  library(DBI)
})
source(file.path(local({a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a)) dirname(sub("^--file=", "", a[1L])) else "bench"}), "bigglm-dbfetch.R"))
sizes <- as.numeric(strsplit(Sys.getenv("NEWTONR_BENCH_SIZES", "1e5,1e6"), ",")[[1]])
shape <- Sys.getenv("NEWTONR_BENCH_SHAPE", "issue")
only <- strsplit(Sys.getenv("NEWTONR_BENCH_ENGINES", ""), ",")[[1]]
vmhwm <- function() {
  l <- grep("^VmHWM", readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", l)) / 1024
}
nx <- if (shape == "issue") 20L else 5L
nf <- if (shape == "issue") 50L else 10L
fml0 <- y ~ x1 + x2 + x3 + x4 + x5 + f          # section 1 (accuracy)
fml <- if (shape == "issue") stats::reformulate(c(sprintf("x%d", 1:nx), "f"), "y") else fml0

# a table of n rows with nx numeric columns and an nf-level factor, written
# in blocks of 1e5 rows (R never holds it whole)
fill <- function(con, n, name = "bench_t", seed = 1, nx = 5L, nf = 10L) {
  if (dbExistsTable(con, name)) dbRemoveTable(con, name)
  set.seed(seed)
  done <- 0
  while (done < n) {
    m <- min(1e5, n - done)
    d <- as.data.frame(matrix(rnorm(m * nx), m, nx, dimnames = list(NULL, sprintf("x%d", 1:nx))))
    d$f <- sample(sprintf("L%02d", 1:nf), m, TRUE)
    eta <- -0.5 + drop(as.matrix(d[1:nx]) %*% (0.4 * (-1)^(1:nx) / sqrt(1:nx))) +
      (as.integer(substr(d$f, 2, 3)) - nf / 2) / nf
    d$y <- rbinom(m, 1, plogis(eta))
    dbWriteTable(con, name, d, append = done > 0, row.names = FALSE)
    done <- done + m
  }
  invisible(name)
}

# count the IRLS pass queries of a fit
passes <- new.env()

# passes = the accumulating pass queries (the "sql" pass) or the streamed
# SELECTs ("stream"), each timed on its own (passes$t)
trace("glm_db_stream_sweep", quote({passes$n <- passes$n + 1; passes$t0 <- proc.time()[["elapsed"]]}),
      exit = quote(passes$t <- passes$t + proc.time()[["elapsed"]] - passes$t0),
      print = FALSE, where = asNamespace("newtonr"))
trace("glm_db_query", quote({passes$t0 <- proc.time()[["elapsed"]]}),
      exit = quote(if (identical(what, "running an IRLS pass") && grepl("a1_1|a2_2", sql)) {
        passes$n <- passes$n + 1; passes$t <- passes$t + proc.time()[["elapsed"]] - passes$t0 }),
      print = FALSE, where = asNamespace("newtonr"))
fit_db <- function(con, name, f = fml, db_pass = "sql") {
  passes$n <- 0
  passes$t <- 0
  t <- system.time(fit <- suppressWarnings(newton_glm(f, binomial, data = dplyr::tbl(con, name),
                                                      db_pass = db_pass)))[["elapsed"]]
  list(fit = fit, time = t, passes = passes$n, per = passes$t / passes$n)
}
scan_time <- function(con, name) {
  cols <- setdiff(dbListFields(con, name), "f")
  system.time(dbGetQuery(con, sprintf("SELECT COUNT(*), %s, MAX(f) FROM %s",
                                      paste(sprintf("SUM(%s)", cols), collapse = ", "), name)))[["elapsed"]]
}

engines <- list()
sq <- dbConnect(RSQLite::SQLite(), file.path(tempdir(), "bench.sqlite"))
RSQLite::initExtension(sq, "math")
engines$SQLite <- sq
if (requireNamespace("duckdb", quietly = TRUE)) {
  engines$DuckDB <- dbConnect(duckdb::duckdb(), file.path(tempdir(), "bench.duckdb"))
}
if (nzchar(Sys.getenv("NEWTONR_PG_HOST"))) {
  engines$PostgreSQL <- dbConnect(RPostgreSQL::PostgreSQL(), host = Sys.getenv("NEWTONR_PG_HOST"),
                                  port = as.integer(Sys.getenv("NEWTONR_PG_PORT", "5432")),
                                  user = Sys.getenv("NEWTONR_PG_USER", "postgres"),
                                  dbname = Sys.getenv("NEWTONR_PG_DB", "postgres"))
}
if (length(only)) engines <- engines[intersect(names(engines), only)]
cat("newtonr", as.character(packageVersion("newtonr")), "- bench/glm-db.R;", format(Sys.time()), "\n")
cat("engines:", paste(names(engines), collapse = ", "), "\n\n== 1. coefficients vs glm() on the pulled rows\n")
for (en in names(engines)) for (n in c(1e4, 1e5)) {
  con <- engines[[en]]
  fill(con, n)
  g <- glm(fml0, binomial, data = dplyr::collect(suppressWarnings(dplyr::tbl(con, "bench_t"))))
  for (m in c("sql", "stream")) {
    r <- fit_db(con, "bench_t", fml0, m)
    cat(sprintf("%-10s %-6s n = %6g: max rel coef diff %.2e, deviance rel diff %.2e, iterations %d (glm %d)\n",
                en, m, n, max(abs(coef(r$fit) / coef(g) - 1)), abs(deviance(r$fit) / deviance(g) - 1),
                r$fit$iter, g$iter))
  }
}
cat(sprintf("\n== 2. time per IRLS pass vs rows (%d numeric columns, %d-level factor: p = %d); scan = one SUM-of-every-column query; bigglm chunks of 1e5\n",
            nx, nf, nx + nf))
cat("   sql s, stream s: seconds per accumulating pass (X'WX); fit s: whole fits (all queries); bigglm: whole fit\n")
cat(sprintf("%-10s %8s %5s %8s %8s %7s %8s %8s %8s %8s %8s %7s %11s %11s %8s %6s\n", "engine", "rows", "passes",
            "sql s", "stream s", "scan s", "sql/scan", "strm/scn", "fit sql", "fit strm", "bigglm", "b iters",
            "bigglm/sql", "bigglm/strm", "coef rd", "MB"))
for (en in names(engines)) for (n in sizes) {
  con <- engines[[en]]
  fill(con, n, nx = nx, nf = nf)
  sc <- min(scan_time(con, "bench_t"), scan_time(con, "bench_t"))
  r <- fit_db(con, "bench_t")
  rs <- fit_db(con, "bench_t", db_pass = "stream")
  hw <- vmhwm()
  tb <- system.time(bg <- bigglm_db(fml, con, "bench_t", binomial(), chunksize = 1e5, maxit = 25))[["elapsed"]]
  rd <- max(abs(coef(rs$fit) / coef(r$fit) - 1), abs(coef(bg) / coef(r$fit) - 1))
  cat(sprintf("%-10s %8g %5d %8.3f %8.3f %7.3f %8.2f %8.2f %8.2f %8.2f %8.2f %7d %11.2f %11.2f %8.1e %6.0f\n", en, n,
              r$passes, r$per, rs$per, sc, r$per / sc, rs$per / sc, r$time, rs$time, tb, bg$iterations,
              tb / r$time, tb / rs$time, rd, hw))
}
cat(sprintf("\nR peak memory (VmHWM) at the end: %.0f MB; glm()'s model matrix alone at the largest size: %.0f MB\n",
            vmhwm(), max(sizes) * (1 + nx + nf - 1) * 8 / 2^20))
for (con in engines) {
  if (dbExistsTable(con, "bench_t")) dbRemoveTable(con, "bench_t")
  dbDisconnect(con)
}
