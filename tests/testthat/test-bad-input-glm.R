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
