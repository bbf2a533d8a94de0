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
//
// The factorisation is blocked (panels of 96 columns, each column's pivot
// tested in order inside its panel, then one SYRK update of the trailing
// matrix), formed in place in the result's R; the unblocked original is kept
// as the test reference in cpptests/glm_chol_ref.hpp.  DESIGN-glmdense.md.
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

namespace detail {

// The aliasing threshold on the squared relative remaining norm.  Forming
// X'WX squares the condition number, so the Schur complement carries
// rounding noise of order p * eps * A_jj: a squared threshold below that
// cannot be resolved.  Exactly collinear columns (relative remaining norm
// ~1e-16 in QR) are therefore caught by the noise floor; columns with
// relative remaining norm between tol and ~sqrt(64 p eps) are aliased here
// but not by LINPACK (documented limitation).
inline double glm_alias_threshold(double tol, Eigen::Index p) {
  return std::max(tol * tol, 64.0 * static_cast<double>(p) * kEps);
}

// Columns j0..j1-1 of W (lower part), already updated by every kept column
// before j0, are finished one at a time (left-looking within the panel): the
// column takes the contributions of the panel's earlier columns (an aliased
// column's entries are zero, so it contributes nothing), then its pivot is
// tested exactly as the unblocked rule does.  d0: A's diagonal plus pen.
inline void glm_chol_panel(Mat& W, Eigen::Index j0, Eigen::Index j1, const Vec& d0,
                           double thr, std::vector<char>& keep) {
  using Eigen::Index;
  const Index p = W.rows();
  for (Index j = j0; j < j1; ++j) {
    const Index m = p - j, k = j - j0;
    if (k > 0)
      W.col(j).tail(m).noalias() -=
          W.block(j, j0, m, k) * W.row(j).segment(j0, k).transpose();
    const double dj = W(j, j);
    const double orig = d0(j) > 0 ? d0(j) : 1.0;
    if (!(dj > 0) || !(dj >= thr * orig)) {
      keep[static_cast<size_t>(j)] = 0;
      W.col(j).tail(m).setZero();
      continue;
    }
    const double ljj = std::sqrt(dj);
    W(j, j) = ljj;
    W.col(j).tail(m - 1) /= ljj;
  }
}

// Blocked right-looking Cholesky of the lower triangle of W (= A + diag(pen)
// on entry) in the original column order, with glm's column-by-column
// aliasing rule: column j is aliased when its Schur complement pivot, after
// the kept columns before it, is below thr times A_jj + pen_j.  Panels of nb
// columns are finished by glm_chol_panel; the trailing matrix then takes one
// symmetric rank-nb update (Eigen's blocked SYRK; Golub & Van Loan,
// Sec. 4.2.9, Algorithm 4.2.4 with the pivot test added).  Aliased columns
// are left zero, so they drop out of every update: the decisions are those
// of the unblocked rule up to rounding in the order of the sums.
inline std::vector<char> glm_chol_blocked(Mat& W, double thr, Eigen::Index nb = 96) {
  using Eigen::Index;
  const Index p = W.rows();
  const Vec d0 = W.diagonal();
  std::vector<char> keep(static_cast<size_t>(p), 1);
  for (Index j0 = 0; j0 < p; j0 += nb) {
    const Index j1 = std::min(p, j0 + nb), m = p - j1;
    glm_chol_panel(W, j0, j1, d0, thr, keep);
    if (m > 0)
      W.bottomRightCorner(m, m).selfadjointView<Eigen::Lower>().rankUpdate(
          W.block(j1, j0, m, j1 - j0), -1.0);
  }
  return keep;
}

// Move the kept rows/columns of the factor (lower, original order) to the
// top-left r x r corner, transposed to upper (R11 = L11'), zeros elsewhere.
// Compaction walks the destinations in column-major order; every source lies
// at or after its destination, so nothing is overwritten before it is read.
inline void glm_chol_compact(Mat& W, const std::vector<int>& kept) {
  using Eigen::Index;
  const Index p = W.rows(), r = static_cast<Index>(kept.size());
  if (r < p)
    for (Index c = 0; c < r; ++c)
      for (Index a = c; a < r; ++a)
        W(a, c) = W(kept[static_cast<size_t>(a)], kept[static_cast<size_t>(c)]);
  for (Index c = 1; c < r; ++c)
    for (Index a = 0; a < c; ++a) W(a, c) = W(c, a);
  for (Index c = 0; c < p; ++c) {
    if (c < r)
      W.col(c).tail(p - c - 1).setZero();
    else
      W.col(c).setZero();
  }
}

}  // namespace detail

// Solve (A + diag(pen)) beta = b.  `pen` adds a ridge term (0 = none); the
// aliasing test uses the unpenalised-plus-penalty diagonal A_jj + pen_j, as
// the unblocked rule did (kept verbatim in cpptests/glm_chol_ref.hpp).  The
// factor is formed in out.R itself, so the working memory is one p x p matrix.
inline GlmSolve glm_chol_solve(const Mat& A, const Vec& b, double tol,
                               const Vec& pen) {
  using Eigen::Index;
  const Index p = A.rows();
  GlmSolve out;
  out.R = A;
  out.R.diagonal() += pen;
  const std::vector<char> keep =
      detail::glm_chol_blocked(out.R, detail::glm_alias_threshold(tol, p));
  std::vector<int> kept, aliased;
  for (Index j = 0; j < p; ++j)
    (keep[static_cast<size_t>(j)] ? kept : aliased).push_back(static_cast<int>(j));
  const Index r = static_cast<Index>(kept.size());
  out.rank = static_cast<int>(r);
  out.pivot = kept;
  out.pivot.insert(out.pivot.end(), aliased.begin(), aliased.end());
  detail::glm_chol_compact(out.R, kept);
  const auto R11 = out.R.topLeftCorner(r, r);
  Vec bk(r);
  for (Index a = 0; a < r; ++a) bk(a) = b(kept[static_cast<size_t>(a)]);
  out.effects = R11.transpose().triangularView<Eigen::Lower>().solve(bk);
  const Vec beta = R11.triangularView<Eigen::Upper>().solve(out.effects);
  out.coef = Vec::Constant(p, kNaN);
  for (Index a = 0; a < r; ++a) out.coef(kept[static_cast<size_t>(a)]) = beta(a);
  // Columns of aliased variables: R12 = L11^{-1} A[kept, aliased], as in QR.
  const Index na = p - r;
  if (na > 0 && r > 0) {
    Mat R12(r, na);
    for (Index q = 0; q < na; ++q)
      for (Index a = 0; a < r; ++a)
        R12(a, q) = A(kept[static_cast<size_t>(a)], aliased[static_cast<size_t>(q)]);
    R11.transpose().triangularView<Eigen::Lower>().solveInPlace(R12);
    out.R.topRightCorner(r, na) = R12;
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
