# plot.R -- base-graphics plots of newtonr results (no plotting dependency).

#' Plot a root-finding run: the function and Newton's tangent steps
#'
#' Draws f over a range covering the iterates, and for each update the
#' tangent at \eqn{x_k} down to its zero \eqn{x_{k+1}} -- the picture of
#' Newton's method in the documents.
#'
#' @param x A `"newton_root"` result.
#' @param f The function (or one-sided formula) that was solved; needed to
#'   draw the curve, as the result does not keep it.
#' @param problem Which problem to draw when several starting values were used.
#' @param xlim Optional x range.
#' @param ... Passed to [graphics::plot()].
#' @return `x`, invisibly.
#' @examples
#' f <- function(x) 6*x^5 - 5*x^4 - 4*x^3 + 3*x^2
#' r <- newton_root(f, 0.9, fprime = function(x) 30*x^4 - 20*x^3 - 12*x^2 + 6*x)
#' plot(r, f)
#' @export
plot.newton_root <- function(x, f, problem = 1L, xlim = NULL, ...) {
  if (missing(f)) stop_arg("f", "is needed to draw the curve: plot(result, f)")
  fun <- if (inherits(f, "formula")) {
    raw <- formula_derivatives(f, arg = "f", hessian = FALSE)$raw
    function(x) vapply(x, function(xi) as.vector(raw(xi)), 0)
  } else {
    check_function(f, "f")
    function(x) vapply(x, function(xi) f(xi), 0)
  }
  tr <- x$trace[x$trace$problem == problem, , drop = FALSE]
  xs <- tr$x
  if (is.null(xlim)) {
    r <- range(xs, finite = TRUE)
    pad <- 0.15 * max(diff(r), 1e-3)
    xlim <- r + c(-pad, pad)
  }
  grid <- seq(xlim[1L], xlim[2L], length.out = 400L)
  graphics::plot(grid, fun(grid), type = "l", lwd = 2, xlab = "x", ylab = "f(x)",
                 main = sprintf("%s: %d update(s)", x$method, x$iter[problem]), ...)
  graphics::abline(h = 0, col = "grey50")
  n <- length(xs)
  if (n > 1L) {
    fx <- tr$f
    for (k in seq_len(n - 1L)) {
      # tangent (or secant) from (x_k, f(x_k)) to the next iterate on the axis
      graphics::segments(xs[k], fx[k], xs[k + 1L], 0, col = "firebrick", lty = 2)
      graphics::segments(xs[k + 1L], 0, xs[k + 1L], fx[k + 1L], col = "grey40", lty = 3)
    }
  }
  graphics::points(xs, tr$f, pch = 19, col = "firebrick", cex = 0.8)
  graphics::text(xs, tr$f, labels = paste0("x", tr$iter), pos = 3, cex = 0.7)
  invisible(x)
}
