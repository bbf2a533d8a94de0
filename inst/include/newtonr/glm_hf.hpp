// newtonr/glm_hf.hpp -- GLMs with many parameters: the objective
//   f(beta) = deviance(beta) / 2 + sum_j pen_j beta_j^2 / 2
// (pen_j = lambda, 0 on an intercept column unless asked; the same penalised
// deviance 2 f as the IRLS loop's `deviance + lambda sum(beta^2)`) minimised
// over a dense or sparse model matrix (glm_sparse.hpp) by
//  * "newton-cg": a trust-region Newton-CG in the style of TRON (Lin, Weng &
//    Keerthi 2008, "Trust region Newton method for large-scale logistic
//    regression", JMLR 9; the step rules of LIBLINEAR's tron.cpp), with the
//    Fisher information X'DX + diag(pen) used only through Hessian-vector
//    products X'(D(Xv)) and a diagonal (Jacobi) preconditioner with the
//    trust region in its norm (Hsia, Chiang & Lin 2018);
//  * "lbfgs": limited-memory BFGS (Nocedal & Wright 2006, Alg. 7.4, m = 10)
//    with a backtracking Armijo line search, pairs with s'y <= 0 skipped;
//  * "irls": Fisher scoring with X'DX formed (sparse: from the rows'
//    non-zeros) and solved by glm_chol_solve (glm's aliasing rule), the step
//    halved while the penalised deviance does not decrease.
// The family enters only through GlmFamilyFns (glm_family.hpp) on whole
// vectors, so native families and R closures both work.
// Convergence: glm's test |dev - dev_old| / (|dev| + 0.1) < epsilon on the
// penalised deviance between accepted iterates AND a stationarity test
// ||g||_2 <= epsilon^(3/4) * max(||g_0||_2, 1) (the gradient at the start),
// so a converged result is a stationary point, not just a stall; and the
// full step's predicted decrease must pass glm's test too (newton-cg: a
// Newton step inside the trust region; lbfgs: -g'd along the next
// quasi-Newton direction), so that a slow approach to an infimum at
// infinity (separation) is not taken for convergence.
#pragma once

#include <newtonr/common.hpp>
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_sparse.hpp>

#include <cmath>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace newtonr {

enum class GlmHfMethod { Irls, NewtonCG, LBFGS };

struct GlmHfControl {
  GlmHfMethod method = GlmHfMethod::NewtonCG;
  double epsilon = 1e-8;
  int maxit = 100;
  double lambda = 0;
  bool penalize_intercept = false;
  double aliasing_tol = 1e-11;  // irls: glm_chol_solve's tolerance
  int memory = 10;              // lbfgs pairs
  void validate() const {
    if (!(epsilon > 0)) throw std::invalid_argument("glm: 'epsilon' must be positive");
    if (maxit < 1) throw std::invalid_argument("glm: 'maxit' must be at least 1");
    if (!(lambda >= 0) || !std::isfinite(lambda))
      throw std::invalid_argument("glm: 'lambda' must be finite and non-negative");
    if (memory < 1) throw std::invalid_argument("glm: 'memory' must be at least 1");
  }
};

// The model at one beta: eta, mu, the deviance, f, and (when asked) the
// gradient of f and the Fisher weights D = wt mu.eta^2 / V.
struct GlmHfPoint {
  Vec beta, g;
  std::vector<double> eta, mu, D;
  double dev = kNaN, f = kNaN;
  bool valid = false, have_g = false;
};

// Progress report after each outer iteration: its number and the deviance
// at the accepted point (the IRLS trace's "Deviance = ... Iterations - k").
using GlmHfTraceFn = std::function<void(int iter, double dev)>;

struct GlmHfResult {
  GlmHfTraceFn trace;  // (input: set by glm_hf_fit; called by record())
  Vec coef;  // NaN for columns aliased by the last irls solve
  GlmHfPoint at;
  int iter = 0, cg_iter = 0, passes = 0;
  bool converged = false;
  int status = 1;  // GlmStatus codes: 0 converged, 1 iteration limit, 2 non-finite, 4 stalled
  std::vector<int> t_iter, t_inner;
  std::vector<double> t_dev, t_grad;
  std::vector<std::string> warnings;
  GlmSolve solve;  // irls: the last solve (rank, pivot)
  bool have_solve = false;
  Vec prev;        // the accepted coefficients one iteration before the last
};

