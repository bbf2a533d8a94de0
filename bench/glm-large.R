# bench/glm-large.R -- issue 17's targets for GLMs with many parameters or a
# sparse design, each a ratio to a peer measured in the same run:
#  1. auto threshold: dense logistic, n = 10,000, p = 100 .. 800: time of
#     IRLS, newton-cg and lbfgs (the p where newton-cg overtakes IRLS sets
#     glm_auto_dense_p in R/glm_large.R);
#  2. sparse L2 logistic, n = 100,000, p = 20,000, 0.1% non-zeros, C = 1
#     (lambda = 1/C), no intercept: objective 0.5 |w|^2 + C sum log-loss
#     (computed here, in R, by one function for every solver) and time of
#     newton_glm_fit newton-cg / lbfgs vs LiblineaR type 0 (TRON) and
#     scikit-learn 1.2 newton-cg, lbfgs, liblinear (tol = 1e-8, max_iter =
#     1000; python3 via system(), data through a Matrix Market file);
#  3. dense logistic n = 20,000, p = 2,000: auto vs IRLS alone vs glm.fit;
#  4. y ~ x + factor(id), 5,000 levels, n = 1,000,000, sparse = TRUE: peak
#     memory (VmHWM of a child Rscript) and time.
# NEWTONR_BENCH_SCALE (default 1) scales n (and p in 2-3) down for quick
# runs; NEWTONR_BENCH_PARTS picks sections (e.g. "1,2").  Seeds: 17 (1), 2024
# (2), 7 (3), 11 (4).  Run: R_LIBS=... Rscript bench/glm-large.R
suppressMessages({ library(newtonr); library(Matrix) })
scale <- as.numeric(Sys.getenv("NEWTONR_BENCH_SCALE", "1"))
parts <- as.integer(strsplit(Sys.getenv("NEWTONR_BENCH_PARTS", "1,2,3,4"), ",")[[1]])
py <- if (file.exists("/usr/bin/python3")) "/usr/bin/python3" else "python3"
el <- function(expr) { t <- system.time(v <- force(expr))[["elapsed"]]; list(t = t, v = v) }
cat(sprintf("scale = %g; %s; %d cores; load %s\n", scale, R.version.string, parallel::detectCores(),
            paste(readLines("/proc/loadavg"), collapse = "")))

if (1 %in% parts) {
  cat("\n== 1. auto threshold: dense logistic, n =", round(1e4 * scale), "(seed 17) ==\n")
  set.seed(17)
  n <- round(1e4 * scale)
  for (p in c(100, 200, 400, 800)) {
    X <- cbind(1, matrix(rnorm(n * (p - 1)), n))
    y <- rbinom(n, 1, plogis(X %*% (rnorm(p) / sqrt(p))))
    r <- sapply(c("irls", "newton-cg", "lbfgs"), function(a) {
      e <- el(newton_glm_fit(X, y, family = binomial(), control = list(algorithm = a)))
      c(time = e$t, iter = e$v$iter)
    })
    cat(sprintf("p = %4d  irls %6.2fs (%d it)  newton-cg %6.2fs (%d it)  lbfgs %6.2fs (%d it)  newton-cg/irls = %.2f\n",
                p, r[1, 1], r[2, 1], r[1, 2], r[2, 2], r[1, 3], r[2, 3], r[1, 2] / r[1, 1]))
  }
}

# 0.5 |w|^2 + C sum log(1 + exp(-s w'x)), s = +-1: LIBLINEAR's primal
liblinear_obj <- function(X, y, w, C) {
  m <- as.vector(X %*% w) * ifelse(y > 0, 1, -1)
  0.5 * sum(w^2) + C * sum(ifelse(m > 0, log1p(exp(-m)), -m + log1p(exp(m))))
}

