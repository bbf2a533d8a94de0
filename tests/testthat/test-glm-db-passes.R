# test-glm-db-passes.R -- reads of the rows per fit (issue 18's passes): the
# null deviance is summed in the loop's first pass and the final statistics
# (Pearson, the family's aic sums, the range of mu) in its last pass when it
# only sums the deviance, so a fit reads the rows after its IRLS loop only
# where glm needs more (an intercept refit when there is an offset, Poisson's
# sum of log(y!), binomial's lchoose for non-0/1 data).  Reads are counted
# by wrapping the query/sweep functions and the source (the loop's passes
# through the pass closure glm_sums_fit_cpp gets), by phase: before the
# loop, in it, after it.  Every fit is compared with stats::glm() on the
# same rows pulled into memory: coefficients, deviance, null deviance, AIC,
# Pearson's statistic at glm's working weights, df, iterations.  SQLite
# always, PostgreSQL when .ci/run's server is up; db_pass "sql" and
# "stream"; the chunked path (data = function(reset)).

skip_if_not_installed("DBI")
skip_if_not_installed("RSQLite")
skip_if_not_installed("dbplyr")

ps_data <- function(n = 400, seed = 1807) {
  set.seed(seed)
  d <- data.frame(x1 = rnorm(n), x2 = runif(n), f = sample(c("a", "b", "c"), n, TRUE),
                  w = rpois(n, 2) + 1, o = rnorm(n, 0, 0.2), stringsAsFactors = FALSE)
  d$y <- rbinom(n, 1, plogis(0.4 * d$x1 - d$x2 + (d$f == "b")))
  d$cnt <- rpois(n, exp(0.3 + 0.3 * d$x1 + d$o))
  d$pos <- rgamma(n, 3, 3 / exp(0.5 + 0.2 * d$x1 + d$o))
  d$gau <- 1 + d$x1 - 2 * d$x2 + d$o + rnorm(n)
  d$prop <- rbinom(n, 4, plogis(0.3 * d$x1)) / 4
  d
}

# Runs expr with the package's read functions counted: returns list(value,
# log = data.frame(phase, what)).  Phases: "before" the main IRLS loop,
# "loop" inside it, "after" it; loop_passes: calls of the main loop's pass.
ps_counting <- function(expr, env = parent.frame()) {
  ns <- asNamespace("newtonr")
  log <- new.env()
  log$phase <- "before"
  log$rows <- list()
  log$loop_passes <- 0L
  add <- function(what) log$rows[[length(log$rows) + 1L]] <- data.frame(phase = log$phase, what = what)
  orig <- mget(c("glm_db_query", "glm_db_stream_sweep", "glm_sums_fit_cpp"), envir = ns)
  repl <- list(
    glm_db_query = function(con, sql, what, ...) {
      add(what)
      orig$glm_db_query(con, sql, what, ...)
    },
    glm_db_stream_sweep = function(src, sql, chunksize, f) {
      add("stream sweep")
      orig$glm_db_stream_sweep(src, sql, chunksize, f)
    },
    glm_sums_fit_cpp = function(pass, ...) {
      if (log$phase != "before") return(orig$glm_sums_fit_cpp(pass, ...))
      log$phase <- "loop"
      on.exit(log$phase <- "after")
      counted <- function(...) {
        log$loop_passes <- log$loop_passes + 1L
        pass(...)
      }
      orig$glm_sums_fit_cpp(counted, ...)
    })
  for (nm in names(repl)) {
    unlockBinding(nm, ns)
    assign(nm, repl[[nm]], envir = ns)
  }
  on.exit(for (nm in names(orig)) {
    assign(nm, orig[[nm]], envir = ns)
    lockBinding(nm, ns)
  })
  log$add <- add
  value <- eval(substitute(expr), list(.reads = log), env)
  list(value = value, log = do.call(rbind, log$rows), loop_passes = log$loop_passes)
}

# A chunked source over d (k chunks) that logs each rewind as a read.
ps_source <- function(d, k, log) {
  chunks <- split(d, rep(seq_len(k), length.out = nrow(d)))
  i <- 0L
  function(reset) {
    if (reset) {
      log$add("chunk sweep")
      i <<- 0L
      return(invisible(NULL))
    }
    i <<- i + 1L
    if (i > length(chunks)) NULL else chunks[[i]]
  }
}

