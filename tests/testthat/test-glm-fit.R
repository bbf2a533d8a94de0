# newton_glm_fit() against stats::glm.fit()/glm() on seeded simulated data.

sim_glm <- function(n = 300, seed = 1) {
  set.seed(seed)
  x <- cbind("(Intercept)" = 1, a = rnorm(n), b = runif(n), c = rnorm(n))
  eta <- drop(x %*% c(0.3, 0.4, -0.5, 0.2))
  list(x = x, eta = eta, n = n)
}

# A response whose mean lies inside the family's domain for this link.
response_for <- function(fam, d) {
  n <- d$n
  set.seed(2)
  e <- switch(fam$link, identity = 5 + d$eta, sqrt = 2 + 0.5 * d$eta,
              inverse = 0.5 + 0.1 * d$eta, "1/mu^2" = 0.5 + 0.1 * d$eta,
              log = 1 + 0.3 * d$eta, d$eta)
  mu <- fam$linkinv(e)
  switch(fam$family,
    gaussian = mu + rnorm(n, sd = 0.1),
    binomial = , quasibinomial = rbinom(n, 1, pmin(mu, 0.9)),
    poisson = , quasipoisson = rpois(n, mu),
    Gamma = rgamma(n, shape = 5, rate = 5 / mu),
    inverse.gaussian = rgamma(n, shape = 30, rate = 30 / mu),
    quasi = rpois(n, mu) + 0.5
  )
}

fams <- list(
  gaussian(), gaussian("log"), gaussian("inverse"),
  binomial(), binomial("probit"), binomial("cauchit"), binomial("log"), binomial("cloglog"),
  poisson(), poisson("identity"), poisson("sqrt"),
  Gamma(), Gamma("identity"), Gamma("log"),
  inverse.gaussian(), inverse.gaussian("inverse"), inverse.gaussian("identity"),
  inverse.gaussian("log"),
  quasibinomial(), quasipoisson(),
  quasi(link = "log", variance = "mu"), quasi(link = "identity", variance = "constant"),
  quasi(link = "log", variance = "mu^2"), quasi(link = "log", variance = "mu^3"),
  quasi(link = "log", variance = "mu(1-mu)")
)

test_that("every family/link matches glm.fit", {
  d <- sim_glm()
  for (fam in fams) {
    y <- response_for(fam, d)
    if (fam$family == "quasi" && fam$varfun == "mu(1-mu)") y <- rbinom(d$n, 1, 0.4)
    st <- NULL
    if (fam$family == "binomial" && fam$link == "log") {
      y <- rbinom(d$n, 1, exp(0.3 * d$eta - 2))
      st <- c(-2, 0, 0, 0)
    }
    lab <- paste(fam$family, fam$link)
    ref <- tryCatch(suppressWarnings(glm.fit(d$x, y, start = st, family = fam)), error = function(e) stop(lab, conditionMessage(e)))
    fit <- suppressWarnings(newton_glm_fit(d$x, y, start = st, family = fam))
    lab <- paste(fam$family, fam$link)
    expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-8, label = lab)
    expect_equal(fit$deviance, ref$deviance, tolerance = 1e-8, label = lab)
    expect_equal(fit$aic, ref$aic, tolerance = 1e-8, label = lab)
    expect_equal(fit$fitted.values, ref$fitted.values, tolerance = 1e-8, label = lab)
    expect_equal(fit$null.deviance, ref$null.deviance, tolerance = 1e-8, label = lab)
    expect_equal(fit$df.residual, ref$df.residual)
    expect_equal(fit$weights, ref$weights, tolerance = 1e-6, label = lab)
    expect_equal(crossprod(fit$R), crossprod(ref$R), tolerance = 1e-6, label = lab)
  }
})

