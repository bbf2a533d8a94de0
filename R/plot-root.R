# plot-root.R -- base-graphics plots of newton_root() and newton_solve()
# results: the curve with the iterates, the convergence of a system.

#' Plot a root-finding run: the function and the steps
#'
#' Draws f over a range covering the iterates, and each step as what it
#' was: for Newton's (Halley's) method the tangent at \eqn{x_k}{x_k} down to its
#' zero \eqn{x_{k+1}}{x[k+1]}, for the secant method the secant line; in a
#' bracketed run, a bisection as a halving of the bracket (a mark on the
#' axis, no line), an interpolation or derivative step as a point reached
#' from the best point so far. Points of the jump/pole check are crosses.
#' A run that did not converge says "NOT converged" in the title and shows
#' every finite iterate, however far it went (the last one is labelled with
#' its value). Labels are left off points too close to one already
#' labelled.
#'
#' @param x A `"newton_root"` result.
#' @param f The function (or one-sided formula) solved; by default the one
#'   kept in the result (`x$f`).
#' @param problem Which problem to draw when several starting values were used.
#' @param xlim Optional x range.
#' @param ... Passed to [graphics::plot()].
#' @return `x`, invisibly.
#' @examples
#' plot(newton_root(~ x^2 - 4*x - 7, 5))
#' plot(newton_root(function(x) cos(x) - x, interval = c(-2, 3)))
#' @export
plot.newton_root <- function(x, f = NULL, problem = 1L, xlim = NULL, ...) {
  check_number(problem, "problem", lower = 1, upper = max(1, length(x$iter)), integer = TRUE)
  check_plot_lim(xlim, "xlim")
  fun <- root_plot_curve(x, f)
  tr <- x$trace[x$trace$problem == problem, , drop = FALSE]
  if (is.null(tr$kind)) tr$kind <- ifelse(tr$iter == 0L, "start", x$method)
  ok <- is.finite(tr$x) & is.finite(tr$f)
  if (is.null(xlim)) {
    r <- range(tr$x[ok])
    xlim <- r + c(-0.15, 0.15) * max(diff(r), 1e-3 * max(1, abs(r)))
  }
  grid <- seq(xlim[1L], xlim[2L], length.out = 400L)
  fg <- fun(grid)
  if (!any(is.finite(fg))) stop_arg("f", "is not finite anywhere on the plotting range")
  conv <- x$converged[problem]
  title <- root_plot_title(x, problem)
  yl <- range(c(fg, tr$f[ok & tr$x >= xlim[1L] & tr$x <= xlim[2L]]), finite = TRUE)
  if ("ylim" %in% names(list(...))) {
    graphics::plot(grid, fg, type = "l", lwd = 2, xlab = "x", ylab = "f(x)", main = title, ...)
  } else {
    graphics::plot(grid, fg, type = "l", lwd = 2, xlab = "x", ylab = "f(x)", main = title, ylim = yl, ...)
  }
  graphics::abline(h = 0, col = "grey50")
  root_plot_steps(tr[ok, , drop = FALSE])
  root_plot_labels(tr[ok, , drop = FALSE], xlim, conv)
  invisible(x)
}

# The title: the method (bracketed or not), the updates, NOT converged.
root_plot_title <- function(x, problem) {
  how <- if (is.null(x$interval)) x$method else sprintf("bracketed (%s)", x$method)
  sprintf("%s: %d update(s)%s", how, x$iter[problem],
          if (isTRUE(x$converged[problem])) "" else " -- NOT converged")
}

# The function to draw: `f` if given (a function or a formula), else the
# one kept in the result.
root_plot_curve <- function(x, f) {
  if (is.null(f)) {
    if (!is.function(x$f)) stop_arg("f", "is needed to draw the curve: this result keeps no f")
    return(x$f)
  }
  if (inherits(f, "formula")) {
    raw <- formula_derivatives(f, arg = "f", hessian = FALSE)$raw
    return(function(x) vapply(x, function(xi) as.vector(raw(xi)), 0))
  }
  check_function(f, "f")
  function(x) vapply(x, function(xi) plot_value(f(xi), "f"), 0)
}

