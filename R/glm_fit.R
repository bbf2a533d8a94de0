# glm_fit.R -- newton_glm_fit(): glm.fit()'s interface and return value, with
# the weighted least-squares step of IRLS done in C++ (blocked, threaded,
# deterministic X'WX and an aliasing Cholesky; see inst/include/newtonr/).

#' Control settings for newton_glm_fit()
#'
#' Checked once, like [stats::glm.control()].
#'
#' @param epsilon positive convergence tolerance: iterations stop when
#'   `|dev - dev_old| / (|dev| + 0.1) < epsilon` (glm's criterion; `dev` is the
#'   penalised deviance when `lambda > 0`).
#' @param maxit maximal number of iterations (default 25 for `"irls"`, 5000 for
#'   `"gd"`).
#' @param trace logical; print `Deviance = ... Iterations - k` as glm does.
#' @param type `"fisher"` (expected information, IRLS as in glm) or `"newton"`
#'   (observed information; differs from Fisher scoring for non-canonical
#'   links; falls back to Fisher on an iteration where the observed
#'   information is not positive definite).
#' @param lambda non-negative ridge penalty: the fit minimises
#'   `deviance + lambda * sum(beta^2)` over the non-intercept coefficients.
#' @param algorithm `"irls"` (Newton/Fisher scoring) or `"gd"` (gradient
#'   descent, for teaching: from `start`, else from all coefficients 0 when
#'   that is valid for the family; step `1/L` with `L` the largest eigenvalue
#'   of X'WX at the start, doubled tentatively each iteration and halved until
#'   the Armijo condition holds on the deviance; it stops when the estimated
#'   deviance still to gain, `|g|^2 / lambda_min` with `g` the score and
#'   `lambda_min` the smallest eigenvalue of X'WX at the start, is below
#'   `epsilon * (|dev| + 0.1)`: a small change of the deviance alone says
#'   little under linear convergence).
#' @param threads number of OpenMP threads (`NULL`: OpenMP's default). The
#'   result is bit-identical whatever the thread count.
#' @param ... further settings: an error names any unknown one.
#' @return A list of class `"newton_glm_control"`.
#' @examples
#' newton_glm_control(epsilon = 1e-10, type = "newton")
#' @export
newton_glm_control <- function(epsilon = 1e-8, maxit = 25, trace = FALSE,
                               type = c("fisher", "newton"), lambda = 0,
                               algorithm = c("irls", "gd"), threads = NULL, ...) {
  dots <- list(...)
  extra <- names(dots)
  if (length(dots) && (is.null(extra) || any(!nzchar(extra)))) {
    stop_arg("control", "has %d unnamed setting(s): name each one (e.g. maxit = 50)",
             if (is.null(extra)) length(dots) else sum(!nzchar(extra)))
  }
  if (length(extra)) {
    stop(sprintf("'control' has unknown setting(s): %s", paste(extra, collapse = ", ")),
         call. = FALSE)
  }
  type <- match_arg1(type, c("fisher", "newton"), "type")
  algorithm <- match_arg1(algorithm, c("irls", "gd"), "algorithm")
  if (missing(maxit) && algorithm == "gd") maxit <- 5000
  # glm's criterion is a relative change of the deviance: an epsilon of 1 or
  # more accepts any first step, a "convergence" that means nothing
  check_number(epsilon, "epsilon", lower = 0, open_lower = TRUE, upper = 0.5)
  # integer settings: within R's integer range (as.integer() of 3e9 is NA)
  check_number(maxit, "maxit", lower = 1, upper = .Machine$integer.max, integer = TRUE)
  if (!(is.logical(trace) || is.numeric(trace)) || length(trace) != 1L || is.na(trace)) {
    stop_arg("trace", "must be TRUE or FALSE, not %s", describe(trace))
  }
  check_number(lambda, "lambda", lower = 0, upper = .Machine$double.xmax)
  if (!is.null(threads)) check_number(threads, "threads", lower = 1, upper = glm_max_threads, integer = TRUE)
  structure(list(epsilon = epsilon, maxit = as.integer(maxit),
                 trace = as.logical(trace), type = type, lambda = lambda,
                 algorithm = algorithm,
                 threads = if (is.null(threads)) NULL else as.integer(threads)),
            class = "newton_glm_control")
}

