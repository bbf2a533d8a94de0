# bench/optim-regress.R -- regression check for newton_optim's core: every
# Moré-Garbow-Hillstrom problem (test_problems()) x 6 methods x 3 derivative
# supplies (gr + hess, gr only, fn only), plus the teaching variants (pure
# Newton, the "previous" stopping rule, a fixed shift, a fixed learning rate)
# and maximisation; records par, value, counts, iterations, convergence,
# message, stationary and the trace's value/grad_norm/step columns.
#
#   Rscript bench/optim-regress.R out.rds            (record)
#   Rscript bench/optim-regress.R out.rds before.rds (record and compare)
# Comparison is exact (identical()); status 10 (the old "saddle" code) is
# read as 12 in a "before" file.  The controls use the old spellings
# (criterion = "documents", lambda), so that the script runs on the code
# before issue 13's redesign as well as after it (deprecation warnings are
# suppressed).  Results of the redesign: bench/results/optim-regress.txt.
suppressPackageStartupMessages(library(newtonr))
args <- commandArgs(TRUE)
run <- function(par, fn, gr = NULL, hess = NULL, method, control = list()) {
  r <- tryCatch(suppressWarnings(newton_optim(par, fn, gr, hess, method = method,
                                              control = c(list(maxit = 200L), control))),
                error = function(e) e)
  if (inherits(r, "error")) return(list(error = conditionMessage(r)))
  list(par = unname(r$par), value = r$value, counts = unname(r$counts),
       iterations = r$iterations, convergence = r$convergence, message = r$message,
       stationary = r$stationary, t_value = r$trace$value, t_gnorm = r$trace$grad_norm,
       t_step = r$trace$step)
}
res <- list()
methods <- c("newton", "trust", "newton-cg", "bfgs", "lbfgs", "gd")
for (nm in test_problems()) {
  p <- test_problem(nm)
  for (m in methods) {
    res[[paste(nm, m, "gh")]] <- run(p$par, p$fn, p$gr, p$hess, m)
    res[[paste(nm, m, "g")]] <- run(p$par, p$fn, p$gr, NULL, m)
    if (p$n <= 12) res[[paste(nm, m, "f")]] <- run(p$par, p$fn, NULL, NULL, m)
  }
}
cubic <- function(x) x^3 - 3 * x^2 - 45 * x + 40
res$pure <- run(42, cubic, method = "newton",
                control = list(line_search = FALSE, criterion = "documents", gtol = 1e-4))
res$pure2 <- run(6, function(x) 8 * x^3 - 2 * x^2 - 450 * x, method = "newton",
                 control = list(line_search = FALSE, criterion = "documents", gtol = 1e-4))
res$lam <- run(0.1, function(x) x^4 - 2 * x^2, method = "newton", control = list(lambda = 0.5))
res$lam_pure <- run(0.1, function(x) x^4 - 2 * x^2, method = "newton",
                    control = list(lambda = 0.5, line_search = FALSE))
res$saddle <- run(c(1e-3, 1e-3), function(x) x[1]^2 - x[2]^2 + x[2]^4, method = "newton")
res$saddle_t <- run(c(1e-3, 1e-3), function(x) x[1]^2 - x[2]^2 + x[2]^4, method = "trust")
res$lr <- run(c(3, 4), function(x) sum(x^2), method = "gd", control = list(lr = 0.1))
res$lr_div <- run(c(3, 4), function(x) sum(x^2), method = "gd", control = list(lr = 1.5))
res$max <- run(c(0.3, 0.2), function(x) -sum((x - 1)^2), method = "newton", control = list(fnscale = -1))
res$rosen_big <- run(rep(c(-1.2, 1), 50), test_problem("extended_rosenbrock", n = 100)$fn,
                     test_problem("extended_rosenbrock", n = 100)$gr, NULL, "lbfgs")
saveRDS(res, args[1])
if (length(args) > 1) {
  old <- readRDS(args[2])
  fix <- function(r) { if (identical(r$convergence, 10L)) r$convergence <- 12L; r }
  diff <- names(res)[!mapply(function(a, b) identical(fix(a), b), old[names(res)], res)]
  cat(length(res), "runs,", length(diff), "differ\n")
  for (d in diff) {
    a <- fix(old[[d]]); b <- res[[d]]
    cat(d, ":", paste(names(b)[!mapply(identical, a[names(b)], b)], collapse = ", "), "\n")
  }
}