test_that("glm(method = newton_glm_fit) equals glm, summary and predict included", {
  d <- sim_glm()
  df <- data.frame(y = rbinom(d$n, 1, plogis(d$eta)), d$x[, -1])
  g1 <- glm(y ~ a + b + c, binomial, df)
  g2 <- glm(y ~ a + b + c, binomial, df, method = newton_glm_fit)
  expect_equal(coef(g2), coef(g1), tolerance = 1e-8)
  expect_equal(coef(summary(g2)), coef(summary(g1)), tolerance = 1e-6)
  expect_equal(predict(g2, se.fit = TRUE)$se.fit, predict(g1, se.fit = TRUE)$se.fit,
               tolerance = 1e-6)
  expect_equal(AIC(g2), AIC(g1), tolerance = 1e-8)
  expect_s3_class(g2$trace, "data.frame")
  expect_named(g2$trace, c("iter", "deviance", "halvings", "grad_norm"))
})

test_that("binomial response forms: factor, proportions with weights, cbind", {
  set.seed(3)
  n <- 200
  df <- data.frame(a = rnorm(n))
  tr <- rbinom(n, 10, plogis(0.5 * df$a))
  df$f <- factor(ifelse(rbinom(n, 1, plogis(df$a)) == 1, "yes", "no"))
  df$p <- tr / 10
  g1 <- glm(cbind(tr, 10 - tr) ~ a, binomial, df)
  g2 <- glm(cbind(tr, 10 - tr) ~ a, binomial, df, method = newton_glm_fit)
  expect_equal(coef(g2), coef(g1), tolerance = 1e-8)
  expect_equal(g2$aic, g1$aic, tolerance = 1e-8)
  g1 <- glm(p ~ a, binomial, df, weights = rep(10, n))
  g2 <- glm(p ~ a, binomial, df, weights = rep(10, n), method = newton_glm_fit)
  expect_equal(coef(g2), coef(g1), tolerance = 1e-8)
  g1 <- glm(f ~ a, binomial, df)
  g2 <- glm(f ~ a, binomial, df, method = newton_glm_fit)
  expect_equal(coef(g2), coef(g1), tolerance = 1e-8)
})

test_that("offsets and prior weights", {
  d <- sim_glm()
  set.seed(4)
  off <- runif(d$n, 0, 1)
  wts <- rpois(d$n, 2)
  y <- rpois(d$n, exp(d$eta + off))
  ref <- glm.fit(d$x, y, weights = wts, offset = off, family = poisson())
  fit <- newton_glm_fit(d$x, y, weights = wts, offset = off, family = poisson())
  expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-8)
  expect_equal(fit$deviance, ref$deviance, tolerance = 1e-8)
  expect_equal(fit$df.residual, ref$df.residual)
  expect_equal(fit$aic, ref$aic, tolerance = 1e-8)
})

test_that("rank deficiency aliases the same columns as glm; singular.ok = FALSE errors", {
  d <- sim_glm()
  x <- cbind(d$x, d1 = d$x[, "a"] + d$x[, "b"], d2 = 2 * d$x[, "c"])
  x <- x[, c(1, 2, 5, 3, 4, 6)]
  y <- rbinom(d$n, 1, plogis(d$eta))
  ref <- glm.fit(x, y, family = binomial())
  fit <- newton_glm_fit(x, y, family = binomial())
  expect_identical(is.na(fit$coefficients), is.na(ref$coefficients))
  expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-8)
  expect_identical(fit$qr$pivot, ref$qr$pivot)
  expect_equal(fit$rank, ref$rank)
  expect_error(newton_glm_fit(x, y, family = binomial(), singular.ok = FALSE),
               "singular fit encountered")
})

test_that("separation gives glm's warning and names the diverging covariate", {
  set.seed(5)
  n <- 100
  x <- cbind("(Intercept)" = 1, sep = rnorm(n), noise = rnorm(n))
  y <- as.numeric(x[, "sep"] > 0)
  msgs <- character()
  withCallingHandlers(newton_glm_fit(x, y, family = binomial()),
                      warning = function(w) {
                        msgs <<- c(msgs, conditionMessage(w))
                        invokeRestart("muffleWarning")
                      })
  expect_true(any(grepl("fitted probabilities numerically 0 or 1 occurred", msgs)))
  div <- grep("diverge", msgs, value = TRUE)
  expect_length(div, 1L)
  expect_match(div, "sep")
  expect_no_match(div, "noise")
})

