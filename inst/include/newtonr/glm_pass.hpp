// newtonr/glm_pass.hpp -- one pass of the IRLS loop over the data.
//
// A pass evaluates the model at a linear predictor eta (first formed as
// X beta + offset when coefficients are given): mu, the deviance, validity;
// and, when asked, the working weights w and right-hand side r and their
// accumulation X'WX, X'r (glm_xtwx.hpp).  The loop (glm_loop.hpp) sees only
// GlmEvaluator.  Two implementations:
//  * GlmFusedEvaluator, for the families of glm_family.hpp: at n = 1e6, p =
//    50 the model matrix is 400 MB, so a pass over X costs more than the
//    family's arithmetic; each pass reads X once and, per row panel, forms
//    eta, mu, the deviance contribution, w, r and accumulates [W X, r]' X
//    into the chunk's buffer.  Buffers are reduced in a fixed chunk order
//    (bit-identical for any thread count).
//  * GlmVectorEvaluator, for any family (GlmFamilyFns, e.g. R closures
//    called by the glue): the family's functions on whole vectors, then the
//    blocked X'WX of glm_xtwx.hpp.  Its arithmetic keeps the order of
//    glm.fit's R expressions (weights * mu.eta^2 / variance) and sums the
//    deviance in long double as R's sum() does.
// Working weights: Fisher's w = wt mu.eta^2 / V; with `newton` the observed
// information (McCullagh & Nelder 1989, Sec. 2.5; w - wt (y - mu) dq); the
// right-hand side r = w (eta - offset) + u (IRLS) or u = wt (y - mu) mu.eta / V
// (the score, for gradient descent).
#pragma once

#include <newtonr/common.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_xtwx.hpp>

#include <algorithm>
#include <vector>

namespace newtonr {

// The data, read in place: X (n x p column-major), y, prior weights, offset.
struct GlmData {
  const double* X = nullptr;
  Eigen::Index n = 0, p = 0;
  const double* y = nullptr;
  const double* wt = nullptr;
  const double* off = nullptr;
  // per-column powers of two (length p) when X's columns need equilibrating
  // (glm_col_scan in glm_xtwx.hpp), else nullptr.  The loop then works with
  // X S: X'WX, the coefficients and the penalty in scaled coordinates, and
  // hands back unscaled results.
  const double* scale = nullptr;
};

// Where the loop writes its n-vectors (the caller owns them, e.g. R
// vectors, so nothing is copied afterwards): two linear-predictor buffers
// (the accepted and the trial eta; eta_a holds the starting eta on entry),
// and the final mu, working weights and working residuals.
struct GlmBuffers {
  double* eta_a = nullptr;
  double* eta_b = nullptr;
  double* mu = nullptr;
  double* weights = nullptr;
  double* residuals = nullptr;
};

// What a pass forms besides the deviance.
struct GlmPassKind {
  bool accumulate = false;  // X'WX and X'r
  bool newton = false;      // observed-information weights
  bool score = false;       // r = u (the score) instead of IRLS's working response
};

// The result of one pass.
struct GlmPass {
  double dev = 0;
  bool valid = true;
  bool na_var = false, zero_var = false, na_mu_eta = false;
  // observed weights not all finite and >= 0: A must be formed again with
  // Fisher's weights (an evaluator may instead fall back by itself)
  bool newton_bad = false;
  Eigen::Index ngood = 0;
  bool accumulated = false, newton = false, score = false;
  Mat A;  // X'WX (of X S when scaled)
  Vec b;  // X'r
};

// The fixed partition of the rows for kernels `k` (k.chunk_rows > 0, a test
// hook set by options(newtonr.chunk_rows), forces chunks of that many rows so
// that a small problem runs on several chunks; see GlmBlocking).
inline GlmBlocking glm_blocking(Eigen::Index n, Eigen::Index p, const GlmKernels& k) {
  return GlmBlocking(n, p, k.chunk_rows);
}

class GlmEvaluator {
 public:
  virtual ~GlmEvaluator() = default;
  // Evaluate at eta (formed as X beta + offset first when beta != nullptr;
  // beta unscaled).  Reports problems in flags, never throws from a
  // parallel region.
  virtual GlmPass run(const double* beta, double* eta, const GlmPassKind& kind) const = 0;
  // Final per-row quantities at eta (mu, working residuals) and glm's
  // working weights at eta_w (zero where the row was not "good").
  virtual void finish(const double* eta, const double* eta_w, const GlmBuffers& buf) const = 0;
  // The number of row chunks of a pass (for tests of the blocking).
  virtual Eigen::Index chunks() const = 0;
};

class GlmFusedEvaluator : public GlmEvaluator {
 public:
  GlmFusedEvaluator(const GlmData& d, const GlmFamily& f, int threads, const GlmKernels& k)
      : d_(d), f_(f), bl_(glm_blocking(d.n, d.p, k)), nt_(glm_threads(threads, bl_.nc)), k_(k) {}
  Eigen::Index chunks() const override { return bl_.nc; }

