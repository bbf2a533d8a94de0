// newtonr/optim/state.hpp -- what one iteration of newton_optim works on
// (OptimState: the iterate, its f, g and H, the evaluator) and the interface
// every method implements (OptimStepper: propose a step and accept it or
// not, in the style of LBFGS++ and Optim.jl).  The driver (driver.hpp)
// owns the loop; a method owns its direction, its step length and its own
// memory (BFGS's matrix, L-BFGS's pairs, the trust radius).
#pragma once

#include "evaluator.hpp"

#include <optional>

namespace newtonr {

struct OptimState {
  OptimState(const OptimFunctions& fns, const OptimOptions& o, OptimCounts& counts,
             Interrupter& intr)
      : ev(fns, o.fnscale, counts), opt(o), interrupt(intr) {}

  OptimEvaluator ev;
  const OptimOptions& opt;
  Interrupter& interrupt;
  Vec x, g;
  double f = kNaN;
  double fsign = 1.0;      // user's value = internal value * fsign
  Mat H;
  bool have_H = false;     // H is the Hessian at the current x
  bool joint_fd = false;   // g and H from one difference stencil of f
  double gmax = kInf;      // max|g| as the stopping tests saw it this iteration
  double gnorm_prev = kInf;  // max|g| at the previous iterate ("previous" rule)
  double last_drop = 0.0;  // decrease of f at the last accepted step
  int it = 0;              // the iteration under way (1-based)

  Eigen::Index n() const { return x.size(); }
  // Gradient at xx with f(xx) = fx; also H when both come from f alone.
  Vec grad_at(const Vec& xx, double fx) {
    if (ev.boxed()) return ev.g_box(xx, fx);
    if (!joint_fd) return ev.g(xx, fx);
    Vec gg = ev.gh(xx, fx, H);
    have_H = true;
    return gg;
  }
  // Leave forward differences for good: central gradient at x from now on.
  void to_central() {
    ev.set_forward(false);
    g = ev.g(x);
  }
  // H at x (computed once per iterate); throws when it is not finite.
  void hess_now() {
    if (have_H) return;
    H = ev.h(x, g);
    if (!H.allFinite()) {
      throw std::runtime_error(
          ev.has_hess() ? "'hess' returned NaN or Inf: the Hessian is not finite at the current point"
          : ev.has_gr() ? "'gr' is NaN or infinite near the current point (or its differences "
                          "overflow): the Hessian is not finite at the current point"
                        : "'fn' is NaN or infinite near the current point (or its differences "
                          "overflow): the Hessian is not finite at the current point");
    }
    have_H = true;
  }
  // Move to xnew with f(xnew) = fnew; gnew (if not empty) is g there.
  void accept(const Vec& xnew, double fnew, const Vec& gnew) {
    x = xnew;
    last_drop = f - fnew;
    f = fnew;
    gnorm_prev = gmax;
    have_H = false;
    g = gnew.size() ? gnew : grad_at(x, f);
  }
  // A step alpha * d that leaves every coordinate of x unchanged is no step.
  bool moves_nothing(double alpha, const Vec& d) const {
    return ((x + alpha * d).array() == x.array()).all();
  }
  // Where the decrease a step predicts is within the rounding noise of f
  // (meyer: f = 87.9 carries noise ~5e-10 from cancellation in its
  // residuals), compare slopes instead: Hager & Zhang's (2005) approximate
  // Wolfe conditions, f(x_t) <= f + 1e-6 |f| and
  // 0.9 g'd <= g_t'd <= -0.8 g'd.  `gt` receives the gradient at x_t.
  bool noise_level_step(double ft, double slope0, const Vec& xt, const Vec& step, Vec& gt) {
    if (!(ft <= f + 1e-6 * std::fabs(f)) || !(slope0 < 0)) return false;
    gt = ev.g(xt);
    const double slope = gt.dot(step);
    if (gt.allFinite() && slope <= -0.8 * slope0 && slope >= 0.9 * slope0) return true;
    gt.resize(0);
    return false;
  }
};

// CG iterations per step (newton-cg; 4 times this for Steihaug).
inline int cg_iterations(const OptimOptions& opt, Eigen::Index n) {
  return opt.cg_maxit ? *opt.cg_maxit
                      : static_cast<int>(std::min<Eigen::Index>(std::max<Eigen::Index>(20, n), 250));
}

// What a method's step did.
struct StepResult {
  enum Kind { Accepted, Rejected, Retry, Stop } kind = Accepted;
  double step = kNaN;  // length of the step taken (0: none)
  OptimStatus status = OptimStatus::Stalled;  // Stop only
  std::string message;                        // Stop only
  bool counted = false;  // Stop: the iteration counts and gets a trace row

  static StepResult stop(OptimStatus s, std::string msg, bool counted = false, double step = kNaN) {
    StepResult r;
    r.kind = Stop;
    r.status = s;
    r.message = std::move(msg);
    r.counted = counted;
    r.step = step;
    return r;
  }
};

class OptimStepper {
 public:
  virtual ~OptimStepper() = default;
  // Newton and the trust region work with H: the driver lets them take a
  // few steps past the gradient test at a singular minimiser, and asks
  // whether the gradient left is rounding before a reltol stop.
  virtual bool uses_hessian() const { return false; }
  // Quasi-Newton without gr: forward-difference gradients until near the end.
  virtual bool forward_start() const { return false; }
  // Called once at the start (x, f, g set).
  virtual void init(OptimState&) {}
  // Propose a step from s.x and accept it (s.accept) or not.
  virtual StepResult step(OptimState& s) = 0;
  // The stopping tests hold: a step of negative curvature away from a
  // saddle point instead (true: taken; its length in `len`).
  virtual bool escape(OptimState&, double& /*len*/) { return false; }
  // What the trace records beside the step length, for the last row.
  OptimTraceExtras extras;
};

}  // namespace newtonr
