// cpptests/glm_tests.cpp -- tests of the R-free GLM kernels
// (newtonr/glm_xtwx.hpp: X'WX and X beta; newtonr/glm_chol.hpp: the
// aliasing Cholesky; newtonr/glm_irls.hpp: the whole IRLS loop) against
// naive Eigen computations; the thread-count determinism of the blocked
// kernels on forced multi-chunk partitions (asserting the partition really
// had 2, 4 and 7 chunks); the AVX2/FMA kernels of src/glm_avx2.cpp (linked
// into this test binary) against the portable ones, and the CPU test of
// newtonr/glm_simd.hpp against /proc/cpuinfo.  Kept apart from
// core_tests.cpp because the GLM kernel has its own owner: if its interface
// changes, only this file needs updating.
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_irls.hpp>
#include <newtonr/glm_xtwx.hpp>

#include <newtonr/glm_simd.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "check.hpp"

using newtonr::Mat;
using newtonr::Vec;

namespace {

struct IrlsOut {
  newtonr::GlmIrlsResult res;
  std::vector<double> eta_a, eta_b, mu, w, resid;
};

// glm_irls on (X, y) with unit prior weights, zero offset and glm.fit's
// starting values for the family (mustart from y, eta = linkfun(mustart)).
IrlsOut run_irls(const Mat& X, const Vec& y, const char* family, const char* link,
                 int threads, const double* scale = nullptr, int maxit = 25,
                 const newtonr::GlmKernels& kern = newtonr::GlmKernels()) {
  const Eigen::Index n = X.rows(), p = X.cols();
  newtonr::GlmFamily fam;
  const bool ok = newtonr::glm_family_from_names(family, link, "", fam);
  CHECK(ok);
  static Vec wt, off;
  wt = Vec::Ones(n);
  off = Vec::Zero(n);
  IrlsOut o;
  o.eta_a.resize(static_cast<size_t>(n));
  o.eta_b.resize(static_cast<size_t>(n));
  o.mu.resize(static_cast<size_t>(n));
  o.w.resize(static_cast<size_t>(n));
  o.resid.resize(static_cast<size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double ms = std::string(family) == "binomial" ? (y(i) + 0.5) / 2 : y(i) + 0.1;
    const std::string lk(link);
    o.eta_a[static_cast<size_t>(i)] =
        lk == "logit" ? std::log(ms / (1 - ms)) : lk == "log" ? std::log(ms) : y(i);
  }
  newtonr::GlmData d;
  d.X = X.data();
  d.n = n;
  d.p = p;
  d.y = y.data();
  d.wt = wt.data();
  d.off = off.data();
  d.scale = scale;
  newtonr::GlmBuffers buf;
  buf.eta_a = o.eta_a.data();
  buf.eta_b = o.eta_b.data();
  buf.mu = o.mu.data();
  buf.weights = o.w.data();
  buf.residuals = o.resid.data();
  newtonr::GlmIrlsSettings st;
  st.epsilon = 1e-10;
  st.threads = threads;
  st.maxit = maxit;
  newtonr::Interrupter intr;
  o.res = newtonr::glm_irls(d, fam, buf, nullptr, Vec::Zero(p), st, kern, intr);
  return o;
}

// Newton's method on the log-likelihood with dense Eigen algebra (the
// reference): canonical links, so Newton = Fisher scoring.
Vec naive_glm(const Mat& X, const Vec& y, bool logistic) {
  Vec beta = Vec::Zero(X.cols());
  for (int it = 0; it < 50; ++it) {
    const Vec eta = X * beta;
    Vec mu(eta.size()), v(eta.size());
    for (Eigen::Index i = 0; i < eta.size(); ++i) {
      mu(i) = logistic ? 1 / (1 + std::exp(-eta(i))) : std::exp(eta(i));
      v(i) = logistic ? mu(i) * (1 - mu(i)) : mu(i);
    }
    const Mat H = X.transpose() * v.asDiagonal() * X;
    const Vec step = H.ldlt().solve(X.transpose() * (y - mu));
    beta += step;
    if (step.norm() < 1e-14 * (1 + beta.norm())) break;
  }
  return beta;
}

void irls_chunk_tests(const Mat& X, const Vec& yb, const IrlsOut& one_chunk);  // below

void glm_irls_tests() {
  const Eigen::Index n = 3000, p = 4;
  unsigned long s = 987654321;
  auto unif = [&s] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  Mat X(n, p);
  Vec yb(n), yp(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    X(i, 0) = 1;
    for (Eigen::Index j = 1; j < p; ++j) X(i, j) = unif() * 2 - 1;
    const double eta = 0.3 + 0.8 * X(i, 1) - 0.5 * X(i, 2) + 0.2 * X(i, 3);
    yb(i) = unif() < 1 / (1 + std::exp(-eta)) ? 1 : 0;
    // a small Poisson count by inversion
    const double lam = std::exp(0.5 * eta);
    double u = unif(), pk = std::exp(-lam), cdf = pk;
    int k = 0;
    while (u > cdf && k < 50) {
      ++k;
      pk *= lam / k;
      cdf += pk;
    }
    yp(i) = k;
  }
  // logistic and Poisson regression against the naive Newton iteration
  IrlsOut lo = run_irls(X, yb, "binomial", "logit", 1);
  CHECK(lo.res.converged);
  const Vec bl = naive_glm(X, yb, true);
  for (Eigen::Index j = 0; j < p; ++j) CHECK_NEAR(lo.res.coef(j), bl(j), 1e-7);
  IrlsOut po = run_irls(X, yp, "poisson", "log", 2);
  CHECK(po.res.converged);
  const Vec bp = naive_glm(X, yp, false);
  for (Eigen::Index j = 0; j < p; ++j) CHECK_NEAR(po.res.coef(j), bp(j), 1e-7);
  // fitted means are the inverse link of the final eta
  CHECK_NEAR(po.mu[7], std::exp(po.res.eta[7]), 1e-12);

  // bit-identical for 1, 2 and 4 threads on forced chunks (and AVX2)
  irls_chunk_tests(X, yb, lo);

  // Column equilibration (GlmData::scale): exact, so scaling X's columns by
  // powers of two scales the coefficients exactly, and X * 1e300 (X'WX would
  // overflow) or a 1e-300 column (its X'WX entries would underflow) give the
  // unscaled fit's coefficients.
  Mat Xs = X;
  Xs.col(1) *= std::ldexp(1.0, 600);
  Xs.col(2) *= std::ldexp(1.0, -700);
  newtonr::GlmColScan scan = newtonr::glm_col_scan(Xs.data(), n, p, 2);
  CHECK(scan.finite && scan.scale.size() == p);
  IrlsOut ls = run_irls(Xs, yb, "binomial", "logit", 1, scan.scale.data());
  CHECK(ls.res.converged);
  CHECK(ls.res.coef(0) == lo.res.coef(0) && ls.res.coef(3) == lo.res.coef(3));
  CHECK(ls.res.coef(1) == std::ldexp(lo.res.coef(1), -600));
  CHECK(ls.res.coef(2) == std::ldexp(lo.res.coef(2), 700));
  Mat Xh = X * 1e300;
  scan = newtonr::glm_col_scan(Xh.data(), n, p, 1);
  CHECK(scan.finite && scan.scale.size() == p);
  IrlsOut lh = run_irls(Xh, yb, "binomial", "logit", 4, scan.scale.data());
  CHECK(lh.res.converged);
  for (Eigen::Index j = 0; j < p; ++j) CHECK_NEAR(lh.res.coef(j) * 1e300, bl(j), 1e-7);
  CHECK(lh.res.solve.R.allFinite());
  // a matrix of ordinary scale needs no equilibration; a non-finite one is flagged
  scan = newtonr::glm_col_scan(X.data(), n, p, 1);
  CHECK(scan.finite && scan.scale.size() == 0);
  // a subnormal column (1e-310) or one near overflow gets a normal, finite scale
  Mat Xe = X;
  Xe.col(1) *= 1e-310;
  Xe.col(2) *= 1e308 / 1.5;
  scan = newtonr::glm_col_scan(Xe.data(), n, p, 1);
  CHECK(scan.finite && scan.scale.size() == p && scan.scale.allFinite());
  CHECK(scan.scale(1) <= std::ldexp(1.0, 1022) && scan.scale(2) >= std::ldexp(1.0, -1022));
  CHECK((Xe.col(1) * scan.scale(1)).cwiseAbs().maxCoeff() > 1e-16);
  Mat Xn = X;
  Xn(5, 2) = newtonr::kInf;
  CHECK(!newtonr::glm_col_scan(Xn.data(), n, p, 2).finite);
  Xn(5, 2) = newtonr::kNaN;
  CHECK(!newtonr::glm_col_scan(Xn.data(), n, p, 2).finite);

  // a response of size 1e300 (deviance overflows) is glm's error, not
  // silent NaN coefficients
  const Vec yg = (yp.array() + 1).matrix() * 1e300;
  CHECK_THROWS(std::runtime_error, run_irls(X, yg, "gaussian", "identity", 1));

  // maxit < 1 (an NA from R arrives as INT_MIN) is refused: the loop would
  // not run and there would be no solve to report (issue 12)
  CHECK_THROWS(std::invalid_argument, run_irls(X, yb, "binomial", "logit", 1, nullptr, 0));
  CHECK_THROWS(std::invalid_argument, run_irls(X, yb, "binomial", "logit", 1, nullptr, INT_MIN));
  // any thread request is capped (at the blocks of work, and at
  // kGlmMaxThreads): 1e5 threads made OpenMP abort
  CHECK(newtonr::glm_threads(100000, 16) == 16);
  CHECK(newtonr::glm_threads(INT_MAX) <= newtonr::kGlmMaxThreads);
  CHECK(newtonr::glm_threads(-5, 3) >= 1);
  const IrlsOut many = run_irls(X, yb, "binomial", "logit", INT_MAX);
  const IrlsOut one = run_irls(X, yb, "binomial", "logit", 1);
  CHECK(many.res.converged);
  CHECK((many.res.coef - one.res.coef).cwiseAbs().maxCoeff() == 0.0);
}


// ---- blocked kernels: forced chunks, thread-count determinism, AVX2 -------

// Kernels that record what the blocked loops asked of them, then run the
// real kernel (`panel`, `pack`): the row offset of each call (the w pointer
// of a panel call, the eta pointer of a pack call forming X beta, relative
// to `base`; nullptr: offsets not recorded) and the tallest panel.  Calls
// come from several threads, hence the mutex.
struct Recorder {
  std::mutex mu;
  const double* base = nullptr;
  std::set<std::ptrdiff_t> starts;
  std::ptrdiff_t max_m = 0;
  newtonr::GlmPanelKernel panel = &newtonr::glm_panel_portable;
  newtonr::GlmPackKernel pack = &newtonr::glm_pack_portable;
  void reset(const double* b) {
    base = b;
    starts.clear();
    max_m = 0;
  }
  void note(const double* at, std::ptrdiff_t m) {
    std::lock_guard<std::mutex> lock(mu);
    if (base) starts.insert(at - base);
    max_m = std::max(max_m, m);
  }
};
Recorder& rec() {
  static Recorder r;
  return r;
}
void panel_rec(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m, std::ptrdiff_t p,
               const double* w, const double* r, double* T, std::ptrdiff_t ldt, double* A) {
  rec().note(w, m);
  rec().panel(X, ldx, m, p, w, r, T, ldt, A);
}
void pack_rec(const double* X, std::ptrdiff_t ldx, std::ptrdiff_t m, std::ptrdiff_t p,
              const double* beta, const double* off, double* eta, double* Xp, std::ptrdiff_t ldp) {
  if (beta) rec().note(eta, m);
  rec().pack(X, ldx, m, p, beta, off, eta, Xp, ldp);
}

// A pseudo-random design (column 0 the intercept), weights and residuals.
struct Design {
  Mat X;
  Vec w, r, beta, off;
};
Design make_design(Eigen::Index n, Eigen::Index p, unsigned long seed) {
  auto unif = [&seed] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(seed >> 11) / 9007199254740992.0;
  };
  Design d{Mat(n, p), Vec(n), Vec(n), Vec(p), Vec(n)};
  for (Eigen::Index i = 0; i < n; ++i) {
    d.X(i, 0) = 1;
    for (Eigen::Index j = 1; j < p; ++j) d.X(i, j) = unif() * 2 - 1;
    d.w(i) = 0.5 + unif();
    d.r(i) = unif() - 0.5;
    d.off(i) = unif() - 0.5;
  }
  for (Eigen::Index j = 0; j < p; ++j) d.beta(j) = unif() * 2 - 1;
  return d;
}

