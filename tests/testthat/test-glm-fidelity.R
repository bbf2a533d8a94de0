# test-glm-fidelity.R -- issue 14, causes 1-3: glm(method = newton_glm_fit)
# and newton_glm() objects on which glm's methods give glm's answers; glm's
# accuracy on ill-conditioned designs (QR of sqrt(W) X, glm_qr.hpp); glm's
# LINPACK aliasing and rank (never above n).  Every reference is glm() or
# glm.fit() on the same call.

fid_coef <- function(fit, ref, tol) {
  expect_identical(is.na(coef(fit)), is.na(coef(ref)))
  ok <- !is.na(coef(ref))
  expect_lt(max(abs(coef(fit)[ok] / coef(ref)[ok] - 1)), tol)
}

# Every influence method and the other glm methods, against glm's own.
fid_methods <- function(fit, ref) {
  fid_coef(fit, ref, 1e-8)
  se <- function(f) sqrt(diag(vcov(f)))
  expect_equal(se(fit), se(ref), tolerance = 1e-6)
  expect_equal(summary(fit)$coefficients, summary(ref)$coefficients, tolerance = 1e-6)
  expect_equal(hatvalues(fit), hatvalues(ref), tolerance = 1e-6)
  expect_equal(cooks.distance(fit), cooks.distance(ref), tolerance = 1e-6)
  expect_equal(rstandard(fit), rstandard(ref), tolerance = 1e-6)
  expect_equal(rstudent(fit), rstudent(ref), tolerance = 1e-6)
  expect_equal(dfbeta(fit), dfbeta(ref), tolerance = 1e-6)
  expect_equal(dfbetas(fit), dfbetas(ref), tolerance = 1e-6)
  expect_equal(influence(fit)$hat, influence(ref)$hat, tolerance = 1e-6)
  expect_equal(influence.measures(fit)$infmat, influence.measures(ref)$infmat, tolerance = 1e-6)
  expect_equal(predict(fit, se.fit = TRUE)[1:2], predict(ref, se.fit = TRUE)[1:2], tolerance = 1e-6)
  expect_equal(drop1(fit, test = "Chisq")[, -1], drop1(ref, test = "Chisq")[, -1], tolerance = 1e-6)
  expect_equal(anova(fit, test = "Chisq")[, -1], anova(ref, test = "Chisq")[, -1], tolerance = 1e-6)
  expect_equal(fit$qr$rank, ref$qr$rank)
  expect_identical(fit$qr$pivot, ref$qr$pivot)
  expect_identical(sum(names(fit) == "control"), 1L)
  # glm-compatible: glm.control() accepts it (glm() keeps a user method's
  # control as given; glm.fit refits in drop1/profile pass it on)
  expect_silent(do.call(stats::glm.control, as.list(fit$control)))
}

fid_data <- function() {
  set.seed(14)
  n <- 60
  d <- data.frame(x1 = rnorm(n), x2 = runif(n), g = factor(sample(letters[1:3], n, TRUE)),
                  expo = runif(n, 1, 3), w = sample(1:4, n, TRUE))
  d$x3 <- d$x1 + d$x2  # aliased
  d$yg <- 1 + d$x1 - d$x2 + rnorm(n)
  d$yb <- rbinom(n, 1, plogis(0.3 + d$x1))
  d$yp <- rpois(n, d$expo * exp(0.2 + 0.3 * d$x1))
  d$ygam <- rgamma(n, shape = 4, rate = 4 / exp(0.5 + 0.2 * d$x2))
  d
}

