// glm_syrk_avx2.cpp -- the AVX2/FMA X'WX kernel for many columns (p >=
// kGlmBigP in glm_xtwx.hpp): one row panel's rank-m update of the lower
// triangle of X'WX, blocked like a GEMM (Goto & van de Geijn, "Anatomy of
// high-performance matrix multiplication", ACM TOMS 34(3), 2008; the 8 x 6
// register tile of BLIS's Haswell kernel).  The panel kernel of glm_avx2.cpp
// takes dot products over a short panel and re-reads the whole p x p result
// per 64 rows, so at p in the thousands it is bound by memory traffic; here
// the panel is long (256 rows), both factors are packed once per panel, and
// a block of 96 rows of W X' stays in L2 while 6-column slices of X stream
// through L1.  Compiled for AVX2+FMA through target attributes only (see
// glm_avx2.cpp: no -mavx2, no Eigen, no R headers).
#include <newtonr/glm_simd.hpp>

#include <cstddef>

using idx = std::ptrdiff_t;

#if NEWTONR_X86_GNUC
#include <immintrin.h>
#define NEWTONR_AVX2 __attribute__((target("avx2,fma")))

namespace {

constexpr idx kMR = 8, kNR = 6, kMC = 96;

// C(0:ni, 0:nj) += sum_k a_k b_k' with a_k = Tp[8k .. 8k+7] and b_k =
// Xq[6k .. 6k+5] (C column-major, leading dimension ldc).  Twelve
// accumulators (8 rows x 6 columns), two T vectors and one broadcast: 15 of
// the 16 ymm registers.  Each entry's sum runs over k in order.
NEWTONR_AVX2 inline void micro86(const double* Tp, const double* Xq, idx m, double* C, idx ldc,
                                 idx ni, idx nj) {
  __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (idx k = 0; k < m; ++k, Tp += kMR, Xq += kNR) {
    const __m256d a0 = _mm256_loadu_pd(Tp), a1 = _mm256_loadu_pd(Tp + 4);
    __m256d b = _mm256_broadcast_sd(Xq);
    c00 = _mm256_fmadd_pd(a0, b, c00);
    c01 = _mm256_fmadd_pd(a1, b, c01);
    b = _mm256_broadcast_sd(Xq + 1);
    c10 = _mm256_fmadd_pd(a0, b, c10);
    c11 = _mm256_fmadd_pd(a1, b, c11);
    b = _mm256_broadcast_sd(Xq + 2);
    c20 = _mm256_fmadd_pd(a0, b, c20);
    c21 = _mm256_fmadd_pd(a1, b, c21);
    b = _mm256_broadcast_sd(Xq + 3);
    c30 = _mm256_fmadd_pd(a0, b, c30);
    c31 = _mm256_fmadd_pd(a1, b, c31);
    b = _mm256_broadcast_sd(Xq + 4);
    c40 = _mm256_fmadd_pd(a0, b, c40);
    c41 = _mm256_fmadd_pd(a1, b, c41);
    b = _mm256_broadcast_sd(Xq + 5);
    c50 = _mm256_fmadd_pd(a0, b, c50);
    c51 = _mm256_fmadd_pd(a1, b, c51);
  }
  alignas(32) double t[kNR][kMR];
  const __m256d acc[kNR][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                               {c30, c31}, {c40, c41}, {c50, c51}};
  for (idx j = 0; j < kNR; ++j) {
    _mm256_store_pd(t[j], acc[j][0]);
    _mm256_store_pd(t[j] + 4, acc[j][1]);
  }
  for (idx j = 0; j < nj; ++j)
    for (idx i = 0; i < ni; ++i) C[i + j * ldc] += t[j][i];
}

// Tp: rows of T' = [diag(w) X S, r]' in groups of 8 (row i < p: w_k s_i
// X_ki; row p: r_k; zero beyond), each group k-major.  Xq: columns of X S in
// groups of 6 (zero beyond p), k-major.
NEWTONR_AVX2 void pack(const double* X, idx ldx, idx m, idx p, const double* w,
                       const double* r, const double* scale, double* Tp, double* Xq) {
  const idx ng = (p + 1 + kMR - 1) / kMR, nh = (p + kNR - 1) / kNR;
  for (idx g = 0; g < ng; ++g)
    for (idx ii = 0; ii < kMR; ++ii) {
      const idx i = g * kMR + ii;
      double* dst = Tp + g * kMR * m + ii;
      if (i < p) {
        const double* xc = X + i * ldx;
        const double s = scale ? scale[i] : 1.0;
        for (idx k = 0; k < m; ++k) dst[k * kMR] = w[k] * (xc[k] * s);
      } else {
        for (idx k = 0; k < m; ++k) dst[k * kMR] = i == p ? r[k] : 0.0;
      }
    }
  for (idx h = 0; h < nh; ++h)
    for (idx jj = 0; jj < kNR; ++jj) {
      const idx j = h * kNR + jj;
      double* dst = Xq + h * kNR * m + jj;
      const double* xc = X + j * ldx;
      const double s = scale && j < p ? scale[j] : 1.0;
      for (idx k = 0; k < m; ++k) dst[k * kNR] = j < p ? xc[k] * s : 0.0;
    }
}

}  // namespace

// A ((p+1) x p, leading dimension p+1) += T' (X S) over the m rows of X
// (leading dimension ldx) for the tiles that touch the lower triangle; rows
// 0..p-1 of A are X'WX (entries i >= j), row p is (X'r)'.  scale: column
// scales S (nullptr = none).  Tp and Xq: scratch of ceil((p+1)/8)*8*m and
// ceil(p/6)*6*m doubles.
NEWTONR_AVX2 void newtonr_glm_syrk_avx2(const double* X, idx ldx, idx m, idx p, const double* w,
                                        const double* r, const double* scale, double* Tp,
                                        double* Xq, double* A) {
  pack(X, ldx, m, p, w, r, scale, Tp, Xq);
  const idx rows = p + 1, lda = p + 1;
  const idx ng = (rows + kMR - 1) / kMR, nh = (p + kNR - 1) / kNR;
  for (idx g0 = 0; g0 < ng; g0 += kMC / kMR) {
    const idx g1 = g0 + kMC / kMR < ng ? g0 + kMC / kMR : ng;
    const idx ilast = (g1 * kMR < rows ? g1 * kMR : rows) - 1;
    for (idx h = 0; h < nh && h * kNR <= ilast; ++h) {
      const idx j0 = h * kNR, nj = p - j0 < kNR ? p - j0 : kNR;
      for (idx g = g0; g < g1; ++g) {
        const idx i0 = g * kMR, ni = rows - i0 < kMR ? rows - i0 : kMR;
        if (i0 + ni - 1 < j0) continue;  // wholly above the diagonal
        micro86(Tp + g * kMR * m, Xq + h * kNR * m, m, A + i0 + j0 * lda, lda, ni, nj);
      }
    }
  }
}
#else  // not x86 or not GCC/clang: never called (no AVX2 reported)
void newtonr_glm_syrk_avx2(const double*, idx, idx, idx, const double*, const double*,
                           const double*, double*, double*, double*) {}
#endif