// The stated tolerance of every blocked result against a reference formed
// in another order: |error| <= 2 (n + 2) eps (|X|'|W||X|) entrywise (twice
// the classical bound gamma_{n+1} of a sum of n products, one per side).
template <class M>
bool within_bound(const M& A, const M& Aref, const M& Aabs, Eigen::Index n) {
  const double tol = 2.0 * static_cast<double>(n + 2) * 2.220446049250313e-16;
  return ((A - Aref).cwiseAbs().array() <= tol * Aabs.array()).all();
}

// X'WX, X'r and X beta on 1, 2, 4 and 7 forced chunks, each with 1, 2 and 4
// threads: the chunks really are 1/2/4/7 (the recorded row offsets are
// exactly the chunk starts), each result lies within the bound of the naive
// product, and for a given partition the three thread counts agree bit for
// bit.  `simd`: the same with the AVX2 kernels inside.
void chunk_tests(const Design& d, bool simd) {
  const Eigen::Index n = d.X.rows(), p = d.X.cols();
  Recorder& R = rec();
  R.panel = simd ? &newtonr_glm_panel_avx2 : &newtonr::glm_panel_portable;
  R.pack = simd ? &newtonr_glm_pack_avx2 : &newtonr::glm_pack_portable;
  newtonr::GlmKernels k;
  k.panel = &panel_rec;
  k.pack = &pack_rec;
  const Mat Aref = d.X.transpose() * d.w.asDiagonal() * d.X;
  const Mat Aabs = d.X.cwiseAbs().transpose() * d.w.asDiagonal() * d.X.cwiseAbs();
  const Vec bref = d.X.transpose() * d.r, babs = d.X.cwiseAbs().transpose() * d.r.cwiseAbs();
  const Vec eref = d.X * d.beta + d.off;
  const Vec eabs = d.X.cwiseAbs() * d.beta.cwiseAbs() + d.off.cwiseAbs();
  for (const int nc : {1, 2, 4, 7}) {
    k.chunk_rows = (n + nc - 1) / nc;
    // one panel per chunk, so the recorded offsets are the chunk starts
    CHECK(k.chunk_rows <= newtonr::GlmBlocking(n, p).panel);
    std::set<std::ptrdiff_t> want;
    for (int c = 0; c < nc; ++c) want.insert(c * k.chunk_rows);
    Mat A1;
    Vec b1, e1;
    for (const int t : {1, 2, 4}) {
      Mat A;
      Vec b, eta(n);
      R.reset(d.w.data());
      newtonr::glm_xtwx(d.X.data(), n, p, d.w.data(), d.r.data(), A, b, t, k);
      CHECK(R.starts == want);
      R.reset(eta.data());
      newtonr::glm_xb(d.X.data(), n, p, d.beta.data(), d.off.data(), eta.data(), t, k);
      CHECK(R.starts == want);
      if (t == 1) {
        A1 = A;
        b1 = b;
        e1 = eta;
        CHECK(within_bound(A, Aref, Aabs, n));
        CHECK(within_bound(b, bref, babs, n));
        CHECK(within_bound(eta, eref, eabs, p));
        CHECK((A - A.transpose()).cwiseAbs().maxCoeff() == 0.0);
      } else {
        CHECK(A == A1);
        CHECK(b == b1);
        CHECK(eta == e1);
      }
    }
  }
  R.reset(nullptr);
}

