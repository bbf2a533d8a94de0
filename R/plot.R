# plot.R -- base-graphics plots of newtonr results (no plotting dependency).

#' Plot a minimisation run: convergence, or the path on a contour plot
#'
#' `which = "convergence"` draws two panels against the iteration number: the
#' log10 of the gradient norm, and the log10 of \eqn{f - f^*}{f - f*}, where
#' \eqn{f^*}{f*} is `fstar` if given, else the best value of the run (its
#' points at that value are left out, as the difference is zero); for a run
#' that did not converge the axis says the values are relative to the best
#' iterate, and every title of a non-converged run says "NOT converged".
#' `which = "curve"` (one parameter; the default for a one-parameter result,
#' which keeps `fn`) draws `fn` with the iterates on it.
#' `which = "contour"` (two parameters only) draws
#' contours of `fn` over a box around the iterates and the path of the
#' iterates on top; `add = TRUE` draws only the path on an existing contour
#' plot, to compare methods.
#'
#' @param x A `"newton_optim"` result.
#' @param which `"convergence"` (default), `"contour"` (a run with bounds:
#'   the box is drawn dashed, and `fn` is evaluated only inside it) or
#'   `"curve"` (one parameter).
#' @param fn For `"contour"` and `"curve"` (where it defaults to the one the
#'   result keeps): the objective (a function of the parameter
#'   vector, or the one-sided formula that was minimised).
#' @param ... For `"contour"`, further arguments passed to `fn`; for
#'   `"convergence"`, passed to [graphics::plot()].
#' @param fstar Optional known minimum value for the `f - f*` panel.
#' @param xlim,ylim Optional ranges for the contour plot.
#' @param nlevels Number of contour levels (spaced on a log scale of
#'   `f - min f` over the grid, which shows narrow valleys better).
#' @param add For `"contour"`: draw only the path on the current plot.
#' @param col Colour of the path.
#' @return `x`, invisibly.
#' @examples
#' fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
#' r <- newton_optim(c(-1.2, 1), fr)
#' plot(r)
#' plot(r, "contour", fn = fr)
#' g <- newton_optim(c(-1.2, 1), fr, method = "bfgs")
#' plot(g, "contour", fn = fr, add = TRUE, col = "steelblue")
#' b <- newton_optim(c(-1.2, 1), fr, lower = c(-2, -2), upper = c(0.5, 2))
#' plot(b, "contour", fn = fr)
#' # one parameter: the curve with the iterates (the documents' example)
#' plot(newton_optim(42, function(x) x^3 - 3 * x^2 - 45 * x + 40))
#' @export
plot.newton_optim <- function(x, which = c("convergence", "contour", "curve"), fn = NULL, ...,
                              fstar = NULL, xlim = NULL, ylim = NULL, nlevels = 20L,
                              add = FALSE, col = "firebrick") {
  if (!is.character(which)) stop_arg("which", "must be a string, not %s", describe(which))
  if (missing(which) && length(x$par) == 1L && !is.null(x$fn %or% fn)) which <- "curve"
  which <- tryCatch(match.arg(which), error = function(e)
    stop_arg("which", "must be \"convergence\", \"contour\" or \"curve\", not \"%s\"",
             paste(which, collapse = " ")))
  if (!is.null(fstar)) check_number(fstar, "fstar")
  check_flag(add, "add")
  # (nlevels = .Machine$integer.max would allocate 17 GB of levels)
  check_number(nlevels, "nlevels", lower = 1, upper = 1000, integer = TRUE)
  check_plot_lim(xlim, "xlim")
  check_plot_lim(ylim, "ylim")
  check_plot_col(col, "col")
  if (which == "convergence") return(plot_optim_convergence(x, fstar, col, ...))
  if (which == "curve") return(plot_optim_curve(x, fn, xlim, col, ...))
  plot_optim_contour(x, fn, xlim, ylim, nlevels, add, col, ...)
}

