# test-glm.R -- newton_glm() against stats::glm() on the same call: every
# family and response form, offsets, weights, subsets, NA handling, rank
# deficiency, and bad input.

test_that("gaussian, Gamma and inverse.gaussian agree with glm", {
  d <- glm_test_data()
  expect_glm_equal(newton_glm(ygau ~ x1 + x2 + g, data = d),
                   glm(ygau ~ x1 + x2 + g, data = d))
  expect_glm_equal(newton_glm(ypos ~ x1 + g, family = Gamma(link = "log"), data = d),
                   glm(ypos ~ x1 + g, family = Gamma(link = "log"), data = d))
  expect_glm_equal(newton_glm(ypos ~ x1, family = Gamma, data = d),
                   glm(ypos ~ x1, family = Gamma, data = d))
  expect_glm_equal(newton_glm(ypos ~ x1, family = "inverse.gaussian", data = d),
                   glm(ypos ~ x1, family = "inverse.gaussian", data = d))
})

test_that("binomial responses in every form agree with glm", {
  d <- glm_test_data()
  expect_glm_equal(newton_glm(yb ~ x1 + x2 + g, family = binomial, data = d),
                   glm(yb ~ x1 + x2 + g, family = binomial, data = d))
  expect_glm_equal(newton_glm(yf ~ x1 + x2, family = binomial, data = d),
                   glm(yf ~ x1 + x2, family = binomial, data = d))
  expect_glm_equal(newton_glm(prop ~ x1 + g, family = binomial, weights = size, data = d),
                   glm(prop ~ x1 + g, family = binomial, weights = size, data = d))
  expect_glm_equal(newton_glm(cbind(succ, size - succ) ~ x1 + g, family = binomial, data = d),
                   glm(cbind(succ, size - succ) ~ x1 + g, family = binomial, data = d))
  expect_glm_equal(newton_glm(yb ~ x1 + x2, family = binomial(link = "probit"), data = d),
                   glm(yb ~ x1 + x2, family = binomial(link = "probit"), data = d))
})

test_that("poisson with an offset (in formula or argument) agrees with glm", {
  d <- glm_test_data()
  f1 <- newton_glm(count ~ x1 + g + offset(log(expo)), family = poisson, data = d)
  g1 <- glm(count ~ x1 + g + offset(log(expo)), family = poisson, data = d)
  expect_glm_equal(f1, g1)
  f2 <- newton_glm(count ~ x1 + g, offset = log(expo), family = poisson, data = d)
  g2 <- glm(count ~ x1 + g, offset = log(expo), family = poisson, data = d)
  expect_glm_equal(f2, g2)
  expect_equal(f2$offset, g2$offset)
  expect_equal(predict(f2, newdata = d[1:5, ]), predict(g2, newdata = d[1:5, ]),
               tolerance = 1e-8)
})

test_that("the result has every field glm's has, plus the trace", {
  d <- glm_test_data()
  f <- newton_glm(yb ~ x1 + g, family = binomial, data = d)
  g <- glm(yb ~ x1 + g, family = binomial, data = d)
  expect_true(all(names(g) %in% names(f)))
  expect_s3_class(f$trace, "data.frame")
  expect_named(f$trace, c("iter", "deviance", "halvings", "grad_norm"))
  expect_equal(nrow(f$trace), f$iter)
  expect_equal(f$trace$deviance[f$iter], deviance(g), tolerance = 1e-8)
  # grad_norm: the score's norm at the coefficients entering the iteration
  # (glm stopped after k - 1 iterations gives them); none before the first
  expect_true(is.na(f$trace$grad_norm[1]) && !is.nan(f$trace$grad_norm[1]))
  X <- model.matrix(g)
  for (k in 2:3) {
    gk <- suppressWarnings(glm(yb ~ x1 + g, family = binomial, data = d,
                               control = list(maxit = k - 1)))
    score <- crossprod(X, d$yb - fitted(gk))
    expect_equal(f$trace$grad_norm[k], sqrt(sum(score^2)), tolerance = 1e-6)
  }
  expect_identical(f$method, "newton_glm_fit")
  expect_identical(f$xlevels, g$xlevels)
  expect_identical(f$contrasts, g$contrasts)
  expect_equal(f$model, g$model, ignore_attr = TRUE)
  expect_false("x" %in% names(f))
  expect_false(any(vapply(f, function(e) is.matrix(e) && nrow(e) == nrow(d), NA)))
  fx <- newton_glm(yb ~ x1 + g, family = binomial, data = d, x = TRUE, y = FALSE,
                   model = FALSE)
  expect_equal(fx$x, model.matrix(g))
  expect_null(fx$y)
  expect_null(fx$model)
  mf <- newton_glm(yb ~ x1 + g, family = binomial, data = d, method = "model.frame")
  expect_equal(mf, glm(yb ~ x1 + g, family = binomial, data = d, method = "model.frame"))
  # glm(method = newton_glm_fit) and newton_glm(method = "glm.fit") both work
  expect_equal(coef(glm(yb ~ x1 + g, family = binomial, data = d, method = newton_glm_fit)),
               coef(g), tolerance = 1e-8)
  expect_equal(coef(newton_glm(yb ~ x1 + g, family = binomial, data = d, method = "glm.fit")),
               coef(g), tolerance = 1e-10)
})