// The AVX2/FMA kernels against the portable ones on awkward shapes (row
// counts not a multiple of 4, every p mod 4 and the tile edges of p = 13):
// X'WX, X'r and X beta within the bound of each other, the packed copy
// exact, and eta the same bits whether or not X is packed on the way.
void avx2_tests() {
  if (!newtonr_glm_have_avx2()) {
    std::printf("glm_tests: this CPU lacks AVX2/FMA: AVX2 kernel tests skipped\n");
    return;
  }
  const newtonr::GlmKernels simd = newtonr::glm_simd_kernels(true);
  CHECK(simd.panel == &newtonr_glm_panel_avx2 && simd.pack == &newtonr_glm_pack_avx2);
  CHECK(newtonr::glm_simd_kernels(false).panel == &newtonr::glm_panel_portable);
  const Eigen::Index n = 1003;
  for (const Eigen::Index p : {1, 2, 3, 4, 5, 7, 13}) {
    const Design d = make_design(n, p, 777 + static_cast<unsigned long>(p));
    Mat A, Ap, A2;
    Vec b, bp, b2;
    newtonr::glm_xtwx(d.X.data(), n, p, d.w.data(), d.r.data(), A, b, 2, simd);
    newtonr::glm_xtwx(d.X.data(), n, p, d.w.data(), d.r.data(), Ap, bp, 1);
    newtonr::glm_xtwx(d.X.data(), n, p, d.w.data(), d.r.data(), A2, b2, 1, simd);
    const Mat Aabs = d.X.cwiseAbs().transpose() * d.w.asDiagonal() * d.X.cwiseAbs();
    const Vec babs = d.X.cwiseAbs().transpose() * d.r.cwiseAbs();
    CHECK(within_bound(A, Ap, Aabs, n) && within_bound(b, bp, babs, n));
    CHECK(A == A2 && b == b2);  // deterministic
    // the pack kernel on its own, m = n rows into a padded buffer
    const std::ptrdiff_t ldp = n + 5;
    std::vector<double> Xp(static_cast<size_t>(ldp * p), -1.0), Xq = Xp;
    Vec e1(n), e2(n), e3(n);
    newtonr_glm_pack_avx2(d.X.data(), n, n, p, d.beta.data(), d.off.data(), e1.data(), Xp.data(), ldp);
    newtonr_glm_pack_avx2(d.X.data(), n, n, p, d.beta.data(), d.off.data(), e2.data(), nullptr, ldp);
    newtonr_glm_pack_avx2(d.X.data(), n, n, p, nullptr, nullptr, nullptr, Xq.data(), ldp);
    newtonr::glm_pack_portable(d.X.data(), n, n, p, d.beta.data(), d.off.data(), e3.data(), nullptr, ldp);
    bool copied = true;
    for (Eigen::Index j = 0; j < p; ++j)
      for (Eigen::Index i = 0; i < n; ++i)
        copied = copied && Xp[static_cast<size_t>(i + j * ldp)] == d.X(i, j) &&
                 Xq[static_cast<size_t>(i + j * ldp)] == d.X(i, j);
    CHECK(copied);
    CHECK(e1 == e2);
    const Vec eabs = d.X.cwiseAbs() * d.beta.cwiseAbs() + d.off.cwiseAbs();
    CHECK(within_bound(e1, e3, eabs, p));
  }
  chunk_tests(make_design(1003, 7, 4242), true);
}

