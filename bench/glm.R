# bench/glm.R -- newton_glm_fit vs glm.fit, fastglm, speedglm and parglm
# (matrix interface), and newton_glm vs glm (formula interface).  Prints time
# RATIOS measured in this one run (the machine is shared, so absolute times
# are noisy; ratios from one run are what count), the largest coefficient
# difference from glm.fit, and peak memory via gc() "max used".
# Writes bench/results/glm.txt and bench/results/glm.csv (columns: case, n,
# p, peer, peer_seconds, newtonr_seconds, ratio).
# Run from the package root: Rscript bench/glm.R [quick]
suppressMessages(library(newtonr))
args <- commandArgs(TRUE)
quick <- "quick" %in% args
out_txt <- if (quick) tempfile() else "bench/results/glm.txt"
out_csv <- if (quick) tempfile() else "bench/results/glm.csv"
dir.create("bench/results", showWarnings = FALSE)
log_lines <- character()
say <- function(...) {
  line <- sprintf(...)
  cat(line, "\n", sep = "")
  log_lines <<- c(log_lines, line)
}
rows <- list()
add_row <- function(case, n, p, peer, peer_t, ours_t) {
  rows[[length(rows) + 1L]] <<- data.frame(case = case, n = n, p = p, peer = peer,
                                           peer_seconds = round(peer_t, 3),
                                           newtonr_seconds = round(ours_t, 3),
                                           ratio = round(peer_t / ours_t, 2))
}
# elapsed seconds and peak memory (MB, Ncells + Vcells max used since reset)
tm <- function(expr) {
  gc(reset = TRUE)
  t <- system.time(val <- force(expr))[["elapsed"]]
  mem <- sum(gc()[, 6L])
  list(t = t, val = val, mem = mem)
}
sim <- function(n, p, gen, seed = 42) {
  set.seed(seed)
  x <- cbind("(Intercept)" = 1, matrix(rnorm(n * (p - 1)), n,
                                       dimnames = list(NULL, paste0("x", seq_len(p - 1)))))
  y <- gen(drop(x %*% c(0.1, rnorm(p - 1, sd = 0.5 / sqrt(p)))), n)
  list(x = x, y = y)
}

loadavg <- function() {
  if (file.exists("/proc/loadavg")) paste(strsplit(readLines("/proc/loadavg"), " ")[[1]][1:3], collapse = " ") else "n/a"
}
say("newtonr GLM benchmark, %s; AVX2/FMA kernel: %s; threads: OpenMP default; %d cores; load average at start: %s",
    format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), newtonr:::glm_simd_cpp(),
    parallel::detectCores(), loadavg())

run_case <- function(label, n, p, family, gen, peers = TRUE) {
  d <- sim(n, p, gen)
  x <- d$x; y <- d$y
  say("")
  say("== %s: n = %g, p = %d ==", label, n, p)
  ours <- tm(newton_glm_fit(x, y, family = family))
  base <- tm(glm.fit(x, y, family = family))
  dcoef <- max(abs(ours$val$coefficients - base$val$coefficients))
  say("glm.fit %.2fs; newton_glm_fit %.2fs: %.1fx faster; max |coef diff| %.1e; iterations %d vs %d",
      base$t, ours$t, base$t / ours$t, dcoef, ours$val$iter, base$val$iter)
  say("peak memory (MB, gc max used incl. the %.0f MB of x): glm.fit %.0f, newton_glm_fit %.0f",
      object.size(x) / 2^20, base$mem, ours$mem)
  add_row(label, n, p, "glm.fit", base$t, ours$t)
  rm(base); invisible(gc())
  if (!peers) return(invisible(NULL))
  if (requireNamespace("fastglm", quietly = TRUE)) {
    fg <- tm(fastglm::fastglm(x, y, family = family, method = 2L))
    say("fastglm (method 2, Cholesky) %.2fs: newton_glm_fit %.1fx faster; max |coef diff| %.1e",
        fg$t, fg$t / ours$t, max(abs(fg$val$coefficients - ours$val$coefficients)))
    add_row(label, n, p, "fastglm", fg$t, ours$t)
  }
  if (requireNamespace("speedglm", quietly = TRUE)) {
    sg <- tm(speedglm::speedglm.wfit(y, x, family = family))
    say("speedglm.wfit %.2fs: newton_glm_fit %.1fx faster", sg$t, sg$t / ours$t)
    add_row(label, n, p, "speedglm", sg$t, ours$t)
  }
  if (requireNamespace("parglm", quietly = TRUE)) {
    pg <- tm(parglm::parglm.fit(x, y, family = family,
                                control = parglm::parglm.control(nthreads = 2L)))
    say("parglm.fit (2 threads) %.2fs: newton_glm_fit %.1fx faster", pg$t, pg$t / ours$t)
    add_row(label, n, p, "parglm", pg$t, ours$t)
  }
  invisible(NULL)
}