test_that("weights, subset and control settings pass through", {
  d <- glm_test_data()
  expect_glm_equal(newton_glm(ygau ~ x1 + x2, data = d, weights = w, subset = x2 > -0.5),
                   glm(ygau ~ x1 + x2, data = d, weights = w, subset = x2 > -0.5))
  expect_glm_equal(newton_glm(yb ~ x1, family = binomial, data = d, subset = g != "c"),
                   glm(yb ~ x1, family = binomial, data = d, subset = g != "c"))
  f <- newton_glm(yb ~ x1, family = binomial, data = d, epsilon = 1e-12, maxit = 50)
  expect_equal(f$control$epsilon, 1e-12)
  expect_equal(f$control$maxit, 50L)
  f2 <- newton_glm(yb ~ x1, family = binomial, data = d,
                   control = list(type = "newton"))
  expect_equal(coef(f2), coef(glm(yb ~ x1, family = binomial, data = d)), tolerance = 1e-7)
  gd <- newton_glm(yb ~ x1, family = binomial, data = d,
                   control = list(algorithm = "gd", epsilon = 1e-12))
  expect_gt(nrow(gd$trace), nrow(f$trace))
  expect_equal(coef(gd), coef(f), tolerance = 1e-3)
  expect_error(newton_glm(yb ~ x1, family = binomial, data = d, control = list(bogus = 1)),
               "bogus")
})

test_that("rank-deficient formulas give glm's NA coefficients", {
  d <- glm_test_data()
  d$x3 <- 2 * d$x1 - d$x2
  d$x4 <- d$x1
  f <- newton_glm(yb ~ x1 + x2 + x3 + g + x4, family = binomial, data = d)
  g <- glm(yb ~ x1 + x2 + x3 + g + x4, family = binomial, data = d)
  expect_identical(is.na(coef(f)), is.na(coef(g)))
  expect_glm_equal(f, g)
  expect_equal(vcov(f), vcov(g), tolerance = 1e-6)
  suppressWarnings(expect_equal(predict(f, newdata = d[1:4, ], se.fit = TRUE)$se.fit,
               predict(g, newdata = d[1:4, ], se.fit = TRUE)$se.fit, tolerance = 1e-6))
  expect_equal(hatvalues(f), hatvalues(g), tolerance = 1e-6)
  expect_error(newton_glm(yb ~ x1 + x2 + x3, family = binomial, data = d,
                          singular.ok = FALSE), "singular")
})

test_that("NA rows follow na.action (na.omit and na.exclude)", {
  d <- glm_test_data()
  d$x1[c(3, 17)] <- NA
  d$yb[40] <- NA
  f <- newton_glm(yb ~ x1 + g, family = binomial, data = d)
  g <- glm(yb ~ x1 + g, family = binomial, data = d)
  expect_glm_equal(f, g)
  expect_equal(f$na.action, g$na.action)
  fe <- newton_glm(yb ~ x1 + g, family = binomial, data = d, na.action = na.exclude)
  ge <- glm(yb ~ x1 + g, family = binomial, data = d, na.action = na.exclude)
  expect_length(fitted(fe), nrow(d))
  expect_equal(fitted(fe), fitted(ge), tolerance = 1e-8)
  expect_equal(residuals(fe, "pearson"), residuals(ge, "pearson"), tolerance = 1e-8)
  expect_equal(predict(fe, se.fit = TRUE), predict(ge, se.fit = TRUE), tolerance = 1e-6)
  expect_equal(rstandard(fe), rstandard(ge), tolerance = 1e-6)
  expect_equal(hatvalues(fe), hatvalues(ge), tolerance = 1e-6)
  expect_error(newton_glm(yb ~ x1, family = binomial, data = d, na.action = na.fail),
               "missing values")
})

