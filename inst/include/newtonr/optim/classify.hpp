// newtonr/optim/classify.hpp -- what kind of point the run stopped at:
// diagonal scaling of H, the eigenvalue classification of a stationary point
// (minimum, maximum, saddle, degenerate), the null-space test of a
// degenerate minimum, the Newton step and its rounding-floor test, and the
// shared wording of messages.
#pragma once

#include "options.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace newtonr {
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

// Messages: a number in 3 significant digits.
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

}  // namespace detail
}  // namespace newtonr
