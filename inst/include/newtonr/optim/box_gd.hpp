// newtonr/optim/box_gd.hpp -- method "gd" inside a box: projected gradient
// with a projected Armijo search (Bertsekas 1976, "On the Goldstein-Levitin-
// Polyak gradient projection method", IEEE TAC 21): backtrack alpha on the
// path P(x - alpha g) until f(P(x - alpha g)) <= f(x) + 1e-4 g'(P(x - alpha
// g) - x), from twice the last accepted alpha (bounds::projected_search).
// That search is a step-length loop outside linesearch.hpp because its path
// bends at the breakpoints.  With a fixed learning rate (options.lr), x <-
// P(x - lr g) (the teaching variant; five rises of f in a row end the run).
#pragma once

#include "gd.hpp"

namespace newtonr {

class BoxGDStepper : public OptimStepper {
 public:
  StepResult step(OptimState& s) override {
    extras = OptimTraceExtras();
    const Vec &l = s.opt.lower, &u = s.opt.upper;
    const Vec w = -s.g;
    if (s.opt.lr) return fixed(s, bounds::project(s.x + *s.opt.lr * w, l, u));
    double fnew = kNaN;
    auto merit = [&](const Vec& sv) {
      fnew = s.ev.f(bounds::project(s.x + sv, l, u));
      return std::isfinite(fnew) ? fnew - s.f : kInf;
    };
    const bounds::SearchResult sr = bounds::projected_search(
        s.x, w, s.g, l, u, merit, 1e-4, 0.5, std::min(1e10, 2.0 * alpha_));
    const Vec xt = bounds::project(s.x + sr.s, l, u);
    if (!sr.sufficient || (xt.array() == s.x.array()).all())
      return StepResult::stop(OptimStatus::Stalled, "the projected search found no decrease");
    alpha_ = sr.alpha;
    StepResult r;
    r.step = (xt - s.x).norm();
    s.accept(xt, fnew, Vec());  // (fnew: f at the last, accepted, trial)
    return r;
  }

 private:
  StepResult fixed(OptimState& s, const Vec& xt) {
    const double fnew = s.ev.f(xt);
    rises_ = !(fnew <= s.f) ? rises_ + 1 : 0;
    if (!std::isfinite(fnew) || rises_ >= 5)
      return StepResult::stop(OptimStatus::StepDiverged,
                              detail::lr_divergence_message(*s.opt.lr, rises_, s.f * s.fsign, fnew * s.fsign));
    StepResult r;
    r.step = (xt - s.x).norm();
    s.accept(xt, fnew, Vec());
    return r;
  }
  double alpha_ = 0.5;  // last accepted path parameter
  int rises_ = 0;
};

}  // namespace newtonr
