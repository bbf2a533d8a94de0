// newtonr/glm_irls.hpp -- the whole IRLS loop of glm.fit in C++ for the
// families of glm_family.hpp.
//
// Why fused: at n = 1e6, p = 50 the model matrix is 400 MB, so a pass over X
// costs more than the arithmetic of the family.  Each iteration therefore
// reads X once: per row panel it forms eta = X beta + offset, mu, the
// deviance contribution, the working weights and response, and accumulates
// [W X, W z]' X into the chunk's buffer (glm_xtwx.hpp).  The buffers are
// reduced in a fixed chunk order (bit-identical for any thread count).  When
// the step is rejected (invalid eta/mu, non-finite or rising deviance) the
// step is halved through linearity, eta_half = (eta_new + eta_old) / 2, which
// needs no pass over X; the accumulation is then redone once at the accepted
// point.  The iteration follows glm.fit (R's src/library/stats/R/glm.R):
// its starting values, its convergence test |dev - dev_old| / (|dev| + 0.1) <
// epsilon, its errors and warnings; the solve is the aliasing Cholesky of
// glm_chol.hpp (McCullagh & Nelder 1989, Sec. 2.5 for IRLS).
#pragma once

#include <newtonr/common.hpp>
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_xtwx.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
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

struct GlmIrlsSettings {
  double epsilon = 1e-8;
  int maxit = 25;
  bool newton = false;   // observed information (type = "newton")
  double tol = 1e-7;     // aliasing tolerance (glm's min(1e-7, epsilon/1000))
  bool singular_ok = true;
  int threads = 0;
};

struct GlmIrlsResult {
  Vec coef;                 // NaN for aliased columns
  GlmSolve solve;           // the last weighted least-squares solve
  bool have_solve = false;
  Vec coef_prev;            // accepted coefficients one iteration earlier
  bool has_prev = false;
  const double* eta = nullptr;  // the final linear predictor (buffer a or b)
  double dev = kNaN;
  int iter = 0;
  bool converged = false, boundary = false;
  std::vector<int> t_iter, t_halv;
  std::vector<double> t_dev, t_grad;
  std::vector<std::string> warnings;
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

// Progress report: kind 0 = an iteration's deviance, 1 = a halved step.
using GlmTraceFn = std::function<void(int kind, int iter, double dev)>;

// One pass over the rows (see the file comment).
struct GlmPass {
  double dev = 0;
  bool valid = true;
  bool na_var = false, zero_var = false, na_mu_eta = false;
  bool newton_bad = false;  // observed weights not all finite and >= 0
  Eigen::Index ngood = 0;
  bool accumulated = false;
  Mat A;
  Vec b;
};

class GlmEngine {
 public:
  GlmEngine(const GlmData& d, const GlmFamily& f, int threads, const GlmKernels& k)
      : d_(d), f_(f), bl_(d.n, d.p), nt_(glm_threads(threads, bl_.nc)), k_(k) {}

