// newtonr/optim/gd.hpp -- method "gd": gradient descent along -g, with
// Armijo backtracking from twice the last accepted step, or (options.lr) a
// fixed learning rate x <- x - lr g (a teaching variant: no search; five
// rises of f in a row, or a non-finite f, end the run as diverging).
#pragma once

#include "line_step.hpp"

namespace newtonr {
namespace detail {

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

}  // namespace detail

class GDStepper : public LineSearchStepper {
 public:
 protected:
  StepLength policy(const OptimState& s) const override {
    return s.opt.lr ? StepLength::Fixed : StepLength::Armijo;
  }
  bool direction(OptimState& s, Vec& d, double& alpha0, StepResult&) override {
    d = -s.g;
    alpha0 = s.opt.lr ? *s.opt.lr : std::min(1e10, 2.0 * alpha_);
    return true;
  }
  void after_step(OptimState&, double alpha, const Vec&, const Vec&) override { alpha_ = alpha; }
  bool fixed_step_fails(OptimState& s, double fnew, StepResult& r) override {
    rises_ = !(fnew <= s.f) ? rises_ + 1 : 0;
    if (std::isfinite(fnew) && rises_ < 5) return false;
    r = StepResult::stop(OptimStatus::StepDiverged,
                         detail::lr_divergence_message(*s.opt.lr, rises_, s.f * s.fsign, fnew * s.fsign));
    return true;
  }

 private:
  double alpha_ = 1.0; // last accepted step length
  int rises_ = 0;      // consecutive increases of f under a fixed learning rate
};

}  // namespace newtonr
