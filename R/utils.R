# utils.R -- argument checks and small helpers shared by all of newtonr's
# user-facing functions. Every check names the offending argument, so that the
# user reads e.g. "'x0' must be finite" rather than a C++ message.

# Raise an error that names the argument. `call. = FALSE` keeps the message
# short; the argument name is what the user needs.
stop_arg <- function(arg, fmt, ...) {
  stop(sprintf(paste0("'%s' ", fmt), arg, ...), call. = FALSE)
}

# A short description of an object for error messages: "a character vector of
# length 2", "NULL", "a function".
describe <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.function(x)) return("a function")
  cls <- if (is.object(x)) class(x)[1L] else typeof(x)
  sprintf("%s of length %d", cls, length(x))
}

check_function <- function(f, arg) {
  if (!is.function(f)) stop_arg(arg, "must be a function, not %s", describe(f))
  invisible(f)
}

# A numeric (double or integer, not logical) vector of finite values.
check_numeric <- function(x, arg, len = NULL, min_len = 1L, finite = TRUE) {
  if (!is.numeric(x) || is.object(x) && !is.numeric(unclass(x))) {
    stop_arg(arg, "must be numeric, not %s", describe(x))
  }
  if (!is.null(len) && length(x) != len) {
    stop_arg(arg, "must have length %d, not %d", len, length(x))
  }
  if (length(x) < min_len) stop_arg(arg, "must have length at least %d", min_len)
  if (anyNA(x)) stop_arg(arg, "must not contain NA or NaN")
  if (finite && any(!is.finite(x))) stop_arg(arg, "must be finite (no Inf)")
  invisible(x)
}

# A single number in [lower, upper] (or (lower, upper] with open_lower).
check_number <- function(x, arg, lower = -Inf, upper = Inf, open_lower = FALSE,
                         integer = FALSE) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x)) {
    stop_arg(arg, "must be a single number, not %s", describe(x))
  }
  if (integer && (!is.finite(x) || x != round(x))) {
    stop_arg(arg, "must be a whole number, not %s", format(x))
  }
  bad_low <- if (open_lower) x <= lower else x < lower
  if (bad_low || x > upper) {
    rng <- sprintf("%s%s, %s]", if (open_lower) "(" else "[", format(lower), format(upper))
    stop_arg(arg, "must lie in %s, not %s", rng, format(x))
  }
  invisible(x)
}

# match.arg() for a single string, without match.arg's overhead (it is on
# the hot path of functions that are called thousands of times).
match_arg1 <- function(x, choices, arg) {
  if (identical(x, choices)) return(choices[[1L]])
  if (is.character(x) && length(x) == 1L && !is.na(x)) {
    if (x %in% choices) return(x)
    i <- pmatch(x, choices)
    if (!is.na(i)) return(choices[[i]])
  }
  stop(sprintf("'%s' should be one of %s", arg, paste(dQuote(choices, FALSE), collapse = ", ")),
       call. = FALSE)
}

check_flag <- function(x, arg) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    stop_arg(arg, "must be TRUE or FALSE, not %s", describe(x))
  }
  invisible(x)
}

# A data.frame from a list of equal-length columns, without data.frame()'s
# overhead (traces are built on every call, so this is on the hot path).
new_trace <- function(cols) {
  n <- if (length(cols)) length(cols[[1L]]) else 0L
  structure(cols, class = "data.frame", row.names = .set_row_names(n))
}

# Merge a user's control list into defaults, rejecting unknown names.
merge_control <- function(control, defaults, arg = "control") {
  if (is.null(control)) control <- list()
  if (!is.list(control)) stop_arg(arg, "must be a list, not %s", describe(control))
  nms <- names(control)
  if (length(control) && (is.null(nms) || any(!nzchar(nms)))) {
    stop_arg(arg, "must be a named list")
  }
  unknown <- setdiff(nms, names(defaults))
  if (length(unknown)) {
    stop_arg(arg, "has unknown component(s): %s", paste(unknown, collapse = ", "))
  }
  defaults[nms] <- control
  defaults
}

# Turn a one-sided formula into functions with exact derivatives from R's
# symbolic deriv(). `vars` are the variable names, in order (for a single
# variable they default to the formula's one free variable). Returns a list
# with `vars`, `raw(x)` (deriv()'s value with its attributes) and `fun(x)`,
# which evaluates the expression at the numeric
# vector x and returns list(value, gradient, hessian). Additional named
# values in `env_vars` (e.g. from ...) are treated as constants.
deriv_cache <- new.env(parent = emptyenv())

