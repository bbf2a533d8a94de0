# test-glm-db-na.R -- the database path's model frame, row for row as glm()
# builds it (issue 18, DESIGN-dbna.md): a term that R computes as NaN (log
# or sqrt of a negative, 0/0, ...) makes the row missing (na.omit drops it
# with a warning, na.fail stops), a term that is +-Inf is glm's error named
# by term, R's arithmetic with non-finite values (exp(-Inf) = 0, x^0 = 1, ...)
# is followed on boundary values, etastart with mustart is glm's (etastart
# wins; mustart's NA rows still drop), and a subset condition that is NA is
# a missing row (na.fail stops).  The reference is stats::glm() on the rows
# pulled into R; SQLite always, PostgreSQL when a server is up.

skip_if_not_installed("DBI")
skip_if_not_installed("RSQLite")
skip_if_not_installed("dbplyr")

na_data <- function(n = 240) {
  set.seed(1819)
  d <- data.frame(x1 = rnorm(n), x2 = runif(n, -0.6, 2), x3 = sample(c(0, 0.5, 1, 2, -1), n, TRUE),
                  g = sample(c("a", "b", "c"), n, TRUE), w2 = runif(n, -0.3, 2), o2 = runif(n, -0.2, 1.5),
                  sv = rnorm(n), m = sample(1:5, n, TRUE), stringsAsFactors = FALSE)
  d$g[which(d$x2 < 0)[1:3]] <- "z"  # a level only on rows where log(x2) is NaN: glm drops it
  d$gna <- d$g
  d$gna[c(4, 8)] <- NA
  d$yn <- d$x1 + rnorm(n)
  d$yb <- rbinom(n, 1, plogis(d$x1))
  d$yp <- rpois(n, exp(0.3 * d$x1))
  d$pos <- rgamma(n, 2, 2 / exp(0.2 * d$x1))
  d$s <- rbinom(n, d$m, plogis(0.3 * d$x1))
  d$f <- d$m - d$s
  d$s[1:4] <- 0
  d$f[1:4] <- 0  # s + f = 0: glm's weight 0 (not a NaN row)
  d$sv[c(3, 7, 11)] <- NA
  d$mna <- 0.5
  d$mna[c(2, 5)] <- NA
  d
}

nd <- na_data()
ncons <- db_connections()
for (nm in names(ncons)) DBI::dbWriteTable(ncons[[nm]], "glmna_t", nd, overwrite = TRUE)
ntb <- function(nm) db_tbl(ncons[[nm]], "glmna_t")
npull <- function(nm) as.data.frame(dplyr::collect(ntb(nm)))

na_match <- function(fd, fg, tol = 1e-8) {
  expect_equal(names(coef(fd)), names(coef(fg)))
  expect_lt(max(abs(coef(fd) - coef(fg)) / pmax(abs(coef(fg)), 1)), tol)
  expect_lt(abs(deviance(fd) - deviance(fg)) / max(deviance(fg), 1e-300), tol)
  expect_equal(fd$df.residual, fg$df.residual)
  expect_equal(nobs(fd), nobs(fg))
}

# newton_glm or glm with the same arguments (a list of language objects)
na_fit <- function(args, data, f = quote(newtonr::newton_glm)) eval(as.call(c(f, args, list(data = data))))
na_ref <- function(args, dd) suppressWarnings(na_fit(args, dd, quote(stats::glm)))
na_fits <- function(args, tb, dd) list(fd = na_fit(args, tb), fg = na_ref(args, dd))

