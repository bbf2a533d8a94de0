// glm_avx2.cpp -- AVX2/FMA kernels for the row panels of the IRLS pass.
//
// R compiles packages with -O2 and no -march, so Eigen only gets SSE2.  The
// functions here are compiled for AVX2+FMA through target attributes (GCC and
// clang both honour them) and use raw pointers and intrinsics only (no Eigen,
// no R headers), so no inline function is ever compiled twice with different
// ISAs (ODR).  The glue calls them only when the CPU reports both features
// (__builtin_cpu_supports), so the package still runs on any x86-64.
#include <cstddef>

using idx = std::ptrdiff_t;

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define NEWTONR_AVX2 __attribute__((target("avx2,fma")))

namespace {

NEWTONR_AVX2 inline double hsum(__m256d v) {
  __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
  lo = _mm_add_pd(lo, hi);
  return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}

// A(a, b) += sum_r T[r + a*ldt] * X[r + b*ldx], a < TI, b < TJ (A has leading
// dimension lda and points at the tile's corner).  TI*TJ accumulators plus TI
// loaded T vectors plus one X vector fit the 16 ymm registers for 3 x 4, so
// the loop is 7 loads per 12 FMAs with no spills (dot-product form: the sums
// run down the rows; one horizontal sum per entry and panel).
template <int TI, int TJ>
NEWTONR_AVX2 inline void tile(const double* T, idx ldt, const double* X, idx ldx, idx m,
                              double* A, idx lda) {
  __m256d acc[TI][TJ];
  for (int a = 0; a < TI; ++a)
    for (int b = 0; b < TJ; ++b) acc[a][b] = _mm256_setzero_pd();
  const idx m4 = m - m % 4;
  for (idx r = 0; r < m4; r += 4) {
    __m256d t[TI];
    for (int a = 0; a < TI; ++a) t[a] = _mm256_loadu_pd(T + a * ldt + r);
    for (int b = 0; b < TJ; ++b) {
      const __m256d x = _mm256_loadu_pd(X + b * ldx + r);
      for (int a = 0; a < TI; ++a) acc[a][b] = _mm256_fmadd_pd(t[a], x, acc[a][b]);
    }
  }
  for (int a = 0; a < TI; ++a)
    for (int b = 0; b < TJ; ++b) {
      double s = hsum(acc[a][b]);
      for (idx r = m4; r < m; ++r) s += T[a * ldt + r] * X[b * ldx + r];
      A[a + b * lda] += s;
    }
}

// Edge tiles of any size up to 3 x 4 (runtime sizes, same arithmetic order
// as tile<> so results do not depend on where a tile boundary falls... they
// are fixed by p anyway).
NEWTONR_AVX2 inline void tile_edge(const double* T, idx ldt, const double* X, idx ldx, idx m,
                                   idx ni, idx nj, double* A, idx lda) {
  for (idx a = 0; a < ni; ++a)
    for (idx b = 0; b < nj; ++b) {
      const double* tc = T + a * ldt;
      const double* xc = X + b * ldx;
      __m256d acc = _mm256_setzero_pd();
      const idx m4 = m - m % 4;
      for (idx r = 0; r < m4; r += 4)
        acc = _mm256_fmadd_pd(_mm256_loadu_pd(tc + r), _mm256_loadu_pd(xc + r), acc);
      double s = hsum(acc);
      for (idx r = m4; r < m; ++r) s += tc[r] * xc[r];
      A[a + b * lda] += s;
    }
}

}  // namespace

