// newtonr/optim/newton.hpp -- method "newton": Newton's direction from a
// Cholesky factorisation of H; when H is not positive definite, of H + tau I
// with tau from Nocedal & Wright's Alg. 3.3 ("Cholesky with added multiple
// of the identity"), or of H + shift I with a fixed shift (options.shift);
// Armijo backtracking from the full step.  line_search = false is pure
// Newton (full steps x - H^{-1} g, no safeguards: a teaching variant).
// Also the negative-curvature step away from a saddle point (N&W Sec. 3.4),
// shared with the trust region.
#pragma once

#include "line_step.hpp"

#include <Eigen/LU>

namespace newtonr {
namespace detail {

// Nocedal & Wright, Alg. 3.3: smallest tau in the sequence such that
// H + tau I has a Cholesky factorisation (a fixed `shift` is tried first).
// Returns tau; `llt` holds it.  `intr` (optional) is ticked per attempt: up
// to 200 factorisations of a large H can take minutes.
inline double modified_cholesky(const Mat& H, Eigen::LLT<Mat>& llt, std::optional<double> shift,
                                Interrupter* intr = nullptr) {
  const Eigen::Index n = H.rows();
  llt.compute(H);
  if (llt.info() == Eigen::Success) return 0.0;
  Mat I = Mat::Identity(n, n);
  if (shift) {
    llt.compute(H + *shift * I);
    if (llt.info() == Eigen::Success) return *shift;
  }
  double beta = 1e-3 * std::max(1.0, H.diagonal().cwiseAbs().maxCoeff());
  double mind = H.diagonal().minCoeff();
  double tau = mind > 0 ? beta : -mind + beta;
  if (shift && *shift > tau) tau = *shift;
  for (int k = 0; k < 200; ++k) {
    if (intr) intr->tick();
    llt.compute(H + tau * I);
    if (llt.info() == Eigen::Success) return tau;
    tau = std::max(2.0 * tau, beta);
  }
  throw std::runtime_error("could not make the Hessian positive definite (non-finite entries?)");
}

// Damped Newton direction: -H^{-1} g when H is positive definite; else
// -(H + tau I)^{-1} g with tau from Alg. 3.3 (or the fixed shift).  When H
// is not positive definite, no shift is fixed and H is badly scaled, `alt`
// receives a second candidate: Alg. 3.3 on the diagonally scaled D H D, i.e.
// H + tau D^{-2} (Marquardt's scaling: the shift is relative to each
// curvature, so a badly scaled H -- meyer's, gulf's -- is not swamped in its
// small directions); the caller keeps the one with the lower quadratic
// model.  `tau` gets the identity shift.
inline Vec damped_newton_direction(const Mat& H, const Vec& g, std::optional<double> shift,
                                   Interrupter* intr, double& tau, Vec& alt) {
  Eigen::LLT<Mat> llt(H);
  tau = 0.0;
  alt.resize(0);
  if (llt.info() == Eigen::Success) return -llt.solve(g);
  tau = modified_cholesky(H, llt, shift, intr);
  const Vec d = -llt.solve(g);
  // (only for a badly scaled H, diagonal entries more than 1e3 apart: on
  // MGH-35 any spread from 1e2 to 1e4 solves all 35; at 1e1 biggs_exp6
  // stays in its symmetric valley, at 1e5 gulf stalls)
  const Vec ad = H.diagonal().cwiseAbs();
  const double dmin = (ad.array() > 0).any() ? (ad.array() > 0).select(ad, kInf).minCoeff() : 0.0;
  if (!shift && dmin > 0 && ad.maxCoeff() > 1e3 * dmin) {
    const Vec D = diag_scaling(H, 1e-14);
    modified_cholesky(D.asDiagonal() * H * D.asDiagonal(), llt, std::nullopt, intr);
    alt = -(D.asDiagonal() * llt.solve(Vec(D.asDiagonal() * g)));
  }
  return d;
}

// Newton's escape from a saddle point (the stopping tests hold, but H has a
// clearly negative eigenvalue lmin): a step along its eigenvector q, signed
// downhill and scaled to max(1, |x|/10) (to `radius` when given), halved
// until f falls by 1e-4 of the second-order model's decrease.  Sets
// extras.curvature = lmin; `len` gets the step length.
inline bool negative_curvature_step(OptimState& s, OptimTraceExtras& extras, double& len,
                                    std::optional<double> radius = std::nullopt) {
  s.hess_now();
  Eigen::SelfAdjointEigenSolver<Mat> es(s.H);
  const double lmin = es.eigenvalues()(0);
  const double tol = 1e-6 * std::max(1.0, es.eigenvalues().cwiseAbs().maxCoeff());
  if (!(lmin < -tol && s.it <= s.opt.maxit)) return false;
  Vec dn = es.eigenvectors().col(0);
  if (s.g.dot(dn) > 0) dn = -dn;
  dn *= std::max(1.0, 0.1 * s.x.norm());
  if (radius) dn *= *radius / dn.norm();
  const double gd0 = s.g.dot(dn), curv = lmin * dn.squaredNorm();
  const double f0 = s.f;
  const LineSearchResult ls = backtrack_halving(
      [&](double a) { return s.ev.f(s.x + a * dn); },
      [&](double a, double fa) { return fa < f0 + 1e-4 * (a * gd0 + 0.5 * a * a * curv); });
  if (!ls.ok) return false;
  s.x += ls.alpha * dn;
  s.f = ls.f;
  s.gnorm_prev = s.gmax;
  s.have_H = false;
  s.g = s.grad_at(s.x, s.f);
  extras = OptimTraceExtras();
  extras.curvature = lmin;
  len = ls.alpha * dn.norm();
  return true;
}

}  // namespace detail

class NewtonStepper : public LineSearchStepper {
 public:
  bool uses_hessian() const override { return true; }
  bool escape(OptimState& s, double& len) override {
    return s.opt.line_search && detail::negative_curvature_step(s, extras, len);
  }

