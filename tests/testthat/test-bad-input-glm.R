# test-bad-input-glm.R -- the GLM part of the reliability battery (issues 4
# and 6): bad input to newton_glm() and newton_glm_fit() gets glm's error or
# a clear one naming the argument, or a flagged fit; nothing crashes R.

bad_glm_data <- function() {
  set.seed(1)
  d <- data.frame(x = rnorm(20), z = rnorm(20))
  d$yc <- rpois(20, 2)
  d$yb <- rbinom(20, 1, 0.5)
  d$yg <- rgamma(20, 2)
  d$size <- 5
  d
}

# glm()'s own error message for the same call (the reference)
glm_error <- function(expr) {
  tryCatch({ expr; NA_character_ }, error = function(e) conditionMessage(e))
}

test_that("response outside the family's support gets glm's error", {
  d <- bad_glm_data()
  msg <- glm_error(glm(I(yc - 3) ~ x, poisson, d))
  expect_error(newton_glm(I(yc - 3) ~ x, poisson, d), msg, fixed = TRUE)
  msg <- glm_error(glm(I(yb + 1) ~ x, binomial, d))
  expect_error(newton_glm(I(yb + 1) ~ x, binomial, d), msg, fixed = TRUE)
  expect_error(newton_glm(I(yb - 0.5) ~ x, binomial, d), "y values must be 0 <= y <= 1", fixed = TRUE)
  # more successes than trials
  msg <- glm_error(glm(cbind(yc + 6, size - yc - 6) ~ x, binomial, d))
  expect_error(newton_glm(cbind(yc + 6, size - yc - 6) ~ x, binomial, d), msg, fixed = TRUE)
  msg <- glm_error(glm(I(yg * 0) ~ x, Gamma, d))
  expect_error(newton_glm(I(yg * 0) ~ x, Gamma, d), msg, fixed = TRUE)
  expect_error(newton_glm(I(-yg) ~ x, Gamma, d), "non-positive values not allowed for the 'Gamma' family")
  expect_error(newton_glm(I(yg * 0) ~ x, inverse.gaussian, d), "positive values only are allowed")
  X <- cbind(1, d$x)
  expect_error(newton_glm_fit(X, d$yc, family = binomial()), "y values must be 0 <= y <= 1", fixed = TRUE)
})

test_that("negative, NA and wrong-length weights are refused", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  expect_error(newton_glm(yc ~ x, poisson, d, weights = rep(c(-1, 1), 10)), "negative weights not allowed")
  expect_error(newton_glm_fit(X, d$yc, weights = rep(c(-1, 1), 10), family = poisson()),
               "negative weights not allowed")
  expect_error(newton_glm_fit(X, d$yc, weights = c(NA, rep(1, 19)), family = poisson()),
               "'weights' must not contain NA")
  expect_error(newton_glm_fit(X, d$yc, weights = 1:3, family = poisson()), "'weights' must have length 20")
})

test_that("character response and zero rows are clear errors", {
  d <- bad_glm_data()
  expect_error(newton_glm(as.character(yc) ~ x, poisson, d), "response must be numeric, logical or a factor")
  expect_error(newton_glm_fit(cbind(1, d$x), as.character(d$yc), family = poisson()),
               "'y' must be numeric, logical or a factor")
  d2 <- d
  d2$x <- NA
  expect_error(newton_glm(yc ~ x, poisson, d2), "no observations to fit")
  expect_error(newton_glm_fit(cbind(1, d$x)[0, ], numeric(0), family = poisson()), "'y' has zero observations")
})

test_that("mismatched dimensions and bad arguments of newton_glm_fit are named", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  expect_error(newton_glm_fit(X, d$yc[1:10], family = poisson()), "'x' has 20 rows but 'y' has 10")
  expect_error(newton_glm_fit(X, d$yc, offset = 1:2, family = poisson()), "'offset' must have length 20")
  expect_error(newton_glm_fit(matrix("a", 20, 2), d$yc), "'x' must be a numeric matrix")
  expect_error(newton_glm_fit(list(1, 2), d$yc), "'x' must be a numeric matrix")
  expect_error(newton_glm_fit(X, d$yc, start = 1, family = poisson()), "length of 'start' should equal 2")
  expect_error(newton_glm_fit(X, d$yc, family = "foo"), "seems not to be a valid family object")
  expect_error(newton_glm(yc ~ x, "foo", d), "'family'")
  expect_error(newton_glm(~ x, poisson, d), "'formula' must be a two-sided formula")
  expect_error(newton_glm_fit(X, d$yc, family = poisson(), control = list(foo = 1)), "'control' has unknown")
  expect_error(newton_glm(yc ~ x, poisson, d, control = list(maxit = 0)), "'maxit' must lie in")
  expect_error(newton_glm(yc ~ x, poisson, d, control = list(epsilon = NA)), "'epsilon' must be a single number")
})

