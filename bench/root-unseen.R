# bench/root-unseen.R -- an adversarial audit of newton_root() on collections
# the team did not choose: counts false successes (converged = TRUE where the
# result is not a root to tolerance, or where f has a pole or jump and no
# root), crashes (errors other than argument errors are counted as
# "errors"; R crashes and hangs are caught because every problem runs in a
# child process with a time limit), and calls of f against uniroot().
#
# Collections (roots by closed forms, never by the code under test):
#  brent  : Brent (1973, ch. 4) / Dekker: x^k, polynomials, exp, flat ends
#  le     : Le (1985) / Chandrupatla (1997): ill-conditioned, multiple roots
#  galdino: Galdino (2011) "hard" set: exp/log/trig compositions
#  press  : Numerical Recipes-style: Bessel-like cos, Kepler
#  poly   : random polynomials with known simple, multiple, clustered roots
#  patho  : poles, jumps, sign(), steps (no root: any success is false),
#           flat exp(-1/x^2), huge/tiny scales, roots near 0 and +-1e300,
#           noisy f, wrong fprime (sign slip, factor 2), fprime NaN/Inf.
#
# Run from the package folder after installing newtonr:
#   Rscript bench/root-unseen.R
#
# Measured 2026-11-30 in one run each (70 problems, 1282 runs, tol 1e-12
# and 1.5e-8):
#   before this audit (commit d00f539): 70 false successes, all bracketed
#     (sign 10, step 10, jumpsteep 10, jumplin 12, floor 8, jumpsmall 8,
#     jumpthird 8, a pole at tol 0.05 4); bracketed calls of f (+ fprime)
#     1.162x uniroot's with fprime, 1.090x numerical, 1.107x secant;
#   after: 0 false successes, 0 crashes, 0 hangs; 0.975x, 0.939x, 0.938x.
#   uniroot "solves" 34 of the 36 jump/pole problem x tol cases (it cannot
#   say it failed).

suppressPackageStartupMessages(library(newtonr))
options(width = 130, warn = -1)

P <- list()
add <- function(name, f, interval, root, fprime = NULL, starts = NULL, family = "misc",
                tols = c(1e-12, sqrt(.Machine$double.eps))) {
  # root: the true root(s) in `interval` (closed form); NA: f has no root
  # there (pole or jump): converged = TRUE is then always a false success
  P[[name]] <<- list(name = name, f = f, fp = fprime, interval = interval, root = root,
                     starts = starts, family = family, tols = tols)
}

## Brent / Dekker (Brent 1973, table 4.1-style test functions)
for (k in c(3, 5, 9, 19, 25))
  add(sprintf("brent.xpow%d", k), local({k <- k; function(x) x^k}), c(-1, 4), 0,
      local({k <- k; function(x) k * x^(k - 1)}), starts = c(0.5, 2), family = "brent")
add("brent.cubic", function(x) x^3 - 2 * x - 5, c(2, 3), NA_real_, function(x) 3 * x^2 - 2,
    starts = c(2, 3), family = "brent")
P$brent.cubic$root <- {z <- polyroot(c(-5, -2, 0, 1)); Re(z[abs(Im(z)) < 1e-9])}
add("brent.expm", function(x) exp(x) - 2, c(-4, 4 / 3), log(2), function(x) exp(x),
    starts = c(0, 1), family = "brent")
add("brent.cosx", function(x) cos(x) - x, c(0, 1.7), NA_real_, function(x) -sin(x) - 1,
    starts = c(0, 1.5), family = "brent")
P$brent.cosx$root <- 0.7390851332151606416553120876738734  # Dottie number
add("brent.flat", function(x) ifelse(x == 0, 0, x * exp(-1 / x^2)), c(-1, 4), 0,
    function(x) ifelse(x == 0, 0, exp(-1 / x^2) * (1 + 2 / x^2)), starts = c(0.5), family = "brent")