#' Fit a GLM by Newton's method / IRLS (matrix interface)
#'
#' A drop-in replacement for [stats::glm.fit()]: same arguments, same return
#' fields, so `glm(..., method = newtonr::newton_glm_fit)` works.
#'
#' Differences from glm.fit: X'WX is accumulated in C++ over fixed row blocks
#' (OpenMP, bit-identical for any thread count) and solved by a Cholesky that
#' aliases the same columns as glm's LINPACK QR; the step is halved also when
#' the (penalised) deviance rises; `effects` has length n whose first `rank`
#' entries are Q'z computed from R (the remaining entries are 0); `qr` holds
#' only the p x p R factor (enough for `summary.glm` and `predict(se.fit =)`).
#' For binomial fits with fitted probabilities numerically 0 or 1, a second
#' warning names the covariates whose coefficients diverge (those whose last
#' step is still large relative to the coefficient and, scaled by the column's
#' range, at least a tenth of the largest step).
#'
#' Aliasing: a column is aliased when its remaining squared norm in X'WX
#' falls below `max(tol^2, 64 p eps)` times its original squared norm. Exactly
#' collinear columns are aliased as glm aliases them; columns whose relative
#' remaining norm lies between glm's `tol` and about `1e-6` are aliased here
#' but not by glm (forming X'WX squares the condition number).
#'
#' Speed: for the families of stats (gaussian, binomial, poisson, Gamma,
#' inverse.gaussian, quasibinomial, quasipoisson and quasi with its five
#' variance functions, with any of the links identity, log, inverse, logit,
#' probit, cauchit, cloglog, sqrt and 1/mu^2), the whole IRLS loop runs in
#' C++ with R's own formulas for the link, variance and deviance: each
#' iteration reads X once, forming X beta, the working weights and response
#' and X'WX together over fixed row blocks (threaded; reduced in a fixed
#' order, so the result is bit-identical for any thread count). A rejected
#' step is halved on the linear predictor without another pass over X. Any
#' other family object (a user's own, a [stats::power()] link) is evaluated
#' through its R functions, once per iteration on whole vectors. The X'WX
#' kernel uses AVX2/FMA when the CPU has it (`options(newtonr.simd = FALSE)`
#' turns it off). `glm.fit`'s errors and warnings are kept. The C++ path is
#' taken only when the family's functions are those of the stats family of
#' the same name and link; a family object whose closures were replaced
#' (`fam$variance <- ...`) is evaluated through its own R functions.
#'
#' Reliability: `x`, `y`, `weights` and `offset` must be finite (an error
#' names the argument; [newton_glm()] drops rows with NA through
#' `na.action`). Columns of `x` of extreme magnitude (beyond about
#' `2^+-100`, e.g. `x * 1e300` or a column of size `1e-300`) are equilibrated
#' by exact powers of two before X'WX is formed, so X'WX neither overflows
#' nor underflows and the coefficients are glm.fit's; scaling by a power of
#' two is exact, so this changes no result that did not over- or underflow.
#' Working weights or responses that overflow X'WX are an error, not `NA`
#' coefficients. With more than 1000 columns, an X'WX too large for memory
#' (see `options(newtonr.dense_limit)`) is refused with the memory it needs
#' before anything is allocated.
#'
#' @param x,y,weights,start,etastart,mustart,offset,family,intercept,singular.ok
#'   as in [stats::glm.fit()].
#' @param control a list of settings for [newton_glm_control()].
#' @return glm.fit's list (coefficients, residuals, fitted.values, effects, R,
#'   rank, qr, family, linear.predictors, deviance, aic, null.deviance, iter,
#'   weights, prior.weights, df.residual, df.null, y, converged, boundary) plus
#'   `trace` (data.frame: iter, deviance, halvings, grad_norm; grad_norm is
#'   the norm of the penalised score at the coefficients entering the
#'   iteration, `NA` in the first when the fit starts from `mustart`), `algorithm`
#'   and `control`.
#' @examples
#' x <- cbind(1, matrix(rnorm(200), 100))
#' y <- rbinom(100, 1, plogis(x %*% c(0.5, 1, -1)))
#' fit <- newton_glm_fit(x, y, family = binomial())
#' fit$coefficients
#' fit$trace
#' @export
newton_glm_fit <- function(x, y, weights = NULL, start = NULL, etastart = NULL,
                           mustart = NULL, offset = NULL, family = gaussian(),
                           control = list(), intercept = TRUE, singular.ok = TRUE) {
  control <- glm_control_arg(control)
  if (!(is.numeric(x) && !is.object(x)) && !is.data.frame(x)) {
    stop_arg("x", "must be a numeric matrix, not %s", describe(x))
  }
  if (is.data.frame(x)) x <- as.matrix(x)
  if (!is.matrix(x)) x <- as.matrix(x)
  if (!is.numeric(x)) stop_arg("x", "must be a numeric matrix, not %s", describe(x))
  if (!is.double(x)) storage.mode(x) <- "double"
  # one pass over x: finiteness, and the power-of-2 column scales that keep
  # X'WX from overflowing or underflowing when x's columns are of extreme
  # size (1e+-300; numeric(0) when none is needed; glm_xtwx.hpp)
  colscale <- glm_col_scan_cpp(x, if (is.null(control$threads)) 0L else control$threads)
  if (is.null(colscale)) {
    if (anyNA(x)) stop_arg("x", "must not contain NA or NaN")
    stop_arg("x", "must be finite (no Inf)")
  }
  if (is.character(y)) stop_arg("y", "must be numeric, logical or a factor, not a character vector")
  if (is.function(family)) family <- glm_call_family(family)
  check_flag(intercept, "intercept")
  check_flag(singular.ok, "singular.ok")
  if (!is.list(family) || !is.function(family$variance) || !is.function(family$linkinv)) {
    stop("'family' argument seems not to be a valid family object", call. = FALSE)
  }
  xnames <- dimnames(x)[[2L]]
  ynames <- if (is.matrix(y)) rownames(y) else names(y)
  nobs <- NROW(y)
  nvars <- ncol(x)
  if (nrow(x) != nobs) {
    stop(sprintf("'x' has %d rows but 'y' has %d observations", nrow(x), nobs), call. = FALSE)
  }
  if (nobs == 0L) stop_arg("y", "has zero observations")
  if (nvars > 1000L) glm_check_size(nobs, nvars, "x", matrix = FALSE)
  threads <- if (is.null(control$threads)) 0L else control$threads
  # glm.fit lets NA/Inf in y, weights and offset reach lm.fit or the family
  # ("NA/NaN/Inf in 'x'", "missing value where TRUE/FALSE needed"); name
  # the argument instead.
  if (is.factor(y)) {
    if (anyNA(y)) stop_arg("y", "must not contain NA (newton_glm() drops such rows through 'na.action')")
  } else if (!is.numeric(y) && !is.logical(y)) {
    stop_arg("y", "must be numeric, logical or a factor, not %s", describe(y))
  } else {
    glm_check_finite(if (is.logical(y)) as.double(y) else y, "y", threads,
                     na_note = " (newton_glm() drops such rows through 'na.action')")
  }
  EMPTY <- nvars == 0
  if (is.null(weights)) weights <- rep.int(1, nobs) else glm_check_vec(weights, "weights", nobs, threads)
  if (any(weights < 0)) stop("negative weights not allowed", call. = FALSE)
  if (is.null(offset)) offset <- rep.int(0, nobs) else glm_check_vec(offset, "offset", nobs, threads)
  if (!is.null(mustart)) glm_check_vec(mustart, "mustart", nobs, threads)
  if (!is.null(etastart)) glm_check_vec(etastart, "etastart", nobs, threads)
  if (!is.null(start)) {
    if (!is.numeric(start) || is.object(start)) stop_arg("start", "must be a numeric vector, not %s", describe(start))
    if (any(is.infinite(start))) stop_arg("start", "must be finite (no Inf)")
  }
  variance <- family$variance
  linkinv <- family$linkinv
  dev.resids <- family$dev.resids
  aic <- family$aic
  mu.eta <- family$mu.eta
  valideta <- family$valideta %or% function(eta) TRUE
  validmu <- family$validmu %or% function(mu) TRUE
  # family$initialize is evaluated exactly as glm.fit does: it checks y's
  # support and sets mustart, n and (binomial) y and weights.
  n <- NULL
  ini <- NULL
  if (is.null(mustart) && is.numeric(y) && is.null(dim(y)) &&
      identical(family$family, "binomial") && is.double(weights) &&
      identical(family$initialize, stats::binomial()$initialize)) {
    # binomial()'s initialize for a 0/1 or proportion vector in one C++ pass
    # (its checks, mustart and warning); NULL when y has NA (R's code then
    # reports it as glm.fit does)
    ini <- glm_binomial_init_cpp(y, weights)
  }
  if (!is.null(ini)) {
    # (binomial's `y[weights == 0] <- 0` makes y double even when no weight is 0)
    if (!is.null(ini$y)) y <- ini$y else if (!is.double(y)) storage.mode(y) <- "double"
    mustart <- ini$mustart
    n <- 1  # all ones (recycled by glm_aic_cpp)
    if (ini$nonint) warning("non-integer #successes in a binomial glm!", call. = FALSE)
  } else if (is.null(mustart)) {
    eval(family$initialize)
  } else {
    mukeep <- mustart
    eval(family$initialize)
    mustart <- mukeep
    if (is.null(etastart) && is.null(start) && !isTRUE(validmu(mustart))) {
      stop_arg("mustart", "holds values that are not valid means for the %s family", family$family)
    }
  }
  if (!is.null(etastart) && !isTRUE(valideta(etastart))) {
    stop_arg("etastart", "holds values that are not valid for the %s link", family$link)
  }
  tol <- min(1e-07, control$epsilon / 1000)
  # AVX2/FMA kernel for X'WX when the CPU has it (option for comparisons)
  simd <- isTRUE(getOption("newtonr.simd", TRUE))
  pen <- rep(control$lambda, nvars)
  if (control$lambda > 0 && intercept) {
    pen[glm_col_info_cpp(x)$ones] <- 0
  }
  pdev_of <- function(dev, beta) {
    if (control$lambda > 0) dev + sum(pen * beta^2, na.rm = TRUE) else dev
  }
  trace_iter <- integer(); trace_dev <- numeric(); trace_halv <- integer()
  trace_grad <- numeric()
  coef_hist <- list()
  fit <- NULL
  native <- FALSE
  if (EMPTY) {
    eta <- rep.int(0, nobs) + offset
    if (!valideta(eta)) stop("invalid linear predictor values in empty model", call. = FALSE)
    mu <- linkinv(eta)
    if (!validmu(mu)) stop("invalid fitted means in empty model", call. = FALSE)
    dev <- sum(dev.resids(y, mu, weights))
    w <- (weights * mu.eta(eta)^2) / variance(mu)
    residuals <- (y - mu) / mu.eta(eta)
    boundary <- conv <- TRUE
    coef <- numeric()
    iter <- 0L
    wt <- w
  } else {
    coefold <- NULL
    eta <- etastart %or% {
      if (!is.null(start)) {
        if (length(start) != nvars) {
          stop(gettextf("length of 'start' should equal %d and correspond to initial coefs for %s",
                        nvars, paste(deparse(xnames), collapse = ", ")), domain = NA)
        }
        coefold <- start
        glm_xb_cpp(x, as.double(start), as.double(offset), threads)
      } else family$linkfun(mustart)
    }
    if (control$algorithm == "gd" && is.null(start) && is.null(etastart)) {
      # Gradient descent starts from beta = 0, as the documents' loop does
      # (when that point is valid for the family; otherwise from glm's
      # starting values through one IRLS step).
      eta0 <- rep.int(0, nobs) + offset
      if (valideta(eta0) && validmu(linkinv(eta0))) {
        start <- coefold <- numeric(nvars)
        eta <- eta0
      }
    }
    native <- control$algorithm == "irls" && glm_is_native(family)
  }
  if (!EMPTY && native) {
    # The whole IRLS loop in C++ (glm_irls.hpp): one pass over X per
    # iteration, the family's formulas in C++.
    res <- tryCatch(
      glm_irls_cpp(x, as.double(y), as.double(weights), as.double(offset), as.double(eta),
                   if (is.null(coefold)) NULL else as.double(coefold),
                   family$family, family$link, glm_varfun(family), pen,
                   control$epsilon, control$maxit, control$type == "newton", tol,
                   singular.ok, threads, simd, control$trace, colscale),
      error = function(e) stop(conditionMessage(e), call. = FALSE))
    for (msg in res$warnings) warning(msg, call. = FALSE)
    fit <- res$fit
    coef <- fit$coefficients
    eta <- res$eta; mu <- res$mu; dev <- res$deviance
    iter <- res$iter; conv <- res$converged; boundary <- res$boundary
    tr <- res$trace
    trace_iter <- tr$iter; trace_dev <- tr$deviance
    trace_halv <- tr$halvings; trace_grad <- tr$grad_norm
    trace_grad[is.nan(trace_grad)] <- NA_real_  # not computed (no coefficients yet)
    coef_hist <- if (is.null(res$coef_prev)) list(coef) else {
      b1 <- coef; b1[is.na(b1)] <- 0
      list(res$coef_prev, b1)
    }
    wF <- res$weights
    residuals <- res$residuals
    gd <- FALSE
  } else if (!EMPTY) {
    mu <- linkinv(eta)
    if (!(validmu(mu) && valideta(eta))) {
      stop("cannot find valid starting values: please specify some", call. = FALSE)
    }
    devold <- sum(dev.resids(y, mu, weights))
    pdevold <- if (is.null(coefold)) devold else pdev_of(devold, coefold)
    boundary <- conv <- FALSE
    eval_at <- function(beta) {
      b0 <- beta; b0[is.na(b0)] <- 0
      eta <- glm_xb_cpp(x, b0, as.double(offset), threads)
      mu <- linkinv(eta)
      ok <- valideta(eta) && validmu(mu)
      dev <- if (ok) sum(dev.resids(y, mu, weights)) else NaN
      list(eta = eta, mu = mu, ok = ok, dev = dev, pdev = pdev_of(dev, b0))
    }
    gd <- control$algorithm == "gd"
    gd_step <- NULL
    start_b <- start
    for (iter in 1L:control$maxit) {
      good <- weights > 0
      varmu <- variance(mu)
      if (anyNA(varmu[good])) stop("NAs in V(mu)")
      if (any(varmu[good] == 0)) stop("0s in V(mu)")
      mu.eta.val <- mu.eta(eta)
      if (any(is.na(mu.eta.val[good]))) stop("NAs in d(mu)/d(eta)")
      good <- (weights > 0) & (mu.eta.val != 0)
      if (all(!good)) {
        conv <- FALSE
        warning(gettextf("no observations informative at iteration %d", iter), domain = NA)
        break
      }
      wF <- weights * mu.eta.val^2 / varmu
      u <- weights * (y - mu) * mu.eta.val / varmu  # score wrt eta
      if (!all(good)) {
        wF[!good] <- 0
        u[!good] <- 0
      }
      beta_cur <- if (is.null(start_b)) NULL else { b <- start_b; b[is.na(b)] <- 0; b }
      if (gd && !is.null(beta_cur)) {
        # gradient of the penalised deviance is -2 (X'u - pen * beta)
        g <- drop(crossprod(x, u)) - pen * beta_cur
        if (is.null(gd_step)) {
          fitL <- glm_wls_cpp(x, wF, u, pen, tol, threads, simd, colscale)
          if (!all(is.finite(fitL$xtwx))) {
            stop("algorithm = \"gd\" cannot handle the scale of 'x' (X'WX overflows); use algorithm = \"irls\"",
                 call. = FALSE)
          }
          ev0 <- eigen(fitL$xtwx + diag(pen, nvars), symmetric = TRUE, only.values = TRUE)$values
          L <- max(ev0)
          gd_step <- 1 / L
          # smallest curvature at the start: the deviance still to gain is
          # about g' (X'WX)^-1 g <= |g|^2 / lam_min (used by the stopping rule)
          gd_lmin <- max(min(ev0), L * .Machine$double.eps)
        }
        t <- gd_step * 2
        nh <- 0L
        repeat {
          cand <- beta_cur + t * g
          ev <- eval_at(cand)
          if (ev$ok && is.finite(ev$pdev) && ev$pdev <= pdevold - 1e-4 * 2 * t * sum(g^2)) break
          t <- t / 2; nh <- nh + 1L
          if (nh > 60L) break
        }
        gd_step <- t
        start_b <- cand
        eta <- ev$eta; mu <- ev$mu; dev <- ev$dev; pdev <- ev$pdev
        gnorm <- sqrt(sum(g^2))
      } else {
        wuse <- wF
        if (control$type == "newton") {
          # observed information: wF - prior * (y - mu) * d/deta(mu.eta / V)
          h <- 1e-5 * pmax(1, abs(eta))
          fd <- function(e) mu.eta(e) / variance(linkinv(e))
          dq <- (fd(eta + h) - fd(eta - h)) / (2 * h)
          wO <- ifelse(good, wF - weights * (y - mu) * dq, 0)
          if (all(is.finite(wO)) && all(wO >= 0)) wuse <- wO
        }
        r <- wuse * (eta - offset) + u
        fit <- glm_wls_cpp(x, wuse, r, pen, tol, threads, simd, colscale, beta_cur)
        if (any(!is.finite(fit$coefficients[fit$pivot[seq_len(fit$rank)]]))) {
          conv <- FALSE
          warning(gettextf("non-finite coefficients at iteration %d", iter), domain = NA)
          break
        }
        if (nobs < fit$rank) {
          stop(sprintf(ngettext(nobs, "X matrix has rank %d, but only %d observation",
                                "X matrix has rank %d, but only %d observations"),
                       fit$rank, nobs), domain = NA)
        }
        if (!singular.ok && fit$rank < nvars) stop("singular fit encountered")
        # X'u = X'r - (X'WX) beta, since r = w * (X beta) + u: no extra pass
        gnorm <- fit$grad_norm
        newb <- fit$coefficients
        ev <- eval_at(newb)
        nh <- 0L
        # Step-halving (glm halves on non-finite deviance and invalid eta/mu;
        # we also halve when the penalised deviance rises).
        invalid_seen <- FALSE
        while (!ev$ok || !is.finite(ev$dev) ||
               (!is.null(coefold) && ev$pdev > pdevold + 1e-10 * (abs(pdevold) + 0.1))) {
          if (!ev$ok || !is.finite(ev$dev)) invalid_seen <- TRUE
          if (is.null(coefold)) {
            if (!ev$ok || !is.finite(ev$dev)) {
              stop("no valid set of coefficients has been found: please supply starting values",
                   call. = FALSE)
            }
            break
          }
          if (nh >= control$maxit) {
            if (!ev$ok || !is.finite(ev$dev)) stop("inner loop; cannot correct step size", call. = FALSE)
            break
          }
          nh <- nh + 1L
          newb <- (newb + coefold) / 2
          ev <- eval_at(newb)
        }
        if (nh > 0L) {
          if (invalid_seen) boundary <- TRUE
          if (control$trace) cat("Step halved: new deviance = ", ev$dev, "\n", sep = "")
        }
        start_b <- newb
        eta <- ev$eta; mu <- ev$mu; dev <- ev$dev; pdev <- ev$pdev
      }
      if (control$trace) cat("Deviance = ", dev, " Iterations - ", iter, "\n", sep = "")
      trace_iter <- c(trace_iter, iter); trace_dev <- c(trace_dev, dev)
      trace_halv <- c(trace_halv, nh); trace_grad <- c(trace_grad, gnorm)
      coef_hist[[length(coef_hist) + 1L]] <- start_b
      # gradient descent: a small change of the deviance says little when
      # convergence is linear, so it stops on the estimated deviance still to
      # gain, |g|^2 / lam_min, relative as in glm's criterion
      stop_now <- if (gd && !is.null(beta_cur)) {
        gnorm^2 / gd_lmin / (0.1 + abs(pdev)) < control$epsilon
      } else {
        abs(pdev - pdevold) / (0.1 + abs(pdev)) < control$epsilon
      }
      if (stop_now) {
        conv <- TRUE
        coef <- start_b
        break
      } else {
        devold <- dev; pdevold <- pdev
        coef <- coefold <- start_b
        coefold[is.na(coefold)] <- 0
      }
    }
  }
  if (!EMPTY) {
    if (!conv) warning("glm.fit: algorithm did not converge", call. = FALSE)
    if (boundary) {
      warning("glm.fit: algorithm stopped at boundary value", call. = FALSE)
    }
    # Final weights and R at the solution as glm reports them (from the last
    # IRLS iteration's weights, as glm.fit does).
    if (!native) mu.eta.val <- mu.eta(eta)
    if (!native && (gd || is.null(fit))) {
      varmu <- variance(mu)
      good <- (weights > 0) & (mu.eta.val != 0)
      wF <- ifelse(good, weights * mu.eta.val^2 / varmu, 0)
      fit <- glm_wls_cpp(x, wF, wF * 0, pen, tol, threads, simd, colscale)
    }
    eps <- 10 * .Machine$double.eps
    if (family$family == "binomial") {
      if (any(mu > 1 - eps) || any(mu < eps)) {
        warning("glm.fit: fitted probabilities numerically 0 or 1 occurred", call. = FALSE)
        k <- length(coef_hist)
        if (k >= 2L) {
          b1 <- coef_hist[[k]]; b0 <- coef_hist[[k - 1L]]
          # Under separation the coefficient vector grows along the
          # separating direction; flag the covariates carrying it: a last
          # step still large relative to the coefficient, and (scaled by the
          # column's spread) at least a tenth of the largest such step.
          info <- glm_col_info_cpp(x)
          sc <- abs(b1 - b0) * info$range
          div <- which(abs(b1 - b0) > 1e-3 * (1 + abs(b1)) & sc >= 0.1 * max(sc, na.rm = TRUE))
          if (intercept) div <- setdiff(div, which(info$ones))
          if (length(div)) {
            nm <- if (is.null(xnames)) paste0("x", div) else xnames[div]
            warning(sprintf("newton_glm_fit: coefficients of %s diverge (complete or quasi-complete separation)",
                            paste(nm, collapse = ", ")), call. = FALSE)
          }
        }
      }
    }
    if (family$family == "poisson") {
      if (any(mu < eps)) warning("glm.fit: fitted rates numerically 0 occurred", call. = FALSE)
    }
    rank <- fit$rank
    if (rank < nvars) coef[fit$pivot][seq.int(rank + 1, nvars)] <- NA
    xxnames <- xnames[fit$pivot]
    if (!native) residuals <- (y - mu) / mu.eta.val
    Rmat <- fit$R
    if (rank < nvars) {
      Rfull <- diag(nvars)
      Rfull[seq_len(rank), ] <- Rmat[seq_len(rank), ]
      Rmat <- Rfull
    }
    names(coef) <- xnames
    dimnames(Rmat) <- list(xxnames, xxnames)
    # glm.fit reports the working weights of the last iteration (those used
    # in its final least-squares solve), and so do we.
    wt <- wF
  }
  names(residuals) <- ynames
  names(mu) <- ynames
  names(eta) <- ynames
  names(wt) <- ynames
  names(weights) <- ynames
  names(y) <- ynames
  effects <- NULL
  if (!EMPTY) {
    effects <- numeric(nobs)
    effects[seq_len(rank)] <- fit$effects
    names(effects) <- c(xxnames[seq_len(rank)], rep.int("", nobs - rank))
  }
  wtdmu <- if (intercept) sum(weights * y) / sum(weights) else linkinv(offset)
  nulldev <- if (native) {
    glm_dev_cpp(y, as.double(wtdmu), weights, family$family, family$link, glm_varfun(family))
  } else sum(dev.resids(y, wtdmu, weights))
  n.ok <- nobs - sum(weights == 0)
  nulldf <- n.ok - as.integer(intercept)
  rank <- if (EMPTY) 0 else rank
  resdf <- n.ok - rank
  aic.model <- if (native && family$family %in% c("binomial", "poisson") &&
                    identical(aic, get(family$family, envir = asNamespace("stats"))()$aic,
                              ignore.environment = TRUE)) {
    glm_aic_cpp(family$family, y, as.double(n), mu, weights) + 2 * rank
  } else aic(y, n, mu, weights, dev) + 2 * rank
  qr <- if (!EMPTY) {
    structure(list(qr = Rmat, rank = rank, qraux = numeric(nvars),
                   pivot = fit$pivot, tol = tol), class = "qr")
  }
  list(coefficients = coef, residuals = residuals, fitted.values = mu,
       effects = effects, R = if (!EMPTY) Rmat, rank = rank, qr = qr,
       family = family, linear.predictors = eta, deviance = dev, aic = aic.model,
       null.deviance = nulldev, iter = iter, weights = wt, prior.weights = weights,
       df.residual = resdf, df.null = nulldf, y = y, converged = conv,
       boundary = boundary,
       trace = new_trace(list(iter = trace_iter, deviance = trace_dev,
                              halvings = trace_halv, grad_norm = trace_grad)),
       algorithm = control$algorithm, control = control)
}

