# test-glm-db-gaps.R -- the database path's former gaps (issue 18): subset
# pushed down as a WHERE clause, etastart/mustart as column expressions,
# binomial AIC for proportions with weights, model.matrix's names for logical
# columns, levels with quotes/spaces/NA and interactions, the domain of
# log()/sqrt() as glm's model frame, and the refusals (type = "newton", probit,
# sparse = TRUE's message).  The reference is stats::glm() on the same rows
# pulled into R; SQLite always, PostgreSQL when a server is up.

skip_if_not_installed("DBI")
skip_if_not_installed("RSQLite")
skip_if_not_installed("dbplyr")

gap_data <- function(n = 300) {
  set.seed(1818)
  d <- data.frame(x1 = rnorm(n), x2 = runif(n, -0.5, 2), g = sample(c("a b", "c'd", "e"), n, TRUE),
                  h = sample(c("u", "v"), n, TRUE), lg = sample(c(TRUE, FALSE), n, TRUE),
                  m = sample(1:6, n, TRUE), wf = sample(c(0.5, 1.5, 2.5, 3), n, TRUE), stringsAsFactors = FALSE)
  d$s <- rbinom(n, d$m, plogis(0.2 + 0.5 * d$x1 + 0.3 * d$lg))
  d$p <- d$s / d$m
  d$yb <- rbinom(n, 1, plogis(d$x1 - 0.5 * d$lg))
  d$yn <- d$x1 + 0.5 * d$lg + rnorm(n)
  d$g[c(5, 9)] <- NA
  d$lg[11] <- NA
  d
}

gd <- gap_data()
gcons <- db_connections()
for (nm in names(gcons)) DBI::dbWriteTable(gcons[[nm]], "glmgap_t", gd, overwrite = TRUE)
gtb <- function(nm) suppressWarnings(dplyr::tbl(gcons[[nm]], "glmgap_t"))
gpull <- function(nm) as.data.frame(dplyr::collect(gtb(nm)))

expect_glm_match <- function(fd, fg, tol = 1e-8) {
  expect_equal(names(coef(fd)), names(coef(fg)))
  expect_lt(max(abs(coef(fd) - coef(fg)) / pmax(abs(coef(fg)), 1)), tol)
  expect_lt(abs(deviance(fd) - deviance(fg)) / deviance(fg), tol)
  expect_equal(fd$df.residual, fg$df.residual)
  expect_true(is.finite(AIC(fd)) == is.finite(AIC(fg)))
  if (is.finite(AIC(fg))) expect_lt(abs(AIC(fd) - AIC(fg)) / abs(AIC(fg)), tol)
}

for (nm in names(gcons)) test_that(sprintf("%s: subset is pushed down as a WHERE clause", nm), {
  tb <- gtb(nm)
  dd <- gpull(nm)
  lim <- 0.2
  expect_glm_match(newton_glm(yb ~ x1 + g, binomial, data = tb, subset = x1 > -lim & g != "e"),
                   glm(yb ~ x1 + g, binomial, data = dd, subset = x1 > -lim & g != "e"))
  expect_glm_match(newton_glm(yn ~ x1 + h, data = tb, subset = g %in% c("a b", "c'd") | !(x2 < 0)),
                   glm(yn ~ x1 + h, data = dd, subset = g %in% c("a b", "c'd") | !(x2 < 0)))
  expect_glm_match(newton_glm(yn ~ x1, data = tb, subset = !is.na(g) & abs(x1) * 2 <= 3),
                   glm(yn ~ x1, data = dd, subset = !is.na(g) & abs(x1) * 2 <= 3))
  myf <- function(x) x > 0
  expect_error(newton_glm(yn ~ x1, data = tb, subset = myf(x1)), "'subset'.*myf.*dplyr::filter")
  expect_error(newton_glm(yn ~ x1, data = tb, subset = g > "a"), "'subset'.*orders strings")
  expect_error(newton_glm(yn ~ x1, data = tb, subset = nope > 1), "'subset'.*'nope'")
  expect_error(newton_glm(yn ~ x1, data = tb, subset = x1 > 100), "'subset' leaves no rows")
})

for (nm in names(gcons)) test_that(sprintf("%s: etastart and mustart as column expressions, as glm", nm), {
  tb <- gtb(nm)
  dd <- gpull(nm)
  expect_glm_match(newton_glm(yb ~ x1 + h, binomial, data = tb, mustart = 0.5 * yb + 0.25),
                   glm(yb ~ x1 + h, binomial, data = dd, mustart = 0.5 * yb + 0.25))
  expect_glm_match(newton_glm(yb ~ x1 + h, binomial, data = tb, etastart = x1 / 2),
                   glm(yb ~ x1 + h, binomial, data = dd, etastart = x1 / 2))
  # the start is used: one iteration from two starts gives two different points
  f1 <- suppressWarnings(newton_glm(yb ~ x1, binomial, data = tb, etastart = x1, control = list(maxit = 1)))
  f2 <- suppressWarnings(newton_glm(yb ~ x1, binomial, data = tb, etastart = -x1, control = list(maxit = 1)))
  g1 <- suppressWarnings(glm(yb ~ x1, binomial, data = dd, etastart = x1, control = list(maxit = 1)))
  expect_gt(max(abs(coef(f1) - coef(f2))), 1e-3)
  expect_lt(max(abs(coef(f1) - coef(g1))), 1e-10)
  expect_error(newton_glm(yb ~ x1, binomial, data = tb, mustart = x2), "'mustart' gives no valid start")
  # both: glm uses etastart (test-glm-db-na.R)
  expect_glm_match(newton_glm(yb ~ x1, binomial, data = tb, etastart = x1, mustart = x2),
                   glm(yb ~ x1, binomial, data = dd, etastart = x1, mustart = x2))
  expect_error(newton_glm(yb ~ x1, binomial, data = tb, etastart = sin(x1)), "etastart.*cannot be pushed down")
})

