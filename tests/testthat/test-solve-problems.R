# The shipped MINPACK schedule (test_problems("systems")): its data, and
# newton_solve() on all 58 cases (solved counts, 0 false successes).

test_that("the schedule has MINPACK's 55 cases plus Freudenstein-Roth", {
  nms <- test_problems("systems")
  expect_length(nms, 58L)
  expect_true(all(c("rosenbrock_x1", "powell_badly_scaled_x10", "watson_n9_x10",
                    "chebyquad_n9_x1", "brown_almost_linear_n40_x1",
                    "discrete_integral_equation_n1_x100", "freudenstein_roth_x100") %in% nms))
  expect_false("powell_badly_scaled_x100" %in% nms)  # 2 starts only, as in MINPACK's driver
  p <- test_problem("wood_x10", set = "systems")
  expect_named(p, c("name", "fn", "jac", "x0", "n", "factor", "note", "solution"))
  expect_equal(p$x0, c(-30, -10, -30, -10))
  # Watson's standard start is 0: factor 10 means x_j = 10 (MINPACK's initpt)
  expect_equal(test_problem("watson_n6_x10", set = "systems")$x0, rep(10, 6))
  dims <- vapply(nms, function(nm) test_problem(nm, set = "systems")$n, 0)
  expect_equal(sum(dims), 2 * 3 + 4 * 3 + 2 * 2 + 4 * 3 + 3 * 3 + 6 * 2 + 9 * 2 + 5 * 3 + 6 * 3 +
                 7 * 3 + 8 + 9 + 10 * 3 + 30 + 40 + 10 * 3 + 1 * 3 + 10 * 3 * 5 + 2 * 3)
})

test_that("analytic Jacobians agree with numerical ones at perturbed starts", {
  set.seed(42)
  for (nm in test_problems("systems")) {
    p <- test_problem(nm, set = "systems")
    x <- p$x0 + stats::runif(p$n, -0.1, 0.1)
    Jn <- num_jacobian(p$fn, x)
    err <- max(abs(p$jac(x) - Jn)) / max(1, max(abs(Jn)))
    expect_lt(err, 1e-6, label = nm)
  }
})

test_that("published solutions are roots; published MGH facts hold", {
  for (nm in test_problems("systems")) {
    p <- test_problem(nm, set = "systems")
    if (is.null(p$solution)) next
    tol <- if (grepl("powell_badly", nm)) 1e-3 else 1e-12  # published to 7 digits
    expect_lt(max(abs(p$fn(p$solution))), tol, label = nm)
  }
  # standard starting values (More, Garbow & Hillstrom 1981)
  expect_equal(test_problem("rosenbrock_x1", set = "systems")$fn(c(-1.2, 1)), c(2.2, -4.4))
  # Chebyquad: F = 0 at the Gauss-Chebyshev-type nodes for n = 1..7, 9; for
  # n = 2 the nodes are 1/2 -+ 1/(2 sqrt(3))
  ch2 <- newtonr:::sys_chebyquad(2)
  expect_equal(ch2$fn(0.5 + c(-1, 1) / (2 * sqrt(3))), c(0, 0), tolerance = 1e-14)
})

# Watson's sum of squares (More, Garbow & Hillstrom's problem 20), written
# from its definition: the systems' Watson case is half its gradient.
watson_f <- function(x) {
  n <- length(x)
  t <- (1:29) / 29
  r <- vapply(t, function(ti) sum((seq_len(n - 1)) * x[-1] * ti^(0:(n - 2))) -
                sum(x * ti^(0:(n - 1)))^2 - 1, 0)
  sum(r^2) + x[1]^2 + (x[2] - x[1]^2 - 1)^2
}

test_that("newton_solve on the schedule: solved counts, 0 false successes", {
  solved <- c(fd = 0L, an = 0L)
  false_success <- 0L
  for (nm in test_problems("systems")) {
    p <- test_problem(nm, set = "systems")
    for (k in c("fd", "an")) {
      s <- suppressWarnings(newton_solve(p$fn, p$x0, if (k == "an") p$jac,
                                         control = list(ftol = 1e-8, maxit = 200)))
      ok <- max(abs(p$fn(s$x))) <= 1e-8
      if (s$converged && !ok) false_success <- false_success + 1L
      if (!s$converged) expect_true(nzchar(s$message))
      solved[[k]] <- solved[[k]] + ok
      if (nm == "watson_n6_x1" && ok) expect_equal(watson_f(s$x), 2.28767e-3, tolerance = 1e-5)
      if (nm == "watson_n9_x1" && ok) expect_equal(watson_f(s$x), 1.39976e-6, tolerance = 1e-4)
    }
  }
  expect_identical(false_success, 0L)
  expect_gte(solved[["fd"]], 50L)
  expect_gte(solved[["an"]], 50L)
})
