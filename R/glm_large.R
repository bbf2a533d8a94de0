# glm_large.R -- GLMs with many parameters or a sparse model matrix (issue
# 17): newton_glm_fit()'s path for algorithm = "newton-cg" / "lbfgs" (the
# Hessian-free solvers of inst/include/newtonr/glm_hf.hpp) and for a
# Matrix::dgCMatrix `x` (IRLS with X'WX accumulated from the sparse rows, or
# the Hessian-free solvers for large p); the "auto" rule that picks the
# algorithm; the glm-like result (standard errors from X'WX at the end when
# p allows it, else the reason, which vcov()/summary() report).

# Dense designs: IRLS up to this many columns, newton-cg beyond.  Measured
# by bench/glm-large.R (section 1): dense logistic at n = 10,000, IRLS took
# 0.10 / 0.25 / 1.38 / 6.7 s at p = 100 / 200 / 400 / 800 and newton-cg
# 0.20 / 0.33 / 1.15 / 3.7 s: the lines cross between p = 200 and 400 (IRLS
# costs n p^2 per iteration at the X'WX kernels' full FLOP rate; newton-cg
# costs 2 n p per Hessian-vector product, bound by memory bandwidth, times
# its CG iterations).  Both scale with n, so the crossing depends on p.
glm_auto_dense_p <- 400L
# Sparse designs: IRLS (X'WX from the rows' non-zeros: sum over rows of
# nnz_i^2 and a p x p Cholesky) up to this many columns.
glm_auto_sparse_p <- 400L
# Standard errors (X'WX, p x p, and its Cholesky, O(p^3)) up to this many
# columns: at p = 2000 the Cholesky alone took 4x the newton-cg fit of
# bench/glm-large.R section 2 (scale 0.1).
glm_se_max_p <- 1000L

# The iterations "auto" allows the large-p path (sparse, or newton-cg
# beyond glm_auto_dense_p columns) at least: glm's default maxit = 25 is
# IRLS's budget; a trust-region or quasi-Newton fit takes more steps.
glm_auto_min_maxit <- 100L

# The algorithm a fit runs and why (recorded in fit$algorithm_reason); with
# `maxit` given, the reason also says when "auto" raised it (glm_large_run).
glm_auto_algorithm <- function(algorithm, sparse, p, maxit = NULL) {
  if (algorithm != "auto") {
    return(list(algorithm = algorithm, reason = sprintf("algorithm = \"%s\" was asked for", algorithm)))
  }
  lim <- if (sparse) glm_auto_sparse_p else glm_auto_dense_p
  raised <- if (!is.null(maxit) && maxit < glm_auto_min_maxit && (sparse || p > lim)) {
    sprintf("; maxit raised from %d to %d (the large-p path's minimum under \"auto\")",
            as.integer(maxit), glm_auto_min_maxit)
  } else ""
  if (p <= lim) {
    list(algorithm = "irls", reason = paste0(sprintf(
      "auto: %d columns <= %d, where forming X'WX (IRLS) costs less than the Hessian-vector passes of newton-cg (bench/glm-large.R)",
      p, lim), raised))
  } else {
    list(algorithm = "newton-cg", reason = paste0(sprintf(
      "auto: %d columns > %d: newton-cg (Hessian-vector products, X'WX never formed) is faster than IRLS there (bench/glm-large.R)",
      p, lim), raised))
  }
}

# TRUE for a sparse matrix of package Matrix.
glm_is_sparse <- function(x) isS4(x) && methods::is(x, "sparseMatrix")

# A Matrix sparse matrix as a dgCMatrix (other classes converted), checked:
# NA/NaN/Inf in the stored values are errors naming `x`.
glm_sparse_arg <- function(x) {
  if (!methods::is(x, "dgCMatrix")) {
    x <- tryCatch(methods::as(methods::as(methods::as(x, "CsparseMatrix"), "generalMatrix"), "dMatrix"),
                  error = function(e) stop_arg("x", "is a sparse matrix of class \"%s\" that could not be converted to a \"dgCMatrix\": %s",
                                               class(x)[1L], conditionMessage(e)))
    if (!methods::is(x, "dgCMatrix")) {
      stop_arg("x", "is a sparse matrix of class \"%s\"; newton_glm_fit takes a numeric \"dgCMatrix\" (Matrix)", class(x)[1L])
    }
  }
  if (anyNA(x@x)) stop_arg("x", "must not contain NA or NaN")
  if (any(is.infinite(x@x))) stop_arg("x", "must be finite (no Inf)")
  x
}