# Each step drawn as what it was (the trace's `kind`): tangent or secant
# (open updates: from the last iterate to the new one on the axis), a
# point reached from the best point (interpolation, derivative step), a
# halving mark on the axis (bisection), a cross (a check of a jump/pole).
root_plot_steps <- function(tr) {
  n <- nrow(tr)
  best <- 1L
  for (k in seq_len(n)[-1L]) {
    kind <- tr$kind[k]
    if (kind %in% c("newton", "halley", "secant")) {
      graphics::segments(tr$x[k - 1L], tr$f[k - 1L], tr$x[k], 0, col = "firebrick", lty = 2)
    } else if (kind %in% c("interpolation", "derivative")) {
      graphics::segments(tr$x[best], tr$f[best], tr$x[k], 0, col = "steelblue", lty = 2)
    } else if (kind == "bisection") {
      graphics::points(tr$x[k], 0, pch = "|", col = "darkorange", cex = 1.5)
    }
    if (kind != "start") graphics::segments(tr$x[k], 0, tr$x[k], tr$f[k], col = "grey40", lty = 3)
    if (kind != "check" && abs(tr$f[k]) <= abs(tr$f[best])) best <- k
  }
  pch <- ifelse(tr$kind == "check", 4, ifelse(tr$kind == "bisection", 15, 19))
  graphics::points(tr$x, tr$f, pch = pch, col = "firebrick", cex = 0.8)
  kinds <- unique(tr$kind[tr$kind != "start"])
  what <- c(newton = "tangent (red dashed)", halley = "Halley step (red dashed)",
            secant = "secant (red dashed)", interpolation = "interpolation (blue dashed)",
            derivative = "derivative step (blue dashed)", bisection = "bisection (orange |)",
            check = "jump/pole check (x)")
  if (length(kinds)) graphics::mtext(paste("steps:", paste(what[kinds], collapse = ", ")),
                                     side = 3, line = 0.2, cex = 0.7)
}

# Labels x0, x1, ... but none within 3% of the x range of one already
# placed (they would pile up near the root); the last point of a run that
# did not converge is labelled with its value (where it went). Returns the
# rows labelled x0, x1, ..., invisibly.
root_plot_labels <- function(tr, xlim, converged) {
  gap <- 0.03 * diff(xlim)
  placed <- numeric(0)
  idx <- integer(0)
  last <- if (!isTRUE(converged)) nrow(tr) else 0L
  for (k in seq_len(nrow(tr))) {
    if (k == last || any(abs(tr$x[k] - placed) < gap)) next
    graphics::text(tr$x[k], tr$f[k], labels = paste0("x", tr$iter[k]), pos = 3, cex = 0.7)
    placed <- c(placed, tr$x[k])
    idx <- c(idx, k)
  }
  if (!isTRUE(converged) && nrow(tr)) {
    k <- nrow(tr)
    graphics::text(tr$x[k], tr$f[k], labels = sprintf("x%d = %.4g (last)", tr$iter[k], tr$x[k]),
                   pos = if (tr$f[k] < 0) 3 else 1, cex = 0.8, col = "firebrick", xpd = TRUE)
  }
  invisible(idx)
}

#' Plot a newton_solve run: convergence, or the path of the iterates
#'
#' `which = "convergence"` (default) draws \eqn{\log_{10} \max_i |F_i|}{log10 max |F_i|}
#' against the iteration, marking iterations with a Levenberg-Marquardt
#' step; `which = "path"` draws the path of the iterates in the plane of
#' two components of x (`vars`). A run that did not converge says "NOT
#' converged" in the title.
#'
#' @param x A `"newton_solve"` result.
#' @param which `"convergence"` or `"path"`.
#' @param vars For `"path"`: the two components of x to draw (numbers or
#'   names; default the first two).
#' @param ... Passed to [graphics::plot()].
#' @return `x`, invisibly.
#' @examples
#' s <- newton_solve(function(x) c(x[1]^2 + x[2]^2 - 4, x[1] - x[2]), c(3, 0.5))
#' plot(s)
#' plot(s, "path")
#' @export
plot.newton_solve <- function(x, which = c("convergence", "path"), vars = c(1L, 2L), ...) {
  which <- match_arg1(which, c("convergence", "path"), "which")
  tr <- x$trace
  title <- sprintf("newton_solve: %d iteration(s)%s", x$iter, if (x$converged) "" else " -- NOT converged")
  if (which == "convergence") {
    y <- log10(pmax(tr$fnorm, 1e-300))
    graphics::plot(tr$iter, y, type = "o", pch = ifelse(tr$mu > 0, 17, 19), col = "firebrick",
                   xlab = "iteration", ylab = "log10 max |F_i(x)|", main = title, ...)
    if (any(tr$mu > 0)) {
      graphics::legend("topright", legend = c("Newton step", "Levenberg-Marquardt step"),
                       pch = c(19, 17), col = "firebrick", bty = "n", cex = 0.8)
    }
    return(invisible(x))
  }
  xs <- names(tr)[-(1:5)]
  if (length(xs) < 2L) stop_arg("which", "= \"path\" needs at least two unknowns, not %d", length(xs))
  if (length(vars) != 2L || anyNA(vars) || !(all(vars %in% xs) || all(vars %in% seq_along(xs)))) {
    stop_arg("vars", "must name two components of x (numbers 1 to %d or names %s)", length(xs),
             paste(xs, collapse = ", "))
  }
  v <- if (is.character(vars)) vars else xs[vars]
  graphics::plot(tr[[v[1L]]], tr[[v[2L]]], type = "o", pch = 19, col = "firebrick",
                 xlab = v[1L], ylab = v[2L], main = title, ...)
  graphics::points(tr[[v[1L]]][nrow(tr)], tr[[v[2L]]][nrow(tr)], pch = 4, cex = 1.5, lwd = 2)
  graphics::text(tr[[v[1L]]][1L], tr[[v[2L]]][1L], "x0", pos = 3, cex = 0.8)
  invisible(x)
}
