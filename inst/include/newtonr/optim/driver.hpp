// newtonr/optim/driver.hpp -- optimize(): the loop shared by every method.
// It owns the start (f and g at x0, rescaling of huge objectives), the
// stopping tests, the trace, the divergence guards and the final verdict
// (endpoint.hpp); the method (an OptimStepper, methods.hpp) owns each step.
// The driver never asks which method runs, only what it uses (H; forward
// differences) and whether it can escape a saddle point.
#pragma once

#include "box_driver.hpp"
#include "endpoint.hpp"
#include "methods.hpp"

namespace newtonr {
namespace detail {

class OptimDriver {
 public:
  OptimDriver(const OptimFunctions& fns, const OptimOptions& opt, Interrupter& intr,
              OptimResult& res)
      : unit_(make_stepper(opt.method)), s_(fns, opt, res.counts, intr), opt_(opt), res_(res) {}

  void run(const Vec& x0, bool want_hessian) {
    start(x0);
    for (int it = 1; it <= opt_.maxit + 1; ++it) {
      s_.interrupt.tick();
      s_.it = it;
      const bool stop = stop_test();
      double len = kNaN;
      if (stop && opt_.neg_curvature && s_.n() <= opt_.classify_max_p && unit_->escape(s_, len)) {
        small_change_ = false;
        res_.iterations = it;
        record(it, len);
        continue;
      }
      if (stop) return finish_stop(want_hessian);
      if (it > opt_.maxit) return end(OptimStatus::Maxit, "iteration limit 'maxit' reached", want_hessian);
      res_.iterations = it;
      const double fold = s_.f;
      const StepResult r = unit_->step(s_);
      if (r.kind == StepResult::Stop) {
        if (r.counted) record(it, r.step); else res_.iterations = it - 1;
        return end(r.status, r.message, want_hessian);
      }
      record(it, r.step);
      if (r.kind == StepResult::Retry) continue;
      small_change_ = r.kind == StepResult::Accepted && !previous() &&
                      std::fabs(fold - s_.f) <= opt_.reltol * (std::fabs(s_.f) + opt_.reltol);
      if (!s_.g.allFinite())
        return end(OptimStatus::Unbounded, s_.ev.has_gr()
                       ? "'gr' returned a non-finite gradient at the current point"
                       : "the difference gradient of 'fn' is not finite at the current point",
                   want_hessian);
      if (s_.f < -fbig_ || s_.x.cwiseAbs().maxCoeff() > xbig_)
        return end(OptimStatus::Unbounded,
                   "the objective appears to be unbounded below (iterates diverge)", want_hessian);
    }
  }

 private:
  bool previous() const { return opt_.criterion == OptimCriterion::Previous; }

  // f and g at x0; an objective of size ~1e300 overflows squared norms of
  // its gradient (and step lengths of 1/|g| underflow to zero): minimise it
  // divided by a power of 2 near |f(x0)| instead (exact).
  void start(const Vec& x0) {
    s_.x = x0;
    s_.f = s_.ev.f(s_.x);
    if (!std::isfinite(s_.f)) throw std::invalid_argument("'fn' is not finite at the initial 'par'");
    s_.fsign = opt_.fnscale;
    if (std::fabs(s_.f) > 1e100) {
      const double sc = std::ldexp(1.0, -std::ilogb(s_.f));
      s_.ev.rescale(sc);
      s_.f *= sc;
      s_.fsign /= sc;
    }
    s_.joint_fd = unit_->uses_hessian() && !s_.ev.has_gr() && !s_.ev.has_hess();
    s_.ev.set_forward(unit_->forward_start());
    s_.g = s_.grad_at(s_.x, s_.f);
    if (!s_.g.allFinite()) {
      throw std::invalid_argument(
          s_.ev.has_gr() ? "'gr' returned NaN or Inf: the gradient is not finite at the initial 'par'"
                         : "'fn' is NaN or infinite near the initial 'par' (or its differences "
                           "overflow): the difference gradient is not finite at the initial 'par'");
    }
    fbig_ = 1e50 * std::max(1.0, std::fabs(s_.f));
    xbig_ = 1e20 * std::max(1.0, x0.cwiseAbs().maxCoeff());
    unit_->init(s_);
    record(0, kNaN);
  }

  bool rule() const {
    if (previous()) return s_.it == 1 ? s_.gmax <= opt_.gtol : s_.gnorm_prev <= opt_.gtol;
    return s_.gmax <= opt_.gtol || small_change_ || s_.f <= opt_.abstol;
  }

