// cpptests/glm_chol_ref.hpp -- the reference aliasing Cholesky: the
// unblocked, row-by-row glm_chol_solve of newtonr/glm_chol.hpp as it was
// before the blocked factorisation (branch glmdense, issue 17), kept verbatim
// (renamed glm_chol_solve_ref) so that cpptests/glm_chol_tests.cpp can check
// that the blocked one makes identical aliasing decisions.
#pragma once

#include <newtonr/glm_chol.hpp>

#include <algorithm>
#include <vector>

namespace newtonr {

// Solve (A + diag(pen)) beta = b.  `pen` adds a ridge term (0 = none); the
// aliasing test uses the unpenalised diagonal so aliasing matches glm.
inline GlmSolve glm_chol_solve_ref(const Mat& A, const Vec& b, double tol,
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

}  // namespace newtonr