## Le (1985) / Chandrupatla (1997)
add("le.poly3", function(x) (x - 1)^3, c(0, 1.8), 1, function(x) 3 * (x - 1)^2,
    starts = c(0.5, 1.5), family = "le")
add("le.poly5", function(x) (x - 1)^5, c(0, 1.8), 1, function(x) 5 * (x - 1)^4,
    starts = c(0.5, 1.5), family = "le")
add("le.expx", function(x) exp(x) - 1 / (10 * x)^2, c(0.01, 1), NA_real_, NULL,
    starts = c(0.2), family = "le")
P$le.expx$root <- uniroot(P$le.expx$f, c(0.01, 1), tol = 1e-15)$root  # f(0.01) < 0 < f(1)
P$le.expx$other <- uniroot(P$le.expx$f, c(-1, -0.01), tol = 1e-15)$root  # outside the interval
add("le.sqr", function(x) sign(x - 1/3) * abs(x - 1/3)^0.5, c(0, 1), 1/3, NULL,
    starts = NULL, family = "le")
add("le.cbrt", function(x) sign(x - 0.3) * abs(x - 0.3)^(1/3), c(-1, 4), 0.3, NULL,
    starts = NULL, family = "le")
add("chandrupatla.x3", function(x) x^3 - 2 * x^2 - 4 * x + 8, c(-3, 1), -2,
    function(x) 3 * x^2 - 4 * x - 4, starts = c(-2.5, 0), family = "le")
add("chandrupatla.dbl", function(x) (x - 2)^2 * (x + 2), c(-3, 1), -2,
    function(x) 2 * (x - 2) * (x + 2) + (x - 2)^2, starts = c(-2.5, 0), family = "le")
add("chandrupatla.exp", function(x) 1 - exp(-50 * x), c(-0.5, 3), 0,
    function(x) 50 * exp(-50 * x), starts = c(0.2, 1), family = "le")
add("chandrupatla.atan", function(x) atan(1000 * (x - 0.5)), c(0, 1), 0.5,
    function(x) 1000 / (1 + (1000 * (x - 0.5))^2), starts = c(0.49, 0.5001), family = "le")

## Galdino (2011) hard set (closed forms)
add("galdino.1", function(x) x^2 - (1 - x)^10, c(0, 1), NA_real_, function(x) 2 * x + 10 * (1 - x)^9,
    starts = c(0.5), family = "galdino")
P$galdino.1$root <- uniroot(P$galdino.1$f, c(0, 1), tol = 1e-15)$root
add("galdino.2", function(x) x^3 + 4 * x^2 - 10, c(1, 2), NA_real_, function(x) 3 * x^2 + 8 * x,
    starts = c(1.5), family = "galdino")
P$galdino.2$root <- {z <- polyroot(c(-10, 0, 4, 1)); Re(z[abs(Im(z)) < 1e-9])}
add("galdino.3", function(x) exp(x^2 + 7 * x - 30) - 1, c(2.8, 3.1), 3,
    function(x) (2 * x + 7) * exp(x^2 + 7 * x - 30), starts = c(2.9), family = "galdino")
add("galdino.4", function(x) log(x), c(0.5, 5), 1, function(x) 1 / x, starts = c(0.6, 3), family = "galdino")
add("galdino.5", function(x) (x - 7)^19, c(6, 8.5), 7, function(x) 19 * (x - 7)^18,
    starts = c(6.5), family = "galdino")
add("galdino.6", function(x) x^10 - 1, c(0, 1.3), 1, function(x) 10 * x^9, starts = c(0.8, 1.2),
    family = "galdino")
add("galdino.7", function(x) exp(1 - x) - 1, c(0, 9), 1, function(x) -exp(1 - x), starts = c(0.5, 3),
    family = "galdino")
add("galdino.8", function(x) sin(x)^2 - x^2 + 1, c(1, 2), NA_real_, function(x) 2 * sin(x) * cos(x) - 2 * x,
    starts = c(1.5), family = "galdino")
P$galdino.8$root <- uniroot(P$galdino.8$f, c(1, 2), tol = 1e-15)$root

