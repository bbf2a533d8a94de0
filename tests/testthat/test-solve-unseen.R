# newton_solve on systems nobody on the team tuned for: a fast subset of
# bench/solve-unseen.R (nleqslv's examples, Kelley, La Cruz, Martinez &
# Raydan 2004, Meintjes & Morgan, Powell 1970, Bratu, no root, poles, NaN
# regions, badly scaled variables, wrong Jacobians, misbehaving callbacks).
# "False success": converged = TRUE where max |F(x)| > ftol, F re-evaluated
# here at the returned x.

ftol <- 1e-8
ns <- function(fn, x0, jac = NULL, ...) {
  suppressWarnings(newton_solve(fn, x0, jac, control = list(ftol = ftol, ...)))
}
false_success <- function(r, fn) r$converged && !(max(abs(fn(r$x))) <= ftol)

# dslnex, dslnex_jac, bratu: helper-roots.R

test_that("no false success on unseen systems, with and without a Jacobian", {
  cases <- list(
    list(dslnex, dslnex_jac, c(-2, -2)),
    list(function(x) x^2 + 1, function(x) diag(2 * x, 3), c(-5, 0.1, 4)),  # no root
    list(function(x) c(x[1]^2 + x[2]^2 + 1, x[1] - x[2]), NULL, c(3, -2)),  # no root
    list(function(x) 1 / x - 2, function(x) diag(-1 / x^2, 2), c(-1, 1)),  # a pole between
    list(function(x) c(x[1], 10 * x[1] / (x[1] + 0.1) + 2 * x[2]^2), NULL, c(-1, 1)),  # Powell 1970
    list(bratu(4), NULL, rep(0, 10)),  # beyond the fold: no solution
    list(function(x) if (sum(x^2) > 30) rep(NaN, 2) else c(x[1]^2 - 4, x[1] * x[2] - 1), NULL, c(5, 0.5)),
    list(dslnex, function(x) { J <- dslnex_jac(x); J[2, 2] <- -J[2, 2]; J }, c(2, 0.5)),  # sign slip
    list(dslnex, function(x) t(dslnex_jac(x)), c(2, 0.5)),  # transposed
    list(function(x) c(exp(10 * x[1]) - 2, x[2] - 1), NULL, c(-100, 0)))  # J underflows to 0
  out <- vapply(cases, function(cs) {
    r <- ns(cs[[1]], cs[[3]], cs[[2]])
    c(false = false_success(r, cs[[1]]), conv = r$converged)
  }, logical(2))
  expect_equal(sum(out["false", ]), 0)
  # no root exists in the first four failures by construction (x^2 + 1 > 0;
  # x1^2 + x2^2 + 1 > 0; 1/x = 2 only at x > 0, but fn is tested, not x)
  expect_false(any(out["conv", 2:3]))
})

test_that("badly scaled variables (1e-6 beside 1e6) are solved, not called a stationary point", {
  sc <- c(1e-6, 1e6)
  f <- function(x) dslnex(x / sc)
  J <- function(x) dslnex_jac(x / sc) %*% diag(1 / sc)
  for (jac in list(NULL, J)) {
    r <- ns(f, c(2, 0.5) * sc, jac)
    expect_true(r$converged)
    expect_equal(r$x, sc, tolerance = 1e-6)  # dslnex's root (1, 1), rescaled
    expect_lte(max(abs(f(r$x))), ftol)
  }
})

test_that("a difference below F's rounding (x2^2 - 1e12 at x2 = 1) does not freeze x2", {
  f <- function(x) c(x[1]^2 - 1e-12, x[2]^2 - 1e12)
  r <- ns(f, c(1, 1))
  expect_true(r$converged)
  expect_lte(max(abs(f(r$x))), ftol)
  expect_equal(r$x[2], 1e6, tolerance = 1e-12)
})

test_that("singular Jacobians at the root (La Cruz exponential 3, Chandrasekhar c = 1, Powell 1970)", {
  n <- 10; i <- seq_len(n)
  e3 <- function(x) c(i[-n] / 10 * (1 - x[-n]^2 - exp(-x[-n]^2)), n / 10 * (1 - exp(-x[n]^2)))
  r <- ns(e3, rep(1 / (4 * n^2), n))
  expect_true(r$converged)
  expect_lte(max(abs(e3(r$x))), ftol)
  mu <- (i - 0.5) / n
  A <- 1 / (2 * n) * outer(mu, mu, function(a, b) a / (a + b))
  chandra <- function(h) h - 1 / (1 - as.vector(A %*% h))
  r <- ns(chandra, rep(1, n))
  expect_true(r$converged)
  expect_lte(max(abs(chandra(r$x))), ftol)
  p70 <- function(x) c(x[1], 10 * x[1] / (x[1] + 0.1) + 2 * x[2]^2)
  r <- ns(p70, c(3, 1))
  expect_true(r$converged)
  expect_lte(max(abs(p70(r$x))), ftol)
  expect_lt(max(abs(r$x)), 1e-3)  # the only root is (0, 0)
})

