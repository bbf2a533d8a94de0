# test-bad-input-battery.R -- a GENERATED bad-input battery (issue 12).
#
# For every exported function (and the plot methods), each argument in turn
# (and each setting inside `control`, `method.args` and `...`) is replaced by
# a bad value (NULL, NA, NaN, +-Inf, 0, -1, +-1e308, 1e10, 3e9,
# .Machine$integer.max, a string, a list, a function, zero-length and
# wrong-length vectors, a matrix, a factor, a data frame, ...), and every
# function argument by a misbehaving callback (returns NULL, NA, NaN, Inf, a
# string, a list, a shorter or longer vector -- always or only after some
# calls --, raises an error or a warning).  Each case runs in its own forked
# child (of one fresh R process that never runs OpenMP code itself) with a
# timeout and a memory limit, and is classified as
#   ok       a result (printed, to exercise the print methods too);
#   error    an R error -- whose message must name the argument or callback
#            (or carry the callback's own error message);
#   suspect  a result that claims success but holds non-finite values, or a
#            numerical derivative that is silently wrong;
#   crash    the child died (signal, abort) without a result;
#   hang     the child did not finish within the timeout.
# Target: no crash, no hang, no suspect, every error names its argument.
#
# This file holds the engine and a fast deterministic subset (about 180
# cases, well under a minute).  The whole battery (thousands of cases) is
# bench/bad-input-battery.R, which sources this file with
# NEWTONR_BATTERY_DEFINE_ONLY=1 (then only the functions below are defined).

# ---- the bad values -------------------------------------------------------

battery_bad_values <- function() {
  list(
    "NULL" = NULL, "NA" = NA, "NaN" = NaN, "Inf" = Inf, "-Inf" = -Inf,
    "0" = 0, "-1" = -1, "0.5" = 0.5, "-0.5" = -0.5, "1e308" = 1e308,
    "-1e308" = -1e308, "1e10" = 1e10, "3e9" = 3e9,
    "int.max" = .Machine$integer.max, "-int.max" = -.Machine$integer.max,
    "2^53" = 2^53, "1e-300" = 1e-300, "TRUE" = TRUE, "chr" = "a",
    "NA_chr" = NA_character_, "complex" = 1i, "list" = list(1),
    "function" = function(x) x, "num0" = numeric(0), "len7" = as.double(1:7),
    "matrix" = matrix(1, 2, 2), "factor" = factor("a"),
    "data.frame" = data.frame(a = 1:2), "NA_int" = NA_integer_,
    "huge_int" = 2147483647L
  )
}

# Misbehaving versions of a good callback `g` (the argument's regular value).
# The "late_" ones behave for the first `k` calls (so the initial checks pass)
# and then misbehave -- e.g. at a finite-difference point.
battery_callback_modes <- function() {
  c("null", "na", "nan", "inf", "chr", "list", "longer", "shorter", "matrix",
    "logical", "huge", "error", "warning", "late_nan", "late_shorter",
    "late_longer", "late_error", "late_null", "alternate_shorter")
}

# Callbacks whose values have the wrong type or length at some point: a
# result computed from them is a silent wrong answer (the value was
# truncated, recycled or coerced), so "ok" counts as "suspect" for them.
battery_wrong_shape <- c("null", "chr", "list", "longer", "shorter", "matrix", "late_shorter",
                         "late_longer", "late_null", "alternate_shorter")