// One IRLS row panel (m rows): T[, j] = w * X[, j] (j < p), T[, p] = r, then
// A += lower triangle of T' X, where A is (p+1) x p with leading dimension
// p+1: rows 0..p-1 hold X'WX (entries with i >= j are the ones used), row p
// holds (X'r)'.  T is an m x (p+1) scratch buffer with leading dimension ldt.
NEWTONR_AVX2 void newtonr_glm_panel_avx2(const double* X, idx ldx, idx m, idx p,
                                         const double* w, const double* r, double* T,
                                         idx ldt, double* A) {
  const idx m4 = m - m % 4;
  for (idx j = 0; j < p; ++j) {
    const double* xc = X + j * ldx;
    double* tc = T + j * ldt;
    for (idx i = 0; i < m4; i += 4)
      _mm256_storeu_pd(tc + i, _mm256_mul_pd(_mm256_loadu_pd(w + i), _mm256_loadu_pd(xc + i)));
    for (idx i = m4; i < m; ++i) tc[i] = w[i] * xc[i];
  }
  for (idx i = 0; i < m; ++i) T[p * ldt + i] = r[i];
  const idx pT = p + 1, lda = p + 1;
  constexpr int TI = 3, TJ = 4;
  for (idx i0 = 0; i0 < pT; i0 += TI) {
    const idx ni = (pT - i0) < TI ? (pT - i0) : TI;
    const double* Ti = T + i0 * ldt;
    // tiles with some j <= i (lower triangle), j < p
    for (idx j0 = 0; j0 < p && j0 <= i0 + ni - 1; j0 += TJ) {
      const idx nj = (p - j0) < TJ ? (p - j0) : TJ;
      double* Aij = A + i0 + j0 * lda;
      if (ni == TI && nj == TJ) {
        tile<TI, TJ>(Ti, ldt, X + j0 * ldx, ldx, m, Aij, lda);
      } else {
        tile_edge(Ti, ldt, X + j0 * ldx, ldx, m, ni, nj, Aij, lda);
      }
    }
  }
}

// eta[i] = off[i] + sum_j X[i + j*ldx] * beta[j] for m rows, columns taken
// four at a time down the panel (streams each column once, in order).
NEWTONR_AVX2 void newtonr_glm_xb_avx2(const double* X, idx ldx, idx m, idx p,
                                      const double* beta, const double* off, double* eta) {
  for (idx i = 0; i < m; ++i) eta[i] = off[i];
  const idx m4 = m - m % 4;
  idx j = 0;
  for (; j + 4 <= p; j += 4) {
    const double *x0 = X + j * ldx, *x1 = x0 + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
    const __m256d b0 = _mm256_set1_pd(beta[j]), b1 = _mm256_set1_pd(beta[j + 1]),
                  b2 = _mm256_set1_pd(beta[j + 2]), b3 = _mm256_set1_pd(beta[j + 3]);
    for (idx i = 0; i < m4; i += 4) {
      __m256d e = _mm256_loadu_pd(eta + i);
      e = _mm256_fmadd_pd(_mm256_loadu_pd(x0 + i), b0, e);
      e = _mm256_fmadd_pd(_mm256_loadu_pd(x1 + i), b1, e);
      e = _mm256_fmadd_pd(_mm256_loadu_pd(x2 + i), b2, e);
      e = _mm256_fmadd_pd(_mm256_loadu_pd(x3 + i), b3, e);
      _mm256_storeu_pd(eta + i, e);
    }
    for (idx i = m4; i < m; ++i) {
      double e = eta[i];
      e = __builtin_fma(x0[i], beta[j], e);
      e = __builtin_fma(x1[i], beta[j + 1], e);
      e = __builtin_fma(x2[i], beta[j + 2], e);
      e = __builtin_fma(x3[i], beta[j + 3], e);
      eta[i] = e;
    }
  }
  for (; j < p; ++j) {
    const double* xc = X + j * ldx;
    const __m256d bj = _mm256_set1_pd(beta[j]);
    for (idx i = 0; i < m4; i += 4)
      _mm256_storeu_pd(eta + i, _mm256_fmadd_pd(_mm256_loadu_pd(xc + i), bj,
                                                _mm256_loadu_pd(eta + i)));
    for (idx i = m4; i < m; ++i) eta[i] = __builtin_fma(xc[i], beta[j], eta[i]);
  }
}

bool newtonr_glm_have_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
void newtonr_glm_panel_avx2(const double*, idx, idx, idx, const double*, const double*,
                            double*, idx, double*) {}
void newtonr_glm_xb_avx2(const double*, idx, idx, idx, const double*, const double*,
                         double*) {}
bool newtonr_glm_have_avx2() { return false; }
#endif
