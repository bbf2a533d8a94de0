# glm_methods.R -- S3 methods for "newton_glm" objects. Most glm methods
# (summary, vcov, predict, residuals, logLik, AIC, update, model.matrix) work
# unchanged because the object has glm's fields and its `qr` holds glm's R
# factor. The methods here cover what needs more:
#  * glm's full n x p QR of sqrt(W) X (influence, hat values, Cook's
#    distances, plot.lm): the fit's own `qr` when it is that QR (fits up to
#    n p^2 = 5e7, and any fit that needed the QR); else rebuilt on demand
#    from model.matrix() and the final working weights;
#  * refits (anova) go through newton_glm_fit(); profile refits (confint,
#    drop1, add1) go through glm.fit with the same tolerance, as glm does;
#  * the iteration trace (print, plot_trace(), plot(fit, which = "trace")).

# glm's QR of sqrt(w) X over the rows with positive working weight, with the
# columns taken in our pivot order so that the same columns are aliased.
glm_full_qr <- function(object) {
  # the fit's own n x p QR when it has one (small fits: glm.fit's exactly)
  # (not a p x p factor: r_only, or a fit saved by an older newtonr)
  if (!is.null(object$qr) && !isTRUE(object$qr$r_only) &&
      NROW(object$qr$qr) == sum(object$weights > 0)) return(object$qr)
  X <- stats::model.matrix(object)
  w <- object$weights
  good <- w > 0
  piv <- object$qr$pivot
  if (is.null(piv)) piv <- seq_len(ncol(X))
  tol <- object$qr$tol
  if (is.null(tol)) tol <- 1e-11
  Xw <- X[good, piv, drop = FALSE] * sqrt(w[good])
  q <- qr(Xw, tol = tol, LAPACK = FALSE)
  q$pivot <- piv[q$pivot]
  q$tol <- tol  # glm.fit's qr carries its tolerance (qr() does not)
  q
}

# The object as a plain "glm" (so stats' methods dispatch to the glm code),
# optionally with the full QR, and with glm.control settings for code that
# refits through glm.fit.
as_stats_glm <- function(object, full_qr = FALSE, glm_control = FALSE) {
  if (full_qr) object$qr <- glm_full_qr(object)
  if (glm_control) {
    ctrl <- object$control
    object$control <- stats::glm.control(epsilon = ctrl$epsilon %or% 1e-8,
                                         maxit = ctrl$maxit %or% 25)
    object$method <- "glm.fit"
  }
  class(object) <- c("glm", "lm")
  object
}

#' Methods for newton_glm fits
#'
#' Methods that differ from glm's only in how they get glm's full QR or
#' refit. `influence()`, `hatvalues()`, `dfbeta()` and `dfbetas()` use the
#' fit's n x p QR of `sqrt(W) X`, or on large fits (which keep only the p x p
#' R) rebuild it from [stats::model.matrix()] and the final working
#' weights; `rstandard()`, `rstudent()`,
#' `cooks.distance()` and `plot()` use them through [stats::influence()].
#' `qr()` returns that QR. `anova()` refits the sub-models with the fit's own
#' method ([newton_glm_fit()] by default). `confint()` profiles the
#' likelihood exactly as `confint()` on a glm does (MASS's profile method,
#' refitting through [stats::glm.fit()]); for a ridge fit (`lambda > 0`) it
#' gives Wald intervals instead, since the profile would ignore the penalty.
#' `drop1()` and `add1()` refit through glm.fit as well.
#'
#' @param x,object,model a fit from [newton_glm()].
#' @param do.coef logical: also compute the leave-one-out coefficient changes.
#' @param parm,level as in [stats::confint()].
#' @param dispersion,test as in [stats::anova.glm()].
#' @param which for `plot()`: the plot.lm panels (numbers), or `"trace"` for
#'   the deviance by iteration.
#' @param ... passed on to the glm/lm method.
#' @return As the corresponding glm method.
#' @examples
#' fit <- newton_glm(am ~ wt + hp, family = binomial, data = mtcars)
#' head(hatvalues(fit))
#' anova(fit, test = "Chisq")
#' @name newton_glm-methods
#' @importFrom stats influence hatvalues dfbeta dfbetas anova confint drop1 add1
NULL

#' @rdname newton_glm-methods
#' @export
print.newton_glm <- function(x, ...) {
  utils::getS3method("print", "glm")(x, ...)
  tr <- x$trace
  if (!is.null(tr)) {
    cat(sprintf("%s: %d iteration%s, %s\n", glm_algorithm_label(x), nrow(tr),
                if (nrow(tr) == 1L) "" else "s",
                if (isTRUE(x$converged)) "converged" else "NOT converged"))
    if (!isTRUE(x$converged) && identical(x$algorithm, "gd")) {
      cat("(gradient descent converges linearly, slowly on ill-conditioned X'WX: use",
          "algorithm = \"irls\", a larger maxit, or standardised covariates)\n")
    }
  }
  invisible(x)
}

