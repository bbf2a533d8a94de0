// newtonr/optim/lbfgs.hpp -- method "lbfgs": limited-memory BFGS, the
// two-loop recursion (Nocedal & Wright, Alg. 7.4/7.5) over the last
// `memory` pairs (s, y), with a strong-Wolfe line search (Armijo on f alone
// without gr).
#pragma once

#include "bfgs.hpp"

#include <deque>

namespace newtonr {

class LBFGSStepper : public QuasiNewtonStepper {
 protected:
  bool direction(OptimState& s, Vec& d, double& alpha0, StepResult&) override {
    Vec q = s.g;
    const int m = static_cast<int>(S_.size());
    std::vector<double> al(m);
    for (int i = m - 1; i >= 0; --i) {
      al[i] = RHO_[i] * S_[i].dot(q);
      q -= al[i] * Y_[i];
    }
    const double gamma = m > 0 ? S_[m - 1].dot(Y_[m - 1]) / Y_[m - 1].squaredNorm() : 1.0;
    Vec r = gamma * q;
    for (int i = 0; i < m; ++i) {
      const double b = RHO_[i] * Y_[i].dot(r);
      r += S_[i] * (al[i] - b);
    }
    d = -r;
    if (m == 0) alpha0 = detail::first_step(s.g);
    return true;
  }
  void restart() override {
    S_.clear();
    Y_.clear();
    RHO_.clear();
  }
  void after_step(OptimState& st, double, const Vec& xold, const Vec& gold) override {
    Vec s = st.x - xold, y = st.g - gold;
    const double sy = s.dot(y);
    if (!detail::curvature_ok(s, y, sy)) return;
    S_.push_back(std::move(s));
    Y_.push_back(std::move(y));
    RHO_.push_back(1.0 / sy);
    if (static_cast<int>(S_.size()) > st.opt.memory) {
      S_.pop_front();
      Y_.pop_front();
      RHO_.pop_front();
    }
  }

 private:
  std::deque<Vec> S_, Y_;
  std::deque<double> RHO_;
};

}  // namespace newtonr
