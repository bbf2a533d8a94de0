// newtonr/optim/box_driver.hpp -- the loop of newton_optim inside a box
// lower <= x <= upper (issue 16), used when some bound is finite; infinite
// bounds take driver.hpp unchanged.  It owns the start, the stopping tests
// on the projected gradient max|P(x - g) - x| <= gtol (Conn, Gould & Toint
// 1988; Lin & More 1999), the trace (with the number of active bounds), the
// divergence guards and the verdict: the end point is classified from the
// Hessian reduced to the free variables (a minimum on a face is not a
// saddle).  The method's box unit (box_tron.hpp, box_lbfgsb.hpp,
// box_gd.hpp; make_box_stepper) owns each step and proposes only points in
// the box, so fn, gr and hess are never called outside it (evaluator.hpp's
// differences included).
#pragma once

#include "box_gd.hpp"
#include "box_lbfgsb.hpp"
#include "box_tron.hpp"
#include "classify.hpp"

#include <memory>

namespace newtonr {

inline std::unique_ptr<OptimStepper> make_box_stepper(OptimMethod m) {
  switch (m) {
    case OptimMethod::Newton:
    case OptimMethod::Trust: return std::make_unique<BoxTronStepper>(false);
    case OptimMethod::NewtonCG: return std::make_unique<BoxTronStepper>(true);
    case OptimMethod::BFGS: return std::make_unique<BoxQuasiNewtonStepper>(true);
    case OptimMethod::LBFGS: return std::make_unique<BoxQuasiNewtonStepper>(false);
    case OptimMethod::GD: return std::make_unique<BoxGDStepper>();
  }
  throw std::invalid_argument("OptimOptions::method is not a known method");
}

namespace detail {

class BoxDriver {
 public:
  BoxDriver(const OptimFunctions& fns, const OptimOptions& opt, Interrupter& intr, OptimResult& res)
      : unit_(make_box_stepper(opt.method)), s_(fns, opt, res.counts, intr), opt_(opt), res_(res) {
    s_.ev.set_box(opt.lower, opt.upper);
  }

  void run(const Vec& x0, bool want_hessian) {
    start(x0);
    int quiet = 0;  // consecutive steps with a relative decrease below reltol
    for (int it = 1; it <= opt_.maxit + 1; ++it) {
      s_.interrupt.tick();
      s_.it = it;
      s_.gmax = bounds::projected_gradient_norm(s_.x, s_.g, opt_.lower, opt_.upper);
      if (s_.gmax <= opt_.gtol) {
        double len = kNaN;
        if (it <= opt_.maxit && escape(len)) {
          res_.iterations = it;
          record(it, len);
          continue;
        }
        return end(OptimStatus::Converged, "projected gradient below gtol", want_hessian);
      }
      // five steps in a row below reltol with the projected gradient above
      // gtol: first a negative-curvature step if H on the free variables
      // has one (a quasi-Newton method crawling past a saddle: Wood's
      // f = 7.877), else stop honestly
      if (quiet >= 5 && it <= opt_.maxit) {
        double len = kNaN;
        if (escape(len)) {
          quiet = 0;
          res_.iterations = it;
          record(it, len);
          continue;
        }
      }
      if (quiet >= 5 || s_.f <= opt_.abstol)
        return end(OptimStatus::NoProgress, no_progress_message(quiet >= 5, s_.gmax, opt_.gtol), want_hessian);
      if (it > opt_.maxit) return end(OptimStatus::Maxit, "iteration limit 'maxit' reached", want_hessian);
      res_.iterations = it;
      const double fold = s_.f;
      const StepResult r = unit_->step(s_);
      if (r.kind == StepResult::Stop) {
        if (r.counted) record(it, r.step); else res_.iterations = it - 1;
        return end(r.status, r.message, want_hessian);
      }
      record(it, r.step);
      if (r.kind != StepResult::Accepted) continue;
      quiet = std::fabs(fold - s_.f) <= opt_.reltol * (std::fabs(s_.f) + opt_.reltol) ? quiet + 1 : 0;
      if (!s_.g.allFinite())
        return end(OptimStatus::Unbounded, "the gradient is not finite at the current point", want_hessian);
      if (s_.f < -fbig_)
        return end(OptimStatus::Unbounded, "the objective appears to be unbounded below", want_hessian);
    }
  }

 private:
  void start(const Vec& x0) {
    s_.x = x0;
    s_.f = s_.ev.f(s_.x);
    if (!std::isfinite(s_.f)) throw std::invalid_argument("'fn' is not finite at the initial 'par'");
    s_.fsign = opt_.fnscale;
    s_.g = s_.grad_at(s_.x, s_.f);
    if (!s_.g.allFinite())
      throw std::invalid_argument("the gradient is not finite at the initial 'par'");
    fbig_ = 1e50 * std::max(1.0, std::fabs(s_.f));
    unit_->init(s_);
    record(0, kNaN);
  }