# Compare a fit with glm() on the same rows.
ps_expect_glm <- function(f, ref, what) {
  rel <- function(a, b) max(abs(a - b) / pmax(abs(b), 1))
  expect_lt(rel(coef(f), coef(ref)), 1e-8, label = paste(what, "coefficients"))
  expect_lt(rel(f$deviance, ref$deviance), 1e-9, label = paste(what, "deviance"))
  expect_lt(rel(f$null.deviance, ref$null.deviance), 1e-9, label = paste(what, "null deviance"))
  if (is.finite(ref$aic)) expect_lt(rel(f$aic, ref$aic), 1e-9, label = paste(what, "aic"))
  else expect_identical(f$aic, ref$aic)
  pear <- sum(ref$weights * ref$residuals^2)  # glm's, at its last working weights
  expect_lt(rel(f$pearson, pear), 1e-8, label = paste(what, "Pearson"))
  expect_equal(c(f$df.residual, f$df.null, f$iter), c(ref$df.residual, ref$df.null, ref$iter),
               label = paste(what, "df and iterations"))
}

cases <- list(
  logit = list(y ~ x1 + x2 + f, binomial(), NULL, NULL),
  logit_w_offset = list(y ~ x1 + f, binomial(), "w", "o"),
  logit_no_intercept = list(y ~ 0 + x1 + x2, binomial(), NULL, NULL),
  prop_w = list(prop ~ x1 + f, binomial(), "w", NULL),
  pois = list(cnt ~ x1 + f, poisson(), NULL, NULL),
  pois_offset = list(cnt ~ x1 + f, poisson(), NULL, "o"),
  pois_no_intercept_offset = list(cnt ~ 0 + x1 + f, poisson(), "w", "o"),
  gamma_log_w = list(pos ~ x1 + x2, Gamma(link = "log"), "w", NULL),
  gauss = list(gau ~ x1 + x2 + f, gaussian(), NULL, NULL),
  gauss_w_offset = list(gau ~ x1 + x2, gaussian(), "w", "o"))

# Reads the fit may still need after its loop (glm's rules; see the header).
ps_after_allowed <- function(cs, path) {
  fam <- cs[[2L]]$family
  intercept <- attr(stats::terms(cs[[1L]]), "intercept") == 1L
  refit <- intercept && !is.null(cs[[4L]])
  c(refit = refit,
    lgam = fam == "poisson" && path != "chunks",  # (the chunked path sums it in its describing sweep)
    lchoose = fam == "binomial" && path == "sql" && identical(cs[[1L]][[2L]], as.name("prop")))
}

d <- ps_data()
cons <- db_connections()
for (nm in names(cons)) DBI::dbWriteTable(cons[[nm]], "glmps_t", d, overwrite = TRUE)

ps_fit <- function(cs, data, pass = NULL) {
  args <- list(cs[[1L]], family = cs[[2L]], data = data)
  if (!is.null(pass)) args$control <- newton_glm_control(db_pass = pass)
  if (!is.null(cs[[3L]])) args$weights <- as.name(cs[[3L]])
  if (!is.null(cs[[4L]])) args$offset <- as.name(cs[[4L]])
  do.call(newton_glm, args)
}

ps_ref <- function(cs) {
  args <- list(cs[[1L]], family = cs[[2L]], data = d)
  if (!is.null(cs[[3L]])) args$weights <- d[[cs[[3L]]]]
  if (!is.null(cs[[4L]])) args$offset <- d[[cs[[4L]]]]
  suppressWarnings(do.call(stats::glm, args))
}

for (cn in names(cases)) {
  cs <- cases[[cn]]
  ref <- ps_ref(cs)
  for (en in names(cons)) for (pass in c("sql", "stream")) {
    test_that(sprintf("reads after the loop only where glm needs them: %s, %s, %s", en, pass, cn), {
      if (en == "postgres") skip_if_not_installed("RPostgreSQL")
      tb <- db_tbl(cons[[en]], "glmps_t")
      r <- ps_counting(suppressWarnings(ps_fit(cs, tb, pass)))
      ps_expect_glm(r$value, ref, paste(en, pass, cn))
      lg <- r$log
      reads <- if (pass == "sql") lg$what == "running an IRLS pass" else lg$what == "stream sweep"
      # the loop: one read per pass of the loop, nothing else
      expect_equal(sum(reads[lg$phase == "loop"]), r$loop_passes)
      expect_equal(nrow(lg[lg$phase == "loop", , drop = FALSE]), r$loop_passes)
      after <- lg$what[lg$phase == "after"]
      allow <- ps_after_allowed(cs, pass)
      expect_false(any(after == "computing the fit's statistics"))
      if (!allow[["refit"]]) expect_false(any(reads[lg$phase == "after"]), label = paste("a pass after the loop:", paste(after, collapse = "; ")))
      expect_equal(sum(after == "summing log(y!) for the Poisson AIC"), as.integer(allow[["lgam"]]))
      expect_equal(sum(after == "summing log choose(m, m y) for the binomial AIC"), as.integer(allow[["lchoose"]]))
      if (!any(allow)) expect_length(after, 0L)
    })
  }
  test_that(sprintf("chunked source: no sweep after the loop: %s", cn), {
    r <- ps_counting({
      src <- ps_source(d, 3L, .reads)
      suppressWarnings(ps_fit(cs, src))
    })
    ps_expect_glm(r$value, ref, paste("chunks", cn))
    lg <- r$log
    # the shape sweep, then one sweep per pass of the loop (the first also
    # describes the rows, the next sums the null deviance)
    expect_equal(sum(lg$phase == "before"), 1L)
    expect_equal(sum(lg$phase == "loop"), r$loop_passes)
    if (!ps_after_allowed(cs, "chunks")[["refit"]]) expect_equal(sum(lg$phase == "after"), 0L)
  })
}