# TRUE when the family is one of stats' (by family, link and quasi's
# variance name) and so has a C++ implementation; anything else (a user's
# own family, a power() link) goes through its R closures.
# The names alone are not enough: a family object whose closures were
# replaced (fam$variance <- ...) keeps its names, and the C++ formulas would
# then silently ignore the user's functions. So the closures the loop
# replaces must be those a fresh stats family of the same names has.
glm_is_native <- function(family) {
  is.character(family$family) && length(family$family) == 1L &&
    is.character(family$link) && length(family$link) == 1L &&
    glm_native_family_cpp(family$family, family$link, glm_varfun(family)) &&
    glm_is_stock_family(family)
}

glm_is_stock_family <- function(family) {
  key <- paste(family$family, family$link, glm_varfun(family), sep = "\r")
  ref <- glm_stock_cache[[key]]
  if (is.null(ref)) {
    ctor <- get0(family$family, envir = asNamespace("stats"), mode = "function")
    if (is.null(ctor)) return(FALSE)
    args <- list(link = family$link)
    if (identical(family$family, "quasi")) args$variance <- glm_varfun(family)
    ref <- tryCatch(do.call(ctor, args), error = function(e) NULL)
    if (is.null(ref)) return(FALSE)
    glm_stock_cache[[key]] <- ref  # stats' families are fixed within a session
  }
  for (nm in c("linkfun", "linkinv", "mu.eta", "variance", "dev.resids", "valideta",
               "validmu")) {
    if (!identical(family[[nm]], ref[[nm]], ignore.environment = TRUE,
                   ignore.bytecode = TRUE, ignore.srcref = TRUE)) {
      return(FALSE)
    }
  }
  TRUE
}