## Press et al.-style
add("press.kepler", function(x) x - 0.9 * sin(x) - 0.1, c(0, 3), NA_real_, function(x) 1 - 0.9 * cos(x),
    starts = c(0.3, 2), family = "press")
P$press.kepler$root <- uniroot(P$press.kepler$f, c(0, 3), tol = 1e-15)$root
add("press.tanh", function(x) tanh(50 * (x - 0.2)), c(-1, 1), 0.2,
    function(x) 50 / cosh(50 * (x - 0.2))^2, starts = c(0.19), family = "press")

## random polynomials with known roots (simple, multiple, clustered)
set.seed(20261129)
for (i in 1:12) {
  r <- sort(round(runif(sample(2:5, 1), -3, 3), 3))
  mult <- sample(1:3, length(r), replace = TRUE, prob = c(0.5, 0.3, 0.2))
  if (i %% 4 == 0) r <- r[1] + c(0, 1e-6, 3e-6)[seq_along(r[1:min(3, length(r))])]  # cluster
  if (i %% 4 == 0) mult <- rep(1, length(r))
  rts <- rep(r, mult)
  pf <- local({rts <- rts; function(x) prod(x - rts)})
  pfp <- local({rts <- rts; function(x) sum(vapply(seq_along(rts), function(j) prod(x - rts[-j]), 0))})
  # an interval with an odd total multiplicity of roots inside
  ok <- FALSE
  for (tries in 1:50) {
    iv <- sort(runif(2, -3.5, 3.5))
    inside <- rts > iv[1] & rts < iv[2]
    if (sum(inside) %% 2 == 1 && all(abs(rts - iv[1]) > 1e-3) && all(abs(rts - iv[2]) > 1e-3)) { ok <- TRUE; break }
  }
  if (!ok) next
  add(sprintf("poly.%02d", i), pf, iv, unique(rts[inside]), pfp, starts = mean(iv), family = "poly")
}

## pathological: poles and jumps (no root: any convergence is false)
add("patho.tan", tan, c(1, 2), NA_real_, function(x) 1 / cos(x)^2, starts = c(1.5, 1.6), family = "pole")
P$patho.tan$root <- numeric(0)
P$patho.tan$other <- pi * (-3:3)  # roots of tan outside the interval (open runs may find them)
add("patho.inv", function(x) 1 / x, c(-1, 2), numeric(0), function(x) -1 / x^2, starts = c(0.1),
    family = "pole")
add("patho.inv3", function(x) 1 / (x - 0.3)^3, c(0, 1), numeric(0), function(x) -3 / (x - 0.3)^4,
    family = "pole")
add("patho.sign", function(x) sign(x - 0.3), c(-1, 1), numeric(0), NULL, starts = c(0, 0.5), family = "jump")
add("patho.step", function(x) ifelse(x < 0.3, -1, 2), c(-1, 1), numeric(0), NULL, starts = c(0, 0.5),
    family = "jump")
add("patho.jumplin", function(x) ifelse(x < 0.3, x - 2, x + 0.1), c(-1, 1), numeric(0),
    function(x) 1, starts = c(0, 0.5), family = "jump")
add("patho.jumpsmall", function(x) ifelse(x < 0.3, -1, 1e-3 + (x - 0.3)), c(-1, 1), numeric(0),
    function(x) ifelse(x < 0.3, 0, 1), family = "jump")
add("patho.floor", function(x) floor(4 * x) - 1.5, c(0, 1), numeric(0), NULL, starts = c(0.1), family = "jump")
# a pole (at 0.2) and two roots (0.5, 0.8): converging to 0.2 is false
add("patho.poleroot", function(x) (x - 0.5) * (x - 0.8) / (x - 0.2), c(0, 1), c(0.5, 0.8),
    function(x) ((2 * x - 1.3) * (x - 0.2) - (x - 0.5) * (x - 0.8)) / (x - 0.2)^2, starts = c(0.3),
    family = "pole")