test_that("type = 'newton' reaches the same optimum as Fisher on a non-canonical link", {
  d <- sim_glm()
  fam <- binomial("probit")
  y <- response_for(fam, d)
  ctl <- list(epsilon = 1e-14, maxit = 50)
  ref <- glm.fit(d$x, y, family = fam, control = ctl)
  f1 <- newton_glm_fit(d$x, y, family = fam, control = c(ctl, type = "newton"))
  expect_equal(f1$coefficients, ref$coefficients, tolerance = 1e-8)
  fam <- Gamma("log")
  y <- response_for(fam, d)
  ref <- glm.fit(d$x, y, family = fam, control = ctl)
  f1 <- newton_glm_fit(d$x, y, family = fam, control = c(ctl, type = "newton"))
  expect_equal(f1$coefficients, ref$coefficients, tolerance = 1e-8)
})

test_that("lambda > 0 gives the closed-form ridge solution (gaussian) and optim's (logistic)", {
  d <- sim_glm()
  set.seed(6)
  y <- d$eta + rnorm(d$n)
  lam <- 5
  D <- diag(c(0, 1, 1, 1))
  closed <- solve(crossprod(d$x) + lam * D, crossprod(d$x, y))
  fit <- newton_glm_fit(d$x, y, control = list(lambda = lam))
  expect_equal(unname(fit$coefficients), unname(drop(closed)), tolerance = 1e-8)
  yb <- rbinom(d$n, 1, plogis(d$eta))
  obj <- function(b) {
    eta <- drop(d$x %*% b)
    -2 * sum(yb * eta - log1p(exp(eta))) + lam * sum(b[-1]^2)
  }
  gr <- function(b) {
    mu <- plogis(drop(d$x %*% b))
    drop(-2 * crossprod(d$x, yb - mu)) + 2 * lam * c(0, b[-1])
  }
  op <- optim(rep(0, 4), obj, gr, method = "BFGS", control = list(reltol = 1e-14, maxit = 1000))
  fit <- newton_glm_fit(d$x, yb, family = binomial(),
                        control = list(lambda = lam, epsilon = 1e-14))
  expect_equal(unname(fit$coefficients), op$par, tolerance = 1e-6)
})

test_that("gradient descent reaches the same model with many more iterations", {
  d <- sim_glm()
  y <- rbinom(d$n, 1, plogis(d$eta))
  nt <- newton_glm_fit(d$x, y, family = binomial())
  gd <- newton_glm_fit(d$x, y, family = binomial(),
                       control = list(algorithm = "gd", epsilon = 1e-12, maxit = 20000))
  expect_true(gd$converged)
  expect_gt(gd$iter, 10 * nt$iter)
  expect_equal(gd$coefficients, nt$coefficients, tolerance = 1e-3)
  expect_equal(gd$algorithm, "gd")
})

test_that("gradient descent starts at 0 and reports convergence only near the optimum", {
  fo <- case ~ age + parity + induced + spontaneous
  d <- infert
  for (v in c("age", "parity", "induced", "spontaneous")) d[[v]] <- as.numeric(scale(d[[v]]))
  g <- glm(fo, binomial, d)
  gd <- newton_glm(fo, binomial, d, control = list(algorithm = "gd"))
  expect_true(gd$converged)
  expect_equal(coef(gd), coef(g), tolerance = 1e-3)
  expect_lt(deviance(gd) - deviance(g), 1e-5 * deviance(g))
  # first row: the score at beta = 0, where every fitted probability is 1/2
  X <- model.matrix(g)
  expect_equal(gd$trace$grad_norm[1], sqrt(sum(crossprod(X, d$case - 0.5)^2)),
               tolerance = 1e-10)
  # unscaled covariates: a small deviance change is not convergence
  expect_warning(slow <- newton_glm(fo, binomial, infert,
                                    control = list(algorithm = "gd", maxit = 300)),
                 "did not converge")
  expect_false(slow$converged)
  expect_gt(deviance(slow) - deviance(glm(fo, binomial, infert)), 1e-3)
})

