// newtonr/glm_loop.hpp -- the one IRLS loop of newton_glm_fit(), for every
// family (glm_family.hpp's GlmFamilyFns) and both algorithms (glm_fit.hpp
// sets it up).
//
// The loop follows glm.fit (R's src/library/stats/R/glm.R): its starting
// checks, its convergence test |dev - dev_old| / (|dev| + 0.1) < epsilon,
// its errors and warnings, its step halving (on an invalid eta/mu or a
// non-finite deviance; we also halve on a rise of the penalised deviance).
// A rejected step is halved through linearity, eta_half = (eta_new +
// eta_old) / 2, which needs no pass over X.  The pieces:
//  * GlmEvaluator (glm_pass.hpp): one pass over the data at a linear
//    predictor (fused with the family's arithmetic for stats' families);
//  * GlmSolver: the weighted least-squares solve, by default the aliasing
//    Cholesky of glm_chol.hpp, replaced by glm.fit's QR of sqrt(W) X
//    (glm_qr.hpp, through GlmLoop::refine) where the normal equations
//    cannot give glm's accuracy or aliasing;
//  * a step rule: GlmIrlsStep (Fisher scoring or Newton, McCullagh & Nelder
//    1989, Sec. 2.5) or GlmGdStep (gradient descent with Armijo
//    backtracking, glm_gd.hpp), chosen once; the driver does not branch on
//    the algorithm.
#pragma once

#include <newtonr/common.hpp>
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_pass.hpp>
#include <newtonr/glm_xtwx.hpp>
#include <newtonr/status.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <utility>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace newtonr {

enum class GlmStatus : int { Converged = 0, IterationLimit = 1, NonFinite = 2, NoInformative = 3, Stalled = 4 };

inline constexpr std::array<StatusInfo, 5> kGlmStatusTable{{
    {0, "converged", "converged: the stopping test on epsilon held (the relative change of the (penalised) deviance, and after a halved step also the full step's predicted change; for \"gd\", the estimated deviance still to gain, confirmed by the current curvature)"},
    {1, "iteration_limit", "iteration limit 'maxit' reached before convergence"},
    {2, "non_finite", "stopped: a least-squares solve gave non-finite coefficients"},
    {3, "no_informative", "stopped: no observation carries information (all working weights zero)"},
    {4, "stalled", "stopped: no further decrease of the objective within rounding before the convergence test held (newton-cg, lbfgs, sparse IRLS)"},
}};

enum class GlmAlgorithm { Irls, Gd };

// The settings of the loop (newton_glm_control() in R words and checks them
// for users; validate() is the core's own check for C++ callers).
struct GlmControl {
  double epsilon = 1e-8;
  int maxit = 25;
  bool newton = false;  // observed information (type = "newton")
  GlmAlgorithm algorithm = GlmAlgorithm::Irls;
  double lambda = 0;    // ridge penalty (not on an intercept column)
  bool trace = false;
  std::optional<int> threads;  // unset: OpenMP's default
  bool singular_ok = true;     // glm.fit's argument
  std::optional<double> aliasing_tol;  // unset: glm's min(1e-7, epsilon / 1000)
  double tol() const { return aliasing_tol ? *aliasing_tol : std::min(1e-7, epsilon / 1000); }
  int nthreads() const { return threads ? *threads : 0; }
  void validate() const {
    if (!(epsilon > 0)) throw std::invalid_argument("glm: 'epsilon' must be positive");
    if (maxit < 1) throw std::invalid_argument("glm: 'maxit' must be at least 1");
    if (!(lambda >= 0) || !std::isfinite(lambda))
      throw std::invalid_argument("glm: 'lambda' must be finite and non-negative");
    if (threads && *threads < 1) throw std::invalid_argument("glm: 'threads' must be at least 1");
    if (aliasing_tol && !(*aliasing_tol >= 0))
      throw std::invalid_argument("glm: the aliasing tolerance must be non-negative");
  }
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
  GlmStatus status = GlmStatus::IterationLimit;
  Eigen::Index chunks = 1;  // row chunks of a pass over X
  std::vector<int> t_iter, t_halv;
  std::vector<double> t_dev, t_grad;
  std::vector<std::string> warnings;
};

// Progress report: kind 0 = an iteration's deviance, 1 = a halved step.
using GlmTraceFn = std::function<void(int kind, int iter, double dev)>;
// The weighted least-squares solve of (A + diag(pen)) beta = b.
using GlmSolver = std::function<GlmSolve(const Mat& A, const Vec& b, double tol, const Vec& pen)>;

inline double glm_pen_term(const Vec& pen, const Vec& beta) {
  double s = 0;
  for (Eigen::Index j = 0; j < beta.size(); ++j)
    if (!std::isnan(beta(j))) s += pen(j) * beta(j) * beta(j);
  return s;
}

