// newtonr/glm_chol.hpp -- Cholesky of X'WX that aliases columns like glm.
//
// R's glm.fit uses LINPACK dqrdc2 (a QR with limited pivoting): a column
// whose remaining norm falls below tol times its original norm is moved to
// the end.  With A = X'WX, the squared remaining norm of column j after
// projecting out the kept columns before it is the Schur complement pivot
// A_jj - sum_k L_jk^2, and its original squared norm is A_jj.  A Cholesky
// that takes columns in order and skips those with pivot < tol^2 * A_jj
// therefore aliases the same columns (Golub & Van Loan, Sec. 5.4.1 on the
// QR/Cholesky correspondence R'R = X'WX).
#pragma once

#include <newtonr/common.hpp>

#include <algorithm>
#include <vector>

namespace newtonr {

constexpr double kGlmBig = std::numeric_limits<double>::max();

// X'WX and X'Wz must be finite: X's own scale is equilibrated (glm_col_scan),
// so overflow here comes from the working weights or response, and would
// otherwise alias every column silently.
inline void glm_check_normal_equations(const Mat& A, const Vec& b) {
  if (!A.allFinite() || !b.allFinite())
    throw std::runtime_error(
        "X'WX or X'Wz is not finite (overflow): the working weights or response are too "
        "large; rescale 'y' or 'weights'");
}

struct GlmSolve {
  Vec coef;                 // length p; NaN for aliased columns
  Mat R;                    // p x p upper triangular, pivoted order
  std::vector<int> pivot;   // 0-based: kept columns in order, then aliased
  int rank = 0;
  Vec effects;              // length rank: R^{-T} (X'r) in pivot order
};

// Solve (A + diag(pen)) beta = b.  `pen` adds a ridge term (0 = none); the
// aliasing test uses the unpenalised diagonal so aliasing matches glm.
inline GlmSolve glm_chol_solve(const Mat& A, const Vec& b, double tol,
                               const Vec& pen) {
  using Eigen::Index;
  const Index p = A.rows();
  std::vector<int> kept, aliased;
  Mat L = Mat::Zero(p, p);  // rows/cols indexed by position among kept
  Vec d0 = A.diagonal();
  for (Index j = 0; j < p; ++j) {
    const Index k = static_cast<Index>(kept.size());
    Vec l(k);
    for (Index a = 0; a < k; ++a) {
      double s = A(j, kept[static_cast<size_t>(a)]);
      for (Index c = 0; c < a; ++c) s -= L(a, c) * l(c);
      l(a) = s / L(a, a);
    }
    double dj = A(j, j) + pen(j) - l.squaredNorm();
    const double orig = d0(j) + pen(j) > 0 ? d0(j) + pen(j) : 1.0;
    // Forming X'WX squares the condition number, so the Schur complement
    // carries rounding noise of order p * eps * A_jj: a squared threshold
    // below that cannot be resolved.  Exactly collinear columns (relative
    // remaining norm ~1e-16 in QR) are therefore caught by the noise floor;
    // columns with relative remaining norm between tol and ~sqrt(64 p eps)
    // are aliased here but not by LINPACK (documented limitation).
    const double thr = std::max(tol * tol, 64.0 * static_cast<double>(p) * kEps);
    if (!(dj > 0) || !(dj >= thr * orig)) {
      aliased.push_back(static_cast<int>(j));
      continue;
    }
    for (Index c = 0; c < k; ++c) L(k, c) = l(c);
    L(k, k) = std::sqrt(dj);
    kept.push_back(static_cast<int>(j));
  }
  GlmSolve out;
  const Index r = static_cast<Index>(kept.size());
  out.rank = static_cast<int>(r);
  out.pivot = kept;
  out.pivot.insert(out.pivot.end(), aliased.begin(), aliased.end());
  Mat L11 = L.topLeftCorner(r, r);
  Vec bk(r);
  for (Index a = 0; a < r; ++a) bk(a) = b(kept[static_cast<size_t>(a)]);
  Vec e = L11.triangularView<Eigen::Lower>().solve(bk);
  Vec beta = L11.transpose().triangularView<Eigen::Upper>().solve(e);
  out.effects = e;
  out.coef = Vec::Constant(p, kNaN);
  for (Index a = 0; a < r; ++a) out.coef(kept[static_cast<size_t>(a)]) = beta(a);
  out.R = Mat::Zero(p, p);
  out.R.topLeftCorner(r, r) = L11.transpose();
  // Columns of aliased variables: R12 = L11^{-1} A[kept, aliased], as in QR.
  for (size_t q = 0; q < aliased.size(); ++q) {
    Vec col(r);
    for (Index a = 0; a < r; ++a) col(a) = A(kept[static_cast<size_t>(a)], aliased[q]);
    out.R.col(r + static_cast<Index>(q)).head(r) =
        L11.triangularView<Eigen::Lower>().solve(col);
  }
  return out;
}

// Back from the column-scaled problem (X S, S = diag(s) of powers of two;
// see glm_col_scan in glm_xtwx.hpp): beta = S beta~ and R = R~ S^-1, i.e.
// column a of R (pivot order) divided by s[pivot[a]]; the effects Q'z do not
// change.  Exact (powers of two).
inline void glm_unscale_solve(GlmSolve& sol, const Vec& s) {
  const Eigen::Index p = s.size();
  for (Eigen::Index j = 0; j < p; ++j) sol.coef(j) *= s(j);
  for (Eigen::Index a = 0; a < p; ++a) sol.R.col(a) /= s(sol.pivot[static_cast<size_t>(a)]);
}

// The ridge penalty of the scaled problem: pen_j beta_j^2 = pen_j s_j^2
// beta~_j^2.  A zero penalty stays zero; an overflowing one is clamped (such a
// column's coefficient is then held at ~0, as the unscaled penalty would hold
// it relative to its negligible X'WX entry).
inline Vec glm_scale_pen(const Vec& pen, const Vec& s) {
  Vec out = pen;
  for (Eigen::Index j = 0; j < pen.size(); ++j)
    if (pen(j) != 0) out(j) = std::min(pen(j) * s(j) * s(j), kGlmBig);
  return out;
}

}  // namespace newtonr
