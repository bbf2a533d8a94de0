# cpptests/valgrind-summary.R -- summarise the logs of `make valgrind`
# (valgrind.<pid>.log in the directory given as the argument): counts of
# invalid reads/writes, uses of uninitialised values, bad frees and definite
# leaks, in all and attributable to newtonr (a stack frame in newtonr.so).
# Exits with status 1 if any of these is attributable to newtonr.
args <- commandArgs(TRUE)
dir <- if (length(args)) args[[1L]] else "cpptests/build"
logs <- list.files(dir, "^valgrind\\.[0-9]+\\.log$", full.names = TRUE)
if (!length(logs)) stop("no valgrind logs in ", dir)
kinds <- c("Invalid read" = "^Invalid read of size",
           "Invalid write" = "^Invalid write of size",
           "Uninitialised value" = "^(Conditional jump or move depends on uninitialised|Use of uninitialised value|Syscall param .* uninitialised)",
           "Invalid/mismatched free" = "^(Invalid free|Mismatched free)",
           "Definitely lost" = "are definitely lost in loss record")
total <- ours <- setNames(integer(length(kinds)), names(kinds))
shown <- character()
summary_lines <- character()
for (f in logs) {
  lines <- sub("^==[0-9]+== ?", "", readLines(f, warn = FALSE))
  summary_lines <- c(summary_lines, grep("ERROR SUMMARY|definitely lost:|indirectly lost:", lines, value = TRUE))
  grp <- cumsum(lines == "")
  for (block in split(lines, grp)) {
    block <- block[nzchar(block)]
    if (!length(block)) next
    for (k in names(kinds)) {
      if (grepl(kinds[[k]], block[[1L]])) {
        total[[k]] <- total[[k]] + 1L
        if (any(grepl("newtonr\\.so", block))) {
          ours[[k]] <- ours[[k]] + 1L
          if (length(shown) < 400L) shown <- c(shown, block, "")
        }
      }
    }
  }
}
cat("valgrind summary (", length(logs), " log file(s) in ", dir, ")\n", sep = "")
print(data.frame(kind = names(kinds), all = as.integer(total), newtonr = as.integer(ours)),
      row.names = FALSE)
cat("\nvalgrind's own totals:\n", paste0("  ", unique(summary_lines), collapse = "\n"), "\n", sep = "")
if (sum(ours)) {
  cat("\nRecords attributable to newtonr:\n", paste(shown, collapse = "\n"), "\n", sep = "")
  cat("valgrind: FAILED (", sum(ours), " record(s) in newtonr)\n", sep = "")
  quit(status = 1)
}
cat("valgrind: OK (no invalid reads/writes, uninitialised values, bad frees or definite leaks in newtonr)\n")
