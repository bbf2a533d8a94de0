// newtonr/glm_xtwx.hpp -- blocking and row-panel kernels for X'WX and X'r.
//
// Why blocked: the rows are cut into chunks whose number depends on n only
// (never on the thread count); each chunk's partial X'WX is formed
// sequentially, panel by panel, and the partials are summed in chunk order.
// Floating-point addition is not associative, so fixing both the partition
// and the reduction order is what makes the result bit-identical for 1, 2 or
// 64 threads.  X is read in place (column-major, leading dimension n).
//
// One panel (m rows, sized to stay in L2) is the unit of work: the weighted
// copy T = [diag(w) X_panel, r] is formed once and T' X_panel accumulated
// into a (p+1) x p buffer whose lower p x p triangle is X'WX and whose last
// row is (X'r)'.  The panel kernel may be the AVX2/FMA one of
// src/glm_avx2.cpp (chosen by the glue at run time) or the portable Eigen
// one below.
#pragma once

#include <newtonr/common.hpp>

#include <algorithm>
#include <cstddef>
#include <vector>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace newtonr {

// Panel kernel: T = [w * X, r] (m x (p+1), leading dimension ldt), then
// A ((p+1) x p, leading dimension p+1) += T' X (lower part i >= j needed).
using GlmPanelKernel = void (*)(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m,
                                std::ptrdiff_t p, const double* w, const double* r,
                                double* T, std::ptrdiff_t ldt, double* A);
// Copies m rows of X (leading dimension ldx) into Xp (leading dimension ldp;
// nullptr: no copy) and, when beta != nullptr, forms eta = off + X beta over
// those rows.
// Packing matters: X's columns lie n doubles apart, which maps a panel's
// columns onto the same cache sets; the packed copy is contiguous.
using GlmPackKernel = void (*)(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m,
                               std::ptrdiff_t p, const double* beta, const double* off,
                               double* eta, double* Xp, std::ptrdiff_t ldp);

inline void glm_panel_portable(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m,
                               std::ptrdiff_t p, const double* w, const double* r,
                               double* T, std::ptrdiff_t ldt, double* A) {
  using Eigen::Index;
  Eigen::Map<const Mat, 0, Eigen::OuterStride<>> Xs(X, m, p, Eigen::OuterStride<>(ldx));
  Eigen::Map<Mat, 0, Eigen::OuterStride<>> Ts(T, m, p + 1, Eigen::OuterStride<>(ldt));
  Eigen::Map<const Vec> ws(w, m), rs(r, m);
  Ts.leftCols(p).noalias() = ws.asDiagonal() * Xs;
  Ts.col(p) = rs;
  Eigen::Map<Mat> Am(A, p + 1, p);
  Am.noalias() += Ts.topRows(m).transpose() * Xs;
}

inline void glm_pack_portable(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m,
                              std::ptrdiff_t p, const double* beta, const double* off,
                              double* eta, double* Xp, std::ptrdiff_t ldp) {
  Eigen::Map<const Mat, 0, Eigen::OuterStride<>> Xs(X, m, p, Eigen::OuterStride<>(ldx));
  if (Xp) {
    Eigen::Map<Mat, 0, Eigen::OuterStride<>> P(Xp, m, p, Eigen::OuterStride<>(ldp));
    P = Xs;
  }
  if (!beta) return;
  // columns in order (each row's sum in the same order whether or not X is
  // packed)
  Eigen::Map<Vec> e(eta, m);
  e = Eigen::Map<const Vec>(off, m);
  for (std::ptrdiff_t j = 0; j < p; ++j) e += Xs.col(j) * beta[j];
}

struct GlmKernels {
  GlmPanelKernel panel = &glm_panel_portable;
  GlmPackKernel pack = &glm_pack_portable;
};

