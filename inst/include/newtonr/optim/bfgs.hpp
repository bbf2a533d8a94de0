// newtonr/optim/bfgs.hpp -- method "bfgs": inverse-Hessian BFGS (Nocedal &
// Wright, Alg. 6.1) with a strong-Wolfe line search (Armijo backtracking on
// f alone when gr is missing).  The BFGS update itself (N&W eq. 6.17) and
// the curvature test that guards it, shared with L-BFGS, live here.
#pragma once

#include "line_step.hpp"

namespace newtonr {
namespace detail {

// The curvature condition s'y > 0 (with a relative margin): only then does
// a quasi-Newton update keep its matrix positive definite.
inline bool curvature_ok(const Vec& s, const Vec& y, double sy) {
  return sy > 1e-10 * s.norm() * y.norm();
}

// The BFGS update of an inverse Hessian approximation (N&W eq. 6.17), with
// sy = s'y > 0.
inline void bfgs_inverse_update(Mat& Hinv, const Vec& s, const Vec& y, double sy) {
  const double rho = 1.0 / sy;
  const Vec Hy = Hinv * y;
  const double yHy = y.dot(Hy);
  Hinv += (rho * rho * yHy + rho) * (s * s.transpose()) -
          rho * (Hy * s.transpose() + s * Hy.transpose());
}

// First trial step of a quasi-Newton method without curvature information:
// a step of length 1 along -g, at most the full step.
inline double first_step(const Vec& g) {
  return std::min(1.0, 1.0 / std::max(g.stableNorm(), 1e-300));
}

}  // namespace detail

// What BFGS and L-BFGS share: forward differences at the start, and strong
// Wolfe steps when the gradient is exact (Armijo on a differenced one).
class QuasiNewtonStepper : public LineSearchStepper {
 public:
  bool forward_start() const override { return true; }

 protected:
  StepLength policy(const OptimState& s) const override {
    return s.ev.has_gr() ? StepLength::Wolfe : StepLength::Armijo;
  }
};

class BFGSStepper : public QuasiNewtonStepper {
 protected:
  bool direction(OptimState& s, Vec& d, double& alpha0, StepResult&) override {
    if (Hinv_.size() == 0) Hinv_ = Mat::Identity(s.n(), s.n());
    d = -Hinv_ * s.g;
    if (s.it == 1) alpha0 = detail::first_step(s.g);
    return true;
  }
  void restart() override { Hinv_ = Mat::Identity(Hinv_.rows(), Hinv_.cols()); }
  void after_step(OptimState& st, double, const Vec& xold, const Vec& gold) override {
    const Vec s = st.x - xold, y = st.g - gold;
    const double sy = s.dot(y);
    if (!detail::curvature_ok(s, y, sy)) return;
    // the first update scales the identity by s'y / y'y (N&W eq. 6.20)
    if (st.it == 1 || Hinv_.isIdentity()) Hinv_ = Mat::Identity(st.n(), st.n()) * (sy / y.squaredNorm());
    detail::bfgs_inverse_update(Hinv_, s, y, sy);
  }

 private:
  Mat Hinv_;
};

}  // namespace newtonr
