# bench/optim-unseen.R -- adversarial audit of newton_optim() on objectives
# nobody on the team chose (issue 12, "never a false success").
#
# A false success is convergence == 0 where
#   * the true gradient (analytic, below) at the returned par exceeds gtol
#     (times a 10x slack for difference gradients, times fnscale), or
#   * the true Hessian at par is not positive semidefinite (a saddle or a
#     maximum reported as a minimum), or
#   * the objective is unbounded below (then no finite minimum exists).
# Every method, with and without gr/hess, plus formula objectives.
# Run: R_LIBS=/tmp/lib-optaudit Rscript bench/optim-unseen.R
suppressMessages(library(newtonr))

# ---- the objectives: fn, analytic gradient, analytic/numerical Hessian ----
numhess <- function(gr, x, h = 1e-5) {
  p <- length(x); H <- matrix(0, p, p)
  for (j in seq_len(p)) { e <- replace(numeric(p), j, h); H[, j] <- (gr(x + e) - gr(x - e)) / (2 * h) }
  (H + t(H)) / 2
}
P <- list()
add <- function(name, fn, gr, start, hess = NULL, unbounded = FALSE, nonsmooth = FALSE,
                formula = NULL, wrong_gr = NULL, wrong_hess = NULL, noisy = FALSE, kink = NULL) {
  P[[name]] <<- list(name = name, fn = fn, gr = gr, hess = hess, start = start,
                     unbounded = unbounded, nonsmooth = nonsmooth, formula = formula,
                     wrong_gr = wrong_gr, wrong_hess = wrong_hess, noisy = noisy, kink = kink)
}
# Dixon-Szego set
branin <- function(x) { a <- 1; b <- 5.1 / (4 * pi^2); c <- 5 / pi; r <- 6; s <- 10; t <- 1 / (8 * pi)
  a * (x[2] - b * x[1]^2 + c * x[1] - r)^2 + s * (1 - t) * cos(x[1]) + s }
branin_gr <- function(x) { b <- 5.1 / (4 * pi^2); c <- 5 / pi; u <- x[2] - b * x[1]^2 + c * x[1] - 6
  c(2 * u * (-2 * b * x[1] + c) - 10 * (1 - 1 / (8 * pi)) * sin(x[1]), 2 * u) }
add("branin", branin, branin_gr, c(0, 0))
add("branin_far", branin, branin_gr, c(-4, 14))
camel <- function(x) (4 - 2.1 * x[1]^2 + x[1]^4 / 3) * x[1]^2 + x[1] * x[2] + (-4 + 4 * x[2]^2) * x[2]^2
camel_gr <- function(x) c(8 * x[1] - 8.4 * x[1]^3 + 2 * x[1]^5 + x[2], x[1] - 8 * x[2] + 16 * x[2]^3)
add("camel6", camel, camel_gr, c(1, 1))
add("camel6_at_saddle", camel, camel_gr, c(0, 0))  # (0,0) is a saddle
gp <- function(x) { a <- x[1]; b <- x[2]
  (1 + (a + b + 1)^2 * (19 - 14 * a + 3 * a^2 - 14 * b + 6 * a * b + 3 * b^2)) *
    (30 + (2 * a - 3 * b)^2 * (18 - 32 * a + 12 * a^2 + 48 * b - 36 * a * b + 27 * b^2)) }
gp_gr <- function(x) { a <- x[1]; b <- x[2]
  A <- 1 + (a + b + 1)^2 * (19 - 14 * a + 3 * a^2 - 14 * b + 6 * a * b + 3 * b^2)
  B <- 30 + (2 * a - 3 * b)^2 * (18 - 32 * a + 12 * a^2 + 48 * b - 36 * a * b + 27 * b^2)
  Aa <- 2 * (a + b + 1) * (19 - 14 * a + 3 * a^2 - 14 * b + 6 * a * b + 3 * b^2) + (a + b + 1)^2 * (-14 + 6 * a + 6 * b)
  Ab <- 2 * (a + b + 1) * (19 - 14 * a + 3 * a^2 - 14 * b + 6 * a * b + 3 * b^2) + (a + b + 1)^2 * (-14 + 6 * a + 6 * b)
  Ba <- 4 * (2 * a - 3 * b) * (18 - 32 * a + 12 * a^2 + 48 * b - 36 * a * b + 27 * b^2) + (2 * a - 3 * b)^2 * (-32 + 24 * a - 36 * b)
  Bb <- -6 * (2 * a - 3 * b) * (18 - 32 * a + 12 * a^2 + 48 * b - 36 * a * b + 27 * b^2) + (2 * a - 3 * b)^2 * (48 - 36 * a + 54 * b)
  c(Aa * B + A * Ba, Ab * B + A * Bb) }
