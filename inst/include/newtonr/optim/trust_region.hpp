// newtonr/optim/trust_region.hpp -- method "trust": trust-region Newton
// (Nocedal & Wright, Alg. 4.1).  The subproblem (trust.hpp) is solved
// exactly on the eigendecomposition of H up to p = 200 (hard case
// included), by More & Sorensen's Cholesky iteration up to exact_max_p, and
// by Steihaug's truncated CG beyond (or when More-Sorensen cannot settle).
// No line search: the radius, not a step length, is what adapts (the
// ratio test below is the whole acceptance rule).
#pragma once

#include "../trust.hpp"
#include "newton.hpp"

namespace newtonr {

class TrustStepper : public OptimStepper {
 public:
  bool uses_hessian() const override { return true; }
  void init(OptimState& s) override {
    radius_ = s.opt.radius;
    extras.radius = radius_;
  }
  bool escape(OptimState& s, double& len) override {
    if (!detail::negative_curvature_step(s, extras, len, radius_)) return false;
    extras.radius = radius_;
    return true;
  }

  StepResult step(OptimState& s) override {
    extras = OptimTraceExtras();
    s.hess_now();
    const TrustStep ts = subproblem(s);
    const Vec& g = s.g;
    // predicted decrease -(g'p + p'Hp/2); for an exact subproblem solution
    // (H + sigma I) p = -g it equals (-g'p + sigma |p|^2) / 2, a sum of
    // non-negative terms, free of the cancellation that makes it <= 0 on
    // badly scaled H (brown_badly_scaled: entries 2 and 2e12)
    const double pred = ts.exact ? 0.5 * (-g.dot(ts.p) + ts.sigma * ts.p.squaredNorm())
                                 : -(g.dot(ts.p) + 0.5 * ts.p.dot(s.H * ts.p));
    if (!(pred > 0))
      return StepResult::stop(OptimStatus::Stalled, "the quadratic model predicts no further decrease");
    const Vec xt = s.x + ts.p;
    const double ft = s.ev.f(xt);
    double rho = std::isfinite(ft) ? (s.f - ft) / pred : -kInf;
    const double pn = ts.p.norm();
    Vec gt;
    if (rho <= 1e-4 && !s.joint_fd && pred <= 1e-6 * std::fabs(s.f) &&
        s.noise_level_step(ft, g.dot(ts.p), xt, ts.p, gt)) {
      rho = 0.5;  // accepted on the slope; the radius stays
    }
    // radius update (N&W Alg. 4.1, with Conn, Gould & Toint's gamma_1 =
    // 1/2 for a poor step): measured on MGH-35, 1/4 loses biggs_exp6
    if (rho < 0.25) {
      radius_ = 0.5 * std::min(radius_, pn);
    } else if (rho > 0.75 && pn >= 0.99 * radius_) {
      radius_ = std::min(2.0 * radius_, s.opt.max_radius);
    }
    extras.radius = radius_;
    StepResult r;
    if (rho > 1e-4) {
      s.accept(xt, ft, gt);
      r.step = pn;
      return r;
    }
    if (radius_ <= 1e-15 * std::max(1.0, s.x.norm()))
      return StepResult::stop(OptimStatus::Stalled, "trust region radius collapsed without decrease",
                              true, 0.0);
    r.kind = StepResult::Rejected;
    r.step = 0.0;
    return r;
  }

 private:
  TrustStep subproblem(OptimState& s) const {
    const Eigen::Index n = s.n();
    const int small = std::min(s.opt.exact_max_p, 200);
    TrustStep ts;
    bool ms_ok = false;
    if (n <= small) {
      ts = trust_exact(s.H, s.g, radius_);
    } else if (n <= s.opt.exact_max_p) {
      ts = trust_more_sorensen(s.H, s.g, radius_, ms_ok);
    }
    if (n > small && !ms_ok) {
      // (the product ticks the interrupt check: up to 4 cg_maxit products
      // of cost p^2 run here without any R call)
      const Mat& H = s.H;
      Interrupter& intr = s.interrupt;
      ts = trust_steihaug([&](const Vec& v) { intr.tick(); return Vec(H * v); }, s.g, radius_,
                          cg_iterations(s.opt, n) * 4);
    }
    return ts;
  }
  double radius_ = 0.5;
};

}  // namespace newtonr