# The starting value of an intercept column on the large-p path (the other
# coefficients start at 0, unless `start` is given): linkfun of the weighted
# mean of glm's starting means (family$initialize's mustart).
glm_large_b0 <- function(inp) {
  if (!is.null(inp$start) || is.null(inp$eta)) return(NA_real_)
  inp$family$linkfun(sum(inp$weights * inp$family$linkinv(inp$eta)) / sum(inp$weights))
}

# The columns glm's pivoted QR would alias for being constant: an all-zero
# column, and a constant column after an earlier constant non-zero one
# (e.g. an empty cell of a factor interaction, or a second intercept).
# O(nnz) sparse; dense O(p), plus O(n) per column equal at three rows.
glm_large_const_cols <- function(x) {
  n <- nrow(x)
  if (n == 0L) return(integer())
  if (glm_is_sparse(x)) {
    nz <- diff(x@p)
    val <- numeric(ncol(x))
    cand <- which(nz == 0L | nz == n)
    for (j in cand[nz[cand] == n]) {
      v <- x@x[(x@p[j] + 1L):x@p[j + 1L]]
      val[j] <- if (all(v == v[1L])) v[1L] else NA_real_
    }
    cand <- cand[!is.na(val[cand])]
  } else {
    r <- c(1L, (n + 1L) %/% 2L, n)
    cand <- which(x[r[1L], ] == x[r[2L], ] & x[r[1L], ] == x[r[3L], ])
    cand <- cand[vapply(cand, function(j) all(x[, j] == x[1L, j]), TRUE)]
    val <- numeric(ncol(x))
    val[cand] <- x[1L, cand]
  }
  nonzero <- cand[val[cand] != 0]
  sort(c(cand[val[cand] == 0], nonzero[-1L]))
}

# The fit (the step after glm_fit_start()): one call into C++, on the
# columns that are not aliased for being constant (glm_large_const_cols:
# their coefficients are NA, as in glm; the Hessian-free solvers have no
# aliasing rule of their own, and would count such a column in the rank).
# newton-cg / lbfgs with standard errors (p <= glm_se_max_p): the columns
# that glm's aliasing rule drops at the final weights (the C++ side's
# `aliased`, from X'WX) are dropped too and the fit repeated once without
# them, so that their coefficients are NA as glm's and the others unique.
# Exactly aliased columns add nothing to the column space, so the refit
# reaches the same deviance; a refit that ends higher (beyond glm's test)
# shows the aliasing came from vanishing working weights (Titanic's
# two-way Poisson model: a cell's mean tends to 0), not from the design:
# the first fit is kept, its coefficients all reported, as glm does.
glm_large_run <- function(inp, control, algorithm) {
  p <- ncol(inp$x)
  drop <- glm_large_const_cols(inp$x)
  if (length(drop) && !isTRUE(inp$singular.ok %or% TRUE)) stop("singular fit encountered", call. = FALSE)
  if (control$algorithm == "auto") control$maxit <- max(control$maxit, glm_auto_min_maxit)
  res <- glm_large_call(inp, control, algorithm, drop)
  if (length(res$aliased)) {
    drop2 <- sort(c(drop, setdiff(seq_len(p), drop)[res$aliased]))
    res2 <- glm_large_call(inp, control, algorithm, drop2)
    worse <- res2$penalised_deviance - res$penalised_deviance >
      control$epsilon * (abs(res$penalised_deviance) + 0.1)
    if (!worse) {
      if (!isTRUE(inp$singular.ok %or% TRUE)) stop("singular fit encountered", call. = FALSE)
      res <- res2
      drop <- drop2
    }
    res$aliased <- NULL
  }
  if (length(drop)) res <- glm_large_expand(res, p, drop)
  res
}