add("goldstein_price", gp, gp_gr, c(-0.5, 0.25))
add("goldstein_price_far", gp, gp_gr, c(1.5, 1.5))
hart <- function(A, P, alpha) {
  list(fn = function(x) -sum(alpha * exp(-rowSums(A * (matrix(x, nrow(A), ncol(A), byrow = TRUE) - P)^2))),
       gr = function(x) { D <- matrix(x, nrow(A), ncol(A), byrow = TRUE) - P
         w <- alpha * exp(-rowSums(A * D^2)); colSums(w * 2 * A * D) })
}
h3 <- hart(matrix(c(3, 10, 30, 0.1, 10, 35, 3, 10, 30, 0.1, 10, 35), 4, byrow = TRUE),
           1e-4 * matrix(c(3689, 1170, 2673, 4699, 4387, 7470, 1091, 8732, 5547, 381, 5743, 8828), 4, byrow = TRUE),
           c(1, 1.2, 3, 3.2))
add("hartmann3", h3$fn, h3$gr, rep(0.5, 3))
h6 <- hart(matrix(c(10, 3, 17, 3.5, 1.7, 8, 0.05, 10, 17, 0.1, 8, 14, 3, 3.5, 1.7, 10, 17, 8,
                    17, 8, 0.05, 10, 0.1, 14), 4, byrow = TRUE),
           1e-4 * matrix(c(1312, 1696, 5569, 124, 8283, 5886, 2329, 4135, 8307, 3736, 1004, 9991,
                           2348, 1451, 3522, 2883, 3047, 6650, 4047, 8828, 8732, 5743, 1091, 381), 4, byrow = TRUE),
           c(1, 1.2, 3, 3.2))
add("hartmann6", h6$fn, h6$gr, rep(0.5, 6))
add("hartmann6_flat", h6$fn, h6$gr, rep(5, 6))  # far out: the objective is ~1e-30 flat
shekel <- function(m) {
  A <- matrix(c(4, 4, 4, 4, 1, 1, 1, 1, 8, 8, 8, 8, 6, 6, 6, 6, 3, 7, 3, 7, 2, 9, 2, 9, 5, 5, 3, 3,
                8, 1, 8, 1, 6, 2, 6, 2, 7, 3.6, 7, 3.6), 10, byrow = TRUE)[1:m, ]
  cc <- c(0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.3, 0.7, 0.5, 0.5)[1:m]
  list(fn = function(x) -sum(1 / (rowSums((matrix(x, m, 4, byrow = TRUE) - A)^2) + cc)),
       gr = function(x) { D <- matrix(x, m, 4, byrow = TRUE) - A; s <- rowSums(D^2) + cc
         colSums(2 * D / s^2) })
}
for (m in c(5, 7, 10)) { s <- shekel(m); add(paste0("shekel", m), s$fn, s$gr, c(4.5, 4.5, 3.5, 3.5)) }
add("himmelblau", function(x) (x[1]^2 + x[2] - 11)^2 + (x[1] + x[2]^2 - 7)^2,
    function(x) c(4 * x[1] * (x[1]^2 + x[2] - 11) + 2 * (x[1] + x[2]^2 - 7),
                  2 * (x[1]^2 + x[2] - 11) + 4 * x[2] * (x[1] + x[2]^2 - 7)), c(-0.270845, -0.923039) + 0.01,
    formula = ~ (x1^2 + x2 - 11)^2 + (x1 + x2^2 - 7)^2)  # start near its local maximum