if (2 %in% parts) {
  n <- round(1e5 * scale); p <- round(2e4 * scale); C <- 1
  cat(sprintf("\n== 2. sparse L2 logistic n = %d, p = %d, density 0.1%%, C = %g (seed 2024) ==\n", n, p, C))
  set.seed(2024)
  X <- rsparsematrix(n, p, density = 1e-3, rand.x = function(k) rnorm(k))
  w0 <- rnorm(p)
  y <- rbinom(n, 1, plogis(as.vector(X %*% w0)))
  res <- list()
  for (a in c("newton-cg", "lbfgs")) {
    e <- el(newton_glm_fit(X, y, family = binomial(), intercept = FALSE,
                           control = list(algorithm = a, lambda = 1 / C, epsilon = 1e-10, maxit = 5000)))
    res[[paste("newtonr", a)]] <- list(t = e$t, w = e$v$coefficients, it = e$v$iter)
  }
  # LiblineaR type 0 (primal L2 logistic, TRON); bias = -1: no bias term
  # (tolerances: epsilon = 1e-4 and 1e-6 on its relative gradient norm).
  # Given the dgCMatrix itself, LiblineaR 2.10 builds a dense copy (17 GB
  # here, killed); a dgRMatrix it takes as is (converted before timing).
  Xr <- methods::as(X, "RsparseMatrix")
  for (eps in c(1e-4, 1e-6)) {
    e <- el(LiblineaR::LiblineaR(Xr, y, type = 0, cost = C, epsilon = eps, bias = -1))
    w <- as.vector(e$v$W)
    if (!identical(as.character(e$v$ClassNames[1]), "1")) w <- -w  # labels order
    res[[sprintf("LiblineaR eps=%g", eps)]] <- list(t = e$t, w = w, it = NA)
  }
  f <- tempfile(fileext = ".mtx")
  writeMM(X, f)
  writeLines(as.character(y), yf <- tempfile())
  pyf <- tempfile(fileext = ".py")
  writeLines(c(
    "import sys, time, numpy as np, scipy.io, warnings",
    "from sklearn.linear_model import LogisticRegression",
    "X = scipy.io.mmread(sys.argv[1]).tocsr(); y = np.loadtxt(sys.argv[2])",
    "for s in ['newton-cg', 'lbfgs', 'liblinear']:",
    "    t = time.time()",
    "    with warnings.catch_warnings():",
    "        warnings.simplefilter('ignore')",
    "        m = LogisticRegression(C=float(sys.argv[3]), fit_intercept=False, solver=s, tol=1e-8, max_iter=1000).fit(X, y)",
    "    t = time.time() - t",
    "    print(s, t, ' '.join(repr(v) for v in m.coef_.ravel()))"), pyf)
  out <- system2(py, c(pyf, f, yf, C), stdout = TRUE)
  for (line in out) {
    v <- strsplit(line, " ")[[1]]
    res[[paste("sklearn", v[1])]] <- list(t = as.numeric(v[2]), w = as.numeric(v[-(1:2)]), it = NA)
  }
  obj <- vapply(res, function(r) liblinear_obj(X, y, r$w, C), 0)
  best <- min(obj)
  tl <- res[["LiblineaR eps=1e-06"]]$t
  cat(sprintf("%-22s %9s %22s %12s %10s\n", "solver", "time (s)", "objective", "rel. gap", "t / LiblineaR(1e-6)"))
  for (k in names(res)) cat(sprintf("%-22s %9.3f %22.12f %12.2e %10.2f\n", k, res[[k]]$t, obj[[k]],
                                    (obj[[k]] - best) / best, res[[k]]$t / tl))
  sk <- grep("^sklearn", names(res), value = TRUE)
  if (length(sk)) cat(sprintf("newtonr newton-cg / fastest sklearn (%s): %.2f\n",
                              sk[which.min(sapply(res[sk], `[[`, "t"))],
                              res[["newtonr newton-cg"]]$t / min(sapply(res[sk], `[[`, "t"))))
}

if (3 %in% parts) {
  n <- round(2e4 * scale); p <- round(2e3 * scale)
  cat(sprintf("\n== 3. dense logistic n = %d, p = %d (seed 7) ==\n", n, p))
  set.seed(7)
  X <- cbind(1, matrix(rnorm(n * (p - 1)), n))
  y <- rbinom(n, 1, plogis(X %*% (rnorm(p) / sqrt(p))))
  a <- el(newton_glm_fit(X, y, family = binomial()))
  i <- el(newton_glm_fit(X, y, family = binomial(), control = list(algorithm = "irls")))
  # NEWTONR_BENCH_GLMFIT=0 skips glm.fit (20 min at full size on a busy machine)
  g <- if (Sys.getenv("NEWTONR_BENCH_GLMFIT", "1") != "0") el(glm.fit(X, y, family = binomial())) else
    list(t = NA, v = list(coefficients = i$v$coefficients))
  cat(sprintf("auto (%s, %d it) %.2fs; irls (%d it) %.2fs; glm.fit %.2fs\n", a$v$algorithm, a$v$iter,
              a$t, i$v$iter, i$t, g$t))
  ref <- if (is.na(g$t)) "irls (glm.fit skipped)" else "glm.fit"
  cat(sprintf("irls / auto = %.2f; glm.fit / auto = %.2f; max |coef auto - %s| = %.2e, irls - %s = %.2e\n",
              i$t / a$t, g$t / a$t, ref, max(abs(a$v$coefficients - g$v$coefficients)), ref,
              max(abs(i$v$coefficients - g$v$coefficients))))
}

if (4 %in% parts) {
  n <- round(1e6 * scale)
  cat(sprintf("\n== 4. y ~ x + factor(id), 5000 levels, n = %d, sparse = TRUE (seed 11; child Rscript) ==\n", n))
  child <- tempfile(fileext = ".R")
  writeLines(c(
    "suppressMessages(library(newtonr))",
    sprintf("set.seed(11); n <- %d; k <- 5000", n),
    "d <- data.frame(x = rnorm(n), id = factor(sample.int(k, n, TRUE), levels = 1:k))",
    "u <- rnorm(k, sd = 0.5); d$y <- rbinom(n, 1, plogis(0.3 * d$x + u[d$id]))",
    "hwm0 <- as.numeric(gsub('[^0-9]', '', grep('VmHWM', readLines('/proc/self/status'), value = TRUE)))",
    "t <- system.time(f <- newton_glm(y ~ x + factor(id), binomial, d, sparse = TRUE, model = FALSE))[['elapsed']]",
    "hwm <- as.numeric(gsub('[^0-9]', '', grep('VmHWM', readLines('/proc/self/status'), value = TRUE)))",
    "cat(sprintf('fit %.1fs, %s, %d iterations, converged %s; peak RSS %.0f MB (%.0f MB before the fit); dense model matrix would be %.1f GB\\n',",
    "  t, f$algorithm, f$iter, f$converged, hwm / 1024, hwm0 / 1024, n * (k + 1) * 8 / 2^30))"),
    child)
  system2(file.path(R.home("bin"), "Rscript"), child)
}
