# bench/glm-db.R -- issue 18: GLMs by IRLS pushed into a database engine.
# One run prints (ratios are to peers measured in the same run):
#  1. accuracy: newton_glm() on a table vs glm() on the same rows pulled into
#     memory (max relative coefficient difference; target 1e-8), logistic
#     regression with 5 numeric columns and a 10-level factor (p = 15), on
#     a small (1e4) and a medium (1e5) table, for SQLite and PostgreSQL;
#  2. time per IRLS pass against the number of rows (NEWTONR_BENCH_SIZES,
#     default "1e5,1e6"), compared with ONE full aggregation scan of the
#     table by the same engine (SUM of every column) and with
#     biglm::bigglm() reading the same table in chunks (time per iteration);
#  3. the R process's peak memory (VmHWM) after each fit.
# PostgreSQL is used when NEWTONR_PG_HOST is set (tools/pg-ci.sh starts one).
# Run: R_LIBS=... Rscript bench/glm-db.R
suppressPackageStartupMessages({
  library(newtonr)
  library(DBI)
})
sizes <- as.numeric(strsplit(Sys.getenv("NEWTONR_BENCH_SIZES", "1e5,1e6"), ",")[[1]])
vmhwm <- function() {
  l <- grep("^VmHWM", readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", l)) / 1024
}
fml <- y ~ x1 + x2 + x3 + x4 + x5 + f

# the table, written in blocks of 1e5 rows (R never holds it whole)
fill <- function(con, n, name = "bench_t", seed = 1) {
  if (dbExistsTable(con, name)) dbRemoveTable(con, name)
  set.seed(seed)
  done <- 0
  while (done < n) {
    m <- min(1e5, n - done)
    d <- data.frame(x1 = rnorm(m), x2 = rnorm(m), x3 = runif(m), x4 = rnorm(m), x5 = rexp(m),
                    f = sample(sprintf("L%02d", 1:10), m, TRUE))
    eta <- -0.5 + 0.4 * d$x1 - 0.3 * d$x2 + 0.5 * d$x3 + 0.1 * d$x4 - 0.2 * d$x5 +
      (as.integer(substr(d$f, 2, 3)) - 5) / 10
    d$y <- rbinom(m, 1, plogis(eta))
    dbWriteTable(con, name, d, append = done > 0, row.names = FALSE)
    done <- done + m
  }
  invisible(name)
}

# count the IRLS pass queries of a fit
passes <- new.env()
trace("glm_db_query", quote(if (identical(what, "running an IRLS pass")) passes$n <- passes$n + 1),
      print = FALSE, where = asNamespace("newtonr"))

fit_db <- function(con, name) {
  passes$n <- 0
  t <- system.time(fit <- suppressWarnings(newton_glm(fml, binomial, data = dplyr::tbl(con, name))))[["elapsed"]]
  list(fit = fit, time = t, passes = passes$n)
}
scan_time <- function(con, name) {
  system.time(dbGetQuery(con, sprintf(
    "SELECT COUNT(*), SUM(x1), SUM(x2), SUM(x3), SUM(x4), SUM(x5), SUM(y), MAX(f) FROM %s", name)))[["elapsed"]]
}

engines <- list()
sq <- dbConnect(RSQLite::SQLite(), file.path(tempdir(), "bench.sqlite"))
RSQLite::initExtension(sq, "math")
engines$SQLite <- sq
if (nzchar(Sys.getenv("NEWTONR_PG_HOST"))) {
  engines$PostgreSQL <- dbConnect(RPostgreSQL::PostgreSQL(), host = Sys.getenv("NEWTONR_PG_HOST"),
                                  port = as.integer(Sys.getenv("NEWTONR_PG_PORT", "5432")),
                                  user = Sys.getenv("NEWTONR_PG_USER", "postgres"),
                                  dbname = Sys.getenv("NEWTONR_PG_DB", "postgres"))
}
cat("newtonr", as.character(packageVersion("newtonr")), "- bench/glm-db.R;", format(Sys.time()), "\n")
cat("engines:", paste(names(engines), collapse = ", "), "\n\n== 1. coefficients vs glm() on the pulled rows\n")
for (en in names(engines)) for (n in c(1e4, 1e5)) {
  con <- engines[[en]]
  fill(con, n)
  r <- fit_db(con, "bench_t")
  g <- glm(fml, binomial, data = dplyr::collect(suppressWarnings(dplyr::tbl(con, "bench_t"))))
  cat(sprintf("%-10s n = %6g: max rel coef diff %.2e, deviance rel diff %.2e, iterations %d (glm %d)\n",
              en, n, max(abs(coef(r$fit) / coef(g) - 1)), abs(deviance(r$fit) / deviance(g) - 1),
              r$fit$iter, g$iter))
}
cat("\n== 2. time per IRLS pass vs rows (p = 15); scan = one SUM-of-every-column query; bigglm chunks of 1e5\n")
cat(sprintf("%-10s %8s %7s %10s %9s %10s %12s %12s %9s\n", "engine", "rows", "passes", "s/pass",
            "scan s", "pass/scan", "bigglm s/it", "bigglm/pass", "VmHWM MB"))
for (en in names(engines)) for (n in sizes) {
  con <- engines[[en]]
  fill(con, n)
  sc <- min(scan_time(con, "bench_t"), scan_time(con, "bench_t"))
  r <- fit_db(con, "bench_t")
  per <- r$time / r$passes
  hw <- vmhwm()
  bt <- NA
  if (en == "SQLite" || n <= 1e6) {
    tb <- system.time(bg <- biglm::bigglm(fml, data = con, family = binomial(), tablename = "bench_t",
                                          chunksize = 1e5, maxit = 25))[["elapsed"]]
    bt <- tb / bg$iterations
    stopifnot(max(abs(coef(bg) / coef(r$fit) - 1)) < 1e-4)
  }
  cat(sprintf("%-10s %8g %7d %10.3f %9.3f %10.2f %12.3f %12.2f %9.0f\n", en, n, r$passes, per, sc,
              per / sc, bt, bt / per, hw))
}
cat(sprintf("\nR peak memory (VmHWM) at the end: %.0f MB; glm()'s model matrix alone at the largest size: %.0f MB\n",
            vmhwm(), max(sizes) * 15 * 8 / 2^20))
for (con in engines) {
  if (dbExistsTable(con, "bench_t")) dbRemoveTable(con, "bench_t")
  dbDisconnect(con)
}
