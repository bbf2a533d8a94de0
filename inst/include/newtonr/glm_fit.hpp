// newtonr/glm_fit.hpp -- one GLM fit: the evaluator for the family, the
// ridge penalty, the loop with the control's step rule (glm_loop.hpp,
// glm_gd.hpp), glm.fit's n x p QR for the result (glm_qr.hpp), and the
// per-column facts and null deviance the R result needs.  Everything the one
// call from R (src/glm.cpp) computes.
#pragma once

#include <newtonr/glm_gd.hpp>
#include <newtonr/glm_loop.hpp>
#include <newtonr/glm_pass.hpp>
#include <newtonr/glm_qr.hpp>

#include <memory>
#include <vector>

namespace newtonr {

// TRUE when v[0..n) has no NA/NaN/Inf: one pass, no allocation (an input
// check of newton_glm_fit).  x * 0 is NaN exactly when x is not finite;
// four independent sums so the loop is not bound by the latency of one
// addition chain; large vectors in fixed blocks in parallel (a boolean:
// order-free).
inline bool glm_finite_block(const double* v, Eigen::Index i0, Eigen::Index i1) {
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  Eigen::Index i = i0;
  for (; i + 4 <= i1; i += 4) {
    a0 += v[i] * 0.0;
    a1 += v[i + 1] * 0.0;
    a2 += v[i + 2] * 0.0;
    a3 += v[i + 3] * 0.0;
  }
  for (; i < i1; ++i) a0 += v[i] * 0.0;
  return a0 + a1 + a2 + a3 == 0;
}

inline bool glm_all_finite(const double* v, Eigen::Index n, int threads) {
  if (n < (1 << 20)) return glm_finite_block(v, 0, n);
  const Eigen::Index blk = 1 << 16, nb = (n + blk - 1) / blk;
  int bad = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) reduction(| : bad) num_threads(glm_threads(threads, nb))
#endif
  for (Eigen::Index b = 0; b < nb; ++b)
    if (!glm_finite_block(v, b * blk, std::min(n, (b + 1) * blk))) bad = 1;
  return bad == 0;
}

// Per column of X: range (max - min) and whether every entry equals 1 (an
// intercept column, which the ridge penalty leaves out).
struct GlmColInfo {
  Vec range;
  std::vector<bool> ones;
};

inline GlmColInfo glm_col_info(const double* X, Eigen::Index n, Eigen::Index p) {
  GlmColInfo out;
  out.range.resize(p);
  out.ones.assign(static_cast<size_t>(p), true);
  for (Eigen::Index j = 0; j < p; ++j) {
    const double* c = X + j * n;
    double lo = kInf, hi = -kInf;
    bool one = true;
    for (Eigen::Index i = 0; i < n; ++i) {
      lo = std::min(lo, c[i]);
      hi = std::max(hi, c[i]);
      one = one && c[i] == 1.0;
    }
    out.range(j) = n > 0 ? hi - lo : 0.0;
    out.ones[static_cast<size_t>(j)] = one;
  }
  return out;
}

// The sum of the deviance residuals at mu (length 1, recycled as for
// glm's null deviance, or n).
inline double glm_deviance_at(const GlmFamilyFns& fam, const double* y, const double* mu,
                              Eigen::Index mu_len, const double* wt, Eigen::Index n) {
  std::vector<double> m, d(static_cast<size_t>(n));
  if (mu_len != n) {
    m.assign(static_cast<size_t>(n), mu[0]);
    mu = m.data();
  }
  fam.dev_resids(y, mu, wt, d.data(), n);
  return fam.sum(d.data(), n);
}

struct GlmFitOut {
  GlmIrlsResult res;
  GlmColInfo cols;  // empty unless needed (a penalty, or separation_check)
  bool has_qr = false;  // glm.fit's n x p QR of the last solve (glm_qr.hpp)
  GlmQr qr;             // its LINPACK factor (unscaled), over the informative rows
  Vec qty;              // Q' sqrt(W) z: glm's effects
};

// glm.fit's QR of the final weighted problem, for the R object (influence,
// qr.* functions): kept from the loop when its last solve was the QR, else
// formed once at the end when it costs little (n p^2 <= kGlmFullQrWork
// flops, about a tenth of a second) and the rule asks for it; otherwise the
// R side rebuilds it on demand from the model matrix.  Only a factor whose
// aliasing agrees with the fit's is kept.
constexpr double kGlmFullQrWork = 5e7;

