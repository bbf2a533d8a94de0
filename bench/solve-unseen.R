# bench/solve-unseen.R -- an adversarial audit of newton_solve() on systems
# the team did not choose: nleqslv's own examples, Kelley (2003) "Solving
# Nonlinear Equations with Newton's Method", La Cruz, Martinez & Raydan
# (2004) test functions at small n, Meintjes & Morgan's chemical
# equilibrium, Powell's (1970) singular example, discretised BVPs (Bratu,
# also beyond its fold: no solution), systems with no root, poles, NaN
# regions, badly scaled variables, wrong user Jacobians. Each from several
# starts, with finite differences and with the analytic Jacobian, against
# nleqslv(method = "Newton", global = "dbldog") in the same run.
# "Solved": max |F(x)| <= ftol at the returned x, re-evaluated here.
# A false success: converged = TRUE where that fails.
# Misbehaving callbacks (wrong lengths, wrong shapes, errors) run in a
# child process with a timeout: crashes and hangs are counted.
# Run: R_LIBS=<lib> Rscript bench/solve-unseen.R > bench/solve-unseen-results.txt
suppressPackageStartupMessages({
  library(newtonr)
  library(nleqslv)
})
ftol <- 1e-8
maxit <- 200L

# ---- the problems: fn, jac (NULL: none), starts ----------------------------
P <- list()
add <- function(name, fn, jac, starts) P[[name]] <<- list(fn = fn, jac = jac, starts = starts)

# nleqslv's examples (Dennis & Schnabel example 6.5.1; the singular start)
add("dslnex", function(x) c(x[1]^2 + x[2]^2 - 2, exp(x[1] - 1) + x[2]^3 - 2),
    function(x) matrix(c(2 * x[1], exp(x[1] - 1), 2 * x[2], 3 * x[2]^2), 2),
    list(c(2, 0.5), c(0.5, 2), c(1.5, 0.5), c(-2, -2), c(10, 10)))
add("nleqslv_singular_start",
    function(x) c(x[1] + x[2] - x[1] * x[2] - 2, x[1] + x[3] - x[1] * x[3] - 3, x[2] + x[3] - 4),
    function(x) cbind(c(1 - x[2], 1 - x[3], 0), c(1 - x[1], 0, 1), c(0, 1 - x[1], 1)),
    list(c(1, 2, 3), c(0, 0, 0), c(5, 5, 5)))
# Kelley: Chandrasekhar H-equation (N = 10), c = 0.9, 0.9999, 1 (singular at the root)
chandra <- function(cc, N = 10) {
  mu <- (seq_len(N) - 0.5) / N
  A <- cc / (2 * N) * outer(mu, mu, function(a, b) a / (a + b))
  list(fn = function(h) h - 1 / (1 - as.vector(A %*% h)),
       jac = function(h) diag(N) - A / (1 - as.vector(A %*% h))^2)
}
for (cc in c(0.9, 0.9999, 1)) {
  ch <- chandra(cc)
  add(sprintf("chandrasekhar_c%g", cc), ch$fn, ch$jac, list(rep(1, 10), rep(0, 10), rep(3, 10)))
}
# Kelley ch. 1: atan from far away; x^2 (double root)
add("atan_1d", function(x) atan(x), function(x) matrix(1 / (1 + x^2)), list(10, -50, 1e4))
add("square_1d", function(x) x^2, function(x) matrix(2 * x), list(1, -3))
# La Cruz, Martinez & Raydan (2004), n = 10
n <- 10L; ii <- seq_len(n)
add("lacruz_exponential1", function(x) c(exp(x[1] - 1) - 1, ii[-1] * (exp(x[-1] - 1) - x[-1])),
    function(x) diag(c(exp(x[1] - 1), ii[-1] * (exp(x[-1] - 1) - 1))),
    list(rep(n / (n - 1), n), rep(3, n), rep(-2, n)))
add("lacruz_exponential2", function(x) c(exp(x[1]) - 1, ii[-1] / 10 * (exp(x[-1]) + x[-n] - 1)),
    function(x) { J <- diag(c(exp(x[1]), ii[-1] / 10 * exp(x[-1])))
                  J[cbind(2:n, 1:(n - 1))] <- ii[-1] / 10; J },
    list(rep(1 / n^2, n), rep(1, n), rep(-1, n)))