# The fit's settings: `newton_control` (fits since 0.2.0), else `control`.
glm_settings <- function(x) x$newton_control %or% x$control

# "gradient descent", "IRLS (Fisher scoring)" or "IRLS (Newton, observed
# information)": the algorithm of a fit in words.
glm_algorithm_label <- function(x) {
  if (identical(x$algorithm, "gd")) return("gradient descent")
  if (identical(glm_settings(x)$type, "newton")) "IRLS (Newton, observed information)"
  else "IRLS (Fisher scoring)"
}

#' @rdname newton_glm-methods
#' @export
summary.newton_glm <- function(object, ...) {
  if (!is.null(object$se_reason)) stop(object$se_reason, call. = FALSE)  # (issue 17: p too large)
  s <- utils::getS3method("summary", "glm")(object, ...)
  if (!isTRUE(object$converged)) {
    # (a converged fit's summary is glm's own, class and all)
    s$not_converged <- sprintf("%s, %d iterations", glm_algorithm_label(object), object$iter)
    class(s) <- c("summary.newton_glm", class(s))
  }
  s
}

#' @export
print.summary.newton_glm <- function(x, ...) {
  cat(sprintf(paste0("\nNOTE: the fit did NOT converge (%s): the estimates, standard errors and ",
                     "p-values below are not those of the maximum-likelihood fit.\n"),
              x$not_converged))
  out <- utils::capture.output(NextMethod())
  if (startsWith(x$not_converged, "gradient descent")) {
    out <- sub("^Number of Fisher Scoring iterations:", "Number of gradient-descent iterations:", out)
  }
  writeLines(out)
  invisible(x)
}

#' @rdname newton_glm-methods
#' @export
influence.newton_glm <- function(model, do.coef = TRUE, ...) {
  utils::getS3method("influence", "glm")(as_stats_glm(model, full_qr = TRUE),
                                          do.coef = do.coef, ...)
}

#' @rdname newton_glm-methods
#' @export
hatvalues.newton_glm <- function(model, ...) {
  stats::influence(model, do.coef = FALSE)$hat
}

#' @rdname newton_glm-methods
#' @export
dfbeta.newton_glm <- function(model, ...) {
  stats::dfbeta(as_stats_glm(model, full_qr = TRUE), ...)
}

#' @rdname newton_glm-methods
#' @export
dfbetas.newton_glm <- function(model, ...) {
  stats::dfbetas(as_stats_glm(model, full_qr = TRUE), ...)
}

#' @rdname newton_glm-methods
#' @export
qr.newton_glm <- function(x, ...) glm_full_qr(x)

#' @rdname newton_glm-methods
#' @export
anova.newton_glm <- function(object, ..., dispersion = NULL, test = NULL) {
  # anova.glm refits with object$method; give it our fitter as a function so
  # that it is found whether or not newtonr is attached.
  if (identical(object$method, "newton_glm_fit")) object$method <- newton_glm_fit
  # anova.glm refits with object$control: the full settings (algorithm, lambda)
  if (!is.null(object$newton_control)) object$control <- object$newton_control
  utils::getS3method("anova", "glm")(object, ..., dispersion = dispersion, test = test)
}

#' @rdname newton_glm-methods
#' @export
confint.newton_glm <- function(object, parm, level = 0.95, ...) {
  if (isTRUE(glm_settings(object)$lambda > 0)) {
    cf <- stats::coef(object)
    ses <- sqrt(diag(stats::vcov(object)))
    if (missing(parm)) parm <- names(cf) else if (is.numeric(parm)) parm <- names(cf)[parm]
    a <- (1 - level) / 2
    z <- stats::qnorm(c(a, 1 - a))
    ci <- cbind(cf[parm] + z[1L] * ses[parm], cf[parm] + z[2L] * ses[parm])
    dimnames(ci) <- list(parm, paste(format(100 * c(a, 1 - a), trim = TRUE,
                                            scientific = FALSE, digits = 3), "%"))
    return(ci)
  }
  obj <- as_stats_glm(object, glm_control = TRUE)
  if (missing(parm)) stats::confint(obj, level = level, ...)
  else stats::confint(obj, parm = parm, level = level, ...)
}

#' @rdname newton_glm-methods
#' @export
drop1.newton_glm <- function(object, ...) {
  stats::drop1(as_stats_glm(object, full_qr = TRUE, glm_control = TRUE), ...)
}

#' @rdname newton_glm-methods
#' @export
add1.newton_glm <- function(object, ...) {
  stats::add1(as_stats_glm(object, full_qr = TRUE, glm_control = TRUE), ...)
}