// The loop's state, shared by the driver and the step rules.  Coefficients
// and the penalty are in scaled coordinates (see GlmData::scale).
struct GlmLoop {
  GlmLoop(const GlmEvaluator& e, const GlmControl& c, GlmSolver sv, Eigen::Index n_,
          Eigen::Index p_, GlmIrlsResult& r, GlmTraceFn tr)
      : eng(e), s(c), solver(std::move(sv)), n(n_), p(p_), sc(Vec::Ones(p_)), res(r),
        trace(std::move(tr)) {}
  const GlmEvaluator& eng;
  const GlmControl& s;
  GlmSolver solver;
  Eigen::Index n, p;
  Vec sc, pen, pen_raw;  // column scales; the penalty scaled and as given
  GlmIrlsResult& res;
  GlmTraceFn trace;
  // accepted point
  Vec coefold;
  bool has_old = false;
  double pdevold = 0;
  double* e_old = nullptr;  // accepted eta (the weights of the next solve)
  double* e_new = nullptr;  // the trial eta
  double* e_w = nullptr;    // where the last solve's weights were formed
  GlmPass ev;               // the pass at the accepted point
  // this iteration's trial
  Vec c0;
  GlmPass ev2;
  int nh = 0;
  double gnorm = kNaN;
  Vec cu;
  // Replaces a solve of the normal equations by glm.fit's QR of sqrt(W) X
  // when they cannot give its accuracy or aliasing (glm_qr.hpp's
  // GlmQrPath; empty: never).  Sees the solve, the pass and the eta of the
  // weights.
  std::function<void(GlmSolve&, const GlmPass&, const double*)> refine;
  const double* unscaled(const Vec& c) {
    cu = c.cwiseProduct(sc);
    return cu.data();
  }
  double pdev(const GlmPass& e) const { return e.dev + glm_pen_term(pen, c0); }
};

// A step rule: what the next pass accumulates, the step (a trial in
// L.c0/L.ev2; false: stop, with res.status set), its convergence test, and
// what it leaves after the loop.
class GlmStepRule {
 public:
  virtual ~GlmStepRule() = default;
  virtual GlmPassKind needs(const GlmLoop& L) const = 0;
  virtual bool step(GlmLoop& L, int iter) = 0;
  virtual bool converged(const GlmLoop& L, double pdev) const = 0;
  virtual void finish(GlmLoop&) {}
};

// glm.fit's checks of one solve: false (not converged, glm's warning) when
// a kept coefficient is not finite; glm's errors for more coefficients than
// observations and for a singular fit when singular.ok is false.
inline bool glm_irls_solve(GlmLoop& L, int iter, GlmSolve& sol) {
  sol = L.solver(L.ev.A, L.ev.b, L.s.tol(), L.pen);
  if (L.refine) L.refine(sol, L.ev, L.e_old);
  bool finite = true;
  for (int a = 0; a < sol.rank; ++a)
    if (!std::isfinite(sol.coef(sol.pivot[static_cast<size_t>(a)]))) finite = false;
  if (!finite) {
    if (!L.res.have_solve) {  // report this solve (glm.fit keeps its fit too)
      L.res.solve = sol;
      L.res.have_solve = true;
    }
    L.res.status = GlmStatus::NonFinite;
    L.res.warnings.push_back("non-finite coefficients at iteration " + std::to_string(iter));
    return false;
  }
  if (L.n < sol.rank) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "X matrix has rank %d, but only %ld observation%s", sol.rank,
                  static_cast<long>(L.n), L.n == 1 ? "" : "s");
    throw std::runtime_error(buf);
  }
  if (!L.s.singular_ok && sol.rank < L.p) throw std::runtime_error("singular fit encountered");
  return true;
}

// Why a step was halved, in glm.fit's and glm2's words (each reported once
// per fit, as a warning and in the trace).
enum GlmHalving : unsigned { kHalveDiverge = 1, kHalveBounds = 2, kHalveRise = 4 };

inline void glm_halving_warnings(unsigned why, std::vector<std::string>& w) {
  if (why & kHalveDiverge) w.push_back("step size truncated due to divergence");
  if (why & kHalveBounds) w.push_back("step size truncated: out of bounds");
  if (why & kHalveRise) w.push_back("step size truncated due to increasing deviance");
}

// The rise of the penalised deviance that is taken as no rise: rounding of
// the deviance sum, and never more than the convergence test's own scale
// (a larger accepted rise would defeat glm's test at a small epsilon and
// make the fit alternate between full and halved steps).
inline double glm_rise_tol(const GlmLoop& L) {
  return std::min(1e-10, L.s.epsilon) * (std::fabs(L.pdevold) + 0.1);
}