// newtonr::cpu_has_avx2_fma() (cpuid + xgetbv) against the kernel's own
// view, the "flags" line of /proc/cpuinfo (Linux on x86; elsewhere skipped).
void cpu_tests() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (f && std::getline(f, line))
    if (line.rfind("flags", 0) == 0) break;
  if (line.rfind("flags", 0) != 0) {
    std::printf("glm_tests: no x86 flags in /proc/cpuinfo: CPU detection test skipped\n");
    return;
  }
  std::istringstream in(line.substr(line.find(':') + 1));
  std::set<std::string> flags;
  for (std::string t; in >> t;) flags.insert(t);
  const bool want = flags.count("avx2") > 0 && flags.count("fma") > 0;
  CHECK(newtonr::cpu_has_avx2_fma() == want);
  CHECK(newtonr_glm_have_avx2() == want);
}

// Set to true once GlmEngine (glm_irls.hpp) builds its GlmBlocking with the
// kernels' chunk_rows: then the IRLS determinism test below runs on 6
// chunks and fails if the engine ignores the hook.
constexpr bool kEngineHonoursChunkRows = true;

// The whole IRLS loop on 6 forced chunks: bit-identical coefficients,
// deviance and trace for 1, 2 and 4 threads; with the AVX2 kernels, the
// same fit to 1e-10.
void irls_chunk_tests(const Mat& X, const Vec& yb, const IrlsOut& one_chunk) {
  Recorder& R = rec();
  R.panel = &newtonr::glm_panel_portable;
  R.pack = &newtonr::glm_pack_portable;
  R.reset(nullptr);
  newtonr::GlmKernels k;
  k.panel = &panel_rec;
  k.pack = &pack_rec;
  k.chunk_rows = 500;
  const IrlsOut c1 = run_irls(X, yb, "binomial", "logit", 1, nullptr, 25, k);
  if (kEngineHonoursChunkRows)
    CHECK(R.max_m == 500);
  else if (R.max_m != 500)
    std::printf("glm_tests: PENDING: GlmEngine ignores GlmKernels::chunk_rows (IRLS ran 1 chunk)\n");
  const IrlsOut c2 = run_irls(X, yb, "binomial", "logit", 2, nullptr, 25, k);
  const IrlsOut c4 = run_irls(X, yb, "binomial", "logit", 4, nullptr, 25, k);
  CHECK(c1.res.converged);
  CHECK(c2.res.coef == c1.res.coef && c4.res.coef == c1.res.coef);
  CHECK(c2.res.dev == c1.res.dev && c4.res.dev == c1.res.dev);
  CHECK(c2.res.t_dev == c1.res.t_dev && c4.res.t_dev == c1.res.t_dev);
  for (Eigen::Index j = 0; j < X.cols(); ++j)
    CHECK_NEAR(c1.res.coef(j), one_chunk.res.coef(j), 1e-10);
  if (newtonr_glm_have_avx2()) {
    const IrlsOut a = run_irls(X, yb, "binomial", "logit", 2, nullptr, 25,
                               newtonr::glm_simd_kernels(true, 500));
    CHECK(a.res.converged);
    for (Eigen::Index j = 0; j < X.cols(); ++j)
      CHECK_NEAR(a.res.coef(j), one_chunk.res.coef(j), 1e-10);
  }
  R.reset(nullptr);
}

