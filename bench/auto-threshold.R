# bench/auto-threshold.R -- cost per iteration and time to solution as the
# number of parameters n grows, for newton_optim's newton / newton-cg /
# lbfgs / gd, to choose the "auto" threshold (the n above which Newton with
# a dense Hessian stops being fastest).
#
# Two problems: extended Rosenbrock from its standard start (Hessian block
# diagonal, but handed to "newton" as a dense matrix, as a user would), and
# a dense convex quadratic-plus-quartic f = x'Ax/2 - b'x + sum(x^4)/4 with a
# dense SPD A (condition number 100): there the gradient itself costs
# O(n^2), the typical case for a dense model.
#
# Run from the package root, with newtonr installed:
#   Rscript bench/auto-threshold.R   (writes bench/results/auto-threshold.{txt,csv})
suppressPackageStartupMessages(library(newtonr))
options(width = 160)
out_dir <- file.path("bench", "results")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
sink(file.path(out_dir, "auto-threshold.txt"), split = TRUE)
on.exit(sink(), add = TRUE)
cpu <- grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1]
cat(sprintf("machine: %s, nproc = %s, %s\n%s\n\n", trimws(sub(".*:", "", cpu)),
            system("nproc", intern = TRUE), R.version.string,
            format(Sys.time(), tz = "UTC", usetz = TRUE)))

ns <- c(10, 50, 100, 200, 500, 1000, 2000)
methods <- c("newton", "newton-cg", "lbfgs", "gd")
maxit <- 5000L
tol_solved <- 1e-8

quartic_problem <- function(n) {
  set.seed(n)
  Q <- qr.Q(qr(matrix(rnorm(n * n), n)))
  A <- Q %*% (seq(1, 100, length.out = n) * t(Q))
  A <- (A + t(A)) / 2
  b <- rnorm(n)
  fn <- function(x) 0.5 * sum(x * (A %*% x)) - sum(b * x) + 0.25 * sum(x^4)
  gr <- function(x) drop(A %*% x) - b + x^3
  hess <- function(x) { H <- A; diag(H) <- diag(H) + 3 * x^2; H }
  hessp <- function(x, v) drop(A %*% v) + 3 * x^2 * v
  # reference minimum from a converged Newton run is not independent; use
  # optim's BFGS to tight tolerance instead
  ref <- optim(rep(0, n), fn, gr, method = "BFGS",
               control = list(maxit = 10000, reltol = 1e-15))$value
  list(name = "quartic", fn = fn, gr = gr, hess = hess, hessp = hessp,
       par = rep(1, n), minimum = ref, n = n)
}

have_optim <- exists("newton_optim", mode = "function")
have_trust <- requireNamespace("trust", quietly = TRUE)
if (!have_optim) cat("newton_optim() is not available in this build: only the peers run\n\n")

source(file.path("bench", "time-it.R"))  # time_it()

# Peers measured in the same run, as stand-ins and references: trust::trust
# (Newton with a dense Hessian, trust region) and optim's L-BFGS-B.
solver_call <- function(p, method) {
  switch(method,
    "peer:trust" = function() {
      o <- trust::trust(function(x) list(value = p$fn(x), gradient = p$gr(x),
                                         hessian = p$hess(x)),
                        p$par, rinit = 1, rmax = 100, iterlim = maxit)
      list(value = o$value, iter = o$iterations)
    },
    "peer:L-BFGS-B" = function() {
      o <- optim(p$par, p$fn, p$gr, method = "L-BFGS-B",
                 control = list(maxit = maxit, factr = 1e2))
      list(value = o$value, iter = o$counts[["function"]])
    },
    function() {
      args <- list(par = p$par, fn = p$fn, gr = p$gr, method = method,
                   control = list(maxit = maxit))
      if (method == "newton") args$hess <- p$hess
      if (method == "newton-cg") args$control$hessp <- p$hessp
      o <- do.call(newton_optim, args)
      list(value = o$value, iter = o$iterations)
    })
}

run <- function(p, method) {
  t <- tryCatch(time_it(solver_call(p, method)), error = function(e) e)
  if (inherits(t, "error")) {
    return(data.frame(iter = NA, time_s = NA, ms_per_iter = NA, solved = FALSE,
                      error = substr(conditionMessage(t), 1, 50)))
  }
  r <- t$r
  data.frame(iter = r$iter, time_s = signif(t$el, 4),
             ms_per_iter = signif(1000 * t$el / max(1, r$iter), 4),
             solved = abs(r$value - p$minimum) <= tol_solved * max(1, abs(p$minimum)),
             error = "")
}

rows <- list()
for (prob in c("extended_rosenbrock", "quartic")) {
  for (n in ns) {
    p <- if (prob == "quartic") quartic_problem(n) else test_problem(prob, n)
    # trust::trust does an eigendecomposition per iteration: cap its n
    all_methods <- c(if (have_optim) methods, if (have_trust && n <= 500) "peer:trust",
                     "peer:L-BFGS-B")
    for (m in all_methods) {
      r <- run(p, m)
      rows[[length(rows) + 1L]] <- cbind(problem = prob, n = n, method = m, r)
      cat(sprintf("%-20s n = %5d %-10s iter = %5s  time = %8.4f s  solved = %s\n",
                  prob, n, m, r$iter, r$time_s, r$solved))
    }
  }
}
res <- do.call(rbind, rows)
utils::write.csv(res, file.path(out_dir, "auto-threshold.csv"), row.names = FALSE)
cat("\n== All runs ==\n")
print(res, row.names = FALSE)

# Crossover: the smallest n from which newton is no longer the fastest
# successful method (time to solution), per problem.
cat("\n== Crossover (time to solution) ==\n")
for (prob in unique(res$problem)) {
  d <- res[res$problem == prob, ]
  newton <- if (have_optim) "newton" else "peer:trust"
  if (newton == "peer:trust") cat("(provisional: trust::trust stands in for newton)\n")
  fastest <- sapply(ns, function(n) {
    dd <- d[d$n == n & d$solved, ]
    if (!nrow(dd)) return(NA_character_)
    dd$method[which.min(dd$time_s)]
  })
  cat(prob, ": fastest by n: ", paste(sprintf("%d=%s", ns, fastest), collapse = ", "), "\n",
      sep = "")
  not_newton <- which(fastest != newton | is.na(fastest))
  cross <- if (length(not_newton)) ns[min(not_newton)] else NA
  cat(prob, ": newton stops being fastest at n = ",
      if (is.na(cross)) "(never, up to 2000)" else cross, "\n", sep = "")
  # ratio newton time / best other, per n
  ratio <- sapply(ns, function(n) {
    dd <- d[d$n == n & d$solved, ]
    tn <- dd$time_s[dd$method == newton]
    to <- dd$time_s[dd$method != newton & (have_optim == !startsWith(dd$method, "peer:"))]
    if (!length(tn) || !length(to)) NA else round(tn / min(to), 2)
  })
  cat(prob, ": time(newton) / time(best other): ",
      paste(sprintf("%d:%s", ns, ratio), collapse = ", "), "\n", sep = "")
}
