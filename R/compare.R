# compare.R -- compare_methods(): run newton_optim() with several methods on
# the same problem and tabulate iterations, evaluations, time and final value,
# with a plot method that overlays the convergence curves (base graphics).

#' Compare minimisation methods on one problem
#'
#' Runs [newton_optim()] once per method from the same starting point and
#' collects, one row per method, whether it converged, how many iterations and
#' evaluations it needed, how long it took and the value it reached. The
#' traces are kept, so `plot()` can overlay the convergence curves.
#'
#' @param par Numeric starting values.
#' @param fn,gr,hess The objective and optional derivatives, as for
#'   [newton_optim()] (a one-sided formula `fn` is accepted, with `gr` and
#'   `hess` `NULL`).
#' @param ... Further arguments passed to `fn`, `gr` and `hess`.
#' @param methods Character vector of methods of [newton_optim()] (no
#'   duplicates).
#' @param lower,upper Bounds on the parameters, passed to every run (see
#'   [newton_optim()]; default none).
#' @param control A list of settings passed to every run (see
#'   [newton_optim_control()]); warnings about non-convergence are turned off,
#'   since the table reports convergence.
#' @return A data frame of class `c("newton_comparison", "data.frame")` with
#'   columns `method`, `converged` (logical, `convergence == 0`),
#'   `convergence` (the code), `iterations`, `fn_evals`, `gr_evals`,
#'   `hess_evals` (from `counts`, finite-difference evaluations included),
#'   `time` (elapsed seconds) and `value` (final objective). The attribute
#'   `"traces"` is a named list of the runs' trace data frames and `"results"`
#'   the full [newton_optim()] results.
#' @seealso [plot.newton_comparison()]
#' @examples
#' fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
#' cmp <- compare_methods(c(-1.2, 1), fr, control = list(maxit = 5000))
#' cmp
#' plot(cmp)
#' @section Vignette:
#' `vignette("optimisation", package = "newtonr")`.
#' @export
compare_methods <- function(par, fn, gr = NULL, hess = NULL, ...,
                            methods = c("newton", "trust", "bfgs", "gd"),
                            lower = -Inf, upper = Inf, control = list()) {
  check_numeric(par, "par")
  if (!inherits(fn, "formula")) check_function(fn, "fn")
  if (!is.null(gr)) check_function(gr, "gr")
  if (!is.null(hess)) check_function(hess, "hess")
  if (!is.character(methods) || length(methods) < 1L || anyNA(methods)) {
    stop_arg("methods", "must be a non-empty character vector, not %s", describe(methods))
  }
  bad <- setdiff(methods, optim_methods)
  if (length(bad)) {
    stop_arg("methods", "must be among %s; unknown: %s",
             paste0("\"", optim_methods, "\"", collapse = ", "),
             paste0("\"", bad, "\"", collapse = ", "))
  }
  if (anyDuplicated(methods)) stop_arg("methods", "must not contain duplicates")
  if (inherits(control, "newton_optim_control")) control <- unclass(control)
  if (is.null(control)) control <- list()
  if (!is.list(control)) stop_arg("control", "must be a list, not %s", describe(control))
  control$warn <- FALSE

  res <- vector("list", length(methods))
  names(res) <- methods
  secs <- numeric(length(methods))
  for (i in seq_along(methods)) {
    t0 <- proc.time()[["elapsed"]]
    # one control for all methods: a setting for one method (lr for "gd")
    # is not a mistake for the others
    res[[i]] <- withCallingHandlers(
      newton_optim(par, fn, gr, hess, ..., method = methods[i], lower = lower,
                   upper = upper, control = control),
      newtonr_ignored_setting = function(w) invokeRestart("muffleWarning"))
    secs[i] <- proc.time()[["elapsed"]] - t0
  }
  cnt <- function(k) vapply(res, function(r) as.integer(r$counts[[k]]), 0L, USE.NAMES = FALSE)
  out <- data.frame(
    method = methods,
    converged = vapply(res, function(r) r$convergence == 0L, NA, USE.NAMES = FALSE),
    convergence = vapply(res, function(r) as.integer(r$convergence), 0L, USE.NAMES = FALSE),
    iterations = vapply(res, function(r) as.integer(r$iterations), 0L, USE.NAMES = FALSE),
    fn_evals = cnt(1L), gr_evals = cnt(2L), hess_evals = cnt(3L),
    time = secs,
    value = vapply(res, function(r) r$value, 0, USE.NAMES = FALSE),
    stringsAsFactors = FALSE
  )
  attr(out, "traces") <- lapply(res, `[[`, "trace")
  attr(out, "results") <- res
  class(out) <- c("newton_comparison", "data.frame")
  out
}

#' @export
print.newton_comparison <- function(x, digits = max(7L, getOption("digits")), ...) {
  cat("Comparison of newton_optim() methods\n")
  df <- as.data.frame(unclass(x)[names(x)], stringsAsFactors = FALSE)
  df$time <- signif(df$time, 3)
  df$value <- signif(df$value, digits)
  print(df, row.names = FALSE, ...)
  invisible(x)
}