class GlmHfProblem {
 public:
  GlmHfProblem(const GlmDesign& X, const GlmFamilyFns& fam, const double* y, const double* wt,
               const double* off, Vec pen)
      : X_(X), fam_(fam), y_(y), wt_(wt), off_(off), pen_(std::move(pen)) {}
  const GlmDesign& X() const { return X_; }
  const Vec& pen() const { return pen_; }
  mutable int passes = 0;

  void eval(const Vec& beta, GlmHfPoint& pt, bool grad) const {
    const Eigen::Index n = X_.n;
    const size_t m = static_cast<size_t>(n);
    ++passes;
    pt.beta = beta;
    pt.eta.resize(m);
    pt.mu.resize(m);
    X_.xv(beta, off_, pt.eta.data());
    pt.have_g = false;
    pt.valid = fam_.valideta(pt.eta.data(), n);
    if (!pt.valid) return;
    fam_.linkinv(pt.eta.data(), pt.mu.data(), n);
    pt.valid = fam_.validmu(pt.mu.data(), n);
    if (!pt.valid) return;
    std::vector<double> d(m);
    fam_.dev_resids(y_, pt.mu.data(), wt_, d.data(), n);
    pt.dev = fam_.sum(d.data(), n);
    pt.f = 0.5 * (pt.dev + beta.dot(pen_.cwiseProduct(beta)));
    pt.valid = std::isfinite(pt.f);
    if (pt.valid && grad) gradient(pt);
  }

  void gradient(GlmHfPoint& pt) const {
    const Eigen::Index n = X_.n;
    const size_t m = static_cast<size_t>(n);
    std::vector<double> me(m), v(m), u(m);
    fam_.mu_eta(pt.eta.data(), me.data(), n);
    fam_.variance(pt.mu.data(), v.data(), n);
    pt.D.resize(m);
    for (size_t i = 0; i < m; ++i) {
      const bool ok = wt_[i] > 0 && me[i] != 0;
      pt.D[i] = ok ? wt_[i] * me[i] * me[i] / v[i] : 0.0;
      u[i] = ok ? wt_[i] * (y_[i] - pt.mu[i]) * me[i] / v[i] : 0.0;
    }
    X_.xtu(u.data(), pt.g);
    pt.g = -pt.g + pen_.cwiseProduct(pt.beta);
    pt.have_g = pt.g.allFinite();
    if (!pt.have_g) pt.valid = false;
  }

  // (X'DX + diag(pen)) v at the point's weights
  Vec hv(const GlmHfPoint& pt, const Vec& v) const {
    Vec out;
    X_.hv(pt.D.data(), v, out, z_);
    return out + pen_.cwiseProduct(v);
  }

 private:
  const GlmDesign& X_;
  const GlmFamilyFns& fam_;
  const double *y_, *wt_, *off_;
  Vec pen_;
  mutable std::vector<double> z_;
};

