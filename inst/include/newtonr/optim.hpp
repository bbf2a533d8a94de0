// newtonr/optim.hpp -- unconstrained minimisation by Newton's method and its
// relatives; the core of newton_optim().
//
// Methods (OptimMethod):
//  * Newton    damped Newton: Cholesky of H, or of H + tau I when H is not
//              positive definite (Nocedal & Wright, Alg. 3.3, "Cholesky with
//              added multiple of the identity"), or of H + lambda I with a
//              fixed lambda (the documents' regularised Newton); Armijo
//              backtracking trying alpha = 1 first.  line_search = false gives
//              the documents' pure Newton (full steps x - H^{-1} g).
//  * Trust     trust-region Newton (N&W Alg. 4.1); exact subproblem for small
//              p (trust.hpp), Steihaug-CG for large p.
//  * NewtonCG  truncated (line-search) Newton-CG from Hessian-vector products
//              (N&W Alg. 7.1); never forms H.
//  * BFGS      inverse-Hessian BFGS (N&W Alg. 6.1) with a strong-Wolfe search
//              (Armijo backtracking on f alone when gr is missing).
//  * LBFGS     limited-memory BFGS, two-loop recursion (N&W Alg. 7.4/7.5).
//  * GD        gradient descent: fixed learning rate, or Armijo backtracking.
//
// Saddle points: Newton and Trust never stop where H has a clearly negative
// eigenvalue; Newton then steps along the eigenvector of the most negative
// eigenvalue (a direction of negative curvature, N&W Sec. 3.4), Trust gets
// the same from the hard case of its subproblem.  Every method classifies
// the final point from the eigenvalues of H and reports a non-minimum as a
// status, never as success.
//
// Derivatives come from callbacks; missing ones are finite differences
// computed here (central differences of f for the gradient, forward
// differences of the gradient for H and for Hessian-vector products), and all
// evaluations are counted.  BFGS and L-BFGS without a gradient start with
// forward differences of f (p calls instead of 2p) and switch to central ones
// for good once max|g| <= 1e3 gtol, a stopping rule fires or the line search
// fails: the convergence test and the reported gradient are always central.
#pragma once

#include "common.hpp"
#include "linesearch.hpp"
#include "numderiv.hpp"
#include "trust.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <algorithm>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

namespace newtonr {

enum class OptimMethod { Newton, Trust, NewtonCG, BFGS, LBFGS, GD };
// Default: stop when max|g| <= gtol, or the relative decrease of f is below
// reltol, or f <= abstol.  Documents: the documents' loop
// `while |f'| > eps: x -= f'/f''`, which tests the gradient of the point
// *before* the last update, so it makes one more update after |g| <= eps.
enum class OptimCriterion { Default, Documents };

// Status codes (returned to R as `convergence`).
enum OptimStatus : int {
  kOptimConverged = 0,
  kOptimMaxit = 1,
  kOptimNotMinimum = 10,   // stopped at a saddle point or a maximum
  kOptimDegenerate = 11,   // stationary, H singular: minimum not confirmed
  kOptimStalled = 20,      // no further decrease found (line search/radius)
  kOptimNoProgress = 21,   // reltol/abstol fired while max|g| > gtol
  kOptimUnbounded = 30,    // f appears unbounded below / diverged
  kOptimStepDiverged = 31, // gd with a fixed lr: f rises (the step is too large)
  kOptimSingular = 40      // pure Newton: singular Hessian, no step possible
};

struct OptimFunctions {
  std::function<double(const Vec&)> fn;
  std::function<Vec(const Vec&)> gr;                  // empty: finite differences
  std::function<Mat(const Vec&)> hess;                // empty: finite differences
  std::function<Vec(const Vec&, const Vec&)> hessp;   // empty: from hess or FD
};

struct OptimOptions {
  OptimMethod method = OptimMethod::Newton;
  OptimCriterion criterion = OptimCriterion::Default;
  int maxit = 100;
  double reltol = 1.490116119384765625e-8;  // sqrt(machine eps), as optim
  double abstol = -kInf;
  double gtol = 1e-6;       // on max |g| (of fn / fnscale)
  double fnscale = 1.0;     // < 0 maximises
  bool line_search = true;
  double lambda = -1.0;     // >= 0: fixed regularisation for non-PD H
  double lr = -1.0;         // > 0: fixed learning rate for GD
  int memory = 10;          // L-BFGS pairs
  double radius = 0.5;      // initial trust radius
  double max_radius = 1e4;
  int exact_max_p = 1000;   // trust: exact subproblem up to this p
  int cg_maxit = 0;         // 0: min(max(20, p), 250)
  int classify_max_p = 500; // classify the end point up to this p
  bool neg_curvature = true;
};

struct OptimCounts {
  long fn = 0, gr = 0, hess = 0;
};

struct OptimResult {
  Vec par;
  double value = kNaN;  // on the user's scale (times fnscale)
  Vec gradient;         // user's scale
  Mat hessian;          // user's scale, at par, if computed (p x p, or 0 x 0)
  int iterations = 0;
  int status = kOptimConverged;
  std::string message;
  std::string stationary;  // "minimum", "maximum", "saddle", "degenerate", "" (unknown)
  OptimCounts counts;
  // trace (internal scale converted to user scale)
  std::vector<int> t_iter;
  std::vector<double> t_value, t_gnorm, t_step, t_damping;
  std::vector<Vec> t_par;
};

// Wraps the callbacks: scaling by 1/fnscale, finite differences, counting.
class OptimEvaluator {
 public:
  OptimEvaluator(const OptimFunctions& f, double fnscale, OptimCounts& counts)
      : f_(f), scale_(1.0 / fnscale), c_(counts) {}

  bool has_gr() const { return static_cast<bool>(f_.gr); }
  bool has_hess() const { return static_cast<bool>(f_.hess); }
  bool has_hessp() const { return static_cast<bool>(f_.hessp); }
  // Multiply the internal objective by `s` (a power of 2, so exact).
  void rescale(double s) { scale_ *= s; }