  // Evaluate at eta (computed as X beta + offset first when beta != nullptr;
  // beta unscaled) and, when `accumulate`, form X'WX and X'Wz (of X S when
  // d.scale is set) with Fisher (or observed, if `newton`) weights.  Never
  // throws (flags only): it runs in parallel.
  GlmPass run(const double* beta, double* eta, bool accumulate, bool newton) const {
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
    if (accumulate) {
      for (auto& sc : scratch) {
        sc.Xp.resize(static_cast<size_t>(bl_.panel * p));
        sc.T.resize(static_cast<size_t>(bl_.panel * (p + 1)));
        sc.w.resize(static_cast<size_t>(bl_.panel));
        sc.r.resize(static_cast<size_t>(bl_.panel));
      }
    }
    std::vector<double> devc(static_cast<size_t>(nc), 0.0);
    std::vector<Index> goodc(static_cast<size_t>(nc), 0);
    std::vector<int> flagc(static_cast<size_t>(nc), 0);
    const bool chk_eta = f_.needs_valideta(), chk_mu = f_.needs_validmu();
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
        if (accumulate || beta)
          k_.pack(d_.X + s, d_.n, m, p, beta, d_.off + s, eta + s,
                  accumulate ? Xp.data() : nullptr, bl_.panel);
        if (accumulate && d_.scale) glm_scale_panel(Xp.data(), bl_.panel, m, p, d_.scale);
        for (Index i = 0; i < m; ++i) {
          const Index row = s + i;
          const double e = eta[row], y = d_.y[row], wt = d_.wt[row];
          if (chk_eta && !f_.valid_eta(e)) flags |= kInvalid;
          double mu, me;
          if (accumulate) {
            f_.mu_and_mu_eta(e, mu, me);
          } else {
            mu = f_.linkinv(e);
            me = 0;
          }
          if (chk_mu && !f_.valid_mu(mu)) flags |= kInvalid;
          dev += f_.dev_resid(y, mu, wt);
          if (!accumulate) continue;
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
              if (newton) {
                const double dq = (f_.mu_eta_deriv(e, mu) - me * me * f_.variance_deriv(mu) / v) / v;
                const double wo = wf - wt * (y - mu) * dq;
                if (!(std::isfinite(wo) && wo >= 0)) flags |= kNewtonBad;
                wi = wo;
              }
              ri = wi * (e - d_.off[row]) + u;
            }
          }
          w[static_cast<size_t>(i)] = wi;
          r[static_cast<size_t>(i)] = ri;
        }
        if (accumulate)
          k_.panel(Xp.data(), bl_.panel, m, p, w.data(), r.data(), T.data(), bl_.panel, Ac);
      }
      devc[static_cast<size_t>(c)] = dev;
      goodc[static_cast<size_t>(c)] = ngood;
      flagc[static_cast<size_t>(c)] = flags;
    }
    }  // parallel
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
    if (accumulate) {
      glm_reduce(parts, p, out.A, out.b);
      out.accumulated = true;
    }
    return out;
  }

  // Final per-row quantities at eta (mu, working residuals) and glm's
  // working weights at eta_w (zero where the row was not "good").
  void finish(const double* eta, const double* eta_w, const GlmBuffers& buf) const {
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
  static constexpr int kInvalid = 1, kNaVar = 2, kZeroVar = 4, kNaMuEta = 8, kNewtonBad = 16;
  GlmData d_;
  GlmFamily f_;
  GlmBlocking bl_;
  int nt_;
  GlmKernels k_;
};

inline double glm_pen_term(const Vec& pen, const Vec& beta) {
  double s = 0;
  for (Eigen::Index j = 0; j < beta.size(); ++j)
    if (!std::isnan(beta(j))) s += pen(j) * beta(j) * beta(j);
  return s;
}

// One iteration's weighted least-squares solve with glm.fit's checks: false
// (not converged, glm's warning in `res`) when a kept coefficient is not
// finite; glm's errors for more coefficients than observations and for a
// singular fit when singular.ok is false.
inline bool glm_irls_solve(const GlmPass& ev, const GlmIrlsSettings& s, const Vec& pen,
                           Eigen::Index n, Eigen::Index p, int iter, GlmIrlsResult& res,
                           GlmSolve& sol) {
  sol = glm_chol_solve(ev.A, ev.b, s.tol, pen);
  bool finite = true;
  for (int a = 0; a < sol.rank; ++a)
    if (!std::isfinite(sol.coef(sol.pivot[static_cast<size_t>(a)]))) finite = false;
  if (!finite) {
    if (!res.have_solve) {  // report this solve (glm.fit keeps its fit too)
      res.solve = sol;
      res.have_solve = true;
    }
    res.converged = false;
    res.warnings.push_back("non-finite coefficients at iteration " + std::to_string(iter));
    return false;
  }
  if (n < sol.rank) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "X matrix has rank %d, but only %ld observation%s", sol.rank,
                  static_cast<long>(n), n == 1 ? "" : "s");
    throw std::runtime_error(buf);
  }
  if (!s.singular_ok && sol.rank < p) throw std::runtime_error("singular fit encountered");
  return true;
}