test_that("trace = TRUE prints like glm", {
  d <- sim_glm()
  y <- rbinom(d$n, 1, plogis(d$eta))
  expect_output(newton_glm_fit(d$x, y, family = binomial(), control = list(trace = TRUE)),
                "Deviance = [0-9.]+ Iterations - 1")
})

test_that("stats' families take the C++ path; others use their R closures", {
  for (fam in fams) expect_true(newtonr:::glm_is_native(fam), label = paste(fam$family, fam$link))
  expect_true(newtonr:::glm_is_native(quasi(link = "probit", variance = "mu(1-mu)")))
  expect_false(newtonr:::glm_is_native(poisson(link = power(1 / 3))))
  expect_false(newtonr:::glm_is_native(quasi(link = "log", variance = list(
    name = "mu^1.5", varfun = function(mu) mu^1.5, validmu = function(mu) all(mu > 0),
    dev.resids = function(y, mu, wt) 0, initialize = expression(mustart <- y + 0.1)))))
})

test_that("the C++ path and the closure path agree with each other and with glm.fit", {
  d <- sim_glm()
  for (fam in list(binomial("cloglog"), poisson("sqrt"), Gamma("inverse"),
                   inverse.gaussian(), quasi(link = "log", variance = "mu^2"))) {
    y <- response_for(fam, d)
    my <- fam
    my$family <- paste0("user_", fam$family)  # no longer recognised: closures
    expect_false(newtonr:::glm_is_native(my))
    f_cpp <- newton_glm_fit(d$x, y, family = fam)
    f_r <- newton_glm_fit(d$x, y, family = my)
    ref <- glm.fit(d$x, y, family = fam)
    lab <- paste(fam$family, fam$link)
    expect_equal(f_cpp$coefficients, f_r$coefficients, tolerance = 1e-10, label = lab)
    expect_equal(f_cpp$deviance, f_r$deviance, tolerance = 1e-10, label = lab)
    expect_equal(f_cpp$weights, f_r$weights, tolerance = 1e-10, label = lab)
    expect_equal(f_cpp$residuals, f_r$residuals, tolerance = 1e-10, label = lab)
    expect_equal(f_cpp$coefficients, ref$coefficients, tolerance = 1e-10, label = lab)
    expect_equal(f_cpp$iter, ref$iter, label = lab)
  }
})

test_that("a power() link and a user-defined family work through closures", {
  d <- sim_glm()
  fam <- poisson(link = power(1 / 3))
  y <- rpois(d$n, (2 + 0.2 * d$eta)^3)
  ref <- glm.fit(d$x, y, family = fam)
  fit <- newton_glm_fit(d$x, y, family = fam)
  expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-8)
  expect_equal(fit$aic, ref$aic, tolerance = 1e-8)
  # a hand-made family object (logistic, written out)
  lk <- make.link("logit")
  myfam <- structure(list(
    family = "mylogistic", link = "logit", linkfun = lk$linkfun, linkinv = lk$linkinv,
    mu.eta = lk$mu.eta, valideta = lk$valideta, variance = function(mu) mu * (1 - mu),
    validmu = function(mu) all(mu > 0 & mu < 1),
    dev.resids = function(y, mu, wt) -2 * wt * (y * log(mu) + (1 - y) * log(1 - mu)),
    aic = function(y, n, mu, wt, dev) dev,
    initialize = expression({ n <- rep.int(1, nobs); mustart <- (weights * y + 0.5) / (weights + 1) })),
    class = "family")
  yb <- rbinom(d$n, 1, plogis(d$eta))
  fit <- newton_glm_fit(d$x, yb, family = myfam)
  ref <- glm.fit(d$x, yb, family = binomial())
  expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-8)
  expect_equal(fit$deviance, ref$deviance, tolerance = 1e-8)
})

