# bench/time-it.R -- the timer shared by the bench scripts (sourced from the
# package root).  time_it(go) calls go() and returns list(r = its value,
# el = elapsed seconds).  Runs shorter than 50 ms are repeated in a batch (up
# to max_reps calls; the clock ticks in ms) and the batch time divided;
# `runs` > 1 repeats the whole measurement and keeps the median.
time_it <- function(go, runs = 1L, max_reps = 500L) {
  one <- function() {
    t0 <- proc.time()[["elapsed"]]
    r <- go()
    el <- proc.time()[["elapsed"]] - t0
    if (el < 0.05) {
      reps <- min(max_reps, ceiling(0.05 / max(el, 1e-4)))
      t0 <- proc.time()[["elapsed"]]
      for (k in seq_len(reps)) go()
      el <- (proc.time()[["elapsed"]] - t0) / reps
    }
    list(r = r, el = el)
  }
  m <- lapply(seq_len(runs), function(k) one())
  list(r = m[[1]]$r, el = stats::median(vapply(m, `[[`, 0, "el")))
}