test_that("the first-pass null deviance is glm's at the weighted mean, also on the boundary (every y 0)", {
  d0 <- d
  d0$y <- 0
  d0$y[1:3] <- 1
  con <- cons$sqlite
  DBI::dbWriteTable(con, "glmps_0", d0, overwrite = TRUE)
  ref <- glm(y ~ x1, binomial, d0)
  f <- newton_glm(y ~ x1, binomial, data = db_tbl(con, "glmps_0"))
  expect_lt(abs(f$null.deviance - ref$null.deviance), 1e-9 * ref$null.deviance)
  d0$y <- 0
  DBI::dbWriteTable(con, "glmps_0", d0, overwrite = TRUE)
  ref <- suppressWarnings(glm(y ~ x1, binomial, d0))
  f <- suppressWarnings(newton_glm(y ~ x1, binomial, data = db_tbl(con, "glmps_0")))
  expect_identical(f$null.deviance, ref$null.deviance)
})

test_that("a fit whose last pass accumulates (maxit reached) reads once more for its statistics, and they are glm's", {
  ref <- suppressWarnings(glm(y ~ x1 + x2 + f, binomial, d, control = glm.control(maxit = 2)))
  for (pass in c("sql", "stream")) {
    r <- ps_counting(suppressWarnings(newton_glm(y ~ x1 + x2 + f, binomial, data = db_tbl(cons$sqlite, "glmps_t"),
                                                 control = newton_glm_control(maxit = 2, db_pass = pass))))
    ps_expect_glm(r$value, ref, paste("maxit = 2", pass))
    expect_false(r$value$converged)
    after <- r$log$what[r$log$phase == "after"]
    # (a binomial fit that did not converge also reads its columns' ranges
    # once, for the separation rule of glm_chunk_warn_sep)
    expect_equal(sum(after != "reading the columns' ranges"), 1L)
    expect_equal(sum(after == "reading the columns' ranges"), 1L)
  }
})

test_that("chunks, separated data: the 0/1 and divergence warnings without a sweep after the loop", {
  ds <- data.frame(x = c(-3:-1, 1:3, -2, 2), y = c(0, 0, 0, 1, 1, 1, 0, 1))
  r <- ps_counting({
    w <- character()
    f <- withCallingHandlers(newton_glm(y ~ x, binomial, data = ps_source(ds, 2L, .reads)), warning = function(c) {
      w <<- c(w, conditionMessage(c))
      invokeRestart("muffleWarning")
    })
    list(fit = f, warnings = w)
  })
  w <- r$value$warnings
  expect_true(any(grepl("fitted probabilities numerically 0 or 1 occurred", w)))
  expect_true(any(grepl("coefficients of x diverge", w)))
  # the columns' ranges come from the describing sums; this slowly converging fit's last
  # pass accumulates, so its statistics take one more sweep (before: also the null
  # deviance's and the ranges' sweeps)
  expect_equal(sum(r$log$phase == "after"), 1L)
  expect_equal(sum(r$log$phase == "loop"), r$loop_passes)
})

test_that("a pass whose final statistics the engine refuses is rerun without them, and one more read gives them", {
  ns <- asNamespace("newtonr")
  orig <- get("glm_db_query", ns)
  unlockBinding("glm_db_query", ns)
  assign("glm_db_query", function(con, sql, what, ...) {
    if (what == "running an IRLS pass" && grepl("AS pearson", sql, fixed = TRUE)) stop("refused (a test)")
    orig(con, sql, what, ...)
  }, envir = ns)
  on.exit({
    unlockBinding("glm_db_query", ns)
    assign("glm_db_query", orig, envir = ns)
    lockBinding("glm_db_query", ns)
  })
  cs <- cases$logit
  r <- ps_counting(ps_fit(cs, db_tbl(cons$sqlite, "glmps_t"), "sql"))
  ps_expect_glm(r$value, ps_ref(cs), "refused statistics")
  expect_identical(r$log$what[r$log$phase == "after"], "computing the fit's statistics")
})

for (con in cons) DBI::dbDisconnect(con)
