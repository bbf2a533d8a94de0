# glm_chunks.R -- newton_glm(data = <function(reset)>): the chunked path of
# the database fit (glm_db.R), for sources that cannot run SQL.  `data`
# follows biglm's bigglm() protocol: data(TRUE) rewinds, data(FALSE) returns
# the next data.frame, or NULL after the last.  Each pass of the one IRLS
# loop (glm_sums_fit_cpp) sweeps the chunks once; a chunk's X'WX, X'r and
# deviance come from the in-memory fused evaluator (glm_chunk_pass_cpp) and
# are added up.
#
# The result is glm()'s on do.call(rbind, <all chunks>).  A first sweep reads
# the shape of the source: factor levels are those of all chunks together as
# glm() sees them on the bound rows (factors: the union of their levels in
# order of appearance, character columns: the sorted distinct values; levels
# no kept row uses are dropped, glm's drop.unused.levels), for the
# covariates and a factor response alike; the class of every model variable
# (a column that changes from numeric to character or vanishes in a later
# chunk is an error naming it and the chunk); the number of chunks and rows.
# Every later sweep must give the same rows: its chunk count may not exceed
# the first sweep's (a source that never returns NULL stops there) and its
# fingerprint (rows, sums of y, w, offset and of each model-matrix column)
# must equal that of the sweep after it (the loop's first, which also makes
# the describing sums; the next one also sums the null deviance, and a pass
# that only sums the deviance also the final statistics: a fit reads the
# source once more than its loop has passes, unless glm needs a refit), else
# a source that ignores data(TRUE) or returns other rows is named (never a
# fit of a mixture of rows).  The
# first sweep trusts the source to end, as bigglm() does, but a source that
# returns the identical chunk 1000 times in a row is stopped.
# A two-column cbind(successes, failures) response goes through
# family$initialize, as in glm.fit.

glm_chunks_fit <- function(data, opts) {
  fam <- opts$family
  if (!glm_is_native(fam)) {
    stop_arg("family", "%s(link = \"%s\") is not available for chunked data: stats' families with a native implementation only",
             fam$family, fam$link)
  }
  src <- glm_chunk_source(data)
  first <- glm_chunk_next(src, TRUE)
  if (is.null(first)) stop_arg("data", "returned no chunk after data(TRUE)")
  mt <- stats::terms(opts$formula, data = first)
  shape <- glm_chunk_shape(src, mt, opts, first)
  xlevels <- shape$levels
  mf0 <- glm_chunk_mf(first[0L, , drop = FALSE], mt, opts, xlevels, shape)
  X0 <- stats::model.matrix(mt, mf0, opts$contrasts)
  spec <- list(xnames = colnames(X0), intercept = attr(mt, "intercept") == 1L, mt = mt,
               has_offset = !is.null(stats::model.offset(mf0)) || !is.null(opts$offset), family = fam,
               xlevels = stats::.getXlevels(mt, mf0))
  if (!is.null(opts$start) && (!is.numeric(opts$start) || !is.null(dim(opts$start)))) {
    stop_arg("start", "must be a numeric vector, not %s", describe(opts$start))
  }
  if (!is.null(opts$start) && length(opts$start) != length(spec$xnames)) {
    stop_arg("start", "must have length %d (the columns: %s), not %d", length(spec$xnames),
             paste(spec$xnames, collapse = ", "), length(opts$start))
  }
  prep <- function(ch, k) glm_chunk_prepare(ch, k, mt, opts, xlevels, shape, length(spec$xnames))
  ref <- NULL  # the fingerprint of the first sweep after the shape sweep
  sweep <- function(f, init) {
    acc <- init
    fp <- 0
    k <- 0L
    ch <- glm_chunk_next(src, TRUE)
    while (!is.null(ch)) {
      k <- k + 1L
      if (k > shape$chunks) {
        stop_arg("data", "returned more chunks on a later pass than the %d of the first pass: data(TRUE) must rewind to the first chunk and data(FALSE) return NULL after the last (biglm's protocol)",
                 shape$chunks)
      }
      d <- prep(ch, k)
      fp <- fp + glm_chunk_fingerprint(d, k)
      acc <- f(acc, d)
      ch <- glm_chunk_next(src, FALSE)
    }
    fp <- c(chunks = k, fp)
    if (is.null(ref)) ref <<- fp else glm_chunk_check_same(fp, ref)
    acc
  }
  # The describing sums (glm_db_describe's) come from the loop's first sweep,
  # and its checks are made before that pass's sums go to the loop.
  desc <- NULL
  described <- function(dsc) desc <<- glm_chunk_described(dsc, ref, shape, fam)
  # (side: the main fit's extras, glm_sums_extras, summed in the same sweep)
  pass <- function(cols, side = NULL) function(state, accumulate, score, state_w = NULL) {
    ex <- glm_sums_extras(side, accumulate, state_w)
    first <- is.null(desc)
    out <- sweep(function(acc, d) {
      list(s = glm_chunk_add(acc$s, glm_chunk_sums(d, cols, state, fam, accumulate, score, ex, state_w)),
           desc = if (first) glm_chunk_desc(acc$desc, d, fam))
    }, NULL)
    if (first) described(out$desc)
    glm_sums_keep(side, ex, state, state_w, out$s)
    out$s
  }
  fin <- NULL
  rfin <- NULL
  final <- function(r, f = NULL) {
    rfin <<- r
    fin <<- f %or% sweep(function(acc, d) glm_chunk_add(acc, glm_chunk_final(d, r, fam)), NULL)
    fin
  }
  lgam <- function() desc$slgam
  fit <- glm_sums_run(pass, spec, function() desc, opts, final, lgam)
  glm_chunk_warn_mu(fam, fin)
  ranges <- function() desc[c("xmin", "xmax")]  # (binomial: summed by the describing sums)
  glm_chunk_warn_sep(fam, fin, rfin, ranges, spec)
  fit
}

