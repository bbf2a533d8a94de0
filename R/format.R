# format.R -- printing numbers the way the documents (Python) print them.

#' Shortest round-trip decimal representation of numbers
#'
#' Formats each number with the fewest significant digits (up to 17) that read
#' back to exactly the same double, as Python's `repr()` does. This lets
#' iterates printed by newtonr be compared digit for digit with other software.
#'
#' @param x A numeric vector.
#' @return A character vector the length of `x`.
#' @examples
#' shortest_decimal(c(0.1, 1/3, 0.6296335078534031, 5, NA))
#' @export
shortest_decimal <- function(x) {
  if (!is.numeric(x)) stop_arg("x", "must be numeric, not %s", describe(x))
  x <- as.double(x)
  out <- character(length(x))
  for (i in seq_along(x)) {
    xi <- x[i]
    if (!is.finite(xi)) {
      out[i] <- format(xi)
      next
    }
    for (d in 1:17) {
      s <- sprintf("%.*g", d, xi)
      if (as.double(s) == xi) break
    }
    # Python style: plain decimals unless the exponent is extreme, and
    # integral values keep no trailing ".0" (R users expect "5", not "5.0").
    if (grepl("e", s, fixed = TRUE) && abs(xi) >= 1e-4 && abs(xi) < 1e16) {
      s <- formatC(xi, digits = d, format = "fg", flag = "")
      s <- trimws(s)
    }
    out[i] <- s
  }
  out
}
