# derivatives.R -- numerical gradient, Jacobian and Hessian by Richardson
# extrapolation (numDeriv's method, C++ loop in newtonr/numderiv.hpp), and
# check_derivatives() for testing user-supplied derivatives against them.

# Default Richardson settings. The gradient/Jacobian use numDeriv::grad's
# defaults, the Hessian numDeriv::hessian's (genD, larger base step d = 0.1).
richardson_defaults <- function(hessian = FALSE) {
  list(d = if (hessian) 0.1 else 1e-4, eps = 1e-4,
       zero_tol = sqrt(.Machine$double.eps / 7e-7), r = 4L, v = 2)
}

# Ranges of the settings: a base step d (relative) or eps (absolute) above 1
# measures nothing local, and the smallest step, d / v^(r - 1) (or eps /
# v^(r - 1)), must stay well above rounding: below 1e-12 (1e-6 for the second
# differences of the Hessian) x + h rounds towards x and the differences
# become 0 or NaN -- a silently wrong derivative (issue 12: v = 1e300,
# d = 1e-300).
check_richardson <- function(method.args, hessian) {
  if (!is.null(method.args) && !is.list(method.args)) {
    stop_arg("method.args", "must be a named list such as list(d = 1e-4), not %s",
             describe(method.args))
  }
  opt <- merge_control(method.args, richardson_defaults(hessian), "method.args")
  check_number(opt$d, "method.args$d", lower = 0, open_lower = TRUE, upper = 1)
  check_number(opt$eps, "method.args$eps", lower = 0, open_lower = TRUE, upper = 1)
  check_number(opt$zero_tol, "method.args$zero_tol", lower = 0, upper = .Machine$double.xmax)
  check_number(opt$r, "method.args$r", lower = 1, upper = 20, integer = TRUE)
  check_number(opt$v, "method.args$v", lower = 1, open_lower = TRUE, upper = 1e3)
  floor <- if (hessian) 1e-6 else 1e-12
  shrink <- opt$v^(opt$r - 1)
  for (s in c("d", "eps")) {
    if (opt[[s]] / shrink < floor) {
      stop(sprintf(paste0("'method.args': the smallest step %s / v^(r - 1) = %s is below %s, ",
                          "where differences are lost to rounding; use a larger '%s' or ",
                          "a smaller 'v' or 'r'"),
                   s, format(opt[[s]] / shrink, digits = 3), format(floor), s), call. = FALSE)
    }
  }
  opt$r <- as.integer(opt$r)
  opt
}

# Validate fn and x, evaluate fn once at x (so that bad return values get a
# message that describes them), and build the closure the C++ loop calls.
# `scalar = TRUE` requires a single number.
prepare_fn <- function(fn, x, dots, scalar = TRUE) {
  check_function(fn, "fn")
  check_numeric(x, "x")
  nms <- names(x)
  x <- as.double(x)
  f <- if (is.null(nms)) {
    function(z) do.call(fn, c(list(z), dots))
  } else {
    function(z) {
      names(z) <- nms
      do.call(fn, c(list(z), dots))
    }
  }
  if (!length(dots)) {
    f <- if (is.null(nms)) function(z) fn(z) else function(z) { names(z) <- nms; fn(z) }
  }
  f0 <- call_fn(f, x)
  if (!is.numeric(f0) || is.object(f0) && !is.numeric(unclass(f0))) {
    stop_arg("fn", "must return %s, not %s",
             if (scalar) "a single number" else "a numeric vector", describe(f0))
  }
  if (scalar && length(f0) != 1L) {
    stop_arg("fn", "must return a single number, not %s", describe(f0))
  }
  if (!length(f0)) stop_arg("fn", "returned a vector of length 0")
  if (anyNA(f0)) stop_arg("fn", "returned NA or NaN at 'x'")
  if (any(!is.finite(f0))) stop_arg("fn", "returned an infinite value at 'x'")
  list(f = f, x = x, f0 = as.double(f0), names = nms)
}

# Evaluate fn(x), turning an error inside fn into one naming 'fn' that keeps
# fn's own message.
call_fn <- function(f, x) {
  tryCatch(f(x), error = function(e) {
    stop_arg("fn", "failed with error: %s", conditionMessage(e))
  })
}

# Run a C++ entry point that calls back into fn. Errors raised by the core or
# the glue already name the argument; other errors come from fn itself.
with_fn_errors <- function(expr) {
  tryCatch(expr, error = function(e) {
    if (inherits(e, "C++Error")) stop(conditionMessage(e), call. = FALSE)
    stop_arg("fn", "failed with error: %s", conditionMessage(e))
  })
}

