# bench/glm.R -- newton_glm_fit vs glm.fit, fastglm and speedglm (matrix
# interface, formula-free).  Prints time RATIOS measured in this one run;
# peak memory via gc() "max used".  Run: Rscript bench/glm.R [quick]
suppressMessages(library(newtonr))
args <- commandArgs(TRUE)
quick <- "quick" %in% args
tm <- function(expr) {
  gc(reset = TRUE)
  t <- system.time(val <- force(expr))[["elapsed"]]
  mem <- sum(gc()[, 6L])  # MB max used since reset (Ncells + Vcells)
  list(t = t, val = val, mem = mem)
}
run_case <- function(label, n, p, family, gen) {
  set.seed(42)
  x <- cbind(1, matrix(rnorm(n * (p - 1)), n))
  y <- gen(drop(x %*% c(0.1, rnorm(p - 1, sd = 0.5 / sqrt(p)))), n)
  cat(sprintf("\n== %s: n = %g, p = %d ==\n", label, n, p))
  base <- tm(glm.fit(x, y, family = family))
  ours <- tm(newton_glm_fit(x, y, family = family))
  d <- max(abs(ours$val$coefficients - base$val$coefficients))
  cat(sprintf("glm.fit %.2fs; newton_glm_fit %.2fs: %.1fx faster; max |coef diff| %.1e; iters %d vs %d\n",
              base$t, ours$t, base$t / ours$t, d, ours$val$iter, base$val$iter))
  cat(sprintf("peak memory (MB, gc max used): glm.fit %.0f, newton_glm_fit %.0f\n", base$mem, ours$mem))
  if (requireNamespace("fastglm", quietly = TRUE)) {
    fg <- tm(fastglm::fastglm(x, y, family = family, method = 2L))
    cat(sprintf("fastglm (Cholesky) %.2fs: newton_glm_fit %.1fx faster\n", fg$t, fg$t / ours$t))
  }
  if (requireNamespace("speedglm", quietly = TRUE)) {
    sg <- tm(speedglm::speedglm.wfit(y, x, family = family))
    cat(sprintf("speedglm.wfit %.2fs: newton_glm_fit %.1fx faster\n", sg$t, sg$t / ours$t))
  }
  invisible(NULL)
}
n_big <- if (quick) 2e5 else 1e6
run_case("logistic", n_big, 50, binomial(), function(eta, n) rbinom(n, 1, plogis(eta)))
run_case("Poisson", n_big / 2, 50, poisson(), function(eta, n) rpois(n, exp(eta)))
run_case("logistic, p = 200", n_big / 5, 200, binomial(), function(eta, n) rbinom(n, 1, plogis(eta)))
