# glm_chunks.R -- newton_glm(data = <function(reset)>): the chunked path of
# the database fit (glm_db.R), for sources that cannot run SQL.  `data`
# follows biglm's bigglm() protocol: data(TRUE) rewinds, data(FALSE) returns
# the next data.frame, or NULL after the last.  Each pass of the one IRLS
# loop (glm_sums_fit_cpp) sweeps the chunks once; a chunk's X'WX, X'r and
# deviance come from the in-memory fused evaluator (glm_chunk_pass_cpp) and
# are added up.  Factor levels are those of all chunks together, as glm()
# sees them on rbind() of the chunks (factors: the union of their levels in
# order of appearance; character columns: the sorted distinct values), for
# the covariates and a factor response alike (a level missing from a chunk,
# or a chunk's droplevels(), does not recode it).  A two-column
# cbind(successes, failures) response goes through family$initialize, as in
# glm.fit.

glm_chunks_fit <- function(data, opts) {
  fam <- opts$family
  if (!glm_is_native(fam)) {
    stop_arg("family", "%s(link = \"%s\") is not available for chunked data: stats' families with a native implementation only",
             fam$family, fam$link)
  }
  first <- glm_chunk_next(data, TRUE)
  if (is.null(first)) stop_arg("data", "returned no chunk after data(TRUE)")
  mt <- stats::terms(opts$formula, data = first)
  xlevels <- glm_chunk_levels(data, mt, opts)
  mf0 <- glm_chunk_mf(first, mt, opts, xlevels)
  X0 <- stats::model.matrix(mt, mf0, opts$contrasts)
  spec <- list(xnames = colnames(X0), intercept = attr(mt, "intercept") == 1L, mt = mt,
               has_offset = !is.null(stats::model.offset(mf0)), family = fam,
               xlevels = stats::.getXlevels(mt, mf0))
  prep <- function(ch) glm_chunk_prepare(ch, mt, opts, xlevels, length(spec$xnames))
  sweep <- function(f, init) {
    acc <- init
    ch <- glm_chunk_next(data, TRUE)
    if (is.null(ch)) {
      stop_arg("data", "returned no chunk after data(TRUE) on a later pass: data(TRUE) must rewind to the first chunk (biglm's protocol)")
    }
    while (!is.null(ch)) {
      acc <- f(acc, prep(ch))
      ch <- glm_chunk_next(data, FALSE)
    }
    acc
  }
  desc <- sweep(glm_chunk_desc, NULL)
  glm_db_check_desc(desc, fam)
  pass <- function(cols) function(state, accumulate, score) {
    sweep(function(acc, d) glm_chunk_add(acc, glm_chunk_one(d, cols, state, fam, accumulate, score)), NULL)
  }
  final <- function(r) sweep(function(acc, d) glm_chunk_add(acc, glm_chunk_final(d, r, fam)), NULL)
  lgam <- function() sweep(function(acc, d) acc + sum(d$w * lgamma(d$y + 1)), 0)
  glm_sums_run(pass, spec, desc, opts, final, lgam)
}

glm_chunk_next <- function(data, reset) {
  source_fn <- data  # (a call named data() reads as utils::data to R CMD check)
  if (reset) source_fn(TRUE)
  ch <- source_fn(FALSE)
  if (!is.null(ch) && !is.data.frame(ch)) {
    stop_arg("data", "must return data.frames or NULL (biglm's protocol), not %s", describe(ch))
  }
  ch
}

# The levels of every factor or character variable of the model frame
# (response included) over all chunks: one sweep, as rbind() of the chunks
# would give them (factor levels united in order of appearance; character
# values sorted, as factor() sorts them).  NULL when there is none.
glm_chunk_levels <- function(data, mt, opts) {
  lev <- list()
  chr <- character()
  opts$na_action <- "na.pass"
  ch <- glm_chunk_next(data, TRUE)
  while (!is.null(ch)) {
    mf <- glm_chunk_mf(ch, mt, opts, NULL)
    for (nm in names(mf)) {
      v <- mf[[nm]]
      if (is.character(v)) chr <- union(chr, nm)
      if (is.factor(v) || is.character(v)) {
        lev[[nm]] <- union(lev[[nm]], if (is.factor(v)) levels(v) else unique(v[!is.na(v)]))
      }
    }
    ch <- glm_chunk_next(data, FALSE)
  }
  for (nm in chr) lev[[nm]] <- sort(lev[[nm]])
  if (length(lev)) lev else NULL
}

# The model frame of a chunk (weights and offset evaluated in it).
glm_chunk_mf <- function(ch, mt, opts, xlevels) {
  na <- switch(opts$na_action, na.fail = stats::na.fail, na.pass = stats::na.pass, stats::na.omit)
  cl <- list(quote(stats::model.frame), formula = mt, data = ch, weights = opts$weights,
             offset = opts$offset, xlev = xlevels, na.action = na, drop.unused.levels = FALSE)
  eval(as.call(cl[!vapply(cl, is.null, TRUE)]), opts$env)
}

