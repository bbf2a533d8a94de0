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
// src/glm_avx2.cpp (declared in glm_simd.hpp; glm_simd_kernels() picks it at
// run time) or the portable Eigen one below.  The blocking can be forced
// (GlmKernels::chunk_rows) so that tests run small problems on many chunks.
// From kGlmBigP = 256 columns on, each 256-row panel goes instead to
// GlmKernels::big, a GEMM-blocked update of the lower triangle
// (src/glm_syrk_avx2.cpp, or Eigen's triangular GEMM; DESIGN-glmdense.md).
#pragma once

#include <newtonr/common.hpp>
#include <newtonr/glm_simd.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
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

// Many columns (p >= kGlmBigP): one long row panel's update of the lower
// triangle, A ((p+1) x p) += [w * X S, r]' (X S) over m rows of X (leading
// dimension ldx; scale S may be nullptr).  Tp, Xq: scratch of
// glm_big_scratch(p, m) doubles each.  The AVX2 one is in
// src/glm_syrk_avx2.cpp; this portable one leaves the blocking to Eigen's
// triangular GEMM (only the lower triangle's flops).
using GlmBigKernel = void (*)(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m,
                              std::ptrdiff_t p, const double* w, const double* r,
                              const double* scale, double* Tp, double* Xq, double* A);

inline std::ptrdiff_t glm_big_scratch(std::ptrdiff_t p, std::ptrdiff_t m) {
  return ((p + 1 + 7) / 8 * 8 + 8) * m;  // >= (p+1) rounded up to 8 and to 6
}

inline void glm_big_portable(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m,
                             std::ptrdiff_t p, const double* w, const double* r,
                             const double* scale, double* Tp, double* Xq, double* A) {
  Eigen::Map<const Mat, 0, Eigen::OuterStride<>> Xs(X, m, p, Eigen::OuterStride<>(ldx));
  Eigen::Map<Mat> Xc(Xq, m, p), T(Tp, m, p);
  Xc = Xs;
  if (scale) Xc *= Eigen::Map<const Vec>(scale, p).asDiagonal();
  T.noalias() = Eigen::Map<const Vec>(w, m).asDiagonal() * Xc;
  Eigen::Map<Mat> Am(A, p + 1, p);
  Am.topRows(p).triangularView<Eigen::Lower>() += T.transpose() * Xc;
  Am.row(p).noalias() += Eigen::Map<const Vec>(r, m).transpose() * Xc;
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
  GlmBigKernel big = &glm_big_portable;
  // Rows per chunk; 0 = automatic (GlmBlocking's rule).  A test hook: forcing
  // small chunks makes a small problem run on several chunks, so that
  // "bit-identical for 1, 2 and 4 threads" tests can fail.  Every user of
  // GlmBlocking passes it on (glm_xtwx, glm_xb, GlmEngine).
  Eigen::Index chunk_rows = 0;
};

// The AVX2/FMA kernels (glm_simd.hpp) when `simd` is asked for and this CPU
// runs them, else the portable ones.  Referencing this function links
// src/glm_avx2.cpp in.
inline GlmKernels glm_simd_kernels(bool simd, Eigen::Index chunk_rows = 0) {
  GlmKernels k;
  if (simd && newtonr_glm_have_avx2()) {
    k.panel = &newtonr_glm_panel_avx2;
    k.pack = &newtonr_glm_pack_avx2;
    k.big = &newtonr_glm_syrk_avx2;
  }
  k.chunk_rows = chunk_rows;
  return k;
}

// From kGlmBigP columns on, X'WX is formed by GlmKernels::big over row
// panels of kGlmBigRows rows (a GEMM-blocked rank-k update of the lower
// triangle) instead of the short-panel dot-product kernel, whose re-reading
// of the whole p x p result every 64 rows made it memory-bound at large p
// (bench/glm-bigp.R).  Below it nothing changes (bench/glm.R's p <= 200).
constexpr Eigen::Index kGlmBigP = 256, kGlmBigRows = 256;

