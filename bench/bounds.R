# bench/bounds.R -- issue 16's targets for newton_optim(lower, upper), one run:
#
# 1. Every problem of newtonr:::bounds_problem_list() (HS 1, 2, 3, 4, 5, 25,
#    38, 45, 110 with bounds only, and eight bounded Moré-Garbow-Hillstrom
#    variants whose bounds cut off the unconstrained minimiser; each bound is
#    documented in R/problems-bounds.R) by every method with exact
#    derivatives (gr, and hess where the method uses it): solved (f within
#    rel. 1e-6 of f*, or of a documented local minimum), false successes
#    (code 0 elsewhere) and evaluations outside the box (fn, gr, hess wrapped
#    to count them) -- for trust and lbfgs also with gr only and with fn only.
# 2. Evaluations (calls of fn + gr + hess, counted by wrappers, the same for
#    every solver): trust with exact derivatives vs nlminb with gr and hess;
#    lbfgs with gr vs optim(method = "L-BFGS-B") with gr (and lbfgsb3c when
#    installed), on the problems both solve; the start is projected onto the
#    box for the peers (HS 2 and HS 45 start outside it).
# 3. The unbounded path: the MGH set (test_problems()) by newton, trust,
#    bfgs, lbfgs with lower = -Inf, upper = Inf against no bounds: identical
#    results, and the time ratio (median of 5 repetitions per problem).
#
# Run from the package root with newtonr installed:
#   Rscript bench/bounds.R      (writes bench/results/bounds.txt)
suppressPackageStartupMessages(library(newtonr))
options(width = 160)
dir.create(file.path("bench", "results"), showWarnings = FALSE, recursive = TRUE)
sink(file.path("bench", "results", "bounds.txt"), split = TRUE)
have_l3c <- requireNamespace("lbfgsb3c", quietly = TRUE)
cat(sprintf("%s, newtonr %s, lbfgsb3c %s, %s\n\n", R.version.string, utils::packageVersion("newtonr"),
            if (have_l3c) as.character(utils::packageVersion("lbfgsb3c")) else "not installed",
            format(Sys.time(), tz = "UTC", usetz = TRUE)))

P <- newtonr:::bounds_problem_list()
methods <- c("newton", "trust", "newton-cg", "bfgs", "lbfgs", "gd")

# fn, gr, hess counting calls and calls outside the box
counted <- function(p) {
  n <- c(fn = 0, gr = 0, hess = 0, out = 0)
  w <- function(f, k) function(x, ...) {
    n[[k]] <<- n[[k]] + 1
    if (any(x < p$lower | x > p$upper)) n[["out"]] <<- n[["out"]] + 1
    f(x)
  }
  list(fn = w(p$fn, "fn"), gr = w(p$gr, "gr"), hess = w(p$hess, "hess"), n = function() n)
}
reached <- function(p, f) any(abs(f - c(p$fstar, p$local_minima)) <= 1e-6 * max(1, abs(p$fstar)))
proj <- function(p) pmin(pmax(p$x0, p$lower), p$upper)

run_ours <- function(p, m, level) {
  cb <- counted(p)
  r <- suppressWarnings(newton_optim(p$x0, cb$fn, if (level != "none") cb$gr,
                                     if (level == "exact") cb$hess, method = m,
                                     lower = p$lower, upper = p$upper,
                                     control = list(maxit = if (m == "gd") 5000 else 500)))
  ok <- reached(p, r$value)
  data.frame(problem = p$name, method = m, derivs = level, code = r$convergence, solved = ok,
             false_success = r$convergence == 0L && !ok, evals = sum(cb$n()[1:3]),
             outside = cb$n()[["out"]])
}

cat("== 1. every method on every bounded problem ==\n")
runs <- list()
for (p in P) for (m in methods) {
  runs[[length(runs) + 1L]] <- run_ours(p, m, "exact")
  if (m %in% c("trust", "lbfgs")) {
    runs[[length(runs) + 1L]] <- run_ours(p, m, "gr")
    runs[[length(runs) + 1L]] <- run_ours(p, m, "none")
  }
}
runs <- do.call(rbind, runs)
tab <- aggregate(cbind(solved, false_success, outside) ~ method + derivs, runs, sum)
tab$problems <- length(P)
print(tab, row.names = FALSE)
cat("\nnot solved (code, an honest status when not 0):\n")
print(runs[!runs$solved, c("problem", "method", "derivs", "code")], row.names = FALSE)

