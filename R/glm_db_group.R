# glm_db_group.R -- the accumulating SQL pass grouped by a factor (glm_db_fit.R):
# within one level of a factor that enters as a main effect, its indicator
# columns are constants, so the engine sums X'WX only over the other
# columns, per level (GROUP BY), and R assembles the full X'WX and X'r:
#   A[R,R] = sum_g A_g,  A[R,F] = sum_g (sum_g w x_R) e_g',  A[F,F] = sum_g w_g e_g e_g',
# with e_g the level's indicator values (0/1).  For y ~ 20 numeric + a
# 50-level factor this is 253 sums per row instead of 2485.

# The columns (among 1..p) of the main-effect factor with the most columns,
# when grouping pays (at least 2 of them and at least one other column).
glm_db_group_cols <- function(grp) {
  if (isFALSE(getOption("newtonr.glm_db_group"))) return(NULL)  # (tests compare with the ungrouped pass)
  g <- grp[!is.na(grp)]
  if (!length(g)) return(NULL)
  tab <- table(g)
  best <- names(tab)[which.max(tab)]
  F <- which(grp == best & !is.na(grp))
  if (length(F) < 2L || length(F) == length(grp)) return(NULL)
  F
}

glm_db_group_aggs <- function(p, F, score) {
  xs <- sprintf("x%d", seq_len(p))
  R <- setdiff(seq_len(p), F)
  ij <- which(upper.tri(diag(length(R)), diag = TRUE), arr.ind = TRUE)
  ri <- R[ij[, 1L]]
  rj <- R[ij[, 2L]]
  r <- if (score) "uu" else "rr"
  c(n_ = "COUNT(*)", dev_ = "SUM(dd)", bad_ = "SUM(bb)", good_ = "SUM(CASE WHEN w_ > 0 THEN 1 ELSE 0 END)",
    stats::setNames(sprintf("MAX(%s)", xs[F]), sprintf("e%d", F)),
    sw_ = "SUM(ww)", sr_ = sprintf("SUM(%s)", r),
    stats::setNames(sprintf("SUM(ww * %s)", xs[R]), sprintf("s%d", R)),
    stats::setNames(sprintf("SUM(ww * %s * %s)", xs[ri], xs[rj]), sprintf("a%d_%d", ri, rj)),
    stats::setNames(sprintf("SUM(%s * %s)", r, xs[R]), sprintf("b%d", R)))
}

# The group key: the level's number (indicators are exclusive; 0 = reference).
glm_db_group_key <- function(F) {
  paste(sprintf("%s * x%d", vapply(seq_along(F), sql_num, ""), F), collapse = " + ")
}

glm_db_unpack_group <- function(r, p, F) {
  r <- lapply(r, as.double)
  R <- setdiff(seq_len(p), F)
  tot <- function(k) sum(r[[k]])
  out <- list(dev = if (tot("bad_") > 0) NaN else tot("dev_"),
              valid = tot("bad_") == 0 && !anyNA(r$dev_), ngood = tot("good_"), n = tot("n_"))
  E <- do.call(cbind, r[sprintf("e%d", F)])
  SWX <- do.call(cbind, r[sprintf("s%d", R)])
  ij <- which(upper.tri(diag(length(R)), diag = TRUE), arr.ind = TRUE)
  AR <- matrix(0, length(R), length(R))
  AR[ij] <- vapply(sprintf("a%d_%d", R[ij[, 1L]], R[ij[, 2L]]), tot, 0)
  AR[lower.tri(AR)] <- t(AR)[lower.tri(AR)]
  A <- matrix(0, p, p)
  A[R, R] <- AR
  A[R, F] <- crossprod(SWX, E)
  A[F, R] <- t(A[R, F])
  A[F, F] <- crossprod(E, r$sw_ * E)
  b <- numeric(p)
  b[R] <- vapply(sprintf("b%d", R), tot, 0)
  b[F] <- drop(crossprod(E, r$sr_))
  out$A <- A
  out$b <- b
  if (anyNA(A) || anyNA(b)) out$valid <- FALSE
  out
}