  double f(const Vec& x) {
    ++c_.fn;
    return f_.fn(x) * scale_;
  }
  // Gradient; central differences of f when no gr (step ~ eps^(1/3)).
  Vec g(const Vec& x) {
    if (f_.gr) {
      ++c_.gr;
      return f_.gr(x) * scale_;
    }
    const Eigen::Index n = x.size();
    Vec out(n), xt = x;
    for (Eigen::Index i = 0; i < n; ++i) {
      double h = 6.0554544523933395e-06 * std::max(1.0, std::fabs(x(i)));
      xt(i) = x(i) + h;
      double fp = f(xt);
      xt(i) = x(i) - h;
      double fm = f(xt);
      xt(i) = x(i);
      out(i) = (fp - fm) / ((x(i) + h) - (x(i) - h));
    }
    return out;
  }
  // Gradient at x with f(x) = fx known (internal scale): forward differences
  // when switched on and there is no gr (step ~ sqrt(eps), p calls), else g(x).
  Vec g(const Vec& x, double fx) {
    if (f_.gr || !forward_) return g(x);
    const Eigen::Index n = x.size();
    Vec out(n), xt = x;
    for (Eigen::Index i = 0; i < n; ++i) {
      xt(i) = x(i) + 1.4901161193847656e-08 * std::max(1.0, std::fabs(x(i)));
      out(i) = (f(xt) - fx) / (xt(i) - x(i));
      xt(i) = x(i);
    }
    return out;
  }
  void set_forward(bool on) { forward_ = on && !f_.gr; }
  bool forward() const { return forward_; }
  // Central differences of gr (2p calls, error O(h^2) instead of O(h)): the
  // end point's classification (x^3 at 1e-18: forward differences give
  // H = 3h > 0 where H = 6x ~ 0).  Requires gr.
  Mat h_central(const Vec& x) {
    const Eigen::Index n = x.size();
    Mat H(n, n);
    Vec xt = x;
    for (Eigen::Index j = 0; j < n; ++j) {
      const double h = 6.0554544523933395e-06 * std::max(1.0, std::fabs(x(j)));
      xt(j) = x(j) + h;
      const Vec gp = g(xt);
      xt(j) = x(j) - h;
      const Vec gm = g(xt);
      xt(j) = x(j);
      H.col(j) = (gp - gm) / (2 * h);
    }
    return (H + H.transpose()) / 2;
  }
  // Hessian: user's, or forward differences of the gradient (symmetrised),
  // or, without gr, second differences of f (step ~ eps^(1/4)).
  Mat h(const Vec& x, const Vec& gx) {
    const Eigen::Index n = x.size();
    if (f_.hess) {
      ++c_.hess;
      return f_.hess(x) * scale_;
    }
    Mat H(n, n);
    Vec xt = x;
    if (f_.gr) {
      for (Eigen::Index j = 0; j < n; ++j) {
        double h = 1.4901161193847656e-08 * std::max(1.0, std::fabs(x(j)));
        xt(j) = x(j) + h;
        Vec gj = g(xt);
        H.col(j) = (gj - gx) / (xt(j) - x(j));
        xt(j) = x(j);
      }
    } else {
      double f0 = f(x);
      Vec hs(n), fp(n), fm(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        hs(i) = 1.220703125e-04 * std::max(1.0, std::fabs(x(i)));
        xt(i) = x(i) + hs(i);
        fp(i) = f(xt);
        xt(i) = x(i) - hs(i);
        fm(i) = f(xt);
        xt(i) = x(i);
        H(i, i) = (fp(i) - 2.0 * f0 + fm(i)) / (hs(i) * hs(i));
      }
      for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = i + 1; j < n; ++j) {
          xt(i) = x(i) + hs(i);
          xt(j) = x(j) + hs(j);
          double fpp = f(xt);
          xt(i) = x(i);
          xt(j) = x(j);
          // H_ij from f(x+hi+hj) - f(x+hi) - f(x+hj) + f(x) with a central
          // correction using the -hi, -hj points already computed
          xt(i) = x(i) - hs(i);
          xt(j) = x(j) - hs(j);
          double fmm = f(xt);
          xt(i) = x(i);
          xt(j) = x(j);
          H(i, j) = H(j, i) = (fpp - fp(i) - fp(j) + 2.0 * f0 - fm(i) - fm(j) + fmm) /
                              (2.0 * hs(i) * hs(j));
        }
      }
      return H;
    }
    return 0.5 * (H + H.transpose());
  }
  // Gradient and Hessian together from f only, sharing the points
  // x +- h e_i between the central gradient and the diagonal second
  // differences (h ~ eps^(1/4)): 2p + p(p-1) evaluations instead of
  // 2p + 2p^2.  Used by Newton and trust-region when neither gr nor hess is
  // given.
  Vec gh(const Vec& x, double f0, Mat& H) {
    const Eigen::Index n = x.size();
    Vec gout(n), hs(n), fp(n), fm(n), xt = x;
    H.resize(n, n);
    for (Eigen::Index i = 0; i < n; ++i) {
      double hi = 1.220703125e-04 * std::max(1.0, std::fabs(x(i)));
      xt(i) = x(i) + hi;
      hs(i) = xt(i) - x(i);
      fp(i) = f(xt);
      xt(i) = x(i) - hs(i);
      fm(i) = f(xt);
      xt(i) = x(i);
      gout(i) = (fp(i) - fm(i)) / (2.0 * hs(i));
      H(i, i) = (fp(i) - 2.0 * f0 + fm(i)) / (hs(i) * hs(i));
    }
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = i + 1; j < n; ++j) {
        xt(i) = x(i) + hs(i);
        xt(j) = x(j) + hs(j);
        double fpp = f(xt);
        xt(i) = x(i) - hs(i);
        xt(j) = x(j) - hs(j);
        double fmm = f(xt);
        xt(i) = x(i);
        xt(j) = x(j);
        H(i, j) = H(j, i) = (fpp - fp(i) - fp(j) + 2.0 * f0 - fm(i) - fm(j) + fmm) /
                            (2.0 * hs(i) * hs(j));
      }
    }
    return gout;
  }

  // Hessian-vector product: user's hessp, or forward differences of the
  // gradient along v (central when the gradient itself is numerical).
  Vec hv(const Vec& x, const Vec& gx, const Vec& v) {
    if (f_.hessp) {
      ++c_.hess;
      return f_.hessp(x, v) * scale_;
    }
    double vn = v.norm();
    if (vn == 0) return Vec::Zero(x.size());
    if (f_.gr) {
      double h = 1.4901161193847656e-08 * std::max(1.0, x.norm()) / vn;
      Vec gp = g(x + h * v);
      return (gp - gx) / h;
    }
    double h = 1.220703125e-04 * std::max(1.0, x.norm()) / vn;
    Vec gp = g(x + h * v), gm = g(x - h * v);
    return (gp - gm) / (2.0 * h);
  }

 private:
  const OptimFunctions& f_;
  double scale_;
  OptimCounts& c_;
  bool forward_ = false;
};

