# bench/glm-chunks.R -- issue 18's chunked path: newton_glm(data =
# function(reset)) against biglm::bigglm() on the SAME chunk function (biglm's
# data(reset) protocol), logistic regression with 20 numeric columns and one
# 50-level factor (p = 70), chunks of 1e5 rows, n = 1e6 and 5e6
# (NEWTONR_BENCH_SIZES).  Each fit runs in its own child R process (so its
# peak memory, VmHWM, is its own); the chunks are generated in the child
# before the clock starts and held in memory, so the timings are the fitters'
# (model frames, model matrices, sums), not the source's.  A pass = one
# data(TRUE) rewind and a sweep of the chunks, counted by the chunk function
# itself.  Printed: seconds per pass and per fit, passes, iterations,
# bigglm/newtonr ratio per pass, peak RSS; and the coefficient agreement
# (bigglm's are its own approximations: 1e-6 is expected, not 1e-8).
# Run: R_LIBS=... Rscript bench/glm-chunks.R
sizes <- as.numeric(strsplit(Sys.getenv("NEWTONR_BENCH_SIZES", "1e6,5e6"), ",")[[1]])
child <- function(n, who) {
  code <- sprintf('
    suppressPackageStartupMessages({library(newtonr); library(biglm)})
    n <- %.0f; m <- 1e5; p <- 20
    ch <- lapply(seq_len(ceiling(n / m)), function(k) {
      set.seed(k); mk <- min(m, n - (k - 1) * m)
      X <- matrix(rnorm(mk * p), mk, p, dimnames = list(NULL, paste0("x", 1:p)))
      f <- factor(sample(sprintf("L%%02d", 1:50), mk, TRUE), levels = sprintf("L%%02d", 1:50))
      eta <- -0.3 + X %%*%% rep(c(0.2, -0.1), p / 2) + (as.integer(f) - 25) / 50
      data.frame(y = rbinom(mk, 1, plogis(eta)), X, f = f)
    })
    passes <- 0; i <- 0
    src <- function(reset = FALSE) {
      if (reset) { i <<- 0; passes <<- passes + 1; return(invisible(NULL)) }
      i <<- i + 1; if (i > length(ch)) NULL else ch[[i]]
    }
    fml <- as.formula(paste("y ~", paste0("x", 1:p, collapse = " + "), "+ f"))
    gc(); t0 <- proc.time()[["elapsed"]]
    if ("%s" == "newtonr") {
      fit <- newton_glm(fml, binomial, data = src); it <- fit$iter; cf <- coef(fit)
    } else {
      fit <- bigglm(fml, data = src, family = binomial(), maxit = 20); it <- fit$iterations; cf <- coef(fit)
    }
    el <- proc.time()[["elapsed"]] - t0
    hwm <- as.numeric(gsub("[^0-9]", "", grep("^VmHWM", readLines("/proc/self/status"), value = TRUE))) / 1024
    cat(sprintf("RESULT %%.3f %%d %%d %%.1f %%s\\n", el, passes, it, hwm, paste(sprintf("%%.17g", cf), collapse = ",")))
  ', n, who)
  f <- tempfile(fileext = ".R")
  writeLines(code, f)
  out <- system2(file.path(R.home("bin"), "Rscript"), f, stdout = TRUE, stderr = TRUE)
  r <- grep("^RESULT", out, value = TRUE)
  if (!length(r)) { cat(out, sep = "\n"); stop("child failed") }
  v <- strsplit(sub("^RESULT ", "", r), " ")[[1]]
  list(el = as.numeric(v[1]), passes = as.integer(v[2]), iter = as.integer(v[3]), hwm = as.numeric(v[4]),
       coef = as.numeric(strsplit(v[5], ",")[[1]]))
}
cat(sprintf("newtonr %s, biglm %s, R %s, %s\n", packageVersion("newtonr"), packageVersion("biglm"),
            getRversion(), format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")))
cat("logistic, 20 numeric columns + a 50-level factor (p = 70), chunks of 1e5 rows, held in memory\n\n")
cat(sprintf("%-8s %-8s %8s %7s %5s %10s %9s %12s\n", "n", "fitter", "fit s", "passes", "iter", "s/pass",
            "VmHWM MB", "bigglm/newtonr per pass"))
for (n in sizes) {
  a <- child(n, "newtonr")
  b <- child(n, "bigglm")
  for (x in list(list("newtonr", a), list("bigglm", b))) {
    r <- x[[2]]
    cat(sprintf("%-8.0e %-8s %8.2f %7d %5d %10.3f %9.0f %s\n", n, x[[1]], r$el, r$passes, r$iter,
                r$el / r$passes, r$hwm, if (x[[1]] == "bigglm") sprintf("%12.2f", (b$el / b$passes) / (a$el / a$passes)) else ""))
  }
  cat(sprintf("         per fit bigglm/newtonr %.2f; max |coef newtonr - coef bigglm| / max(1, |coef|) = %.1e\n",
              b$el / a$el, max(abs(a$coef - b$coef) / pmax(1, abs(b$coef)))))
}
