// newtonr/optim/newton_cg.hpp -- method "newton-cg": truncated (line-search)
// Newton-CG (Nocedal & Wright, Alg. 7.1): CG on H d = -g (optim/cg.hpp)
// with the forcing term min(0.5, sqrt|g|) |g|, stopped at negative
// curvature (then -g on the first CG iteration), from Hessian-vector
// products (hessp, else hess, else differences of the gradient: H is never
// formed without hess); Armijo backtracking.
#pragma once

#include "cg.hpp"
#include "line_step.hpp"

namespace newtonr {

class NewtonCGStepper : public LineSearchStepper {
 protected:
  bool direction(OptimState& s, Vec& d, double&, StepResult&) override {
    const Vec& g = s.g;
    const double gn = g.norm();
    const double eps = std::min(0.5, std::sqrt(gn)) * gn;
    std::function<Vec(const Vec&)> hvp;
    if (!s.ev.has_hessp() && s.ev.has_hess()) {
      s.hess_now();
      hvp = [&s](const Vec& v) { return Vec(s.H * v); };
    } else {
      hvp = [&s](const Vec& v) { return s.ev.hv(s.x, s.g, v); };
    }
    // (the interrupt check ticks per product: cg_maxit may be large, H v
    // costly)
    const TruncatedCG cg = truncated_cg(
        [&](const Vec& v) { s.interrupt.tick(); return hvp(v); }, g, eps,
        cg_iterations(s.opt, s.n()), 1e-12);
    Vec z = cg.z;
    // negative (or NaN, from a non-finite trial gradient) curvature on the
    // first CG iteration: -g
    if (cg.exit == TruncatedCG::NegativeCurvature && cg.iter == 0) z = -g;
    d = z.allFinite() ? z : Vec(-g);
    extras.cg_iter = cg.iter + 1;
    return true;
  }
};

}  // namespace newtonr