  // The stopping tests, with the gradient refined near the end.
  bool stop_test() {
    const bool uses_H = unit_->uses_hessian();
    s_.gmax = s_.g.cwiseAbs().maxCoeff();
    bool stop = rule();
    if (s_.ev.forward() && (stop || s_.gmax <= 1e3 * opt_.gtol)) {
      // near the end: central differences from here on, so that the
      // convergence test sees an accurate gradient; a small decrease made
      // with the forward gradient does not count (brown_badly_scaled: the
      // forward error is h f'' ~ 1e4 there)
      s_.to_central();
      s_.gmax = s_.g.cwiseAbs().maxCoeff();
      small_change_ = false;
      stop = rule();
    }
    // g from the Hessian's stencil (step eps^(1/4)) has a truncation error
    // that can exceed gtol (goldstein_price: 2e-4): near the end the step and
    // the test use the fine central gradient (2p more calls per iteration)
    if (s_.joint_fd && !previous() && s_.gmax <= 1e3 * opt_.gtol) {
      const Vec gf = s_.ev.g(s_.x);
      if (gf.allFinite()) {
        s_.g = gf;
        s_.gmax = s_.g.cwiseAbs().maxCoeff();
        stop = rule();
      }
    }
    // Near a singular minimiser Newton converges linearly (powell_singular:
    // f ~ 1e-10 at max|g| = 1e-6): continue while the last step cut f by a
    // linear-rate fraction (1/10 to 99/100), at most 50 more steps.
    const double drop = s_.last_drop / std::fabs(s_.f + s_.last_drop);
    if (stop && s_.gmax <= opt_.gtol && uses_H && !previous() && extra_ < 50 && drop > 0.1 &&
        drop < 0.99) {
      ++extra_;
      stop = false;
    }
    // reltol alone does not stop a run while the gradient is above gtol
    // (and, with H, not yet at its rounding floor: meyer's f settles to 10
    // digits long before x does); five such steps in a row do.
    if (!small_change_) quiet_ = 0;
    if (stop && !previous() && small_change_ && s_.gmax > opt_.gtol && s_.f > opt_.abstol) {
      if (uses_H) s_.hess_now();
      if (!(uses_H && at_rounding_floor(s_.H, s_.g, s_.x)) && ++quiet_ < 5) stop = false;
    }
    return stop;
  }

  // Only the gradient test makes a minimum; reltol and abstol stop the run
  // honestly (finish() checks whether the gradient left is rounding).
  void finish_stop(bool want_hessian) {
    const double gmax = s_.gmax;
    OptimStatus st = (previous() || gmax <= opt_.gtol) ? OptimStatus::Converged : OptimStatus::NoProgress;
    std::string msg = gmax <= opt_.gtol ? "gradient below gtol"
                                        : no_progress_message(small_change_, gmax, opt_.gtol);
    if (previous()) msg = "criterion \"previous\": max|gradient| <= gtol at the iterate before the last update";
    end(st, msg, want_hessian);
  }

  void end(OptimStatus status, std::string message, bool want_hessian) {
    // stopped while still on forward differences: report the central gradient
    if (s_.ev.forward()) s_.to_central();
    OptimVerdict v{status, std::move(message), ""};
    finish(s_.ev, opt_, s_.x, s_.f, s_.g, s_.H, s_.have_H, unit_->uses_hessian(), want_hessian, v);
    res_.par = s_.x;
    res_.value = s_.f * s_.fsign;
    res_.gradient = s_.g * s_.fsign;
    if (want_hessian && s_.have_H) res_.hessian = s_.H * s_.fsign;
    res_.status = v.status;
    res_.message = v.message;
    res_.stationary = v.stationary;
  }

  void record(int it, double step) {
    res_.trace.add(it, s_.f * s_.fsign, s_.g.norm() * std::fabs(s_.fsign), step, unit_->extras, s_.x);
  }

  std::unique_ptr<OptimStepper> unit_;
  OptimState s_;
  const OptimOptions& opt_;
  OptimResult& res_;
  double fbig_ = kInf, xbig_ = kInf;
  bool small_change_ = false;  // relative decrease below reltol at the last step
  int quiet_ = 0;              // consecutive reltol stops overruled
  int extra_ = 0;              // steps taken past the gradient test (singular minimiser)
};

}  // namespace detail

// Minimise fns.fn from x0.  Throws std::invalid_argument for bad options or
// when f (or g) is not finite at x0 (the R side words it), never for
// non-convergence: that is a status.
inline OptimResult optimize(const OptimFunctions& fns, const Vec& x0, const OptimOptions& opt,
                            bool want_hessian, Interrupter interrupt = Interrupter()) {
  opt.validate();
  if (opt.lower.size() && opt.lower.size() != x0.size())
    throw std::invalid_argument("OptimOptions::lower and upper must have the length of x0");
  OptimResult res;
  res.trace.report = fns.report;
  if (opt.boxed()) {
    // (a branch on the box, not on the method: the box loop, box_driver.hpp)
    if (!(bounds::project(x0, opt.lower, opt.upper).array() == x0.array()).all())
      throw std::invalid_argument("x0 is outside the box [lower, upper]");
    detail::BoxDriver(fns, opt, interrupt, res).run(x0, want_hessian);
    return res;
  }
  detail::OptimDriver(fns, opt, interrupt, res).run(x0, want_hessian);
  res.active.assign(static_cast<std::size_t>(x0.size()), 0);
  return res;
}

}  // namespace newtonr