// glm.fit's step halving (on an invalid eta/mu or a non-finite deviance; we
// also halve on a rise of the penalised deviance, as glm2 does: Marschner
// 2011, R Journal 3(2)): c0 and the trial eta move halfway back to coefold
// and the accepted eta until the step is acceptable.  Sets L.nh, ORs the
// reasons into *why and sets *first to the reason of the first halving (0:
// none); returns whether an invalid point was met (glm's "boundary").
inline bool glm_irls_halve(GlmLoop& L, int iter, unsigned* why, unsigned* first) {
  *first = 0;
  L.nh = 0;
  bool invalid_seen = false;
  while (!L.ev2.valid || !std::isfinite(L.ev2.dev) ||
         (L.has_old && L.pdev(L.ev2) > L.pdevold + glm_rise_tol(L))) {
    const bool bad = !L.ev2.valid || !std::isfinite(L.ev2.dev);
    if (bad) invalid_seen = true;
    if (!L.has_old) {
      if (bad)
        throw std::runtime_error(
            "no valid set of coefficients has been found: please supply starting values");
      break;
    }
    if (L.nh >= L.s.maxit) {
      if (bad) throw std::runtime_error("inner loop; cannot correct step size");
      break;
    }
    if (L.nh == 0) {
      // glm.fit's order: a non-finite deviance first, then invalid eta/mu
      // (the evaluator of a closure family leaves the deviance NaN there)
      *first = !std::isfinite(L.ev2.dev) ? kHalveDiverge : !L.ev2.valid ? kHalveBounds : kHalveRise;
      *why |= *first;
    }
    ++L.nh;
    L.c0 = (L.c0 + L.coefold) / 2;
    for (Eigen::Index i = 0; i < L.n; ++i) L.e_new[i] = (L.e_new[i] + L.e_old[i]) / 2;
    L.ev2 = L.eng.run(nullptr, L.e_new, GlmPassKind());
    if (L.trace) L.trace(1, iter, L.ev2.dev);
  }
  return invalid_seen;
}

// IRLS: the weighted least-squares solve at the accepted point's weights
// (Fisher's, or the observed information's with type = "newton"), then
// step halving.
class GlmIrlsStep : public GlmStepRule {
 public:
  GlmPassKind needs(const GlmLoop& L) const override {
    GlmPassKind k;
    k.accumulate = true;
    // type = "newton": the observed information from the second iteration
    // on; the first step from the family's mustart (no coefficients yet) is
    // glm's Fisher step, so that any fit glm can start, this can start (a
    // log-binomial's observed information at mustart can send the first
    // step out of bounds, with nothing to halve back to)
    k.newton = L.s.newton && L.has_old;
    return k;
  }
  bool step(GlmLoop& L, int iter) override {
    GlmSolve sol;
    if (!glm_irls_solve(L, iter, sol)) return false;
    // gradient of the penalised log-likelihood at the weights' point:
    // X'u - pen * beta = X'r - X'WX beta - pen * beta (r = w (eta - off) + u)
    L.gnorm = kNaN;
    if (L.has_old)
      L.gnorm = (L.ev.b - L.ev.A * L.coefold - L.pen.cwiseProduct(L.coefold))
                    .cwiseQuotient(L.sc)
                    .norm();
    L.c0 = sol.coef;
    L.res.solve = std::move(sol);  // no second p x p R alive in the pass below
    L.res.have_solve = true;
    L.e_w = L.e_old;
    for (Eigen::Index j = 0; j < L.p; ++j)
      if (std::isnan(L.c0(j))) L.c0(j) = 0;
    // Skip the accumulation when the step's predicted deviance change,
    // delta' (X'WX + P) delta (the Newton decrement; Boyd & Vandenberghe,
    // Sec. 9.5.1), already passes the convergence test: the pass then only
    // forms eta and the deviance.  If the test fails after all, the driver
    // accumulates at the accepted point, giving exactly the same numbers.
    GlmPassKind kind = needs(L);
    pred_ = kInf;
    if (L.has_old) {
      const Vec delta = L.c0 - L.coefold;
      const double pred = delta.dot(L.ev.A * delta) + delta.dot(L.pen.cwiseProduct(delta));
      if (std::isfinite(pred)) pred_ = pred;
      if (std::isfinite(pred) && pred < 0.5 * L.s.epsilon * (std::fabs(L.pdevold) + 0.1))
        kind.accumulate = false;
    }
    L.ev2 = L.eng.run(L.unscaled(L.c0), L.e_new, kind);
    unsigned first = 0;
    const bool invalid_seen = glm_irls_halve(L, iter, &why_, &first);
    // the full step left the family's domain and only a small fraction of
    // it is valid: the fit is at the boundary of the parameter space
    blocked_ = first != 0 && first != kHalveRise && L.nh >= 5;
    if (L.nh > 0 && invalid_seen) L.res.boundary = true;
    return true;
  }
  // glm's test on the change of the (penalised) deviance, when the full
  // step was taken and the deviance did not rise.  A halved (or rising)
  // step says how far the step went, not how far the optimum is: then the
  // full step's predicted change of the deviance, delta' (X'WX + P) delta
  // at the accepted point (the Newton decrement), must pass the same test
  // (it vanishes at an interior optimum whatever the halving).  At an
  // optimum on the boundary of the domain (a Poisson identity-link mean at
  // 0) it does not vanish; there the full step leaves the domain and at
  // most 1/32 of it is valid (blocked_), and glm's test is taken, as glm and
  // glm2 take it (the fit reports boundary = TRUE).
  bool converged(const GlmLoop& L, double pdev) const override {
    const double scale = 0.1 + std::fabs(pdev);
    if (!(std::fabs(pdev - L.pdevold) / scale < L.s.epsilon)) return false;
    if (L.nh == 0 && pdev <= L.pdevold) return true;
    return pred_ < L.s.epsilon * scale || (blocked_ && pdev <= L.pdevold + glm_rise_tol(L));
  }
  void finish(GlmLoop& L) override { glm_halving_warnings(why_, L.res.warnings); }