namespace glm_hf_detail {

// Preconditioned CG on (H) s = -g inside ||s||_M <= delta (LIBLINEAR's
// trpcg); r returns the residual -g - H s.  Returns the CG iterations.
inline int trpcg(const GlmHfProblem& P, const GlmHfPoint& pt, const Vec& M, double delta,
                 Vec& s, Vec& r) {
  const Eigen::Index p = pt.g.size();
  s = Vec::Zero(p);
  r = -pt.g;
  Vec z = r.cwiseQuotient(M), d = z;
  double zr = z.dot(r);
  const double cgtol = 0.1 * std::sqrt(zr);
  int it = 0;
  const int maxcg = static_cast<int>(std::max<Eigen::Index>(p, 5));
  auto mdot = [&](const Vec& a, const Vec& b) { return a.dot(M.cwiseProduct(b)); };
  while (it < maxcg && std::sqrt(zr) > cgtol) {
    ++it;
    const Vec Hd = P.hv(pt, d);
    const double dHd = d.dot(Hd);
    double alpha = zr / dHd;
    if (!(dHd > 0)) break;  // (a PD model: only round-off reaches this)
    s += alpha * d;
    if (std::sqrt(mdot(s, s)) > delta) {
      s -= alpha * d;
      const double std_ = mdot(s, d), sts = mdot(s, s), dtd = mdot(d, d);
      const double dsq = delta * delta, rad = std::sqrt(std::max(0.0, std_ * std_ + dtd * (dsq - sts)));
      alpha = std_ >= 0 ? (dsq - sts) / (std_ + rad) : (rad - std_) / dtd;
      s += alpha * d;
      r -= alpha * Hd;
      break;
    }
    r -= alpha * Hd;
    z = r.cwiseQuotient(M);
    const double zr_new = z.dot(r);
    d = z + (zr_new / zr) * d;
    zr = zr_new;
  }
  return it;
}

inline double gtol(const GlmHfControl& c, double g0) { return std::pow(c.epsilon, 0.75) * std::max(g0, 1.0); }

inline bool dev_test(const GlmHfControl& c, double pdev, double pdevold) {
  return std::fabs(pdev - pdevold) / (std::fabs(pdev) + 0.1) < c.epsilon;
}

inline void record(GlmHfResult& res, int iter, int inner, const GlmHfPoint& pt) {
  res.t_iter.push_back(iter);
  res.t_inner.push_back(inner);
  res.t_dev.push_back(pt.dev);
  res.t_grad.push_back(pt.g.norm());
  if (res.trace) res.trace(iter, pt.dev);
}

}  // namespace glm_hf_detail

// TRON: one outer iteration per trust-region step (accepted or not).
inline void glm_hf_tron(const GlmHfProblem& P, const GlmHfControl& c, GlmHfPoint& w,
                        GlmHfResult& res, Interrupter& intr) {
  using namespace glm_hf_detail;
  const double eta0 = 1e-4, eta1 = 0.25, eta2 = 0.75, s1 = 0.25, s2 = 0.5, s3 = 4;
  const double g0 = w.g.norm();
  Vec M = (P.X().diag_xdx(w.D.data()) + P.pen());
  double delta = 0;
  Vec s, r;
  GlmHfPoint wn;
  for (int iter = 1; iter <= c.maxit; ++iter) {
    intr.tick();
    res.iter = iter;
    const double Mmax = M.maxCoeff() > 0 ? M.maxCoeff() : 1.0;
    for (Eigen::Index j = 0; j < M.size(); ++j) M(j) = std::max(M(j), 1e-10 * Mmax);
    if (iter == 1) delta = std::sqrt(w.g.dot(w.g.cwiseQuotient(M)));
    const double delta_cg = delta;
    const int cg = trpcg(P, w, M, delta, s, r);
    res.cg_iter += cg;
    const double gs = w.g.dot(s), prered = -0.5 * (gs - s.dot(r));
    P.eval(w.beta + s, wn, true);
    const double fnew = wn.valid ? wn.f : kInf, actred = w.f - fnew;
    const double snorm = std::sqrt(s.dot(M.cwiseProduct(s)));
    if (iter == 1) delta = std::min(delta, snorm);
    const double den = fnew - w.f - gs;
    const double alpha = (den <= 0 || !std::isfinite(den)) ? s3 : std::max(s1, -0.5 * (gs / den));
    if (actred < eta0 * prered) delta = std::min(alpha * snorm, s2 * delta);
    else if (actred < eta1 * prered) delta = std::max(s1 * delta, std::min(alpha * snorm, s2 * delta));
    else if (actred < eta2 * prered) delta = std::max(s1 * delta, std::min(alpha * snorm, s3 * delta));
    else delta = std::max(delta, std::min(alpha * snorm, s3 * delta));
    // Below the resolution of f (|prered| < 1e-12 |f|) actred / prered is
    // rounding noise: the step is judged by the gradient norm instead.
    const bool tiny = std::fabs(prered) <= 1e-12 * std::fabs(w.f);
    const bool better_g = wn.valid && wn.g.norm() < w.g.norm();
    if (tiny && better_g) delta = std::max(delta, snorm);
    // Convergence as in the IRLS loop: besides glm's test on the change
    // of the deviance, the step must be a Newton step (CG ended inside the
    // trust region) whose predicted change of the deviance (2 prered)
    // passes the same test.  A step cut by the trust region says nothing
    // of the full Newton step: under separation the deviance changes
    // little per step while the Newton step still promises a decrease of
    // the order of the deviance itself.
    const bool newton_small = snorm < (1 - 1e-6) * delta_cg &&
                              2 * prered / (std::fabs(2 * w.f) + 0.1) < c.epsilon;
    if (wn.valid && (actred > eta0 * prered || (tiny && better_g))) {
      const double pold = 2 * w.f;
      res.prev = w.beta;
      std::swap(w, wn);
      record(res, iter, cg, w);
      if (dev_test(c, 2 * w.f, pold) && newton_small && w.g.norm() <= gtol(c, g0)) {
        res.converged = true;
        return;
      }
      M = P.X().diag_xdx(w.D.data()) + P.pen();
    } else {
      record(res, iter, cg, w);
    }
    if (w.g.norm() <= 1e-3 * gtol(c, g0) && newton_small) {  // stationary to far below the test
      res.converged = true;
      return;
    }
    if (!(delta > 0) || (tiny && !better_g && std::fabs(actred) <= 1e-12 * std::fabs(w.f))) {
      res.status = 4;
      res.warnings.push_back("newton-cg: the trust region collapsed (no further decrease within rounding)");
      return;
    }
  }
}

