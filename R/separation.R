# separation.R -- which covariates separate a binomial response, so that
# their maximum-likelihood estimates are infinite (Albert & Anderson 1984).
# Data separate when a direction b has x_i'b >= 0 on every row with y = 1,
# <= 0 on every row with y = 0 and = 0 on rows with both outcomes (0 < y < 1),
# and x_i'b != 0 on some row.  Two linear programs, after Konis (2007,
# "Linear programming algorithms for detecting separated data in binary
# logistic regression models", DPhil thesis, Oxford; the `detectseparation`
# package):
#  1. the separable rows: maximise sum_i s_i x_i'b over -1 <= b <= 1 under the
#     sign constraints (s_i = +1 for y = 1, -1 for y = 0); the rows with a
#     positive margin are separable; repeated on the rows not yet separated,
#     since the sum of two such directions is one too, until the set is the
#     largest;
#  2. the covariates that separate them: the direction of smallest L1 norm
#     (columns scaled to max |x| = 1) with margin s_i x_i'b >= 1 on every
#     separable row and >= 0 elsewhere.  Every covariate that some separable
#     row needs appears in it; then each covariate in it is dropped in turn
#     when the separable rows still separate without it, so that a noise
#     covariate that merely could take part (under complete separation any
#     small tilt still separates) is not named.
# The LPs are solved by boot::simplex (a recommended package); without boot,
# nothing is named.  For more than `glm_sep_max_rows` distinct rows the LPs
# are not attempted; only the single-column directions b = +-e_j are tested
# (exact for them, O(n p): an empty cell of a factor, a covariate nonzero
# only on one outcome), which may name fewer columns than the LPs would.

# Distinct rows beyond which the LPs are not attempted (boot::simplex holds a
# dense tableau of about (rows + 2p) x (rows + 4p)).
glm_sep_max_rows <- 2000L

# The columns (indices into x) whose estimates are infinite, integer(0) when
# the data do not separate, NULL when the test could not be run.  x: the
# model matrix without aliased columns; y in [0, 1]; w: prior weights.
glm_separating_columns <- function(x, y, w) {
  if (!requireNamespace("boot", quietly = TRUE)) return(NULL)
  keep <- w > 0
  x <- x[keep, , drop = FALSE]
  y <- y[keep]
  if (!nrow(x) || !ncol(x)) return(integer())
  cs <- apply(abs(x), 2L, max)
  cs[cs == 0] <- 1
  x <- sweep(x, 2L, cs, "/")
  mixed <- y > 0 & y < 1
  sx <- ifelse(y >= 1, 1, -1) * x
  # each distinct signed row once (a mixed row as both signs)
  rows <- unique(rbind(sx[!mixed, , drop = FALSE], x[mixed, , drop = FALSE], -x[mixed, , drop = FALSE]))
  if (nrow(rows) > glm_sep_max_rows) return(glm_sep_single_columns(rows))
  sep <- glm_sep_rows(rows, colSums(sx[!mixed, , drop = FALSE]))
  if (is.null(sep)) return(NULL)
  if (!any(sep)) return(integer())
  b <- glm_sep_direction(rows, sep)
  if (is.null(b)) return(NULL)
  used <- which(abs(b) > 1e-7 * max(abs(b)))
  # a minimal set: drop, smallest first, each column (not a column of ones)
  # without which the separable rows still separate
  ones <- which(apply(x == 1, 2L, all))
  for (j in setdiff(used[order(abs(b[used]))], ones)) {
    keep <- setdiff(used, j)
    if (length(keep) && !is.null(glm_sep_direction(rows[, keep, drop = FALSE], sep))) used <- keep
  }
  used
}

# The columns j for which b = e_j or b = -e_j separates (signed rows all
# >= 0, or all <= 0, and not all 0); NULL when there is none (unknown: a
# combination of columns may still separate).
glm_sep_single_columns <- function(rows) {
  j <- which((colSums(rows < 0) == 0 | colSums(rows > 0) == 0) & colSums(rows != 0) > 0)
  if (length(j)) j else NULL
}

# LP 1: the largest set of separable rows (TRUE/FALSE per row of `rows`),
# NULL when the LP failed.  obj: sum of the signed rows (all observations).
glm_sep_rows <- function(rows, obj) {
  p <- ncol(rows)
  sep <- rep(FALSE, nrow(rows))
  A1 <- rbind(cbind(-rows, rows), diag(2 * p))  # -s x'(u - v) <= 0; u, v <= 1
  b1 <- c(numeric(nrow(rows)), rep(1, 2 * p))
  for (round in seq_len(nrow(rows))) {
    a <- if (round == 1L) obj else colSums(rows[!sep, , drop = FALSE])
    lp <- tryCatch(boot::simplex(c(a, -a), A1 = A1, b1 = b1, maxi = TRUE),
                   error = function(e) NULL, warning = function(w) NULL)
    if (is.null(lp) || lp$solved != 1) return(NULL)
    b <- lp$soln[seq_len(p)] - lp$soln[p + seq_len(p)]
    margin <- drop(rows %*% b)
    new <- !sep & margin > 1e-9 * max(1, sqrt(sum(b^2)))
    if (!any(new)) break
    sep <- sep | new
    if (all(sep)) break
  }
  sep
}

# LP 2: the direction of smallest L1 norm with margin >= 1 on the separable
# rows and >= 0 on the others (NULL when the LP failed).
glm_sep_direction <- function(rows, sep) {
  p <- ncol(rows)
  A <- cbind(rows, -rows)
  # (the rows with margin 0 as A1 <= 0, and a bound on the L1 norm that
  # never binds: boot's phase 1 fails on a zero b2 and without an A1 row)
  A1 <- rbind(-A[!sep, , drop = FALSE], rep(1, 2 * p))
  lp <- tryCatch(boot::simplex(rep(1, 2 * p), A1 = A1, b1 = c(numeric(sum(!sep)), 1e15),
                               A2 = A[sep, , drop = FALSE],
                               b2 = rep(1, sum(sep)), maxi = FALSE),
                 error = function(e) NULL, warning = function(w) NULL)
  if (is.null(lp) || lp$solved != 1) return(NULL)
  lp$soln[seq_len(p)] - lp$soln[p + seq_len(p)]
}
