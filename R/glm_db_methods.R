# glm_db_methods.R -- methods for "newton_glm_db" fits (newton_glm() on a
# database table or on chunks, glm_db.R): those of glm that need no per-row
# data (print, summary, coef, vcov, logLik/AIC/BIC, nobs, anova between
# nested fits, predict on new data, family, formula); residuals() and
# fitted() say why not (the rows stay in the database).

# glm's unscaled covariance from the last solve's R factor (pivoted).
glm_db_cov_unscaled <- function(object) {
  r <- object$rank
  piv <- object$pivot[seq_len(r)]
  cu <- chol2inv(object$R[seq_len(r), seq_len(r), drop = FALSE])
  nm <- names(object$coefficients)[piv]
  dimnames(cu) <- list(nm, nm)
  cu
}

glm_db_dispersion <- function(object) {
  if (object$family$family %in% c("poisson", "binomial")) return(1)
  if (object$df.residual > 0) object$pearson / object$df.residual else NaN
}

#' @importFrom stats vcov logLik nobs family formula deviance residuals fitted predict
#' @export
print.newton_glm_db <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("\nCall:  ", paste(deparse(x$call), sep = "\n", collapse = "\n"), "\n\n", sep = "")
  cat("Coefficients:\n")
  print.default(format(x$coefficients, digits = digits), print.gap = 2, quote = FALSE)
  cat(sprintf("\nFitted in the database (%s rows; %s with a missing value left out)\n",
              format(x$n_rows), format(x$n_na)))
  cat("Degrees of Freedom:", x$df.null, "Total (i.e. Null); ", x$df.residual, "Residual\n")
  cat("Null Deviance:\t   ", format(signif(x$null.deviance, digits)),
      "\nResidual Deviance:", format(signif(x$deviance, digits)), "\tAIC:",
      format(signif(x$aic, digits)), "\n")
  if (!isTRUE(x$converged)) cat("NOTE: the fit did NOT converge (", x$iter, " iterations)\n", sep = "")
  invisible(x)
}

#' @export
summary.newton_glm_db <- function(object, dispersion = NULL, ...) {
  disp <- if (is.null(dispersion)) glm_db_dispersion(object) else dispersion
  est_disp <- is.null(dispersion) && !object$family$family %in% c("poisson", "binomial")
  cu <- glm_db_cov_unscaled(object)
  cf <- object$coefficients[colnames(cu)]
  se <- sqrt(diag(cu) * disp)
  tv <- cf / se
  tab <- if (est_disp) cbind(cf, se, tv, 2 * stats::pt(-abs(tv), object$df.residual)) else
    cbind(cf, se, tv, 2 * stats::pnorm(-abs(tv)))
  dimnames(tab) <- list(names(cf), c("Estimate", "Std. Error", if (est_disp) c("t value", "Pr(>|t|)") else
    c("z value", "Pr(>|z|)")))
  out <- list(call = object$call, family = object$family, coefficients = tab,
              aliased = is.na(object$coefficients), dispersion = disp,
              df = c(object$rank, object$df.residual, length(object$coefficients)),
              deviance = object$deviance, null.deviance = object$null.deviance,
              df.residual = object$df.residual, df.null = object$df.null, aic = object$aic,
              iter = object$iter, converged = object$converged, cov.unscaled = cu,
              cov.scaled = cu * disp)
  class(out) <- "summary.newton_glm_db"
  out
}

#' @export
print.summary.newton_glm_db <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("\nCall:\n", paste(deparse(x$call), sep = "\n", collapse = "\n"), "\n\n", sep = "")
  if (!isTRUE(x$converged)) cat("NOTE: the fit did NOT converge: the estimates below are not the maximum-likelihood fit.\n\n")
  cat("Coefficients:", if (any(x$aliased)) sprintf(" (%d not defined because of singularities)", sum(x$aliased)), "\n")
  stats::printCoefmat(x$coefficients, digits = digits, ...)
  cat("\n(Dispersion parameter for ", x$family$family, " family taken to be ",
      format(x$dispersion), ")\n\n", sep = "")
  cat(sprintf("    Null deviance: %s  on %d  degrees of freedom\n", format(signif(x$null.deviance, digits + 2)), x$df.null))
  cat(sprintf("Residual deviance: %s  on %d  degrees of freedom\n", format(signif(x$deviance, digits + 2)), x$df.residual))
  cat("AIC: ", format(x$aic, digits = max(4L, digits + 1L)), "\n\n",
      "Number of Fisher Scoring iterations: ", x$iter, "\n\n", sep = "")
  invisible(x)
}

