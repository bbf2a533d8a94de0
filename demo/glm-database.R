# A logistic regression fitted inside a database (issue 18): the rows are
# written to an SQLite file in blocks and never held whole by R; each IRLS
# iteration is one aggregation query run by SQLite.  See
# vignette("glm-database", package = "newtonr").
library(newtonr)
if (!requireNamespace("RSQLite", quietly = TRUE) || !requireNamespace("dbplyr", quietly = TRUE)) {
  cat("glm-database demo: needs RSQLite and dbplyr; skipped\n")
} else local({
  cat("\n== A logistic regression fitted in SQLite (100,000 rows generated in blocks) ==\n")
  con <- DBI::dbConnect(RSQLite::SQLite(), tempfile(fileext = ".sqlite"))
  on.exit(DBI::dbDisconnect(con))
  RSQLite::initExtension(con, "math")
  set.seed(18)
  for (b in 1:2) {
    m <- 5e4
    d <- data.frame(age = runif(m, 20, 70), income = rlnorm(m, 10, 0.5),
                    region = sample(c("north", "south", "east", "west"), m, TRUE))
    d$bought <- rbinom(m, 1, plogis(-3 + 0.04 * d$age + 0.5 * (d$region == "south") +
                                      0.2 * log(d$income) - 1.5))
    if (b == 1) DBI::dbWriteTable(con, "sales", d) else DBI::dbAppendTable(con, "sales", d)
  }
  sales <- dplyr::tbl(con, "sales")
  t0 <- proc.time()[["elapsed"]]
  fit <- newton_glm(bought ~ age + log(income) + region, family = binomial, data = sales,
                    db_pass = "sql")
  secs <- proc.time()[["elapsed"]] - t0
  print(summary(fit))
  cat(sprintf("%d IRLS iterations in %.1f s (each one aggregation query over %d rows)\n",
              fit$iter, secs, fit$n_rows))
  t0 <- proc.time()[["elapsed"]]
  fit_s <- newton_glm(bought ~ age + log(income) + region, family = binomial, data = sales,
                      db_pass = "stream")
  secs_s <- proc.time()[["elapsed"]] - t0
  cat(sprintf("db_pass = \"stream\" (the model matrix fetched in chunks, X'WX summed in C++; what the default \"auto\" picks on SQLite): %.1f s, coefficients within %.1e of the aggregation pass's\n",
              secs_s, max(abs(coef(fit_s) / coef(fit) - 1))))
  ref <- glm(bought ~ age + log(income) + region, family = binomial, data = dplyr::collect(sales))
  cat(sprintf("largest relative difference from glm() on the rows pulled into R: %.1e\n",
              max(abs(coef(fit) / coef(ref) - 1))))
})

# DuckDB (the embedded engine issue 18 names; installed once per machine by
# `make duckdb`, since it builds from source): a table generated INSIDE the
# engine, larger than the R process would hold comfortably as a data frame
# and far larger than glm()'s model matrix would allow (NEWTONR_DEMO_ROWS,
# default 2e7 rows: 20 numeric columns and a 50-level factor, p = 70; its
# model matrix alone would take 11 GB in R).  db_pass = "auto" keeps each
# pass in DuckDB (one aggregation query).
engine <- "duckdb"  # (looked up by name: optional, not a dependency)
if (!requireNamespace(engine, quietly = TRUE) || !requireNamespace("dbplyr", quietly = TRUE)) {
  cat("\n(DuckDB part skipped: duckdb is not installed; `make duckdb` builds it once per machine)\n")
} else local({
  rows <- as.numeric(Sys.getenv("NEWTONR_DEMO_ROWS", "2e7"))
  cat(sprintf("\n== A logistic regression fitted in DuckDB: %.0f rows generated inside the engine, p = 70 ==\n", rows))
  con <- DBI::dbConnect(getExportedValue(engine, "duckdb")(), tempfile(fileext = ".duckdb"))
  on.exit(DBI::dbDisconnect(con, shutdown = TRUE))
  DBI::dbExecute(con, "SET memory_limit = '4GB'")
  xs <- sprintf("x%d", 1:20)
  beta <- seq(-1, 1, length.out = 20) / 4
  eta <- paste(c(sprintf("%.4f * %s", beta, xs), "0.01 * CAST(substr(f, 2) AS INTEGER) - 0.5"), collapse = " + ")
  DBI::dbExecute(con, sprintf(paste(
    "CREATE TABLE big AS SELECT *, CASE WHEN random() < 1 / (1 + exp(-(%s))) THEN 1 ELSE 0 END AS y FROM",
    "(SELECT %s, 'L' || CAST(CAST(floor(random() * 50) AS INTEGER) + 10 AS VARCHAR) AS f FROM range(%.0f) g) s"),
    eta, paste(sprintf("random() - 0.5 AS %s", xs), collapse = ", "), rows))
  fml <- stats::reformulate(c(xs, "f"), "y")
  t0 <- proc.time()[["elapsed"]]
  fit <- newton_glm(fml, family = binomial, data = dplyr::tbl(con, "big"))
  secs <- proc.time()[["elapsed"]] - t0
  cat(sprintf("%d IRLS iterations in %.1f s (db_pass = \"%s\"), converged: %s; deviance %.6g on %.0f df\n",
              fit$iter, secs, fit$db_pass, fit$converged, deviance(fit), fit$df.residual))
  print(round(cbind(true = c(-0.4, beta), estimate = coef(fit)[1:21],  # (intercept: level L10, -0.5 + 0.01 * 10)
                    se = sqrt(diag(vcov(fit)))[1:21]), 4))
  hwm <- grep("^VmHWM", readLines("/proc/self/status"), value = TRUE)
  cat(sprintf("peak memory of this R process (DuckDB included): %s\n", gsub("\\s+", " ", sub("VmHWM:", "", hwm))))
})
