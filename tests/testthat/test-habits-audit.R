# Issue 15: the calls an independent audit typed after the first round of
# fixes (each expectation is the user's exact call).
fr_a <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2

test_that("settings typed as arguments of newton_optim are named, not passed to fn", {
  expect_error(newton_optim(c(-1.2, 1), fr_a, maxit = 3), "'maxit'.*control = list\\(maxit")
  expect_error(newton_optim(c(-1.2, 1), fr_a, REPORT = 2), "'REPORT'.*control = list\\(REPORT")
  expect_error(newton_optim(c(-1.2, 1), fr_a, gtol = 1e-3), "'gtol'.*control")
  # a fn that takes the name still gets it
  g <- function(x, maxit) sum((x - maxit)^2)
  expect_equal(unname(newton_optim(c(0, 0), g, maxit = 3)$par), c(3, 3), tolerance = 1e-6)
})

test_that("optim's method spellings BFGS and L-BFGS-B are accepted", {
  a <- newton_optim(c(-1.2, 1), fr_a, method = "BFGS")
  b <- newton_optim(c(-1.2, 1), fr_a, method = "bfgs")
  expect_identical(a$par, b$par)
  expect_identical(a$counts, b$counts)
  d <- newton_optim(c(-1.2, 1), fr_a, method = "L-BFGS-B")
  expect_true(d$convergence == 0)
  expect_equal(unname(d$par), c(1, 1), tolerance = 1e-4)
})

test_that("the auto rule's reason says which method it picked and why", {
  r <- newton_optim(rep(0.5, 30), function(x) sum((x - 1)^2))
  expect_match(r$method_reason, "L-BFGS")
  expect_match(r$method_reason, "finite differences")
})

test_that("newton_root(f, c(a, b), extendInt = ) takes the pair as uniroot's interval", {
  f <- function(x) x^3 - 2
  r <- expect_silent(newton_root(f, c(0, 1), extendInt = "upX"))
  u <- uniroot(f, c(0, 1), extendInt = "upX", tol = 1e-10)
  expect_true(r$converged)
  expect_equal(r$root, 2^(1/3), tolerance = 1e-7)
  expect_equal(r$root, u$root, tolerance = 1e-7)
})

test_that("the same-sign error gives f at the ends, labelled", {
  expect_error(newton_root(function(x) x^2 + 1, lower = -1, upper = 2),
               "f\\(lower\\) = 2, f\\(upper\\) = 5")
})

test_that("uniroot/optim settings typed into newton_root are named", {
  f <- function(x) x^2 - 2
  expect_error(newton_root(f, 1, maxit = 3), "'maxit'.*'maxiter'")
  expect_error(newton_root(f, 1, control = list(maxiter = 3)), "'control'.*as arguments")
  # f that takes such an argument still gets it
  h <- function(x, maxit) x - maxit
  expect_equal(newton_root(h, 1, maxit = 3)$root, 3)
})

test_that("summary() of a non-converged gradient-descent fit counts gradient-descent iterations", {
  fit <- suppressWarnings(newton_glm(am ~ wt + hp, binomial, mtcars,
                                     control = list(algorithm = "gd", maxit = 50)))
  out <- capture.output(print(summary(fit)))
  expect_true(any(grepl("NOT converge", out)))
  expect_true(any(grepl("^Number of gradient-descent iterations: 50", out)))
  expect_false(any(grepl("Fisher Scoring", out)))
})

test_that("?newton_solve_control renders the stall rule in full", {
  db <- tools::Rd_db("newtonr")
  skip_if(length(db) == 0, "help database not available")
  txt <- paste(capture.output(tools::Rd2txt(db[["newton_solve_control.Rd"]])), collapse = " ")
  expect_match(txt, "10 percent over the last")
})
