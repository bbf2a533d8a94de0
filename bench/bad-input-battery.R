# bad-input-battery.R -- the whole generated bad-input battery (issue 12):
# every case of tests/testthat/test-bad-input-battery.R (thousands; the
# testthat file runs a fast subset), each in a forked child of a fresh R
# process with a timeout.  Prints, per function, the counts of outcomes (ok,
# error, suspect, crash, hang) and of errors that do not name the argument,
# then lists every crash, hang, suspect result and unnamed error.
#
#   R_LIBS=/tmp/lib-x Rscript bench/bad-input-battery.R [timeout-seconds] [pattern]
#
# (run from the package root; `pattern` restricts the cases by a regular
# expression on their ids, e.g. "^newton_glm").  The full table is written
# to bench/results/bad-input-battery.csv.

args <- commandArgs(TRUE)
timeout <- if (length(args) >= 1L) as.numeric(args[1L]) else 10
pattern <- if (length(args) >= 2L) args[2L] else ""
suppressPackageStartupMessages(library(newtonr))
battery_file <- "tests/testthat/test-bad-input-battery.R"
Sys.setenv(NEWTONR_BATTERY_DEFINE_ONLY = "1")
source(battery_file)
cases <- battery_cases()
ids <- seq_along(cases)
if (nzchar(pattern)) ids <- grep(pattern, vapply(cases, `[[`, "", "id"))
cat(sprintf("newtonr %s: %d cases (of %d), timeout %g s\n",
            as.character(utils::packageVersion("newtonr")), length(ids), length(cases), timeout))
t0 <- proc.time()[["elapsed"]]
res <- battery_run_fresh(ids, timeout = timeout, battery_file = battery_file, progress = TRUE)
elapsed <- proc.time()[["elapsed"]] - t0
res$unnamed <- res$status == "error" & !res$named
fn <- sub("/.*", "", res$spec)
tab <- do.call(rbind, lapply(split(res, fn), function(r) {
  data.frame(cases = nrow(r), ok = sum(r$status == "ok"), error = sum(r$status == "error"),
             unnamed_error = sum(r$unnamed), suspect = sum(r$status == "suspect"),
             crash = sum(r$status == "crash"), hang = sum(r$status == "hang"))
}))
tab <- rbind(tab, total = colSums(tab))
cat(sprintf("\n%d cases in %.0f s\n\n", nrow(res), elapsed))
print(tab)
show <- function(what, r) {
  cat(sprintf("\n%s (%d):\n", what, nrow(r)))
  if (nrow(r)) cat(sprintf("  %s\n      %s\n", r$id, substr(r$msg, 1, 200)), sep = "")
}
show("crashes", res[res$status == "crash", ])
show("hangs", res[res$status == "hang", ])
show("suspect results (claimed success, non-finite or wrong)", res[res$status == "suspect", ])
show("errors that do not name the argument", res[res$unnamed, ])
dir.create("bench/results", showWarnings = FALSE)
if (!nzchar(pattern)) utils::write.csv(res, "bench/results/bad-input-battery.csv", row.names = FALSE)
