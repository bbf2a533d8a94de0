# bench/root.R -- newton_root() against uniroot(), measured in one run:
# (1) calls of f (and fprime) and solved counts on the Alefeld-Potra-Shi
#     collection (ACM TOMS 748, the 154 instances of test_problems("roots"))
#     at tol = 1e-12, with SciPy's published toms748 total for reference;
# (2) time per solve on four small problems, as ratios.
#
# Run from the package folder after installing newtonr:  Rscript bench/root.R
suppressPackageStartupMessages(library(newtonr))
options(width = 130)

# ---- (1) the APS collection ------------------------------------------------
aps_tol <- 1e-12
probs <- lapply(test_problems("roots"), test_problem, set = "roots")
# solved: converged and within 2 tol (relative above 1) of the published
# root, or f exactly 0 there (aps.13.00, where f underflows to 0 near 0);
# false success: converged and not solved
is_solved <- function(p, root) {
  abs(root - p$root) <= 2 * aps_tol * max(1, abs(p$root)) || p$fn(root) == 0
}
uni <- vapply(probs, function(p) {
  calls <- 0
  g <- function(x) { calls <<- calls + 1; p$fn(x) }
  u <- tryCatch(uniroot(g, p$interval, tol = aps_tol, maxiter = 1000), error = function(e) NULL)
  ok <- !is.null(u) && is_solved(p, u$root)
  c(converged = !is.null(u), solved = ok, f = calls, fprime = 0)
}, numeric(4))
ours <- function(tol = aps_tol, use_fprime = FALSE, method = "newton") {
  vapply(probs, function(p) {
    r <- suppressWarnings(newton_root(p$fn, interval = p$interval, tol = tol, method = method,
                                      fprime = if (use_fprime) p$fprime))
    c(converged = r$converged, solved = r$converged && is_solved(p, r$root),
      f = r$evals, fprime = r$evals_fprime)
  }, numeric(4))
}
# Newton's step tried before the interpolation (RootOptions::newton_first,
# set in the control list, for this comparison only)
newton_first <- vapply(probs, function(p) {
  ctrl <- newtonr:::root_control(tol = aps_tol, interval = p$interval)
  ctrl$newton_first <- TRUE  # a RootOptions field the R interface does not expose
  r <- newtonr:::newton_root_cpp(p$fn, p$fprime, NULL, FALSE, NA_real_, ctrl)
  c(converged = r$converged, solved = r$converged && is_solved(p, r$root),
    f = r$evals, fprime = r$evals_fprime)
}, numeric(4))
runs <- list(
  "uniroot" = uni,
  "newton_root, fprime" = ours(use_fprime = TRUE),
  "newton_root, numerical f'" = ours(),
  "newton_root, secant" = ours(method = "secant"),
  "newton_root, fprime, tol/2" = ours(aps_tol / 2, use_fprime = TRUE),
  "newton_root, secant, tol/2" = ours(aps_tol / 2, method = "secant"),
  "newton_root, fprime, Newton first" = newton_first
)
tab <- do.call(rbind, lapply(names(runs), function(nm) {
  m <- runs[[nm]]
  data.frame(solver = nm, solved = sum(m["solved", ]),
             false_success = sum(m["converged", ] & !m["solved", ]),
             calls_f = sum(m["f", ]), calls_fprime = sum(m["fprime", ]),
             total = sum(m["f", ] + m["fprime", ]))
}))
tab$ratio_uniroot <- round(tab$total / tab$total[1], 3)
tab$ratio_toms748 <- round(tab$total / 2613, 3)
cat(sprintf("APS collection (%d instances), tol = %g: calls of f and fprime; ratios are total calls\n",
            length(probs), aps_tol))
cat("over uniroot's calls of f in this run, and over SciPy's published toms748 total (2613).\n")
cat("uniroot's tol is the final bracket width, newton_root's half of it: the tol/2 rows compare\n")
cat("equal final widths.\n\n")
print(tab, row.names = FALSE)
unsolved <- lapply(runs, function(m) names(probs)[m["solved", ] == 0])
for (nm in names(unsolved)) {
  if (length(unsolved[[nm]])) cat(sprintf("unsolved by %s: %s\n", nm, paste(unsolved[[nm]], collapse = ", ")))
}
fam <- vapply(probs, function(p) sprintf("%02d", p$family), "")
per_family <- rbind(
  instances = table(fam),
  uniroot = tapply(uni["f", ], fam, sum),
  fprime = tapply(colSums(runs[[2]][c("f", "fprime"), ]), fam, sum),
  secant = tapply(runs[[4]]["f", ], fam, sum))
