# The Alefeld-Potra-Shi collection (ACM TOMS 748): the data, and the
# invariant "never a false success" for newton_root() over all 154
# instances, against uniroot() measured in the same run.

aps <- test_problems("roots")
probs <- lapply(aps, test_problem, set = "roots")

test_that("the collection has the 154 instances with their fields", {
  expect_length(aps, 154L)
  expect_false(anyDuplicated(aps) > 0)
  expect_identical(aps[c(1, 154)], c("aps.01.00", "aps.15.30"))
  expect_identical(as.vector(table(vapply(probs, `[[`, 0L, "family"))),
                   c(1L, 10L, 3L, 14L, 1L, 10L, 3L, 5L, 7L, 5L, 4L, 19L, 1L, 40L, 31L))
  for (p in probs) {
    expect_named(p, c("name", "fn", "fprime", "interval", "root", "n", "family", "param", "note"))
    expect_true(p$interval[1] < p$root && p$root < p$interval[2], label = p$name)
  }
  expect_error(test_problem("aps.99.00", set = "roots"), "'name'")
})

test_that("each instance changes sign on its interval and at its published root", {
  for (p in probs) {
    expect_lt(sign(p$fn(p$interval[1])) * sign(p$fn(p$interval[2])), 0, label = p$name)
    # the published root is within 1e-12 (relative) of a sign change, or f
    # is exactly 0 there (aps.13: f underflows to 0 near its root)
    d <- 1e-12 * max(1, abs(p$root))
    if (p$fn(p$root) != 0) {
      expect_lte(sign(p$fn(p$root - d)) * sign(p$fn(p$root + d)), 0, label = p$name)
    }
  }
  # closed forms where the paper gives them
  expect_equal(test_problem("aps.04.02", set = "roots")$root, 0.2^(1 / 8), tolerance = 1e-15)
  expect_equal(test_problem("aps.06.09", set = "roots")$root, log(2) / 100, tolerance = 1e-15)
  expect_equal(test_problem("aps.12.18", set = "roots")$root, 33)
})

test_that("fprime agrees with a central difference at the root and inside", {
  for (p in probs) {
    for (x in c(p$root, p$root + 0.3 * (p$interval[2] - p$root))) {
      # steps below the scale of aps.15's steep part (width 2e-3 / (n + 1))
      h <- 1e-7 * if (x != 0) min(abs(x), 1) else 1
      num <- (p$fn(x + h) - p$fn(x - h)) / (2 * h)
      if (p$family == 15L && x > 2e-3 / (1 + p$param[["n"]]) + h) num <- 0
      expect_lte(abs(p$fprime(x) - num), 1e-5 * max(abs(num), 1e-3), label = paste(p$name, x))
    }
  }
})


test_that("newton_root solves all 154 at tol = 1e-12 with no false success, in fewer calls than uniroot", {
  tol <- 1e-12
  calls <- 0
  for (p in probs) {
    g <- function(x) { calls <<- calls + 1; p$fn(x) }
    u <- uniroot(g, p$interval, tol = tol, maxiter = 1000)
  }
  run <- function(p, fprime = NULL, method = "newton") {
    r <- suppressWarnings(newton_root(p$fn, interval = p$interval, tol = tol, fprime = fprime,
                                      method = method))
    ok <- abs(r$root - p$root) <= 2 * tol * max(1, abs(p$root)) || p$fn(r$root) == 0
    c(converged = r$converged, solved = r$converged && ok, calls = r$evals + r$evals_fprime)
  }
  with_fp <- vapply(probs, function(p) run(p, p$fprime), numeric(3))
  numerical <- vapply(probs, function(p) run(p), numeric(3))
  secant <- vapply(probs, function(p) run(p, method = "secant"), numeric(3))
  for (m in list(with_fp, numerical, secant)) {
    expect_equal(sum(m["solved", ]), 154)
    expect_equal(sum(m["converged", ] & !m["solved", ]), 0)   # no false success
    expect_lte(sum(m["calls", ]), calls)                      # f (+ f') <= uniroot's f
  }
})

test_that("the counts are calls of f and of fprime", {
  p <- test_problem("aps.06.03", set = "roots")
  nf <- 0
  nfp <- 0
  f <- function(x) { nf <<- nf + 1; p$fn(x) }
  fp <- function(x) { nfp <<- nfp + 1; p$fprime(x) }
  r <- newton_root(f, interval = p$interval, fprime = fp, tol = 1e-12)
  expect_identical(c(r$evals, r$evals_fprime), as.integer(c(nf, nfp)))
  nf <- 0
  nfp <- 0
  r <- newton_root(f, 0.3, fprime = fp, tol = 1e-12)   # unbracketed, analytic
  expect_identical(c(r$evals, r$evals_fprime), as.integer(c(nf, nfp)))
  nf <- 0
  r <- newton_root(f, 0.3, tol = 1e-12)                # numerical derivative: 3 calls a point
  expect_identical(r$evals, as.integer(nf))
  expect_identical(r$evals_fprime, 0L)
})

test_that("unbracketed runs from the midpoints are honest", {
  tol <- 1e-12
  res <- vapply(probs, function(p) {
    r <- suppressWarnings(newton_root(p$fn, mean(p$interval), fprime = p$fprime, tol = tol))
    # a converged root must have a sign change within 2 tol (any root of f
    # counts: Newton may find another one), or f exactly 0
    d <- 2 * tol * max(1, abs(r$root))
    certified <- is.finite(r$root) &&
      (p$fn(r$root) == 0 || sign(p$fn(r$root - d)) * sign(p$fn(r$root + d)) <= 0)
    c(converged = r$converged, false = r$converged && !certified)
  }, numeric(2))
  expect_equal(sum(res["false", ]), 0)
  # families 14 and 15 (71 instances) start where f is flat (f' = 0): those
  # runs must fail, and say so
  expect_gte(sum(res["converged", ]), 75)
})