add("himmelblau_at_max", P$himmelblau$fn, P$himmelblau$gr, c(-0.270845, -0.923039))
st <- function(x) sum(x^4 - 16 * x^2 + 5 * x) / 2
st_gr <- function(x) (4 * x^3 - 32 * x + 5) / 2
for (n in c(2, 10)) add(paste0("styblinski_tang", n), st, st_gr, rep(0, n),
                        hess = function(x) diag((12 * x^2 - 32) / 2, length(x)))
rastrigin <- function(x) 10 * length(x) + sum(x^2 - 10 * cos(2 * pi * x))
rastrigin_gr <- function(x) 2 * x + 20 * pi * sin(2 * pi * x)
add("rastrigin5", rastrigin, rastrigin_gr, seq(0.3, 4.1, length.out = 5),
    hess = function(x) diag(2 + 40 * pi^2 * cos(2 * pi * x), length(x)))
ackley <- function(x) { n <- length(x)
  -20 * exp(-0.2 * sqrt(sum(x^2) / n)) - exp(sum(cos(2 * pi * x)) / n) + 20 + exp(1) }
ackley_gr <- function(x) { n <- length(x); r <- sqrt(sum(x^2) / n)
  g1 <- if (r > 0) 4 * exp(-0.2 * r) * x / (n * r) else 0 * x
  g1 + exp(sum(cos(2 * pi * x)) / n) * 2 * pi * sin(2 * pi * x) / n }
add("ackley3", ackley, ackley_gr, c(1.3, -0.7, 2.2), kink = c(0, 0, 0))  # a cone point at 0
beale <- function(x) (1.5 - x[1] + x[1] * x[2])^2 + (2.25 - x[1] + x[1] * x[2]^2)^2 + (2.625 - x[1] + x[1] * x[2]^3)^2
beale_gr <- function(x) { r <- c(1.5, 2.25, 2.625) - x[1] + x[1] * x[2]^(1:3)
  c(sum(2 * r * (x[2]^(1:3) - 1)), sum(2 * r * x[1] * (1:3) * x[2]^(0:2))) }
add("beale", beale, beale_gr, c(1, 1))
add("beale_far", beale, beale_gr, c(-4, 4))
# ill-conditioned quadratics, condition 1e8 .. 1e14
for (n in c(2, 10, 50)) for (k in c(8, 11, 14)) {
  local({
    set.seed(n * 100 + k)
    Q <- qr.Q(qr(matrix(rnorm(n * n), n)))
    ev <- 10^seq(0, k, length.out = n)
    A <- Q %*% (ev * t(Q)); A <- (A + t(A)) / 2
    b <- as.vector(A %*% rep(1, n))
    add(sprintf("quad_n%d_cond1e%d", n, k), function(x) 0.5 * sum(x * (A %*% x)) - sum(b * x),
        function(x) as.vector(A %*% x) - b, rep(0, n), hess = function(x) A)
  })
}
# nonsmooth
add("abs_sum", function(x) sum(abs(x - c(1, -2))), function(x) sign(x - c(1, -2)), c(0.3, 0.7),
    nonsmooth = TRUE, kink = c(1, -2))
add("max_type", function(x) max(abs(x[1] - 1), abs(x[2] + 1)) + 0.01 * sum(x^2),
    function(x) { g <- 0.02 * x; if (abs(x[1] - 1) >= abs(x[2] + 1)) g[1] <- g[1] + sign(x[1] - 1)
      else g[2] <- g[2] + sign(x[2] + 1); g }, c(3, 2), nonsmooth = TRUE)
# unbounded below
add("cubic", function(x) x^3, function(x) 3 * x^2, 1, hess = function(x) matrix(6 * x), unbounded = TRUE,
    formula = ~ x1^3)
add("cubic_neg_start", function(x) x^3, function(x) 3 * x^2, -0.5, hess = function(x) matrix(6 * x),
    unbounded = TRUE)
add("saddle_unbounded", function(x) -x[1]^2 + x[2]^2, function(x) c(-2 * x[1], 2 * x[2]), c(0.5, 1),
    hess = function(x) diag(c(-2, 2)), unbounded = TRUE, formula = ~ -x1^2 + x2^2)
add("saddle_at_0", function(x) x[1]^2 - x[2]^2, function(x) c(2 * x[1], -2 * x[2]), c(0, 0),
    hess = function(x) diag(c(2, -2)), unbounded = TRUE, formula = ~ x1^2 - x2^2)