 protected:
  StepLength policy(const OptimState& s) const override {
    return s.opt.line_search ? StepLength::Armijo : StepLength::Fixed;
  }
  bool accepts_noise_level(const OptimState& s) const override { return !s.joint_fd; }
  bool direction(OptimState& s, Vec& d, double&, StepResult& stop) override {
    s.hess_now();
    if (!s.opt.line_search) return pure_direction(s, d, stop);
    Vec alt;
    d = detail::damped_newton_direction(s.H, s.g, s.opt.shift, &s.interrupt, extras.shift, alt);
    // H indefinite: two damped directions; keep the one whose quadratic
    // model is lower
    auto model = [&](const Vec& v) { return s.g.dot(v) + 0.5 * v.dot(s.H * v); };
    if (alt.size() && s.g.dot(d) < 0 && model(alt) < model(d)) d = alt;
    return true;
  }

 private:
  // Pure Newton: x - H^{-1} g (or (H + shift I)^{-1} g where H is not
  // positive definite and a shift > 0 is given).
  bool pure_direction(OptimState& s, Vec& d, StepResult& stop) {
    const Eigen::Index n = s.n();
    const bool shifted = s.opt.shift && *s.opt.shift > 0;
    if (n == 1 && !shifted) {
      d = Vec::Constant(1, -s.g(0) / s.H(0, 0));
    } else if (shifted) {
      Eigen::LLT<Mat> llt(s.H);
      if (llt.info() == Eigen::Success) {
        d = -llt.solve(s.g);
      } else {
        d = -(s.H + *s.opt.shift * Mat::Identity(n, n)).partialPivLu().solve(s.g);
        extras.shift = *s.opt.shift;
      }
    } else {
      d = -s.H.fullPivLu().solve(s.g);
    }
    if (!d.allFinite() || (s.H.fullPivLu().rank() < n)) {
      stop = StepResult::stop(OptimStatus::Singular,
                              "the Hessian is singular: the pure Newton step is undefined");
      return false;
    }
    return true;
  }
};

}  // namespace newtonr
