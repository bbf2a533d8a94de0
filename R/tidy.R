# tidy.R -- results as data: as.data.frame() for newton_optim, newton_root
# and newton_solve results (one row per parameter, root or component), and
# tidy()/glance() methods for the generics package (broom's convention:
# tidy() one row per estimate, glance() one row per fit).  The generics
# methods are registered lazily (S3method(generics::tidy, ...) in NAMESPACE),
# so generics stays a suggestion, not a dependency.

#' Results as data frames: as.data.frame(), tidy() and glance()
#'
#' `as.data.frame()` (and `tidy()`, the same table, for the generics/broom
#' convention) gives one row per estimate: for [newton_optim()] one per
#' parameter (`term`, `estimate`, `gradient`, and `std.error` =
#' `sqrt(diag(H^-1))` when the result has a Hessian); for [newton_root()]
#' one per root (`root`, `f.root`, `iter`, `converged`, `estim.prec`); for
#' [newton_solve()] one per component of `x` (`term`, `estimate`, `f`, the
#' residual of that equation). `glance()` gives one row per fit: value,
#' iterations, convergence, counts. `tidy()` and `glance()` are methods of
#' the generics package's generics (used by broom), registered when that
#' package is loaded.
#'
#' @param x A `"newton_optim"`, `"newton_root"` or `"newton_solve"`
#'   result.
#' @param row.names,optional Ignored (kept for the generic).
#' @param ... Ignored.
#' @return A data frame.
#' @examples
#' fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
#' r <- newton_optim(c(a = -1.2, b = 1), fr, hessian = TRUE)
#' as.data.frame(r)
#' as.data.frame(newton_root(function(x) x^2 - 2, c(-1, 1)))
#' if (requireNamespace("generics", quietly = TRUE)) generics::glance(r)
#' @name newtonr_tidy
NULL

# Parameter names, or x1, x2, ... when the vector has none.
tidy_terms <- function(v) if (is.null(names(v))) paste0("x", seq_along(v)) else names(v)

#' @rdname newtonr_tidy
#' @export
as.data.frame.newton_optim <- function(x, row.names = NULL, optional = FALSE, ...) {
  out <- data.frame(term = tidy_terms(x$par), estimate = unname(x$par),
                    gradient = unname(x$gradient), stringsAsFactors = FALSE)
  h <- x$hessian
  if (!is.null(h) && all(is.finite(h))) {
    v <- tryCatch(diag(solve(h)), error = function(e) rep(NA_real_, nrow(out)))
    out$std.error <- sqrt(ifelse(v >= 0, v, NA_real_))
  }
  if (any(is.finite(c(x$lower, x$upper)))) out$active <- unname(x$active)
  out
}

#' @rdname newtonr_tidy
#' @export
as.data.frame.newton_root <- function(x, row.names = NULL, optional = FALSE, ...) {
  data.frame(root = x$root, f.root = x$f.root, iter = x$iter, converged = x$converged,
             estim.prec = x$estim.prec)
}

#' @rdname newtonr_tidy
#' @export
as.data.frame.newton_solve <- function(x, row.names = NULL, optional = FALSE, ...) {
  data.frame(term = tidy_terms(x$x), estimate = unname(x$x), f = unname(x$fvec),
             stringsAsFactors = FALSE)
}

#' @rdname newtonr_tidy
#' @exportS3Method generics::tidy
tidy.newton_optim <- function(x, ...) as.data.frame.newton_optim(x)

#' @rdname newtonr_tidy
#' @exportS3Method generics::tidy
tidy.newton_root <- function(x, ...) as.data.frame.newton_root(x)

#' @rdname newtonr_tidy
#' @exportS3Method generics::tidy
tidy.newton_solve <- function(x, ...) as.data.frame.newton_solve(x)

#' @rdname newtonr_tidy
#' @exportS3Method generics::glance
glance.newton_optim <- function(x, ...) {
  data.frame(value = x$value, iterations = x$iterations, convergence = x$convergence,
             converged = x$convergence == 0L, method = x$method,
             fn_calls = unname(x$counts[1L]), gr_calls = unname(x$counts[2L]),
             hess_calls = unname(x$counts[3L]), stationary = x$stationary,
             stringsAsFactors = FALSE)
}

#' @rdname newtonr_tidy
#' @exportS3Method generics::glance
glance.newton_root <- function(x, ...) {
  data.frame(roots = length(x$root), converged = sum(x$converged), iterations = sum(x$iter),
             method = x$method, fn_calls = sum(x$evals), stringsAsFactors = FALSE)
}

#' @rdname newtonr_tidy
#' @exportS3Method generics::glance
glance.newton_solve <- function(x, ...) {
  data.frame(fnorm = sqrt(sum(x$fvec^2)), iterations = x$iter, converged = x$converged,
             termcode = x$termcode, fn_calls = unname(x$counts[1L]),
             jac_calls = unname(x$counts[2L]))
}