battery_bad_callback <- function(g, mode, k = 2L) {
  calls <- 0L
  misbehaved <- FALSE  # set when a bad value was actually returned
  late <- function() {
    calls <<- calls + 1L
    calls > k
  }
  bad <- function(v) {
    misbehaved <<- TRUE
    v
  }
  switch(mode,
    null = function(...) bad(NULL),
    na = function(...) bad(NA),
    nan = function(...) { v <- g(...); v[] <- NaN; bad(v) },
    inf = function(...) { v <- g(...); v[] <- Inf; bad(v) },
    chr = function(...) bad(as.character(g(...))),
    list = function(...) bad(as.list(g(...))),
    longer = function(...) bad(c(g(...), 1)),
    shorter = function(...) { v <- g(...); bad(v[-length(v)]) },
    matrix = function(...) { v <- g(...); bad(rbind(v, v)) },
    logical = function(...) bad(g(...) > 0),
    huge = function(...) bad(g(...) * 1e308),
    error = function(...) stop("battery-callback-error"),
    warning = function(...) { warning("battery-callback-warning"); g(...) },
    late_nan = function(...) { v <- g(...); if (late()) { v[] <- NaN; v <- bad(v) }; v },
    late_shorter = function(...) { v <- g(...); if (late()) bad(v[-length(v)]) else v },
    late_longer = function(...) { v <- g(...); if (late()) bad(c(v, 1)) else v },
    late_error = function(...) { v <- g(...); if (late()) stop("battery-callback-error"); v },
    late_null = function(...) { v <- g(...); if (late()) bad(NULL) else v },
    alternate_shorter = function(...) {
      v <- g(...)
      calls <<- calls + 1L
      if (calls > 1L && calls %% 2L == 0L) bad(v[-length(v)]) else v
    },
    stop("unknown callback mode ", mode)
  )
}

# ---- the functions under test ------------------------------------------------
# Each spec: `fun` (the function, or a wrapper for the plot methods),
# `args()` (regular arguments, built in the child), `callbacks` (arguments
# that are functions), `nested` (settings inside a list argument: control,
# method.args), `dots` (settings passed through ...), `skip` (arguments not
# substituted), `post(res)` (run on a result: print, coef, ...), `check(res,
# a)` (NULL, or why an accepted result is a silent wrong answer).

