# test-glm-separation.R -- separation is detected on its own (R/separation.R:
# Konis's linear programs) and named only for the covariates that separate.
# The expected names come from how the data were built (a covariate that
# alone splits the outcomes), or from the data sets' documentation (sex2:
# dia; endometrial: NV), never from the code under test.

sep_names <- function(expr) {
  w <- character()
  withCallingHandlers(expr, warning = function(x) {
    w <<- c(w, conditionMessage(x))
    invokeRestart("muffleWarning")
  })
  m <- grep("^newton_glm_fit: coefficients of ", w, value = TRUE)
  if (!length(m)) return(character())
  strsplit(sub("^newton_glm_fit: coefficients of (.*) diverge.*$", "\\1", m), ", ")[[1]]
}

test_that("sex2 names dia and endometrial names NV, without glm's 0/1 warning", {
  skip_if_not_installed("boot")
  e <- new.env()
  utils::data(sex2, endometrial, package = "newtonr", envir = e)
  expect_identical(sep_names(newton_glm(case ~ age + oc + vic + vicl + vis + dia, binomial,
                                        e$sex2)), "dia")
  expect_identical(sep_names(newton_glm(HG ~ NV + PI + EH, binomial, e$endometrial)), "NV")
  expect_identical(sep_names(newton_glm(HG ~ NV + PI + EH, binomial("probit"), e$endometrial)),
                   "NV")
  # (glm itself gives no "fitted probabilities 0 or 1" warning on sex2)
  expect_no_warning(glm(case ~ age + oc + vic + vicl + vis + dia, binomial, e$sex2))
})

test_that("quasi-complete separation by x names x, never the noise covariate z", {
  skip_if_not_installed("boot")
  for (seed in 1:12) {
    set.seed(seed)
    n <- 100
    d <- data.frame(x = rbinom(n, 1, 0.3), z = rnorm(n))
    d$y <- ifelse(d$x == 1, 1, rbinom(n, 1, 0.4))  # every x = 1 is a success
    expect_identical(sep_names(newton_glm(y ~ x + z, binomial, d)), "x", label = paste("seed", seed))
  }
})

test_that("complete separation by x names x only; two separators are both named", {
  skip_if_not_installed("boot")
  for (seed in 1:8) {
    set.seed(seed)
    d <- data.frame(x = rnorm(80), z = rnorm(80))
    d$y <- as.numeric(d$x > 0)
    expect_identical(sep_names(newton_glm(y ~ x + z, binomial, d)), "x", label = paste("seed", seed))
  }
  # a separates some rows (a = 1: all successes), b others (b = 1: all failures)
  set.seed(3)
  n <- 120
  d <- data.frame(a = rep(c(1, 0, 0), 40), b = rep(c(0, 1, 0), 40), z = rnorm(n))
  d$y <- ifelse(d$a == 1, 1, ifelse(d$b == 1, 0, rbinom(n, 1, 0.5)))
  expect_setequal(sep_names(newton_glm(y ~ a + b + z, binomial, d)), c("a", "b"))
  # the matrix interface names the columns alike
  X <- cbind("(Intercept)" = 1, a = d$a, b = d$b, z = d$z)
  expect_setequal(sep_names(newton_glm_fit(X, d$y, family = binomial())), c("a", "b"))
})

test_that("no separation, no name: strong effects, binomial counts, a ridge penalty", {
  skip_if_not_installed("boot")
  set.seed(11)
  n <- 300
  d <- data.frame(x = rnorm(n), z = rnorm(n))
  d$y <- rbinom(n, 1, plogis(-1 + 4 * d$x))  # fitted probabilities reach 1e-7
  expect_length(sep_names(newton_glm(y ~ x + z, binomial, d)), 0L)
  e <- new.env()
  utils::data(lizards, package = "newtonr", envir = e)
  expect_length(sep_names(newton_glm(cbind(grahami, opalinus) ~ height + diameter + light + time,
                                     binomial, e$lizards)), 0L)
  # a ridge penalty has finite estimates: nothing to name
  d$y <- as.numeric(d$x > 0)
  expect_length(sep_names(newton_glm(y ~ x + z, binomial, d, control = list(lambda = 1))), 0L)
})

test_that("proportions with both outcomes in a row constrain the direction", {
  skip_if_not_installed("boot")
  # groups g = 1 (all successes) and g = 2, 3 (mixed): g2 is separated
  d <- data.frame(g = factor(c(1, 2, 3, 1, 2, 3), levels = c(2, 1, 3)),
                  s = c(5, 2, 3, 4, 1, 2), f = c(0, 3, 2, 0, 4, 3))
  expect_identical(sep_names(newton_glm(cbind(s, f) ~ g, binomial, d)), "g1")
})
