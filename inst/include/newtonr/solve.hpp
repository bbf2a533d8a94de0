// newtonr/solve.hpp -- Newton's method for square systems F(x) = 0.
//
// Direction: the Newton step J d = -F, solved by a column-pivoting QR. When
// J is singular or ill-conditioned (reciprocal condition estimate below 1e-7,
// about sqrt(eps), what a difference Jacobian can resolve), a Levenberg-Marquardt step (J'J + mu I) d = -J'F is used
// instead, with mu scaled to J'J (More 1978). Globalisation: backtracking
// on phi(x) = ||F(x)||^2 / 2 with Armijo's condition (Dennis & Schnabel,
// Alg. A6.3.1); a trial point where F is not finite counts as a failure and
// the step is shortened.
#pragma once

#include <newtonr/common.hpp>

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace newtonr {

using VecFn = std::function<Vec(const Vec&)>;
using MatFn = std::function<Mat(const Vec&)>;

struct SolveOptions {
  double ftol = 1e-10;  // converged when max |F_i| <= ftol
  double xtol = 1e-12;  // relative step size below which x is stuck
  int maxit = 100;
};

// Termination codes (documented in ?newton_solve):
//  1 converged: max |F_i| <= ftol
//  2 x stopped changing (relative step <= xtol) but F is not small
//  3 the line search found no point that decreases ||F||
//  4 the iteration limit was reached
//  5 F is not finite at the starting value
enum class SolveCode { Converged = 1, XStalled = 2, NoProgress = 3, MaxIter = 4, BadStart = 5 };

struct SolveTraceRow {
  int iter;
  double fnorm, step, lambda;
  Vec x;
};

struct SolveResult {
  Vec x, fvec;
  Mat jac;
  int iter = 0, fevals = 0, jevals = 0;
  SolveCode code = SolveCode::MaxIter;
  std::string message;
  std::vector<SolveTraceRow> trace;
};

// Forward-difference Jacobian (n extra evaluations of F).
inline Mat fd_jacobian(const VecFn& F, const Vec& x, const Vec& fx, int& fevals) {
  const Eigen::Index n = x.size();
  Mat J(fx.size(), n);
  Vec xh = x;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = 1.4901161193847656e-08 * std::max(1.0, std::fabs(x[j]));
    xh[j] = x[j] + h;
    const double hh = xh[j] - x[j];  // the step actually taken
    J.col(j) = (F(xh) - fx) / hh;
    ++fevals;
    xh[j] = x[j];
  }
  return J;
}