  // H reduced to the variables not held by their bound (F: their indices);
  // false when H is not to be formed (p above classify_max_p, or p > 50
  // without derivatives).
  bool reduced_hessian(std::vector<Eigen::Index>& F, Mat& HF) {
    const Eigen::Index n = s_.n();
    if (n > opt_.classify_max_p || !(s_.ev.has_hess() || s_.ev.has_gr() || n <= 50)) return false;
    s_.hess_now();
    F = bounds::free_indices(bounds::binding_mask(s_.x, s_.g, opt_.lower, opt_.upper));
    const Eigen::Index nf = static_cast<Eigen::Index>(F.size());
    HF.resize(nf, nf);
    for (Eigen::Index a = 0; a < nf; ++a)
      for (Eigen::Index b = 0; b < nf; ++b) HF(a, b) = s_.H(F[a], F[b]);
    return true;
  }
  double classify_tol() const { return s_.ev.has_hess() ? 1e-8 : (s_.ev.has_gr() ? 1e-6 : 1e-4); }

  // The projected gradient test holds where H on the free variables has a
  // clearly negative eigenvalue (a saddle on a face; HS 25's start): a step
  // along its eigenvector q on the projected path P(x + a q), a halved until
  // f falls by 1e-4 of the quadratic model's decrease (as the unbounded
  // driver's negative_curvature_step, N&W sec. 3.4).  At most 20 per run.
  bool escape(double& len) {
    std::vector<Eigen::Index> F;
    Mat HF;
    if (escapes_ >= 20 || !reduced_hessian(F, HF) || F.empty()) return false;
    Eigen::SelfAdjointEigenSolver<Mat> es(HF);
    const double lmin = es.eigenvalues()(0);
    // (relative to the largest |eigenvalue|, as classify(): HS 25's start
    // has curvatures ~1e-6; at a minimum a noise-level negative eigenvalue
    // of a difference Hessian finds no decrease, so no step is taken)
    if (!(lmin < -classify_tol() * es.eigenvalues().cwiseAbs().maxCoeff())) return false;
    Vec q = Vec::Zero(s_.n());
    for (std::size_t k = 0; k < F.size(); ++k) q(F[k]) = es.eigenvectors()(k, 0);
    if (s_.g.dot(q) > 0) q = -q;
    q *= std::max(1.0, 0.1 * s_.x.norm());
    for (int sign = 0; sign < 2; ++sign, q = -q) {
      for (double a = 1.0; a > 1e-12; a *= 0.5) {
        const Vec xt = bounds::project(s_.x + a * q, opt_.lower, opt_.upper);
        const Vec st = xt - s_.x;
        const double m = s_.g.dot(st) + 0.5 * st.dot(s_.H * st);
        if (!(m < 0)) continue;
        const double ft = s_.ev.f(xt);
        if (ft <= s_.f + 1e-4 * m) {
          ++escapes_;
          len = st.norm();
          s_.accept(xt, ft, Vec());
          unit_->extras = OptimTraceExtras();
          unit_->extras.curvature = lmin;
          return true;
        }
      }
    }
    return false;
  }

  // The verdict; a converged point is classified on the free variables.
  void end(OptimStatus status, std::string message, bool want_hessian) {
    const Vec &l = opt_.lower, &u = opt_.upper;
    const Eigen::Index n = s_.n();
    std::string stationary;
    std::vector<Eigen::Index> F;
    Mat HF;
    if (status == OptimStatus::Converged && reduced_hessian(F, HF)) {
      stationary = F.empty() ? "minimum" : classify(HF, classify_tol());
      if (stationary == "saddle" || stationary == "maximum") {
        status = OptimStatus::NotMinimum;
        message = "the projected gradient is below gtol, but the Hessian on the free variables is "
                  "not positive semi-definite: a " + stationary + " on this face of the box";
      } else if (stationary == "degenerate") {
        status = OptimStatus::Degenerate;
        message = "the projected gradient is below gtol, but the Hessian on the free variables is "
                  "singular: a minimum is not confirmed";
      }
    }
    if (want_hessian) s_.hess_now();
    res_.par = s_.x;
    res_.value = s_.f * s_.fsign;
    res_.gradient = s_.g * s_.fsign;
    if (want_hessian && s_.have_H) res_.hessian = s_.H * s_.fsign;
    res_.status = status;
    res_.message = std::move(message);
    res_.stationary = stationary;
    res_.active.assign(static_cast<std::size_t>(n), 0);
    for (Eigen::Index i = 0; i < n; ++i)
      res_.active[i] = s_.x(i) <= l(i) ? -1 : (s_.x(i) >= u(i) ? 1 : 0);
  }

  void record(int it, double step) {
    unit_->extras.active =
        bounds::count_active(bounds::binding_mask(s_.x, s_.g, opt_.lower, opt_.upper));
    res_.trace.add(it, s_.f * s_.fsign, s_.g.norm() * std::fabs(s_.fsign), step, unit_->extras, s_.x);
  }

  std::unique_ptr<OptimStepper> unit_;
  OptimState s_;
  const OptimOptions& opt_;
  OptimResult& res_;
  double fbig_ = kInf;
  int escapes_ = 0;  // negative-curvature steps taken
};

}  // namespace detail
}  // namespace newtonr