add("lacruz_exponential3",
    function(x) c(ii[-n] / 10 * (1 - x[-n]^2 - exp(-x[-n]^2)), n / 10 * (1 - exp(-x[n]^2))),
    function(x) diag(c(ii[-n] / 10 * (-2 * x[-n] + 2 * x[-n] * exp(-x[-n]^2)),
                       n / 10 * 2 * x[n] * exp(-x[n]^2))),
    list(rep(1 / (4 * n^2), n), rep(1, n)))
add("lacruz_ext_rosenbrock",
    function(x) { o <- seq(1, n, 2); e <- o + 1; y <- numeric(n)
                  y[o] <- 10 * (x[e] - x[o]^2); y[e] <- 1 - x[o]; y },
    function(x) { J <- matrix(0, n, n); o <- seq(1, n, 2); e <- o + 1
                  J[cbind(o, o)] <- -20 * x[o]; J[cbind(o, e)] <- 10; J[cbind(e, o)] <- -1; J },
    list(rep(c(-1.2, 1), n / 2), rep(5, n)))
trigexp <- function(x) {
  y <- numeric(n)
  y[1] <- 3 * x[1]^3 + 2 * x[2] - 5 + sin(x[1] - x[2]) * sin(x[1] + x[2])
  i <- 2:(n - 1)
  y[i] <- -x[i - 1] * exp(x[i - 1] - x[i]) + x[i] * (4 + 3 * x[i]^2) + 2 * x[i + 1] +
    sin(x[i] - x[i + 1]) * sin(x[i] + x[i + 1]) - 8
  y[n] <- -x[n - 1] * exp(x[n - 1] - x[n]) + 4 * x[n] - 3
  y
}
add("lacruz_trigexp", trigexp, NULL, list(rep(0, n), rep(1, n), rep(-1, n)))
add("lacruz_trigonometric",
    function(x) 2 * (n + ii * (1 - cos(x)) - sin(x) - sum(cos(x))) * (2 * sin(x) - cos(x)), NULL,
    list(rep(101 / (100 * n), n), rep(1, n)))
add("lacruz_singular",
    function(x) { y <- numeric(n); y[1] <- x[1]^3 / 3 + x[2]^2 / 2
                  i <- 2:(n - 1); y[i] <- -x[i]^2 / 2 + i * x[i]^3 / 3 + x[i + 1]^2 / 2
                  y[n] <- -x[n]^2 / 2 + n * x[n]^3 / 3; y }, NULL,
    list(rep(1, n), rep(0.5, n)))
add("lacruz_logarithmic", function(x) log(x + 1) - x / n,
    function(x) diag(1 / (x + 1) - 1 / n), list(rep(1, n), rep(10, n), rep(-0.5, n)))
add("lacruz_strictly_convex1", function(x) exp(x) - 1, function(x) diag(exp(x)),
    list(ii / n, rep(5, n), rep(-5, n)))
add("lacruz_strictly_convex2", function(x) ii / 10 * exp(x) - 1, function(x) diag(ii / 10 * exp(x)),
    list(rep(1, n), rep(-10, n)))
add("lacruz_linear_full_rank", function(x) x - 2 / n * sum(x) + 1,
    function(x) diag(n) - 2 / n, list(rep(100, n)))
# Meintjes & Morgan (1990): propane combustion, reduced 5-variable form
R <- 10; R5 <- 0.193; R6 <- 0.002597 / sqrt(40); R7 <- 0.003448 / sqrt(40)
R8 <- 0.00001799 / 40; R9 <- 0.0002155 / sqrt(40); R10 <- 0.00003846 / 40
combustion <- function(x) c(
  x[1] * x[2] + x[1] - 3 * x[5],
  2 * x[1] * x[2] + x[1] + x[2] * x[3]^2 + R8 * x[2] - R * x[5] + 2 * R10 * x[2]^2 + R7 * x[2] * x[3] +
    R9 * x[2] * x[4],
  2 * x[2] * x[3]^2 + 2 * R5 * x[3]^2 - 8 * x[5] + R6 * x[3] + R7 * x[2] * x[3],
  R9 * x[2] * x[4] + 2 * x[4]^2 - 4 * R * x[5],
  x[1] * x[2] + x[1] + R10 * x[2]^2 + x[2] * x[3]^2 + R8 * x[2] + R5 * x[3]^2 + x[4]^2 - 1 + R6 * x[3] +
    R7 * x[2] * x[3] + R9 * x[2] * x[4])
