# test-glm-db-stream.R -- newton_glm(data = <table>, db_pass = "stream"):
# each IRLS pass streams the SQL-expanded model matrix in chunks and sums
# X'WX in C++.  Reference: stats::glm() on the same rows pulled into memory
# (coefficients 1e-8 relative, deviance, AIC, iterations), on SQLite and on
# PostgreSQL when .ci/run's server is up; chunk sizes below, equal to and
# above the row count; the same fit as db_pass = "sql"; bad settings.

skip_if_not_installed("DBI")
skip_if_not_installed("RSQLite")
skip_if_not_installed("dbplyr")

st_data <- function(n = 1200, seed = 181) {
  set.seed(seed)
  d <- data.frame(x1 = rnorm(n), x2 = runif(n), f = sample(c("a", "b", "c"), n, TRUE),
                  g = sample(c("u", "v"), n, TRUE), w = rpois(n, 3) + 1, o = rnorm(n, 0, 0.1),
                  stringsAsFactors = FALSE)
  d$y <- rbinom(n, 1, plogis(0.3 * d$x1 - d$x2 + (d$f == "b")))
  d$cnt <- rpois(n, exp(0.2 + 0.3 * d$x1 + d$o))
  d$pos <- rgamma(n, 2, 2 / exp(0.5 + 0.2 * d$x1))
  d$x1[c(5, 17)] <- NA
  d$f[9] <- NA
  d
}
st_rel <- function(a, b) max(abs(a - b) / pmax(abs(b), 1e-8))

d <- st_data()
cons <- db_connections()
for (nm in names(cons)) DBI::dbWriteTable(cons[[nm]], "glmst_t", d, overwrite = TRUE)

cases <- list(
  logit = list(y ~ x1 + x2 + f, binomial(), NULL),
  logit_w_inter = list(y ~ x1 * f + g, binomial(), "w"),
  pois_offset = list(cnt ~ x1 + f + offset(o), poisson(), NULL),
  gamma_log = list(pos ~ x1 + g, Gamma(link = "log"), NULL),
  gauss_w = list(pos ~ x1 + x2:f, gaussian(), "w"),
  pois_no_intercept = list(cnt ~ 0 + x1 + f + offset(o), poisson(), NULL),
  quasibin_no_intercept = list(y ~ x1 + x2 - 1, quasibinomial(), "w"))

for (en in names(cons)) for (cn in names(cases)) {
  test_that(sprintf("stream pass = glm() on the pulled rows: %s, %s", en, cn), {
    cs <- cases[[cn]]
    wn <- if (is.null(cs[[3]])) NULL else as.name(cs[[3]])
    g <- eval(bquote(glm(cs[[1]], family = cs[[2]], data = d, weights = .(wn))))
    for (cz in c(97, nrow(d), 5 * nrow(d))) {
      f <- eval(bquote(newton_glm(cs[[1]], family = cs[[2]], data = db_tbl(cons[[en]], "glmst_t"),
                                  weights = .(wn),
                                  db_pass = "stream", chunksize = cz)))
      expect_true(f$converged)
      expect_lt(st_rel(coef(f), coef(g)), 1e-8)
      expect_lt(abs(deviance(f) / deviance(g) - 1), 1e-10)
      if (is.na(AIC(g))) expect_true(is.na(AIC(f))) else expect_lt(abs(AIC(f) / AIC(g) - 1), 1e-10)
      expect_lt(abs(f$null.deviance / g$null.deviance - 1), 1e-10)
      expect_equal(f$iter, g$iter)
      expect_equal(nobs(f), nobs(g))
    }
  })
}

test_that("stream and sql passes give the same fit, standard errors included", {
  con <- cons$sqlite
  a <- newton_glm(y ~ x1 + f + g, binomial, data = db_tbl(con, "glmst_t"), db_pass = "stream", chunksize = 250)
  b <- newton_glm(y ~ x1 + f + g, binomial, data = db_tbl(con, "glmst_t"), db_pass = "sql")
  expect_lt(st_rel(coef(a), coef(b)), 1e-10)
  expect_lt(max(abs(sqrt(diag(vcov(a))) / sqrt(diag(vcov(b))) - 1)), 1e-8)
  expect_identical(a$newton_control$db_pass, "stream")
  expect_identical(b$newton_control$db_pass, "sql")
  expect_identical(c(a$db_pass, b$db_pass), c("stream", "sql"))
})