test_that("the translator's kinds and values are R's on boundary values (SQLite, PostgreSQL)", {
  b <- c(-2, -1, -0.5, 0, -0, 0.5, 1, 2, 3, 700, 710, 1e200, -1e200, 1e-5, -1e-5, 1e-300)
  grid <- expand.grid(x = b, y = c(-2, -1, 0, -0, 0.5, 1, 2, 3, 710))
  exprs <- c("log(x)", "log(x, 2)", "log(x, base = y)", "log2(x)", "log10(x)", "log1p(x)", "sqrt(x)", "exp(x)",
             "1 / x", "x / y", "x^0.5", "x^-1", "x^2", "x^3", "x^y", "y^x", "2^x", "(-2)^x", "0^x", "x^0",
             "exp(log(x))", "sqrt(log(x))", "log(1 / x)", "exp(1 / x)", "1 / log(x)", "log(x) * y",
             "log(x) - log(y)", "log(x) + log(y)", "abs(log(x))", "-log(x)", "I(log(x)^2)", "log(x)^0",
             "exp(x)^y", "log(x) / log(y)", "x * exp(y)", "exp(-exp(x))", "sqrt(x) * 0", "log1p(x) - x",
             "(1 / x)^y", "exp(x) - exp(y)", "log(exp(x))", "log(x)^y", "y^log(x)", "1 / (1 + 1 / x^2)",
             "exp(1 / y)", "log(x / y)", "(x / y) / y", "x^-0.5", "x^1.5", "(x - 1)^-2", "x^-3", "sqrt(x)^y")
  for (nm in names(ncons)) {
    con <- ncons[[nm]]
    DBI::dbWriteTable(con, "glmna_sem", grid, overwrite = TRUE)
    src <- list(con = con, from = "glmna_sem", ln = newtonr:::glm_db_ln(con))
    d <- DBI::dbGetQuery(con, "SELECT * FROM glmna_sem")
    for (ex in exprs) {
      n <- newtonr:::glm_db_sql_node(str2lang(ex), src, c(x = "numeric", y = "numeric"), ex, environment())
      r <- DBI::dbGetQuery(con, newtonr:::glm_db_ln_sql(sprintf("SELECT (%s) AS k, (%s) AS v FROM glmna_sem",
                                                               n$k, n$v), src$ln))
      ref <- rep_len(suppressWarnings(eval(str2lang(ex), d)), nrow(d))
      kr <- ifelse(is.nan(ref), 3, ifelse(is.infinite(ref), ifelse(ref > 0, 1, 2), 0))
      ok <- as.double(r$k) == kr & (kr != 0 | abs(as.double(r$v) - ref) <= 1e-12 * abs(ref) + 1e-300)
      expect(all(ok %in% TRUE), sprintf("%s, %s: rows (x, y) = %s differ from R", nm, ex,
                                        paste(sprintf("(%g, %g)", d$x[!ok %in% TRUE], d$y[!ok %in% TRUE]), collapse = " ")))
    }
    DBI::dbRemoveTable(con, "glmna_sem")
  }
})

for (nm in names(ncons)) test_that(sprintf("%s: rows where a term is NaN are dropped as glm's model frame drops them", nm), {
  tb <- ntb(nm)
  dd <- npull(nm)
  cases <- list(
    alist(yn ~ x1 + log(x2) + g), alist(yp ~ x1 + sqrt(x2), poisson), alist(yb ~ x1 + log(x2, 2) + g, binomial),
    alist(pos ~ x1 + I(x2^0.5), Gamma(link = "log")), alist(yn ~ x1 + g, weights = sqrt(w2)),
    alist(yp ~ x1, poisson, offset = log(o2)), alist(yp ~ x1 + offset(log1p(x2 - 0.5)), poisson),
    alist(log(yn) ~ x1), alist(yb ~ x1, binomial, etastart = sqrt(x2)), alist(yn ~ I(x1 * x3 / x3)),
    alist(yp ~ x1 + g, quasipoisson, weights = w2^0.5, mustart = x2^1.5 + 0.1))
  for (a in cases) {
    fg <- na_ref(a, dd)
    ndrop <- nrow(dd) - length(fg$y)
    expect_gt(ndrop, 0)
    expect_warning(fd <- na_fit(a, tb), sprintf("^%d row\\(s\\) dropped as missing values.*is NaN in", ndrop))
    na_match(fd, fg)
    expect_equal(fd$n_na, ndrop)
  }
  # the stream pass reads the same rows
  expect_warning(fs <- newton_glm(yn ~ x1 + log(x2) + g, data = tb, db_pass = "stream", chunksize = 50),
                 "dropped as missing values")
  na_match(fs, suppressWarnings(glm(yn ~ x1 + log(x2) + g, data = dd)))
  # the level that only NaN rows have is not a column (glm's drop.unused.levels)
  expect_false(any(grepl("z", names(coef(suppressWarnings(newton_glm(yn ~ x1 + log(x2) + g, data = tb)))))))
  expect_true(any(grepl("z", names(coef(newton_glm(yn ~ x1 + g, data = tb))))))
  # na.fail: an error, as glm's
  expect_error(newton_glm(yn ~ x1 + log(x2), data = tb, na.action = na.fail),
               "missing values in object: term 'log\\(x2\\)' is NaN in")
  expect_error(suppressWarnings(glm(yn ~ x1 + log(x2), data = dd, na.action = na.fail)), "missing values in object")
  expect_error(newton_glm(yn ~ x1, data = tb, weights = sqrt(w2), na.action = na.fail), "'weights' is NaN")
})