add("meintjes_morgan_combustion", combustion, NULL,
    list(rep(1, 5), rep(10, 5), c(0.003, 35, 0.065, 0.86, 0.037), rep(0.5, 5)))
# Powell (1970): singular Jacobian at the root (0, 0), a pole at x1 = -0.1
add("powell_1970_singular", function(x) c(x[1], 10 * x[1] / (x[1] + 0.1) + 2 * x[2]^2),
    function(x) matrix(c(1, 1 / (x[1] + 0.1)^2, 0, 4 * x[2]), 2), list(c(3, 1), c(-1, 1)))
# Bratu, 1-D, n = 10 interior points: u'' + lambda exp(u) = 0, u(0) = u(1) = 0
bratu <- function(lambda, m = 10L) {
  force(lambda)
  h <- 1 / (m + 1)
  list(fn = function(u) { up <- c(u[-1], 0); um <- c(0, u[-m]); (up - 2 * u + um) / h^2 + lambda * exp(u) },
       jac = function(u) { J <- diag(-2 / h^2 + lambda * exp(u), m)
                           J[cbind(1:(m - 1), 2:m)] <- 1 / h^2; J[cbind(2:m, 1:(m - 1))] <- 1 / h^2; J })
}
for (lam in c(1, 3.45, 3.5, 4)) {  # the discrete fold (n = 10) is at lambda = 3.4986: 3.5 and 4 have no solution
  b <- bratu(lam)
  add(sprintf("bratu_lambda%g", lam), b$fn, b$jac, list(rep(0, 10), rep(1, 10)))
}
# no root
add("noroot_sumsq", function(x) x^2 + 1, function(x) diag(2 * x, length(x)),
    list(c(1, 2, 3), c(0, 0, 0), c(-5, 0.1, 4)))
add("noroot_coupled", function(x) c(x[1]^2 + x[2]^2 + 1, x[1] - x[2]), NULL, list(c(1, 1), c(3, -2)))
add("noroot_exp", function(x) exp(x) + 0 * x, NULL, list(c(0, 0)))  # infimum 0 at -Inf
# poles
add("pole_reciprocal", function(x) 1 / x - 2, function(x) diag(-1 / x^2, length(x)),
    list(c(-1, 1), c(3, 3), c(1e-3, 1e-3)))
add("pole_tan", function(x) tan(x) - 1, function(x) diag(1 / cos(x)^2, length(x)),
    list(c(1.5, 1.5), c(3, 4)))
# NaN / Inf regions
add("nan_sqrt", function(x) sqrt(x) - c(2, 3), function(x) diag(0.5 / sqrt(x), 2),
    list(c(100, 100), c(0.01, 50)))
add("nan_log", function(x) log(x) - 1, function(x) diag(1 / x, length(x)), list(c(20, 20, 20), c(1e-3, 5, 50)))
add("nan_ball", function(x) if (sum(x^2) > 30) rep(NaN, 2) else c(x[1]^2 - 4, x[1] * x[2] - 1), NULL,
    list(c(0.1, 0.1), c(5, 0.5)))
add("inf_overflow", function(x) c(exp(10 * x[1]) - 2, x[2] - 1), NULL, list(c(-100, 0), c(70, 0)))
# badly scaled variables: dslnex in x = (1e-6 u1, 1e6 u2)
sc <- c(1e-6, 1e6)
add("scaled_dslnex", function(x) c((x[1] / sc[1])^2 + (x[2] / sc[2])^2 - 2,
                                             exp(x[1] / sc[1] - 1) + (x[2] / sc[2])^3 - 2),
    function(x) { u <- x / sc; matrix(c(2 * u[1], exp(u[1] - 1), 2 * u[2], 3 * u[2]^2), 2) %*% diag(1 / sc) },
    list(c(2, 0.5) * sc, c(1.5, 0.5) * sc))
add("scaled_residuals", function(x) c(1e6 * (x[1] - 1), 1e-6 * (x[2]^2 - 4)), NULL, list(c(3, 3), c(0, 1)))
# wrong user Jacobians (the run may fail; it must not claim a false success)
dsl <- P$dslnex
add("wrongjac_sign", dsl$fn, function(x) { J <- dsl$jac(x); J[2, 2] <- -J[2, 2]; J }, dsl$starts[1:3])
add("wrongjac_transposed", dsl$fn, function(x) t(dsl$jac(x)), dsl$starts[1:3])
add("wrongjac_nleqslv_BAD", dsl$fn, function(x) matrix(c(4 * x[1], exp(x[1] - 1), 2 * x[2], 5 * x[2]^2), 2),
    dsl$starts[1:3])

