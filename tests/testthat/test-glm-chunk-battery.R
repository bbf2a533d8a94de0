# test-glm-chunk-battery.R -- a GENERATED bad-input battery for
# newton_glm(data = function(reset)) (the chunked path, issue 18).
#
# Every argument of newton_glm() in turn (and the control settings given
# through `...`) is replaced by a bad value (NULL, NA, NaN, Inf, -1, 0, a
# string, a list, a function, a zero-length or length-7 vector, a matrix, a
# factor, a data frame), and the chunk source by misbehaving callbacks
# (returns NULL at once, a non-data-frame, raises an error at once or on a
# later pass, warns, has no argument, ignores data(TRUE), never returns NULL,
# returns fewer/more/other rows or a retyped or missing column on a later
# pass, Inf or NA values, 0-row and 0-column chunks).  Each case runs in
# its own forked child of one fresh R process (parallel::mcparallel; the
# parent never runs OpenMP code itself) with a timeout, and is classified:
#   ok       an error naming the argument ('data' for the source, or the
#            callback's own message), or a result equal to glm() with the
#            same arguments on the rows one sweep of the source gives;
#   unnamed  an error that does not name the argument;
#   suspect  a result that glm() on the pulled rows does not give (it fails,
#            or its coefficients differ by more than 1e-6);
#   crash / hang.
# Target: every case "ok".

chunk_battery_data <- function() {
  set.seed(1818)
  n <- 300
  d <- data.frame(x1 = rnorm(n), x2 = runif(n), g = factor(sample(c("a", "b", "c"), n, TRUE)),
                  w = rep(c(1, 2, 0.5), 100), off = rnorm(n, 0, 0.1))
  d$yb <- rbinom(n, 1, plogis(0.2 + d$x1))
  d$yp <- rpois(n, exp(0.1 + 0.3 * d$x1))
  d
}

chunk_battery_src <- function(chunks) {
  i <- 0
  function(reset = FALSE) {
    if (reset) { i <<- 0; return(invisible(NULL)) }
    i <<- i + 1
    if (i > length(chunks)) NULL else chunks[[i]]
  }
}

chunk_battery_values <- function() {
  list("NULL" = NULL, "NA" = NA, "NaN" = NaN, "Inf" = Inf, "-1" = -1, "0" = 0, "chr" = "a",
       "list" = list(1), "function" = function(x) x, "num0" = numeric(0), "len7" = as.double(1:7),
       "matrix" = matrix(1, 2, 2), "factor" = factor("a"), "data.frame" = data.frame(a = 1:2))
}

# Misbehaving sources built from the good chunks `ch` (a list of 3).
chunk_battery_sources <- function(ch) {
  d <- do.call(rbind, ch)
  mk <- function(f) { force(f); f }
  pass_src <- function(fun) {  # fun(pass, i) -> the i-th chunk of pass `pass`
    pass <- 0
    i <- 0
    function(reset = FALSE) {
      if (reset) { pass <<- pass + 1; i <<- 0; return(invisible(NULL)) }
      i <<- i + 1
      fun(pass, i)
    }
  }
  good <- function(pass, i) if (i > length(ch)) NULL else ch[[i]]
  list(
    null_at_once = mk(function(reset = FALSE) NULL),
    returns_na = mk(function(reset = FALSE) NA),
    returns_chr = mk(function(reset = FALSE) "a"),
    returns_list = mk(function(reset = FALSE) list(1)),
    returns_matrix = mk(function(reset = FALSE) as.matrix(ch[[1]])),
    error_at_once = mk(function(reset = FALSE) stop("battery-callback-error")),
    no_argument = mk(function() ch[[1]]),
    warns = pass_src(function(pass, i) { warning("battery-callback-warning"); good(pass, i) }),
    error_pass3 = pass_src(function(pass, i) if (pass >= 3 && i == 2) stop("battery-callback-error") else good(pass, i)),
    null_pass3 = pass_src(function(pass, i) if (pass >= 3 && i == 2) NULL else good(pass, i)),
    chr_pass3 = pass_src(function(pass, i) if (pass >= 3 && i == 2) "a" else good(pass, i)),
    ignores_reset = local({ k <- 0; function(reset = FALSE) { if (reset) return(invisible(NULL)); k <<- k + 1; if (k %% 4 == 0) NULL else d[sample(nrow(d), 100), ] } }),
    never_null = mk(function(reset = FALSE) if (reset) invisible(NULL) else ch[[1]]),
    more_later = pass_src(function(pass, i) if (pass >= 2 && i > 3) ch[[1]] else good(pass, i)),
    fewer_later = pass_src(function(pass, i) if (pass >= 2 && i > 2) NULL else good(pass, i)),
    other_rows_later = pass_src(function(pass, i) if (pass >= 3 && i == 1) ch[[2]] else good(pass, i)),
    na_rows_later = pass_src(function(pass, i) { x <- good(pass, i); if (pass >= 3 && !is.null(x)) x$x1[1:5] <- NA; x }),
    missing_col_later = pass_src(function(pass, i) { x <- good(pass, i); if (i == 3 && !is.null(x)) x$x1 <- NULL; x }),
    retyped_col_later = pass_src(function(pass, i) { x <- good(pass, i); if (i == 3 && !is.null(x)) x$x1 <- as.character(x$x1); x }),
    new_level_later = pass_src(function(pass, i) { x <- good(pass, i); if (pass >= 3 && i == 3) x$g <- factor(ifelse(x$g == "a", "zz", as.character(x$g))); x }),
    inf_value = pass_src(function(pass, i) { x <- good(pass, i); if (i == 2) x$x1[3] <- Inf; x }),
    na_response = pass_src(function(pass, i) { x <- good(pass, i); if (i == 2) x$yb[3:4] <- NA; x }),
    bad_response = pass_src(function(pass, i) { x <- good(pass, i); if (i == 2) x$yb[3] <- 2; x }),
    empty_chunks = pass_src(function(pass, i) if (i == 2) ch[[1]][0, ] else if (i == 3) data.frame() else good(pass, i - 2)),
    all_empty = pass_src(function(pass, i) if (i <= 2) ch[[1]][0, ] else NULL),
    one_row_chunks = pass_src(function(pass, i) if (i > 25) NULL else d[i, ]),
    reset_returns_chunk = local({ i <- 0; function(reset = FALSE) { if (reset) { i <<- 0; return(ch[[3]]) }; i <<- i + 1; if (i > 3) NULL else ch[[i]] } })
  )
}

