# status.R -- statuses and deprecations, one convention for every solver.
#
# Each solver's core declares its statuses once, as a table (code, name,
# message) beside its `enum class` (inst/include/newtonr/status.hpp); its glue
# exports the table as <solver>_status_cpp().  R words results and writes the
# help pages from that table only.

# The status table of one solver: a data frame with columns code, name and
# message.  `solver` is the prefix of the glue's <solver>_status_cpp().
status_table <- function(solver) {
  fun <- get0(paste0(solver, "_status_cpp"), envir = asNamespace("newtonr"), mode = "function")
  if (is.null(fun)) stop("internal: no status table for solver '", solver, "'", call. = FALSE)
  fun()
}

# The message of status `code` of `solver` (NA when the code has no row).
status_message <- function(solver, code) {
  tab <- status_table(solver)
  tab$message[match(code, tab$code)]
}

# Rd text for a help page: \Sexpr[results=rd,stage=build]{newtonr:::status_rd("optim")}
# runs when the package is built (or installed from its folder), so the page lists the codes
# the compiled code uses.
status_rd <- function(solver) {
  tab <- status_table(solver)
  esc <- function(x) gsub("([%{}\\\\])", "\\\\\\1", x)
  items <- sprintf("\\item{\\code{%d} (\\code{\"%s\"})}{%s}", tab$code, esc(tab$name), esc(tab$message))
  paste0("\\describe{\n", paste(items, collapse = "\n"), "\n}")
}

# Old spellings keep working for one release: `deprecated_value()` maps an
# old value of an argument to its new one with a deprecation warning naming
# both.  Example: deprecated_value(criterion, "documents", "previous_fprime",
# "criterion").
deprecated_value <- function(value, old, new, arg) {
  if (identical(value, old)) {
    warning(sprintf("%s = \"%s\" is deprecated; use %s = \"%s\" (same rule)", arg, old, arg, new),
            call. = FALSE)
    return(new)
  }
  value
}

# `deprecated_arg()`: an argument renamed; returns the value to use.
deprecated_arg <- function(old_value, new_value, old, new) {
  if (is.null(old_value)) return(new_value)
  warning(sprintf("'%s' is deprecated; use '%s' (same meaning)", old, new), call. = FALSE)
  old_value
}
