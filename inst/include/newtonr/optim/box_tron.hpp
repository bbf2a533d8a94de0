// newtonr/optim/box_tron.hpp -- methods "trust", "newton" and "newton-cg"
// inside a box: TRON (Lin & More 1999, "Newton's method for large
// bound-constrained optimization problems", SIAM J. Optim. 9).  Each
// iteration: a projected Cauchy step (bounds::tron_cauchy_step) within the
// trust radius, then Steihaug's truncated CG (trust.hpp) on the variables
// free at the Cauchy point, cut back by a projected search on the model
// (bounds::projected_search), repeated while the search stops at a new
// bound; the trust unit's ratio test and radius update accept it.  Only
// products H v are used: "trust" and "newton" take them from the dense H,
// "newton-cg" from hessp or differences of the gradient (inside the box).
#pragma once

#include "../trust.hpp"
#include "state.hpp"

namespace newtonr {

class BoxTronStepper : public OptimStepper {
 public:
  explicit BoxTronStepper(bool hessian_free) : hessian_free_(hessian_free) {}
  bool uses_hessian() const override { return !hessian_free_; }
  void init(OptimState& s) override {
    radius_ = s.opt.radius;
    extras.radius = radius_;
  }

  StepResult step(OptimState& s) override {
    extras = OptimTraceExtras();
    const Vec &l = s.opt.lower, &u = s.opt.upper;
    auto hv = product(s);
    const bounds::CauchyStep cs = bounds::tron_cauchy_step(s.x, s.g, l, u, hv, radius_, alpha_);
    if (cs.alpha > 0) alpha_ = cs.alpha;
    Vec st = cs.s, Bs = hv(st);
    subspace_steps(s, hv, st, Bs);
    const double pred = -(s.g.dot(st) + 0.5 * st.dot(Bs));
    if (!(pred > 0))
      return StepResult::stop(OptimStatus::Stalled, "the quadratic model predicts no further decrease");
    const Vec xt = bounds::project(s.x + st, l, u);  // (x + st is in the box up to rounding)
    const double ft = s.ev.f(xt);
    const double rho = std::isfinite(ft) ? (s.f - ft) / pred : -kInf;
    const double pn = st.norm();
    if (rho < 0.25) {
      radius_ = 0.5 * std::min(radius_, pn);
    } else if (rho > 0.75 && pn >= 0.99 * radius_) {
      radius_ = std::min(2.0 * radius_, s.opt.max_radius);
    }
    extras.radius = radius_;
    StepResult r;
    if (rho > 1e-4) {
      s.accept(xt, ft, Vec());
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
  // v -> H v at the iterate (ticks the interrupt check).
  std::function<Vec(const Vec&)> product(OptimState& s) {
    if (!hessian_free_ || (s.ev.has_hess() && !s.ev.has_hessp())) {
      s.hess_now();
      return [&s](const Vec& v) { s.interrupt.tick(); return Vec(s.H * v); };
    }
    return [&s](const Vec& v) { s.interrupt.tick(); return s.ev.hv(s.x, s.g, v); };
  }

  // From the Cauchy step st (Bs = H st): Steihaug-CG on the variables free at
  // x + st and a projected search on the model, repeated while the search
  // stops at a new bound (TRON's loop).  Returns the CG iterations used.
  int subspace_steps(OptimState& s, const std::function<Vec(const Vec&)>& hv, Vec& st, Vec& Bs) {
    const Vec &l = s.opt.lower, &u = s.opt.upper;
    int cg_total = 0;
    for (Eigen::Index rep = 0; rep < s.n(); ++rep) {
      const Vec xc = bounds::project(s.x + st, l, u);
      const std::vector<Eigen::Index> F = bounds::free_indices(bounds::at_bound_mask(xc, l, u));
      if (F.empty()) break;
      const Vec r = s.g + Bs;  // model gradient at xc
      const Eigen::Index nf = static_cast<Eigen::Index>(F.size());
      Vec rF(nf);
      for (Eigen::Index k = 0; k < nf; ++k) rF(k) = r(F[k]);
      if (rF.norm() <= 1e-3 * std::min(1.0, s.g.norm()) * 1e-3) break;
      auto embed = [&](const Vec& vF) {
        Vec v = Vec::Zero(s.n());
        for (Eigen::Index k = 0; k < nf; ++k) v(F[k]) = vF(k);
        return v;
      };
      auto hvF = [&](const Vec& vF) {
        const Vec hvv = hv(embed(vF));
        Vec out(nf);
        for (Eigen::Index k = 0; k < nf; ++k) out(k) = hvv(F[k]);
        return out;
      };
      const TrustStep ts = subproblem(s, F, hvF, rF);
      const Vec w = embed(ts.p);
      cg_total += 1;
      auto merit = [&](const Vec& sw) { return r.dot(sw) + 0.5 * sw.dot(hv(sw)); };
      const bounds::SearchResult sr = bounds::projected_search(xc, w, r, l, u, merit);
      if (!sr.sufficient) break;
      const Vec sd = bounds::project(xc + sr.s, l, u) - s.x - st;
      st += sd;
      Bs += hv(sd);
      if (sr.alpha >= 1.0) break;  // no new bound: the subspace step is complete
    }
    return cg_total;
  }

  // The trust-region subproblem on the free variables F from the model
  // gradient rF: exactly (trust.hpp's eigen solver, as the unbounded trust
  // unit) for trust and newton and |F| <= min(200, exact_max_p); else Steihaug's
  // CG to TRON's relative tolerance 0.1 (a looser forcing term gives
  // steepest-descent-like steps in curved valleys: HS 1 took 800 calls).
  template <class HVF>
  TrustStep subproblem(const OptimState& s, const std::vector<Eigen::Index>& F, HVF&& hvF,
                       const Vec& rF) const {
    const Eigen::Index nf = static_cast<Eigen::Index>(F.size());
    if (!hessian_free_ && s.have_H && nf <= std::min(s.opt.exact_max_p, 200)) {
      Mat HF(nf, nf);
      for (Eigen::Index a = 0; a < nf; ++a)
        for (Eigen::Index b = 0; b < nf; ++b) HF(a, b) = s.H(F[a], F[b]);
      return trust_exact(HF, rF, radius_);
    }
    return trust_steihaug(hvF, rF, radius_, cg_iterations(s.opt, nf) * 4, 0.1);
  }

  bool hessian_free_;
  double radius_ = 0.5;
  double alpha_ = 1.0;  // Cauchy path parameter of the last iteration
};

}  // namespace newtonr