add("monkey_saddle_at_0", function(x) x[1]^3 - 3 * x[1] * x[2]^2,
    function(x) c(3 * x[1]^2 - 3 * x[2]^2, -6 * x[1] * x[2]), c(0, 0),
    hess = function(x) matrix(c(6 * x[1], -6 * x[2], -6 * x[2], -6 * x[1]), 2), unbounded = TRUE,
    formula = ~ x1^3 - 3 * x1 * x2^2)
add("linear", function(x) sum(x), function(x) rep(1, length(x)), c(1, 2), unbounded = TRUE,
    hess = function(x) matrix(0, 2, 2))
add("exp_decay", function(x) exp(-x[1]) + x[2]^2, function(x) c(-exp(-x[1]), 2 * x[2]), c(0, 1),
    hess = function(x) diag(c(exp(-x[1]), 2)), unbounded = FALSE)  # inf not attained: never converge at finite x
# NaN regions
add("log_barrier", function(x) x[1] - log(x[1]) + (x[2] - 2)^2 - log(x[2]),
    function(x) c(1 - 1 / x[1], 2 * (x[2] - 2) - 1 / x[2]), c(10, 0.01),
    hess = function(x) diag(c(1 / x[1]^2, 2 + 1 / x[2]^2)))
add("sqrt_region", function(x) sqrt(x[1]) + (x[1] - 3)^2 + x[2]^2,
    function(x) c(0.5 / sqrt(x[1]) + 2 * (x[1] - 3), 2 * x[2]), c(0.05, 1))
# noisy f (noise ~1e-10 relative)
set.seed(1)
add("noisy_quadratic", function(x) sum((x - 1:3)^2) * (1 + 1e-10 * sin(1e7 * sum(x))) + 1,
    function(x) 2 * (x - 1:3), c(0, 0, 0), noisy = TRUE)
add("rosen_noisy", function(x) (1 - x[1])^2 + 100 * (x[2] - x[1]^2)^2 + 1e-9 * sin(1e6 * x[1]),
    function(x) c(-2 * (1 - x[1]) - 400 * x[1] * (x[2] - x[1]^2), 200 * (x[2] - x[1]^2)), c(-1.2, 1),
    noisy = TRUE)
# wrong derivatives on Rosenbrock and a coupled quadratic
rosen <- function(p) (1 - p[1])^2 + 100 * (p[2] - p[1]^2)^2
rosen_gr <- function(p) c(-2 * (1 - p[1]) - 400 * p[1] * (p[2] - p[1]^2), 200 * (p[2] - p[1]^2))
rosen_hess <- function(p) matrix(c(2 - 400 * p[2] + 1200 * p[1]^2, -400 * p[1], -400 * p[1], 200), 2)
add("rosen", rosen, rosen_gr, c(-1.2, 1), hess = rosen_hess,
    wrong_gr = list(sign = function(p) -rosen_gr(p), factor2 = function(p) 2 * rosen_gr(p),
                    half = function(p) 0.5 * rosen_gr(p), swapped = function(p) rev(rosen_gr(p)),
                    identity = function(p) p),
    wrong_hess = list(sign = function(p) -rosen_hess(p), factor2 = function(p) 2 * rosen_hess(p)))
Aq <- matrix(c(4, 1, 0, 3, 5, 2, 1, 0, 6), 3)  # non-symmetric: gr = A x would be "transposed"
As <- (Aq + t(Aq)) / 2
add("coupled_quadratic", function(x) 0.5 * sum(x * (As %*% x)) - sum(x), function(x) as.vector(As %*% x) - 1,
    c(1, -1, 2), hess = function(x) As,
    wrong_gr = list(transposed = function(x) as.vector(Aq %*% x) - 1),
    wrong_hess = list(transposed = function(x) Aq, factor2 = function(x) 2 * As))

