# bench/root.R -- time per solve of newton_root() against uniroot() on the
# same functions and tolerance, measured in one run, printed as ratios
# (newton_root time / uniroot time; below 1 means newtonr is faster).
#
# Run from the package folder after installing newtonr:  Rscript bench/root.R
suppressPackageStartupMessages(library(newtonr))
tol <- 1e-10
reps <- 2000L

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