# A chunk's X, y, weights, offset, starting eta, and its count of NA rows.
glm_chunk_prepare <- function(ch, mt, opts, xlevels, p) {
  mf <- glm_chunk_mf(ch, mt, opts, xlevels)
  X <- stats::model.matrix(mt, mf, opts$contrasts)
  if (ncol(X) != p) {
    stop_arg("data", "returned a chunk with %d model-matrix columns, not %d: give every chunk the same factor levels", ncol(X), p)
  }
  y <- stats::model.response(mf)
  if (is.factor(y)) y <- as.double(y != levels(y)[1L])  # (levels of all chunks)
  else if (is.matrix(y)) storage.mode(y) <- "double"  # cbind(successes, failures)
  else y <- as.double(y)
  n <- nrow(X)
  w <- as.double(stats::model.weights(mf) %or% rep(1, n))
  off <- as.double(stats::model.offset(mf) %or% rep(0, n))
  if (n == 0L) {  # an empty chunk, or every row NA (the family's C code rejects length 0)
    return(list(X = X, y = numeric(), w = numeric(), off = numeric(), eta0 = numeric(), nn = numeric(),
                n_na = nrow(ch)))
  }
  family <- opts$family
  env <- list2env(list(y = y, weights = w, nobs = n, etastart = NULL, mustart = NULL, start = NULL))
  eval(family$initialize, env)  # (binomial: a two-column y -> proportions, weights * totals)
  list(X = X, y = as.double(env$y), w = as.double(env$weights), off = off,
       eta0 = family$linkfun(env$mustart), nn = as.double(env$n %or% rep(1, n)), n_na = nrow(ch) - n)
}

glm_chunk_desc <- function(acc, d) {
  y <- d$y
  w <- d$w
  s <- list(n = length(y), sw = sum(w), swy = sum(w * y), ymin = min(y, Inf), ymax = max(y, -Inf),
            wmin = min(w, Inf), nzero = sum(w == 0), n01 = sum(y == 0 | y == 1),
            nwint = sum(w == round(w)), nonint = sum(abs(w * y - round(w * y)) > 0.001),
            nyint = sum(y == round(y)), n_na = d$n_na)
  if (is.null(acc)) return(s)
  for (k in names(s)) {
    acc[[k]] <- switch(k, ymin = , wmin = min(acc[[k]], s[[k]]), ymax = max(acc[[k]], s[[k]]),
                       acc[[k]] + s[[k]])
  }
  acc
}

glm_chunk_eta <- function(d, cols, state) {
  p <- length(cols)
  b <- state[seq_len(p)]
  t <- state[p + 1L]
  lin <- if (t == 1) 0 else drop(d$X[, cols, drop = FALSE] %*% b) + d$off
  if (t == 0) lin else if (t == 1) d$eta0 else (1 - t) * lin + t * d$eta0
}

glm_chunk_one <- function(d, cols, state, fam, accumulate, score) {
  if (!length(d$y)) return(NULL)  # an empty chunk (or all its rows NA): adds nothing
  glm_chunk_pass_cpp(d$X[, cols, drop = FALSE], d$y, d$w, d$off, glm_chunk_eta(d, cols, state),
                     fam$family, fam$link, accumulate, score)
}

# Sums of two pass (or statistics) lists; flags OR-ed.
glm_chunk_add <- function(acc, s) {
  if (is.null(acc)) return(s)
  if (is.null(s)) return(acc)
  for (k in names(s)) {
    acc[[k]] <- if (is.logical(s[[k]])) {
      if (k == "valid") acc[[k]] && s[[k]] else acc[[k]] || s[[k]]
    } else acc[[k]] + s[[k]]
  }
  acc
}

# The final statistics of a chunk (glm_db_final's sums, by the family's R functions).
glm_chunk_final <- function(d, r, fam) {
  if (!length(d$y)) return(NULL)
  p <- length(r$coefficients)
  cols <- seq_len(p)
  eta <- glm_chunk_eta(d, cols, r$state)
  etaw <- glm_chunk_eta(d, cols, r$state_w)
  mu <- fam$linkinv(eta)
  muw <- fam$linkinv(etaw)
  ww <- d$w * fam$mu.eta(etaw)^2 / fam$variance(muw)
  res <- (d$y - mu) / fam$mu.eta(eta)
  w <- d$w
  # binomial: the family's own aic, a sum over rows (the SQL path has no lchoose)
  baic <- if (fam$family == "binomial") suppressWarnings(fam$aic(d$y, d$nn, mu, w, 0)) else 0
  suppressWarnings(list(pearson = sum((ww * res^2)[w > 0]), slogw = sum(log(w[w > 0])), baic = baic,
       sylnmu = sum(w * d$y * log(mu)), smu = sum(w * mu), slnmu = sum(w * log(mu)),
       slny = sum(w * log(d$y)), sy_mu = sum(w * d$y / mu)))
}