# ---- the runs ----
methods <- c("newton", "trust", "newton-cg", "bfgs", "lbfgs", "gd", "auto")
gtol <- 1e-6
classify <- function(pr, r) {
  # false success? returns "" if fine, else a reason
  if (r$convergence != 0L) return("")
  if (pr$unbounded) return("finite minimum reported for an objective unbounded below")
  x <- r$par
  g <- pr$gr(x)
  scale <- 10  # slack for difference gradients / rounding
  if (!all(is.finite(g))) return("non-finite true gradient at the reported minimum")
  # the true minimiser of a nonsmooth objective sits on a kink, where the
  # gradient does not exist: reported apart ("kink"), not as a false success
  if (!is.null(pr$kink) && max(abs(x - pr$kink)) <= 1e-6 && max(abs(g)) > scale * gtol) return("kink")
  if (pr$nonsmooth) {
    # a converged claim is only honest where fn is differentiable with small gradient
    if (max(abs(g)) > scale * gtol) return(sprintf("nonsmooth: |g| = %.3g", max(abs(g))))
    return("")
  }
  if (max(abs(g)) > scale * gtol) return(sprintf("true max|g| = %.3g > gtol", max(abs(g))))
  H <- if (!is.null(pr$hess)) pr$hess(x) else numhess(pr$gr, x)
  ev <- eigen((H + t(H)) / 2, symmetric = TRUE, only.values = TRUE)$values
  if (min(ev) < -1e-6 * max(1, abs(max(ev)))) return(sprintf("reported minimum has eigenvalue %.3g", min(ev)))
  ""
}
run_one <- function(pr, method, variant) {
  gr <- NULL; hess <- NULL; fn <- pr$fn; par <- pr$start
  if (variant == "gr") gr <- pr$gr
  if (variant == "gr+hess") { gr <- pr$gr; hess <- pr$hess }
  if (startsWith(variant, "wrong_gr:")) { gr <- pr$wrong_gr[[sub("wrong_gr:", "", variant)]] }
  if (startsWith(variant, "wrong_hess:")) { gr <- pr$gr; hess <- pr$wrong_hess[[sub("wrong_hess:", "", variant)]] }
  if (variant == "formula") { fn <- pr$formula; names(par) <- paste0("x", seq_along(par)) }
  t0 <- proc.time()[[3]]
  r <- tryCatch(suppressWarnings(newton_optim(par, fn, gr, hess, method = method,
                                              control = list(maxit = 2000))),
                error = function(e) e)
  secs <- proc.time()[[3]] - t0
  if (inherits(r, "error")) {
    return(data.frame(problem = pr$name, method = method, variant = variant, code = NA,
                      fevals = NA, false_success = "", msg = conditionMessage(r), secs = secs))
  }
  data.frame(problem = pr$name, method = method, variant = variant, code = r$convergence,
             fevals = sum(r$counts[1:2]), false_success = classify(pr, r),
             msg = substr(r$message, 1, 90), secs = secs)
}
variants_of <- function(pr) {
  v <- c("fn", "gr")
  if (!is.null(pr$hess)) v <- c(v, "gr+hess")
  if (!is.null(pr$formula)) v <- c(v, "formula")
  if (!is.null(pr$wrong_gr)) v <- c(v, paste0("wrong_gr:", names(pr$wrong_gr)))
  if (!is.null(pr$wrong_hess)) v <- c(v, paste0("wrong_hess:", names(pr$wrong_hess)))
  v
}
only <- Sys.getenv("OPTIM_UNSEEN_ONLY")
rows <- list()
for (pr in P) {
  if (nzchar(only) && !grepl(only, pr$name)) next
  for (v in variants_of(pr)) for (m in methods) {
    if (startsWith(v, "wrong_hess") && !(m %in% c("newton", "trust", "newton-cg", "auto"))) next
    rows[[length(rows) + 1L]] <- run_one(pr, m, v)
  }
}
res <- do.call(rbind, rows)
kink <- res$false_success == "kink"
res$false_success[kink] <- ""
res$kink <- kink
cat(sprintf("runs: %d   converged (code 0): %d   errors: %d   false successes: %d\n",
            nrow(res), sum(res$code == 0, na.rm = TRUE), sum(is.na(res$code)),
            sum(nzchar(res$false_success))))
cat(sprintf("converged on the kink that is the true minimiser of a nonsmooth objective (gradient undefined there): %d\n",
            sum(kink)))