# ---- runs --------------------------------------------------------------------
counted <- function(fn, jac) {
  nf <- 0L; nj <- 0L
  list(fn = function(x) { nf <<- nf + 1L; fn(x) },
       jac = if (!is.null(jac)) function(x) { nj <<- nj + 1L; jac(x) },
       counts = function() c(fn = nf, jac = nj))
}
resid <- function(fn, x) { v <- tryCatch(fn(x), error = function(e) NA); if (length(v) && all(is.finite(v))) max(abs(v)) else Inf }
run_one <- function(who, p, x0, use_jac) {
  w <- counted(p$fn, if (use_jac) p$jac)
  t0 <- proc.time()[[3]]
  r <- tryCatch(
    if (who == "ours") suppressWarnings(newton_solve(w$fn, x0, w$jac, control = list(ftol = ftol, maxit = maxit)))
    else nleqslv(x0, w$fn, w$jac, method = "Newton", global = "dbldog", control = list(ftol = ftol, maxit = maxit)),
    error = function(e) e)
  el <- proc.time()[[3]] - t0
  if (inherits(r, "error")) return(data.frame(solved = FALSE, claimed = FALSE, error = conditionMessage(r),
                                              code = NA, w$counts()[1], jac = w$counts()[2], secs = el))
  claimed <- if (who == "ours") r$converged else r$termcd == 1L
  data.frame(solved = resid(p$fn, r$x) <= ftol, claimed = isTRUE(claimed), error = "",
             code = if (who == "ours") r$termcode else r$termcd,
             fn = w$counts()[["fn"]], jac = w$counts()[["jac"]], secs = el)
}
rows <- list()
for (nm in names(P)) {
  p <- P[[nm]]
  for (k in seq_along(p$starts)) for (aj in c(FALSE, if (!is.null(p$jac)) TRUE)) {
    o <- run_one("ours", p, p$starts[[k]], aj); q <- run_one("peer", p, p$starts[[k]], aj)
    rows[[length(rows) + 1]] <- data.frame(case = sprintf("%s_s%d", nm, k), jac = if (aj) "analytic" else "fd",
      ours_solved = o$solved, ours_claimed = o$claimed, ours_code = o$code, ours_fn = o$fn, ours_jac = o$jac,
      ours_err = o$error, peer_solved = q$solved, peer_claimed = q$claimed, peer_fn = q$fn, peer_jac = q$jac,
      ours_secs = o$secs)
  }
}
tab <- do.call(rbind, rows)
tab$false_ours <- tab$ours_claimed & !tab$ours_solved
tab$false_peer <- tab$peer_claimed & !tab$peer_solved

cat("newton_solve vs nleqslv(method = \"Newton\", global = \"dbldog\") on unseen systems;",
    "ftol =", ftol, ", maxit =", maxit, "\n")
cat(format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), "; nleqslv", as.character(packageVersion("nleqslv")), "\n\n")
cat("Per run: calls of fn (+ calls of jac when analytic); '-' not solved; code = termcode; F = false success\n")
for (i in seq_len(nrow(tab))) with(tab[i, ], cat(sprintf("%-36s %-8s | ours %9s code %s%s | nleqslv %9s%s%s\n",
  case, jac, if (ours_solved) sprintf("%d+%dJ", ours_fn, ours_jac) else "-", ours_code, if (false_ours) " F" else "",
  if (peer_solved) sprintf("%d+%dJ", peer_fn, peer_jac) else "-", if (false_peer) " F" else "",
  if (nzchar(ours_err)) paste0("  ERROR: ", ours_err) else "")))
cat("\nSummary by Jacobian (both: runs both solve; ratio = ours / nleqslv calls of fn on those):\n")
for (j in c("fd", "analytic")) {
  s <- tab[tab$jac == j, ]
  b <- s$ours_solved & s$peer_solved
  cat(sprintf("%-8s runs %3d | solved ours %3d nleqslv %3d | false successes ours %d nleqslv %d | errors ours %d |",
              j, nrow(s), sum(s$ours_solved), sum(s$peer_solved), sum(s$false_ours), sum(s$false_peer),
              sum(nzchar(s$ours_err))),
      sprintf("both %d: fn %d vs %d (ratio %.3f), jac %d vs %d | slowest ours %.2fs\n", sum(b), sum(s$ours_fn[b]),
              sum(s$peer_fn[b]), sum(s$ours_fn[b]) / sum(s$peer_fn[b]), sum(s$ours_jac[b]), sum(s$peer_jac[b]),
              max(s$ours_secs)))
}
cat("Unsolved by newton_solve:", paste(tab$case[!tab$ours_solved & !duplicated(paste(tab$case, tab$ours_solved))], collapse = ", "), "\n")
cat("Solved by nleqslv, not by newton_solve:",
    paste(unique(paste(tab$case, tab$jac)[tab$peer_solved & !tab$ours_solved]), collapse = ", "), "\n")