# plot.newton_optim(which = "convergence"): log10 gradient norm and
# log10 (f - f*) against the iteration number.
plot_optim_convergence <- function(x, fstar, col, ...) {
  tr <- x$trace
  op <- graphics::par(mfrow = c(1L, 2L))
  on.exit(graphics::par(op))
  g <- log10(pmax(tr$grad_norm, 1e-300))
  ty <- if (nrow(tr) > 60L) "l" else "o"
  graphics::plot(tr$iter, g, type = ty, pch = 19, cex = 0.6, col = col,
                 xlab = "iteration", ylab = "log10 gradient norm",
                 main = plot_optim_title(x), ...)
  # without fstar: the best value seen (the last, for a descent method); the
  # axis says so, since for a run that did not converge it is no minimum
  fs <- if (is.null(fstar)) min(tr$value, na.rm = TRUE) else fstar
  d <- tr$value - fs
  keep <- if (is.null(fstar)) which(d > 0) else seq_len(nrow(tr))
  if (!length(keep)) keep <- seq_len(nrow(tr))
  yl <- if (!is.null(fstar)) "log10 (f - f*)" else
    if (x$convergence == 0L) "log10 (f - f_final)" else "log10 (f - f_best), relative to the best iterate"
  graphics::plot(tr$iter[keep], log10(pmax(d[keep], 1e-300)), type = ty, pch = 19,
                 cex = 0.6, col = col, xlab = "iteration", ylab = yl,
                 main = if (x$convergence == 0L) "objective" else "objective (NOT converged)", ...)
  invisible(x)
}

# "<method>: n iteration(s)", and "NOT converged" when it did not.
plot_optim_title <- function(x) {
  sprintf("%s: %d iteration%s%s", x$method, x$iterations, if (x$iterations == 1L) "" else "s",
          if (x$convergence == 0L) "" else sprintf(" -- NOT converged (code %d)", x$convergence))
}

# plot.newton_optim(which = "curve"), one parameter: fn over a range covering
# the iterates, with the iterates x0, x1, ... on it (the documents' picture
# of Newton's method minimising x^3 - 3x^2 - 45x + 40 from 42).
plot_optim_curve <- function(x, fn, xlim, col, ...) {
  if (length(x$par) != 1L) stop_arg("which", "= \"curve\" needs one parameter, not %d", length(x$par))
  if (is.null(fn)) fn <- x$fn
  if (is.null(fn)) stop_arg("fn", "is needed to draw the curve: plot(result, \"curve\", fn)")
  f1 <- if (inherits(fn, "formula")) {
    nm <- if (is.null(names(x$par))) all.vars(fn)[1L] else names(x$par)
    fd <- formula_derivatives(fn, vars = nm, arg = "fn", hessian = FALSE)
    function(v) fd$fun(v)$value
  } else {
    check_function(fn, "fn")
    function(v) plot_value(fn(stats::setNames(v, names(x$par))), "fn")
  }
  xs <- x$trace[[ncol(x$trace)]]
  if (is.null(xlim)) {
    r <- range(xs, finite = TRUE)
    xlim <- r + c(-0.15, 0.15) * max(diff(r), 1e-3)
  }
  grid <- seq(xlim[1L], xlim[2L], length.out = 400L)
  fg <- vapply(grid, f1, 0)
  if (!any(is.finite(fg))) stop_arg("fn", "is not finite anywhere on the plotting range")
  graphics::plot(grid, fg, type = "l", lwd = 2, xlab = names(x$trace)[ncol(x$trace)], ylab = "f(x)",
                 main = plot_optim_title(x), ...)
  graphics::lines(xs, x$trace$value, col = col, lty = 2)
  graphics::points(xs, x$trace$value, pch = 19, col = col, cex = 0.8)
  # label the first iterates and the last, not the pile-up near the minimum
  lab <- unique(c(utils::head(seq_along(xs), 4L), length(xs)))
  graphics::text(xs[lab], x$trace$value[lab], labels = paste0("x", x$trace$iter[lab]), pos = 3, cex = 0.7)
  invisible(x)
}

# plot.newton_optim(which = "contour"): the path of a two-parameter run on
# the contours of fn (or added to the current plot).
plot_optim_contour <- function(x, fn, xlim, ylim, nlevels, add, col, ...) {
  tr <- x$trace
  p <- length(x$par)
  if (p != 2L) stop_arg("which", "= \"contour\" needs two parameters, not %d", p)
  if (!add && is.null(fn)) stop_arg("fn", "is needed to draw the contours: plot(result, \"contour\", fn)")
  pn <- names(tr)[-seq_along(optim_trace_cols)]
  if (length(pn) < 2L) stop_arg("x", "has no parameter columns in its trace (see control$trace_par_max)")
  path <- cbind(tr[[pn[1L]]], tr[[pn[2L]]])
  if (!add) plot_optim_contours(x, fn, path, pn, xlim, ylim, nlevels, ...)
  if (add) {
    tryCatch(graphics::lines(path, col = col, lwd = 2), error = function(e)
      stop_arg("add", "= TRUE draws on the current plot, which failed: %s", conditionMessage(e)))
  } else {
    graphics::lines(path, col = col, lwd = 2)
  }
  if (!add) plot_optim_box(x)
  graphics::points(path, col = col, pch = 19, cex = if (nrow(path) > 60L) 0.3 else 0.7)
  graphics::points(path[nrow(path), , drop = FALSE], pch = 4, cex = 1.5, lwd = 2)
  invisible(x)
}