# The cases: list(label, arg, kind, args) where args are newton_glm's
# arguments (data is a source object built in the child).
chunk_battery_cases <- function() {
  base <- list(formula = yb ~ x1 + g, family = quote(binomial))
  args <- c("formula", "family", "weights", "subset", "na.action", "start", "etastart", "mustart",
            "offset", "control", "model", "method", "x", "y", "singular.ok", "contrasts", "sparse",
            "epsilon", "maxit", "trace")
  vals <- chunk_battery_values()
  few <- c("NULL", "NA", "Inf", "-1", "chr", "list", "num0", "len7")
  cases <- list()
  for (a in args) for (v in if (a %in% c("formula", "family", "weights", "start", "offset", "control")) names(vals) else few) {
    cases[[length(cases) + 1L]] <- list(label = sprintf("%s = %s", a, v), arg = a, kind = "value",
                                        value = vals[v], base = base)
  }
  for (s in names(chunk_battery_sources(list(1, 2, 3)))) {
    cases[[length(cases) + 1L]] <- list(label = sprintf("data: %s", s), arg = "data", kind = "callback",
                                        source = s, base = base)
  }
  cases
}

# One case (in the child): the fit, glm() on the pulled rows, the verdict.
chunk_battery_one <- function(case) {
  d <- chunk_battery_data()
  ch <- unname(split(d, rep(1:3, each = 100)))
  src <- if (case$kind == "callback") chunk_battery_sources(ch)[[case$source]] else chunk_battery_src(ch)
  # the rows one sweep gives (for a result to be checked against)
  pulled <- tryCatch({
    rows <- list()
    suppressWarnings(src(TRUE))
    for (k in 1:500) { x <- suppressWarnings(src(FALSE)); if (!is.data.frame(x)) break; rows[[k]] <- x }
    if (length(rows)) do.call(rbind, rows[vapply(rows, ncol, 0L) > 0L]) else NULL
  }, error = function(e) NULL)
  if (case$kind == "callback") src <- chunk_battery_sources(ch)[[case$source]]  # fresh state
  a <- case$base
  if (case$kind == "value") a[case$arg] <- case$value  # (NULL kept as an element)
  fit <- tryCatch(suppressWarnings(do.call(newtonr::newton_glm, c(a, list(data = src)))), error = function(e) e)
  glm_on <- function(a) tryCatch(suppressWarnings(do.call(stats::glm, c(a[setdiff(names(a), c("sparse", "method"))],
                                                                        list(data = pulled)))),
                                  error = function(e) e)
  # glm() on the same rows is run only when needed: under R CMD check
  # --as-cran (_R_CHECK_LENGTH_1_LOGIC2_ = abort) glm.control(epsilon = 1:7)
  # itself aborts R, which would read as a crash of the case
  if (inherits(fit, "error")) {
    msg <- conditionMessage(fit)
    keys <- unique(c(case$arg, if (case$arg %in% c("epsilon", "maxit", "trace")) "control"))
    named <- any(vapply(c(sprintf("'%s'", keys), sprintf("\u2018%s\u2019", keys), sprintf("(%s)", keys)),
                        grepl, NA, x = msg, fixed = TRUE)) || grepl("battery-callback-error", msg, fixed = TRUE)
    if (named) return(list(status = "ok", msg = msg))
    # glm's own message on the same rows (e.g. "y values must be 0 <= y <= 1")
    ref <- if (!is.null(pulled)) glm_on(a)
    if (inherits(ref, "error") && identical(conditionMessage(ref), msg)) return(list(status = "ok", msg = msg))
    return(list(status = "unnamed", msg = msg))
  }
  ref <- if (!is.null(pulled)) glm_on(a)
  if (is.null(pulled)) return(list(status = "suspect", msg = "a result, but one sweep gives no rows"))
  # NULL taken as "not given" (newton_glm's defaults) is fine when glm() gives that fit
  if (case$kind == "value" && is.null(case$value[[1L]]) && inherits(ref, "error")) ref <- glm_on(case$base)
  if (inherits(ref, "error")) return(list(status = "suspect", msg = paste("glm():", conditionMessage(ref))))
  same <- length(coef(fit)) == length(coef(ref)) &&
    isTRUE(all.equal(unname(coef(fit)), unname(coef(ref)), tolerance = 1e-6)) &&
    identical(fit$converged, ref$converged)
  list(status = if (same) "ok" else "suspect", msg = if (same) "" else "coefficients differ from glm()")
}