# ---- random starts: 10 per problem, uniform in [-10, 10]^n (seed 1) ----------
set.seed(1)
rs <- do.call(rbind, lapply(names(P), function(nm) {
  p <- P[[nm]]; n0 <- length(p$starts[[1]])
  do.call(rbind, lapply(1:10, function(k) {
    x0 <- runif(n0, -10, 10)
    if (!all(is.finite(tryCatch(p$fn(x0), error = function(e) NA)))) return(NULL)  # fn not finite at x0
    aj <- !is.null(p$jac) && k %% 2 == 0
    o <- run_one("ours", p, x0, aj); q <- run_one("peer", p, x0, aj)
    data.frame(case = nm, ours_solved = o$solved, ours_false = o$claimed && !o$solved,
               ours_err = nzchar(o$error), ours_fn = o$fn, peer_solved = q$solved,
               peer_false = q$claimed && !q$solved, peer_fn = q$fn)
  }))
}))
b <- rs$ours_solved & rs$peer_solved
cat(sprintf(paste("\nRandom starts in [-10, 10]^n (10 per problem, analytic jac on even ones; starts where fn is",
                  "not finite skipped): %d runs | solved ours %d nleqslv %d | false successes ours %d nleqslv %d |",
                  "errors ours %d | both %d: fn %d vs %d (ratio %.3f)\n"),
            nrow(rs), sum(rs$ours_solved), sum(rs$peer_solved), sum(rs$ours_false), sum(rs$peer_false),
            sum(rs$ours_err), sum(b), sum(rs$ours_fn[b]), sum(rs$peer_fn[b]), sum(rs$ours_fn[b]) / sum(rs$peer_fn[b])))
cat("Solved by nleqslv, not by newton_solve (random starts):",
    paste(names(which(table(rs$case[rs$peer_solved & !rs$ours_solved]) > 0)), collapse = ", "), "\n")

