# test-glm-methods.R -- every glm method on a newton_glm fit against the same
# method on the glm fit of the same call.

d <- glm_test_data()
fits <- list(
    d = d,
    bin = list(newton_glm(yb ~ x1 + x2 + g, family = binomial, data = d),
               glm(yb ~ x1 + x2 + g, family = binomial, data = d)),
    pois = list(newton_glm(count ~ x1 + g, offset = log(expo), family = poisson, data = d),
                glm(count ~ x1 + g, offset = log(expo), family = poisson, data = d)),
    gam = list(newton_glm(ypos ~ x1 + g, family = Gamma(link = "log"), data = d, weights = w),
               glm(ypos ~ x1 + g, family = Gamma(link = "log"), data = d, weights = w))
)

test_that("coef, vcov, logLik, AIC, BIC, deviance, df.residual, nobs agree", {
  for (m in fits[c("bin", "pois", "gam")]) {
    f <- m[[1]]; g <- m[[2]]
    expect_equal(coef(f), coef(g), tolerance = 1e-8)
    expect_equal(vcov(f), vcov(g), tolerance = 1e-6)
    expect_equal(logLik(f), logLik(g), tolerance = 1e-8)
    expect_equal(AIC(f), AIC(g), tolerance = 1e-8)
    expect_equal(BIC(f), BIC(g), tolerance = 1e-8)
    expect_equal(deviance(f), deviance(g), tolerance = 1e-8)
    expect_equal(df.residual(f), df.residual(g))
    expect_equal(nobs(f), nobs(g))
    expect_equal(model.matrix(f), model.matrix(g))
    expect_equal(weights(f, "working"), weights(g, "working"), tolerance = 1e-6)
  }
})

test_that("print and summary work and match glm's numbers", {
  f <- fits$bin[[1]]; g <- fits$bin[[2]]
  out <- capture.output(print(f))
  expect_true(any(grepl("Residual Deviance", out)))
  expect_true(any(grepl("iterations, converged", out)))
  s <- summary(f)
  expect_s3_class(s, "summary.glm")
  expect_equal(s$coefficients, summary(g)$coefficients, tolerance = 1e-6)
  expect_equal(s$cov.unscaled, summary(g)$cov.unscaled, tolerance = 1e-6)
  expect_true(any(grepl("Number of Fisher Scoring", capture.output(print(s)))))
  sg <- summary(fits$gam[[1]])
  expect_equal(sg$dispersion, summary(fits$gam[[2]])$dispersion, tolerance = 1e-8)
})

test_that("residuals of every type and fitted values agree", {
  for (m in fits[c("bin", "pois", "gam")]) {
    for (type in c("deviance", "pearson", "working", "response", "partial")) {
      expect_equal(residuals(m[[1]], type = type), residuals(m[[2]], type = type),
                   tolerance = 1e-7)
    }
    expect_equal(fitted(m[[1]]), fitted(m[[2]]), tolerance = 1e-8)
  }
})

test_that("predict: link/response/terms, newdata with factors, se.fit", {
  d <- fits$d
  nd <- data.frame(x1 = c(-1, 0, 2), x2 = c(0.1, 0.5, -0.3), g = c("c", "a", "b"),
                   expo = c(1, 2, 3))
  for (m in fits[c("bin", "pois", "gam")]) {
    for (type in c("link", "response", "terms")) {
      expect_equal(predict(m[[1]], type = type), predict(m[[2]], type = type),
                   tolerance = 1e-8)
      expect_equal(predict(m[[1]], nd, type = type), predict(m[[2]], nd, type = type),
                   tolerance = 1e-8)
      pf <- predict(m[[1]], nd, type = type, se.fit = TRUE)
      pg <- predict(m[[2]], nd, type = type, se.fit = TRUE)
      expect_equal(pf$fit, pg$fit, tolerance = 1e-8)
      expect_equal(pf$se.fit, pg$se.fit, tolerance = 1e-6)
      expect_equal(pf$residual.scale, pg$residual.scale, tolerance = 1e-6)
      pf0 <- predict(m[[1]], type = type, se.fit = TRUE)
      pg0 <- predict(m[[2]], type = type, se.fit = TRUE)
      expect_equal(pf0$se.fit, pg0$se.fit, tolerance = 1e-6)
    }
  }
  expect_error(predict(fits$bin[[1]], data.frame(x1 = 1, x2 = 0, g = "z")), "g")
})