formula_derivatives <- function(fml, vars = NULL, arg = "f", hessian = TRUE,
                                constants = list()) {
  if (!inherits(fml, "formula") || length(fml) != 2L) {
    stop_arg(arg, "must be a function or a one-sided formula such as ~ x^2 - 2")
  }
  expr <- fml[[2L]]
  free <- setdiff(all.vars(expr), names(constants))
  env <- environment(fml)
  if (is.null(env)) env <- parent.frame()
  if (is.null(vars)) {
    # free variables that are not numeric constants in the formula's scope
    free_undefined <- free[!vapply(free, exists, NA, envir = env, mode = "numeric")]
    if (length(free) == 1L) {
      vars <- free
    } else if (length(free_undefined) == 1L) {
      vars <- free_undefined
    } else {
      stop_arg(arg, "must be a formula in exactly one variable; found %s",
               if (length(free)) paste(free, collapse = ", ") else "none")
    }
  }
  # symbolic differentiation is the expensive part: cache it by expression
  key <- paste(c(deparse(expr), vars, hessian), collapse = "\r")
  dfun <- deriv_cache[[key]]
  if (is.null(dfun)) {
    dfun <- tryCatch(
      stats::deriv(expr, vars, function.arg = vars, hessian = hessian),
      error = function(e) stop_arg(arg, "could not be differentiated symbolically: %s",
                                   conditionMessage(e))
    )
    if (length(deriv_cache) > 500L) rm(list = ls(deriv_cache), envir = deriv_cache)
    assign(key, dfun, envir = deriv_cache)
  }
  eval_env <- new.env(parent = env)
  for (nm in names(constants)) assign(nm, constants[[nm]], envir = eval_env)
  environment(dfun) <- eval_env
  p <- length(vars)
  # raw(x): deriv()'s value with "gradient" and "hessian" attributes, called
  # with the elements of the numeric vector x as its arguments (a call built
  # once, so each evaluation costs one R closure call).
  raw <- eval(call("function", as.pairlist(alist(x = )),
                   as.call(c(list(dfun), lapply(seq_len(p), function(i) call("[[", quote(x), i))))))
  fun <- function(x) {
    val <- raw(x)
    g <- attr(val, "gradient")
    h <- attr(val, "hessian")
    list(value = as.vector(val),
         gradient = if (is.null(g)) NULL else as.vector(g),
         hessian = if (is.null(h)) NULL else matrix(h, p, p))
  }
  list(vars = vars, fun = fun, raw = raw, expr = expr)
}

# ---- scale limits (reliability) ----------------------------------------

# Largest dense matrix, in bytes, that newtonr agrees to allocate:
# getOption("newtonr.dense_limit") if set, else the machine's total memory
# (Linux: /proc/meminfo), else 16 GB.
dense_limit <- function() {
  lim <- getOption("newtonr.dense_limit")
  if (!is.null(lim)) {
    if (!is.numeric(lim) || length(lim) != 1L || is.na(lim) || lim <= 0) {
      stop("option 'newtonr.dense_limit' must be a positive number of bytes", call. = FALSE)
    }
    return(as.double(lim))
  }
  lim <- dense_cache$mem_total
  if (is.null(lim)) {
    lim <- 16e9
    if (file.exists("/proc/meminfo")) {
      line <- tryCatch(grep("^MemTotal:", readLines("/proc/meminfo", n = 5L, warn = FALSE),
                            value = TRUE), error = function(e) character())
      kb <- suppressWarnings(as.numeric(gsub("[^0-9]", "", line)))
      if (length(kb) == 1L && is.finite(kb) && kb > 0) lim <- kb * 1024
    }
    dense_cache$mem_total <- lim
  }
  lim
}
dense_cache <- new.env(parent = emptyenv())

# "80 GB", "3.2 MB": a byte count for messages (decimal units).
format_bytes <- function(bytes) {
  units <- c(B = 1, kB = 1e3, MB = 1e6, GB = 1e9, TB = 1e12, PB = 1e15)
  u <- max(which(bytes >= units), 1L)
  sprintf("%s %s", format(signif(bytes / units[[u]], 3)), names(units)[u])
}

# Refuse, before any allocation, a dense rows x cols matrix of doubles that
# would not fit: an error naming `arg` that states the memory needed, e.g.
# "'par' has 1e+05 elements: a dense 1e+05 x 1e+05 Hessian needs 80 GB ...".
# `copies`: how many such matrices the algorithm holds at once (counted in
# the estimate). `hint`: what to do instead. Returns the bytes needed.
check_dense_size <- function(rows, cols, what, arg, limit = dense_limit(), copies = 1,
                             hint = NULL) {
  one <- as.double(rows) * as.double(cols) * 8
  bytes <- one * copies
  if (bytes > limit) {
    stop(sprintf("'%s': a dense %s x %s %s needs %s%s, more than the limit of %s%s",
                 arg, format(as.double(rows)), format(as.double(cols)), what, format_bytes(one),
                 if (copies > 1) sprintf(" (%s in all for the %s working copies)",
                                         format_bytes(bytes), format(copies)) else "",
                 format_bytes(limit),
                 if (is.null(hint)) "" else paste0("; ", hint)),
         call. = FALSE)
  }
  invisible(bytes)
}

# Memory available now, in bytes, for the GLM's dense-size guards:
# getOption("newtonr.dense_limit") if set; else MemAvailable of
# /proc/meminfo (Linux: free memory plus what the kernel can reclaim without
# swapping -- not MemTotal, most of which may be in use by other processes);
# else dense_limit() (the machine's total memory, or 16 GB).  Read on each
# call, as it changes.
dense_available <- function(meminfo = "/proc/meminfo") {
  if (!is.null(getOption("newtonr.dense_limit"))) return(dense_limit())
  kb <- NA_real_
  if (file.exists(meminfo)) {
    lines <- tryCatch(readLines(meminfo, n = 10L, warn = FALSE), error = function(e) character(),
                      warning = function(w) character())
    line <- grep("^MemAvailable:", lines, value = TRUE)
    if (length(line) == 1L) kb <- suppressWarnings(as.numeric(gsub("[^0-9]", "", line)))
  }
  if (is.finite(kb) && kb > 0) kb * 1024 else dense_limit()
}