test_that("NA and Inf in X: NA rows follow na.action, Inf is an error", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  X[3, 2] <- Inf
  expect_error(newton_glm_fit(X, d$yc, family = poisson()), "'x' must be finite \\(no Inf\\)")
  X[3, 2] <- NA
  expect_error(newton_glm_fit(X, d$yc, family = poisson()), "'x' must not contain NA")
  d3 <- d
  d3$x[2] <- Inf
  expect_error(newton_glm(yc ~ x, poisson, d3), "must be finite \\(no Inf\\)")
  d4 <- d
  d4$x[3] <- NA
  expect_error(newton_glm(yc ~ x, poisson, d4, na.action = na.fail), "missing values in object")
  fit <- newton_glm(yc ~ x, poisson, d4)
  ref <- glm(yc ~ x, poisson, d4)
  expect_equal(unname(coef(fit)), unname(coef(ref)), tolerance = 1e-8)
  expect_equal(nobs(fit), 19L)
})

test_that("perfect separation warns and is flagged", {
  sep <- data.frame(x = 1:10, y = rep(0:1, each = 5))
  w <- character()
  fit <- withCallingHandlers(newton_glm(y ~ x, binomial, sep),
                             warning = function(w_) {
                               w <<- c(w, conditionMessage(w_))
                               invokeRestart("muffleWarning")
                             })
  expect_true(any(grepl("separation", w)))
  expect_true(any(grepl("fitted probabilities numerically 0 or 1", w)))
  expect_false(fit$converged)
})

test_that("errors inside a user family's closures reach the user; later fits work", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  fam <- poisson()
  fam$variance <- function(mu) stop("boom in variance")
  expect_error(newton_glm(yc ~ x, fam, d), "boom in variance")
  fam <- poisson()
  fam$linkinv <- function(eta) stop("boom in linkinv")
  expect_error(newton_glm_fit(X, d$yc, family = fam), "boom in linkinv")
  fam <- binomial()
  fam$mu.eta <- function(eta) stop("boom in mu.eta")
  expect_error(newton_glm_fit(X, d$yb, family = fam), "boom in mu.eta")
  fam <- binomial()
  fam$dev.resids <- function(y, mu, wt) stop("boom in dev.resids")
  expect_error(newton_glm_fit(X, d$yb, family = fam), "boom in dev.resids")
  fam <- poisson()
  fam$variance <- function(mu) rep(NaN, length(mu))
  expect_error(newton_glm_fit(X, d$yc, family = fam), "NAs in V(mu)", fixed = TRUE)
  fit <- newton_glm_fit(X, d$yc, family = poisson())
  expect_equal(unname(fit$coefficients), unname(coef(glm.fit(X, d$yc, family = poisson()))),
               tolerance = 1e-8)
})

test_that("NA in y of newton_glm_fit names 'y'", {
  d <- bad_glm_data()
  expect_error(newton_glm_fit(cbind(1, d$x), c(NA, d$yc[-1]), family = poisson()), "'y'")
})

test_that("NaN in offset names 'offset'", {
  d <- bad_glm_data()
  expect_error(newton_glm_fit(cbind(1, d$x), d$yc, offset = c(NaN, rep(0, 19)), family = poisson()),
               "'offset'")
})

test_that("Inf or character weights name 'weights'", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  expect_error(newton_glm_fit(X, d$yc, weights = c(Inf, rep(1, 19)), family = poisson()), "'weights'")
  expect_error(newton_glm_fit(X, d$yc, weights = rep("a", 20), family = poisson()), "'weights'")
})

test_that("huge and tiny scales of X (1e+-300) give glm.fit's coefficients", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  ref <- coef(glm.fit(X, d$yc, family = poisson()))
  fit <- newton_glm_fit(X * 1e300, d$yc, family = poisson())
  expect_equal(unname(fit$coefficients) * 1e300, unname(ref), tolerance = 1e-6)
  fit <- newton_glm_fit(cbind(1, d$x * 1e-300), d$yc, family = poisson())
  expect_equal(unname(fit$coefficients) * c(1, 1e-300), unname(ref), tolerance = 1e-6)
})