# The describing sums' checks (glm_db_check_desc; the loop's first sweep
# made the sums): the sweep read the shape sweep's chunks and rows, and some
# row is left to fit.
glm_chunk_described <- function(dsc, ref, shape, fam) {
  glm_chunk_check_same(ref[c("chunks", "rows")], c(chunks = shape$chunks, rows = shape$rows))
  if (dsc$n == 0) stop_arg("data", "gave no rows to fit: every chunk is empty or every row has a missing value")
  glm_db_check_desc(dsc, fam)
  dsc
}

# glm.fit's warnings on the fitted values (the sums path has no per-row mu):
# binomial "fitted probabilities numerically 0 or 1", Poisson "fitted rates
# numerically 0", from the final sweep's range of mu over all rows (as
# glm.fit tests them, zero weights included).
glm_chunk_warn_mu <- function(fam, fin) {
  eps <- 10 * .Machine$double.eps
  if (is.null(fin)) return(invisible())
  if (fam$family == "binomial" && (fin$mumax > 1 - eps || fin$mumin < eps)) {
    warning("glm.fit: fitted probabilities numerically 0 or 1 occurred", call. = FALSE)
  }
  if (fam$family == "poisson" && fin$mumin < eps) {
    warning("glm.fit: fitted rates numerically 0 occurred", call. = FALSE)
  }
  invisible()
}