inline SolveResult newton_system(const VecFn& F_user, const MatFn& jac_user, const Vec& x0,
                                 const SolveOptions& opt, Interrupter& intr) {
  if (opt.maxit < 1) throw std::invalid_argument("'maxit' must be at least 1");
  SolveResult res;
  Vec x = x0;
  Vec f = F_user(x);
  ++res.fevals;
  if (f.size() != x.size())
    throw std::invalid_argument("'fn' must return a vector as long as 'x0' (" + std::to_string(x.size()) +
                                "), not " + std::to_string(f.size()));
  // F of size ~1e+-300 over- or underflows phi = ||F||^2 / 2 and J'F: work
  // with s F (s a power of 2 near 1 / max|F(x0)|, so exact). The Newton
  // step is unchanged; ftol, fvec, jac and the trace stay on the user's scale.
  double s = 1.0;
  const double fmax0 = f.allFinite() ? f.lpNorm<Eigen::Infinity>() : 0.0;
  if (fmax0 > 1e100 || (fmax0 > 0 && fmax0 < 1e-100))
    s = std::ldexp(1.0, std::max(-1000, std::min(1000, -std::ilogb(fmax0))));
  const VecFn F = s == 1.0 ? F_user : VecFn([&F_user, s](const Vec& z) { return Vec(F_user(z) * s); });
  const MatFn jac = (s == 1.0 || !jac_user) ? jac_user
                                            : MatFn([&jac_user, s](const Vec& z) { return Mat(jac_user(z) * s); });
  f *= s;
  const double ftol = opt.ftol * s;
  auto done = [&](SolveCode c, const std::string& m) {
    res.x = x;
    res.fvec = f / s;
    res.code = c;
    res.message = m;
    return res;
  };
  if (!f.allFinite()) {
    res.jac = Mat::Constant(x.size(), x.size(), kNaN);
    return done(SolveCode::BadStart, "F is not finite at the starting value");
  }
  double phi = 0.5 * f.squaredNorm();
  res.trace.push_back({0, f.lpNorm<Eigen::Infinity>() / s, kNaN, 0.0, x});
  Mat J;
  for (int k = 1; k <= opt.maxit + 1; ++k) {
    J = jac ? jac(x) : fd_jacobian(F, x, f, res.fevals);
    ++res.jevals;
    if (J.rows() != x.size() || J.cols() != x.size())
      throw std::invalid_argument("'jac' must return a " + std::to_string(x.size()) + " x " +
                                  std::to_string(x.size()) + " matrix");
    res.jac = J / s;
    if (f.lpNorm<Eigen::Infinity>() <= ftol) return done(SolveCode::Converged, "max |F(x)| <= ftol: converged");
    if (k > opt.maxit) break;
    intr.tick();
    if (!J.allFinite()) return done(SolveCode::NoProgress, "the Jacobian is not finite");
    // Newton direction, or Levenberg-Marquardt when J is (nearly) singular
    Vec d;
    double lambda = 0;
    Eigen::ColPivHouseholderQR<Mat> qr(J);
    const Vec g = J.transpose() * f;  // gradient of phi
    double rcond = 0;
    if (qr.rank() == J.cols()) {
      const Mat R = qr.matrixR().topLeftCorner(J.cols(), J.cols()).template triangularView<Eigen::Upper>();
      const double dmax = R.diagonal().cwiseAbs().maxCoeff(), dmin = R.diagonal().cwiseAbs().minCoeff();
      rcond = dmax > 0 ? dmin / dmax : 0;
    }
    if (rcond > 1e-7) {
      d = qr.solve(-f);
    } else {
      const Mat JtJ = J.transpose() * J;
      lambda = std::max(1e-8, 1e-6 * JtJ.diagonal().maxCoeff()) + std::sqrt(2 * phi) * 1e-3;
      Mat A = JtJ;
      A.diagonal().array() += lambda;
      d = A.ldlt().solve(-g);
    }
    double slope = g.dot(d);
    if (!(slope < 0)) {  // not a descent direction: fall back on steepest descent
      d = -g;
      slope = -g.squaredNorm();
    }
    // backtracking with Armijo's condition
    double t = 1.0, phinew = kInf;
    Vec xnew, fnew;
    bool ok = false;
    for (int ls = 0; ls < 40; ++ls) {
      xnew = x + t * d;
      fnew = F(xnew);
      ++res.fevals;
      if (fnew.size() != x.size())
        throw std::invalid_argument("'fn' returned a vector of a different length during the iteration");
      if (fnew.allFinite()) {
        phinew = 0.5 * fnew.squaredNorm();
        if (phinew <= phi + 1e-4 * t * slope) { ok = true; break; }
      }
      t *= 0.5;
    }
    if (!ok) return done(SolveCode::NoProgress, "the line search found no point that reduces ||F||: "
                                                "possibly a local minimum of ||F|| that is not a root");
    const double stepnorm = (xnew - x).norm();
    x = xnew;
    f = fnew;
    phi = phinew;
    res.iter = k;
    res.trace.push_back({k, f.lpNorm<Eigen::Infinity>() / s, t, lambda, x});
    if (f.lpNorm<Eigen::Infinity>() > ftol && stepnorm <= opt.xtol * (1 + x.norm()))
      return done(SolveCode::XStalled, "x stopped changing but max |F(x)| is above ftol: not a root");
  }
  if (f.lpNorm<Eigen::Infinity>() <= ftol) return done(SolveCode::Converged, "max |F(x)| <= ftol: converged");
  return done(SolveCode::MaxIter, "the iteration limit was reached without convergence");
}

}  // namespace newtonr
