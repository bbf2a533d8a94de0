// glm_avx2.cpp -- AVX2/FMA kernels for the row panels of the IRLS pass.
//
// R compiles packages with -O2 and no -march, so Eigen only gets SSE2.  The
// functions here are compiled for AVX2+FMA through target attributes (GCC and
// clang both honour them) and use raw pointers and intrinsics only (no Eigen,
// no R headers), so no inline function is ever compiled twice with different
// ISAs (ODR).  They are declared in newtonr/glm_simd.hpp (no Eigen either),
// which also holds the CPU test (cpuid + xgetbv); the glue calls them only
// when newtonr_glm_have_avx2() is true, so the package runs on any CPU.  Do
// not compile this file with -mavx2: the attributes are all it needs, and
// the flag would let the compiler use AVX in newtonr_glm_have_avx2 itself.
#include <newtonr/glm_simd.hpp>

#include <cstddef>

using idx = std::ptrdiff_t;

#if NEWTONR_X86_GNUC
#include <immintrin.h>
#define NEWTONR_AVX2 __attribute__((target("avx2,fma")))

namespace {

NEWTONR_AVX2 inline double hsum(__m256d v) {
  __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
  lo = _mm_add_pd(lo, hi);
  return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}

// A(a, b) += sum_r T[r + a*ldt] * X[r + b*ldx] for a < 3, b < 4 (A has
// leading dimension lda and points at the tile's corner).  Twelve named
// accumulators plus three loaded T vectors plus one X vector use exactly the
// 16 ymm registers (-O2 does not unroll loops over an accumulator array, so
// they are spelt out): 7 loads per 12 FMAs with no spills (dot-product form,
// the sums run down the rows; one horizontal sum per entry and panel).
NEWTONR_AVX2 inline void tile34(const double* T, idx ldt, const double* X, idx ldx, idx m,
                                double* A, idx lda) {
  const double *t0 = T, *t1 = T + ldt, *t2 = T + 2 * ldt;
  const double *x0 = X, *x1 = X + ldx, *x2 = X + 2 * ldx, *x3 = X + 3 * ldx;
  __m256d c00 = _mm256_setzero_pd(), c01 = c00, c02 = c00, c03 = c00;
  __m256d c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  __m256d c20 = c00, c21 = c00, c22 = c00, c23 = c00;
  const idx m4 = m - m % 4;
  for (idx r = 0; r < m4; r += 4) {
    const __m256d a0 = _mm256_loadu_pd(t0 + r), a1 = _mm256_loadu_pd(t1 + r),
                  a2 = _mm256_loadu_pd(t2 + r);
    __m256d b = _mm256_loadu_pd(x0 + r);
    c00 = _mm256_fmadd_pd(a0, b, c00);
    c10 = _mm256_fmadd_pd(a1, b, c10);
    c20 = _mm256_fmadd_pd(a2, b, c20);
    b = _mm256_loadu_pd(x1 + r);
    c01 = _mm256_fmadd_pd(a0, b, c01);
    c11 = _mm256_fmadd_pd(a1, b, c11);
    c21 = _mm256_fmadd_pd(a2, b, c21);
    b = _mm256_loadu_pd(x2 + r);
    c02 = _mm256_fmadd_pd(a0, b, c02);
    c12 = _mm256_fmadd_pd(a1, b, c12);
    c22 = _mm256_fmadd_pd(a2, b, c22);
    b = _mm256_loadu_pd(x3 + r);
    c03 = _mm256_fmadd_pd(a0, b, c03);
    c13 = _mm256_fmadd_pd(a1, b, c13);
    c23 = _mm256_fmadd_pd(a2, b, c23);
  }
  const __m256d acc[3][4] = {{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23}};
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 4; ++b) {
      double s = hsum(acc[a][b]);
      for (idx r = m4; r < m; ++r) s += T[a * ldt + r] * X[b * ldx + r];
      A[a + b * lda] += s;
    }
}

// Edge tiles of any size up to 3 x 4 (runtime sizes, same arithmetic order
// as tile34 so results do not depend on where a tile boundary falls... they
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

// One IRLS row panel (m rows, X packed by newtonr_glm_pack_avx2): T[, j] = w * X[, j] (j < p), T[, p] = r, then
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
        tile34(Ti, ldt, X + j0 * ldx, ldx, m, Aij, lda);
      } else {
        tile_edge(Ti, ldt, X + j0 * ldx, ldx, m, ni, nj, Aij, lda);
      }
    }
  }
}

