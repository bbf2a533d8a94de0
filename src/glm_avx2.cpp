// glm_avx2.cpp -- AVX2/FMA kernel for the X'WX accumulation of IRLS.
//
// R compiles packages with -O2 and no -march, so Eigen only gets SSE2.  This
// translation unit holds ONE function compiled for AVX2+FMA through a target
// attribute; it uses raw pointers and intrinsics only (no Eigen, no R headers)
// so no inline function is ever compiled twice with different ISAs (ODR).
// The glue calls it only when __builtin_cpu_supports says the CPU has both.
#include <cstddef>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define NEWTONR_HAVE_AVX2_KERNEL 1

namespace {
__attribute__((target("avx2,fma"))) inline double hsum(__m256d v) {
  __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
  lo = _mm_add_pd(lo, hi);
  return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}
}  // namespace

// A(i, j) += sum_r T[r + i*ldt] * X[r + j*ldx] for the lower triangle (i >= j,
// entries above the diagonal inside 4x4 diagonal tiles are written too and
// later discarded).  A is p x p column-major.  4x4 register tiles: 8 loads
// feed 16 FMAs per 4 rows (dot-product form, horizontal sums per tile).
__attribute__((target("avx2,fma"))) void newtonr_glm_syrk_avx2(
    const double* T, std::ptrdiff_t ldt, const double* X, std::ptrdiff_t ldx,
    std::ptrdiff_t m, std::ptrdiff_t p, double* A) {
  const std::ptrdiff_t m4 = m - m % 4;
  for (std::ptrdiff_t i0 = 0; i0 < p; i0 += 4) {
    const std::ptrdiff_t ni = (p - i0) < 4 ? (p - i0) : 4;
    for (std::ptrdiff_t j0 = 0; j0 <= i0; j0 += 4) {
      const std::ptrdiff_t nj = (p - j0) < 4 ? (p - j0) : 4;
      if (ni == 4 && nj == 4) {
        __m256d acc[4][4];
        for (int a = 0; a < 4; ++a)
          for (int b = 0; b < 4; ++b) acc[a][b] = _mm256_setzero_pd();
        const double* t0 = T + i0 * ldt;
        const double* x0 = X + j0 * ldx;
        for (std::ptrdiff_t r = 0; r < m4; r += 4) {
          __m256d tv[4], xv[4];
          for (int a = 0; a < 4; ++a) tv[a] = _mm256_loadu_pd(t0 + a * ldt + r);
          for (int b = 0; b < 4; ++b) xv[b] = _mm256_loadu_pd(x0 + b * ldx + r);
          for (int a = 0; a < 4; ++a)
            for (int b = 0; b < 4; ++b) acc[a][b] = _mm256_fmadd_pd(tv[a], xv[b], acc[a][b]);
        }
        for (int a = 0; a < 4; ++a)
          for (int b = 0; b < 4; ++b) {
            double s = hsum(acc[a][b]);
            for (std::ptrdiff_t r = m4; r < m; ++r) s += t0[a * ldt + r] * x0[b * ldx + r];
            A[(i0 + a) + (j0 + b) * p] += s;
          }
      } else {
        for (std::ptrdiff_t a = 0; a < ni; ++a)
          for (std::ptrdiff_t b = 0; b < nj; ++b) {
            const double* tc = T + (i0 + a) * ldt;
            const double* xc = X + (j0 + b) * ldx;
            __m256d acc = _mm256_setzero_pd();
            for (std::ptrdiff_t r = 0; r < m4; r += 4)
              acc = _mm256_fmadd_pd(_mm256_loadu_pd(tc + r), _mm256_loadu_pd(xc + r), acc);
            double s = hsum(acc);
            for (std::ptrdiff_t r = m4; r < m; ++r) s += tc[r] * xc[r];
            A[(i0 + a) + (j0 + b) * p] += s;
          }
      }
    }
  }
}

bool newtonr_glm_have_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
void newtonr_glm_syrk_avx2(const double*, std::ptrdiff_t, const double*, std::ptrdiff_t,
                           std::ptrdiff_t, std::ptrdiff_t, double*) {}
bool newtonr_glm_have_avx2() { return false; }
#endif