# newton_glm_fit's separation warning without the rows: for a binomial fit
# with fitted probabilities within 1e-6 of 0 or 1 (or no convergence), the
# columns whose last step is still large relative to their coefficient and,
# scaled by the column's range, at least a tenth of the largest such step
# (glm_diverging_columns' rule; the in-memory path's exact test of
# separation needs the rows).  The previous coefficients are the state where
# the last solve's weights were formed; ranges(): the columns' ranges.
glm_chunk_warn_sep <- function(fam, fin, r, ranges, spec) {
  if (fam$family != "binomial" || is.null(fin) || is.null(r)) return(invisible())
  if (r$converged && fin$mumin >= 1e-6 && fin$mumax <= 1 - 1e-6) return(invisible())
  p <- length(r$coefficients)
  if (r$state_w[p + 1L] != 0) return(invisible())  # the last solve was at glm's start
  b0 <- r$state_w[seq_len(p)]
  b1 <- r$coefficients
  b1[is.na(b1)] <- 0
  rx <- ranges()
  rng <- rx$xmax - rx$xmin
  sc <- abs(b1 - b0) * rng
  div <- which(abs(b1 - b0) > 1e-3 * (1 + abs(b1)) & sc >= 0.1 * max(sc, na.rm = TRUE) & rng > 0)
  if (length(div)) {
    warning(sprintf(paste0("newton_glm: coefficients of %s diverge: the data appear separated ",
                           "(complete or quasi-complete separation), so their maximum-likelihood ",
                           "estimates are infinite"), paste(spec$xnames[div], collapse = ", ")),
            call. = FALSE)
  }
  invisible()
}

# ---- the source ------------------------------------------------------------

# The state of a source: its function, the pass and chunk numbers (for
# messages), the previous chunk of the first pass (the repeat guard).
glm_chunk_source <- function(data) {
  src <- new.env(parent = emptyenv())
  src$fn <- data
  src$pass <- 0L
  src$chunk <- 0L
  src$prev <- NULL
  src$same <- 0L
  src
}

glm_chunk_call <- function(src, reset) {
  source_fn <- src$fn  # (a call named data() reads as utils::data to R CMD check)
  tryCatch(source_fn(reset), error = function(e) {
    stop_arg("data", "failed in data(%s) on pass %d%s: %s", reset, src$pass,
             if (reset) "" else sprintf(", chunk %d", src$chunk), conditionMessage(e))
  })
}

glm_chunk_next <- function(src, reset) {
  if (reset) {
    src$pass <- src$pass + 1L
    src$chunk <- 0L
    glm_chunk_call(src, TRUE)
  }
  src$chunk <- src$chunk + 1L
  ch <- glm_chunk_call(src, FALSE)
  if (!is.null(ch) && !is.data.frame(ch)) {
    stop_arg("data", "must return data.frames or NULL (biglm's protocol), not %s (pass %d, chunk %d)",
             describe(ch), src$pass, src$chunk)
  }
  if (src$pass == 1L && !is.null(ch)) {
    src$same <- if (!is.null(src$prev) && identical(ch, src$prev)) src$same + 1L else 0L
    if (src$same >= 999L) {
      stop_arg("data", "returned the same chunk %d times in a row on the first pass and no NULL: data(FALSE) must return the next chunk and NULL after the last (biglm's protocol)",
               src$same + 1L)
    }
    src$prev <- ch
  }
  ch
}

# ---- the shape of the source: levels, variable classes, counts -------------

# What a model variable is, for the check that every chunk has the same.
glm_chunk_kind <- function(v, response = FALSE) {
  if (is.factor(v) || is.character(v)) return("categorical (factor or character)")
  if (is.matrix(v)) return(sprintf("a %d-column matrix", ncol(v)))
  if (is.logical(v) && !response) return("logical")
  if (is.numeric(v) || is.logical(v)) return("numeric")
  class(v)[1L]
}