# Warm-up: the first call of any fitter pays for lazy loading, byte
# compilation and thread start-up; give every fitter one small fit first.
local({
  d <- sim(2000, 5, function(eta, n) rbinom(n, 1, plogis(eta)))
  df <- data.frame(y = d$y, d$x[, -1])
  invisible(newton_glm_fit(d$x, d$y, family = binomial()))
  invisible(glm.fit(d$x, d$y, family = binomial()))
  invisible(newton_glm(y ~ ., family = binomial, data = df))
  invisible(glm(y ~ ., family = binomial, data = df))
  if (requireNamespace("fastglm", quietly = TRUE)) invisible(fastglm::fastglm(d$x, d$y, family = binomial(), method = 2L))
  if (requireNamespace("speedglm", quietly = TRUE)) invisible(speedglm::speedglm.wfit(d$y, d$x, family = binomial()))
  if (requireNamespace("parglm", quietly = TRUE)) invisible(parglm::parglm.fit(d$x, d$y, family = binomial(), control = parglm::parglm.control(nthreads = 2L)))
})

n_big <- if (quick) 2e5 else 1e6
logit_gen <- function(eta, n) rbinom(n, 1, plogis(eta))
run_case("logistic", n_big, 50, binomial(), logit_gen)
run_case("Poisson", n_big, 50, poisson(), function(eta, n) rpois(n, exp(eta)))
run_case("logistic p=200", n_big / 5, 200, binomial(), logit_gen)

# Formula interface: newton_glm(y ~ ., data) vs glm(y ~ ., data); the
# model.frame/model.matrix cost counts.
local({
  d <- sim(n_big, 50, logit_gen)
  df <- data.frame(y = d$y, d$x[, -1])
  rm(d); invisible(gc())
  say("")
  say("== formula interface, logistic: n = %g, p = 50 (y ~ ., data frame) ==", n_big)
  ours <- tm(newton_glm(y ~ ., family = binomial, data = df))
  base <- tm(glm(y ~ ., family = binomial, data = df))
  say("glm %.2fs; newton_glm %.2fs: %.1fx faster; max |coef diff| %.1e",
      base$t, ours$t, base$t / ours$t, max(abs(coef(ours$val) - coef(base$val))))
  say("peak memory (MB, gc max used incl. the %.0f MB data frame): glm %.0f, newton_glm %.0f",
      object.size(df) / 2^20, base$mem, ours$mem)
  say("object size (MB): glm %.0f, newton_glm %.0f",
      object.size(base$val) / 2^20, object.size(ours$val) / 2^20)
  add_row("formula logistic", n_big, 50, "glm", base$t, ours$t)
})

res <- do.call(rbind, rows)
say("")
say("load average at the end: %s (other processes share the cores: ratios move with the load)", loadavg())
say("Ratios (peer seconds / newtonr seconds, same run):")
for (i in seq_len(nrow(res))) {
  say("  %-18s %-9s %6.2fx", res$case[i], res$peer[i], res$ratio[i])
}
writeLines(log_lines, out_txt)
utils::write.csv(res, out_csv, row.names = FALSE)