#' @rdname newton_glm-methods
#' @export
plot.newton_glm <- function(x, which = c(1L, 2L, 3L, 5L), ...) {
  if (is.character(which)) {
    if (!identical(which, "trace")) {
      stop_arg("which", "must be plot.lm panel numbers or \"trace\", not \"%s\"",
               paste(which, collapse = "\", \""))
    }
    return(plot_trace(x, ...))
  }
  if (!is.numeric(which) || !length(which) || anyNA(which) || any(!(which %in% 1:6))) {
    stop_arg("which", "must be plot.lm panel numbers (1 to 6) or \"trace\", not %s",
             describe(which))
  }
  args <- list(x, which = which, ...)
  if (!isTRUE(x$converged) && is.null(args$main)) {
    args$main <- sprintf("NOT converged (%s)", glm_algorithm_label(x))
  }
  do.call(utils::getS3method("plot", "lm"), args)
}

#' Plot the deviance by iteration of a GLM fit
#'
#' Shows how fast Newton/IRLS converges: the deviance at each iteration, and
#' (when `log = TRUE`, the default) its excess over the best known deviance
#' on a log scale, where Newton's quadratic convergence shows as a steepening
#' drop and gradient descent's linear convergence as a straight line.
#'
#' The best known deviance is the final one of a converged IRLS fit. For a
#' gradient-descent fit or one that did not converge, the model is refitted
#' by IRLS (cheap: a few iterations) when the fit holds its model (a
#' [newton_glm()] fit), and the excess is measured against that deviance;
#' otherwise against the last iterate, and the axis says so (a curve
#' measured against its own last value always dives at its end, converged or
#' not). The title says "NOT converged" when the fit did not converge.
#'
#' @param fit a fit from [newton_glm()] or [newton_glm_fit()] (anything with
#'   a `trace` data.frame holding `iter` and `deviance`).
#' @param log logical: plot the deviance minus the best known deviance on a
#'   log scale.
#' @param ... further arguments to [graphics::plot()].
#' @return The trace, invisibly.
#' @seealso \code{vignette("glm", package = "newtonr")}.
#' @examples
#' fit <- newton_glm(am ~ wt + hp, family = binomial, data = mtcars)
#' plot_trace(fit)
#' gd <- newton_glm(am ~ wt + hp, family = binomial, data = mtcars,
#'                  control = list(algorithm = "gd"))
#' plot_trace(gd)  # measured against the IRLS deviance; NOT converged
#' @export
plot_trace <- function(fit, log = TRUE, ...) {
  tr <- if (is.list(fit)) fit$trace
  if (!is.data.frame(tr) || !all(c("iter", "deviance") %in% names(tr))) {
    stop_arg("fit", "must have a 'trace' data.frame with columns iter and deviance")
  }
  check_flag(log, "log")
  n <- nrow(tr)
  type <- if (n > 50L) "l" else "b"
  lab <- sprintf("%s: %d iterations%s", glm_algorithm_label(fit), n,
                 if (isFALSE(fit$converged)) ", NOT converged" else "")
  if (log && n > 1L) {
    ref <- glm_trace_reference(fit, tr)
    ex <- tr$deviance - ref$value
    keep <- ex > 0
    if (any(keep)) {
      graphics::plot(tr$iter[keep], ex[keep], log = "y", type = type,
                     xlab = "iteration", ylab = ref$label, main = lab, ...)
      return(invisible(tr))
    }
  }
  graphics::plot(tr$iter, tr$deviance, type = type, xlab = "iteration",
                 ylab = "deviance", main = lab, ...)
  invisible(tr)
}

# What plot_trace() measures the deviance against: a converged IRLS fit's
# final deviance; else an IRLS refit's deviance when the fit holds its model;
# else the smallest deviance of the run ("relative to the last iterate").
glm_trace_reference <- function(fit, tr) {
  own <- list(value = min(tr$deviance),
              label = "deviance - final deviance (relative to the last iterate)")
  if (!identical(fit$algorithm, "gd") && isTRUE(fit$converged)) {
    return(list(value = min(tr$deviance), label = "deviance - final deviance"))
  }
  best <- glm_irls_deviance(fit)
  if (is.null(best) || !is.finite(best)) return(own)
  list(value = min(best, tr$deviance),
       label = "deviance - IRLS deviance (converged refit)")
}

# The deviance (penalised, as in the trace) of an IRLS refit of a
# newton_glm() fit, or NULL when the fit does not hold its model or the
# refit does not converge.
glm_irls_deviance <- function(fit) {
  if (!inherits(fit, "newton_glm") || is.null(fit$terms)) return(NULL)
  ctrl <- unclass(glm_settings(fit))
  ctrl$algorithm <- "irls"
  ctrl$maxit <- 100L
  ctrl$trace <- FALSE
  refit <- tryCatch(suppressWarnings(newton_glm_fit(
    stats::model.matrix(fit), fit$y, weights = fit$prior.weights, offset = fit$offset,
    family = fit$family, control = ctrl, intercept = "(Intercept)" %in% names(fit$coefficients))),
    error = function(e) NULL)
  if (is.null(refit) || !isTRUE(refit$converged) || !nrow(refit$trace)) return(NULL)
  utils::tail(refit$trace$deviance, 1L)
}