add("patho.polenearend", function(x) 1 / (x - 0.999999), c(0, 1), numeric(0), function(x) -1 / (x - 0.999999)^2,
    starts = c(0.5), family = "pole")
add("patho.jumpthird", function(x) ifelse(x < 1/3, -1e-10, 1e-10), c(0, 1), numeric(0), NULL, starts = c(0.2),
    family = "jump")
add("patho.jumpsteep", function(x) ifelse(x < 0.3, -1, 1) + 1e6 * (x - 0.3), c(0, 1), numeric(0),
    function(x) 1e6, starts = c(0.2), family = "jump")
add("patho.bigtol", function(x) 1 / (x - 0.3), c(0.29, 10), numeric(0), function(x) -1 / (x - 0.3)^2,
    family = "pole", tols = c(0.05, 1e-3))
add("kahan.cancel", function(x) (x - 1/3) * (1 + 1e-16 / (x - 1/3 + 1e-300)), c(0, 1), 1/3, NULL,
    family = "misc")
add("end.root", function(x) x^2 - 4, c(2, 5), 2, function(x) 2 * x, starts = c(3), family = "misc")
add("steep.ramp", function(x) pmax(-1, pmin(1, 1e9 * (x - 0.3))), c(0, 1), 0.3, NULL, starts = NULL,
    family = "misc")
## scales, flatness, roots near 0 and far away
add("scale.huge", function(x) x * 1e300 - 1, c(-1, 1), 1e-300, function(x) 1e300, starts = c(1, -0.5),
    family = "scale")
add("scale.tiny", function(x) 1e-300 * (x - 1), c(0, 3), 1, function(x) 1e-300, starts = c(2, 0.1),
    family = "scale")
add("scale.root1e300", function(x) x / 1e300 - 1, c(0, 1.5e300), 1e300, function(x) 1e-300,
    starts = c(1e299), family = "scale", tols = c(1e-12 * 1e300, 1e290))
add("scale.rootneg1e300", function(x) x / 1e300 + 1, c(-1.7e308, 0), -1e300, function(x) 1e-300,
    starts = c(-1e299), family = "scale", tols = c(1e-12 * 1e300, 1e290))
add("scale.near0", function(x) x - 1e-200, c(-1, 1), 1e-200, function(x) 1, starts = c(0.5),
    family = "scale")
add("scale.log", function(x) log(x) - log(1e-300), c(1e-305, 1), 1e-300, function(x) 1 / x,
    starts = c(1e-299), family = "scale")
add("flat.expinv", function(x) ifelse(x == 0.3, 0, sign(x - 0.3) * exp(-1 / (x - 0.3)^2)), c(-1, 4), 0.3,
    NULL, starts = c(0.5), family = "flat")
add("flat.expinv2", function(x) (x - 0.3) * exp(-1 / (x - 0.3)^2) , c(-0.5, 2), 0.3,
    NULL, starts = c(1), family = "flat")
## noisy f, wrong fprime
add("noise.lin", local({set.seed(1); function(x) (x - 0.4) + 1e-14 * rnorm(1)}), c(0, 1), 0.4, function(x) 1,
    starts = c(0, 1), family = "noise", tols = c(1e-12, 1.5e-8))
add("noise.cos", function(x) cos(x) - x + 1e-14 * sin(1e9 * x), c(0, 1.7), 0.7390851332151606416553120876738734,
    function(x) -sin(x) - 1, starts = c(0, 1), family = "noise", tols = c(1e-12, 1.5e-8))
add("wrongfp.sign", function(x) exp(x) - 2, c(-4, 4 / 3), log(2), function(x) -exp(x), starts = c(0, 1),
    family = "wrongfp")
add("wrongfp.double", function(x) exp(x) - 2, c(-4, 4 / 3), log(2), function(x) 2 * exp(x), starts = c(0, 1),
    family = "wrongfp")