test_that("step halving: invalid eta, and a deviance rise (which glm does not halve)", {
  # identity-link Poisson from a start whose full step leaves mu > 0
  set.seed(8)
  n <- 200
  x <- cbind(1, runif(n))
  y <- rpois(n, 0.2 + 3 * x[, 2])
  ref <- suppressWarnings(glm.fit(x, y, family = poisson("identity"), start = c(1, 1)))
  fit <- suppressWarnings(newton_glm_fit(x, y, family = poisson("identity"), start = c(1, 1)))
  expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-6)
  expect_true(all(diff(fit$trace$deviance) <= 1e-8 * abs(fit$trace$deviance[-1])))
  # a far start for a logistic fit: Fisher steps overshoot and the deviance
  # rises; the halved steps keep it monotone and still reach glm's optimum
  d <- sim_glm()
  yb <- rbinom(d$n, 1, plogis(d$eta))
  ref <- glm.fit(d$x, yb, family = binomial())
  fit <- newton_glm_fit(d$x, yb, family = binomial(), start = c(8, -8, 8, -8))
  expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-8)
  expect_true(any(fit$trace$halvings > 0))
  expect_true(all(diff(fit$trace$deviance) <= 0))
})

test_that("penalised fits are deterministic and shrink towards 0", {
  d <- sim_glm()
  yb <- rbinom(d$n, 1, plogis(d$eta))
  f0 <- newton_glm_fit(d$x, yb, family = binomial())
  f1 <- newton_glm_fit(d$x, yb, family = binomial(), control = list(lambda = 10, threads = 1))
  f2 <- newton_glm_fit(d$x, yb, family = binomial(), control = list(lambda = 10, threads = 2))
  expect_identical(f1$coefficients, f2$coefficients)
  expect_lt(sum(f1$coefficients[-1]^2), sum(f0$coefficients[-1]^2))
})

test_that("bad input gives glm-like or clear errors", {
  d <- sim_glm(50)
  expect_error(newton_glm_fit(d$x, -rpois(50, 2) - 1, family = poisson()),
               "negative values not allowed")
  expect_error(newton_glm_fit(d$x, rep(c(-1, 2), 25), family = binomial()),
               "y values must be 0 <= y <= 1")
  expect_error(newton_glm_fit(d$x, rep(c(0, 1), 25), family = Gamma()),
               "non-positive values not allowed")
  expect_error(newton_glm_fit(d$x, rnorm(50), weights = rep(-1, 50)), "negative weights")
  expect_error(newton_glm_fit(d$x, rep("a", 50)), "'y' must be numeric")
  expect_error(newton_glm_fit(d$x, rnorm(49)), "'x' has 50 rows")
  x <- d$x; x[3, 2] <- Inf
  expect_error(newton_glm_fit(x, rnorm(50)), "'x' must be finite")
  expect_error(newton_glm_fit(d$x, rnorm(50), control = list(epsilon = -1)), "'epsilon'")
  expect_error(newton_glm_fit(d$x, rnorm(50), control = list(type = "bfgs")), "should be one of")
  expect_error(newton_glm_fit(d$x, rnorm(50), control = list(foo = 1)), "foo")
})

test_that("newton_glm_control is classed and checked", {
  ctl <- newton_glm_control(type = "newton", lambda = 1)
  expect_s3_class(ctl, "newton_glm_control")
  expect_equal(ctl$type, "newton")
  expect_equal(newton_glm_control(algorithm = "gd")$maxit, 5000L)
  expect_error(newton_glm_control(maxit = 0), "'maxit'")
  expect_error(newton_glm_control(lambda = -1), "'lambda'")
})

test_that("the portable kernel (no AVX2) gives the same fit", {
  set.seed(9)
  n <- 9001  # not a multiple of the panel or vector width
  x <- cbind(1, matrix(rnorm(n * 6), n))
  y <- rpois(n, exp(x %*% rnorm(7, sd = 0.2)))
  f1 <- newton_glm_fit(x, y, family = poisson())
  old <- options(newtonr.simd = FALSE)
  on.exit(options(old))
  f2 <- newton_glm_fit(x, y, family = poisson(), control = list(threads = 1))
  f3 <- newton_glm_fit(x, y, family = poisson(), control = list(threads = 2))
  expect_equal(f2$coefficients, f1$coefficients, tolerance = 1e-12)
  expect_identical(f2$coefficients, f3$coefficients)
  ref <- glm.fit(x, y, family = poisson())
  expect_equal(f2$coefficients, ref$coefficients, tolerance = 1e-10)
  # intercept only (the deviance criterion leaves ~1e-9 from log(mean(y)))
  f <- newton_glm_fit(x[, 1, drop = FALSE], y, family = poisson())
  ref <- glm.fit(x[, 1, drop = FALSE], y, family = poisson())
  expect_equal(f$coefficients, ref$coefficients, tolerance = 1e-10)
  expect_equal(unname(f$coefficients), log(mean(y)), tolerance = 1e-8)
})