// The fixed partition: nc chunks of `per` rows, panels of `panel` rows.
struct GlmBlocking {
  Eigen::Index n = 0, p = 0, nc = 1, per = 0, panel = 64;
  GlmBlocking(Eigen::Index n_, Eigen::Index p_) : n(n_), p(p_) {
    const Eigen::Index min_rows = 4096;
    nc = std::max<Eigen::Index>(1, std::min<Eigen::Index>((n + min_rows - 1) / min_rows, 64));
    // each chunk keeps a (p+1) x p partial sum: at most ~64 MB of them
    const double part_bytes = 8.0 * static_cast<double>(p + 1) * static_cast<double>(p);
    const auto cap = static_cast<Eigen::Index>(64.0 * 1024 * 1024 / part_bytes);
    nc = std::max<Eigen::Index>(1, std::min(nc, cap));
    per = (n + nc - 1) / nc;
    // T and the X panel (~16 KiB x 2 x 16) stay in a 1 MiB L2.
    panel = std::max<Eigen::Index>(64, std::min<Eigen::Index>(1024, (32768 / (p + 1)) / 8 * 8));
    // a leading dimension that is not a multiple of a large power of two
    if (panel % 64 == 0) panel += 8;
  }
  Eigen::Index row0(Eigen::Index c) const { return std::min(n, c * per); }
  Eigen::Index row1(Eigen::Index c) const { return std::min(n, (c + 1) * per); }
};

inline int glm_threads(int threads) {
#ifdef _OPENMP
  return threads > 0 ? threads : omp_get_max_threads();
#else
  (void)threads;
  return 1;
#endif
}

// Sum the chunks' (p+1) x p buffers in chunk order into A (p x p symmetric)
// and b (X'r).
inline void glm_reduce(const std::vector<std::vector<double>>& parts, Eigen::Index p, Mat& A,
                       Vec& b) {
  Mat S = Mat::Zero(p + 1, p);
  for (const auto& part : parts) S += Eigen::Map<const Mat>(part.data(), p + 1, p);
  A = S.topRows(p);
  A.triangularView<Eigen::StrictlyUpper>() = A.transpose();
  b = S.row(p).transpose();
}

// A = X' diag(w) X (full symmetric), b = X' r for given w and r (the R-closure
// path of newton_glm_fit).  `threads` <= 0 means OpenMP's default.
inline void glm_xtwx(const double* X, Eigen::Index n, Eigen::Index p, const double* w,
                     const double* r, Mat& A, Vec& b, int threads,
                     const GlmKernels& k = GlmKernels()) {
  using Eigen::Index;
  const GlmBlocking bl(n, p);
  // all buffers allocated outside the parallel region (see glm_irls.hpp)
  const int nt = glm_threads(threads);
  std::vector<std::vector<double>> parts(static_cast<size_t>(bl.nc));
  for (auto& part : parts) part.assign(static_cast<size_t>((p + 1) * p), 0.0);
  std::vector<std::vector<double>> Ts(static_cast<size_t>(nt)), Xps(static_cast<size_t>(nt));
  for (int t = 0; t < nt; ++t) {
    Ts[static_cast<size_t>(t)].resize(static_cast<size_t>(bl.panel * (p + 1)));
    Xps[static_cast<size_t>(t)].resize(static_cast<size_t>(bl.panel * p));
  }
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
#endif
  for (Index c = 0; c < bl.nc; ++c) {
#ifdef _OPENMP
    const size_t t = static_cast<size_t>(omp_get_thread_num());
#else
    const size_t t = 0;
#endif
    double* T = Ts[t].data();
    double* Xp = Xps[t].data();
    for (Index s = bl.row0(c); s < bl.row1(c); s += bl.panel) {
      const Index m = std::min(bl.panel, bl.row1(c) - s);
      k.pack(X + s, n, m, p, nullptr, nullptr, nullptr, Xp, bl.panel);
      k.panel(Xp, bl.panel, m, p, w + s, r + s, T, bl.panel, parts[static_cast<size_t>(c)].data());
    }
  }
  glm_reduce(parts, p, A, b);
}

// eta = X beta + offset over the fixed chunks/panels, threaded.
inline void glm_xb(const double* X, Eigen::Index n, Eigen::Index p, const double* beta,
                   const double* offset, double* eta, int threads,
                   const GlmKernels& k = GlmKernels()) {
  using Eigen::Index;
  const GlmBlocking bl(n, p);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(glm_threads(threads))
#endif
  for (Index c = 0; c < bl.nc; ++c) {
    for (Index s = bl.row0(c); s < bl.row1(c); s += bl.panel) {
      const Index m = std::min(bl.panel, bl.row1(c) - s);
      k.pack(X + s, n, m, p, beta, offset + s, eta + s, nullptr, bl.panel);
    }
  }
}

}  // namespace newtonr