#' Plot a comparison of methods: overlaid convergence curves
#'
#' One curve per method against the iteration number: either the log10 of
#' the gradient norm, or the log10 of \eqn{f - f_{best}}{f - f_best}, where
#' \eqn{f_{best}}{f_best} is the smallest value any method reached (or `fstar` when
#' given). Exact zeros (a method that lands on the minimum) are drawn one
#' decade below the smallest non-zero value of the plot (at most at the
#' rounding level), so a one-step run does not stretch the axis.
#' Long runs (over 60 points) are drawn as lines without points; colours are
#' the Okabe-Ito palette (distinguishable with colour-blindness).
#'
#' @param x A `"newton_comparison"` from [compare_methods()].
#' @param which `"gradient"` (default) or `"value"`.
#' @param fstar Optional known minimum value, used by `which = "value"`.
#' @param log_iter Logical: log scale for the iteration axis. Default
#'   `NULL`: log scale when the longest run has at least 50 times the
#'   iterations of the shortest (say, gradient descent beside Newton).
#' @param main Title; default says how many methods and which problem size.
#' @param col Colours, one per method.
#' @param legend_pos Where to put the legend ([graphics::legend()] keyword),
#'   or `NULL` for none.
#' @param ... Passed to [graphics::plot()].
#' @return `x`, invisibly.
#' @examples
#' fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
#' cmp <- compare_methods(c(-1.2, 1), fr, methods = c("newton", "bfgs", "gd"),
#'                        control = list(maxit = 2000))
#' plot(cmp)
#' plot(cmp, which = "value", fstar = 0)
#' @export
plot.newton_comparison <- function(x, which = c("gradient", "value"), fstar = NULL,
                                   log_iter = NULL, col = NULL, legend_pos = "topright",
                                   main = NULL, ...) {
  if (!is.character(which)) stop_arg("which", "must be a string, not %s", describe(which))
  which <- tryCatch(match.arg(which), error = function(e)
    stop_arg("which", "must be \"gradient\" or \"value\", not \"%s\"", paste(which, collapse = " ")))
  if (!is.null(fstar)) check_number(fstar, "fstar")
  traces <- attr(x, "traces")
  if (is.null(traces)) stop_arg("x", "has no traces (not made by compare_methods()?)")
  n_it <- vapply(traces, nrow, 0L)
  if (is.null(log_iter)) log_iter <- max(n_it - 1L) >= 50 * max(min(n_it - 1L), 1L)
  check_flag(log_iter, "log_iter")
  meths <- names(traces)
  if (is.null(col)) col <- compare_palette(length(meths))
  col <- rep_len(col, length(meths))
  fbest <- if (is.null(fstar)) min(vapply(traces, function(t) min(t$value, na.rm = TRUE), 0)) else fstar
  raw <- lapply(traces, function(t) if (which == "gradient") t$grad_norm else t$value - fbest)
  floor <- compare_floor(unlist(raw), which, fbest)
  curves <- Map(function(t, y) list(x = t$iter + log_iter, y = log10(pmax(y, 10^floor))), traces, raw)
  xr <- range(unlist(lapply(curves, `[[`, "x")), finite = TRUE)
  yr <- range(unlist(lapply(curves, `[[`, "y")), finite = TRUE)
  ylab <- if (which == "gradient") "log10 gradient norm" else
    if (is.null(fstar)) "log10 (f - f_best)" else "log10 (f - f*)"
  if (is.null(main)) main <- sprintf("%d methods from the same start (%s)", length(meths),
                                     if (which == "gradient") "gradient norm" else "objective")
  graphics::plot(xr, yr, type = "n", log = if (log_iter) "x" else "", main = main,
                 xlab = if (log_iter) "iteration + 1 (log scale)" else "iteration", ylab = ylab, ...)
  for (i in seq_along(curves)) {
    long <- length(curves[[i]]$x) > 60L
    graphics::lines(curves[[i]]$x, curves[[i]]$y, col = col[i], lwd = 2, type = if (long) "l" else "o",
                    pch = 19, cex = 0.7, lty = if (long) 1 else i %% 4 + 1)
  }
  if (!is.null(legend_pos)) {
    lab <- sprintf("%s (%d iteration%s%s)", meths, n_it - 1L, ifelse(n_it == 2L, "", "s"),
                   ifelse(x$converged, "", ", NOT converged"))
    graphics::legend(legend_pos, legend = lab, col = col, lwd = 2, bty = "n", cex = 0.85)
  }
  invisible(x)
}

# Okabe & Ito's colour-blind-safe palette (then hcl colours beyond 8).
compare_palette <- function(n) {
  oi <- c("#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
  if (n <= length(oi)) oi[seq_len(n)] else c(oi, grDevices::hcl.colors(n - length(oi), "Dark 3"))
}

# log10 of the value drawn for an exact zero: a decade below the smallest
# positive value, and not below the rounding level (1e-16, relative to
# |f_best| for the objective).
compare_floor <- function(y, which, fbest) {
  noise <- if (which == "gradient") -16 else log10(max(abs(fbest), 1)) - 16
  pos <- y[is.finite(y) & y > 0]
  if (!length(pos)) return(noise)
  max(noise, floor(log10(min(pos))) - 1)
}