test_that("Bratu at lambda = 1 matches the closed form; Meintjes & Morgan's combustion is solved", {
  f <- bratu(1)
  r <- ns(f, rep(0, 10))
  expect_true(r$converged)
  # u(x) = -2 log(cosh((x - 1/2) theta / 2) / cosh(theta / 4)), theta = sqrt(2) cosh(theta / 4)
  theta <- uniroot(function(t) t - sqrt(2) * cosh(t / 4), c(0, 4), tol = 1e-12)$root
  xs <- seq_len(10) / 11
  u <- -2 * log(cosh((xs - 0.5) * theta / 2) / cosh(theta / 4))
  expect_equal(r$x, u, tolerance = 5e-3)  # discretisation error O(h^2)
  R <- 10; R5 <- 0.193; R6 <- 0.002597 / sqrt(40); R7 <- 0.003448 / sqrt(40)
  R8 <- 0.00001799 / 40; R9 <- 0.0002155 / sqrt(40); R10 <- 0.00003846 / 40
  comb <- function(x) c(
    x[1] * x[2] + x[1] - 3 * x[5],
    2 * x[1] * x[2] + x[1] + x[2] * x[3]^2 + R8 * x[2] - R * x[5] + 2 * R10 * x[2]^2 +
      R7 * x[2] * x[3] + R9 * x[2] * x[4],
    2 * x[2] * x[3]^2 + 2 * R5 * x[3]^2 - 8 * x[5] + R6 * x[3] + R7 * x[2] * x[3],
    R9 * x[2] * x[4] + 2 * x[4]^2 - 4 * R * x[5],
    x[1] * x[2] + x[1] + R10 * x[2]^2 + x[2] * x[3]^2 + R8 * x[2] + R5 * x[3]^2 + x[4]^2 - 1 +
      R6 * x[3] + R7 * x[2] * x[3] + R9 * x[2] * x[4])
  # the published solution (Meintjes & Morgan 1990), to its 7 digits, is a
  # root of the system as transcribed here; from 10s it is found
  xp <- c(0.003114102, 34.59792, 0.06504178, 0.8593780, 0.03695185)
  expect_lt(max(abs(comb(xp))), 1e-6)
  r <- ns(comb, rep(10, 5))
  expect_true(r$converged)
  expect_lte(max(abs(comb(r$x))), ftol)
  expect_equal(r$x, xp, tolerance = 1e-5)
  r <- ns(comb, rep(1, 5))  # another root, x3 < 0 (no physical meaning, but a root)
  expect_true(r$converged)
  expect_lte(max(abs(comb(r$x))), ftol)
})

test_that("a correct jac is not blamed at tiny x; a wrong one is", {
  # no root (cos + 2 > 0); the run ends near x1 = pi * 1e-6, where a
  # difference step of 6e-6 would span a period of cos(x1 / 1e-6)
  f <- function(x) c(cos(x[1] / 1e-6) + 2, x[2] - 1)
  J <- function(x) diag(c(-sin(x[1] / 1e-6) / 1e-6, 1))
  r <- ns(f, c(2.5e-6, 0), J)
  expect_false(r$converged)
  expect_no_match(r$message, "'jac' disagrees")
  # (from c(2, 0.5) the sign slip ends at a true local minimum of ||F||,
  # x2 = 0, where the slipped entry 3 x2^2 vanishes: not blamed there, rightly)
  r <- ns(dslnex, c(0.5, 2), function(x) { J <- dslnex_jac(x); J[2, 2] <- -J[2, 2]; J })
  expect_false(r$converged)
  expect_match(r$message, "'jac' disagrees")
  r <- ns(dslnex, c(2, 0.5), function(x) t(dslnex_jac(x)))
  expect_false(r$converged)
  expect_match(r$message, "'jac' disagrees")
  # the check itself: at the stationary point x1 = pi * 1e-6 exactly; at a
  # point of the badly scaled dslnex (x1 = 1.5e-6, x2 = 5e-4) with the right
  # Jacobian and with its sign flipped
  chk <- function(f, J, x) newtonr:::solve_check_jac(f, J, x, f(x))$message
  expect_null(chk(f, J, c(pi * 1e-6, 1)))
  sc <- c(1e-6, 1e6)
  fs <- function(x) dslnex(x / sc)
  Js <- function(x) dslnex_jac(x / sc) %*% diag(1 / sc)
  x <- c(1.485079e-06, 5.220550e-04)
  expect_null(chk(fs, Js, x))
  expect_match(chk(fs, function(x) -Js(x), x), "'jac' disagrees")
  expect_match(chk(dslnex, function(x) t(dslnex_jac(x)), c(0.3, 0.7)), "'jac' disagrees")
  expect_null(chk(dslnex, dslnex_jac, c(0.3, 0.7)))
})

test_that("huge and tiny scales: F = 1e300 (x - 1), x0 = +-1e308", {
  r <- ns(function(x) 1e300 * (x - 1), c(2, 3))
  expect_true(r$converged)
  expect_equal(r$x, c(1, 1))
  r <- ns(function(x) x - 1, c(1e308, -1e308))
  expect_false(false_success(r, function(x) x - 1))
  expect_true(r$converged)
  expect_equal(r$x, c(1, 1))
})