  // Evaluate at eta (computed as X beta + offset first when beta != nullptr;
  // beta unscaled); with kind.accumulate also X'WX and X'r.  Never throws
  // (flags only): it runs in parallel.
  GlmPass run(const double* beta, double* eta, const GlmPassKind& kind) const override {
    const bool accumulate = kind.accumulate;
    using Eigen::Index;
    const Index p = d_.p;
    const Index nc = bl_.nc;
    // Everything is allocated here, before the parallel region, so that an
    // allocation failure throws in the caller's thread (an exception may not
    // leave an OpenMP region).
    std::vector<std::vector<double>> parts(accumulate ? static_cast<size_t>(nc) : 0);
    for (auto& part : parts) part.assign(static_cast<size_t>((p + 1) * p), 0.0);
    struct Scratch {
      std::vector<double> T, w, r, Xp;
    };
    std::vector<Scratch> scratch(static_cast<size_t>(nt_));
    // many columns: GlmKernels::big reads X in place and packs its own
    // operands (glm_xtwx.hpp, kGlmBigP)
    const bool big = p >= kGlmBigP;
    if (accumulate) {
      const Index scr = big ? glm_big_scratch(p, bl_.panel) : bl_.panel * (p + 1);
      for (auto& sc : scratch) {
        sc.Xp.resize(static_cast<size_t>(big ? scr : bl_.panel * p));
        sc.T.resize(static_cast<size_t>(scr));
        sc.w.resize(static_cast<size_t>(bl_.panel));
        sc.r.resize(static_cast<size_t>(bl_.panel));
      }
    }
    std::vector<double> devc(static_cast<size_t>(nc), 0.0);
    std::vector<Index> goodc(static_cast<size_t>(nc), 0);
    std::vector<int> flagc(static_cast<size_t>(nc), 0);
#ifdef _OPENMP
#pragma omp parallel num_threads(nt_)
#endif
    {
#ifdef _OPENMP
    Scratch& sc = scratch[static_cast<size_t>(omp_get_thread_num())];
#else
    Scratch& sc = scratch[0];
#endif
    std::vector<double>&T = sc.T, &w = sc.w, &r = sc.r, &Xp = sc.Xp;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (Index c = 0; c < nc; ++c) {
      double* Ac = accumulate ? parts[static_cast<size_t>(c)].data() : nullptr;
      double dev = 0;
      int flags = 0;
      Index ngood = 0;
      for (Index s = bl_.row0(c); s < bl_.row1(c); s += bl_.panel) {
        const Index m = std::min(bl_.panel, bl_.row1(c) - s);
        const bool packed = accumulate && !big;
        if (packed || beta)
          k_.pack(d_.X + s, d_.n, m, p, beta, d_.off + s, eta + s,
                  packed ? Xp.data() : nullptr, bl_.panel);
        if (packed && d_.scale) glm_scale_panel(Xp.data(), bl_.panel, m, p, d_.scale);
        flags |= rows(s, m, eta, kind, w.data(), r.data(), dev, ngood);
        if (packed)
          k_.panel(Xp.data(), bl_.panel, m, p, w.data(), r.data(), T.data(), bl_.panel, Ac);
        else if (accumulate)
          k_.big(d_.X + s, d_.n, m, p, w.data(), r.data(), d_.scale, T.data(), Xp.data(), Ac);
      }
      devc[static_cast<size_t>(c)] = dev;
      goodc[static_cast<size_t>(c)] = ngood;
      flagc[static_cast<size_t>(c)] = flags;
    }
    }  // parallel
    return reduce(parts, devc, goodc, flagc, kind);
  }