#' @export
vcov.newton_glm_db <- function(object, complete = TRUE, ...) {
  s <- summary.newton_glm_db(object)
  v <- s$cov.scaled
  if (!complete) return(v)
  nm <- names(object$coefficients)
  out <- matrix(NA_real_, length(nm), length(nm), dimnames = list(nm, nm))
  out[rownames(v), colnames(v)] <- v
  out
}

#' @export
logLik.newton_glm_db <- function(object, ...) {
  p <- object$rank
  if (object$family$family %in% c("gaussian", "Gamma", "inverse.gaussian")) p <- p + 1
  structure(p - object$aic / 2, nobs = object$nobs, df = p, class = "logLik")
}

#' @export
nobs.newton_glm_db <- function(object, ...) object$nobs

#' @export
family.newton_glm_db <- function(object, ...) object$family

#' @export
formula.newton_glm_db <- function(x, ...) x$formula

#' @export
deviance.newton_glm_db <- function(object, ...) object$deviance

#' @export
residuals.newton_glm_db <- function(object, ...) glm_db_no_rows("residuals")

#' @export
fitted.newton_glm_db <- function(object, ...) glm_db_no_rows("fitted values")

glm_db_no_rows <- function(what) {
  stop(sprintf(paste0("%s are per-row results: this fit's rows stayed in the database (or chunks) ",
                      "and were never held in R. Use predict(fit, newdata = <data.frame>) on the ",
                      "rows you need, e.g. newdata = dplyr::collect(head(tbl, 1000))"), what), call. = FALSE)
}

#' @export
anova.newton_glm_db <- function(object, ..., dispersion = NULL, test = NULL) {
  fits <- c(list(object), list(...))
  if (length(fits) < 2L) {
    stop("anova() of one database fit would refit each sub-model: fit the nested models and call anova(fit0, fit1)",
         call. = FALSE)
  }
  if (!all(vapply(fits, inherits, TRUE, "newton_glm_db"))) stop("anova(): all fits must come from newton_glm() on a table or chunks", call. = FALSE)
  utils::getS3method("anova", "glmlist")(structure(fits, class = "glmlist"), dispersion = dispersion, test = test)
}

#' @export
predict.newton_glm_db <- function(object, newdata, type = c("link", "response"), se.fit = FALSE, ...) {
  type <- match.arg(type)
  if (missing(newdata) || is.null(newdata)) glm_db_no_rows("predictions without 'newdata'")
  tt <- stats::delete.response(object$terms)
  mf <- stats::model.frame(tt, newdata, xlev = object$xlevels, na.action = stats::na.pass)
  X <- stats::model.matrix(tt, mf, contrasts.arg = object$contrasts)
  b <- object$coefficients
  b[is.na(b)] <- 0
  off <- stats::model.offset(mf) %or% 0
  # the offset argument too, as predict.lm evaluates it in newdata
  if (!is.null(object$call$offset)) off <- off + eval(object$call$offset, newdata, environment(object$terms))
  eta <- drop(X %*% b) + off
  fit <- if (type == "link") eta else object$family$linkinv(eta)
  if (!se.fit) return(fit)
  V <- vcov.newton_glm_db(object)
  V[is.na(V)] <- 0
  se <- sqrt(rowSums((X %*% V) * X))
  if (type == "response") se <- se * abs(object$family$mu.eta(eta))
  list(fit = fit, se.fit = se, residual.scale = sqrt(glm_db_dispersion(object)))
}