add("wrongfp.nan", function(x) x^3 - 2, c(0, 3), 2^(1/3), function(x) if (x > 1.2) NaN else 3 * x^2,
    starts = c(0.5, 2), family = "wrongfp")
add("wrongfp.inf", function(x) x^3 - 2, c(0, 3), 2^(1/3), function(x) if (x < 1.3) Inf else 3 * x^2,
    starts = c(1.2, 2), family = "wrongfp")
add("wrongfp.zero", function(x) x^3 - 2, c(0, 3), 2^(1/3), function(x) 0, starts = c(1), family = "wrongfp")

## ---- running ----------------------------------------------------------------
# verdict for one result: "solved", "false" (false success), "failed"
verdict <- function(p, r, tol, open = FALSE) {
  if (!isTRUE(r$converged)) return("failed")
  if (open) p$root <- c(p$root, p$other)  # without a bracket, any root of f will do
  if (!length(p$root)) return("false")
  x <- r$root
  if (is.finite(r$f.root) && r$f.root == 0 && p$f(x) == 0) {
    # f exactly 0: a root unless it is a pole/jump problem
    return("solved")
  }
  slack <- 2 * tol + 8 * .Machine$double.eps * abs(x)
  if (min(abs(x - p$root)) <= slack) return("solved")
  # a sign change confirmed within +-slack (roots not known exactly)
  fl <- p$f(x - slack); fu <- p$f(x + slack)
  if (is.finite(fl) && is.finite(fu) && sign(fl) * sign(fu) <= 0 &&
      min(abs(x - p$root)) <= 1e-6 * max(1, abs(x))) return("solved")
  "false"
}

run_problem <- function(p) {
  rows <- list()
  for (tol in p$tols) {
    calls_u <- 0
    g <- function(x) { calls_u <<- calls_u + 1; p$f(x) }
    u <- tryCatch(uniroot(g, p$interval, tol = tol, maxiter = 1000), error = function(e) NULL)
    u_v <- if (is.null(u)) "failed" else verdict(p, list(converged = TRUE, root = u$root, f.root = u$f.root), tol)
    variants <- list(
      list(kind = "bracket", method = "newton", fp = p$fp),
      list(kind = "bracket", method = "newton", fp = NULL),
      list(kind = "bracket", method = "secant", fp = NULL))
    if (!is.null(p$fp)) variants <- c(variants, list(list(kind = "bracket", method = "halley", fp = p$fp)))
    for (s in p$starts) {
      variants <- c(variants, list(list(kind = "open", method = "newton", fp = p$fp, x0 = s),
                                   list(kind = "open", method = "newton", fp = NULL, x0 = s),
                                   list(kind = "open", method = "secant", fp = NULL, x0 = s)))
      variants <- c(variants, list(list(kind = "bracket+x0", method = "newton", fp = p$fp, x0 = s)))
    }
    for (v in variants) {
      if (v$method != "secant" && !is.null(v$fp) && FALSE) next
      calls <- 0
      g <- function(x) { calls <<- calls + 1; p$f(x) }
      args <- list(g, fprime = v$fp, method = v$method, tol = tol)
      if (v$kind != "open") args$interval <- p$interval
      if (!is.null(v$x0)) args$x0 <- v$x0
      r <- tryCatch(suppressWarnings(do.call(newton_root, args)), error = function(e) e)
      if (inherits(r, "error")) {
        vv <- if (grepl("^'|argument|interval|x0", conditionMessage(r))) "error.arg" else "error"
        r <- list(converged = NA, root = NA, evals = calls, evals_fprime = NA, message = conditionMessage(r))
      } else vv <- verdict(p, r, tol, open = v$kind == "open")
      rows[[length(rows) + 1]] <- data.frame(
        name = p$name, family = p$family, tol = tol, kind = v$kind, method = v$method,
        deriv = if (v$method == "secant") "none" else if (is.null(v$fp)) "numerical" else "analytic",
        x0 = if (is.null(v$x0)) NA else v$x0, verdict = vv, root = r$root,
        calls = calls, calls_fp = if (is.null(r$evals_fprime)) NA else r$evals_fprime,
        uniroot_calls = if (is.null(u)) NA else calls_u, uniroot = u_v,
        message = substr(r$message[1], 1, 90))
    }
  }
  do.call(rbind, rows)
}