test_that("binomial starting values: zero weights, proportions, non-integer successes, NA", {
  d <- sim_glm()
  set.seed(10)
  yp <- rbinom(d$n, 8, plogis(d$eta)) / 8
  w <- rep(8L, d$n); w[1:5] <- 0L
  for (ww in list(as.double(w), w)) {
    ref <- glm.fit(d$x, yp, weights = ww, family = binomial())
    fit <- newton_glm_fit(d$x, yp, weights = ww, family = binomial())
    expect_equal(fit$coefficients, ref$coefficients, tolerance = 1e-10)
    expect_equal(fit$aic, ref$aic, tolerance = 1e-10)
    expect_equal(fit$y, ref$y)
    expect_identical(typeof(fit$y), typeof(ref$y))
  }
  yi <- rbinom(d$n, 1, plogis(d$eta))  # integer response: double, as in glm.fit
  expect_identical(newton_glm_fit(d$x, yi, family = binomial())$y,
                   glm.fit(d$x, yi, family = binomial())$y)
  expect_warning(newton_glm_fit(d$x, yp, family = binomial()), "non-integer #successes")
  expect_error(newton_glm_fit(d$x, yp * 2, family = binomial()), "0 <= y <= 1")
  yna <- yi; yna[3] <- NA
  expect_error(newton_glm_fit(d$x, yna, family = binomial()))
})

test_that("one loop: a user's family, gradient descent and the status codes", {
  d <- sim_glm()
  yb <- rbinom(d$n, 1, plogis(d$eta))
  my <- binomial()
  my$family <- "my_binomial"  # evaluated through its R closures
  # gradient descent is a step rule of the same C++ loop, for any family
  gd_native <- newton_glm_fit(d$x, yb, family = binomial(), control = list(algorithm = "gd"))
  gd_user <- newton_glm_fit(d$x, yb, family = my, control = list(algorithm = "gd"))
  expect_true(gd_native$kernel$native)
  expect_false(gd_user$kernel$native)
  expect_equal(gd_user$coefficients, gd_native$coefficients, tolerance = 1e-10)
  expect_identical(nrow(gd_user$trace), nrow(gd_native$trace))
  expect_identical(gd_native$status, 0L)
  # the effects of a gradient-descent fit are 0 (no least-squares solve made them)
  expect_true(all(gd_native$effects == 0))
  # status 1: the iteration limit, with glm's warning
  expect_warning(f1 <- newton_glm_fit(d$x, yb, family = my, control = list(maxit = 1)),
                 "algorithm did not converge")
  expect_identical(f1$status, 1L)
  expect_false(f1$converged)
  tab <- newtonr:::status_table("glm")
  expect_identical(tab$code, 0:4)
  expect_false(any(c(10L, 51L, 52L) %in% tab$code))
  expect_match(newtonr:::status_message("glm", f1$status), "iteration limit")
})

test_that("options(newtonr.simd = FALSE) reaches the fit", {
  d <- sim_glm()
  yb <- rbinom(d$n, 1, plogis(d$eta))
  old <- options(newtonr.simd = FALSE)
  on.exit(options(old))
  f <- newton_glm_fit(d$x, yb, family = binomial())
  expect_false(f$kernel$simd)
  options(newtonr.simd = TRUE)
  f2 <- newton_glm_fit(d$x, yb, family = binomial())
  expect_identical(f2$kernel$simd, newtonr:::glm_simd_cpp())
  expect_equal(f$coefficients, f2$coefficients, tolerance = 1e-13)
})