test_that("a gaussian response of size 1e300 gets glm's error, not a crash", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  msg <- glm_error(glm.fit(X, d$yg * 1e300))
  expect_error(newton_glm_fit(X, d$yg * 1e300), msg, fixed = TRUE)
})

test_that("a model matrix or X'WX too large for memory is refused before allocation", {
  # 2e5 rows and a factor of 2e5 levels: a dense 2e5 x 2e5 model matrix (320 GB)
  big <- data.frame(y = rep(0:1, 1e5), id = factor(seq_len(2e5)))
  expect_error(newton_glm(y ~ id, binomial, big), "'formula': a dense 2e\\+05 x 2e\\+05 model matrix needs 320 GB")
  old <- options(newtonr.dense_limit = 1e6)
  on.exit(options(old))
  d <- data.frame(y = rpois(1500, 2), f = factor(rep(1:1500)), x = rnorm(1500))
  expect_error(newton_glm(y ~ f, poisson, d), "dense 1500 x 1500 model matrix needs 18 MB, more than the limit of 1 MB")
  # an interaction of character variables counts all their levels
  d$a <- as.character(rep(1:30, 50)); d$b <- as.character(rep(1:50, each = 30))
  expect_error(newton_glm(y ~ a * b, poisson, d), "'formula': a dense 1500 x 1500 model matrix")
  # newton_glm_fit: the X'WX of 1001 columns (x itself exists already)
  X <- matrix(rnorm(2 * 1001), 2, 1001)
  # (algorithm = "auto" takes newton-cg beyond 400 columns: no X'WX is formed)
  expect_error(newton_glm_fit(X, c(0, 1), control = list(algorithm = "irls")), "'x': a dense 1001 x 1001 X'WX matrix needs 8.02 MB \\(64.1 MB in all for the 8 working copies")
  # small models are not affected
  expect_equal(unname(coef(newton_glm(y ~ x, poisson, d))), unname(coef(glm(y ~ x, poisson, d))),
               tolerance = 1e-8)
})

test_that("NaN or Inf in the offset: newton_glm drops NaN rows like glm, newton_glm_fit names 'offset'", {
  d <- bad_glm_data()
  off <- c(NaN, rep(0, 19))
  fit <- newton_glm(yc ~ x, poisson, d, offset = off)
  ref <- glm(yc ~ x, poisson, d, offset = off)
  expect_equal(unname(coef(fit)), unname(coef(ref)), tolerance = 1e-8)
  expect_equal(nobs(fit), 19L)
  expect_error(newton_glm(yc ~ x, poisson, d, offset = c(Inf, rep(0, 19))), "'offset' must be finite \\(no Inf\\)")
  expect_error(newton_glm_fit(cbind(1, d$x), d$yc, offset = c(-Inf, rep(0, 19)), family = poisson()),
               "'offset' must be finite \\(no Inf\\)")
  expect_error(newton_glm_fit(cbind(1, d$x), d$yc, offset = rep("0", 20), family = poisson()),
               "'offset' must be a numeric vector")
})

test_that("Inf and logical responses", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  expect_error(newton_glm_fit(X, c(Inf, d$yc[-1]), family = poisson()), "'y' must be finite \\(no Inf\\)")
  expect_error(newton_glm(I(c(Inf, yg[-1])) ~ x, Gamma, d), "'y' must be finite \\(no Inf\\)")
  expect_error(newton_glm_fit(X, factor(c(NA, d$yb[-1])), family = binomial()), "'y' must not contain NA")
  yl <- d$yb == 1
  expect_equal(unname(newton_glm_fit(X, yl, family = binomial())$coefficients),
               unname(glm.fit(X, yl, family = binomial())$coefficients), tolerance = 1e-8)
})

test_that("a user's family is used as given even when its names are stats' (no silent C++ shortcut)", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  fam <- poisson()
  fam$variance <- function(mu) 2 * mu  # quasi-like: same coefficients, other weights
  fit <- newton_glm_fit(X, d$yc, family = fam)
  ref <- glm.fit(X, d$yc, family = fam)
  expect_equal(unname(fit$weights), unname(ref$weights), tolerance = 1e-8)
  expect_equal(fit$weights, newton_glm_fit(X, d$yc, family = poisson())$weights / 2, tolerance = 1e-8)
  fam <- binomial()
  fam$linkinv <- function(eta) pmin(pmax(pnorm(eta), 1e-12), 1 - 1e-12)  # probit, mislabelled logit
  fam$mu.eta <- function(eta) pmax(dnorm(eta), 1e-300)
  fam$linkfun <- qnorm
  ref <- glm.fit(X, d$yb, family = fam)
  fit <- newton_glm_fit(X, d$yb, family = fam)
  expect_equal(unname(fit$coefficients), unname(ref$coefficients), tolerance = 1e-7)
})