namespace detail {

inline std::string method_name(OptimMethod m) {
  switch (m) {
    case OptimMethod::Newton: return "newton";
    case OptimMethod::Trust: return "trust";
    case OptimMethod::NewtonCG: return "newton-cg";
    case OptimMethod::BFGS: return "bfgs";
    case OptimMethod::LBFGS: return "lbfgs";
    case OptimMethod::GD: return "gd";
  }
  return "?";
}

// Diagonal scaling for a symmetric H: D = diag(1 / sqrt(max(|H_ii|, floor)))
// with floor = rel_floor * max_i |H_ii|, so that D H D has unit diagonal where
// H has a real one.  A congruence keeps the inertia (Sylvester), and relative
// rounding errors in the entries stay relative: the eigenvalues of D H D
// classify badly scaled Hessians (brown_badly_scaled, meyer: entries 1e14
// apart) without calling their small eigenvalues zero.
inline Vec diag_scaling(const Mat& H, double rel_floor) {
  Vec d = H.diagonal().cwiseAbs();
  const double floor = std::max(rel_floor * d.maxCoeff(), 1e-300);
  for (Eigen::Index i = 0; i < d.size(); ++i) d(i) = 1.0 / std::sqrt(std::max(d(i), floor));
  return d;
}

// Eigen-classification of a stationary point from the scaled Hessian D H D:
// "minimum", "maximum", "saddle" or "degenerate" (some eigenvalue within
// rel_tol of zero, none clearly negative).  `null` (optional) receives the
// x-space directions D q of the near-zero eigenvectors q.
inline std::string classify(const Mat& H, double rel_tol, std::vector<Vec>* null = nullptr) {
  const Vec D = diag_scaling(H, rel_tol * 1e-6);
  const Mat S = D.asDiagonal() * H * D.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Mat> es(S);
  if (es.info() != Eigen::Success) return "";
  const Vec& lam = es.eigenvalues();
  double tol = rel_tol * std::max(1e-300, lam.cwiseAbs().maxCoeff());
  double lmin = lam(0), lmax = lam(lam.size() - 1);
  if (lmin > tol) return "minimum";
  if (lmax < -tol) return "maximum";
  if (lmin < -tol) return "saddle";
  if (null) {
    for (Eigen::Index i = 0; i < lam.size() && lam(i) <= tol; ++i)
      null->push_back(D.asDiagonal() * es.eigenvectors().col(i));
  }
  return "degenerate";
}

// A degenerate stationary point (singular, positive semi-definite H): does
// f stay above f(x) - max(|t g'v|, gtol |t v|_1) (up to rounding) along
// each null direction v, f(x +- t v)?  (|g| <= gtol there, and a
// difference gradient is noisy, so a first-order term only widens the
// margin.)  That holds at
// higher-order minima (powell_singular: quartic) and on flat valleys of
// minima (linear least squares of rank < p), and fails at inflections (x^3
// at 0: the cubic term falls by t^3).  The probe length is 1e-2 of
// the scale of x, far beyond where the gradient test could have stopped on
// the far side of a cubic.  Costs 2 calls of f per null direction.
template <class F>
inline bool above_tangent_on_null_space(F&& f, const Vec& x, double fx, const Vec& g,
                                        const std::vector<Vec>& null, double gtol) {
  for (const Vec& v0 : null) {
    const Vec v = v0 * (1e-2 * std::max(1.0, x.cwiseAbs().maxCoeff()) / v0.cwiseAbs().maxCoeff());
    const double slope = g.dot(v);
    for (double sgn : {1.0, -1.0}) {
      const double ft = f(Vec(x + sgn * v));
      const double noise = 1e3 * kEps * std::max({std::fabs(fx), std::fabs(ft), std::fabs(slope)});
      const double margin = std::max(std::fabs(slope), gtol * v.lpNorm<1>()) + noise;
      if (!std::isfinite(ft) || ft < fx - margin) return false;
    }
  }
  return true;
}

// Newton step -H^{-1} g on the diagonally scaled H (empty when H is not
// positive definite).
inline Vec newton_step(const Mat& H, const Vec& g) {
  const Vec D = diag_scaling(H, 1e-14);
  Eigen::LLT<Mat> llt(D.asDiagonal() * H * D.asDiagonal());
  if (llt.info() != Eigen::Success) return Vec();
  return -(D.asDiagonal() * llt.solve(Vec(D.asDiagonal() * g)));
}

// The gradient is at its rounding floor: H is positive definite and the
// Newton step H^{-1} g moves no coordinate by more than 1e-10 of its size
// (1e-20 of the largest where x_i ~ 0): the minimiser of the local model is
// x to ten digits.  On a badly scaled problem (meyer: Hessian entries 1e14
// apart) max|g| cannot fall below ~1e-4 in double precision, while x is
// converged to 13 digits.  (f's own resolution is no test: f = 1e20 +
// (x - 1)^2 cannot tell x = 100 from 1, but its Newton step of 99 can.)
inline bool at_rounding_floor(const Mat& H, const Vec& g, const Vec& x) {
  const Vec step = newton_step(H, g);
  if (step.size() == 0 || !step.allFinite()) return false;
  const double xmax = x.cwiseAbs().maxCoeff();
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (std::fabs(step(i)) > 1e-10 * std::max(std::fabs(x(i)), 1e-10 * xmax) + 1e-300) return false;
  }
  return true;
}

// Nocedal & Wright, Alg. 3.3: smallest tau in the sequence such that
// H + tau I has a Cholesky factorisation.  Returns tau; `llt` holds it.
// `intr` (optional) is ticked per attempt: up to 200 factorisations of a
// large H can take minutes.
inline double modified_cholesky(const Mat& H, Eigen::LLT<Mat>& llt, double fixed_lambda,
                                Interrupter* intr = nullptr) {
  const Eigen::Index n = H.rows();
  llt.compute(H);
  if (llt.info() == Eigen::Success) return 0.0;
  Mat I = Mat::Identity(n, n);
  if (fixed_lambda >= 0) {
    llt.compute(H + fixed_lambda * I);
    if (llt.info() == Eigen::Success) return fixed_lambda;
  }
  double beta = 1e-3 * std::max(1.0, H.diagonal().cwiseAbs().maxCoeff());
  double mind = H.diagonal().minCoeff();
  double tau = mind > 0 ? beta : -mind + beta;
  if (fixed_lambda > tau) tau = fixed_lambda;
  for (int k = 0; k < 200; ++k) {
    if (intr) intr->tick();
    llt.compute(H + tau * I);
    if (llt.info() == Eigen::Success) return tau;
    tau = std::max(2.0 * tau, beta);
  }
  throw std::runtime_error("could not make the Hessian positive definite (non-finite entries?)");
}