glm_stock_cache <- new.env(parent = emptyenv())

glm_varfun <- function(family) {
  v <- family$varfun
  if (is.character(v) && length(v) == 1L && !is.na(v)) v else ""
}

# A numeric vector argument (weights, offset) of length n with finite values
# (one pass without allocation when all is well).
glm_check_vec <- function(v, arg, n, threads) {
  if (!is.numeric(v) || is.object(v) && !is.numeric(unclass(v))) {
    stop_arg(arg, "must be a numeric vector, not %s", describe(v))
  }
  if (length(v) != n) stop_arg(arg, "must have length %d, not %d", n, length(v))
  glm_check_finite(v, arg, threads)
}

# Every value finite (one pass without allocation when all is well), else an
# error naming `arg` that says whether NA/NaN or Inf was found.
glm_check_finite <- function(v, arg, threads, na_note = "") {
  if (!glm_all_finite_cpp(v, threads)) {
    if (anyNA(v)) stop_arg(arg, "must not contain NA or NaN%s", na_note)
    stop_arg(arg, "must be finite (no Inf)")
  }
  invisible(v)
}

# A GLM's dense matrices: the n x p model matrix (`matrix = TRUE`: not yet
# built) and X'WX (p x p).  The fit holds several p x p matrices at once:
# X'WX, its Cholesky factor, R, the per-chunk sums, and the copies handed to
# R (R, and X'WX on the R-closure path).  Measured peak growth of the
# resident memory during a fit (VmHWM, p = 1000 and 2000): 6.1 (gaussian),
# 7.0 (binomial, C++ loop) and 8.1 (R-closure family) times p^2 * 8 bytes;
# so 8 copies are counted.  Compared with the memory available now
# (dense_available() in utils.R), not the machine's total.  An error stating
# the memory needed when they cannot fit (check_dense_size in utils.R).
glm_xtwx_copies <- 8