test_that("column scales of 1e+-300 on every path: R closures, ridge, newton_glm, threads", {
  d <- bad_glm_data()
  X <- cbind(1, d$x, d$z)
  ref <- coef(glm.fit(X, d$yc, family = poisson()))
  s <- c(1, 1e300, 1e-300)
  Xs <- sweep(X, 2, s, `*`)
  fit <- newton_glm_fit(Xs, d$yc, family = poisson())
  expect_equal(unname(fit$coefficients) * s, unname(ref), tolerance = 1e-6)
  # standard errors (their squares, the variances, stay representable at 1e+-100)
  se_ref <- sqrt(diag(chol2inv(qr.R(qr(X * sqrt(glm.fit(X, d$yc, family = poisson())$weights))))))
  s100 <- c(1, 1e100, 1e-100)
  fit100 <- newton_glm_fit(sweep(X, 2, s100, `*`), d$yc, family = poisson())
  expect_equal(sqrt(diag(chol2inv(fit100$R))) * s100, se_ref, tolerance = 1e-6)
  # columns at the ends of the range (1e-307: some entries subnormal; 1e307)
  s2 <- c(1, 1e307, 1e-307)
  fit <- newton_glm_fit(sweep(X, 2, s2, `*`), d$yc, family = poisson())
  expect_equal(unname(fit$coefficients) * s2, unname(ref), tolerance = 1e-6)
  # a power link goes through the family's R closures
  fam <- poisson(link = power(1/3))
  refp <- coef(glm.fit(X, d$yc, family = fam, mustart = d$yc + 0.5))
  fitp <- newton_glm_fit(Xs, d$yc, family = fam, mustart = d$yc + 0.5)
  expect_equal(unname(fitp$coefficients) * s, unname(refp), tolerance = 1e-6)
  # newton_glm on a data frame with huge and tiny columns
  d2 <- transform(d, xh = x * 1e300, zt = z * 1e-300)
  fitf <- newton_glm(yc ~ xh + zt, poisson, d2)
  expect_equal(unname(coef(fitf)) * s, unname(ref), tolerance = 1e-6)
  expect_equal(summary(fitf)$coefficients[, "Estimate"], coef(fitf))
  # scaling by powers of two is exact: the same fit, bit for bit, rescaled
  X2 <- sweep(X, 2, 2^c(0, 700, -700), `*`)
  f1 <- newton_glm_fit(X, d$yc, family = poisson())
  f2 <- newton_glm_fit(X2, d$yc, family = poisson())
  expect_identical(f2$coefficients * 2^c(0, 700, -700), f1$coefficients)
  expect_identical(f2$deviance, f1$deviance)
  # and bit-identical for 1, 2 and 4 threads
  cf <- lapply(c(1, 2, 4), function(t)
    newton_glm_fit(Xs, d$yc, family = poisson(), control = list(threads = t))$coefficients)
  expect_identical(cf[[2]], cf[[1]])
  expect_identical(cf[[3]], cf[[1]])
  # observed information (type = "newton") on a non-canonical link
  refn <- coef(glm.fit(X, d$yc, family = poisson(link = "sqrt")))
  fitn <- newton_glm_fit(Xs, d$yc, family = poisson(link = "sqrt"), control = list(type = "newton"))
  expect_equal(unname(fitn$coefficients) * s, unname(refn), tolerance = 1e-6)
  # gradient descent (for teaching) cannot work at such scales: a clear error
  expect_error(newton_glm_fit(Xs, d$yc, family = poisson(), control = list(algorithm = "gd")),
               "algorithm = \"gd\" cannot handle the scale of 'x'")
  # ridge: the penalty acts on the unscaled coefficients, so it is negligible
  # for the 1e300 column and holds the 1e-300 column's coefficient near 0
  # (the fit is then that without the tiny column)
  ref12 <- coef(glm.fit(X[, 1:2], d$yc, family = poisson()))
  fr <- newton_glm_fit(Xs, d$yc, family = poisson(), control = list(lambda = 2))
  expect_equal(unname(fr$coefficients[1:2]) * s[1:2], unname(ref12), tolerance = 1e-6)
  expect_lt(abs(fr$coefficients[3] * 1e-300), 1e-8)
})