  // Final per-row quantities at eta (mu, working residuals) and glm's
  // working weights at eta_w (zero where the row was not "good").
  void finish(const double* eta, const double* eta_w, const GlmBuffers& buf) const override {
    using Eigen::Index;
    const Index n = d_.n;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nt_)
#endif
    for (Index i = 0; i < n; ++i) {
      double mu, me;
      f_.mu_and_mu_eta(eta[i], mu, me);
      buf.mu[i] = mu;
      buf.residuals[i] = (d_.y[i] - mu) / me;
      double muw = mu;
      if (eta_w != eta) f_.mu_and_mu_eta(eta_w[i], muw, me);
      buf.weights[i] =
          (d_.wt[i] > 0 && me != 0) ? d_.wt[i] * me * me / f_.variance(muw) : 0.0;
    }
  }

 private:
  // The family's arithmetic on rows s .. s+m-1 of one panel: adds to the
  // chunk's deviance and count of informative rows, writes the working
  // weights and right-hand side (w, r; with kind.accumulate), returns flags.
  int rows(Eigen::Index s, Eigen::Index m, const double* eta, const GlmPassKind& kind, double* w,
           double* r, double& dev_sum, Eigen::Index& ngood_sum) const {
    using Eigen::Index;
    const bool chk_eta = f_.needs_valideta(), chk_mu = f_.needs_validmu();
    int flags = 0;
    double dev = dev_sum;  // locals: the stores to w and r cannot alias them
    Index ngood = ngood_sum;
    for (Index i = 0; i < m; ++i) {
      const Index row = s + i;
      const double e = eta[row], y = d_.y[row], wt = d_.wt[row];
      if (chk_eta && !f_.valid_eta(e)) flags |= kInvalid;
      double mu, me;
      if (kind.accumulate) {
        f_.mu_and_mu_eta(e, mu, me);
      } else {
        mu = f_.linkinv(e);
        me = 0;
      }
      if (chk_mu && !f_.valid_mu(mu)) flags |= kInvalid;
      dev += f_.dev_resid(y, mu, wt);
      if (!kind.accumulate) continue;
      double wi = 0, ri = 0;
      if (wt > 0) {
        const double v = f_.variance(mu);
        if (std::isnan(v)) flags |= kNaVar;
        if (v == 0) flags |= kZeroVar;
        if (std::isnan(me)) flags |= kNaMuEta;
        if (me != 0) {
          ++ngood;
          const double iv = 1 / v;  // one division for both
          const double wf = wt * me * me * iv;
          const double u = wt * (y - mu) * me * iv;
          wi = wf;
          if (kind.newton) {
            const double dq = (f_.mu_eta_deriv(e, mu) - me * me * f_.variance_deriv(mu) / v) / v;
            const double wo = wf - wt * (y - mu) * dq;
            if (!(std::isfinite(wo) && wo >= 0)) flags |= kNewtonBad;
            wi = wo;
          }
          ri = kind.score ? u : wi * (e - d_.off[row]) + u;
        }
      }
      w[i] = wi;
      r[i] = ri;
    }
    dev_sum = dev;
    ngood_sum = ngood;
    return flags;
  }

  // The chunks' sums in chunk order (bit-identical for any thread count).
  GlmPass reduce(std::vector<std::vector<double>>& parts, const std::vector<double>& devc,
                 const std::vector<Eigen::Index>& goodc, const std::vector<int>& flagc,
                 const GlmPassKind& kind) const {
    using Eigen::Index;
    const Index nc = bl_.nc;
    GlmPass out;
    int flags = 0;
    for (Index c = 0; c < nc; ++c) {  // fixed order
      out.dev += devc[static_cast<size_t>(c)];
      out.ngood += goodc[static_cast<size_t>(c)];
      flags |= flagc[static_cast<size_t>(c)];
    }
    out.valid = !(flags & kInvalid);
    out.na_var = flags & kNaVar;
    out.zero_var = flags & kZeroVar;
    out.na_mu_eta = flags & kNaMuEta;
    out.newton_bad = flags & kNewtonBad;
    if (kind.accumulate) {
      glm_reduce(parts, d_.p, out.A, out.b);
      out.accumulated = true;
      out.newton = kind.newton;
      out.score = kind.score;
    }
    return out;
  }

  static constexpr int kInvalid = 1, kNaVar = 2, kZeroVar = 4, kNaMuEta = 8, kNewtonBad = 16;
  GlmData d_;
  GlmFamily f_;
  GlmBlocking bl_;
  int nt_;
  GlmKernels k_;
};