#' Numerical derivatives by Richardson extrapolation
#'
#' `num_gradient()` and `num_jacobian()` use central differences at four step
#' sizes \eqn{h, h/2, h/4, h/8}{h, h/2, h/4, h/8} and Richardson extrapolation, exactly as
#' `numDeriv::grad(method = "Richardson")` and `numDeriv::jacobian()`.
#' `num_hessian()` uses the second-order scheme of `numDeriv::genD()` /
#' `numDeriv::hessian()`. The loops run in C++; `fn` is called from there.
#' The gradient needs \eqn{2rn}{2rn} evaluations of `fn` and the Hessian
#' \eqn{1 + rn(n+1)}{1 + rn(n+1)}, with \eqn{r = 4}{r = 4} by default.
#'
#' The base step for component \eqn{i}{i} is \eqn{|d x_i|}{|d x_i|}, or \eqn{eps}{eps} when
#' \eqn{|x_i|}{|x_i|} is below `zero_tol`. Typical accuracy is 10 significant digits
#' for the gradient and 7--9 for the Hessian on smooth functions.
#'
#' @param fn The function: `fn(x, ...)` returns a single number (for
#'   `num_jacobian()`, a numeric vector of fixed length).
#' @param x Numeric vector, the point. Names are kept and passed to `fn`.
#' @param ... Further arguments passed to `fn`.
#' @param method.args Named list to override the Richardson settings: `d`
#'   (relative step; 1e-4, or 0.1 for the Hessian), `eps` (absolute step
#'   near zero, 1e-4), `zero_tol` (`sqrt(.Machine$double.eps / 7e-7)`),
#'   `r` (number of step sizes, 4) and `v` (step reduction factor, 2). The
#'   names follow numDeriv's.
#' @return `num_gradient()`: a numeric vector of length `length(x)`.
#'   `num_jacobian()`: a `length(fn(x))` by `length(x)` matrix.
#'   `num_hessian()`: a symmetric `length(x)` by `length(x)` matrix. Names of
#'   `x` become names or dimnames.
#' @references Linfield, G. R. and Penny, J. E. T. (1989) *Microcomputers in
#'   Numerical Analysis*. Gilbert, P. and Varadhan, R. numDeriv: Accurate
#'   Numerical Derivatives (R package).
#' @seealso [check_derivatives()]
#' @examples
#' rosen <- function(p) (1 - p[1])^2 + 100 * (p[2] - p[1]^2)^2
#' num_gradient(rosen, c(-1.2, 1))
#' num_hessian(rosen, c(1, 1))    # exact: [[802, -400], [-400, 200]]
#' num_jacobian(function(p) c(sum(p^2), prod(p)), c(1, 2, 3))
#' @export
num_gradient <- function(fn, x, ..., method.args = list()) {
  opt <- check_richardson(method.args, hessian = FALSE)
  p <- prepare_fn(fn, x, list(...), scalar = TRUE)
  g <- with_fn_errors(num_jacobian_cpp(p$f, p$x, opt, 1L))
  g <- as.vector(g)
  names(g) <- p$names
  g
}

#' @rdname num_gradient
#' @export
num_jacobian <- function(fn, x, ..., method.args = list()) {
  opt <- check_richardson(method.args, hessian = FALSE)
  p <- prepare_fn(fn, x, list(...), scalar = FALSE)
  if (as.double(length(p$f0)) * length(p$x) > 1e6) check_dense_size(length(p$f0), length(p$x), "Jacobian", "x")
  J <- with_fn_errors(num_jacobian_cpp(p$f, p$x, opt, length(p$f0)))
  if (!is.null(p$names)) dimnames(J) <- list(NULL, p$names)
  J
}

#' @rdname num_gradient
#' @export
num_hessian <- function(fn, x, ..., method.args = list()) {
  opt <- check_richardson(method.args, hessian = TRUE)
  p <- prepare_fn(fn, x, list(...), scalar = TRUE)
  if (length(p$x) > 1000L) check_dense_size(length(p$x), length(p$x), "Hessian", "x")
  H <- with_fn_errors(num_hessian_cpp(p$f, p$x, opt, p$f0))
  if (!is.null(p$names)) dimnames(H) <- list(p$names, p$names)
  H
}

# Worst relative error of `user` against the numerical `num`; entries whose
# numerical value is below 1 in size are compared absolutely.
worst_mismatch <- function(user, num) {
  err <- abs(user - num) / pmax(abs(num), 1)
  err[is.na(err)] <- Inf
  list(error = max(err), where = which.max(err), errors = err)
}