# every problem in a child process, 60 s each
run_child <- function(p, timeout = 60) {
  job <- parallel::mcparallel(run_problem(p), silent = TRUE)
  t0 <- Sys.time()
  repeat {
    res <- parallel::mccollect(job, wait = FALSE, timeout = 0.2)
    if (!is.null(res)) {
      out <- res[[1]]
      if (inherits(out, "try-error") || is.null(out))
        return(data.frame(name = p$name, family = p$family, tol = NA, kind = "all", method = "all",
                          deriv = NA, x0 = NA, verdict = "crash", root = NA, calls = NA, calls_fp = NA,
                          uniroot_calls = NA, uniroot = NA, message = substr(as.character(out), 1, 90)))
      return(out)
    }
    if (difftime(Sys.time(), t0, units = "secs") > timeout) {
      tools::pskill(job$pid); parallel::mccollect(job, wait = FALSE)
      return(data.frame(name = p$name, family = p$family, tol = NA, kind = "all", method = "all",
                        deriv = NA, x0 = NA, verdict = "hang", root = NA, calls = NA, calls_fp = NA,
                        uniroot_calls = NA, uniroot = NA, message = "timeout"))
    }
  }
}

res <- do.call(rbind, lapply(P, run_child))
rownames(res) <- NULL
cat(sprintf("newton_root audit: %d problems, %d runs\n", length(P), nrow(res)))
print(table(res$kind, res$verdict))
cat("\nby family:\n")
print(table(res$family, res$verdict))
bad <- res[res$verdict %in% c("false", "crash", "hang", "error"), ]
cat(sprintf("\nfalse successes: %d   crashes: %d   hangs: %d   other errors: %d\n",
            sum(res$verdict == "false"), sum(res$verdict == "crash"), sum(res$verdict == "hang"),
            sum(res$verdict == "error")))
if (nrow(bad)) print(bad[, c("name", "tol", "kind", "method", "deriv", "x0", "verdict", "root", "message")],
                     digits = 10)
# calls against uniroot on the bracketed runs both solve (no x0)
br <- res[res$kind == "bracket" & res$verdict == "solved" & res$uniroot == "solved", ]
for (d in c("analytic", "numerical", "none")) {
  s <- br[br$deriv == d & br$method != "halley", ]
  cat(sprintf("bracketed, %-9s: %3d runs, calls of f %5d (+ fprime %4d), uniroot %5d: ratio %.3f\n",
              d, nrow(s), sum(s$calls), sum(s$calls_fp, na.rm = TRUE) * (d == "analytic"),
              sum(s$uniroot_calls), (sum(s$calls) + (d == "analytic") * sum(s$calls_fp, na.rm = TRUE)) /
                sum(s$uniroot_calls)))
}
cat(sprintf("uniroot: solved %d, false successes %d (of %d bracketed runs' problems x tol)\n",
            sum(res$uniroot[res$kind == "bracket" & res$method == "newton" & res$deriv == "numerical"] == "solved"),
            sum(res$uniroot[res$kind == "bracket" & res$method == "newton" & res$deriv == "numerical"] == "false"),
            sum(res$kind == "bracket" & res$method == "newton" & res$deriv == "numerical")))
failed <- res[res$verdict == "failed" & res$kind != "open" & lengths(lapply(res$name, function(n) P[[n]]$root)) > 0, ]
if (nrow(failed)) {
  cat("\nbracketed runs that failed on a problem with a root:\n")
  print(failed[, c("name", "tol", "kind", "method", "deriv", "x0", "message")])
}
invisible(res)
if (nzchar(Sys.getenv("ROOT_UNSEEN_RDS"))) saveRDS(res, Sys.getenv("ROOT_UNSEEN_RDS"))