battery_specs <- function() {
  ns <- asNamespace("newtonr")
  sq2 <- function(x) x^2 - 2
  rosen <- function(p) 100 * (p[2] - p[1]^2)^2 + (1 - p[1])^2
  rosen_gr <- function(p) c(-400 * p[1] * (p[2] - p[1]^2) - 2 * (1 - p[1]), 200 * (p[2] - p[1]^2))
  rosen_hess <- function(p) matrix(c(1200 * p[1]^2 - 400 * p[2] + 2, -400 * p[1], -400 * p[1], 200), 2, 2)
  F2 <- function(x) c(x[1]^2 + x[2]^2 - 4, x[1] - x[2])
  J2 <- function(x) matrix(c(2 * x[1], 1, 2 * x[2], -1), 2, 2)
  g3 <- function(x) sum(x^2) + prod(x)          # gradient 2 x + prod(x) / x
  g3_gr <- function(x) 2 * x + prod(x) / x
  g3_hess <- function(x) { H <- outer(x, x, function(a, b) prod(x) / (a * b)); diag(H) <- 2; H }
  claims <- function(res) {
    isTRUE(res$converged) || identical(res$convergence, 0L) || identical(res$convergence, 0)
  }
  primary <- function(res) {
    for (nm in c("root", "par", "x", "coefficients")) if (is.numeric(res[[nm]])) return(res[[nm]])
    NULL
  }
  claim_check <- function(res, a) {
    if (!is.list(res)) return(NULL)
    v <- primary(res)
    # (NA coefficients are aliased columns, as in glm; NaN and Inf are not)
    bad <- if (!is.null(res$coefficients)) is.nan(v) | is.infinite(v) else !is.finite(v)
    if (claims(res) && !is.null(v) && any(bad)) {
      return("claims convergence with a non-finite solution")
    }
    NULL
  }
  deriv_check <- function(truth) {
    function(res, a) {
      if (!identical(a$fn, g3) || !is.numeric(a$x) || length(a$x) != 3L || any(!is.finite(a$x))) return(NULL)
      tv <- truth(as.double(a$x))
      if (!is.numeric(res) || length(res) != length(tv)) return("result of the wrong size")
      err <- max(abs(res - tv) / pmax(1, abs(tv)))
      if (!is.finite(err) || err > 1e-3) sprintf("silently wrong derivative (error %.3g)", err) else NULL
    }
  }
  glm_settings <- c("epsilon", "maxit", "trace", "type", "lambda", "algorithm", "threads",
                    "penalize_intercept")
  optim_settings <- setdiff(names(formals(ns$newton_optim_control)), "...")
  solve_settings <- setdiff(names(formals(ns$newton_solve_control)), "...")
  rich <- c("d", "eps", "zero_tol", "r", "v")
  list(
    list(name = "newton_root", fun = ns$newton_root,
         args = function() list(f = function(x) x^2 - 2, x0 = 1, fprime = function(x) 2 * x),
         callbacks = c("f", "fprime"), check = claim_check),
    list(name = "newton_root/bracket", fun = ns$newton_root,
         args = function() list(f = function(x) x^2 - 2, interval = c(0, 2)),
         callbacks = "f", only = c("f", "interval", "tol", "maxiter"), check = claim_check),
    list(name = "newton_root/halley", fun = ns$newton_root,
         args = function() list(f = function(x) x^2 - 2, x0 = 1, fprime = function(x) 2 * x,
                                fprime2 = function(x) 2, method = "halley"),
         callbacks = c("fprime2"), only = "fprime2", check = claim_check),
    list(name = "newton_root/uniroot", fun = ns$newton_root,
         args = function() list(f = function(x) x^2 - 2, lower = 0, upper = 1, extendInt = "yes",
                                f.lower = -2, f.upper = -1),
         callbacks = "f", only = c("lower", "upper", "extendInt", "f.lower", "f.upper", "check.conv",
                                   "trace"), check = claim_check),
    list(name = "newton_solve", fun = ns$newton_solve,
         args = function() list(fn = F2, x0 = c(1, 0.5), jac = J2),
         callbacks = c("fn", "jac"), nested = list(control = solve_settings),
         check = claim_check),
    list(name = "newton_solve_control", fun = ns$newton_solve_control, args = function() list()),
    list(name = "newton_solve/fd", fun = ns$newton_solve,
         args = function() list(fn = F2, x0 = c(2, 3)),
         callbacks = "fn", only = "fn", check = claim_check),
    list(name = "newton_optim", fun = ns$newton_optim,
         args = function() list(par = c(-1.2, 1), fn = rosen, gr = rosen_gr, hess = rosen_hess),
         callbacks = c("fn", "gr", "hess"), nested = list(control = optim_settings),
         check = claim_check),
    list(name = "newton_optim/bfgs", fun = ns$newton_optim,
         args = function() list(par = c(-1.2, 1), fn = rosen, method = "bfgs"),
         callbacks = "fn", only = c("fn", "par", "lower", "upper"), check = claim_check),
    list(name = "newton_optim_control", fun = ns$newton_optim_control, args = function() list()),
    list(name = "newton_glm", fun = ns$newton_glm,
         args = function() list(formula = am ~ wt + hp, family = stats::binomial, data = datasets::mtcars),
         dots = glm_settings, post = function(r) { stats::coef(r); summary(r) }, check = claim_check),
    list(name = "newton_glm_fit", fun = ns$newton_glm_fit,
         args = function() list(x = cbind(1, datasets::mtcars$wt, datasets::mtcars$hp),
                                y = datasets::mtcars$am, family = stats::binomial()),
         nested = list(control = glm_settings), check = claim_check),
    list(name = "newton_glm_fit/large", fun = ns$newton_glm_fit,
         args = function() {
           set.seed(1)
           x <- cbind(1, stats::rnorm(2^19))
           list(x = x, y = stats::rpois(2^19, exp(0.2 * x[, 2])), family = stats::poisson())
         },
         nested = list(control = "threads"), only = "control$threads", check = claim_check,
         no_print = TRUE),
    list(name = "newton_glm_fit/gaussian", fun = ns$newton_glm_fit,
         args = function() list(x = cbind(1, datasets::mtcars$wt), y = datasets::mtcars$mpg,
                                family = stats::gaussian(), control = list(algorithm = "gd")),
         nested = list(control = c("maxit", "epsilon", "lambda")),
         only = c("control$maxit", "control$epsilon", "control$lambda"), check = claim_check),
    list(name = "newton_glm_fit/newton-cg", fun = ns$newton_glm_fit,
         args = function() list(x = cbind(1, datasets::mtcars$wt, datasets::mtcars$hp),
                                y = datasets::mtcars$am, family = stats::binomial(),
                                control = list(algorithm = "newton-cg")),
         nested = list(control = c("maxit", "epsilon", "lambda", "penalize_intercept")),
         only = c("control$maxit", "control$epsilon", "control$lambda", "control$penalize_intercept"),
         check = claim_check),
    list(name = "newton_glm_control", fun = ns$newton_glm_control, args = function() list()),
    list(name = "num_gradient", fun = ns$num_gradient,
         args = function() list(fn = g3, x = c(1, 2, 3)),
         callbacks = "fn", nested = list(method.args = rich), check = deriv_check(g3_gr)),
    list(name = "num_jacobian", fun = ns$num_jacobian,
         args = function() list(fn = function(x) c(sum(x^2), prod(x)), x = c(1, 2, 3)),
         callbacks = "fn", nested = list(method.args = rich),
         any_length = c("longer", "shorter", "matrix")),  # (any fixed length is a function)
    list(name = "num_hessian", fun = ns$num_hessian,
         args = function() list(fn = g3, x = c(1, 2, 3)),
         callbacks = "fn", nested = list(method.args = rich), check = deriv_check(g3_hess)),
    list(name = "check_derivatives", fun = ns$check_derivatives,
         args = function() list(fn = g3, gr = g3_gr, hess = g3_hess, x = c(1, 2, 3)),
         callbacks = c("fn", "gr", "hess"),
         check = function(res, a) {
           if (identical(a$fn, g3) && identical(a$gr, g3_gr) && identical(a$hess, g3_hess) &&
               is.numeric(a$x) && length(a$x) == 3L && all(is.finite(a$x)) && all(a$x != 0) &&
               max(abs(a$x)) < 1e3 && !isTRUE(res$ok) && (is.null(a$tol) || isTRUE(a$tol >= 1e-5))) {
             "blames correct derivatives"
           }
         }),
    list(name = "compare_methods", fun = ns$compare_methods,
         args = function() list(par = c(-1.2, 1), fn = rosen, gr = rosen_gr, hess = rosen_hess,
                                methods = c("newton", "bfgs")),
         callbacks = c("fn", "gr", "hess")),
    list(name = "plot_trace", fun = ns$plot_trace,
         args = function() list(fit = ns$newton_glm(am ~ wt + hp, stats::binomial, datasets::mtcars))),
    list(name = "plot.newton_optim", fun = function(...) graphics::plot(...),
         formals_of = function() getS3method("plot", "newton_optim"),
         args = function() list(x = ns$newton_optim(c(-1.2, 1), rosen), which = "contour", fn = rosen),
         callbacks = "fn", skip = "x"),
    list(name = "plot.newton_root", fun = function(...) graphics::plot(...),
         formals_of = function() getS3method("plot", "newton_root"),
         args = function() list(x = ns$newton_root(sq2, 1), f = sq2),
         callbacks = "f", skip = "x"),
    list(name = "plot.newton_solve", fun = function(...) graphics::plot(...),
         formals_of = function() getS3method("plot", "newton_solve"),
         args = function() list(x = ns$newton_solve(F2, c(1, 0.5), J2), which = "path"),
         skip = "x"),
    list(name = "plot.newton_glm", fun = function(...) graphics::plot(...),
         formals_of = function() getS3method("plot", "newton_glm"),
         args = function() list(x = ns$newton_glm(am ~ wt + hp, stats::binomial, datasets::mtcars),
                                which = "trace"),
         skip = "x"),
    list(name = "shortest_decimal", fun = ns$shortest_decimal, args = function() list(x = pi)),
    list(name = "test_problem", fun = ns$test_problem, args = function() list(name = "rosenbrock")),
    list(name = "test_problems", fun = ns$test_problems, args = function() list()),
    list(name = "newtonr_build_info", fun = ns$newtonr_build_info, args = function() list())
  )
}

