# bench/glm-bigp.R -- dense IRLS at moderate-to-large p (issue 17, "Dense IRLS
# at moderate-to-large p"): newton_glm_fit vs fastglm's LLT (method = 2) vs
# glm.fit on a logistic regression with n = 5,000 and p = 1,000 / 2,000 /
# 3,000 (x: intercept + N(0, 1) columns; beta ~ N(0, (0.5/sqrt(p))^2); seed
# 42).  Every fitter runs `maxit` IRLS iterations (default 2, all stopped by
# their own maxit, so each does the same number of X'WX + solve steps; the
# non-convergence warnings are expected and suppressed) and the time per
# iteration (elapsed / iterations reported) is compared.  Each fit runs in a
# child Rscript that builds the data, resets the peak RSS (clear_refs), then
# reads VmHWM from /proc/self/status before and after the fit: the increase is
# the fit's own peak memory (x and the data are counted in "base").
# Prints RATIOS measured in this one run (the machine is shared).
#
# Usage, from the package root:
#   Rscript bench/glm-bigp.R [quick] [glmfit3000] [maxit=2] [before=/path/to/lib]
# quick: p = 1000 only.  glmfit3000: glm.fit also at p = 3000 (slow).
# before=LIB: also times newtonr installed in LIB (e.g. a build of main), in
# the same run, as the row "newtonr-before".
# Writes bench/results/glm-bigp.txt unless quick.
args <- commandArgs(TRUE)
quick <- "quick" %in% args
kv <- function(key, default) {
  a <- grep(paste0("^", key, "="), args, value = TRUE)
  if (length(a)) sub(paste0("^", key, "="), "", a[1]) else default
}
maxit <- as.integer(kv("maxit", "2"))
before_lib <- kv("before", "")
ps <- if (quick) 1000 else c(1000, 2000, 3000)
n <- 5000
lib_now <- Sys.getenv("R_LIBS")

child <- '
args <- commandArgs(TRUE)
fitter <- args[1]; n <- as.integer(args[2]); p <- as.integer(args[3]); maxit <- as.integer(args[4])
hwm <- function() {
  s <- grep("^VmHWM", readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", s)) / 1024
}
set.seed(42)
x <- cbind(1, matrix(rnorm(n * (p - 1)), n))
y <- rbinom(n, 1, plogis(drop(x %*% c(0.1, rnorm(p - 1, sd = 0.5 / sqrt(p))))))
fam <- binomial()
if (fitter %in% c("newtonr", "newtonr-before")) {
  suppressMessages(library(newtonr))
  ctl <- newton_glm_control(maxit = maxit)
  f <- function() newton_glm_fit(x, y, family = fam, control = ctl)
} else if (fitter == "fastglm") {
  f <- function() fastglm::fastglm(x, y, family = fam, method = 2L, maxit = maxit)
} else {
  f <- function() glm.fit(x, y, family = fam, control = glm.control(maxit = maxit))
}
# warm-up on a small problem (lazy loading, byte compilation)
local({ xs <- x[1:200, 1:5]; ys <- y[1:200]
  if (fitter == "fastglm") fastglm::fastglm(xs, ys, family = fam, method = 2L)
  else if (fitter == "glm.fit") glm.fit(xs, ys, family = fam)
  else newton_glm_fit(xs, ys, family = fam) })
invisible(gc())
# reset the high-water mark to the current RSS (Linux >= 4.0: "5" written to
# /proc/self/clear_refs), so that the data generation peak is not counted;
# where that is refused, VmHWM before the fit is the baseline
reset <- tryCatch({ writeLines("5", "/proc/self/clear_refs"); TRUE }, error = function(e) FALSE,
                  warning = function(w) FALSE)
h0 <- hwm()
t <- system.time(fit <- suppressWarnings(f()))[["elapsed"]]
h1 <- hwm()
cf <- fit$coefficients
cat(sprintf("%s %d %.3f %d %.1f %.1f %s\\n", fitter, p, t, as.integer(fit$iter), h0, h1 - h0,
            paste(formatC(cf[1:3], digits = 10, format = "g"), collapse = ",")))
'
child_file <- tempfile(fileext = ".R")
writeLines(child, child_file)
run <- function(fitter, p) {
  # the before-library first, then R_LIBS as given (peers such as fastglm)
  lib <- if (fitter == "newtonr-before") paste(c(before_lib, lib_now), collapse = ":") else lib_now
  env <- if (nzchar(lib)) paste0("R_LIBS=", lib) else character()
  out <- system2(file.path(R.home("bin"), "Rscript"), c(child_file, fitter, n, p, maxit),
                 stdout = TRUE, env = env)
  f <- strsplit(tail(out, 1), " ")[[1]]
  data.frame(fitter = fitter, p = p, seconds = as.numeric(f[3]), iter = as.integer(f[4]),
             base_mb = as.numeric(f[5]), peak_mb = as.numeric(f[6]), coef = f[7])
}
log_lines <- character()
say <- function(...) {
  line <- sprintf(...)
  cat(line, "\n", sep = "")
  log_lines <<- c(log_lines, line)
}
loadavg <- function() paste(strsplit(readLines("/proc/loadavg"), " ")[[1]][1:3], collapse = " ")
say("bench/glm-bigp.R, %s; logistic, n = %d, %d IRLS iterations per fit; load average %s",
    format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), n, maxit, loadavg())
have_fastglm <- requireNamespace("fastglm", quietly = TRUE)
if (!have_fastglm) say("fastglm is not installed: its rows are skipped")
fitters <- c("newtonr", if (nzchar(before_lib)) "newtonr-before", if (have_fastglm) "fastglm",
             "glm.fit")
res <- list()
for (p in ps) {
  for (fitter in fitters) {
    if (fitter == "glm.fit" && p > 2000 && !("glmfit3000" %in% args)) next
    r <- run(fitter, p)
    r$per_iter <- r$seconds / r$iter
    res[[length(res) + 1]] <- r
    say("p = %4d  %-15s %7.2f s / %d it = %6.2f s per iteration; peak +%5.0f MB (base %4.0f MB); beta[1:3] %s",
        p, fitter, r$seconds, r$iter, r$per_iter, r$peak_mb, r$base_mb, r$coef)
  }
}
res <- do.call(rbind, res)
say("load average at the end: %s", loadavg())
say("Ratios (peer per-iteration seconds / newtonr per-iteration seconds; peer peak MB / newtonr peak MB), same run:")
for (p in ps) {
  ours <- res[res$fitter == "newtonr" & res$p == p, ]
  for (peer in setdiff(fitters, "newtonr")) {
    o <- res[res$fitter == peer & res$p == p, ]
    if (!nrow(o)) next
    say("  p = %4d  %-15s time %5.2fx   memory %5.2fx", p, peer, o$per_iter / ours$per_iter,
        o$peak_mb / ours$peak_mb)
  }
}
if (!quick) {
  dir.create("bench/results", showWarnings = FALSE)
  writeLines(log_lines, "bench/results/glm-bigp.txt")
}