# All cases, each in a forked child with a timeout.
chunk_battery_run <- function(timeout = 30) {
  cases <- chunk_battery_cases()
  out <- vector("list", length(cases))
  child <- function(case) {
    t0 <- proc.time()[["elapsed"]]
    job <- parallel::mcparallel(chunk_battery_one(case), silent = TRUE)
    repeat {
      r <- suppressWarnings(parallel::mccollect(job, wait = FALSE, timeout = 0.02))
      if (!is.null(r)) return(r[[1L]])
      if (proc.time()[["elapsed"]] - t0 > timeout) {
        tools::pskill(job$pid, tools::SIGKILL)
        suppressWarnings(parallel::mccollect(job, wait = TRUE))
        return(list(status = "hang", msg = ""))
      }
    }
  }
  lost <- function(res) !is.list(res) || is.null(res$status)
  for (k in seq_along(cases)) {
    res <- child(cases[[k]])
    # A child whose result never arrived is run once more: a crash repeats,
    # while a result lost by the fork/collect machinery does not (3 of 223
    # cases, once, in a CI run on a machine at load 10).
    if (lost(res)) res <- child(cases[[k]])
    if (lost(res)) res <- list(status = "crash", msg = paste(format(res), collapse = " "))
    out[[k]] <- data.frame(label = cases[[k]]$label, status = res$status, msg = substr(res$msg, 1, 200),
                           stringsAsFactors = FALSE)
  }
  do.call(rbind, out)
}

if (!nzchar(Sys.getenv("NEWTONR_CHUNK_BATTERY_DEFINE_ONLY"))) {
  test_that("the chunk path's bad-input battery: no crash, no hang, every error names its argument, every result is glm()'s", {
    skip_on_os("windows")  # (fork)
    me <- normalizePath(testthat::test_path("test-glm-chunk-battery.R"))
    out <- tempfile(fileext = ".rds")
    code <- sprintf(paste0("suppressPackageStartupMessages(library(newtonr)); library(testthat); ",
                           "Sys.setenv(NEWTONR_CHUNK_BATTERY_DEFINE_ONLY = '1'); source('%s'); ",
                           "saveRDS(chunk_battery_run(), '%s')"), me, out)
    env <- paste0("R_LIBS=", paste(.libPaths(), collapse = .Platform$path.sep))
    log <- system2(file.path(R.home("bin"), "Rscript"), c("-e", shQuote(code)), env = env, stdout = TRUE, stderr = TRUE)
    expect_true(file.exists(out), info = paste(utils::tail(log, 20), collapse = "\n"))
    res <- readRDS(out)
    expect_gt(nrow(res), 180)
    bad <- res[res$status != "ok", ]
    expect_equal(nrow(bad), 0L, info = paste(sprintf("%s: %s (%s)", bad$label, bad$status, bad$msg), collapse = "\n"))
  })
}