// GlmBlocking's forced partition and glm_col_scan's blocks.
void blocking_tests() {
  const newtonr::GlmBlocking b7(1000, 5, 143);
  CHECK(b7.nc == 7 && b7.row0(6) == 858 && b7.row1(6) == 1000 && b7.row1(5) == 858);
  CHECK(newtonr::GlmBlocking(1000, 5).nc == 1);                // automatic: small n, one chunk
  CHECK(newtonr::GlmBlocking(1000, 5, 5000).nc == 1);
  CHECK(newtonr::GlmBlocking(0, 5, 10).nc == 1);
  CHECK_THROWS(std::invalid_argument, newtonr::GlmBlocking(1000, 5, -1));
  // the column scan on 10 blocks per column: the same scales for any threads
  Design d = make_design(1000, 4, 99);
  d.X.col(2) *= std::ldexp(1.0, 300);
  const newtonr::GlmColScan s1 = newtonr::glm_col_scan(d.X.data(), 1000, 4, 1, 100);
  const newtonr::GlmColScan s4 = newtonr::glm_col_scan(d.X.data(), 1000, 4, 4, 100);
  CHECK(s1.finite && s1.scale.size() == 4 && s4.scale == s1.scale);
  CHECK(s1.scale == newtonr::glm_col_scan(d.X.data(), 1000, 4, 1).scale);
  d.X(999, 3) = newtonr::kNaN;  // in the last block of the last column
  CHECK(!newtonr::glm_col_scan(d.X.data(), 1000, 4, 4, 100).finite);
}

}  // namespace