# The first sweep (the source rewound, `first` its first chunk): the columns
# of the chunk the model reads must be in every chunk and keep their kind;
# levels over all chunks of the rows kept (see the header); chunk and row
# counts.
glm_chunk_shape <- function(src, mt, opts, first) {
  vars <- intersect(c(all.vars(mt), all.vars(opts$weights), all.vars(opts$offset)), names(first))
  o <- opts
  if (o$na_action == "na.exclude") o$na_action <- "na.omit"
  kinds <- NULL
  lev <- list()
  used <- list()
  chunks <- 0L
  rows <- 0
  ch <- first
  while (!is.null(ch)) {
    chunks <- chunks + 1L
    rows <- rows + nrow(ch)
    if (nrow(ch) > 0L) {
      miss <- setdiff(vars, names(ch))
      if (length(miss)) {
        stop_arg("data", "returned a chunk (pass 1, chunk %d) without the column%s %s that the first chunk has",
                 chunks, if (length(miss) > 1L) "s" else "", paste(sQuote(miss, FALSE), collapse = ", "))
      }
      mf <- glm_chunk_mf(ch, mt, o, NULL, NULL, chunks)
      if (is.null(kinds)) glm_chunk_check_predvars(mt, mf, ch, opts$env)
      # (a column all NA has no kind: rbind() coerces it to the others')
      kd <- vapply(seq_along(mf), function(j) {
        v <- mf[[j]]
        if (is.null(dim(v)) && all(is.na(v))) NA_character_ else glm_chunk_kind(v, j == 1L)
      }, "")
      names(kd) <- names(mf)
      if (is.null(kinds)) kinds <- kd
      kinds[is.na(kinds)] <- kd[names(kinds)][is.na(kinds)]
      diff <- which(!is.na(kd[names(kinds)]) & kd[names(kinds)] != kinds)
      if (length(diff)) {
        nm <- names(kinds)[diff[1L]]
        stop_arg("data", "returned a chunk (pass 1, chunk %d) in which %s is %s, but %s in the earlier chunks: every chunk must have the same columns of the same classes",
                 chunks, sQuote(nm, FALSE), kd[[nm]], kinds[[nm]])
      }
      for (nm in names(mf)) {
        v <- mf[[nm]]
        if (!is.factor(v) && !is.character(v)) next
        lev[[nm]] <- union(lev[[nm]], if (is.factor(v)) levels(v) else unique(v[!is.na(v)]))
        u <- if (is.factor(v)) levels(v)[tabulate(v, nlevels(v)) > 0L] else unique(v[!is.na(v)])
        used[[nm]] <- union(used[[nm]], u)
      }
    }
    ch <- glm_chunk_next(src, FALSE)
  }
  for (nm in names(lev)) {
    lev[[nm]] <- if (is.character(first[[nm]] %or% "")) sort(used[[nm]]) else lev[[nm]][lev[[nm]] %in% used[[nm]]]
  }
  list(levels = if (length(lev)) lev else NULL, kinds = kinds, chunks = chunks, rows = rows)
}

# A term whose values depend on all the rows (poly(), scale(), ns(): their
# makepredictcall() records coefficients computed from the data) would be
# computed per chunk, a different basis in each: an error naming it.  A term
# whose recorded call differs from the formula's is tried on the first half
# of the first chunk: computed afresh there, it must equal the recorded call
# (poly(x, 2, coefs = cf) does; poly(x, 2) and scale(x) do not).
glm_chunk_check_predvars <- function(mt, mf, ch, env) {
  pv <- attr(attr(mf, "terms"), "predvars")
  vv <- attr(mt, "variables")
  if (is.null(pv) || identical(pv, vv)) return(invisible())
  pv <- as.list(pv)[-1L]
  vv <- as.list(vv)[-1L]
  half <- ch[seq_len(max(1L, nrow(ch) %/% 2L)), , drop = FALSE]
  rowwise <- function(j) {
    if (identical(pv[[j]], vv[[j]])) return(TRUE)
    a <- tryCatch(eval(pv[[j]], half, env), error = function(e) NULL)
    b <- tryCatch(eval(vv[[j]], half, env), error = function(e) NULL)
    !is.null(a) && isTRUE(all.equal(unclass(a), unclass(b), check.attributes = FALSE, tolerance = 1e-12))
  }
  bad <- !vapply(seq_along(vv), rowwise, TRUE)
  if (!any(bad)) return(invisible())
  stop_arg("formula", "term%s %s depend%s on all the rows (coefficients computed from the data) and would be computed chunk by chunk: not available for chunked data; compute the column%s before chunking, or fix the coefficients (e.g. poly(x, 2, coefs = ...), ns(x, knots = ..., Boundary.knots = ...))",
           if (sum(bad) > 1L) "s" else "", paste(vapply(vv[bad], deparse1, ""), collapse = ", "),
           if (sum(bad) > 1L) "" else "s", if (sum(bad) > 1L) "s" else "")
}