// Any family through GlmFamilyFns, on whole vectors (see the file comment).
class GlmVectorEvaluator : public GlmEvaluator {
 public:
  GlmVectorEvaluator(const GlmData& d, const GlmFamilyFns& f, int threads, const GlmKernels& k)
      : d_(d), f_(f), threads_(threads), k_(k) {}
  Eigen::Index chunks() const override { return glm_blocking(d_.n, d_.p, k_).nc; }

  GlmPass run(const double* beta, double* eta, const GlmPassKind& kind) const override {
    using Eigen::Index;
    const Index n = d_.n;
    if (beta) glm_xb(d_.X, n, d_.p, beta, d_.off, eta, threads_, k_);
    GlmPass out;
    Vec mu(n);
    f_.linkinv(eta, mu.data(), n);
    // glm.fit: valideta(eta) && validmu(mu); the deviance only when valid
    out.valid = f_.valideta(eta, n) && f_.validmu(mu.data(), n);
    if (!out.valid) {
      out.dev = kNaN;
      return out;
    }
    Vec dr(n);
    f_.dev_resids(d_.y, mu.data(), d_.wt, dr.data(), n);
    out.dev = f_.sum(dr.data(), n);
    if (kind.accumulate) accumulate(eta, mu, kind, out);
    return out;
  }

  void finish(const double* eta, const double* eta_w, const GlmBuffers& buf) const override {
    const Eigen::Index n = d_.n;
    Vec me(n), v(n), muw(n);
    f_.linkinv(eta, buf.mu, n);
    f_.mu_eta(eta, me.data(), n);
    for (Eigen::Index i = 0; i < n; ++i) buf.residuals[i] = (d_.y[i] - buf.mu[i]) / me(i);
    if (eta_w != eta) {
      f_.linkinv(eta_w, muw.data(), n);
      f_.mu_eta(eta_w, me.data(), n);
    } else {
      muw = Eigen::Map<const Vec>(buf.mu, n);
    }
    f_.variance(muw.data(), v.data(), n);
    for (Eigen::Index i = 0; i < n; ++i)
      buf.weights[i] = (d_.wt[i] > 0 && me(i) != 0) ? d_.wt[i] * (me(i) * me(i)) / v(i) : 0.0;
  }

 private:
  // glm.fit's working weights and response at eta (its R expressions, in
  // their order), then X'WX and X'r.
  void accumulate(const double* eta, const Vec& mu, const GlmPassKind& kind, GlmPass& out) const {
    using Eigen::Index;
    const Index n = d_.n;
    Vec me(n), v(n), w(n), u(n), r(n);
    f_.variance(mu.data(), v.data(), n);
    f_.mu_eta(eta, me.data(), n);
    for (Index i = 0; i < n; ++i) {
      if (!(d_.wt[i] > 0)) continue;
      if (std::isnan(v(i))) out.na_var = true;
      if (v(i) == 0) out.zero_var = true;
      if (std::isnan(me(i))) out.na_mu_eta = true;
    }
    for (Index i = 0; i < n; ++i) {
      const bool good = d_.wt[i] > 0 && me(i) != 0;
      out.ngood += good;
      w(i) = good ? d_.wt[i] * (me(i) * me(i)) / v(i) : 0.0;
      u(i) = good ? d_.wt[i] * (d_.y[i] - mu(i)) * me(i) / v(i) : 0.0;
    }
    if (kind.newton) {
      Vec dq(n), wo(n);
      f_.dq(eta, dq.data(), n);
      bool ok = true;
      for (Index i = 0; i < n; ++i) {
        const bool good = d_.wt[i] > 0 && me(i) != 0;
        wo(i) = good ? w(i) - d_.wt[i] * (d_.y[i] - mu(i)) * dq(i) : 0.0;
        ok = ok && std::isfinite(wo(i)) && wo(i) >= 0;
      }
      if (ok) w = wo;  // else Fisher's weights (the fallback is done here)
    }
    for (Index i = 0; i < n; ++i)
      r(i) = kind.score ? u(i) : (w(i) == 0 && u(i) == 0 ? 0.0 : w(i) * (eta[i] - d_.off[i]) + u(i));
    glm_xtwx(d_.X, n, d_.p, w.data(), r.data(), out.A, out.b, threads_, k_, d_.scale);
    out.accumulated = true;
    out.newton = kind.newton;
    out.score = kind.score;
  }

  GlmData d_;
  const GlmFamilyFns& f_;
  int threads_;
  GlmKernels k_;
};

}  // namespace newtonr
