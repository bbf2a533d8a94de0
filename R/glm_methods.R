# glm_methods.R -- S3 methods for "newton_glm" objects. Most glm methods
# (summary, vcov, predict, residuals, logLik, AIC, update, model.matrix) work
# unchanged because the object has glm's fields and its `qr` holds glm's R
# factor. The methods here cover what needs more:
#  * glm's full n x p QR of sqrt(W) X (influence, hat values, Cook's
#    distances, plot.lm): rebuilt on demand from model.matrix() and the final
#    working weights, so the object never stores an n x p matrix;
#  * refits (anova) go through newton_glm_fit(); profile refits (confint,
#    drop1, add1) go through glm.fit with the same tolerance, as glm does;
#  * the iteration trace (print, plot_trace(), plot(fit, which = "trace")).

# glm's QR of sqrt(w) X over the rows with positive working weight, with the
# columns taken in our pivot order so that the same columns are aliased.
glm_full_qr <- function(object) {
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
#' refit. `influence()`, `hatvalues()`, `dfbeta()` and `dfbetas()` rebuild the
#' n x p QR of `sqrt(W) X` from [stats::model.matrix()] and the final working
#' weights (the fit keeps only the p x p R); `rstandard()`, `rstudent()`,
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
    cat(sprintf("Newton (%s, %s): %d iteration%s, %s\n",
                x$algorithm %or% "irls", x$control$type %or% "fisher",
                nrow(tr), if (nrow(tr) == 1L) "" else "s",
                if (isTRUE(x$converged)) "converged" else "NOT converged"))
  }
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
  utils::getS3method("anova", "glm")(object, ..., dispersion = dispersion, test = test)
}

#' @rdname newton_glm-methods
#' @export
confint.newton_glm <- function(object, parm, level = 0.95, ...) {
  if (isTRUE(object$control$lambda > 0)) {
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
  utils::getS3method("plot", "lm")(x, which = which, ...)
}

#' Plot the deviance by iteration of a GLM fit
#'
#' Shows how fast Newton/IRLS converges: the deviance at each iteration, and
#' (when `log = TRUE`, the default) its excess over the final deviance on a
#' log scale, where Newton's quadratic convergence shows as a steepening drop
#' and gradient descent's linear convergence as a straight line.
#'
#' @param fit a fit from [newton_glm()] or [newton_glm_fit()] (anything with
#'   a `trace` data.frame holding `iter` and `deviance`).
#' @param log logical: plot `deviance - min(deviance)` on a log scale.
#' @param ... further arguments to [graphics::plot()].
#' @return The trace, invisibly.
#' @examples
#' fit <- newton_glm(am ~ wt + hp, family = binomial, data = mtcars)
#' plot_trace(fit)
#' @export
plot_trace <- function(fit, log = TRUE, ...) {
  tr <- if (is.list(fit)) fit$trace
  if (!is.data.frame(tr) || !all(c("iter", "deviance") %in% names(tr))) {
    stop_arg("fit", "must have a 'trace' data.frame with columns iter and deviance")
  }
  check_flag(log, "log")
  n <- nrow(tr)
  type <- if (n > 50L) "l" else "b"
  lab <- sprintf("%s: %d iterations", fit$algorithm %or% "irls", n)
  if (log && n > 1L) {
    ex <- tr$deviance - min(tr$deviance)
    keep <- ex > 0
    if (any(keep)) {
      graphics::plot(tr$iter[keep], ex[keep], log = "y", type = type,
                     xlab = "iteration", ylab = "deviance - final deviance",
                     main = lab, ...)
      return(invisible(tr))
    }
  }
  graphics::plot(tr$iter, tr$deviance, type = type, xlab = "iteration",
                 ylab = "deviance", main = lab, ...)
  invisible(tr)
}