# A categorical value outside the levels of the first pass, on a row the fit
# would keep (model.frame would make it NA and na.omit drop the row): an
# error naming the variable and the level.
glm_chunk_check_levels <- function(ch, mt, opts, xlevels, k) {
  for (nm in intersect(names(xlevels), names(ch))) {
    v <- ch[[nm]]
    new <- setdiff(if (is.factor(v)) levels(v) else unique(v[!is.na(v)]), xlevels[[nm]])
    if (!length(new)) next
    rows <- which(as.character(v) %in% new)
    o <- opts
    o$na_action <- "na.pass"
    mf <- glm_chunk_mf(ch[rows, , drop = FALSE], mt, o, NULL)
    keep <- stats::complete.cases(mf[setdiff(names(mf), nm)])
    if (any(keep)) {
      stop_arg("data", "returned a chunk (chunk %s) in which %s has the level %s that the first pass did not see: the source must give the same rows on every pass",
               k, sQuote(nm, FALSE), dQuote(as.character(v[rows][keep][1L]), FALSE))
    }
  }
}

# The model frame of a chunk (weights and offset evaluated in it); k: the
# chunk number, for messages.  With levels (a later sweep): a categorical
# value outside them is an error naming it (model.frame would make it NA
# and na.omit drop the row).
glm_chunk_mf <- function(ch, mt, opts, xlevels, shape, k = NA) {
  if (!is.null(xlevels)) glm_chunk_check_levels(ch, mt, opts, xlevels, k)
  na <- switch(opts$na_action, na.fail = stats::na.fail, na.pass = stats::na.pass, stats::na.omit)
  cl <- list(quote(stats::model.frame), formula = mt, data = ch, weights = opts$weights,
             offset = opts$offset, xlev = xlevels, na.action = na, drop.unused.levels = FALSE)
  tryCatch(eval(as.call(cl[!vapply(cl, is.null, TRUE)]), opts$env), error = function(e) {
    if (is.na(k)) stop(e)
    stop_arg("data", "gave a chunk (chunk %d) whose model frame cannot be built: %s", k, conditionMessage(e))
  })
}

# ---- one chunk ---------------------------------------------------------------

# A chunk's X, y, weights, offset, starting eta, and its count of NA rows;
# k: the chunk number.
glm_chunk_prepare <- function(ch, k, mt, opts, xlevels, shape, p) {
  if (nrow(ch) == 0L) return(glm_chunk_empty(p, 0L))  # (its columns may be anything)
  mf <- glm_chunk_mf(ch, mt, opts, xlevels, shape, k)
  X <- stats::model.matrix(mt, mf, opts$contrasts)
  if (ncol(X) != p) {
    stop_arg("data", "returned a chunk (chunk %d) with %d model-matrix columns, not %d: every chunk must have the same columns of the same classes",
             k, ncol(X), p)
  }
  y <- stats::model.response(mf)
  if (is.factor(y)) y <- as.double(y != levels(y)[1L])  # (levels of all chunks)
  else if (is.matrix(y)) storage.mode(y) <- "double"  # cbind(successes, failures)
  else y <- as.double(y)
  n <- nrow(X)
  if (n == 0L) return(glm_chunk_empty(p, nrow(ch)))  # every row NA (the family's C code rejects length 0)
  w <- as.double(stats::model.weights(mf) %or% rep(1, n))
  off <- as.double(stats::model.offset(mf) %or% rep(0, n))
  family <- opts$family
  env <- list2env(list(y = y, weights = w, nobs = n, etastart = NULL, mustart = NULL, start = NULL))
  # (binomial: a two-column y -> proportions, weights * totals); its warning
  # "non-integer #successes" is given once, by glm_db_check_desc
  suppressWarnings(eval(family$initialize, env))
  list(X = X, y = as.double(env$y), w = as.double(env$weights), off = off,
       eta0 = family$linkfun(env$mustart), nn = as.double(env$n %or% rep(1, n)), n_na = nrow(ch) - n,
       rows = nrow(ch))
}

