# cpptests/valgrind-tests.R -- the testthat run of `make valgrind`: runs
# tests/testthat against the newtonr installed in R_LIBS (a -g build), with
# the files matching VG_FILTER (a regular expression; empty: all files).
# test-interrupt.R is excluded: its child R process is not under valgrind.
filter <- Sys.getenv("VG_FILTER", "")
files <- list.files("tests/testthat", "^test-.*\\.R$")
files <- files[files != "test-interrupt.R"]
if (nzchar(filter)) files <- files[grepl(filter, sub("^test-(.*)\\.R$", "\\1", files))]
cat("valgrind: test files:", paste(files, collapse = ", "), "\n")
res <- testthat::test_dir("tests/testthat", package = "newtonr", load_package = "installed",
                          filter = paste0("^(", paste(sub("^test-(.*)\\.R$", "\\1", files),
                                                      collapse = "|"), ")$"),
                          reporter = "summary", stop_on_failure = FALSE)
df <- as.data.frame(res)
# a test that stops with an error counts as failed (testthat keeps it apart)
cat(sprintf("valgrind: testthat %d passed, %d failed, %d skipped\n",
            sum(df$passed), sum(df$failed) + sum(df$error), sum(df$skipped)))