// The fixed partition: nc chunks of `per` rows, panels of `panel` rows.
// chunk_rows = 0: the automatic rule below, which depends on n and p only.
// chunk_rows > 0: chunks of exactly that many rows (the last one shorter),
// nc = ceil(n / chunk_rows) with no cap (a test hook: the caller keeps nc
// sensible).  Either way the partition never depends on the thread count.
struct GlmBlocking {
  Eigen::Index n = 0, p = 0, nc = 1, per = 0, panel = 64;
  GlmBlocking(Eigen::Index n_, Eigen::Index p_, Eigen::Index chunk_rows = 0) : n(n_), p(p_) {
    if (chunk_rows < 0) throw std::invalid_argument("GlmBlocking: chunk_rows must be >= 0");
    nc = chunk_rows > 0 ? std::max<Eigen::Index>(1, (n + chunk_rows - 1) / chunk_rows)
                        : auto_chunks(n, p);
    per = chunk_rows > 0 ? chunk_rows : (n + nc - 1) / nc;
    // T and the X panel (~16 KiB x 2 x 16) stay in a 1 MiB L2.
    panel = std::max<Eigen::Index>(64, std::min<Eigen::Index>(1024, (32768 / (p + 1)) / 8 * 8));
    // a leading dimension that is not a multiple of a large power of two
    if (panel % 64 == 0) panel += 8;
    // many columns: long panels for the GEMM-blocked kernel (GlmBigKernel)
    if (p >= kGlmBigP) panel = kGlmBigRows;
  }
  Eigen::Index row0(Eigen::Index c) const { return std::min(n, c * per); }
  Eigen::Index row1(Eigen::Index c) const { return std::min(n, (c + 1) * per); }

  static Eigen::Index auto_chunks(Eigen::Index n, Eigen::Index p) {
    // A chunk holds at least ~2^18 entries of X: below that, waking a thread
    // costs more than the chunk's arithmetic (and far more on a loaded
    // machine), so small problems run on one thread.
    const Eigen::Index min_rows =
        std::max<Eigen::Index>(4096, (Eigen::Index(1) << 18) / std::max<Eigen::Index>(p, 1));
    Eigen::Index nc =
        std::max<Eigen::Index>(1, std::min<Eigen::Index>((n + min_rows - 1) / min_rows, 64));
    // each chunk keeps a (p+1) x p partial sum: at most ~64 MB of them
    const double part_bytes = 8.0 * static_cast<double>(p + 1) * static_cast<double>(p);
    const auto cap = static_cast<Eigen::Index>(64.0 * 1024 * 1024 / part_bytes);
    return std::max<Eigen::Index>(1, std::min(nc, cap));
  }
};

// Hard ceiling on a team's size, whatever is asked: a request of 1e5
// threads would otherwise make OpenMP try to create them (and abort when
// it cannot).  The results do not depend on the thread count.
constexpr int kGlmMaxThreads = 1024;

inline int glm_threads(int threads) {
#ifdef _OPENMP
  int t = threads > 0 ? threads : omp_get_max_threads();
  const int lim = omp_get_thread_limit();
  if (lim > 0) t = std::min(t, lim);
  return std::max(1, std::min(t, kGlmMaxThreads));
#else
  (void)threads;
  return 1;
#endif
}

// Threads for a loop over `nc` blocks of work: never more threads than
// blocks (nor than glm_threads allows).  Every parallel loop of the GLM code
// sizes its team with this.
inline int glm_threads(int threads, Eigen::Index nc) {
  return static_cast<int>(std::max<Eigen::Index>(1, std::min<Eigen::Index>(glm_threads(threads), nc)));
}