inline std::string fmt_g(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

inline std::string no_progress_message(bool small_change, double gmax, double gtol) {
  return std::string(small_change ? "the relative reduction of the objective fell below reltol"
                                  : "the objective fell below abstol") +
         ", but max|gradient| = " + fmt_g(gmax) + " > gtol = " + fmt_g(gtol) +
         ": not a minimum to the stated tolerance (rescale the problem, or continue from 'par')";
}

inline std::string lr_divergence_message(double lr, int rises, double f_from, double f_to) {
  return "gradient descent with the fixed learning rate control$lr = " + fmt_g(lr) +
         " diverges: " +
         (std::isfinite(f_to) ? "the objective rose at " + std::to_string(rises) +
                                    " consecutive steps (to " + fmt_g(f_to) + ")"
                              : "the objective is not finite at the next iterate (from " +
                                    fmt_g(f_from) + ")") +
         ": the step size is too large for this problem; lower control$lr, or leave it NULL "
         "for backtracking";
}

// Largest disagreement between a user's derivative u and a difference
// quotient d, relative to |d_i| (but at least 1e-2 of the largest entry, so
// that entries near zero compare absolutely).
inline double rel_mismatch(const Vec& u, const Vec& d) {
  const double scale = std::max(d.cwiseAbs().maxCoeff(), u.cwiseAbs().maxCoeff());
  double worst = 0.0;
  for (Eigen::Index i = 0; i < u.size(); ++i) {
    const double den = std::max({std::fabs(d(i)), 1e-2 * scale, 1e-300});
    const double e = std::fabs(u(i) - d(i)) / den;
    worst = std::isnan(e) ? kInf : std::max(worst, e);
  }
  return worst;
}

// After a failure: compare the supplied gr (and hess) with Richardson
// differences at x (8p calls of f, or of gr for the Hessian), and return a
// sentence for the message when they disagree (empty otherwise).  Calls are
// counted; a non-finite value near x gives no verdict.
inline std::string derivative_check(OptimEvaluator& ev, const Vec& x, const Vec& g) {
  std::string out;
  const Eigen::Index n = x.size();
  ScalarFn fx = [&ev](const Vec& z) { return ev.f(z); };
  auto say = [&out](const char* what, double e) {
    if (e > 1e-2)
      out += std::string("; '") + what + "' disagrees with finite differences (max relative error " +
             fmt_g(e) + "): check it with check_derivatives()";
    return e > 1e-2;
  };
  try {
    const bool bad_gr = ev.has_gr() && n <= 200 && say("gr", rel_mismatch(g, gradient(fx, x)));
    // the Hessian against differences of gr, or of f alone when gr is wrong
    // (or missing): 1 + 4p(p + 1) calls, so only for small p
    const bool from_f = !ev.has_gr() || bad_gr;
    if (ev.has_hess() && n <= (from_f ? 10 : 50)) {
      const Mat Hu = ev.h(x, g);
      const Mat Hn = from_f ? hessian(fx, x, hessian_defaults())
                            : jacobian([&ev](const Vec& z) { return ev.g(z); }, x);
      say("hess", rel_mismatch(Eigen::Map<const Vec>(Hu.data(), Hu.size()),
                               Eigen::Map<const Vec>(Hn.data(), Hn.size())));
    }
  } catch (const std::runtime_error&) {
  }
  return out;
}

// Damped Newton direction: -H^{-1} g when H is positive definite; else
// -(H + tau I)^{-1} g with tau from Alg. 3.3 (or the documents' fixed
// lambda).  When H is not positive definite, no lambda is fixed and H is
// badly scaled, `alt` receives a second candidate: Alg. 3.3 on the
// diagonally scaled D H D, i.e. H + tau D^{-2} (Marquardt's scaling: the
// shift is relative to each curvature, so a badly scaled H -- meyer's,
// gulf's -- is not swamped in its small directions); the caller keeps the
// one with the lower quadratic model.  `tau` gets the identity shift.
inline Vec damped_newton_direction(const Mat& H, const Vec& g, double fixed_lambda,
                                   Interrupter* intr, double& tau, Vec& alt) {
  Eigen::LLT<Mat> llt(H);
  tau = 0.0;
  alt.resize(0);
  if (llt.info() == Eigen::Success) return -llt.solve(g);
  tau = modified_cholesky(H, llt, fixed_lambda, intr);
  const Vec d = -llt.solve(g);
  // (only for a badly scaled H, diagonal entries more than 1e3 apart: on
  // MGH-35 any spread from 1e2 to 1e4 solves all 35; at 1e1 biggs_exp6
  // stays in its symmetric valley, at 1e5 gulf stalls)
  const Vec ad = H.diagonal().cwiseAbs();
  const double dmin = (ad.array() > 0).any() ? (ad.array() > 0).select(ad, kInf).minCoeff() : 0.0;
  if (fixed_lambda < 0 && dmin > 0 && ad.maxCoeff() > 1e3 * dmin) {
    const Vec D = diag_scaling(H, 1e-14);
    modified_cholesky(D.asDiagonal() * H * D.asDiagonal(), llt, -1.0, intr);
    alt = -(D.asDiagonal() * llt.solve(Vec(D.asDiagonal() * g)));
  }
  return d;
}

// A supplied gr whose zero is not fn's: at a claimed minimum, the slope of
// f along one fixed irregular direction u (u_i = +-(1 + frac(0.618 i))
// max(1, |x_i|), signs in an aperiodic pattern, so that no structured error
// in gr is orthogonal to it) by a central difference (2 calls of f),
// against g'u; only when they disagree, Richardson extrapolation with a
// second step t/2 (2 more calls) separates a wrong gr from the difference's
// truncation error (meyer, brown_badly_scaled).  Returns the disagreement
// per unit of sum|u| when it exceeds what a true gradient within gtol
// (10 gtol sum|u|), rounding and the truncation error could explain, else 0
// (also when f is not finite at a probe: no verdict).
inline double gr_zero_mismatch(OptimEvaluator& ev, const Vec& x, double f, const Vec& g,
                               double gtol) {
  const Eigen::Index n = x.size();
  const double t = 1e-4;
  Vec u(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double w = 0.6180339887498949 * static_cast<double>(i + 1);
    const double fr = w - std::floor(w);
    u(i) = std::max(1.0, std::fabs(x(i))) * (1.0 + fr) * (fr < 0.5 ? 1.0 : -1.0);
  }
  const double su = u.cwiseAbs().sum(), gu = g.dot(u);
  double fmax = std::fabs(f);
  auto slope_at = [&](double tj, double& out) {
    const double fp = ev.f(x + tj * u), fm = ev.f(x - tj * u);
    if (!std::isfinite(fp) || !std::isfinite(fm)) return false;
    fmax = std::max({fmax, std::fabs(fp), std::fabs(fm)});
    out = (fp - fm) / (2 * tj);
    return true;
  };
  double s1 = 0, s2 = 0;
  if (!slope_at(t, s1)) return 0.0;
  const double allowed = 10 * gtol * su;
  if (std::fabs(s1 - gu) <= allowed + 1e3 * kEps * fmax / t) return 0.0;
  if (!slope_at(t / 2, s2)) return 0.0;
  const double slope = (4 * s2 - s1) / 3, trunc = std::fabs(s2 - s1);
  const double err = std::fabs(slope - gu);
  if (err > allowed + 1e3 * kEps * fmax / (t / 2) + 10 * trunc) return err / su;
  return 0.0;
}

// A "minimum" from the Hessian's eigenvalues where f is not locally
// quadratic: near an inflection (x^3 at x = 5e-4: g = 8e-7, H = 3e-3 > 0)
// f keeps falling along the Newton step s far past the model's minimiser.
// At a minimum, f(x + t s) - f(x) = (t^2/2 - t) s'Hs > 0 for t = 16 and 32
// (and for a minimum of order up to 9 in one variable, x^k: x + t s lies
// beyond -x).  True when f falls below f(x) at all three probes (t = 16, 32,
// 1024) by more than the model's predicted rise there and rounding.  A
// difference gradient's error makes s itself inexact near a minimum (beale
// and rosenbrock at f ~ 1e-14: s a twentieth of the way to the minimiser),
// so t = 16 and 32 may fall short of it; 1024 s overshoots it.
// Without gr, the difference gradient's truncation error can leave s a
// millionth of the way (rosenbrock, newton-cg: g ~ 1e-13 where the true one
// is 1e-7), so there the last probe must also fall by more than |f(x)|.
inline bool falls_past_newton_step(OptimEvaluator& ev, const Vec& x, double f, const Mat& H,
                                   const Vec& s) {
  if (s.size() == 0 || !s.allFinite() || s.cwiseAbs().maxCoeff() == 0.0) return false;
  const double sHs = std::fabs(s.dot(H * s));
  const double margin = 1e-10 * std::fabs(f) + 1e-300;
  for (double t : {16.0, 32.0, 1024.0}) {
    const double ft = ev.f(x + t * s);
    const double need = (t > 100 && !ev.has_gr()) ? std::fabs(f) : 0.0;
    if (!(ft < f - std::max((t * t / 2 - t) * sHs, need) - margin)) return false;
  }
  return true;
}

// The end of a run: classify the end point from the Hessian's eigenvalues,
// decide what the stop means, and explain failures.
//  * converged only with max|g| <= gtol, or with the gradient at its
//    rounding floor (at_rounding_floor) after another stopping rule;
//  * a converged point that is a saddle or a maximum is reported as such; a
//    degenerate one is a minimum only when f stays above its tangent along
//    the Hessian's null space;
//  * a point far from stationary is not classified (no "saddle" at
//    |g| = 4), and a failure there checks the user's derivatives.
inline void finish(OptimEvaluator& ev, const OptimOptions& opt, const Vec& x, double f,
                   const Vec& g, Mat& H, bool& have_H, bool uses_H, bool want_hessian,
                   int& status, std::string& message, std::string& stationary) {
  const Eigen::Index n = x.size();
  std::vector<Vec> null_dirs;
  if (n <= opt.classify_max_p || want_hessian) {
    if (ev.has_gr() && !ev.has_hess() && n <= 200) {
      H = ev.h_central(x);
      have_H = true;
    } else if (!(uses_H && have_H) && (ev.has_hess() || ev.has_gr() || n <= 50)) {
      H = ev.h(x, g);
      have_H = true;
    }
    if (have_H && H.allFinite()) {
      const double tol = ev.has_hess() ? 1e-8 : (ev.has_gr() ? 1e-6 : 1e-4);
      stationary = classify(H, tol, &null_dirs);
    }
  }
  const double gmax = g.cwiseAbs().maxCoeff();
  const bool documents = opt.criterion == OptimCriterion::Documents;
  if ((status == kOptimStalled || status == kOptimNoProgress) && !documents &&
      stationary == "minimum" && at_rounding_floor(H, g, x)) {
    status = kOptimConverged;
    message = "max|gradient| = " + fmt_g(gmax) +
              " is above gtol but at its rounding floor: the Newton step changes no parameter "
              "beyond its 10th digit";
  }
  if (status == kOptimConverged && !documents && !ev.has_gr()) {
    // a central-difference gradient carries a rounding error of about
    // eps |f| / h: where that exceeds gtol (f = 1e6 (1 + 1e-9 |x - c|^2): 4e-5)
    // the test max|g| <= gtol certifies nothing
    const double h = (uses_H && !ev.has_hess() ? 1.220703125e-04 : 6.0554544523933395e-06) *
                     std::max(1.0, x.cwiseAbs().minCoeff());
    const double noise = kEps * std::fabs(f) / h;
    if (noise > opt.gtol) {
      status = kOptimNoProgress;
      message = "max|gradient| is below gtol, but the finite-difference gradient's rounding error "
                "(about " + fmt_g(noise) + ") is not: the gradient test cannot be met without "
                "'gr' (supply it, or remove a large constant from fn)";
    }
  }
  const bool near_stationary = gmax <= std::max(opt.gtol, 1e-3 * std::sqrt(opt.gtol));
  const bool non_min = stationary == "saddle" || stationary == "maximum";
  const bool far_non_min = non_min && !near_stationary && status != kOptimConverged;
  if (!stationary.empty() &&
      (status == kOptimConverged || (near_stationary && status == kOptimStalled))) {
    const Vec step = stationary == "minimum" ? newton_step(H, g) : Vec();
    const double step_max = step.size() ? step.cwiseAbs().maxCoeff() : 0.0;
    if (!(step_max <= 1e-2 * std::max(1.0, x.cwiseAbs().maxCoeff()))) {
      // max|g| <= gtol, but the model's minimiser is far: f is too flat on
      // its scale for gtol (1e-300 * (x - 1)^2 "converges" anywhere)
      status = kOptimDegenerate;
      stationary.clear();
      message = "max|gradient| is below gtol, but the Newton step to the minimiser of the local "
                "model is " + fmt_g(step_max) + " long: the objective is too flat for gtol "
                "(rescale fn, e.g. with control$fnscale, or lower gtol)";
    } else if (stationary == "minimum" && status == kOptimConverged &&
               falls_past_newton_step(ev, x, f, H, step)) {
      status = kOptimDegenerate;
      stationary.clear();
      message = "max|gradient| is below gtol, but f keeps falling along the Newton step well "
                "past the local model's minimiser: not a minimum (an inflection nearby, or an "
                "objective unbounded below)";
    } else if (non_min) {
      status = kOptimNotMinimum;
      message = "stopped at a " + stationary +
                " (a stationary point that is not a minimum): the Hessian has negative eigenvalues";
    } else if (stationary == "degenerate" && status == kOptimConverged &&
               static_cast<Eigen::Index>(null_dirs.size()) < n &&
               above_tangent_on_null_space([&ev](const Vec& z) { return ev.f(z); }, x, f, g,
                                           null_dirs, opt.gtol)) {
      stationary = "minimum";
      message += " (the Hessian is singular, and f does not fall below its tangent along the "
                 "null space: a non-isolated or higher-order minimum)";
    } else if (stationary == "degenerate") {
      status = kOptimDegenerate;
      message = static_cast<Eigen::Index>(null_dirs.size()) == n
                    ? "stopped where f is flat (the gradient and the Hessian vanish): a plateau, not a confirmed minimum"
                    : "stopped at a degenerate stationary point (singular Hessian): a minimum is not confirmed";
    }
  }
  if (status == kOptimConverged && ev.has_gr() && !documents) {
    const double e = gr_zero_mismatch(ev, x, f, g, opt.gtol);
    if (e > 0) {
      status = kOptimStalled;
      stationary.clear();
      message = "max|gradient| of 'gr' is below gtol, but differences of 'fn' give a slope of " +
                fmt_g(e) + " per unit step: 'gr' is not the gradient of 'fn' here";
    }
  }
  // never classify a point far from stationary
  const bool keep = status == kOptimConverged || status == kOptimNotMinimum ||
                    status == kOptimDegenerate ||
                    (stationary == "minimum" ? gmax <= std::sqrt(opt.gtol) : near_stationary);
  if (!keep) stationary.clear();
  if (status == kOptimStalled || far_non_min ||
      ((status == kOptimNoProgress || status == kOptimMaxit) && gmax > 1e3 * opt.gtol)) {
    message += derivative_check(ev, x, g);
  }
  if (opt.fnscale < 0 && !stationary.empty()) {
    // classification was on fn/fnscale; the user asked to maximise
    if (stationary == "minimum") stationary = "maximum";
    else if (stationary == "maximum") stationary = "minimum";
    if (status == kOptimNotMinimum) message += " of -fn (the maximisation objective)";
  }
}

}  // namespace detail