inline void glm_fit_qr(GlmFitOut& out, GlmQrPath& path, const GlmLoop& L, bool want) {
  const GlmIrlsResult& res = out.res;
  if (!res.have_solve) return;
  const double work = static_cast<double>(L.n) * static_cast<double>(L.p) * static_cast<double>(L.p);
  if (!path.last) {
    // (not for gradient descent: no least-squares solve made its fit)
    if (!want || work > kGlmFullQrWork || (L.pen.array() != 0).any() || L.s.newton ||
        L.s.algorithm != GlmAlgorithm::Irls)
      return;
    path.factor(L.e_w);
    if (path.qr.rank != res.solve.rank || path.qr.pivot != res.solve.pivot) return;
  }
  out.has_qr = true;
  out.qr = std::move(path.qr);
  out.qty = std::move(path.qty);
  if (L.sc.size() && (L.sc.array() != 1.0).any()) glm_qr_unscale(out.qr, L.sc);
}

// Fitted probabilities numerically 0 or 1 (glm.fit's test, 10 eps).
inline bool glm_extreme_mu(const double* mu, Eigen::Index n) {
  const double eps = 10 * kEps;
  for (Eigen::Index i = 0; i < n; ++i)
    if (mu[i] > 1 - eps || mu[i] < eps) return true;
  return false;
}

// The fit.  buf.eta_a holds the starting eta; start: the starting
// coefficients or nullptr; intercept: glm.fit's argument (the penalty
// spares a column of ones); separation_check: a binomial fit, whose column
// facts are wanted (a pass over X) when fitted probabilities reach 0 or 1.
inline GlmFitOut glm_fit(const GlmData& d, const GlmFamilyFns& fam, const GlmBuffers& buf,
                         const double* start, bool intercept, const GlmControl& s,
                         const GlmKernels& k, Interrupter& intr,
                         const GlmTraceFn& trace = GlmTraceFn(), bool separation_check = false,
                         const GlmSolver& solver = glm_chol_solve, bool full_qr = false) {
  s.validate();
  if (!buf.eta_a || !buf.eta_b || !buf.mu || !buf.weights || !buf.residuals)
    throw std::invalid_argument("glm_fit: missing output buffer");
  const Eigen::Index n = d.n, p = d.p;
  GlmFitOut out;
  const bool penalised = s.lambda > 0 && intercept;
  if (penalised) out.cols = glm_col_info(d.X, n, p);
  std::unique_ptr<GlmEvaluator> eng;
  if (fam.native())
    eng = std::make_unique<GlmFusedEvaluator>(d, *fam.native(), s.nthreads(), k);
  else
    eng = std::make_unique<GlmVectorEvaluator>(d, fam, s.nthreads(), k);
  out.res.chunks = eng->chunks();
  GlmLoop L(*eng, s, solver, n, p, out.res, trace);
  L.pen_raw = Vec::Constant(p, s.lambda);
  if (penalised)
    for (Eigen::Index j = 0; j < p; ++j)
      if (out.cols.ones[static_cast<size_t>(j)]) L.pen_raw(j) = 0;
  if (d.scale) L.sc = Eigen::Map<const Vec>(d.scale, p);
  L.pen = d.scale ? glm_scale_pen(L.pen_raw, L.sc) : L.pen_raw;
  L.coefold = Vec::Zero(p);
  L.has_old = start != nullptr;
  if (start)
    for (Eigen::Index j = 0; j < p; ++j) L.coefold(j) = std::isnan(start[j]) ? 0.0 : start[j] / L.sc(j);
  L.e_old = buf.eta_a;
  L.e_new = buf.eta_b;
  GlmIrlsStep irls;
  GlmGdStep gd(irls);
  GlmStepRule& rule = s.algorithm == GlmAlgorithm::Gd ? static_cast<GlmStepRule&>(gd) : irls;
  GlmQrPath qrpath(d, *eng, s.tol());
  if (s.algorithm == GlmAlgorithm::Irls && !s.newton && !(L.pen.array() != 0).any())
    L.refine = [&qrpath](GlmSolve& sol, const GlmPass& ev, const double* eta) { qrpath(sol, ev, eta); };
  glm_loop(L, rule, intr);
  glm_fit_qr(out, qrpath, L, full_qr);
  GlmIrlsResult& res = out.res;
  // coefficients: NaN where the last solve aliased the column
  res.coef = L.c0.cwiseProduct(L.sc);
  if (d.scale && res.have_solve) glm_unscale_solve(res.solve, L.sc);
  if (res.have_solve)
    for (Eigen::Index a = res.solve.rank; a < p; ++a)
      res.coef(res.solve.pivot[static_cast<size_t>(a)]) = kNaN;
  eng->finish(res.eta, L.e_w, buf);
  if (separation_check && !penalised && glm_extreme_mu(buf.mu, n)) out.cols = glm_col_info(d.X, n, p);
  return out;
}

}  // namespace newtonr