glm_check_size <- function(n, p, arg, matrix = TRUE) {
  limit <- dense_available()
  if (matrix) {
    check_dense_size(n, p, "model matrix", arg, limit = limit,
                     hint = "fit a subset of the rows, or use fewer factor levels or interactions")
  }
  check_dense_size(p, p, "X'WX matrix", arg, limit = limit, copies = glm_xtwx_copies,
                   hint = "too many coefficients for a dense IRLS fit; use fewer factor levels or interactions")
}

# The `control` argument of newton_glm_fit() and newton_glm(): a list of
# settings for newton_glm_control() (NULL: the defaults), or its result --
# checked again, as a "newton_glm_control" object may have been made or
# edited by hand (maxit = 0L, threads = 1e5).  glm.fit() refuses a control
# that is not a list (do.call's "second argument must be a list"); so do
# we, naming 'control', rather than taking a number as `epsilon`.
glm_control_arg <- function(control) {
  if (is.null(control)) control <- list()
  if (!is.list(control) || is.data.frame(control)) {
    stop_arg("control", "must be a list of settings for newton_glm_control(), not %s",
             describe(control))
  }
  control <- unclass(control)
  if (length(control) && (is.null(names(control)) || any(!nzchar(names(control))))) {
    stop_arg("control", "must be a named list (e.g. list(maxit = 50)), not an unnamed one")
  }
  control <- control[!vapply(control, is.null, NA)]
  do.call(newton_glm_control, control)
}

# Largest `threads` setting accepted (the kernels further cap the thread
# count at their number of blocks of work).
glm_max_threads <- 1024L

# x, or y when x is NULL (base R only has %||% from 4.4.0).
`%or%` <- function(x, y) if (is.null(x)) y else x