// glm.fit's step halving (on an invalid or non-finite deviance; we also
// halve on a rise of the penalised deviance): c0 and the linear predictor
// e_new move halfway back to coefold and e_old until the step is
// acceptable.  Returns the number of halvings; `invalid_seen` says whether an
// invalid point was met (glm's "boundary").
inline int glm_irls_halve(const GlmEngine& eng, GlmPass& ev2, Vec& c0, const Vec& coefold,
                          double* e_new, const double* e_old, Eigen::Index n, bool has_old,
                          double pdevold, const Vec& pen, int maxit, int iter,
                          const GlmTraceFn& trace, bool& invalid_seen) {
  int nh = 0;
  auto pdev_of = [&](const GlmPass& e) { return e.dev + glm_pen_term(pen, c0); };
  while (!ev2.valid || !std::isfinite(ev2.dev) ||
         (has_old && pdev_of(ev2) > pdevold + 1e-10 * (std::fabs(pdevold) + 0.1))) {
    const bool bad = !ev2.valid || !std::isfinite(ev2.dev);
    if (bad) invalid_seen = true;
    if (!has_old) {
      if (bad)
        throw std::runtime_error(
            "no valid set of coefficients has been found: please supply starting values");
      break;
    }
    if (nh >= maxit) {
      if (bad) throw std::runtime_error("inner loop; cannot correct step size");
      break;
    }
    ++nh;
    c0 = (c0 + coefold) / 2;
    for (Eigen::Index i = 0; i < n; ++i) e_new[i] = (e_new[i] + e_old[i]) / 2;
    ev2 = eng.run(nullptr, e_new, false, false);
    if (trace) trace(1, iter, ev2.dev);
  }
  return nh;
}

