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