glm_chunk_empty <- function(p, n_na) {
  list(X = matrix(0, 0L, p), y = numeric(), w = numeric(), off = numeric(), eta0 = numeric(),
       nn = numeric(), n_na = n_na, rows = n_na)
}

# What must be the same on every sweep: rows read and kept, sums of y, w,
# offset and of the model-matrix columns.
glm_chunk_fingerprint <- function(d, k) {
  fp <- c(rows = d$rows, kept = length(d$y), sw = sum(d$w), swy = sum(d$w * d$y), so = sum(d$off),
          colSums(d$X))
  if (all(is.finite(fp))) return(fp)
  # (a non-finite sum: glm's checks of the values, named as glm names them)
  bad <- c(y = !all(is.finite(d$y)), weights = !all(is.finite(d$w)), offset = !all(is.finite(d$off)))
  what <- if (bad[["y"]]) "'y'" else if (bad[["weights"]]) "the weights" else if (bad[["offset"]]) "the offset"
    else sprintf("'x' (column %s)", colnames(d$X)[!is.finite(colSums(d$X))][1L])
  stop_arg("data", "returned a chunk (chunk %d) with NA/NaN/Inf in %s", k, what)
}

glm_chunk_check_same <- function(fp, ref) {
  if (length(fp) == length(ref) && all(abs(fp - ref) <= 1e-9 * pmax(1, abs(ref)))) return(invisible())
  what <- if (fp[["chunks"]] != ref[["chunks"]]) sprintf("%d chunks, not %d", fp[["chunks"]], ref[["chunks"]])
    else if (fp[["rows"]] != ref[["rows"]]) sprintf("%s rows, not %s", format(fp[["rows"]]), format(ref[["rows"]]))
    else "other rows (the sums of the response, weights or columns changed)"
  stop_arg("data", "returned %s on a later pass: data(TRUE) must rewind so that every pass reads the same rows (biglm's protocol)",
           what)
}

# The describing sweep's sums of a chunk (glm_db_describe's); Poisson: also
# sum(w * lgamma(y + 1)) for its aic, binomial: the columns' ranges for the
# separation warning (glm_chunk_warn_sep), so neither needs a sweep of its own.
glm_chunk_desc <- function(acc, d, fam = NULL) {
  y <- d$y
  w <- d$w
  s <- list(n = length(y), sw = sum(w), swy = sum(w * y), ymin = min(y, Inf), ymax = max(y, -Inf),
            wmin = min(w, Inf), nzero = sum(w == 0), n01 = sum(y == 0 | y == 1),
            nwint = sum(w == round(w)), nonint = sum(abs(w * y - round(w * y)) > 0.001),
            nyint = sum(y == round(y)), n_na = d$n_na)
  if (identical(fam$family, "poisson")) s$slgam <- suppressWarnings(sum(w * lgamma(y + 1)))
  if (identical(fam$family, "binomial") && length(y)) s <- c(s, glm_chunk_ranges(d))
  if (is.null(acc)) return(s)
  glm_chunk_add(acc, s)
}

glm_chunk_ranges <- function(d) {
  if (!length(d$y)) return(NULL)
  list(xmin = vapply(seq_len(ncol(d$X)), function(j) min(d$X[, j]), 0),
       xmax = vapply(seq_len(ncol(d$X)), function(j) max(d$X[, j]), 0))
}

