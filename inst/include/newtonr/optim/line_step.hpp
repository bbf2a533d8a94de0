// newtonr/optim/line_step.hpp -- the step of every line-search method
// (newton, newton-cg, bfgs, lbfgs, gd): the method proposes a direction d
// and a first trial step; its policy picks the step length (linesearch.hpp):
//  * Armijo: backtracking on f (Nocedal & Wright, Alg. 3.1);
//  * Wolfe:  strong-Wolfe bracketing and zoom (Alg. 3.5/3.6), for quasi-Newton
//            methods with a gradient function (their updates need y's > 0);
//  * Fixed:  the trial step as it is, no search (pure Newton, gradient
//            descent with a fixed learning rate: teaching variants).
// A direction that is not one of descent (rounding, a poor quasi-Newton
// matrix) is replaced by -g and the method restarts its memory.
#pragma once

#include "../linesearch.hpp"
#include "classify.hpp"
#include "state.hpp"

namespace newtonr {

enum class StepLength { Armijo, Wolfe, Fixed };

class LineSearchStepper : public OptimStepper {
 public:
  StepResult step(OptimState& s) final {
    extras = OptimTraceExtras();
    Vec d;
    double alpha0 = 1.0;
    StepResult stop;
    if (!direction(s, d, alpha0, stop)) return stop;
    const StepLength how = policy(s);
    double dphi0 = s.g.dot(d);
    if (how != StepLength::Fixed && !(dphi0 < 0)) {
      d = -s.g;
      dphi0 = -s.g.squaredNorm();
      restart();
    }
    double alpha = 1.0, fnew = kNaN;
    Vec gnew;
    StepResult r = how == StepLength::Fixed ? fixed(s, d, alpha0, fnew)
                   : how == StepLength::Wolfe ? wolfe(s, d, dphi0, alpha0, alpha, fnew, gnew)
                                              : armijo(s, d, dphi0, alpha0, alpha, fnew, gnew);
    if (r.kind != StepResult::Accepted) return r;
    if (how == StepLength::Fixed) alpha = alpha0;
    const Vec xold = s.x, gold = s.g;
    s.accept(s.x + alpha * d, fnew, gnew);
    r.step = alpha * d.norm();
    after_step(s, alpha, xold, gold);
    return r;
  }

 protected:
  // The search direction d and the first trial step alpha0 (false: stop,
  // with `stop` saying why).
  virtual bool direction(OptimState& s, Vec& d, double& alpha0, StepResult& stop) = 0;
  virtual StepLength policy(const OptimState&) const { return StepLength::Armijo; }
  // d was replaced by -g: forget curvature information.
  virtual void restart() {}
  // After an accepted step of length alpha (from xold, gold).
  virtual void after_step(OptimState&, double /*alpha*/, const Vec& /*xold*/,
                          const Vec& /*gold*/) {}
  // Fixed steps: whether this f at the trial point ends the run.
  virtual bool fixed_step_fails(OptimState&, double /*fnew*/, StepResult&) { return false; }
  // Newton: a full step whose predicted decrease is at f's rounding noise
  // may be accepted on slopes (OptimState::noise_level_step).
  virtual bool accepts_noise_level(const OptimState&) const { return false; }

 private:
  StepResult fixed(OptimState& s, const Vec& d, double alpha, double& fnew) {
    fnew = s.ev.f(s.x + alpha * d);
    StepResult r;
    if (fixed_step_fails(s, fnew, r)) return r;
    if (!std::isfinite(fnew))
      return StepResult::stop(OptimStatus::Unbounded, "the objective is not finite at the next "
                              "iterate (full step without line search)");
    if (s.moves_nothing(alpha, d))
      return StepResult::stop(OptimStatus::Stalled, "the step no longer changes 'par' (it is "
                              "below the resolution of the parameters)");
    return r;
  }

  StepResult wolfe(OptimState& s, const Vec& d, double dphi0, double alpha0, double& alpha,
                   double& fnew, Vec& gnew) {
    double last_a = kNaN;
    Vec last_g;
    auto phid = [&](double a, double* dphi) {
      const Vec xt = s.x + a * d;
      const double fa = s.ev.f(xt);
      if (!std::isfinite(fa)) { *dphi = kNaN; return fa; }
      last_g = s.ev.g(xt);
      last_a = a;
      *dphi = last_g.dot(d);
      return fa;
    };
    const LineSearchResult ls = wolfe_search(phid, s.f, dphi0, alpha0);
    if (!ls.ok || s.moves_nothing(ls.alpha, d))
      return StepResult::stop(OptimStatus::Stalled, "the line search found no further decrease");
    alpha = ls.alpha;
    fnew = ls.f;
    if (last_a == alpha) gnew = last_g;
    return StepResult();
  }

  // (BFGS/L-BFGS without gr come here too: a difference gradient at every
  // trial point would cost p calls each, so they backtrack on f alone and
  // skip the update when s'y <= 0, as nlm and optim do)
  StepResult armijo(OptimState& s, const Vec& d, double dphi0, double alpha0, double& alpha,
                    double& fnew, Vec& gnew) {
    double f_full = kNaN;  // f at alpha = 1
    auto phi = [&](double a) {
      const double fa = s.ev.f(s.x + a * d);
      if (a == 1.0) f_full = fa;
      return fa;
    };
    LineSearchResult ls = armijo_backtrack(phi, s.f, dphi0, alpha0);
    if (accepts_noise_level(s) && !(ls.ok && ls.alpha == 1.0) &&
        -dphi0 <= 1e-6 * std::fabs(s.f) && s.noise_level_step(f_full, dphi0, s.x + d, d, gnew)) {
      ls.ok = true;
      ls.alpha = 1.0;
      ls.f = f_full;
    }
    if ((!ls.ok || s.moves_nothing(ls.alpha, d)) && s.ev.forward()) {
      // perhaps the forward-difference gradient's error: go central and
      // try again from the same point
      s.to_central();
      StepResult r;
      r.kind = StepResult::Retry;
      r.step = 0.0;
      return r;
    }
    if (!ls.ok || s.moves_nothing(ls.alpha, d))
      return StepResult::stop(OptimStatus::Stalled, "the line search found no further decrease");
    alpha = ls.alpha;
    fnew = ls.f;
    return StepResult();
  }
};

}  // namespace newtonr