// Column equilibration by exact powers of two.  With S = diag(s), s_j =
// 2^-e_j chosen so that X S has column maxima in [0.5, 1), the IRLS problem
// of X S has the coefficients S^-1 beta, X'WX becomes S (X'WX) S and the
// Cholesky factor R S (IRLS is invariant under column scaling).  Multiplying
// by a power of two is exact in binary floating point, and so is every sum,
// product and square root of the scaled problem relative to the unscaled one
// (rounding is scale-free): the two give bit-identical results whenever the
// unscaled one neither overflows nor underflows.  That is exactly what the
// scaling prevents: X * 1e300 makes X'WX ~ 1e600 (Inf) and a column of size
// 1e-300 makes its diagonal 1e-600 (0, then aliased).  It is applied only
// when some column's magnitude lies outside [2^-kGlmScaleExp, 2^kGlmScaleExp]
// (a multiply per packed element; the n x p matrix is never copied).
constexpr int kGlmScaleExp = 100;

struct GlmColScan {
  bool finite = true;
  Vec scale;  // size p when the columns need scaling, else size 0
};

// One pass over X: whether all entries are finite and, if so, the column
// scales (see above).  Blocks of rows of each column are scanned in parallel;
// max and the finiteness flag are order-free, so the result does not depend
// on the thread count.  block_rows: rows per block (0 = 2^16; a test hook).
inline GlmColScan glm_col_scan(const double* X, Eigen::Index n, Eigen::Index p, int threads,
                               Eigen::Index block_rows = 0) {
  using Eigen::Index;
  const Index blk = block_rows > 0 ? block_rows : Index(1) << 16;
  const Index nb = std::max<Index>(1, (n + blk - 1) / blk);
  const Index ntask = nb * p;
  std::vector<double> mx(static_cast<size_t>(ntask), 0.0);
  std::vector<int> bad(static_cast<size_t>(ntask), 0);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(glm_threads(threads, ntask)) \
    if (n * p >= (1 << 20) || block_rows > 0)
#endif
  for (Index t = 0; t < ntask; ++t) {
    const Index j = t / nb, b = t % nb;
    const double* c = X + j * n;
    const Index i0 = b * blk, i1 = std::min(n, (b + 1) * blk);
    // |x| by its bit pattern with the sign cleared: for non-negative doubles
    // the integer order is the numeric order, and Inf and NaN (exponent all
    // ones) lie above every finite value, so one integer max per entry gives
    // both the column's magnitude and its finiteness.  Four independent
    // chains.
    const std::uint64_t mask = 0x7FFFFFFFFFFFFFFFULL;
    std::uint64_t m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    Index i = i0;
    for (; i + 4 <= i1; i += 4) {
      std::uint64_t u0, u1, u2, u3;
      std::memcpy(&u0, c + i, 8);
      std::memcpy(&u1, c + i + 1, 8);
      std::memcpy(&u2, c + i + 2, 8);
      std::memcpy(&u3, c + i + 3, 8);
      u0 &= mask;
      u1 &= mask;
      u2 &= mask;
      u3 &= mask;
      m0 = m0 < u0 ? u0 : m0;
      m1 = m1 < u1 ? u1 : m1;
      m2 = m2 < u2 ? u2 : m2;
      m3 = m3 < u3 ? u3 : m3;
    }
    for (; i < i1; ++i) {
      std::uint64_t u;
      std::memcpy(&u, c + i, 8);
      u &= mask;
      m0 = m0 < u ? u : m0;
    }
    const std::uint64_t m = std::max(std::max(m0, m1), std::max(m2, m3));
    bad[static_cast<size_t>(t)] = m >= 0x7FF0000000000000ULL;  // Inf or NaN
    double mv;
    std::memcpy(&mv, &m, 8);
    mx[static_cast<size_t>(t)] = mv;
  }
  GlmColScan out;
  for (Index t = 0; t < ntask; ++t)
    if (bad[static_cast<size_t>(t)]) {
      out.finite = false;
      return out;
    }
  Vec s(p);
  bool need = false;
  for (Index j = 0; j < p; ++j) {
    double m = 0;
    for (Index b = 0; b < nb; ++b) m = std::max(m, mx[static_cast<size_t>(j * nb + b)]);
    int e = 0;
    if (m > 0) std::frexp(m, &e);  // m = f 2^e, f in [0.5, 1)
    if (m > 0 && (e > kGlmScaleExp || e < -kGlmScaleExp)) need = true;
    // s itself must be a normal number (a subnormal column max has e <
    // -1021, the largest finite one e = 1024): the scaled maximum then lies
    // in [2^-52, 4) instead of [0.5, 1), which is as good
    e = std::min(1022, std::max(-1022, e));
    s(j) = std::ldexp(1.0, -e);
  }
  if (need) out.scale = s;
  return out;
}