# The box of a bounded run (its finite sides, clipped to the plot), dashed.
plot_optim_box <- function(x) {
  lo <- x$lower
  up <- x$upper
  if (is.null(lo) || !any(is.finite(c(lo, up)))) return(invisible(NULL))
  usr <- graphics::par("usr")
  clip <- function(v, a, b) pmin(pmax(v, a), b)
  graphics::rect(clip(lo[1L], usr[1L], usr[2L]), clip(lo[2L], usr[3L], usr[4L]),
                 clip(up[1L], usr[1L], usr[2L]), clip(up[2L], usr[3L], usr[4L]),
                 border = "grey20", lty = 2, lwd = 1.5)
  invisible(NULL)
}

# The contours of fn on a grid around the path (levels spaced geometrically
# above the grid minimum, so that narrow valleys show).  With bounds, fn is
# evaluated only inside the box (it may be undefined outside) and the grid
# covers the box's edges near the path.
plot_optim_contours <- function(x, fn, path, pn, xlim, ylim, nlevels, ...) {
  f2 <- if (inherits(fn, "formula")) {
    vars <- names(x$par)
    if (is.null(vars)) vars <- pn
    fd <- formula_derivatives(fn, vars = vars, arg = "fn", hessian = FALSE,
                              constants = list(...))
    function(v) fd$fun(v)$value
  } else {
    check_function(fn, "fn")
    nm <- names(x$par)
    function(v) plot_value(fn(stats::setNames(v, nm), ...), "fn")
  }
  pad <- function(r) {
    w <- max(diff(r), 1e-3)
    r + c(-0.15, 0.15) * w
  }
  if (is.null(xlim)) xlim <- pad(range(path[, 1L], finite = TRUE))
  if (is.null(ylim)) ylim <- pad(range(path[, 2L], finite = TRUE))
  gx <- seq(xlim[1L], xlim[2L], length.out = 101L)
  gy <- seq(ylim[1L], ylim[2L], length.out = 101L)
  lo <- if (is.null(x$lower)) c(-Inf, -Inf) else x$lower
  up <- if (is.null(x$upper)) c(Inf, Inf) else x$upper
  z <- matrix(NA_real_, length(gx), length(gy))
  for (i in seq_along(gx)) for (j in seq_along(gy)) {
    v <- c(gx[i], gy[j])
    if (all(v >= lo & v <= up)) z[i, j] <- f2(v)
  }
  z[!is.finite(z)] <- NA
  if (all(is.na(z))) stop_arg("fn", "is not finite anywhere on the plotting grid")
  zmin <- min(z, na.rm = TRUE)
  if (!is.finite(max(z, na.rm = TRUE) - zmin)) {
    stop_arg("fn", "has values on the grid too far apart to draw contours (range overflows)")
  }
  lev <- zmin + (max(z, na.rm = TRUE) - zmin) * 10^seq(-4, 0, length.out = nlevels)
  graphics::contour(gx, gy, z, levels = lev, drawlabels = FALSE, col = "grey60",
                    xlab = pn[1L], ylab = pn[2L],
                    main = plot_optim_title(x))
}

# NULL, or a finite increasing range c(lo, hi) for a plot axis.
check_plot_lim <- function(lim, arg) {
  if (is.null(lim)) return(invisible(lim))
  check_numeric(lim, arg, len = 2L)
  if (!(lim[1L] < lim[2L])) stop_arg(arg, "must satisfy lower < upper")
  invisible(lim)
}

# A single colour (a name, "#RRGGBB", or a palette number >= 0).
check_plot_col <- function(col, arg) {
  ok <- length(col) == 1L && (is.character(col) || is.numeric(col)) && !is.na(col) &&
    (!is.numeric(col) || (col >= 0 && col <= .Machine$integer.max)) &&
    !is.null(tryCatch(grDevices::col2rgb(col), error = function(e) NULL))
  if (!ok) stop_arg(arg, "must be one colour (a name, \"#RRGGBB\" or a palette number), not %s",
                    describe(col))
  invisible(col)
}

# A callback's value at one point of a plot: a single number (NA when it is
# NA or not finite: the point is not drawn), else an error naming `arg`.
plot_value <- function(v, arg) {
  if (!(is.numeric(v) || is.logical(v)) || is.object(v) || length(v) != 1L) {
    stop_arg(arg, "must return a single number at each point, not %s", describe(v))
  }
  as.double(v)
}