// The driver.  `x0` is the start; throws std::invalid_argument when f is not
// finite at x0 (the R side words it), never for non-convergence.
inline OptimResult optimize(const OptimFunctions& fns, const Vec& x0, const OptimOptions& opt,
                            bool want_hessian, Interrupter interrupt = Interrupter()) {
  OptimResult res;
  OptimEvaluator ev(fns, opt.fnscale, res.counts);
  const Eigen::Index n = x0.size();
  const OptimMethod method = opt.method;
  const bool documents = opt.criterion == OptimCriterion::Documents;
  double fsign = opt.fnscale;  // user value = internal * fsign

  Vec x = x0;
  double f = ev.f(x);
  if (!std::isfinite(f)) throw std::invalid_argument("'fn' is not finite at the initial 'par'");
  // An objective of size ~1e300 overflows squared norms of its gradient
  // (and step lengths of 1/|g| underflow to zero): minimise it divided by a
  // power of 2 near |f(x0)| instead (exact, so nothing else changes).
  if (std::fabs(f) > 1e100) {
    const double s = std::ldexp(1.0, -std::ilogb(f));
    ev.rescale(s);
    f *= s;
    fsign /= s;
  }
  Mat H;
  bool have_H = false;  // H is the Hessian at the current x
  const bool uses_H = method == OptimMethod::Newton || method == OptimMethod::Trust;
  const bool joint_fd = uses_H && !ev.has_gr() && !ev.has_hess();
  // quasi-Newton without gr: forward differences until near the end
  ev.set_forward(method == OptimMethod::BFGS || method == OptimMethod::LBFGS);
  // gradient at x (with f = f(x)); also H when both come from f alone
  auto grad_at = [&](const Vec& xx, double fx) {
    if (joint_fd) {
      Vec gg = ev.gh(xx, fx, H);
      have_H = true;
      return gg;
    }
    return ev.g(xx, fx);
  };
  Vec g = grad_at(x, f);
  if (!g.allFinite()) {
    throw std::invalid_argument(
        ev.has_gr() ? "'gr' returned NaN or Inf: the gradient is not finite at the initial 'par'"
                    : "'fn' is NaN or infinite near the initial 'par' (or its differences overflow): "
                      "the difference gradient is not finite at the initial 'par'");
  }
  // leave forward differences for good: central gradient at x from now on
  auto to_central = [&]() {
    ev.set_forward(false);
    g = ev.g(x);
  };
  const double fbig = 1e50 * std::max(1.0, std::fabs(f));
  const double xbig = 1e20 * std::max(1.0, x0.cwiseAbs().maxCoeff());

  auto record = [&](int it, double step, double damping) {
    res.t_iter.push_back(it);
    res.t_value.push_back(f * fsign);
    res.t_gnorm.push_back(g.norm() * std::fabs(fsign));
    res.t_step.push_back(step);
    res.t_damping.push_back(damping);
    res.t_par.push_back(x);
  };
  record(0, kNaN, method == OptimMethod::Trust ? opt.radius : kNaN);

  // BFGS / L-BFGS state
  Mat Hinv;
  std::deque<Vec> S, Y;
  std::deque<double> RHO;
  double gd_alpha = 1.0;
  double radius = opt.radius;
  const int cg_maxit = opt.cg_maxit > 0 ? opt.cg_maxit
                                        : static_cast<int>(std::min<Eigen::Index>(std::max<Eigen::Index>(20, n), 250));

  int status = kOptimMaxit;
  std::string message;
  bool small_change = false;  // relative decrease below reltol at the last step
  double gnorm_prev = kInf;   // max|g| at the previous iterate (documents rule)
  int it = 0;

  int rises = 0;  // consecutive increases of f under a fixed learning rate
  int quiet = 0;  // consecutive reltol stops overruled (newton, trust)
  int extra = 0;  // steps taken past the gradient test at a singular minimiser
  double last_drop = 0.0;  // f decrease of the last accepted step
  Vec d;           // search direction of the current line-search iteration
  Vec d_alt;       // newton: a second candidate direction (empty: none)
  // a step alpha * d that leaves every coordinate of x unchanged is no step
  auto moves_nothing = [&](double alpha) { return ((x + alpha * d).array() == x.array()).all(); };
  // Where the decrease a step predicts is within the rounding noise of f
  // (meyer: f = 87.9 carries noise ~5e-10 from cancellation in its
  // residuals), compare slopes instead: Hager & Zhang's (2005) approximate
  // Wolfe conditions, f(x_t) <= f + 1e-6 |f| and
  // 0.9 g'd <= g_t'd <= -0.8 g'd.  `gt` receives the gradient at x_t.
  auto noise_level_step = [&](double ft, double slope0, const Vec& xt, const Vec& step, Vec& gt) {
    if (!(ft <= f + 1e-6 * std::fabs(f)) || !(slope0 < 0)) return false;
    gt = ev.g(xt);
    const double slope = gt.dot(step);
    if (gt.allFinite() && slope <= -0.8 * slope0 && slope >= 0.9 * slope0) return true;
    gt.resize(0);
    return false;
  };
  auto hess_now = [&]() {
    if (!have_H) {
      H = ev.h(x, g);
      if (!H.allFinite()) {
        throw std::runtime_error(
            ev.has_hess() ? "'hess' returned NaN or Inf: the Hessian is not finite at the current point"
            : ev.has_gr() ? "'gr' is NaN or infinite near the current point (or its differences "
                            "overflow): the Hessian is not finite at the current point"
                          : "'fn' is NaN or infinite near the current point (or its differences "
                            "overflow): the Hessian is not finite at the current point");
      }
      have_H = true;
    }
  };

  for (it = 1; it <= opt.maxit + 1; ++it) {
    interrupt.tick();
    double gmax = g.cwiseAbs().maxCoeff();
    auto stop_rule = [&]() {
      if (documents) return (it == 1) ? gmax <= opt.gtol : gnorm_prev <= opt.gtol;
      return gmax <= opt.gtol || small_change || f <= opt.abstol;
    };
    bool stop = stop_rule();
    if (ev.forward() && (stop || gmax <= 1e3 * opt.gtol)) {
      // near the end: central differences from here on, so that the
      // convergence test sees an accurate gradient.  A small decrease made
      // with the forward gradient does not count: reltol must be met by a
      // step taken with the central one (brown_badly_scaled: the forward
      // error is h f'' ~ 1e4 there).
      to_central();
      gmax = g.cwiseAbs().maxCoeff();
      small_change = false;
      stop = stop_rule();
    }
    // Newton/trust without gr or hess take g from the Hessian's stencil (step
    // eps^(1/4)): its truncation error h^2 f'''/6 can exceed gtol
    // (goldstein_price: 2e-4 where the stencil says < 1e-6; rosenbrock: 6e-6
    // at 1e-8 from the minimiser, where trust then stalled).  Near the end
    // (max|g| <= 1e3 gtol) the step and the gradient test use the fine
    // central gradient (step eps^(1/3), 2p more calls per iteration).
    if (joint_fd && !documents && gmax <= 1e3 * opt.gtol) {
      const Vec gf = ev.g(x);
      if (gf.allFinite()) {
        g = gf;
        gmax = g.cwiseAbs().maxCoeff();
        stop = stop_rule();
      }
    }
    // Near a singular (or nearly singular) minimiser the gradient test
    // stops early: Newton steps converge only linearly there, f falling by
    // a steady factor (powell_singular: ~5 per step, f ~ 1e-10 at max|g| =
    // 1e-6).  Newton and trust continue while the last step cut f by a
    // linear-rate fraction (between 1/10 and 99/100: quadratic convergence
    // cuts more, a settled f less), at most 50 more steps.
    const double drop_frac = last_drop / std::fabs(f + last_drop);
    if (stop && gmax <= opt.gtol && uses_H && !documents && extra < 50 && drop_frac > 0.1 &&
        drop_frac < 0.99) {
      ++extra;
      stop = false;
    }
    // reltol alone does not stop a run while the gradient is above gtol
    // (and, for newton and trust, not yet at its rounding floor: meyer's f
    // settles to 10 digits long before x does); five such steps in a row do.
    if (!small_change) quiet = 0;
    if (stop && !documents && small_change && gmax > opt.gtol && f > opt.abstol) {
      if (uses_H) hess_now();
      if (!(uses_H && detail::at_rounding_floor(H, g, x)) && ++quiet < 5) stop = false;
    }
    // Newton's escape from saddle points: before stopping, look at H.
    if (stop && uses_H && opt.neg_curvature && n <= opt.classify_max_p &&
        (opt.line_search || method == OptimMethod::Trust)) {
      hess_now();
      Eigen::SelfAdjointEigenSolver<Mat> es(H);
      double lmin = es.eigenvalues()(0);
      double tol = 1e-6 * std::max(1.0, es.eigenvalues().cwiseAbs().maxCoeff());
      if (lmin < -tol && it <= opt.maxit) {
        Vec dn = es.eigenvectors().col(0);
        if (g.dot(dn) > 0) dn = -dn;
        dn *= std::max(1.0, 0.1 * x.norm());
        if (method == OptimMethod::Trust) dn *= radius / dn.norm();
        double gd0 = g.dot(dn), curv = lmin * dn.squaredNorm();
        // decrease required: Armijo-type with the second-order term
        double alpha = 1.0, fa = kNaN;
        bool ok = false;
        for (int k = 0; k < 60; ++k) {
          fa = ev.f(x + alpha * dn);
          if (std::isfinite(fa) && fa < f + 1e-4 * (alpha * gd0 + 0.5 * alpha * alpha * curv)) {
            ok = true;
            break;
          }
          alpha *= 0.5;
        }
        if (ok) {
          x += alpha * dn;
          double fold = f;
          f = fa;
          gnorm_prev = gmax;
          have_H = false;
          g = grad_at(x, f);
          small_change = false;
          (void)fold;
          res.iterations = it;
          record(it, alpha * dn.norm(), lmin);
          continue;
        }
      }
    }
    if (stop) {
      // only the gradient test makes a minimum; reltol and abstol stop the
      // run, honestly (the end checks whether the gradient left is rounding)
      status = (documents || gmax <= opt.gtol) ? kOptimConverged : kOptimNoProgress;
      message = gmax <= opt.gtol ? "gradient below gtol"
                                 : detail::no_progress_message(small_change, gmax, opt.gtol);
      if (documents) message = "documents' criterion: |gradient| <= eps at the previous iterate";
      break;
    }
    if (it > opt.maxit) {
      status = kOptimMaxit;
      message = "iteration limit 'maxit' reached";
      break;
    }
    res.iterations = it;
    const double fold = f;
    Vec xold = x, gold = g;
    double step_len = kNaN, damping = kNaN;

    if (method == OptimMethod::Trust) {
      hess_now();
      TrustStep ts;
      // exact subproblem: eigendecomposition for small p, Moré-Sorensen's
      // Cholesky iteration for medium p, Steihaug's CG beyond (or when
      // Moré-Sorensen cannot settle, as in the hard case)
      bool ms_ok = false;
      if (n <= std::min(opt.exact_max_p, 200)) {
        ts = trust_exact(H, g, radius);
      } else if (n <= opt.exact_max_p) {
        ts = trust_more_sorensen(H, g, radius, ms_ok);
      }
      if (n > std::min(opt.exact_max_p, 200) && !ms_ok) {
        // (the product ticks the interrupt check: up to 4 cg_maxit
        // products of cost p^2 run here without any R call)
        ts = trust_steihaug([&](const Vec& v) { interrupt.tick(); return Vec(H * v); }, g, radius,
                            cg_maxit * 4);
      }
      // predicted decrease -(g'p + p'Hp/2); for an exact subproblem solution
      // (H + sigma I) p = -g it equals (-g'p + sigma |p|^2) / 2, a sum of
      // non-negative terms, free of the cancellation that makes it <= 0 on
      // badly scaled H (brown_badly_scaled: entries 2 and 2e12)
      double pred = ts.exact ? 0.5 * (-g.dot(ts.p) + ts.sigma * ts.p.squaredNorm())
                             : -(g.dot(ts.p) + 0.5 * ts.p.dot(H * ts.p));
      damping = radius;
      if (!(pred > 0)) {
        status = kOptimStalled;
        message = "the quadratic model predicts no further decrease";
        res.iterations = it - 1;
        break;
      }
      Vec xt = x + ts.p;
      double ft = ev.f(xt);
      double rho = std::isfinite(ft) ? (f - ft) / pred : -kInf;
      double pn = ts.p.norm();
      Vec gt;
      if (rho <= 1e-4 && !joint_fd && pred <= 1e-6 * std::fabs(f) &&
          noise_level_step(ft, g.dot(ts.p), xt, ts.p, gt)) {
        rho = 0.5;  // accepted on the slope; the radius stays
      }
      // radius update (N&W Alg. 4.1, with Conn, Gould & Toint's gamma_1 =
      // 1/2 for a poor step): measured on MGH-35, 1/4 loses biggs_exp6
      if (rho < 0.25) {
        radius = 0.5 * std::min(radius, pn);
      } else if (rho > 0.75 && pn >= 0.99 * radius) {
        radius = std::min(2.0 * radius, opt.max_radius);
      }
      if (rho > 1e-4) {
        x = xt;
        last_drop = f - ft;
        f = ft;
        gnorm_prev = gmax;
        have_H = false;
        g = gt.size() ? gt : grad_at(x, f);
        step_len = pn;
        small_change = std::fabs(fold - f) <= opt.reltol * (std::fabs(f) + opt.reltol);
      } else {
        step_len = 0.0;
        small_change = false;
        if (radius <= 1e-15 * std::max(1.0, x.norm())) {
          status = kOptimStalled;
          message = "trust region radius collapsed without decrease";
          record(it, step_len, radius);
          break;
        }
      }
      record(it, step_len, radius);
    } else {
      // ---- line-search methods: direction d, then a step along it
      bool wolfe = false;
      double alpha0 = 1.0;
      if (method == OptimMethod::Newton) {
        hess_now();
        if (!opt.line_search) {
          // the documents' pure Newton: x - H^{-1} g (or (H + lambda I)^{-1} g)
          if (n == 1 && opt.lambda <= 0) {
            d = Vec::Constant(1, -g(0) / H(0, 0));
          } else if (opt.lambda > 0) {
            Eigen::LLT<Mat> llt(H);
            if (llt.info() == Eigen::Success) {
              d = -llt.solve(g);
            } else {
              d = -(H + opt.lambda * Mat::Identity(n, n)).partialPivLu().solve(g);
              damping = opt.lambda;
            }
          } else {
            d = -H.fullPivLu().solve(g);
          }
          if (!d.allFinite() || (H.fullPivLu().rank() < n)) {
            status = kOptimSingular;
            message = "the Hessian is singular: the pure Newton step is undefined";
            res.iterations = it - 1;
            break;
          }
        } else {
          d = detail::damped_newton_direction(H, g, opt.lambda, &interrupt, damping, d_alt);
        }
      } else if (method == OptimMethod::NewtonCG) {
        // N&W Alg. 7.1: CG on H d = -g with forcing term min(0.5, sqrt|g|)|g|
        double gn = g.norm();
        double eps = std::min(0.5, std::sqrt(gn)) * gn;
        Vec z = Vec::Zero(n), r = g, p = -g;
        double rr = r.squaredNorm();
        std::function<Vec(const Vec&)> hvp;
        if (!ev.has_hessp() && ev.has_hess()) {
          hess_now();
          hvp = [&](const Vec& v) { return Vec(H * v); };
        } else {
          hvp = [&](const Vec& v) { return ev.hv(x, g, v); };
        }
        int j = 0;
        for (; j < cg_maxit; ++j) {
          interrupt.tick();  // cg_maxit may be large; H v may be costly
          Vec Bp = hvp(p);
          double pBp = p.dot(Bp);
          // negative (or NaN, from a non-finite trial gradient) curvature:
          // stop CG (N&W Alg. 7.1); on the first iteration use -g
          if (!(pBp > 1e-12 * p.squaredNorm())) {
            if (j == 0) z = -g;
            break;
          }
          double a = rr / pBp;
          z += a * p;
          r += a * Bp;
          double rr_new = r.squaredNorm();
          if (std::sqrt(rr_new) <= eps) break;
          p = -r + (rr_new / rr) * p;
          rr = rr_new;
        }
        d = z.allFinite() ? z : Vec(-g);
        damping = j + 1;  // CG iterations
      } else if (method == OptimMethod::BFGS) {
        if (Hinv.size() == 0) Hinv = Mat::Identity(n, n);
        d = -Hinv * g;
        wolfe = true;
        if (it == 1) alpha0 = std::min(1.0, 1.0 / std::max(g.stableNorm(), 1e-300));
      } else if (method == OptimMethod::LBFGS) {
        // two-loop recursion (N&W Alg. 7.4)
        Vec q = g;
        const int m = static_cast<int>(S.size());
        std::vector<double> al(m);
        for (int i = m - 1; i >= 0; --i) {
          al[i] = RHO[i] * S[i].dot(q);
          q -= al[i] * Y[i];
        }
        double gamma = m > 0 ? S[m - 1].dot(Y[m - 1]) / Y[m - 1].squaredNorm() : 1.0;
        Vec r = gamma * q;
        for (int i = 0; i < m; ++i) {
          double b = RHO[i] * Y[i].dot(r);
          r += S[i] * (al[i] - b);
        }
        d = -r;
        wolfe = true;
        if (m == 0) alpha0 = std::min(1.0, 1.0 / std::max(g.stableNorm(), 1e-300));
      } else {  // GD
        d = -g;
        if (opt.lr > 0) {
          alpha0 = opt.lr;
        } else {
          alpha0 = std::min(1e10, 2.0 * gd_alpha);
        }
      }
      double dphi0 = g.dot(d);
      if (!(dphi0 < 0) && !(method == OptimMethod::Newton && !opt.line_search)) {
        // not a descent direction (rounding, or a poor quasi-Newton matrix)
        d = -g;
        d_alt.resize(0);
        dphi0 = -g.squaredNorm();
        if (method == OptimMethod::BFGS) Hinv = Mat::Identity(n, n);
        if (method == OptimMethod::LBFGS) { S.clear(); Y.clear(); RHO.clear(); }
      }
      double alpha = 1.0, fnew = kNaN;
      Vec gnew;
      bool have_gnew = false;
      if ((method == OptimMethod::Newton && !opt.line_search) ||
          (method == OptimMethod::GD && opt.lr > 0)) {
        alpha = alpha0;
        fnew = ev.f(x + alpha * d);
        const bool fixed_lr = method == OptimMethod::GD;
        rises = (fixed_lr && !(fnew <= f)) ? rises + 1 : 0;
        if (fixed_lr && (!std::isfinite(fnew) || rises >= 5)) {
          status = kOptimStepDiverged;
          message = detail::lr_divergence_message(opt.lr, rises, f * fsign, fnew * fsign);
          res.iterations = it - 1;
          break;
        }
        if (!std::isfinite(fnew)) {
          status = kOptimUnbounded;
          message = "the objective is not finite at the next iterate (full step without line search)";
          res.iterations = it - 1;
          break;
        }
        if (moves_nothing(alpha)) {
          status = kOptimStalled;
          message = "the step no longer changes 'par' (it is below the resolution of the parameters)";
          res.iterations = it - 1;
          break;
        }
      } else if (wolfe && ev.has_gr()) {
        double last_a = kNaN;
        Vec last_g;
        auto phid = [&](double a, double* dphi) {
          Vec xt = x + a * d;
          double fa = ev.f(xt);
          if (!std::isfinite(fa)) { *dphi = kNaN; return fa; }
          last_g = ev.g(xt);
          last_a = a;
          *dphi = last_g.dot(d);
          return fa;
        };
        LineSearchResult ls = wolfe_search(phid, f, dphi0, alpha0);
        if (!ls.ok || moves_nothing(ls.alpha)) {
          status = kOptimStalled;
          message = "the line search found no further decrease";
          res.iterations = it - 1;
          break;
        }
        alpha = ls.alpha;
        fnew = ls.f;
        if (last_a == alpha) {
          gnew = last_g;
          have_gnew = true;
        }
      } else {
        // (BFGS/L-BFGS without gr come here too: a difference gradient at
        // every trial point would cost p calls each, so they backtrack on f
        // alone and skip the update when s'y <= 0, as nlm and optim do)
        double f_full = kNaN;  // f at alpha = 1
        if (d_alt.size()) {
          // newton, H indefinite: two damped directions; keep the one whose
          // quadratic model is lower
          auto model = [&](const Vec& v) { return g.dot(v) + 0.5 * v.dot(H * v); };
          if (model(d_alt) < model(d)) {
            d = d_alt;
            dphi0 = g.dot(d);
          }
          d_alt.resize(0);
        }
        auto phi = [&](double a) {
          const double fa = ev.f(x + a * d);
          if (a == 1.0) f_full = fa;
          return fa;
        };
        LineSearchResult ls = armijo_backtrack(phi, f, dphi0, alpha0);
        if (method == OptimMethod::Newton && !joint_fd && !(ls.ok && ls.alpha == 1.0) &&
            -dphi0 <= 1e-6 * std::fabs(f) && noise_level_step(f_full, dphi0, x + d, d, gnew)) {
          ls.ok = true;
          ls.alpha = 1.0;
          ls.f = f_full;
          have_gnew = true;
        }
        if ((!ls.ok || moves_nothing(ls.alpha)) && ev.forward()) {
          // perhaps the forward-difference gradient's error: go central
          // and try again from the same point
          to_central();
          record(it, 0.0, damping);
          continue;
        }
        if (!ls.ok || moves_nothing(ls.alpha)) {
          status = kOptimStalled;
          message = "the line search found no further decrease";
          res.iterations = it - 1;
          break;
        }
        alpha = ls.alpha;
        fnew = ls.f;
        if (method == OptimMethod::GD) gd_alpha = alpha;
      }
      x = x + alpha * d;
      last_drop = f - fnew;
      f = fnew;
      gnorm_prev = gmax;
      have_H = false;
      g = have_gnew ? gnew : grad_at(x, f);
      step_len = alpha * d.norm();
      if (method == OptimMethod::BFGS || method == OptimMethod::LBFGS) {
        Vec s = x - xold, y = g - gold;
        double sy = s.dot(y);
        if (sy > 1e-10 * s.norm() * y.norm()) {
          if (method == OptimMethod::BFGS) {
            if (it == 1 || Hinv.isIdentity()) Hinv = Mat::Identity(n, n) * (sy / y.squaredNorm());
            // N&W eq. 6.17
            double rho = 1.0 / sy;
            Vec Hy = Hinv * y;
            double yHy = y.dot(Hy);
            Hinv += (rho * rho * yHy + rho) * (s * s.transpose()) -
                    rho * (Hy * s.transpose() + s * Hy.transpose());
          } else {
            S.push_back(s);
            Y.push_back(y);
            RHO.push_back(1.0 / sy);
            if (static_cast<int>(S.size()) > opt.memory) {
              S.pop_front();
              Y.pop_front();
              RHO.pop_front();
            }
          }
        }
      }
      small_change = !documents &&
                     std::fabs(fold - f) <= opt.reltol * (std::fabs(f) + opt.reltol);
      record(it, step_len, damping);
    }
    if (!g.allFinite()) {
      status = kOptimUnbounded;
      message = ev.has_gr() ? "'gr' returned a non-finite gradient at the current point"
                            : "the difference gradient of 'fn' is not finite at the current point";
      break;
    }
    if (f < -fbig || x.cwiseAbs().maxCoeff() > xbig) {
      status = kOptimUnbounded;
      message = "the objective appears to be unbounded below (iterates diverge)";
      break;
    }
  }

  // stopped while still on forward differences (maxit, divergence): report
  // the central-difference gradient
  if (ev.forward()) to_central();
  detail::finish(ev, opt, x, f, g, H, have_H, uses_H, want_hessian, status, message,
                 res.stationary);
  res.par = x;
  res.value = f * fsign;
  res.gradient = g * fsign;
  if (want_hessian && have_H) res.hessian = H * fsign;
  res.status = status;
  res.message = message;
  (void)detail::method_name;
  return res;
}

}  // namespace newtonr