# ---- misbehaving callbacks, each in a child process with a timeout ---------
lib <- Sys.getenv("R_LIBS")
battery <- list(
  jac_wrong_dims = quote(newton_solve(function(x) x^2 - 1, c(2, 3), jac = function(x) diag(3))),
  jac_vector = quote(newton_solve(function(x) x^2 - 1, c(2, 3), jac = function(x) c(1, 2, 3, 4))),
  jac_character = quote(newton_solve(function(x) x^2 - 1, c(2, 3), jac = function(x) matrix("a", 2, 2))),
  jac_NA = quote(newton_solve(function(x) x^2 - 1, c(2, 3), jac = function(x) matrix(NA_real_, 2, 2))),
  jac_list = quote(newton_solve(function(x) x^2 - 1, c(2, 3), jac = function(x) list(1, 2))),
  jac_1x4 = quote(newton_solve(function(x) x^2 - 1, c(2, 3), jac = function(x) matrix(1, 1, 4))),
  jac_int_matrix = quote(newton_solve(function(x) x - 1L, c(2, 3), jac = function(x) diag(2L))),
  fn_shorter_sometimes = quote(newton_solve(function(x) if (x[1] > 1.9) c(x[1] - 1, x[2]) else x[1] - 1, c(2, 3))),
  fn_longer_sometimes = quote(newton_solve(function(x) if (x[1] < 1.9) c(x - 1, 0) else x - 1, c(2, 3))),
  fn_shorter_at_fd = quote(newton_solve(function(x) if (x[2] != 3) 1 else x - 1, c(2, 3))),
  fn_null_later = quote(newton_solve(function(x) if (x[1] < 2) NULL else x^2 - 1, c(2, 3))),
  fn_char_later = quote(newton_solve(function(x) if (x[1] < 2) c("a", "b") else x^2 - 1, c(2, 3))),
  fn_error_later = quote(newton_solve(function(x) if (x[1] < 1.5) stop("boom") else x^2 - 1, c(2, 3))),
  fn_matrix = quote(newton_solve(function(x) matrix(x^2 - 1), c(2, 3))),
  fn_complex = quote(newton_solve(function(x) complex(real = x), c(2, 3))),
  fn_logical_NA_later = quote(newton_solve(function(x) if (x[1] < 1.9) c(NA, NA) else x^2 - 1, c(2, 3))),
  fn_int = quote(newton_solve(function(x) as.integer(round(x)) - 1L, c(2, 3))),
  fn_list = quote(newton_solve(function(x) as.list(x), c(2, 3))),
  fn_nan_everywhere_else = quote(newton_solve(function(x) if (all(x == c(2, 3))) x - 1 else c(NaN, NaN), c(2, 3))),
  fn_inf_jac = quote(newton_solve(function(x) x - 1, c(2, 3), jac = function(x) diag(Inf, 2))),
  fn_huge = quote(newton_solve(function(x) 1e300 * (x - 1), c(2, 3))),
  fn_tiny = quote(newton_solve(function(x) 1e-300 * (x - 1), c(2, 3))),
  fn_subnormal = quote(newton_solve(function(x) 1e-320 * (x - 1), c(2, 3))),
  x0_empty = quote(newton_solve(function(x) x, numeric(0))),
  x0_NA = quote(newton_solve(function(x) x, c(1, NA))),
  x0_Inf = quote(newton_solve(function(x) x, c(1, Inf))),
  x0_huge = quote(newton_solve(function(x) x - 1, c(1e308, -1e308))),
  x0_char = quote(newton_solve(function(x) x, "a")),
  control_bad = quote(newton_solve(function(x) x - 1, 2, control = list(maxit = -1))),
  control_unknown = quote(newton_solve(function(x) x - 1, 2, control = list(foo = 1))),
  control_ftol_NA = quote(newton_solve(function(x) x - 1, 2, control = list(ftol = NA))),
  control_ftol_zero = quote(newton_solve(function(x) x - 1, 2, control = list(ftol = 0))),
  control_maxit_huge = quote(newton_solve(function(x) x^2 + 1, 2, control = list(maxit = 3e9))),
  n_large_fd = quote(newton_solve(function(x) x^3 - 1 + 0.01 * sum(x), rep(2, 300))),
  jac_singular_everywhere = quote(newton_solve(function(x) c(x[1] + x[2] - 2, x[1] + x[2] - 3), c(0, 0),
                                                jac = function(x) matrix(1, 2, 2))),
  fn_zero_everywhere_jac = quote(newton_solve(function(x) c(1, 1), c(0, 0))),
  jac_zero_matrix = quote(newton_solve(function(x) x - 1, c(0, 0), jac = function(x) matrix(0, 2, 2))),
  fn_nondeterministic = quote({ set.seed(1); newton_solve(function(x) x - 1 + rnorm(2, sd = 1e-6), c(0, 0)) }))
child <- function(expr) {
  code <- sprintf("suppressPackageStartupMessages(library(newtonr)); r <- tryCatch(suppressWarnings(%s), error = function(e) e);
    if (inherits(r, 'error')) cat('ERROR', conditionMessage(r)) else cat('OK converged', r$converged, 'code', r$termcode, 'maxF', format(max(abs(r$fvec)), digits = 3), 'evals', r$counts[['fn']], ':', substr(r$message, 1, 90))",
    paste(deparse(expr), collapse = "\n"))
  f <- tempfile(fileext = ".R"); writeLines(code, f)
  out <- suppressWarnings(system2("Rscript", f, stdout = TRUE, stderr = TRUE, timeout = 60,
                                  env = paste0("R_LIBS=", lib)))
  st <- attr(out, "status")
  if (!is.null(st) && st == 124) return("HANG (timeout 60 s)")
  if (!is.null(st) && st != 0) return(paste("CRASH status", st, paste(tail(out, 2), collapse = " ")))
  paste(out, collapse = " ")
}
cat("\nMisbehaving callbacks and inputs (child processes, 60 s timeout):\n")
res <- vapply(battery, child, "")
for (nm in names(res)) cat(sprintf("%-26s %s\n", nm, res[[nm]]))
cat(sprintf("crashes %d, hangs %d, of %d\n", sum(grepl("^CRASH", res)), sum(grepl("^HANG", res)), length(res)))