test_that("glm(method = newton_glm_fit): every influence method as on glm's own fit", {
  d <- fid_data()
  cases <- list(
    list(yg ~ x1 + x2 + g, gaussian(), NULL),
    list(yb ~ x1 + x2 + g, binomial(), d$w),
    list(yp ~ x1 + g + offset(log(expo)), poisson(), NULL),
    list(ygam ~ x1 + x2, Gamma(link = "log"), d$w),
    list(yg ~ x1 + x2, gaussian(), replace(d$w, 1:3, 0)),  # zero weights: fewer QR rows
    list(yp ~ x1 + x2 + x3 + g, poisson(), NULL))  # aliased x3
  for (cs in cases) {
    d$ww <- if (is.null(cs[[3]])) rep(1, nrow(d)) else cs[[3]]
    ref <- glm(cs[[1]], cs[[2]], d, weights = ww)
    fit <- glm(cs[[1]], cs[[2]], d, weights = ww, method = newton_glm_fit)
    fid_methods(fit, ref)
    nfit <- newton_glm(cs[[1]], cs[[2]], d, weights = ww)
    fid_methods(nfit, ref)
    # the qr component is glm's: n x p, qr.* functions agree
    expect_identical(dim(fit$qr$qr), dim(ref$qr$qr))
    expect_equal(abs(qr.R(fit$qr)), abs(qr.R(ref$qr)), tolerance = 1e-8)
    v <- sin(seq_len(nrow(ref$qr$qr)))
    expect_equal(qr.fitted(fit$qr, v), qr.fitted(ref$qr, v), tolerance = 1e-8)
    expect_equal(abs(fit$effects), abs(ref$effects), tolerance = 1e-6)
  }
})

test_that("profile confint, add1 and update on glm(method = newton_glm_fit) as on glm", {
  skip_if_not_installed("MASS")
  d <- fid_data()
  ref <- glm(yb ~ x1 + x2, binomial, d)
  fit <- glm(yb ~ x1 + x2, binomial, d, method = newton_glm_fit)
  expect_equal(suppressMessages(confint(fit)), suppressMessages(confint(ref)), tolerance = 1e-6)
  expect_equal(add1(fit, ~ . + g, test = "Chisq")[, -1], add1(ref, ~ . + g, test = "Chisq")[, -1],
               tolerance = 1e-6)
  expect_equal(coef(update(fit, . ~ . + g)), coef(update(ref, . ~ . + g)), tolerance = 1e-8)
})

test_that("ill-conditioned designs: coefficients within 1e-9 of glm's (kappa up to 1e12)", {
  set.seed(2)
  year <- rep(1971:2020, each = 2)
  d <- data.frame(year = year, y = rpois(100, exp(1 + 0.03 * (year - 1995))))
  f <- y ~ year + I(year^2)  # kappa(X) 2e11
  ref <- glm(f, poisson, d)
  fid_coef(newton_glm(f, poisson, d), ref, 1e-9)
  fid_coef(glm(f, poisson, d, method = newton_glm_fit), ref, 1e-9)
  # the raw cubic: kappa(X) ~ 1e17, past what any double-precision solve
  # resolves (glm's own coefficients move by ~3e-8 between epsilon = 1e-8
  # and 1e-14): the same columns kept, the deviance to 1e-10
  f <- y ~ year + I(year^2) + I(year^3)
  ref <- glm(f, poisson, d)
  fit <- newton_glm(f, poisson, d)
  expect_identical(fit$rank, ref$rank)
  expect_equal(deviance(fit), deviance(ref), tolerance = 1e-10)
  fid_coef(fit, ref, 1e-5)
  # Gaussian, kappa(X) about 3e6
  n <- 200
  x1 <- rnorm(n)
  dg <- data.frame(x1 = x1, x2 = x1 + 5e-7 * rnorm(n), yy = 1 + x1 + rnorm(n))
  expect_gt(kappa(cbind(1, dg$x1, dg$x2), exact = TRUE), 1e6)
  fid_coef(newton_glm(yy ~ x1 + x2, gaussian, dg), glm(yy ~ x1 + x2, gaussian, dg), 1e-9)
  # and against an independent accurate reference: the same least squares in
  # the well-conditioned basis (1, x1, x2 - x1) (x2 - x1 is exact in floating
  # point), mapped back; on a second design too, where glm's own error is
  # ~5e-9 (its coefficients move by 6e-9 when the rows are permuted)
  for (s in 2:3) {
    set.seed(s)
    x1 <- rnorm(n)
    dg <- data.frame(x1 = x1, x2 = x1 + 5e-7 * rnorm(n), yy = 1 + x1 + rnorm(n))
    gm <- stats::lm.fit(cbind(1, dg$x1, dg$x2 - dg$x1), dg$yy)$coefficients
    ref <- c(gm[1], gm[2] - gm[3], gm[3])
    err <- function(b) max(abs(unname(b) / ref - 1))
    e_n <- err(coef(newton_glm(yy ~ x1 + x2, gaussian, dg)))
    e_g <- err(coef(glm(yy ~ x1 + x2, gaussian, dg)))
    expect_lt(e_n, max(1e-9, 2 * e_g))
  }
  # mixed units: income in dollars, age, a calendar year, a proportion
  dm <- data.frame(inc = rlnorm(n, 10.5, 0.5), age = runif(n, 20, 70),
                   yr = sample(1990:2020, n, TRUE), pr = runif(n))
  dm$yb <- rbinom(n, 1, plogis(-1 + 2e-5 * dm$inc + 0.01 * dm$age - 0.5 * dm$pr))
  f <- yb ~ inc + age + yr + I(yr^2) + pr
  fid_coef(newton_glm(f, binomial, dm), glm(f, binomial, dm), 1e-9)
})