test_that("working weights that overflow are an error, not NA coefficients", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  expect_error(newton_glm_fit(X, d$yc, weights = rep(1e307, 20), family = poisson()),
               "not finite \\(overflow\\)|no valid set of coefficients")
})

test_that("the dense-size guard reads MemAvailable, not MemTotal, and falls back", {
  f <- tempfile()
  writeLines(c("MemTotal:       64000000 kB", "MemFree:          100000 kB",
               "MemAvailable:     250000 kB"), f)
  old <- options(newtonr.dense_limit = NULL)
  on.exit(options(old))
  expect_equal(dense_available(f), 250000 * 1024)
  # no MemAvailable line (old kernels, other systems): the total-memory limit
  writeLines("MemTotal:       64000000 kB", f)
  expect_equal(dense_available(f), dense_limit())
  expect_equal(dense_available(tempfile()), dense_limit())
  # the option wins
  options(newtonr.dense_limit = 5e6)
  expect_equal(dense_available(f), 5e6)
})

test_that("bad control objects and settings: named errors, never a crash", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  yb <- as.numeric(d$yc > 1)
  # maxit beyond the integer range (was NA, a zero-length loop and a crash)
  expect_error(newton_glm_fit(X, yb, family = binomial(), control = list(maxit = 1e10)),
               "'maxit' must lie in \\[1, 2147483647\\]")
  expect_error(newton_glm(am ~ wt + hp, binomial, mtcars, maxit = 3e9), "'maxit' must lie in")
  # a control object made by hand is checked again
  ctl <- structure(list(epsilon = 1e-8, maxit = 0L, trace = FALSE, type = "fisher", lambda = 0,
                        algorithm = "irls", threads = NULL), class = "newton_glm_control")
  expect_error(newton_glm_fit(X, yb, family = binomial(), control = ctl), "'maxit' must lie in")
  ctl$maxit <- NA_integer_
  expect_error(newton_glm_fit(X, yb, family = binomial(), control = ctl), "'maxit' must be a single number")
  # the core refuses maxit < 1 itself (GlmControl::validate, for C++ callers)
  fit_cpp <- function(ctl) {
    glm_fit_cpp(X, yb, rep(1, 20), rep(0, 20), rep(0, 20), NULL, binomial(), TRUE, ctl, TRUE, TRUE,
                numeric(0), 0.5, NULL, FALSE, 0L)
  }
  ctl <- unclass(newton_glm_control())
  ctl$maxit <- 0L
  expect_error(fit_cpp(ctl), "'maxit' must be at least 1")
  ctl$maxit <- NA_integer_
  expect_error(fit_cpp(ctl), "'maxit' must be at least 1")
  ctl$maxit <- 25L
  expect_error(fit_cpp(ctl[names(ctl) != "threads"]), "control list lacks 'threads'")
  # a control that is not a list (glm.fit: "second argument must be a list")
  expect_error(newton_glm_fit(X, yb, family = binomial(), control = 1e308), "'control' must be a list")
  expect_error(newton_glm_fit(X, yb, family = binomial(), control = list(1e308)), "'control' must be a named list")
  expect_error(newton_glm(am ~ wt, binomial, mtcars, control = "a"), "'control' must be a list")
  expect_error(newton_glm_control(1e-8, 25, FALSE, "fisher", 0, "irls", NULL, 5), "'control' has 1 unnamed")
  # non-finite or negative ridge penalty; meaningless epsilon; bad choices
  expect_error(newton_glm_fit(X, yb, family = binomial(), control = list(lambda = Inf)), "'lambda' must lie in")
  expect_error(newton_glm_fit(X, yb, family = binomial(), control = list(lambda = -1)), "'lambda' must lie in")
  expect_error(newton_glm_fit(X, yb, family = binomial(), control = list(epsilon = 1e308)), "'epsilon' must lie in")
  expect_error(newton_glm_control(type = "foo"), "'type' should be one of")
  expect_error(newton_glm_control(algorithm = NA), "'algorithm' must be")
  expect_error(newton_glm_control(trace = function() 1), "'trace' must be TRUE or FALSE")
  expect_error(newton_glm_control(threads = 1e5), "'threads' must lie in \\[1, 1024\\]")
  expect_error(newton_glm_control(threads = .Machine$integer.max), "'threads' must lie in")
})