cat("\nconverged / runs by method:\n")
print(t(sapply(split(res, res$method), function(d)
  c(runs = nrow(d), converged = sum(d$code == 0, na.rm = TRUE), errors = sum(is.na(d$code)),
    false = sum(nzchar(d$false_success)), evals = sum(d$fevals, na.rm = TRUE)))))
cat("\nfalse successes:\n")
fs <- res[nzchar(res$false_success), c("problem", "method", "variant", "false_success", "msg")]
if (nrow(fs)) print(fs, row.names = FALSE) else cat("  none\n")
cat("\nerrors:\n")
er <- res[is.na(res$code), c("problem", "method", "variant", "msg")]
if (nrow(er)) print(er, row.names = FALSE) else cat("  none\n")
# peers in the same run: stats::optim BFGS and nlminb, with the true gr
peer <- do.call(rbind, lapply(P, function(pr) {
  if (nzchar(only) && !grepl(only, pr$name)) return(NULL)
  o <- tryCatch(suppressWarnings(optim(pr$start, pr$fn, pr$gr, method = "BFGS", control = list(maxit = 2000))),
                error = function(e) NULL)
  b <- tryCatch(suppressWarnings(nlminb(pr$start, pr$fn, pr$gr)), error = function(e) NULL)
  mk <- function(r, code, evals) if (is.null(r)) c(NA, "", NA) else
    c(code, classify(pr, list(convergence = code, par = r$par)), evals)
  rbind(c(pr$name, "optim-BFGS", mk(o, o$convergence, sum(o$counts))),
        c(pr$name, "nlminb", mk(b, b$convergence, sum(b$evaluations))))
}))
peer <- as.data.frame(peer, stringsAsFactors = FALSE)
names(peer) <- c("problem", "method", "code", "false_success", "evals")
peer$false_success[peer$false_success == "kink"] <- ""
ours <- res[res$variant == "gr" & res$method %in% c("newton", "trust", "bfgs"), ]
cat("\nwith the true gr, one run per problem, same run (convergence 0 / false successes / evaluations of fn+gr):\n")
tab <- rbind(
  t(sapply(split(ours, ours$method), function(d)
    c(converged = sum(d$code == 0), false = sum(nzchar(d$false_success)), evals = sum(d$fevals)))),
  t(sapply(split(peer, peer$method), function(d)
    c(converged = sum(d$code == "0", na.rm = TRUE), false = sum(nzchar(d$false_success)),
      evals = sum(as.numeric(d$evals), na.rm = TRUE)))))
print(tab)
cat(sprintf("ratio of evaluations, trust / optim-BFGS: %.2f; bfgs / optim-BFGS: %.2f\n",
            tab["trust", "evals"] / tab["optim-BFGS", "evals"], tab["bfgs", "evals"] / tab["optim-BFGS", "evals"]))
# on the problems both solve honestly (convergence 0, no false success)
ok_ours <- function(m) { d <- ours[ours$method == m & ours$code == 0 & !nzchar(ours$false_success), ]
  setNames(d$fevals, d$problem) }
ok_peer <- function(m) { d <- peer[peer$method == m & peer$code == "0" & !nzchar(peer$false_success), ]
  setNames(as.numeric(d$evals), d$problem) }
for (a in c("newton", "trust", "bfgs")) for (b in c("optim-BFGS", "nlminb")) {
  x <- ok_ours(a); y <- ok_peer(b); both <- intersect(names(x), names(y))
  cat(sprintf("  %-6s vs %-10s on the %2d problems both solve: evaluations %6.0f vs %6.0f, ratio %.2f\n",
              a, b, length(both), sum(x[both]), sum(y[both]), sum(x[both]) / sum(y[both])))
}
fsp <- peer[nzchar(peer$false_success), ]
if (nrow(fsp)) { cat("peers' false successes:\n"); print(fsp, row.names = FALSE) }
out_csv <- Sys.getenv("OPTIM_UNSEEN_CSV", "bench/results/optim-unseen.csv")
utils::write.csv(res, out_csv, row.names = FALSE)
cat(sprintf("\nslowest run: %.2f s (%s / %s / %s)\n", max(res$secs),
            res$problem[which.max(res$secs)], res$method[which.max(res$secs)],
            res$variant[which.max(res$secs)]))
