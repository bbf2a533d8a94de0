# test-glm-audit14.R -- regressions found by the independent audit of
# issue 14 (GLM fidelity): each test failed before its fix.

# The warnings of an expression, collected (the value discarded).
audit14_warnings <- function(expr) {
  w <- character()
  withCallingHandlers(expr, warning = function(x) {
    w <<- c(w, conditionMessage(x))
    invokeRestart("muffleWarning")
  })
  w
}

test_that("an empty cell in a large data set (beyond the LP's row limit) is named", {
  skip_if_not_installed("boot")
  # more distinct rows than glm_sep_max_rows: every observation in level c
  # has y = 0 (quasi-complete separation by construction: the coefficient
  # of fc is -Inf), the continuous covariates are noise
  set.seed(11)
  n <- 5000
  d <- data.frame(x1 = rnorm(n), x2 = rnorm(n), f = factor(sample(letters[1:3], n, TRUE)))
  d$y <- rbinom(n, 1, 0.5)
  d$y[d$f == "c"] <- 0
  w <- audit14_warnings(fit <- newton_glm(y ~ f + x1 + x2, binomial, d))
  named <- grep("^newton_glm_fit: coefficients of ", w, value = TRUE)
  expect_length(named, 1L)
  expect_match(named, "coefficients of fc diverge", fixed = TRUE)
  # the same data without the empty cell: nothing named
  d$y[d$f == "c"] <- rbinom(sum(d$f == "c"), 1, 0.5)
  w <- audit14_warnings(newton_glm(y ~ f + x1 + x2, binomial, d))
  expect_length(grep("coefficients of", w), 0L)
})