cat("\nCalls by family (f + fprime):\n")
print(per_family)

# ---- (2) time per solve ----------------------------------------------------
cat("\n")
tol <- 1e-10
reps <- 1000L

problems <- list(
  cubic = list(f = function(x) x^3 - 72*x - 220, fp = function(x) 3*x^2 - 72,
               fml = ~ x^3 - 72*x - 220, x0 = 12, interval = c(8, 12)),
  quintic = list(f = function(x) 6*x^5 - 5*x^4 - 4*x^3 + 3*x^2,
                 fp = function(x) 30*x^4 - 20*x^3 - 12*x^2 + 6*x,
                 fml = ~ 6*x^5 - 5*x^4 - 4*x^3 + 3*x^2, x0 = 0.7, interval = c(0.5, 0.8)),
  kepler = list(f = function(x) x - 0.3 * sin(x) - 1, fp = function(x) 1 - 0.3 * cos(x),
                fml = ~ x - 0.3 * sin(x) - 1, x0 = 1, interval = c(0, 2)),
  exp = list(f = function(x) exp(x) - 5 * x, fp = function(x) exp(x) - 5,
             fml = ~ exp(x) - 5 * x, x0 = 0, interval = c(-1, 1))
)

time_per_call <- function(expr_fun) {
  expr_fun()  # warm up
  t <- system.time(for (i in seq_len(reps)) expr_fun())[["elapsed"]]
  t / reps * 1e6  # microseconds
}

rows <- list()
for (nm in names(problems)) {
  p <- problems[[nm]]
  ref <- uniroot(p$f, p$interval, tol = tol)
  t_uni <- time_per_call(function() uniroot(p$f, p$interval, tol = tol))
  variants <- list(
    "newton, f + fprime" = function() newton_root(p$f, p$x0, fprime = p$fp, tol = tol),
    "newton, numerical f'" = function() newton_root(p$f, p$x0, tol = tol),
    "newton, formula" = function() newton_root(p$fml, p$x0, tol = tol),
    "safeguarded, f + fprime" = function() newton_root(p$f, fprime = p$fp, interval = p$interval, tol = tol),
    "secant" = function() newton_root(p$f, p$x0, method = "secant", tol = tol)
  )
  for (v in names(variants)) {
    res <- variants[[v]]()
    t_v <- time_per_call(variants[[v]])
    rows[[length(rows) + 1L]] <- data.frame(
      problem = nm, variant = v, us_newtonr = round(t_v, 1), us_uniroot = round(t_uni, 1),
      ratio = round(t_v / t_uni, 2), iter = res$iter, uniroot_iter = ref$iter,
      same_root = abs(res$root - ref$root) < 1e-8)
  }
}
out <- do.call(rbind, rows)
cat(sprintf("newton_root vs uniroot, tol = %g, %d solves each; time in microseconds per solve\n",
            tol, reps))
cat(sprintf("machine: %s, %d cores, %s\n", R.version$platform, parallel::detectCores(),
            sub("model name\t: ", "", grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1])))
print(out, row.names = FALSE)
agg <- aggregate(ratio ~ variant, out, function(r) exp(mean(log(r))))
names(agg)[2] <- "geomean_ratio"
cat("\nGeometric mean ratio (newton_root / uniroot) by variant:\n")
print(agg, row.names = FALSE)
# vectorised: k problems in one call against k calls of uniroot
k <- 100L
starts <- seq(9, 12, length.out = k)
f <- problems$cubic$f; fp <- problems$cubic$fp
t_vec <- system.time(for (i in 1:20) newton_root(f, starts, fprime = fp, tol = tol))[["elapsed"]] / 20
t_uk <- system.time(for (i in 1:20) for (s in starts) uniroot(f, c(8, 12), tol = tol))[["elapsed"]] / 20
cat(sprintf("\nVectorised, %d starts in one call: %.2f ms vs %d uniroot calls %.2f ms (ratio %.2f)\n",
            k, t_vec * 1e3, k, t_uk * 1e3, t_vec / t_uk))
