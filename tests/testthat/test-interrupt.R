# test-interrupt.R -- a long C++ loop can be stopped with Ctrl-C (SIGINT),
# and the session stays usable (issue 6). A child R process runs a
# gradient descent with maxit = 1e9 (minutes of work); the test sends it
# SIGINT with tools::pskill(). The child catches the interrupt condition,
# writes a marker, then runs another newton_optim() and writes its result:
# proof that the C++ state was released and R still works.

run_interrupt_child <- function(call_text, timeout = 8) {
  dir <- tempfile("newtonr-intr-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  f <- function(name) normalizePath(file.path(dir, name), winslash = "/", mustWork = FALSE)
  script <- c(
    sprintf(".libPaths(%s)", paste(deparse(.libPaths()), collapse = "")),
    "suppressPackageStartupMessages(library(newtonr))",
    sprintf("writeLines(as.character(Sys.getpid()), '%s')", f("pid.tmp")),
    sprintf("file.rename('%s', '%s')", f("pid.tmp"), f("pid")),
    "res <- tryCatch({",
    sprintf("  writeLines('started', '%s')", f("started")),
    paste0("  ", call_text),
    "  'finished'",
    "}, interrupt = function(e) 'interrupted')",
    sprintf("writeLines(res, '%s')", f("caught")),
    "after <- newton_optim(c(0, 0), function(x) sum((x - c(1, 2))^2))",
    sprintf("writeLines(format(after$par, digits = 15), '%s')", f("after.tmp")),
    sprintf("file.rename('%s', '%s')", f("after.tmp"), f("after"))
  )
  writeLines(script, f("child.R"))
  r_bin <- file.path(R.home("bin"), "R")
  system(paste(shQuote(r_bin), "--vanilla --slave -f", shQuote(f("child.R")),
               ">", shQuote(f("out.log")), "2>&1"), wait = FALSE)
  wait_for <- function(path, secs) {
    t0 <- Sys.time()
    while (!file.exists(path) && difftime(Sys.time(), t0, units = "secs") < secs) Sys.sleep(0.05)
    file.exists(path)
  }
  pid <- NA_integer_
  if (wait_for(f("pid"), timeout)) pid <- as.integer(readLines(f("pid")))
  on.exit(if (!is.na(pid)) tools::pskill(pid, tools::SIGKILL), add = TRUE, after = FALSE)
  started <- wait_for(f("started"), timeout)
  Sys.sleep(0.5)  # let the loop run
  if (!is.na(pid)) tools::pskill(pid, tools::SIGINT)
  got <- wait_for(f("after"), timeout)
  list(pid = pid, started = started,
       caught = if (file.exists(f("caught"))) readLines(f("caught")) else NA_character_,
       after = if (got) as.numeric(readLines(f("after"))) else NULL,
       log = if (file.exists(f("out.log"))) readLines(f("out.log")) else character())
}

test_that("Ctrl-C stops a long newton_optim loop and leaves the session usable", {
  skip_on_cran()
  skip_on_os("windows")  # no SIGINT for pskill there
  res <- run_interrupt_child(paste(
    "newton_optim(c(3, 4), function(x) sum(x^2), function(x) 2 * x, method = 'gd',",
    "control = list(maxit = 1e9, lr = 1e-7, gtol = 0, reltol = 0, warn = FALSE))"))
  expect_false(is.na(res$pid), info = paste(res$log, collapse = "\n"))
  expect_true(res$started)
  expect_identical(res$caught, "interrupted", info = paste(res$log, collapse = "\n"))
  expect_equal(res$after, c(1, 2), tolerance = 1e-6)
})

test_that("Ctrl-C stops a long pure-C++ CG loop (newton-cg with a Hessian)", {
  skip_on_cran()
  skip_on_os("windows")
  # From x ~ 1e-100, CG's forcing tolerance min(0.5, sqrt|g|) |g| ~ 1e-132
  # is below what rounding allows (~1e-16 |g| cond(H)), so the first step's CG
  # runs its whole cg_maxit = 1e8 budget (about 45 minutes) inside C++ with no
  # R call: only the core's interrupt check can stop it.
  res <- run_interrupt_child(paste(
    "p <- 400; h <- 10^seq(0, 12, length.out = p); H <- diag(h);",
    "newton_optim(rep(1e-100, p), function(x) sum(h * x^2) / 2, function(x) h * x,",
    "function(x) H, method = 'newton-cg',",
    "control = list(maxit = 1e6, cg_maxit = 1e8, gtol = 0, reltol = 0, warn = FALSE,",
    "classify_max_p = 0))"))
  expect_true(res$started)
  expect_identical(res$caught, "interrupted", info = paste(res$log, collapse = "\n"))
  expect_equal(res$after, c(1, 2), tolerance = 1e-6)
})