battery_formals <- function(spec) {
  f <- if (!is.null(spec$formals_of)) spec$formals_of() else spec$fun
  setdiff(names(formals(f)), "...")
}

# All cases, in a fixed order: list(id, spec, arg, path, kind, label).
battery_cases <- function(specs = battery_specs()) {
  bad <- names(battery_bad_values())
  modes <- battery_callback_modes()
  out <- list()
  add <- function(spec, arg, path, kind, labels) {
    for (l in labels) {
      out[[length(out) + 1L]] <<- list(
        id = sprintf("%s: %s = %s", spec$name, arg, if (kind == "callback") paste0("<", l, ">") else l),
        spec = spec$name, arg = arg, path = path, kind = kind, label = l)
    }
  }
  for (spec in specs) {
    argn <- battery_formals(spec)
    targets <- list()
    for (a in setdiff(argn, spec$skip)) targets[[a]] <- a
    for (lst in names(spec$nested)) for (s in spec$nested[[lst]]) targets[[paste0(lst, "$", s)]] <- c(lst, s)
    for (s in spec$dots) targets[[s]] <- s
    # a function without arguments: called once (it must not fail)
    if (!length(targets)) add(spec, "()", character(), "call", "plain")
    for (nm in names(targets)) {
      if (!is.null(spec$only) && !(nm %in% spec$only)) next
      add(spec, nm, targets[[nm]], "value", bad)
      if (nm %in% spec$callbacks) add(spec, nm, targets[[nm]], "callback", modes)
    }
  }
  ids <- vapply(out, `[[`, "", "id")
  stopifnot(!anyDuplicated(ids))
  out
}