cat("\n== 2. evaluations against the peers (fn + gr + hess calls) ==\n")
peer_rows <- lapply(P, function(p) {
  x0 <- proj(p)
  a <- counted(p)
  o <- nlminb(x0, a$fn, a$gr, a$hess, lower = p$lower, upper = p$upper)
  b <- counted(p)
  l <- optim(x0, b$fn, b$gr, method = "L-BFGS-B", lower = p$lower, upper = p$upper)
  row <- data.frame(problem = p$name,
                    trust = runs$evals[runs$problem == p$name & runs$method == "trust" & runs$derivs == "exact"],
                    trust_ok = runs$solved[runs$problem == p$name & runs$method == "trust" & runs$derivs == "exact"],
                    nlminb = sum(a$n()[1:3]), nlminb_ok = reached(p, o$objective),
                    lbfgs = runs$evals[runs$problem == p$name & runs$method == "lbfgs" & runs$derivs == "gr"],
                    lbfgs_ok = runs$solved[runs$problem == p$name & runs$method == "lbfgs" & runs$derivs == "gr"],
                    lbfgsb = sum(b$n()[1:3]), lbfgsb_ok = reached(p, l$value),
                    peers_outside = a$n()[["out"]] + b$n()[["out"]])
  if (have_l3c) {
    c3 <- counted(p)
    l3 <- lbfgsb3c::lbfgsb3c(x0, c3$fn, c3$gr, lower = p$lower, upper = p$upper)
    row$lbfgsb3c <- sum(c3$n()[1:3])
    row$lbfgsb3c_ok <- reached(p, l3$value)
  }
  row
})
peer <- do.call(rbind, peer_rows)
print(peer, row.names = FALSE)
both_t <- peer$trust_ok & peer$nlminb_ok
both_l <- peer$lbfgs_ok & peer$lbfgsb_ok
cat(sprintf("\ntrust (exact) / nlminb (gr, hess): total evaluations %d / %d = %.2f on the %d problems both solve;",
            sum(peer$trust[both_t]), sum(peer$nlminb[both_t]),
            sum(peer$trust[both_t]) / sum(peer$nlminb[both_t]), sum(both_t)))
cat(sprintf(" per problem ratio: median %.2f, max %.2f; trust at most nlminb on %d of %d\n",
            stats::median(peer$trust[both_t] / peer$nlminb[both_t]),
            max(peer$trust[both_t] / peer$nlminb[both_t]),
            sum(peer$trust[both_t] <= peer$nlminb[both_t]), sum(both_t)))
cat(sprintf("lbfgs (gr) / optim L-BFGS-B (gr): total evaluations %d / %d = %.2f on the %d problems both solve;",
            sum(peer$lbfgs[both_l]), sum(peer$lbfgsb[both_l]),
            sum(peer$lbfgs[both_l]) / sum(peer$lbfgsb[both_l]), sum(both_l)))
cat(sprintf(" per problem ratio: median %.2f, max %.2f; lbfgs at most L-BFGS-B on %d of %d\n",
            stats::median(peer$lbfgs[both_l] / peer$lbfgsb[both_l]),
            max(peer$lbfgs[both_l] / peer$lbfgsb[both_l]),
            sum(peer$lbfgs[both_l] <= peer$lbfgsb[both_l]), sum(both_l)))
cat(sprintf("solved: trust %d, nlminb %d, lbfgs %d, L-BFGS-B %d of %d\n", sum(peer$trust_ok),
            sum(peer$nlminb_ok), sum(peer$lbfgs_ok), sum(peer$lbfgsb_ok), nrow(peer)))

cat("\n== 3. the unbounded path: MGH set with lower = -Inf, upper = Inf vs no bounds ==\n")
time_of <- function(expr_fun, reps = 5L) {
  stats::median(vapply(seq_len(reps), function(i) system.time(expr_fun())[["elapsed"]], 0))
}
un <- list()
for (nm in test_problems("optim")) {
  p <- test_problem(nm)
  for (m in c("newton", "trust", "bfgs", "lbfgs")) {
    h <- if (m %in% c("newton", "trust")) p$hess
    f0 <- function() suppressWarnings(newton_optim(p$par, p$fn, p$gr, h, method = m))
    f1 <- function() suppressWarnings(newton_optim(p$par, p$fn, p$gr, h, method = m,
                                                   lower = -Inf, upper = Inf))
    same <- identical(f0(), f1())
    un[[length(un) + 1L]] <- data.frame(problem = nm, method = m, identical = same,
                                        t_none = time_of(f0), t_inf = time_of(f1))
  }
}
un <- do.call(rbind, un)
cat(sprintf("identical results: %d of %d runs\n", sum(un$identical), nrow(un)))
cat(sprintf("time with infinite bounds / without: %.3f (total %.2f s / %.2f s, medians of 5)\n",
            sum(un$t_inf) / sum(un$t_none), sum(un$t_inf), sum(un$t_none)))
sink()