void glm_tests() {
  // deterministic pseudo-random design (no <random>: identical everywhere)
  const Eigen::Index n = 1000, p = 5;
  Mat X(n, p);
  Vec w(n), r(n);
  unsigned long s = 12345;
  auto unif = [&s] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  for (Eigen::Index i = 0; i < n; ++i) {
    X(i, 0) = 1;
    for (Eigen::Index j = 1; j < p; ++j) X(i, j) = unif() * 2 - 1;
    w(i) = 0.5 + unif();
    r(i) = unif() - 0.5;
  }
  Mat A;
  Vec b;
  newtonr::glm_xtwx(X.data(), n, p, w.data(), r.data(), A, b, 1);
  const Mat Aref = X.transpose() * w.asDiagonal() * X;
  const Vec bref = X.transpose() * r;
  CHECK((A - Aref).cwiseAbs().maxCoeff() <= 1e-10 * Aref.cwiseAbs().maxCoeff());
  CHECK((b - bref).cwiseAbs().maxCoeff() <= 1e-10 * std::fmax(1.0, bref.cwiseAbs().maxCoeff()));
  CHECK((A - A.transpose()).cwiseAbs().maxCoeff() == 0.0);
  // thread-count determinism: chunk_tests (below), on forced 2/4/7 chunks

  Vec beta(p), off = Vec::Constant(n, 0.25), eta(n);
  for (Eigen::Index j = 0; j < p; ++j) beta(j) = 0.1 * static_cast<double>(j + 1);
  newtonr::glm_xb(X.data(), n, p, beta.data(), off.data(), eta.data(), 2);
  const Vec eref = X * beta + off;
  CHECK((eta - eref).cwiseAbs().maxCoeff() <= 1e-12);

  // Cholesky solve of the normal equations with an exactly collinear column
  Mat Xc(n, p + 1);
  Xc.leftCols(p) = X;
  Xc.col(p) = X.col(1) * 2.0 - X.col(2);  // aliased, as glm would
  const Mat Ac = Xc.transpose() * w.asDiagonal() * Xc;
  const Vec y = X * beta;
  const Vec bc = Xc.transpose() * w.asDiagonal() * y;
  newtonr::GlmSolve sol = newtonr::glm_chol_solve(Ac, bc, 1e-11, Vec::Zero(p + 1));
  CHECK(sol.rank == p);
  CHECK(std::isnan(sol.coef(p)));
  for (Eigen::Index j = 0; j < p; ++j) CHECK_NEAR(sol.coef(j), beta(j), 1e-8);
  CHECK(sol.pivot.size() == static_cast<size_t>(p + 1) && sol.pivot.back() == p);

  glm_irls_tests();
  blocking_tests();
  chunk_tests(make_design(1000, 5, 2024), false);
  avx2_tests();
  cpu_tests();
}
