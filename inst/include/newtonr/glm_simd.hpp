// newtonr/glm_simd.hpp -- the AVX2/FMA row-panel kernels of the IRLS pass
// (declared here, defined in src/glm_avx2.cpp and, for many columns,
// src/glm_syrk_avx2.cpp) and the run-time CPU test
// that decides whether they may be called.
//
// Why the kernels live in a .cpp of their own: R compiles packages for the
// baseline ISA (x86-64: SSE2), and CRAN refuses -mavx2 in Makevars.  The
// kernels are therefore compiled for AVX2+FMA through function target
// attributes, in a translation unit that includes neither Eigen nor R (so no
// inline function of a shared header is ever emitted twice with different
// ISAs: an ODR violation that can put AVX instructions into code run on any
// CPU).  This header follows the same rule: it includes no Eigen, so
// src/glm_avx2.cpp can include it to check its definitions against these
// declarations.  The kernels' contracts are those of GlmPanelKernel and
// GlmPackKernel in glm_xtwx.hpp; glm_simd_kernels() there selects them.
//
// CPU detection uses cpuid and xgetbv directly (Intel SDM vol. 1, 14.3
// "Detection of Intel AVX instructions" and 14.5.3 for FMA) rather than
// __builtin_cpu_supports, whose __cpu_model symbol is unresolved with some
// Apple x86_64 toolchains.  AVX2 needs three things: the CPU reports AVX2
// (leaf 7, EBX bit 5) and FMA (leaf 1, ECX bit 12), and the operating system
// saves the YMM registers on a context switch (leaf 1, ECX bit 27 OSXSAVE,
// then XCR0 bits 1 and 2 via xgetbv).  On anything that is not x86 with a
// GCC-compatible compiler the test answers false and the portable kernels run.
#pragma once

#include <cstddef>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <cpuid.h>
#define NEWTONR_X86_GNUC 1
#else
#define NEWTONR_X86_GNUC 0
#endif

// Global names (C++ linkage) kept from before this header existed.
// One IRLS row panel: T = [w * X, r], then A += lower triangle of T' X.
void newtonr_glm_panel_avx2(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m,
                            std::ptrdiff_t p, const double* w, const double* r, double* T,
                            std::ptrdiff_t ldt, double* A);
// Pack m rows of X into Xp and/or form eta = off + X beta over them.
void newtonr_glm_pack_avx2(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m,
                           std::ptrdiff_t p, const double* beta, const double* off, double* eta,
                           double* Xp, std::ptrdiff_t ldp);
// Many columns (src/glm_syrk_avx2.cpp): one long row panel's GEMM-blocked
// update A += lower triangle of [w * X S, r]' (X S); GlmBigKernel's contract.
void newtonr_glm_syrk_avx2(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m,
                           std::ptrdiff_t p, const double* w, const double* r,
                           const double* scale, double* Tp, double* Xq, double* A);
// True when the kernels above were compiled (x86, GCC or clang) and this CPU
// and OS run them (newtonr::cpu_has_avx2_fma(), evaluated once).
bool newtonr_glm_have_avx2();

namespace newtonr {

// AVX2 and FMA usable by this process (see the header comment).
inline bool cpu_has_avx2_fma() {
#if NEWTONR_X86_GNUC
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(1, 0, a, b, c, d);
  const bool fma = (c >> 12) & 1u, osxsave = (c >> 27) & 1u, avx = (c >> 28) & 1u;
  if (!(fma && osxsave && avx)) return false;
  // xgetbv with ecx = 0 reads XCR0; spelt as bytes (0f 01 d0) for assemblers
  // that do not know the mnemonic.  Only valid once OSXSAVE is set.
  unsigned xcr0_lo = 0, xcr0_hi = 0;
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  (void)xcr0_hi;
  if ((xcr0_lo & 0x6u) != 0x6u) return false;  // XMM and YMM state enabled
  __cpuid_count(7, 0, a, b, c, d);
  return (b >> 5) & 1u;  // AVX2
#else
  return false;
#endif
}

}  // namespace newtonr