# ---- running one case (in the child) -----------------------------------------

battery_case_args <- function(spec, case) {
  a <- spec$args()
  if (case$kind == "call") return(a)
  bad <- if (case$kind == "value") {
    battery_bad_values()[case$label]   # a list of one (keeps NULL)
  } else {
    good <- if (length(case$path) == 1L) a[[case$path]] else NULL
    list(battery_bad_callback(good, case$label))
  }
  if (length(case$path) == 1L) {
    a[case$path] <- bad
  } else {
    inner <- a[[case$path[1L]]]
    if (is.null(inner)) inner <- list()
    inner[case$path[2L]] <- bad
    a[[case$path[1L]]] <- inner
  }
  a
}

battery_run_one <- function(spec, case) {
  warns <- character()
  grDevices::pdf(NULL)
  out <- withCallingHandlers(
    tryCatch({
      a <- battery_case_args(spec, case)
      res <- do.call(spec$fun, a)
      if (!isTRUE(spec$no_print)) utils::capture.output(print(res))
      if (!is.null(spec$post)) utils::capture.output(spec$post(res))
      why <- if (!is.null(spec$check)) spec$check(res, a)
      if (is.null(why) && case$kind == "callback" && case$label %in% battery_wrong_shape &&
          !(case$label %in% spec$any_length) &&
          isTRUE(environment(a[[case$path[1L]]])$misbehaved)) {
        why <- sprintf("accepted a callback returning %s", case$label)
      }
      if (is.null(why)) list(status = "ok") else list(status = "suspect", msg = why)
    }, error = function(e) list(status = "error", msg = conditionMessage(e))),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  out$warnings <- warns
  out
}

# Does an error message name the substituted argument (or carry the
# callback's own message)?
battery_names_arg <- function(case, msg) {
  keys <- unique(c(case$arg, case$path))
  if (case$kind == "callback" && grepl("battery-callback-error", msg, fixed = TRUE)) return(TRUE)
  pats <- c(sprintf("'%s'", keys), sprintf("\u2018%s\u2019", keys), sprintf("\"%s\"", keys),
            sprintf("`%s`", keys), sprintf("%s$%s", case$path[1L], case$path[length(case$path)]),
            sprintf("$%s'", keys))
  any(vapply(pats, function(p) grepl(p, msg, fixed = TRUE), NA))
}

# Run cases, each in a forked child with a timeout; `ids` index into
# battery_cases().  Returns a data.frame: id, spec, arg, kind, label,
# status, named, msg, seconds.
battery_run <- function(ids = NULL, timeout = 10, progress = FALSE) {
  specs <- battery_specs()
  names(specs) <- vapply(specs, `[[`, "", "name")
  cases <- battery_cases(specs)
  if (is.null(ids)) ids <- seq_along(cases)
  rows <- vector("list", length(ids))
  for (k in seq_along(ids)) {
    case <- cases[[ids[k]]]
    t0 <- proc.time()[["elapsed"]]
    job <- parallel::mcparallel(battery_run_one(specs[[case$spec]], case), silent = TRUE)
    res <- NULL
    status <- NULL
    repeat {
      r <- suppressWarnings(parallel::mccollect(job, wait = FALSE, timeout = 0.02))
      if (!is.null(r)) {
        res <- r[[1L]]
        break
      }
      if (proc.time()[["elapsed"]] - t0 > timeout) {
        tools::pskill(job$pid, tools::SIGKILL)
        suppressWarnings(parallel::mccollect(job, wait = TRUE))
        status <- "hang"
        break
      }
    }
    if (is.null(status)) {
      status <- if (inherits(res, "try-error")) "error" else
        if (is.list(res) && !is.null(res$status)) res$status else "crash"
    }
    msg <- if (is.list(res) && !is.null(res$msg)) res$msg else ""
    if (inherits(res, "try-error")) msg <- as.character(res)
    named <- if (status == "error") battery_names_arg(case, msg) else NA
    rows[[k]] <- data.frame(id = case$id, spec = case$spec, arg = case$arg, kind = case$kind,
                            label = case$label, status = status, named = named,
                            msg = substr(gsub("\\s+", " ", msg), 1, 300),
                            seconds = proc.time()[["elapsed"]] - t0, stringsAsFactors = FALSE)
    if (progress && k %% 100 == 0) message(k, "/", length(ids), " cases")
  }
  do.call(rbind, rows)
}

# The battery in a fresh R process (so that the parent of the forks never ran
# OpenMP code, and a runaway case meets a memory limit): this file is sourced
# there with NEWTONR_BATTERY_DEFINE_ONLY=1.
battery_run_fresh <- function(ids = NULL, timeout = 10, battery_file, mem_kb = 8e6,
                              progress = FALSE) {
  out <- tempfile(fileext = ".rds")
  idf <- tempfile(fileext = ".rds")
  saveRDS(ids, idf)
  code <- sprintf(paste0(
    "suppressPackageStartupMessages(library(newtonr)); ",
    "Sys.setenv(NEWTONR_BATTERY_DEFINE_ONLY = '1'); source('%s'); ",
    "res <- battery_run(readRDS('%s'), timeout = %g, progress = %s); saveRDS(res, '%s')"),
    normalizePath(battery_file), idf, timeout, progress, out)
  rscript <- file.path(R.home("bin"), "Rscript")
  cmd <- sprintf("ulimit -v %d 2>/dev/null; exec '%s' -e \"%s\"", as.integer(mem_kb), rscript, code)
  env <- paste0("R_LIBS=", paste(.libPaths(), collapse = .Platform$path.sep))
  log <- tempfile(fileext = ".log")
  system2("bash", c("-c", shQuote(cmd)), env = env, stdout = log, stderr = log)
  if (!file.exists(out)) {
    stop("the battery's R process failed:\n", paste(utils::tail(readLines(log), 30), collapse = "\n"))
  }
  readRDS(out)
}

# A deterministic subset: every case of `must`, and about `n` others spread
# evenly over each spec's cases (each spec gets at least `min_per` cases).
battery_subset <- function(cases, n = 140, min_per = 3, must = character()) {
  ids <- vapply(cases, `[[`, "", "id")
  spec <- vapply(cases, `[[`, "", "spec")
  frac <- n / length(cases)
  pick <- integer()
  for (s in unique(spec)) {
    w <- which(spec == s)
    m <- min(length(w), max(min_per, round(length(w) * frac)))
    pick <- c(pick, w[unique(round(seq(1, length(w), length.out = m)))])
  }
  sort(unique(c(pick, match(must, ids))))
}

# Cases that must be in the fast subset: the crashes and silent wrong
# answers of issue 12.
battery_must <- c(
  "newton_glm_fit: control$maxit = 1e10",
  "newton_glm: maxit = 3e9",
  "newton_glm_fit/large: control$threads = 1e10",
  "newton_glm_fit/large: control$threads = int.max",
  "newton_glm_fit: control$maxit = 0",
  "newton_glm_fit: control = 1e308",
  "newton_glm_fit: control$lambda = Inf",
  "num_gradient: method.args$v = 1e308",
  "num_gradient: method.args$d = 1e-300",
  "num_hessian: method.args$d = 1e-300",
  "num_hessian: method.args$v = 1e10",
  "plot.newton_optim: nlevels = int.max",
  "newton_solve/fd: fn = <late_shorter>",
  "newton_solve/fd: fn = <late_longer>",
  "newton_solve/fd: fn = <alternate_shorter>",
  "newton_optim: control$maxit = 1e10"
)

# Errors must name their argument everywhere (the exemption for code being
# rewritten in parallel was dropped when those rewrites merged: the whole
# battery then listed 0 unnamed errors, bench/results/bad-input-battery.txt).

if (!nzchar(Sys.getenv("NEWTONR_BATTERY_DEFINE_ONLY"))) {
  test_that("the generated bad-input battery: no crash, no hang, errors name the argument", {
    skip_on_cran()
    skip_on_os("windows")  # forks
    cases <- battery_cases()
    ids <- battery_subset(cases, must = battery_must)
    expect_true(all(battery_must %in% vapply(cases[ids], `[[`, "", "id")))
    res <- battery_run_fresh(ids, timeout = 10, battery_file = test_path("test-bad-input-battery.R"))
    expect_equal(nrow(res), length(ids))
    # every exported function is exercised
    ex <- getNamespaceExports("newtonr")
    expect_true(all(ex %in% sub("/.*", "", res$spec)),
                label = paste("not in the battery:", paste(setdiff(ex, sub("/.*", "", res$spec)), collapse = ", ")))
    show <- function(r) paste(sprintf("%s [%s] %s", r$id, r$status, r$msg), collapse = "\n")
    expect_true(all(res$status %in% c("ok", "error", "suspect", "crash", "hang")))
    expect_equal(sum(res$status == "crash"), 0, label = show(res[res$status == "crash", ]))
    expect_equal(sum(res$status == "hang"), 0, label = show(res[res$status == "hang", ]))
    expect_equal(sum(res$status == "suspect"), 0, label = show(res[res$status == "suspect", ]))
    unnamed <- res[res$status == "error" & !res$named, ]
    expect_equal(nrow(unnamed), 0, label = show(unnamed))
  })
}