test_that("the documents' logistic example and real data sets agree with glm", {
  dl <- doc_logistic_data()
  f <- newton_glm(y ~ 0 + x1 + x2 + x3, family = binomial, data = dl)
  g <- glm(y ~ 0 + x1 + x2 + x3, family = binomial, data = dl)
  expect_glm_equal(f, g)
  # the estimates recover the true theta within sampling error
  se <- sqrt(diag(vcov(f)))
  expect_true(all(abs(coef(f) - c(1.5, -1, 0.5)) < 4 * se))
  expect_lte(f$iter, 10)
  expect_glm_equal(newton_glm(am ~ wt + hp, family = binomial, data = mtcars),
                   glm(am ~ wt + hp, family = binomial, data = mtcars))
  expect_glm_equal(
    newton_glm(case ~ spontaneous + induced + age, family = binomial, data = infert),
    glm(case ~ spontaneous + induced + age, family = binomial, data = infert))
  expect_glm_equal(newton_glm(breaks ~ wool * tension, family = poisson, data = warpbreaks),
                   glm(breaks ~ wool * tension, family = poisson, data = warpbreaks))
})

test_that("the family may be a string, a function or an object", {
  d <- glm_test_data()
  ref <- coef(glm(count ~ x1, family = poisson, data = d))
  for (fam in list("poisson", poisson, poisson(), quote(poisson(link = "log")))) {
    fam <- eval(fam)
    expect_equal(coef(newton_glm(count ~ x1, family = fam, data = d)), ref, tolerance = 1e-8)
  }
  expect_error(newton_glm(count ~ x1, family = "poissonn", data = d), "family")
  expect_error(newton_glm(count ~ x1, family = 3, data = d), "family")
})

test_that("bad input gets a clear error", {
  d <- glm_test_data()
  d_na <- d
  d_na$x1 <- NA
  expect_error(newton_glm(yb ~ x1, family = binomial, data = d_na), "zero rows")
  expect_error(newton_glm(yb ~ x1, family = binomial, data = d, subset = x1 > 100), "zero rows")
  d$ychr <- ifelse(d$yb == 1, "yes", "no")
  expect_error(newton_glm(ychr ~ x1, family = binomial, data = d), "character")
  d$wneg <- d$w
  d$wneg[5] <- -1
  expect_error(newton_glm(yb ~ x1, family = binomial, data = d, weights = wneg),
               "negative weights")
  expect_error(newton_glm(d$yb, data = d), "'formula' must be a two-sided formula")
  expect_error(newton_glm(~ x1, data = d), "two-sided")
  expect_error(newton_glm(count ~ x1, family = binomial, data = d), "y values must be")
  expect_error(newton_glm(yb ~ x1, family = binomial, data = d, x = NA), "'x'")
  expect_error(newton_glm(yb ~ x1, family = binomial, data = d, method = 3), "method")
})

test_that("the no-NA shortcut of the default na.action gives glm's model frame", {
  d <- glm_test_data()
  f <- newton_glm(yb ~ x1 + g, family = binomial, data = d)
  g <- glm(yb ~ x1 + g, family = binomial, data = d)
  expect_identical(f$model, g$model)
  expect_identical(names(f$residuals), names(g$residuals))
  expect_null(f$na.action)
  old <- options(na.action = "na.exclude")
  on.exit(options(old))
  d$x1[5] <- NA
  f <- newton_glm(yb ~ x1 + g, family = binomial, data = d)
  g <- glm(yb ~ x1 + g, family = binomial, data = d)
  expect_identical(f$model, g$model)
  expect_equal(f$na.action, g$na.action)
  expect_equal(residuals(f), residuals(g), tolerance = 1e-8)
})