test_that("aliasing as glm's LINPACK QR: raw cubic in year, exact collinearity", {
  year <- 1990:2020
  set.seed(5)
  d <- data.frame(year = year, y = rpois(31, exp(2 + 0.02 * (year - 2005))))
  f <- y ~ year + I(year^2) + I(year^3) + I(year^4)
  ref <- glm(f, poisson, d)
  fit <- newton_glm(f, poisson, d)
  expect_identical(is.na(coef(fit)), is.na(coef(ref)))
  expect_equal(deviance(fit), deviance(ref), tolerance = 1e-8)  # (glm's epsilon)
  expect_identical(fit$rank, ref$rank)
  expect_identical(length(influence(fit)$hat), nrow(d))
  expect_equal(sum(influence(fit)$hat), ref$rank, tolerance = 1e-8)
})

test_that("p > n: rank never above n, glm's aliased columns, many random designs", {
  for (seed in 1:40) {
    set.seed(seed)
    n <- sample(3:8, 1)
    p <- n + sample(1:4, 1)
    x <- matrix(rnorm(n * p), n)
    y <- rnorm(n)
    ref <- glm.fit(x, y)
    fit <- newton_glm_fit(x, y)
    expect_identical(fit$rank, ref$rank)
    expect_lte(fit$rank, n)
    expect_identical(is.na(fit$coefficients), is.na(ref$coefficients))
    ok <- !is.na(ref$coefficients)
    expect_equal(fit$coefficients[ok], ref$coefficients[ok], tolerance = 1e-8)
    yb <- rbinom(n, 1, 0.5)
    expect_identical(newton_glm_fit(x, yb, family = binomial())$rank,
                     suppressWarnings(glm.fit(x, yb, family = binomial()))$rank)
  }
})

test_that("a large fit keeps the p x p factor; glm's methods still give glm's answers", {
  # n p^2 just above the 5e7 flops of kGlmFullQrWork (glm_fit.hpp)
  set.seed(7)
  n <- 81000; p <- 25
  x <- matrix(rnorm(n * (p - 1)), n)
  d <- data.frame(y = rbinom(n, 1, plogis(x[, 1] - x[, 2])), x)
  fit <- glm(y ~ ., binomial, d, method = newton_glm_fit)
  expect_true(isTRUE(fit$qr$r_only))
  expect_s3_class(fit, "newton_glm")
  ref <- glm(y ~ ., binomial, d)
  fid_coef(fit, ref, 1e-8)
  i <- c(1:5, n)
  expect_equal(hatvalues(fit)[i], hatvalues(ref)[i], tolerance = 1e-6)
  expect_equal(cooks.distance(fit)[i], cooks.distance(ref)[i], tolerance = 1e-6)
  expect_equal(dim(qr(fit)$qr), dim(ref$qr$qr))
})