// L-BFGS with backtracking (Armijo, c1 = 1e-4), the initial Hessian scaled
// by s'y / y'y.
inline void glm_hf_lbfgs(const GlmHfProblem& P, const GlmHfControl& c, GlmHfPoint& w,
                         GlmHfResult& res, Interrupter& intr) {
  using namespace glm_hf_detail;
  const double g0 = w.g.norm();
  std::deque<Vec> S, Y;
  GlmHfPoint wn;
  bool pending = false;  // the last step passed the deviance and gradient tests
  for (int iter = 1; iter <= c.maxit + 1; ++iter) {
    if (iter > c.maxit && !pending) break;
    intr.tick();
    res.iter = std::min(iter, c.maxit);
    // two-loop recursion
    Vec q = w.g;
    const size_t m = S.size();
    std::vector<double> a(m), rho(m);
    for (size_t k = m; k-- > 0;) {
      rho[k] = 1 / Y[k].dot(S[k]);
      a[k] = rho[k] * S[k].dot(q);
      q -= a[k] * Y[k];
    }
    double gamma = m ? S.back().dot(Y.back()) / Y.back().squaredNorm() : 1 / std::max(g0, 1e-300);
    q *= gamma;
    for (size_t k = 0; k < m; ++k) q += S[k] * (a[k] - rho[k] * Y[k].dot(q));
    Vec dir = -q;
    double slope = w.g.dot(dir);
    if (!(slope < 0)) {
      dir = -w.g;
      slope = -w.g.squaredNorm();
      S.clear();
      Y.clear();
    }
    // Convergence (tested here, on the direction from the accepted point):
    // glm's test on the last change of the deviance and the gradient test
    // held, and the quasi-Newton model's predicted decrease of the deviance
    // along the full step, -g'd (for the exact Newton direction, g'H^-1 g,
    // the Newton decrement), passes glm's test too.  Under separation the
    // deviance changes little per step while the direction still points
    // far: without this, lbfgs reported convergence 4e-12 above the
    // infimum at epsilon 1e-12 (test-glm-hf-collection.R).
    if (pending && -slope < c.epsilon * (std::fabs(2 * w.f) + 0.1)) {
      res.iter = iter - 1;  // (no step taken in this one)
      res.converged = true;
      return;
    }
    pending = false;
    if (iter > c.maxit) break;  // (only the test above at maxit + 1)
    double t = 1;
    int ls = 0;
    for (; ls < 60; ++ls) {
      P.eval(w.beta + t * dir, wn, true);
      if (wn.valid && wn.f <= w.f + 1e-4 * t * slope) break;
      // below the resolution of f: accept a step that lowers the gradient norm
      if (wn.valid && -t * slope <= 1e-12 * std::fabs(w.f) && wn.g.norm() < w.g.norm()) break;
      t *= 0.5;
    }
    if (ls == 60) {
      record(res, iter, ls, w);
      res.status = 4;
      res.warnings.push_back("lbfgs: the line search found no decrease");
      return;
    }
    Vec sk = wn.beta - w.beta, yk = wn.g - w.g;
    if (sk.dot(yk) > 1e-12 * yk.squaredNorm()) {
      S.push_back(sk);
      Y.push_back(yk);
      if (static_cast<int>(S.size()) > c.memory) {
        S.pop_front();
        Y.pop_front();
      }
    }
    const double pold = 2 * w.f;
    res.prev = w.beta;
    std::swap(w, wn);
    record(res, iter, ls, w);
    pending = dev_test(c, 2 * w.f, pold) && w.g.norm() <= gtol(c, g0);
  }
}

