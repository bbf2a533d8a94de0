// newtonr/glm_xtwx.hpp -- weighted cross products X'WX and X'r for IRLS.
//
// Why blocked: the rows are cut into a FIXED number of chunks (independent of
// the thread count); each chunk's partial X'WX is formed on its own and the
// partials are summed in chunk order.  Floating-point addition is not
// associative, so fixing both the partition and the reduction order is what
// makes the result bit-identical for 1, 2 or 64 threads.
// X is read in place (column-major, leading dimension n): no copy is made.
#pragma once

#include <newtonr/common.hpp>

#include <algorithm>
#include <cstddef>
#include <vector>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace newtonr {

// Number of row chunks; fixed so the answer does not depend on threads.
inline Eigen::Index glm_n_chunks(Eigen::Index n) {
  const Eigen::Index min_rows = 4096;
  Eigen::Index k = (n + min_rows - 1) / min_rows;
  return std::max<Eigen::Index>(1, std::min<Eigen::Index>(k, 32));
}

// Optional SIMD kernel for the lower triangle of T'X over one row panel
// (see src/glm_avx2.cpp); nullptr selects the portable Eigen product.
using GlmSyrkKernel = void (*)(const double* T, std::ptrdiff_t ldt, const double* X,
                               std::ptrdiff_t ldx, std::ptrdiff_t m, std::ptrdiff_t p,
                               double* A);

// A = X' diag(w) X (full symmetric), b = X' r.  Rows with w == 0 and r == 0
// contribute nothing.  `threads` <= 0 means OpenMP's default.
inline void glm_xtwx(const double* X, Eigen::Index n, Eigen::Index p,
                     const double* w, const double* r, Mat& A, Vec& b,
                     int threads, GlmSyrkKernel kernel = nullptr) {
  using Eigen::Index;
  const Index nc = glm_n_chunks(n);
  const Index per = (n + nc - 1) / nc;
  std::vector<Mat> partA(static_cast<size_t>(nc));
  std::vector<Vec> partb(static_cast<size_t>(nc));
  const Index blk = 128;  // rows per panel (cache-sized)
#ifdef _OPENMP
  int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(static, 1) num_threads(nt)
#endif
  for (Index c = 0; c < nc; ++c) {
    const Index r0 = c * per, r1 = std::min(n, r0 + per);
    Mat Ac = Mat::Zero(p, p);
    Vec bc = Vec::Zero(p);
    Mat T(blk, p);
    for (Index s = r0; s < r1; s += blk) {
      const Index m = std::min(blk, r1 - s);
      Eigen::Map<const Mat, 0, Eigen::OuterStride<>> Xs(X + s, m, p,
                                                        Eigen::OuterStride<>(n));
      Eigen::Map<const Vec> ws(w + s, m), rs(r + s, m);
      T.topRows(m) = ws.asDiagonal() * Xs;
      if (kernel) {
        kernel(T.data(), blk, X + s, n, m, p, Ac.data());
      } else {
        Ac.triangularView<Eigen::Lower>() += T.topRows(m).transpose() * Xs;
      }
      bc.noalias() += Xs.transpose() * rs;
    }
    partA[static_cast<size_t>(c)] = std::move(Ac);
    partb[static_cast<size_t>(c)] = std::move(bc);
  }
  A = Mat::Zero(p, p);
  b = Vec::Zero(p);
  for (Index c = 0; c < nc; ++c) {  // fixed reduction order
    A += partA[static_cast<size_t>(c)];
    b += partb[static_cast<size_t>(c)];
  }
  A.triangularView<Eigen::StrictlyUpper>() = A.transpose();
}

// eta = X beta + offset over the same fixed row chunks (so each row's sum is
// formed identically whatever the thread count), threaded with OpenMP.
inline void glm_xb(const double* X, Eigen::Index n, Eigen::Index p, const double* beta,
                   const double* offset, double* eta, int threads) {
  using Eigen::Index;
  const Index nc = glm_n_chunks(n);
  const Index per = (n + nc - 1) / nc;
  Eigen::Map<const Vec> b(beta, p);
#ifdef _OPENMP
  int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(static, 1) num_threads(nt)
#endif
  for (Index c = 0; c < nc; ++c) {
    const Index r0 = c * per, r1 = std::min(n, r0 + per);
    if (r1 <= r0) continue;
    Eigen::Map<const Mat, 0, Eigen::OuterStride<>> Xs(X + r0, r1 - r0, p,
                                                      Eigen::OuterStride<>(n));
    Eigen::Map<Vec> e(eta + r0, r1 - r0);
    e.noalias() = Xs * b;
    e += Eigen::Map<const Vec>(offset + r0, r1 - r0);
  }
}

}  // namespace newtonr