# One call into C++ on the columns of inp$x other than `drop`.
glm_large_call <- function(inp, control, algorithm, drop) {
  x <- inp$x
  p <- ncol(x)
  if (length(drop)) x <- x[, -drop, drop = FALSE]
  sparse <- glm_is_sparse(x)
  fam <- inp$family
  want_se <- inp$nvars <= glm_se_max_p
  start <- if (!is.null(inp$start)) as.double(inp$start)[setdiff(seq_len(p), drop)]
  tryCatch(
    glm_large_cpp(if (!sparse) x, if (sparse) x@i, if (sparse) x@p, if (sparse) x@x,
                  as.integer(dim(x)), as.double(inp$y), as.double(inp$weights),
                  as.double(inp$offset), start,
                  glm_large_b0(inp), fam, glm_is_stock_family(fam),
                  unclass(control), algorithm, want_se),
    error = function(e) stop(conditionMessage(e), call. = FALSE))
}

# The per-column results of a fit on the kept columns, at full length p
# (NA coefficients for the dropped columns).
glm_large_expand <- function(res, p, drop) {
  keep <- setdiff(seq_len(p), drop)
  grow <- function(v, fill) { out <- rep(fill, p); out[keep] <- v; out }
  res$coefficients <- grow(res$coefficients, NA_real_)
  if (!is.null(res$coef_prev)) res$coef_prev <- grow(res$coef_prev, 0)
  res$col_range <- grow(res$col_range, 0)
  res$col_ones <- grow(res$col_ones, FALSE)
  res$penalty <- grow(res$penalty, 0)
  res
}

# The R factor and the reason standard errors are missing (NULL when
# present): the Cholesky of X'WX + diag(pen) at the end.
glm_large_se <- function(res, p) {
  if (p > glm_se_max_p) {
    return(list(R = NULL, reason = sprintf(
      "no standard errors: p = %d columns exceeds %d, so X'WX (p x p) was not formed at the end (a Hessian-free fit)",
      p, glm_se_max_p)))
  }
  if (is.null(res$R)) return(list(R = NULL, reason = "no standard errors: X'WX at the end is not positive definite"))
  list(R = res$R, reason = NULL)
}

# The input glm_fit_warnings() sees: with a sparse x, a binomial fit that
# shows signs of separation (glm_fit_warnings' own condition) gets x dense
# when it has at most glm_sep_dense_max entries, so that the separation
# linear programs (R/separation.R, dense code) can name the covariates (a
# dgCMatrix made them fail silently: sex2's dia was not named).
glm_sep_dense_max <- 1e7
glm_large_sep_input <- function(inp, raw) {
  if (!glm_is_sparse(inp$x) || inp$family$family != "binomial") return(inp)
  if (as.double(nrow(inp$x)) * ncol(inp$x) > glm_sep_dense_max) return(inp)
  r <- range(raw$mu)
  if (raw$converged && r[1L] >= 1e-6 && r[2L] <= 1 - 1e-6) return(inp)
  inp$x <- as.matrix(inp$x)
  inp
}