for (nm in names(ncons)) test_that(sprintf("%s: +-Inf terms are glm's error, named; finite through Inf is glm's fit", nm), {
  tb <- ntb(nm)
  dd <- npull(nm)
  expect_error(suppressWarnings(newton_glm(yn ~ x1 + log(x3), data = tb)), "'formula' term 'log\\(x3\\)' is \\+Inf or -Inf")
  expect_error(suppressWarnings(glm(yn ~ x1 + log(x3), data = dd)), "NA/NaN/Inf in 'x'")
  expect_error(newton_glm(yn ~ x1 + I(1 / x3), data = tb), "term 'I\\(1/x3\\)' is \\+Inf or -Inf")
  expect_error(newton_glm(yn ~ exp(x1 * 400), data = tb), "term 'exp\\(x1 \\* 400\\)' is \\+Inf")
  expect_error(glm(yn ~ exp(x1 * 400), data = dd), "NA/NaN/Inf in 'x'")
  expect_error(newton_glm(yn ~ x1, data = tb, weights = 1 / (x3 + 1)), "'weights' is \\+Inf")
  expect_error(newton_glm(yp ~ x1, poisson, data = tb, offset = log(x3 + 1)), "'offset' is \\+Inf")
  # exp(-1/|x3|) is exp(-Inf) = 0 at x3 = 0; 1 / (1 + 1/x3^2) is 1/Inf = 0: finite, kept
  for (a in list(alist(yn ~ x1 + exp(-1 / abs(x3))), alist(yn ~ x1 + I(1 / (1 + 1 / x3^2))))) {
    f <- na_fits(a, tb, dd)
    na_match(f$fd, f$fg)
    expect_equal(nobs(f$fd), nrow(dd))
  }
  # cbind(s, f) with s + f = 0: glm's weight 0, no NaN row, no warning
  expect_warning(f <- na_fits(alist(cbind(s, f) ~ x1, binomial), tb, dd), NA)
  na_match(f$fd, f$fg)
  expect_equal(f$fd$n_na, 0)
})

for (nm in names(ncons)) test_that(sprintf("%s: etastart with mustart is glm's (etastart is used)", nm), {
  tb <- ntb(nm)
  dd <- npull(nm)
  # mustart's values are never read (x2 is outside (0, 1)), as in glm.fit
  f <- na_fits(alist(yb ~ x1 + g, binomial, etastart = x1 / 2, mustart = x2), tb, dd)
  na_match(f$fd, f$fg)
  # one iteration from etastart: glm's point, not the one from mustart
  a1 <- alist(yb ~ x1, binomial, etastart = x1, mustart = 0.5 + 0 * x2, control = list(maxit = 1))
  f1 <- suppressWarnings(na_fits(a1, tb, dd))
  expect_lt(max(abs(coef(f1$fd) - coef(f1$fg))), 1e-10)
  f2 <- suppressWarnings(na_fits(alist(yb ~ x1, binomial, mustart = 0.5 + 0 * x2, control = list(maxit = 1)), tb, dd))
  expect_gt(max(abs(coef(f1$fd) - coef(f2$fd))), 1e-3)
  # a missing mustart drops the row (model.frame holds it) even though it is unused
  expect_warning(fd <- newton_glm(yb ~ x1, binomial, data = tb, etastart = x1, mustart = mna), "2 row\\(s\\) dropped")
  na_match(fd, suppressWarnings(glm(yb ~ x1, binomial, data = dd, etastart = x1, mustart = mna)))
  expect_error(newton_glm(yb ~ x1, binomial, data = tb, etastart = x1, mustart = mna, na.action = na.fail),
               "missing values in object.*'mna'")
})

for (nm in names(ncons)) test_that(sprintf("%s: an NA subset condition is a missing row (na.omit drops, na.fail stops)", nm), {
  tb <- ntb(nm)
  dd <- npull(nm)
  fd <- newton_glm(yn ~ x1, data = tb, subset = sv > 0)
  fg <- glm(yn ~ x1, data = dd, subset = sv > 0)
  na_match(fd, fg)
  expect_equal(fd$n_na, length(fg$na.action))
  expect_error(newton_glm(yn ~ x1, data = tb, subset = sv > 0, na.action = na.fail), "missing values in object.*'subset'")
  expect_error(glm(yn ~ x1, data = dd, subset = sv > 0, na.action = na.fail), "missing values in object")
  # conditions that are never NA in R: glm's fit under na.fail
  for (s in alist(!is.na(sv) & sv > 0, gna %in% c("a", "b"), gna %in% c("a", NA), sv > 0 | x1 > -10)) {
    na_match(eval(bquote(newton_glm(yn ~ x1, data = tb, subset = .(s), na.action = na.fail))),
             eval(bquote(glm(yn ~ x1, data = dd, subset = .(s), na.action = na.fail))))
  }
  # R's NaN and Inf in a condition: log(x2) is NaN (NA) for x2 < 0, 1/x3 is Inf (TRUE) at x3 = 0
  for (s in alist(log(x2) > -1, 1 / x3 > 0.6, exp(-1 / x3) < 0.5)) {
    na_match(eval(bquote(newton_glm(yn ~ x1, data = tb, subset = .(s)))),
             suppressWarnings(eval(bquote(glm(yn ~ x1, data = dd, subset = .(s))))))
  }
  expect_error(newton_glm(yn ~ x1, data = tb, subset = log(x2) > -1, na.action = na.fail), "'subset' condition is NA")
})

for (nm in names(ncons)) DBI::dbRemoveTable(ncons[[nm]], "glmna_t")
for (con in ncons) DBI::dbDisconnect(con)