// Packs the panel's m rows of X (leading dimension ldx, typically n: its
// columns lie n * 8 bytes apart, which maps them all to the same cache sets)
// into the contiguous buffer Xp (leading dimension ldp), and, when beta is
// given, forms eta[i] = off[i] + sum_j X[i + j*ldx] * beta[j] on the way
// (columns four at a time, each streamed once, in order).  Xp == nullptr:
// eta only.  Both branches add the columns in the same order with the same
// FMAs, so eta does not depend on whether X is also packed.
NEWTONR_AVX2 void newtonr_glm_pack_avx2(const double* X, idx ldx, idx m, idx p,
                                        const double* beta, const double* off, double* eta,
                                        double* Xp, idx ldp) {
  const idx m4 = m - m % 4;
  if (!beta) {
    for (idx j = 0; j < p; ++j) {
      const double* xc = X + j * ldx;
      double* pc = Xp + j * ldp;
      for (idx i = 0; i < m4; i += 4) _mm256_storeu_pd(pc + i, _mm256_loadu_pd(xc + i));
      for (idx i = m4; i < m; ++i) pc[i] = xc[i];
    }
    return;
  }
  for (idx i = 0; i < m; ++i) eta[i] = off[i];
  if (!Xp) {  // eta only: no copy wanted
    const double* x0 = X;
    idx j = 0;
    for (; j + 4 <= p; j += 4, x0 += 4 * ldx) {
      const double *x1 = x0 + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
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
    for (; j < p; ++j, x0 += ldx) {
      const __m256d bj = _mm256_set1_pd(beta[j]);
      for (idx i = 0; i < m4; i += 4)
        _mm256_storeu_pd(eta + i, _mm256_fmadd_pd(_mm256_loadu_pd(x0 + i), bj,
                                                  _mm256_loadu_pd(eta + i)));
      for (idx i = m4; i < m; ++i) eta[i] = __builtin_fma(x0[i], beta[j], eta[i]);
    }
    return;
  }
  idx j = 0;
  for (; j + 4 <= p; j += 4) {
    const double *x0 = X + j * ldx, *x1 = x0 + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
    double *p0 = Xp + j * ldp, *p1 = p0 + ldp, *p2 = p1 + ldp, *p3 = p2 + ldp;
    const __m256d b0 = _mm256_set1_pd(beta[j]), b1 = _mm256_set1_pd(beta[j + 1]),
                  b2 = _mm256_set1_pd(beta[j + 2]), b3 = _mm256_set1_pd(beta[j + 3]);
    for (idx i = 0; i < m4; i += 4) {
      const __m256d v0 = _mm256_loadu_pd(x0 + i), v1 = _mm256_loadu_pd(x1 + i),
                    v2 = _mm256_loadu_pd(x2 + i), v3 = _mm256_loadu_pd(x3 + i);
      _mm256_storeu_pd(p0 + i, v0);
      _mm256_storeu_pd(p1 + i, v1);
      _mm256_storeu_pd(p2 + i, v2);
      _mm256_storeu_pd(p3 + i, v3);
      __m256d e = _mm256_loadu_pd(eta + i);
      e = _mm256_fmadd_pd(v0, b0, e);
      e = _mm256_fmadd_pd(v1, b1, e);
      e = _mm256_fmadd_pd(v2, b2, e);
      e = _mm256_fmadd_pd(v3, b3, e);
      _mm256_storeu_pd(eta + i, e);
    }
    for (idx i = m4; i < m; ++i) {
      p0[i] = x0[i]; p1[i] = x1[i]; p2[i] = x2[i]; p3[i] = x3[i];
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
    double* pc = Xp + j * ldp;
    const __m256d bj = _mm256_set1_pd(beta[j]);
    for (idx i = 0; i < m4; i += 4) {
      const __m256d v = _mm256_loadu_pd(xc + i);
      _mm256_storeu_pd(pc + i, v);
      _mm256_storeu_pd(eta + i, _mm256_fmadd_pd(v, bj, _mm256_loadu_pd(eta + i)));
    }
    for (idx i = m4; i < m; ++i) {
      pc[i] = xc[i];
      eta[i] = __builtin_fma(xc[i], beta[j], eta[i]);
    }
  }
}

bool newtonr_glm_have_avx2() {
  static const bool ok = newtonr::cpu_has_avx2_fma();  // thread-safe, once
  return ok;
}
#else  // not x86 or not GCC/clang: stubs, never called (no AVX2 reported)
void newtonr_glm_panel_avx2(const double*, idx, idx, idx, const double*, const double*,
                            double*, idx, double*) {}
void newtonr_glm_pack_avx2(const double*, idx, idx, idx, const double*, const double*,
                           double*, double*, idx) {}
bool newtonr_glm_have_avx2() { return false; }
#endif