// Multiply the packed panel's columns by their scales (exact: powers of 2).
inline void glm_scale_panel(double* Xp, std::ptrdiff_t ldp, std::ptrdiff_t m, std::ptrdiff_t p,
                            const double* scale) {
  for (std::ptrdiff_t j = 0; j < p; ++j) {
    double* c = Xp + j * ldp;
    const double sj = scale[j];
    for (std::ptrdiff_t i = 0; i < m; ++i) c[i] *= sj;
  }
}

// Sum the chunks' (p+1) x p buffers in chunk order into A (p x p symmetric)
// and b (X'r).  The sum is formed in the first chunk's buffer (no third
// p x p matrix: peak memory at large p), each buffer freed once added; the
// order of the additions, 0 + part 0 + part 1 + ..., is unchanged.
inline void glm_reduce(std::vector<std::vector<double>>& parts, Eigen::Index p, Mat& A, Vec& b) {
  Eigen::Map<Mat> S(parts[0].data(), p + 1, p);
  for (size_t c = 1; c < parts.size(); ++c) {
    S += Eigen::Map<const Mat>(parts[c].data(), p + 1, p);
    std::vector<double>().swap(parts[c]);
  }
  A.resize(p, p);
  A.triangularView<Eigen::Lower>() = S.topRows(p);
  A.triangularView<Eigen::StrictlyUpper>() = A.transpose();
  b = S.row(p).transpose();
}

// A = X' diag(w) X (full symmetric), b = X' r for given w and r (the R-closure
// path of newton_glm_fit).  `threads` <= 0 means OpenMP's default.  With
// `scale` (length p, powers of two; see glm_col_scan) the result is that of
// X diag(scale): S A S and S b.
inline void glm_xtwx(const double* X, Eigen::Index n, Eigen::Index p, const double* w,
                     const double* r, Mat& A, Vec& b, int threads,
                     const GlmKernels& k = GlmKernels(), const double* scale = nullptr) {
  using Eigen::Index;
  const GlmBlocking bl(n, p, k.chunk_rows);
  // all buffers allocated outside the parallel region (see glm_irls.hpp)
  const int nt = glm_threads(threads, bl.nc);
  std::vector<std::vector<double>> parts(static_cast<size_t>(bl.nc));
  for (auto& part : parts) part.assign(static_cast<size_t>((p + 1) * p), 0.0);
  const bool big = p >= kGlmBigP;
  const Index scratch = big ? glm_big_scratch(p, bl.panel) : bl.panel * (p + 1);
  std::vector<std::vector<double>> Ts(static_cast<size_t>(nt)), Xps(static_cast<size_t>(nt));
  for (int t = 0; t < nt; ++t) {
    Ts[static_cast<size_t>(t)].resize(static_cast<size_t>(scratch));
    Xps[static_cast<size_t>(t)].resize(static_cast<size_t>(big ? scratch : bl.panel * p));
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
      if (big) {
        k.big(X + s, n, m, p, w + s, r + s, scale, T, Xp, parts[static_cast<size_t>(c)].data());
        continue;
      }
      k.pack(X + s, n, m, p, nullptr, nullptr, nullptr, Xp, bl.panel);
      if (scale) glm_scale_panel(Xp, bl.panel, m, p, scale);
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
  const GlmBlocking bl(n, p, k.chunk_rows);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(glm_threads(threads, bl.nc))
#endif
  for (Index c = 0; c < bl.nc; ++c) {
    for (Index s = bl.row0(c); s < bl.row1(c); s += bl.panel) {
      const Index m = std::min(bl.panel, bl.row1(c) - s);
      k.pack(X + s, n, m, p, beta, offset + s, eta + s, nullptr, bl.panel);
    }
  }
}

}  // namespace newtonr