for (nm in names(gcons)) test_that(sprintf("%s: binomial AIC with proportions and weights, as glm", nm), {
  tb <- gtb(nm)
  dd <- gpull(nm)
  fd <- newton_glm(p ~ x1 + g, binomial, data = tb, weights = m)
  fg <- glm(p ~ x1 + g, binomial, data = dd, weights = m)
  expect_true(is.finite(AIC(fd)))
  expect_glm_match(fd, fg)
  # cbind(successes, failures), as glm reads it
  fd <- newton_glm(cbind(s, m - s) ~ x1 + g, binomial, data = tb)
  fg <- glm(cbind(s, m - s) ~ x1 + g, binomial, data = dd)
  expect_glm_match(fd, fg)
  expect_lt(max(abs(summary(fd)$coefficients - summary(fg)$coefficients)), 1e-6)
  # with prior weights: glm's fit; the AIC (m = s + f there) is NA, not a wrong number
  fd <- newton_glm(cbind(s, m - s) ~ x1 + g, binomial, data = tb, weights = wf * 2)
  fg <- glm(cbind(s, m - s) ~ x1 + g, binomial, data = dd, weights = wf * 2)
  expect_lt(max(abs(coef(fd) - coef(fg))), 1e-10)
  expect_true(is.na(AIC(fd)))
  # non-integer weights: glm rounds m and m y (half to even) in dbinom
  fd <- suppressWarnings(newton_glm(p ~ x1, binomial, data = tb, weights = wf))
  fg <- suppressWarnings(glm(p ~ x1, binomial, data = dd, weights = wf))
  expect_glm_match(fd, fg)
})

for (nm in names(gcons)) test_that(sprintf("%s: logical, quoted and NA levels, interactions: glm's names", nm), {
  tb <- gtb(nm)
  dd <- gpull(nm)
  for (f in list(yn ~ x1 + lg, yn ~ lg - 1 + x1, yn ~ x1 * lg + g, yn ~ g:x1 + h, yn ~ g * h, yn ~ g:h - 1,
                 yn ~ I(lg * x1) + factor(m))) {
    expect_glm_match(newton_glm(f, data = tb), glm(f, data = dd))
  }
  p1 <- predict(newton_glm(yn ~ x1 * lg + g, data = tb), dd[12:20, ])
  p2 <- predict(glm(yn ~ x1 * lg + g, data = dd), dd[12:20, ])
  expect_lt(max(abs(p1 - p2)), 1e-8)
})

for (nm in names(gcons)) test_that(sprintf("%s: log/sqrt outside their domain: glm's model frame (test-glm-db-na.R)", nm), {
  tb <- gtb(nm)
  dd <- gpull(nm)
  # NaN rows are missing values (dropped with a warning, as model.frame drops them); +-Inf is an error
  expect_warning(fd <- newton_glm(yn ~ x1 + log(x2), data = tb), "dropped as missing.*term 'log\\(x2\\)' is NaN")
  expect_glm_match(fd, suppressWarnings(glm(yn ~ x1 + log(x2), data = dd)))
  expect_warning(fd <- newton_glm(yn ~ sqrt(x2) + x1, data = tb), "term 'sqrt\\(x2\\)' is NaN")
  expect_glm_match(fd, suppressWarnings(glm(yn ~ sqrt(x2) + x1, data = dd)))
  expect_error(newton_glm(yn ~ I(x1 / (x2 - x2)), data = tb), "term 'I\\(x1/\\(x2 - x2\\)\\)' is \\+Inf or -Inf")
  expect_error(suppressWarnings(newton_glm(yn ~ x1, data = tb, weights = log(x2))), "negative weights not allowed")
  expect_warning(fd <- newton_glm(yn ~ x1, data = tb, offset = x2^0.5), "'offset' is NaN")
  expect_glm_match(fd, suppressWarnings(glm(yn ~ x1, data = dd, offset = x2^0.5)))
  # inside the domain: glm's fit
  expect_glm_match(newton_glm(yn ~ x1 + log(x2 + 1) + sqrt(x2 + 0.5), data = tb),
                   glm(yn ~ x1 + log(x2 + 1) + sqrt(x2 + 0.5), data = dd))
})

test_that("refusals name the argument: type = 'newton', probit, sparse = TRUE's message", {
  tb <- gtb("sqlite")
  expect_error(newton_glm(yb ~ x1, binomial, data = tb, type = "newton"), "'type' = \"newton\".*not available")
  expect_error(newton_glm(yb ~ x1, binomial(link = "probit"), data = tb), "link = \"probit\".*pnorm")
  expect_message(f <- newton_glm(yn ~ x1, data = tb, sparse = TRUE), "'sparse = TRUE' has no effect")
  expect_glm_match(f, glm(yn ~ x1, data = gpull("sqlite")))
  chunk <- function(reset = FALSE) if (reset) NULL else gd
  expect_error(newton_glm(yn ~ x1, data = chunk, mustart = 1), "'mustart' is not supported")
})

for (nm in names(gcons)) DBI::dbRemoveTable(gcons[[nm]], "glmgap_t")
for (con in gcons) DBI::dbDisconnect(con)