#' Check user-supplied derivatives against numerical ones
#'
#' Compares `gr(x, ...)` with [num_gradient()] and `hess(x, ...)` with
#' [num_hessian()], and reports the worst mismatch. The error of each entry is
#' \eqn{|u - n| / \max(|n|, 1)}{|u - n| / max(|n|, 1)} for a user value \eqn{u}{u} and a numerical
#' value \eqn{n}{n}: relative for entries larger than 1, absolute otherwise.
#'
#' @inheritParams num_gradient
#' @param gr,hess The user's gradient and Hessian functions (each optional;
#'   `NULL` skips the check).
#' @param tol Largest acceptable error for `ok`. The default, 1e-5, is well
#'   above the numerical derivatives' own error on smooth problems.
#' @param method.args Richardson settings for the numerical derivatives, as
#'   in [num_gradient()] (checked: settings whose steps are lost to rounding
#'   are an error, not a mismatch blamed on `gr` or `hess`).
#' @return An object of class `"newtonr_derivcheck"`: a list with
#'   `gradient_error` and `hessian_error` (worst error, `NA` when not
#'   checked), `worst` (the larger of the two), `where` (a list: `gradient`
#'   index and `hessian` row/column of the worst entry), `ok` (`worst <= tol`),
#'   `tol`, and the compared values `gradient`, `num_gradient`, `hessian`,
#'   `num_hessian`. It has a `print` method.
#' @examples
#' fn <- function(p) sum(exp(p)) + p[1] * p[2]
#' gr <- function(p) exp(p) + c(p[2], p[1])
#' bad_gr <- function(p) exp(p)
#' check_derivatives(fn, gr, x = c(0.5, -1))
#' check_derivatives(fn, bad_gr, x = c(0.5, -1))
#' @export
check_derivatives <- function(fn, gr = NULL, hess = NULL, x, ..., tol = 1e-5,
                              method.args = list()) {
  check_function(fn, "fn")
  if (!is.null(gr)) check_function(gr, "gr")
  if (!is.null(hess)) check_function(hess, "hess")
  check_numeric(x, "x")
  if (length(dim(x)) > 1L && sum(dim(x) > 1L) > 1L) {
    stop_arg("x", "must be a vector (the point), not a %s array", paste(dim(x), collapse = " x "))
  }
  check_number(tol, "tol", lower = 0, upper = .Machine$double.xmax)
  if (!is.null(gr)) check_richardson(method.args, hessian = FALSE)
  if (!is.null(hess)) check_richardson(method.args, hessian = TRUE)
  n <- length(x)
  dots <- list(...)
  call_user <- function(f, arg) {
    tryCatch(do.call(f, c(list(x), dots)), error = function(e) {
      stop_arg(arg, "failed with error: %s", conditionMessage(e))
    })
  }
  out <- list(gradient_error = NA_real_, hessian_error = NA_real_, worst = NA_real_,
              where = list(gradient = NA_integer_, hessian = c(NA_integer_, NA_integer_)),
              ok = NA, tol = tol, gradient = NULL, num_gradient = NULL,
              hessian = NULL, num_hessian = NULL)
  if (!is.null(gr)) {
    g <- call_user(gr, "gr")
    if (!is.numeric(g) || length(g) != n) {
      stop_arg("gr", "must return a numeric vector of length %d, not %s", n, describe(g))
    }
    g <- as.vector(g)
    ng <- num_gradient(fn, x, ..., method.args = method.args)
    m <- worst_mismatch(g, unname(ng))
    out$gradient_error <- m$error
    out$where$gradient <- m$where
    out$gradient <- g
    out$num_gradient <- ng
  }
  if (!is.null(hess)) {
    H <- call_user(hess, "hess")
    if (!is.numeric(H) || length(H) != n * n) {
      stop_arg("hess", "must return a numeric %d x %d matrix, not %s", n, n, describe(H))
    }
    H <- matrix(as.vector(H), n, n)
    nH <- num_hessian(fn, x, ..., method.args = method.args)
    m <- worst_mismatch(H, unname(nH))
    out$hessian_error <- m$error
    out$where$hessian <- as.vector(arrayInd(m$where, c(n, n)))
    out$hessian <- H
    out$num_hessian <- nH
  }
  errs <- c(out$gradient_error, out$hessian_error)
  if (all(is.na(errs))) {
    if (is.null(gr) && is.null(hess)) stop_arg("gr", "or 'hess' must be given")
  }
  out$worst <- max(errs, na.rm = TRUE)
  out$ok <- out$worst <= tol
  structure(out, class = "newtonr_derivcheck")
}

#' @export
print.newtonr_derivcheck <- function(x, digits = 3, ...) {
  cat("Derivative check (tolerance ", format(x$tol, digits = digits), ")\n", sep = "")
  if (!is.na(x$gradient_error)) {
    cat("  gradient: worst error ", format(x$gradient_error, digits = digits),
        " at [", x$where$gradient, "]\n", sep = "")
  }
  if (!is.na(x$hessian_error)) {
    cat("  Hessian:  worst error ", format(x$hessian_error, digits = digits),
        " at [", paste(x$where$hessian, collapse = ", "), "]\n", sep = "")
  }
  cat(if (isTRUE(x$ok)) "  OK: derivatives agree\n" else
    "  MISMATCH: derivatives disagree with numerical ones\n")
  invisible(x)
}
