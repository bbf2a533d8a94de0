# bench/solve.R -- newton_solve() on MINPACK's test schedule (58 cases:
# the 14 square systems of More, Garbow & Hillstrom at 1x, 10x, 100x the
# standard start, plus Freudenstein-Roth) against nleqslv's Newton method
# with the double dogleg (and the Powell dogleg, and the hook step), all
# measured in this run. Every call of fn and jac is counted by a wrapper,
# so finite-difference Jacobians count the calls of fn they cost.
# "Solved": max |F(x)| <= 1e-8 at the returned x (recomputed here); a false
# success is a run that says it converged at a point where that fails.
# Run: R_LIBS=<lib> Rscript bench/solve.R > bench/solve-results.txt
suppressPackageStartupMessages({
  library(newtonr)
  library(nleqslv)
})
ftol <- 1e-8
maxit <- 200L
probs <- test_problems("systems")

counted <- function(p, jac) {
  nf <- 0L; nj <- 0L
  list(fn = function(x) { nf <<- nf + 1L; p$fn(x) },
       jac = if (jac) function(x) { nj <<- nj + 1L; p$jac(x) },
       counts = function() c(fn = nf, jac = nj))
}

run_ours <- function(p, jac) {
  w <- counted(p, jac)
  r <- suppressWarnings(newton_solve(w$fn, p$x0, w$jac,
                                     control = list(ftol = ftol, maxit = maxit)))
  res <- max(abs(p$fn(r$x)))
  c(solved = res <= ftol, claimed = r$converged, w$counts())
}
run_nleqslv <- function(p, jac, global) {
  w <- counted(p, jac)
  r <- tryCatch(nleqslv(p$x0, w$fn, w$jac, method = "Newton", global = global,
                        control = list(ftol = ftol, maxit = maxit)),
                error = function(e) NULL)
  if (is.null(r)) return(c(solved = FALSE, claimed = FALSE, w$counts()))
  res <- max(abs(p$fn(r$x)))
  c(solved = isTRUE(res <= ftol), claimed = r$termcd == 1L, w$counts())
}

rows <- lapply(probs, function(nm) {
  p <- test_problem(nm, set = "systems")
  list(name = nm, n = p$n,
       fd = rbind(ours = run_ours(p, FALSE), dbldog = run_nleqslv(p, FALSE, "dbldog"),
                  pwldog = run_nleqslv(p, FALSE, "pwldog"), hook = run_nleqslv(p, FALSE, "hook")),
       an = rbind(ours = run_ours(p, TRUE), dbldog = run_nleqslv(p, TRUE, "dbldog"),
                  pwldog = run_nleqslv(p, TRUE, "pwldog"), hook = run_nleqslv(p, TRUE, "hook")))
})

cat("newton_solve vs nleqslv(method = \"Newton\") on MINPACK's schedule,",
    length(probs), "cases; ftol =", ftol, ", maxit =", maxit, "\n")
cat(format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), "; nleqslv", as.character(packageVersion("nleqslv")), "\n\n")
cat("Per case: calls of fn (finite-difference Jacobian: all calls; analytic: fn + jac calls);",
    "'-' = not solved\n")
fmt <- function(m, who, analytic) {
  if (!m[who, "solved"]) return("-")
  if (analytic) sprintf("%d+%dJ", m[who, "fn"], m[who, "jac"]) else sprintf("%d", m[who, "fn"])
}
cat(sprintf("%-36s %3s | %6s %6s %6s %6s | %9s %9s %9s %9s\n", "case", "n", "ours", "dbldog",
            "pwldog", "hook", "ours", "dbldog", "pwldog", "hook"))
cat(sprintf("%-36s %3s | %-27s | %s\n", "", "", "finite differences (calls of fn)",
            "analytic Jacobian (fn + jac calls)"))
for (r in rows) {
  cat(sprintf("%-36s %3d | %6s %6s %6s %6s | %9s %9s %9s %9s\n", r$name, r$n,
              fmt(r$fd, "ours", FALSE), fmt(r$fd, "dbldog", FALSE), fmt(r$fd, "pwldog", FALSE),
              fmt(r$fd, "hook", FALSE), fmt(r$an, "ours", TRUE), fmt(r$an, "dbldog", TRUE),
              fmt(r$an, "pwldog", TRUE), fmt(r$an, "hook", TRUE)))
}

summary_row <- function(kind, peer) {
  M <- lapply(rows, `[[`, kind)
  solved <- sapply(M, function(m) m[, "solved"])
  false_succ <- sapply(M, function(m) m[, "claimed"] & !m[, "solved"])
  both <- solved["ours", ] & solved[peer, ]
  ev <- function(who, col) sum(sapply(M[both], function(m) m[who, col]))
  data.frame(jacobian = kind, peer = peer, ours_solved = sum(solved["ours", ]),
             peer_solved = sum(solved[peer, ]), ours_false = sum(false_succ["ours", ]),
             peer_false = sum(false_succ[peer, ]), both = sum(both),
             ours_fn = ev("ours", "fn"), peer_fn = ev(peer, "fn"),
             fn_ratio = round(ev("ours", "fn") / ev(peer, "fn"), 3),
             ours_jac = ev("ours", "jac"), peer_jac = ev(peer, "jac"),
             jac_ratio = if (kind == "an") round(ev("ours", "jac") / ev(peer, "jac"), 3) else NA,
             ours_fn_all = sum(sapply(M, function(m) m["ours", "fn"])),
             peer_fn_all = sum(sapply(M, function(m) m[peer, "fn"])),
             ours_fn_failed = sum(sapply(M[!solved["ours", ]], function(m) m["ours", "fn"])))
}
tab <- do.call(rbind, lapply(c("fd", "an"), function(k)
  do.call(rbind, lapply(c("dbldog", "pwldog", "hook"), function(p) summary_row(k, p)))))
tab$jacobian <- ifelse(tab$jacobian == "fd", "differences", "analytic")
cat("\nSummary (evaluation totals over the cases both solve; ratio = ours / peer;",
    "*_all: over all 58 cases; ours_fn_failed: spent on the cases newton_solve does not solve):\n")
print(tab, row.names = FALSE)
unsolved <- function(kind) names(Filter(function(r) !r[[kind]]["ours", "solved"],
                                        stats::setNames(rows, probs)))
cat("\nUnsolved by newton_solve, finite differences:", paste(unsolved("fd"), collapse = ", "), "\n")
cat("Unsolved by newton_solve, analytic Jacobian:  ", paste(unsolved("an"), collapse = ", "), "\n")