glm_chunk_x <- function(d, cols) if (length(cols) == ncol(d$X)) d$X else d$X[, cols, drop = FALSE]

glm_chunk_eta <- function(d, cols, state) {
  p <- length(cols)
  b <- state[seq_len(p)]
  t <- state[p + 1L]
  lin <- if (t == 1) 0 else drop(glm_chunk_x(d, cols) %*% b) + d$off
  if (t == 0) lin else if (t == 1) d$eta0 else (1 - t) * lin + t * d$eta0
}

# Sums of two pass (or statistics) lists; flags OR-ed ("valid" AND-ed);
# minima and maxima kept.
glm_chunk_add <- function(acc, s) {
  if (is.null(acc)) return(s)
  if (is.null(s)) return(acc)
  for (k in names(s)) {
    acc[[k]] <- if (is.logical(s[[k]])) {
      if (k == "valid") acc[[k]] && s[[k]] else acc[[k]] || s[[k]]
    } else if (is.null(acc[[k]])) s[[k]]
    else if (k %in% c("ymin", "wmin", "mumin", "xmin")) pmin(acc[[k]], s[[k]])
    else if (k %in% c("ymax", "mumax", "xmax")) pmax(acc[[k]], s[[k]])
    else acc[[k]] + s[[k]]
  }
  acc
}

# A chunk's pass at `state` (the in-memory fused evaluator) and its extras (glm_sums_extras):
# the null deviance (the in-memory evaluator's deviance at the null model's
# state) and the final statistics at (state, state_w) (glm_chunk_stats).
glm_chunk_sums <- function(d, cols, state, fam, accumulate, score, ex, state_w) {
  if (!length(d$y)) return(NULL)
  X <- glm_chunk_x(d, cols)
  eta <- glm_chunk_eta(d, cols, state)
  pass <- function(e, acc, sc) {
    glm_chunk_pass_cpp(X, d$y, d$w, d$off, e, fam$family, fam$link, glm_varfun(fam), acc, sc)
  }
  r <- pass(eta, accumulate, score)
  if (!is.null(ex$null)) r$null_dev <- pass(glm_chunk_eta(d, cols, ex$null), FALSE, FALSE)$dev
  if (ex$final) r <- c(r, glm_chunk_stats(d, eta, glm_chunk_eta(d, cols, state_w), fam))
  r
}

# The final statistics of a chunk (glm_db_final's sums, by the family's R
# functions), and the range of the fitted values (glm.fit's warnings).
glm_chunk_final <- function(d, r, fam) {
  if (!length(d$y)) return(NULL)
  cols <- seq_along(r$coefficients)
  glm_chunk_stats(d, glm_chunk_eta(d, cols, r$state), glm_chunk_eta(d, cols, r$state_w), fam)
}

# The statistics at eta (the fit) and etaw (where glm's working weights were formed).
glm_chunk_stats <- function(d, eta, etaw, fam) {
  mu <- fam$linkinv(eta)
  muw <- fam$linkinv(etaw)
  ww <- d$w * fam$mu.eta(etaw)^2 / fam$variance(muw)
  res <- (d$y - mu) / fam$mu.eta(eta)
  w <- d$w
  # binomial: the family's own aic, a sum over rows (the SQL path has no lchoose)
  baic <- if (fam$family == "binomial") suppressWarnings(fam$aic(d$y, d$nn, mu, w, 0)) else 0
  suppressWarnings(list(pearson = sum((ww * res^2)[w > 0]), slogw = sum(log(w[w > 0])), baic = baic,
       sylnmu = sum(w * d$y * log(mu)), smu = sum(w * mu), slnmu = sum(w * log(mu)),
       slny = sum(w * log(d$y)), sy_mu = sum(w * d$y / mu), mumin = min(mu), mumax = max(mu)))
}