 private:
  double pred_ = kInf;  // the full step's predicted change (above)
  bool blocked_ = false;  // the step was blocked by the domain's boundary
  unsigned why_ = 0;    // the reasons for halving met in this fit (GlmHalving)
};

// The accumulation the next step needs at the accepted point, with the
// checks glm.fit makes at the top of each iteration (and Fisher weights when
// the observed information is not usable).
inline void glm_prepare(GlmLoop& L, const GlmStepRule& rule) {
  const GlmPassKind want = rule.needs(L);
  GlmPass& ev = L.ev;
  if (!ev.accumulated || ev.newton != want.newton || ev.score != want.score)
    ev = L.eng.run(nullptr, L.e_old, want);
  if (want.newton && ev.newton_bad) {
    GlmPassKind fisher = want;
    fisher.newton = false;
    ev = L.eng.run(nullptr, L.e_old, fisher);
  }
  if (ev.na_var) throw std::runtime_error("NAs in V(mu)");
  if (ev.zero_var) throw std::runtime_error("0s in V(mu)");
  if (ev.na_mu_eta) throw std::runtime_error("NAs in d(mu)/d(eta)");
  glm_check_normal_equations(ev.A, ev.b);
}

// The driver: glm.fit's iteration around a step rule.  On entry L.e_old
// holds the starting eta and L.coefold/L.has_old the starting coefficients.
// Throws glm's errors (std::runtime_error).
inline void glm_loop(GlmLoop& L, GlmStepRule& rule, Interrupter& intr) {
  GlmIrlsResult& res = L.res;
  L.ev = L.eng.run(nullptr, L.e_old, rule.needs(L));
  if (!L.ev.valid)
    throw std::runtime_error("cannot find valid starting values: please specify some");
  L.pdevold = L.has_old ? L.ev.dev + glm_pen_term(L.pen, L.coefold) : L.ev.dev;
  glm_prepare(L, rule);
  L.e_w = L.e_old;
  double* e_cur = L.e_old;
  L.c0 = L.coefold;
  res.dev = L.ev.dev;
  for (int iter = 1; iter <= L.s.maxit; ++iter) {
    intr.tick();
    res.iter = iter;
    if (L.ev.ngood == 0) {
      if (!res.have_solve)
        throw std::runtime_error("no observations informative at iteration 1 (all weights zero?)");
      res.status = GlmStatus::NoInformative;
      res.warnings.push_back("no observations informative at iteration " + std::to_string(iter));
      break;
    }
    if (!rule.step(L, iter)) break;
    const double dev = L.ev2.dev, pdev = L.pdev(L.ev2);
    res.dev = dev;
    e_cur = L.e_new;
    if (L.trace) L.trace(0, iter, dev);
    res.t_iter.push_back(iter);
    res.t_dev.push_back(dev);
    res.t_halv.push_back(L.nh);
    res.t_grad.push_back(L.gnorm);
    res.coef_prev = L.coefold.cwiseProduct(L.sc);
    res.has_prev = iter >= 2;
    if (rule.converged(L, pdev)) {
      res.converged = true;
      res.status = GlmStatus::Converged;
      break;
    }
    L.pdevold = pdev;
    L.coefold = L.c0;
    L.has_old = true;
    std::swap(L.e_old, L.e_new);  // e_old == e_cur now
    L.ev = std::move(L.ev2);
    glm_prepare(L, rule);
  }
  L.e_old = e_cur;  // where the fit ended (rule.finish() may read it)
  rule.finish(L);
  res.eta = e_cur;
}

}  // namespace newtonr
