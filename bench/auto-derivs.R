# bench/auto-derivs.R -- does method = "auto" choose well when the Hessian is
# NOT supplied?  bench/auto-threshold.R set the threshold (200) with an exact
# Hessian.  Without one, newton_optim's "newton" builds the Hessian by finite
# differences every iteration: p gradient calls when `gr` is given, about p^2
# function calls when only `fn` is.  This script times newton, lbfgs and bfgs
# (newtonr) and optim's BFGS and nlm (peers, same run) to solution, for three
# levels of derivative information, as p grows, and prints the ratio
# newton time / lbfgs time.
#
# Problems: extended Rosenbrock from (-1.2, 1, ...) and a dense convex
# quadratic plus quartic (condition number 100), as in auto-threshold.R.
# Run from the package root: Rscript bench/auto-derivs.R
# (writes bench/results/auto-derivs.{txt,csv})
suppressPackageStartupMessages(library(newtonr))
options(width = 150)
out_dir <- file.path("bench", "results")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
sink(file.path(out_dir, "auto-derivs.txt"), split = TRUE)
cpu <- grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1]
cat(sprintf("machine: %s, nproc = %s, %s\n%s\nload average at start: %s\n\n",
            trimws(sub(".*:", "", cpu)), system("nproc", intern = TRUE), R.version.string,
            format(Sys.time(), tz = "UTC", usetz = TRUE),
            paste(readLines("/proc/loadavg"), collapse = "")))

rosen <- function(n) {
  i <- seq(1, n, 2)
  fn <- function(x) sum(100 * (x[i + 1] - x[i]^2)^2 + (1 - x[i])^2)
  gr <- function(x) {
    g <- numeric(n); t <- x[i + 1] - x[i]^2
    g[i] <- -400 * x[i] * t - 2 * (1 - x[i]); g[i + 1] <- 200 * t; g
  }
  hess <- function(x) {
    H <- matrix(0, n, n)
    H[cbind(i, i)] <- 1200 * x[i]^2 - 400 * x[i + 1] + 2
    H[cbind(i, i + 1)] <- H[cbind(i + 1, i)] <- -400 * x[i]
    H[cbind(i + 1, i + 1)] <- 200
    H
  }
  list(name = "ext_rosenbrock", fn = fn, gr = gr, hess = hess,
       par = rep(c(-1.2, 1), n / 2), minimum = 0)
}
quartic <- function(n) {
  set.seed(n)
  Q <- qr.Q(qr(matrix(rnorm(n * n), n)))
  A <- Q %*% (seq(1, 100, length.out = n) * t(Q)); A <- (A + t(A)) / 2
  b <- rnorm(n)
  fn <- function(x) 0.5 * sum(x * (A %*% x)) - sum(b * x) + 0.25 * sum(x^4)
  gr <- function(x) drop(A %*% x) - b + x^3
  hess <- function(x) { H <- A; diag(H) <- diag(H) + 3 * x^2; H }
  ref <- optim(rep(0, n), fn, gr, method = "BFGS",
               control = list(maxit = 10000, reltol = 1e-15))$value
  list(name = "quartic", fn = fn, gr = gr, hess = hess, par = rep(1, n), minimum = ref)
}

source(file.path("bench", "time-it.R"))  # time_it(): median of 3 runs below

rows <- list()
for (n in c(2, 4, 6, 10, 20, 50, 100)) for (mk in list(rosen, quartic)) {
  p <- mk(n)
  for (info in c("fn", "fn+gr", "fn+gr+hess")) {
    gr <- if (info == "fn") NULL else p$gr
    hs <- if (info == "fn+gr+hess") p$hess else NULL
    # fn-only Newton at p = 100 takes ~5 s per run: one run there
    calls <- list(
      newton = function() newton_optim(p$par, p$fn, gr, hs, method = "newton",
                                       control = list(maxit = 5000)),
      bfgs = function() newton_optim(p$par, p$fn, gr, method = "bfgs",
                                     control = list(maxit = 5000)),
      lbfgs = function() newton_optim(p$par, p$fn, gr, method = "lbfgs",
                                      control = list(maxit = 5000)),
      `peer:optim-BFGS` = function() {
        o <- optim(p$par, p$fn, gr, method = "BFGS", control = list(maxit = 5000, reltol = 1e-12))
        list(value = o$value, iterations = NA, convergence = o$convergence)
      },
      `peer:nlm` = function() {
        o <- if (is.null(gr)) nlm(p$fn, p$par, iterlim = 5000)
             else nlm(function(x) structure(p$fn(x), gradient = p$gr(x)), p$par, iterlim = 5000)
        list(value = o$minimum, iterations = o$iterations, convergence = 0L)
      })
    for (m in names(calls)) {
      tm <- suppressWarnings(time_it(calls[[m]], runs = 3, max_reps = 200))
      rows[[length(rows) + 1L]] <- data.frame(
        problem = p$name, n = n, info = info, method = m,
        iter = tm$r$iterations, time_s = tm$el,
        solved = abs(tm$r$value - p$minimum) <= 1e-6 * (1 + abs(p$minimum)))
    }
  }
}
res <- do.call(rbind, rows)
write.csv(res, file.path(out_dir, "auto-derivs.csv"), row.names = FALSE)

cat("Time to solution (ms), median of 3, by problem / derivatives supplied / p:\n")
res$ms <- signif(1000 * res$time_s, 3)
wide <- reshape(res[, c("problem", "info", "n", "method", "ms")],
                idvar = c("problem", "info", "n"), timevar = "method", direction = "wide")
names(wide) <- sub("^ms\\.", "", names(wide))
print(wide, row.names = FALSE)
cat("\nUnsolved runs (|f - f*| > 1e-6 (1 + |f*|)):\n")
print(res[!res$solved, c("problem", "n", "info", "method", "iter")], row.names = FALSE)
cat("\nRatio newton time / lbfgs time (same run; < 1: newton faster):\n")
r <- with(res, tapply(time_s, list(paste(problem, info), method, n), identity))
print(round(r[, "newton", ] / r[, "lbfgs", ], 2))
cat(sprintf("\nload average at the end: %s\n", paste(readLines("/proc/loadavg"), collapse = "")))
sink()