// Fisher scoring with X'DX formed: the step solves (X'DX + P) s = -g with
// glm_chol_solve (aliased columns get no step and are reported NaN), halved
// while f does not decrease.
inline void glm_hf_irls(const GlmHfProblem& P, const GlmHfControl& c, GlmHfPoint& w,
                        GlmHfResult& res, Interrupter& intr) {
  using namespace glm_hf_detail;
  const double g0 = w.g.norm();
  GlmHfPoint wn;
  for (int iter = 1; iter <= c.maxit; ++iter) {
    intr.tick();
    res.iter = iter;
    const Mat A = P.X().xdx(w.D.data());
    res.solve = glm_chol_solve(A, -w.g, c.aliasing_tol, P.pen());
    res.have_solve = true;
    Vec s = res.solve.coef;
    for (Eigen::Index j = 0; j < s.size(); ++j)
      if (std::isnan(s(j))) s(j) = 0;
    if (!s.allFinite()) {
      res.status = 2;
      res.warnings.push_back("non-finite coefficients at iteration " + std::to_string(iter));
      return;
    }
    int nh = 0;
    double t = 1;
    for (; nh < 30; ++nh) {
      P.eval(w.beta + t * s, wn, true);
      if (wn.valid && wn.f <= w.f + 1e-10 * (std::fabs(w.f) + 0.1)) break;
      t *= 0.5;
    }
    if (nh == 30) {
      record(res, iter, nh, w);
      res.status = 4;
      res.warnings.push_back("irls: no step size decreased the deviance");
      return;
    }
    const double pold = 2 * w.f;
    res.prev = w.beta;
    std::swap(w, wn);
    record(res, iter, nh, w);
    if (dev_test(c, 2 * w.f, pold) && w.g.norm() <= gtol(c, g0)) {
      res.converged = true;
      return;
    }
  }
}

// The fit from beta0.  Throws std::runtime_error when beta0 is not a valid
// point for the family.
inline GlmHfResult glm_hf_fit(const GlmHfProblem& P, const GlmHfControl& c, const Vec& beta0,
                              Interrupter& intr, GlmHfTraceFn trace = GlmHfTraceFn()) {
  c.validate();
  P.X().check();
  GlmHfResult res;
  res.trace = std::move(trace);
  GlmHfPoint w;
  P.eval(beta0, w, true);
  if (!w.valid)
    throw std::runtime_error(
        "the starting coefficients give no valid linear predictor or mean for the family "
        "(or a non-finite deviance): please supply 'start'");
  if (c.method == GlmHfMethod::NewtonCG) glm_hf_tron(P, c, w, res, intr);
  else if (c.method == GlmHfMethod::LBFGS) glm_hf_lbfgs(P, c, w, res, intr);
  else glm_hf_irls(P, c, w, res, intr);
  if (res.converged) res.status = 0;
  res.coef = w.beta;
  // irls: a column aliased by the last solve is NA (as in glm) when it never
  // moved from 0; one aliased only late (its working weights vanished, e.g.
  // a Poisson cell whose mean tends to 0) keeps the value the linear
  // predictor holds (NA would contradict the fitted values)
  if (res.have_solve)
    for (Eigen::Index a = res.solve.rank; a < res.coef.size(); ++a) {
      const Eigen::Index j = res.solve.pivot[static_cast<size_t>(a)];
      if (res.coef(j) == 0) res.coef(j) = kNaN;
    }
  res.passes = P.passes;
  res.at = std::move(w);
  res.trace = GlmHfTraceFn();
  return res;
}

}  // namespace newtonr