# glm.fit's result list from the large-p fit (glm_fit_result's fields, the
# same warnings), plus `se_reason` when X'WX was not formed.
glm_large_result <- function(inp, raw, control) {
  fam <- inp$family
  nobs <- inp$nobs
  p <- inp$nvars
  raw$boundary <- FALSE
  inp_w <- glm_large_sep_input(inp, raw)
  if (!raw$converged && raw$status != 1L) {
    # stopped before maxit: the core says why (no decrease within rounding,
    # non-finite coefficients)
    warning(sprintf("newton_glm_fit: algorithm did not converge: %s after %d iterations",
                    paste(raw$warnings, collapse = "; "), raw$iter), call. = FALSE)
    raw$converged <- TRUE  # (glm_fit_warnings' maxit message does not apply)
    glm_fit_warnings(inp_w, raw, control)
    raw$converged <- FALSE
  } else {
    glm_fit_warnings(inp_w, raw, control)
  }
  ynames <- inp$ynames
  y <- inp$y
  weights <- inp$weights
  names(y) <- names(weights) <- ynames
  fitted <- lapply(raw[c("residuals", "mu", "eta", "weights")], function(v) { names(v) <- ynames; v })
  coef <- raw$coefficients
  names(coef) <- inp$xnames
  keep <- !is.na(coef)
  rank <- sum(keep)
  piv <- c(which(keep), which(!keep))
  se <- glm_large_se(raw, p)
  Rmat <- qr <- NULL  # no p x p matrix at all without standard errors
  if (!is.null(se$R)) {
    Rmat <- diag(p)
    Rmat[seq_len(rank), seq_len(rank)] <- se$R
    dimnames(Rmat) <- list(inp$xnames[piv], inp$xnames[piv])
    qr <- structure(list(qr = Rmat, rank = rank, qraux = numeric(p), pivot = piv,
                         tol = min(1e-07, control$epsilon / 1000)), class = "qr")
  }
  null_mu <- if (inp$intercept) sum(weights * y) / sum(weights) else fam$linkinv(inp$offset)
  null_dev <- sum(fam$dev.resids(y, rep_len(null_mu, nobs), weights))
  aic <- fam$aic(y, inp$n, fitted$mu, weights, raw$deviance)
  n.ok <- nobs - sum(weights == 0)
  tr <- raw$trace
  list(coefficients = coef, residuals = fitted$residuals, fitted.values = fitted$mu,
       effects = NULL, R = Rmat, rank = rank, qr = qr, family = fam,
       linear.predictors = fitted$eta, deviance = raw$deviance, aic = aic + 2 * rank,
       null.deviance = null_dev, iter = raw$iter, weights = fitted$weights,
       prior.weights = weights, df.residual = n.ok - rank,
       df.null = n.ok - as.integer(inp$intercept), y = y, converged = raw$converged,
       boundary = FALSE, status = raw$status,
       trace = new_trace(list(iter = tr$iter, deviance = tr$deviance,
                              halvings = tr$inner, grad_norm = tr$grad_norm)),
       control = glm_control_keys(control), newton_control = control,
       penalised_deviance = raw$penalised_deviance, grad_norm = raw$grad_norm,
       cg_iter = raw$cg_iter, passes = raw$passes, se_reason = se$reason,
       sparse = glm_is_sparse(inp$x))
}

# vcov() of a fit without standard errors says why (stats' vcov.glm would
# fail on the missing R factor); summary() does too (glm_methods.R).
#' @export
vcov.newton_glm <- function(object, ...) {
  if (!is.null(object$se_reason)) stop(object$se_reason, call. = FALSE)
  NextMethod()
}

# predict() of a newton_glm(..., sparse = TRUE) fit with newdata: the model
# matrix of newdata is built sparse (Matrix::sparse.model.matrix with the
# fit's levels and contrasts), with the offsets of the formula and of the
# `offset` argument; type "link" or "response" (se.fit through the dense path).
#' @export
predict.newton_glm <- function(object, newdata, type = c("link", "response", "terms"),
                               se.fit = FALSE, ...) {
  ty <- match.arg(type)
  if (!isTRUE(object$sparse) || missing(newdata) || is.null(newdata) || se.fit || ty == "terms") {
    return(NextMethod())
  }
  type <- ty
  tt <- stats::delete.response(stats::terms(object))
  mf <- stats::model.frame(tt, newdata, na.action = stats::na.pass, xlev = object$xlevels)
  X <- Matrix::sparse.model.matrix(tt, mf, contrasts.arg = object$contrasts)
  b <- stats::coef(object)
  b[is.na(b)] <- 0
  eta <- as.vector(X %*% b[colnames(X)])
  off <- stats::model.offset(mf)
  if (!is.null(off)) eta <- eta + off
  if (!is.null(object$call$offset)) {  # newton_glm(offset = ): as predict.lm adds it
    eta <- eta + eval(object$call$offset, newdata, environment(stats::formula(object)))
  }
  names(eta) <- rownames(newdata) %or% as.character(seq_along(eta))
  if (type == "response") object$family$linkinv(eta) else eta
}