test_that("thread counts are capped at the blocks of work (2^20 entries, 1024 threads)", {
  skip_on_cran()
  set.seed(3)
  X <- cbind(1, rnorm(2^19))
  y <- rpois(2^19, exp(0.2 * X[, 2]))
  ref <- newton_glm_fit(X, y, family = poisson(), control = list(threads = 1))
  big <- newton_glm_fit(X, y, family = poisson(), control = list(threads = 1024))
  expect_identical(big$coefficients, ref$coefficients)
  expect_true(glm_all_finite_cpp(X, 100000L))
  expect_false(glm_all_finite_cpp(c(X[-1], NaN), .Machine$integer.max))
  expect_length(glm_col_scan_cpp(X, 100000L), 0L)
  expect_null(glm_col_scan_cpp(cbind(X, c(Inf, X[-1, 2])), .Machine$integer.max))
  expect_equal(unname(coef(glm(y ~ X[, 2], family = poisson()))), unname(big$coefficients),
               tolerance = 1e-8)
})

test_that("glm arguments evaluated in the model frame name the argument", {
  expect_error(newton_glm(am ~ wt, binomial, mtcars, weights = 1:7), "'weights' does not fit the model frame")
  expect_error(newton_glm(am ~ wt, binomial, mtcars, na.action = NA), "'na.action' must be a function")
  expect_error(newton_glm(am ~ wt, binomial, mtcars, method = "nonexistent_fitter"), "'method' names no fitting function")
  expect_error(newton_glm_fit(NULL, mtcars$am, family = binomial()), "'x' must be a numeric matrix")
  X <- cbind(1, mtcars$wt)
  expect_error(newton_glm_fit(X, mtcars$am, family = binomial(), mustart = rep(-1, 32)),
               "'mustart' holds values that are not valid means for the binomial family")
  expect_error(newton_glm_fit(X, mtcars$am, family = binomial(), mustart = rep(-Inf, 32)), "'mustart' must be finite")
  expect_error(newton_glm_fit(X, mtcars$am, family = binomial(), start = c(Inf, 0)), "'start' must be finite")
  # glm.fit's own answer where the arguments are valid
  expect_equal(unname(newton_glm_fit(X, mtcars$am, family = binomial(), mustart = rep(0.3, 32))$coefficients),
               unname(glm.fit(X, mtcars$am, family = binomial(), mustart = rep(0.3, 32))$coefficients),
               tolerance = 1e-8)
})

test_that("newton_glm and newton_glm_fit name formula, family, subset, contrasts, method, flags", {
  expect_error(newton_glm("a", binomial, mtcars), "'formula' ")
  expect_error(newton_glm(am ~ wt, function(x) x, mtcars), "'family' is a function that did not return a family")
  expect_error(newton_glm_fit(cbind(1, mtcars$wt), mtcars$am, family = function(x) x),
               "'family' is a function that did not return a family")
  expect_error(newton_glm(am ~ wt, binomial, mtcars, subset = list(1)), "'subset' cannot select rows")
  expect_error(newton_glm(am ~ wt, binomial, mtcars, contrasts = list(1)), "'contrasts' must be NULL or a named list")
  expect_error(newton_glm(am ~ wt, binomial, mtcars, method = function(x) x), "'method' failed with error")
  expect_error(newton_glm_fit(cbind(1, mtcars$wt), mtcars$am, family = binomial(), intercept = NA),
               "'intercept' must be TRUE or FALSE")
  expect_error(newton_glm_fit(cbind(1, mtcars$wt), mtcars$am, family = binomial(), singular.ok = "a"),
               "'singular.ok' must be TRUE or FALSE")
  # a fitting function of one's own still works, and its result is used
  fit <- newton_glm(am ~ wt, binomial, mtcars, method = "glm.fit")
  expect_equal(coef(fit), coef(glm(am ~ wt, binomial, mtcars)))
})

test_that("a user's family with all prior weights zero gets glm's error, not an internal one", {
  d <- bad_glm_data()
  X <- cbind(1, d$x)
  yb <- as.numeric(d$yc > 1)
  my <- binomial()
  my$family <- "my_binomial"
  for (fam in list(binomial(), my)) {
    expect_error(newton_glm_fit(X, yb, weights = rep(0, length(yb)), family = fam),
                 "no observations informative at iteration 1")
  }
})