// glm.fit's IRLS for a native family.  buf.eta_a: starting linear
// predictor on entry (from etastart, start or mustart, as glm.fit builds
// it); start: the starting coefficients or nullptr.  Throws glm's errors
// (std::runtime_error).
inline GlmIrlsResult glm_irls(const GlmData& d, const GlmFamily& fam, const GlmBuffers& buf,
                              const double* start, const Vec& pen_in, const GlmIrlsSettings& s,
                              const GlmKernels& k, Interrupter& intr,
                              const GlmTraceFn& trace = GlmTraceFn()) {
  using Eigen::Index;
  const Index n = d.n, p = d.p;
  if (pen_in.size() != p) throw std::invalid_argument("glm_irls: 'pen' must have length p");
  // (an NA maxit from R arrives as INT_MIN: the loop would not run, and
  // there would be no solve to report)
  if (s.maxit < 1) throw std::invalid_argument("'maxit' must be at least 1");
  if (!(s.epsilon > 0) || !(s.tol >= 0))
    throw std::invalid_argument("'epsilon' must be positive");
  GlmEngine eng(d, fam, s.threads, k);
  GlmIrlsResult res;
  // scaled coordinates (see GlmData::scale): beta~ = beta / s, pen~ = pen s^2
  const bool scaled = d.scale != nullptr;
  const Vec sc = scaled ? Vec(Eigen::Map<const Vec>(d.scale, p)) : Vec::Ones(p);
  const Vec pen = scaled ? glm_scale_pen(pen_in, sc) : pen_in;
  Vec cu(p);  // unscaled coefficients for the X beta pass
  auto unscaled = [&](const Vec& c) -> const double* {
    if (!scaled) return c.data();
    cu = c.cwiseProduct(sc);
    return cu.data();
  };
  if (!buf.eta_a || !buf.eta_b || !buf.mu || !buf.weights || !buf.residuals)
    throw std::invalid_argument("glm_irls: missing output buffer");
  double* e_old = buf.eta_a;  // accepted eta (weights of the next solve)
  double* e_new = buf.eta_b;
  bool has_old = start != nullptr;
  Vec coefold = Vec::Zero(p);
  if (has_old)
    for (Index j = 0; j < p; ++j) coefold(j) = std::isnan(start[j]) ? 0.0 : start[j] / sc(j);

  // Accumulation at the accepted point, with the checks glm makes at the
  // top of each iteration (and Fisher weights when the observed
  // information is not usable).
  auto prepare = [&](GlmPass& ev, double* eta) {
    if (!ev.accumulated) ev = eng.run(nullptr, eta, true, s.newton);
    if (s.newton && ev.newton_bad) ev = eng.run(nullptr, eta, true, false);
    if (ev.na_var) throw std::runtime_error("NAs in V(mu)");
    if (ev.zero_var) throw std::runtime_error("0s in V(mu)");
    if (ev.na_mu_eta) throw std::runtime_error("NAs in d(mu)/d(eta)");
    glm_check_normal_equations(ev.A, ev.b);
  };
  GlmPass ev = eng.run(nullptr, e_old, true, s.newton);
  if (!ev.valid) throw std::runtime_error("cannot find valid starting values: please specify some");
  double devold = ev.dev;
  double pdevold = has_old ? devold + glm_pen_term(pen, coefold) : devold;
  prepare(ev, e_old);
  double* e_w = e_old;  // where the last solve's weights were formed
  double* e_cur = e_old;
  Vec c0 = coefold;
  res.dev = devold;
  for (int iter = 1; iter <= s.maxit; ++iter) {
    intr.tick();
    res.iter = iter;
    if (ev.ngood == 0) {
      if (!res.have_solve)
        throw std::runtime_error("no observations informative at iteration 1 (all weights zero?)");
      res.converged = false;
      res.warnings.push_back("no observations informative at iteration " + std::to_string(iter));
      break;
    }
    GlmSolve sol;
    if (!glm_irls_solve(ev, s, pen, n, p, iter, res, sol)) break;
    // gradient of the penalised log-likelihood at the weights' point:
    // X'u - pen * beta = X'r - X'WX beta - pen * beta (r = w (eta - off) + u)
    double gnorm = kNaN;
    if (has_old)
      gnorm = (ev.b - ev.A * coefold - pen.cwiseProduct(coefold)).cwiseQuotient(sc).norm();
    res.solve = sol;
    res.have_solve = true;
    e_w = e_cur;
    c0 = sol.coef;
    for (Index j = 0; j < p; ++j)
      if (std::isnan(c0(j))) c0(j) = 0;
    // Skip the accumulation when the step's predicted deviance change,
    // delta' (X'WX + P) delta (the Newton decrement; Boyd & Vandenberghe,
    // Sec. 9.5.1), already passes the convergence test: the pass then only
    // forms eta and the deviance.  If the test fails after all, prepare()
    // accumulates at the accepted point, giving exactly the same numbers.
    bool acc = true;
    if (has_old) {
      const Vec delta = c0 - coefold;
      const double pred = delta.dot(ev.A * delta) + delta.dot(pen.cwiseProduct(delta));
      if (std::isfinite(pred) && pred < 0.5 * s.epsilon * (std::fabs(pdevold) + 0.1)) acc = false;
    }
    GlmPass ev2 = eng.run(unscaled(c0), e_new, acc, s.newton);
    auto pdev_of = [&](const GlmPass& e) { return e.dev + glm_pen_term(pen, c0); };
    bool invalid_seen = false;
    const int nh = glm_irls_halve(eng, ev2, c0, coefold, e_new, e_old, n, has_old, pdevold, pen,
                                  s.maxit, iter, trace, invalid_seen);
    if (nh > 0 && invalid_seen) res.boundary = true;
    const double dev = ev2.dev, pdev = pdev_of(ev2);
    res.dev = dev;
    e_cur = e_new;
    if (trace) trace(0, iter, dev);
    res.t_iter.push_back(iter);
    res.t_dev.push_back(dev);
    res.t_halv.push_back(nh);
    res.t_grad.push_back(gnorm);
    res.coef_prev = coefold.cwiseProduct(sc);
    res.has_prev = iter >= 2;
    if (std::fabs(pdev - pdevold) / (0.1 + std::fabs(pdev)) < s.epsilon) {
      res.converged = true;
      break;
    }
    devold = dev;
    pdevold = pdev;
    coefold = c0;
    has_old = true;
    std::swap(e_old, e_new);  // e_old == e_cur now; e_new holds e_w
    ev = std::move(ev2);
    prepare(ev, e_old);
  }
  // coefficients: NaN where the last solve aliased the column
  res.coef = c0.cwiseProduct(sc);
  if (scaled && res.have_solve) glm_unscale_solve(res.solve, sc);
  if (res.have_solve)
    for (Index a = res.solve.rank; a < p; ++a)
      res.coef(res.solve.pivot[static_cast<size_t>(a)]) = kNaN;
  res.eta = e_cur;
  eng.finish(e_cur, e_w, buf);
  return res;
}

}  // namespace newtonr