test_that("influence measures agree: hatvalues, cooks.distance, rstandard, rstudent", {
  for (m in fits[c("bin", "pois", "gam")]) {
    f <- m[[1]]; g <- m[[2]]
    expect_equal(hatvalues(f), hatvalues(g), tolerance = 1e-6)
    expect_equal(cooks.distance(f), cooks.distance(g), tolerance = 1e-6)
    expect_equal(rstandard(f), rstandard(g), tolerance = 1e-6)
    expect_equal(rstandard(f, type = "pearson"), rstandard(g, type = "pearson"),
                 tolerance = 1e-6)
    expect_equal(rstudent(f), rstudent(g), tolerance = 1e-6)
    inf_f <- influence(f)
    inf_g <- influence(g)
    expect_named(inf_f, names(inf_g))
    expect_equal(inf_f$coefficients, inf_g$coefficients, tolerance = 1e-6)
    expect_equal(inf_f$sigma, inf_g$sigma, tolerance = 1e-6)
    expect_equal(dfbeta(f), dfbeta(g), tolerance = 1e-6)
    expect_equal(dfbetas(f), dfbetas(g), tolerance = 1e-6)
    q <- qr(f)
    expect_equal(dim(q$qr), dim(qr(g)$qr))
    expect_equal(abs(diag(q$qr)), abs(diag(qr(g)$qr)), tolerance = 1e-6)
  }
  # the stored qr is glm's n x p QR on a fit of this size (issue 14)
  expect_equal(dim(fits$bin[[1]]$qr$qr), dim(fits$bin[[2]]$qr$qr))
})

test_that("anova: single model and nested models, Chisq and F", {
  f <- fits$bin[[1]]; g <- fits$bin[[2]]
  expect_equal(anova(f, test = "Chisq"), anova(g, test = "Chisq"), tolerance = 1e-7,
               ignore_attr = "heading")
  f0 <- update(f, . ~ . - g)
  g0 <- update(g, . ~ . - g)
  expect_s3_class(f0, "newton_glm")
  expect_equal(coef(f0), coef(g0), tolerance = 1e-8)
  expect_equal(anova(f0, f, test = "Chisq"), anova(g0, g, test = "Chisq"),
               tolerance = 1e-7, ignore_attr = "heading")
  fg <- fits$gam[[1]]; gg <- fits$gam[[2]]
  expect_equal(anova(fg, test = "F"), anova(gg, test = "F"), tolerance = 1e-6,
               ignore_attr = "heading")
  expect_equal(anova(update(fg, . ~ x1), fg, test = "F"),
               anova(update(gg, . ~ x1), gg, test = "F"), tolerance = 1e-6,
               ignore_attr = "heading")
  expect_equal(drop1(f, test = "Chisq"), drop1(g, test = "Chisq"), tolerance = 1e-6,
               ignore_attr = "heading")
})

test_that("update refits with newton_glm and keeps the call", {
  f <- fits$pois[[1]]
  u <- update(f, . ~ . + x2)
  expect_s3_class(u, "newton_glm")
  expect_identical(u$call[[1]], as.name("newton_glm"))
  expect_equal(coef(u), coef(update(fits$pois[[2]], . ~ . + x2)), tolerance = 1e-8)
  u2 <- update(f, control = list(epsilon = 1e-12))
  expect_equal(u2$control$epsilon, 1e-12)
})

test_that("confint profiles as glm does (and Wald for ridge fits)", {
  f <- fits$pois[[1]]; g <- fits$pois[[2]]
  expect_message(cf <- confint(f), "profiling")
  expect_message(cg <- confint(g), "profiling")
  expect_equal(cf, cg, tolerance = 1e-6)
  expect_equal(suppressMessages(confint(f, "x1", level = 0.9)),
               suppressMessages(confint(g, "x1", level = 0.9)), tolerance = 1e-6)
  r <- update(f, control = list(lambda = 0.5))
  ci <- confint(r)
  se <- sqrt(diag(vcov(r)))
  expect_equal(unname(ci[, 2] - ci[, 1]), unname(2 * qnorm(0.975) * se), tolerance = 1e-10)
})

test_that("plot works: plot.lm diagnostics and the deviance trace", {
  f <- fits$bin[[1]]
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(plot(f))
  expect_silent(plot(f, which = 1:6))
  tr <- plot(f, which = "trace")
  expect_identical(tr, f$trace)
  expect_identical(plot_trace(f, log = FALSE), f$trace)
  expect_error(plot(f, which = "bogus"), "which")
  expect_error(plot_trace(list()), "trace")
})