test_that("db_pass = \"auto\" (the default) picks the pass by engine and size; the option overrides it", {
  expect_identical(newton_glm_control()$db_pass, "auto")
  con <- cons$sqlite
  a <- newton_glm(y ~ x1 + f + g, binomial, data = db_tbl(con, "glmst_t"))
  expect_identical(a$db_pass, "stream")  # SQLite: always the stream
  old <- options(newtonr.db_pass = "sql")
  on.exit(options(old))
  b <- newton_glm(y ~ x1 + f + g, binomial, data = db_tbl(con, "glmst_t"))
  expect_identical(b$db_pass, "sql")
  expect_lt(st_rel(coef(a), coef(b)), 1e-10)
  options(newtonr.db_pass = "fast")
  expect_error(newton_glm(y ~ x1, binomial, data = db_tbl(con, "glmst_t")), "db_pass.*newtonr.db_pass")
  options(newtonr.db_pass = NULL)
  if (!is.null(cons$postgres)) {
    # PostgreSQL: few products per row -> sql; many (x1..x12 all pairs) -> stream
    pg <- cons$postgres
    expect_identical(newton_glm(y ~ x1 + f, binomial, data = db_tbl(pg, "glmst_t"))$db_pass, "sql")
    w <- d
    set.seed(7)
    for (j in 2:30) w[[paste0("z", j)]] <- stats::rnorm(nrow(w))
    DBI::dbWriteTable(pg, "glmst_wide", w, overwrite = TRUE, row.names = FALSE)
    on.exit(DBI::dbRemoveTable(pg, "glmst_wide"), add = TRUE)
    fw <- stats::reformulate(c("x1", paste0("z", 2:30)), "y")
    big <- newton_glm(fw, binomial, data = db_tbl(pg, "glmst_wide"))
    expect_identical(big$db_pass, "stream")
    ref <- glm(fw, binomial, data = w)
    expect_lt(st_rel(coef(big), coef(ref)), 1e-8)
  }
})

test_that("a connection closed during a streamed pass: a clear error, no cursor or result left", {
  con <- DBI::dbConnect(RSQLite::SQLite(), ":memory:")
  DBI::dbWriteTable(con, "t", d)
  trace("glm_db_stream_sweep", bquote(.(db_close_after(con, 3))()), print = FALSE, where = asNamespace("newtonr"))
  on.exit(untrace("glm_db_stream_sweep", where = asNamespace("newtonr")))
  expect_error(newton_glm(y ~ x1 + f, binomial, data = db_tbl(con, "t"), db_pass = "stream", chunksize = 100),
               "connection was closed")
})

test_that("stream pass = glm() with subset, etastart, mustart, cbind, a logical column", {
  con <- cons$sqlite
  d2 <- d
  d2$lg <- d2$x2 > 0.5
  d2$s <- rbinom(nrow(d2), 5, plogis(d2$x2 - 0.5))
  d2$fl <- 5 - d2$s
  DBI::dbWriteTable(con, "glmst_2", d2, overwrite = TRUE)
  tb <- db_tbl(con, "glmst_2")
  calls <- list(
    list(quote(newton_glm(y ~ x1 + f, binomial, data = tb, subset = x2 > 0.3, db_pass = "stream", chunksize = 300)),
         quote(glm(y ~ x1 + f, binomial, data = d2, subset = x2 > 0.3))),
    list(quote(newton_glm(cnt ~ x1 + g, poisson, data = tb, mustart = cnt + 0.5, db_pass = "stream", chunksize = 300)),
         quote(glm(cnt ~ x1 + g, poisson, data = d2, mustart = cnt + 0.5))),
    list(quote(newton_glm(pos ~ x1, Gamma(link = "log"), data = tb, etastart = log(pos), db_pass = "stream")),
         quote(glm(pos ~ x1, Gamma(link = "log"), data = d2, etastart = log(pos)))),
    list(quote(newton_glm(cbind(s, fl) ~ x2 + f, binomial, data = tb, db_pass = "stream", chunksize = 300)),
         quote(glm(cbind(s, fl) ~ x2 + f, binomial, data = d2))),
    list(quote(newton_glm(y ~ x1 + lg, binomial, data = tb, weights = w, db_pass = "stream")),
         quote(glm(y ~ x1 + lg, binomial, data = dplyr::collect(tb), weights = w))))  # (SQLite: lg is 0/1)
  for (cl in calls) {
    f <- suppressWarnings(eval(cl[[1]]))
    g <- suppressWarnings(eval(cl[[2]]))
    expect_equal(names(coef(f)), names(coef(g)))
    expect_lt(st_rel(coef(f), coef(g)), 1e-8)
    expect_lt(abs(deviance(f) / deviance(g) - 1), 1e-10)
    expect_lt(abs(AIC(f) / AIC(g) - 1), 1e-10)
    expect_equal(f$iter, g$iter)
  }
})

