# The source documents' examples, computed by newtonr.
# Iterates are printed as shortest round-trip decimals, the way Python prints
# them, so they can be compared digit for digit with the documents.
library(newtonr)

show <- function(title, r) {
  cat("\n==", title, "==\n")
  its <- r$trace$x[r$trace$iter > 0]
  cat(shortest_decimal(its), sep = "\n")
  cat(sprintf("updates: %d   converged: %s   (%s)\n", r$iter, r$converged, r$message))
}

cat("newtonr", as.character(utils::packageVersion("newtonr")), "- the documents' examples\n")

## Roots (the documents' loop `while |f(x)| > tol: x <- x - f/f'`: criterion = "previous")
r <- newton_root(~ x^2 - 4*x - 7, x0 = 5, tol = 1e-3, criterion = "previous")
show("x^2 - 4x - 7 = 0 near 5 (to the thousandth)", r)
cat("root to three decimals:", format(round(r$root, 3), nsmall = 3), " exact: 2 + sqrt(11) =", 2 + sqrt(11), "\n")

show("6x^5 - 5x^4 - 4x^3 + 3x^2 = 0 from 0.7, eps = 1e-6",
     newton_root(function(x) 6*x^5 - 5*x^4 - 4*x^3 + 3*x^2, 0.7,
                 fprime = function(x) 30*x^4 - 20*x^3 - 12*x^2 + 6*x,
                 tol = 1e-6, criterion = "previous"))

show("x^3 - 72x - 220 = 0 from 12, eps = 1e-4",
     newton_root(function(x) x^3 - 72*x - 220, 12, fprime = function(x) 3*x^2 - 72,
                 tol = 1e-4, criterion = "previous"))

show("x^2 + 9x - 5 = 0 from 2.2, eps = 1e-3",
     newton_root(function(x) x^2 + 9*x - 5, 2.2, fprime = function(x) 2*x + 9,
                 tol = 1e-3, criterion = "previous"))

## Minimisation in one dimension: Newton on f'(x) = 0 with f''
show("minimise x^3 - 3x^2 - 45x + 40 from 42 (root of f' = 3x^2 - 6x - 45), eps = 1e-4",
     newton_root(function(x) 3*x^2 - 6*x - 45, 42, fprime = function(x) 6*x - 6,
                 tol = 1e-4, criterion = "previous"))

show("minimise 8x^3 - 2x^2 - 450 from 42 (root of f' = 24x^2 - 4x), eps = 1e-4",
     newton_root(function(x) 24*x^2 - 4*x, 42, fprime = function(x) 48*x - 4,
                 tol = 1e-4, criterion = "previous"))

if (exists("newton_optim", mode = "function")) {
  cat("\n== the same two minimisations by newton_optim (pure Newton, the documents' rule) ==\n")
  for (fml in list(~ x^3 - 3*x^2 - 45*x + 40, ~ 8*x^3 - 2*x^2 - 450)) {
    o <- newton_optim(c(x = 42), fml, method = "newton",
                      control = list(line_search = FALSE, criterion = "previous", gtol = 1e-4))
    cat(deparse(fml), ": x* =", shortest_decimal(o$par), "after", o$iterations, "updates\n")
  }
  cat("\n== quadratic 0.5 x'Ax + b'x, A = [[4,1],[1,3]], b = (-1, 2): one Newton step ==\n")
  A <- matrix(c(4, 1, 1, 3), 2); b <- c(-1, 2)
  o <- newton_optim(c(0, 0), function(x) 0.5 * sum(x * (A %*% x)) + sum(b * x),
                    gr = function(x) drop(A %*% x + b), hess = function(x) A)
  cat("Newton:", o$par, " in", o$iterations, "iteration(s);  -A^{-1} b:", -solve(A, b), "\n")
  cat("\n== x1^2 + 2 x2^2 + 0.5 x1 x2 - x1 + 2 x2 by newton-cg and trust ==\n")
  f2 <- ~ x1^2 + 2*x2^2 + 0.5*x1*x2 - x1 + 2*x2
  for (m in c("newton-cg", "trust")) {
    o <- newton_optim(c(x1 = 0, x2 = 0), f2, method = m)
    cat(sprintf("%-9s optimum (%s), value %s\n", m, paste(signif(o$par, 10), collapse = ", "),
                signif(o$value, 10)))
  }
}

## Systems: inverse kinematics of a two-link arm
cat("\n== two-link arm (l1 = 1, l2 = 0.8) reaching (1.2, 0.8) ==\n")
arm <- function(q, target) c(cos(q[1]) + 0.8 * cos(q[1] + q[2]),
                             sin(q[1]) + 0.8 * sin(q[1] + q[2])) - target
s <- newton_solve(arm, c(0.3, 0.3), target = c(1.2, 0.8))
print(s)
print(s$trace)

if (exists("newton_glm", mode = "function")) {
  cat("\n== logistic regression by IRLS: n = 100, three features, theta = (1.5, -1, 0.5) ==\n")
  set.seed(42)
  X <- matrix(rnorm(300), 100, 3)
  y <- rbinom(100, 1, plogis(X %*% c(1.5, -1, 0.5)))
  fit <- newton_glm(y ~ X - 1, family = binomial)
  print(coef(fit))
  cat("IRLS iterations:", fit$iter, "\n")
}

if (exists("newton_glm", mode = "function")) {
  cat("\n== Newton/IRLS against gradient descent on the same model ==\n")
  gd <- newton_glm(y ~ X - 1, family = binomial, control = list(algorithm = "gd"))
  cat(sprintf("simulated data: IRLS %d iterations, gradient descent %d (converged: %s); max |coef diff| %.1e\n",
              fit$iter, gd$iter, gd$converged, max(abs(coef(gd) - coef(fit)))))
  d <- infert
  for (v in c("age", "parity", "induced", "spontaneous")) d[[v]] <- as.numeric(scale(d[[v]]))
  fo <- case ~ age + parity + induced + spontaneous
  nt <- newton_glm(fo, family = binomial, data = d)
  gd <- newton_glm(fo, family = binomial, data = d, control = list(algorithm = "gd"))
  cat(sprintf("infert (standardised covariates): IRLS %d iterations, gradient descent %d (converged: %s)\n",
              nt$iter, gd$iter, gd$converged))
  cat("agreement with glm(): max |coef diff|",
      format(max(abs(coef(nt) - coef(glm(fo, family = binomial, data = d)))), digits = 2), "\n")
}

## A GLM fitted inside a database (demo/glm-database.R)
local({
  f <- system.file("demo", "glm-database.R", package = "newtonr")
  if (!nzchar(f) || !file.exists(f)) f <- file.path("demo", "glm-database.R")
  if (file.exists(f)) source(f, local = TRUE)
})