test_that("PostgreSQL: the stream reads through a server-side cursor, closed after the fit", {
  if (is.null(cons$postgres)) skip("no PostgreSQL server: NEWTONR_PG_HOST unset or not answering (.ci/run starts one)")
  pg <- cons$postgres
  seen <- new.env()
  seen$n <- 0
  seen$open <- 0
  # at the reader's exit, the cursor it opened is listed in pg_cursors
  trace("glm_db_stream_reader", exit = bquote({
    assign("n", get("n", envir = .(seen)) + 1, envir = .(seen))
    assign("open", max(get("open", envir = .(seen)),
                       DBI::dbGetQuery(con, "SELECT COUNT(*) AS n FROM pg_cursors")$n), envir = .(seen))
  }), print = FALSE, where = asNamespace("newtonr"))
  on.exit(untrace("glm_db_stream_reader", where = asNamespace("newtonr")))
  f <- newton_glm(y ~ x1 + f, binomial, data = db_tbl(pg, "glmst_t"), db_pass = "stream", chunksize = 100)
  expect_true(f$converged)
  expect_gt(seen$n, 2)
  expect_equal(seen$open, 1)
  expect_equal(DBI::dbGetQuery(pg, "SELECT COUNT(*) AS n FROM pg_cursors")$n, 0)
  expect_error(newton_glm(y ~ I(x1 / 0) + f, binomial, data = db_tbl(pg, "glmst_t"), db_pass = "stream"))
  expect_equal(DBI::dbGetQuery(pg, "SELECT COUNT(*) AS n FROM pg_cursors")$n, 0)
})

test_that("stream pass: bad settings name the argument; a closed connection is a clear error", {
  con <- cons$sqlite
  expect_error(newton_glm(y ~ x1, binomial, data = db_tbl(con, "glmst_t"), db_pass = "fast"), "db_pass")
  expect_error(newton_glm(y ~ x1, binomial, data = db_tbl(con, "glmst_t"), db_pass = "stream", chunksize = 0),
               "chunksize")
  expect_error(newton_glm_control(chunksize = NA), "chunksize")
  tmp <- DBI::dbConnect(RSQLite::SQLite(), ":memory:")
  DBI::dbWriteTable(tmp, "t", d[1:50, ])
  tb <- db_tbl(tmp, "t")
  DBI::dbDisconnect(tmp)
  expect_error(newton_glm(y ~ x1, binomial, data = tb, db_pass = "stream"), "closed|connection|valid")
})


test_that("glm's warnings on fitted values at 0 or 1, and separated columns named, on every engine and pass", {
  set.seed(2)
  ds <- data.frame(x = rnorm(200), z = rnorm(200))
  ds$y <- as.integer(ds$x > 0.3)
  ref <- conv_warnings(glm(y ~ x + z, binomial, data = ds))$warnings
  expect_true(any(grepl("fitted probabilities numerically 0 or 1", ref)))
  for (en in names(cons)) {
    DBI::dbWriteTable(cons[[en]], "glmst_sep", ds, overwrite = TRUE, row.names = FALSE)
    for (ps in c("sql", "stream")) {
      r <- conv_warnings(newton_glm(y ~ x + z, binomial, data = db_tbl(cons[[en]], "glmst_sep"), db_pass = ps))
      expect(all(ref %in% r$warnings), sprintf("%s/%s: glm's warnings %s, got %s", en, ps,
                                               paste(ref, collapse = "; "), paste(r$warnings, collapse = "; ")))
      expect(any(grepl("coefficients of x diverge", r$warnings)), sprintf("%s/%s: separation not named", en, ps))
      expect_false(r$value$converged)
    }
    # an ordinary fit: none of these warnings
    for (ps in c("sql", "stream")) {
      r <- conv_warnings(newton_glm(y ~ x1 + f, binomial, data = db_tbl(cons[[en]], "glmst_t"), db_pass = ps))
      expect_identical(r$warnings, character(), info = paste(en, ps))
    }
    DBI::dbRemoveTable(cons[[en]], "glmst_sep")
  }
})
for (con in cons) DBI::dbDisconnect(con)
