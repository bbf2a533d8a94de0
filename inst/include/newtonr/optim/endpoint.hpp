// newtonr/optim/endpoint.hpp -- the end of a run (finish()): classify the end
// point, decide what the stop means (only the gradient test, or a gradient
// at its rounding floor, makes a minimum), and explain failures, checking a
// user's gr and hess against finite differences (numderiv.hpp's Richardson
// extrapolation) when they may be to blame.
#pragma once

#include "../numderiv.hpp"
#include "classify.hpp"
#include "evaluator.hpp"

namespace newtonr {
namespace detail {

// Largest disagreement between a user's derivative u and a difference
// quotient d, relative to |d_i| (but at least 1e-2 of the largest entry, so
// that entries near zero compare absolutely).
inline double rel_mismatch(const Vec& u, const Vec& d) {
  const double scale = std::max(d.cwiseAbs().maxCoeff(), u.cwiseAbs().maxCoeff());
  double worst = 0.0;
  for (Eigen::Index i = 0; i < u.size(); ++i) {
    const double den = std::max({std::fabs(d(i)), 1e-2 * scale, 1e-300});
    const double e = std::fabs(u(i) - d(i)) / den;
    worst = std::isnan(e) ? kInf : std::max(worst, e);
  }
  return worst;
}

// After a failure: compare the supplied gr (and hess) with Richardson
// differences at x (8p calls of f, or of gr for the Hessian), and return a
// sentence for the message when they disagree (empty otherwise).  Calls are
// counted; a non-finite value near x gives no verdict.
inline std::string derivative_check(OptimEvaluator& ev, const Vec& x, const Vec& g) {
  std::string out;
  const Eigen::Index n = x.size();
  ScalarFn fx = [&ev](const Vec& z) { return ev.f(z); };
  auto say = [&out](const char* what, double e) {
    if (e > 1e-2)
      out += std::string("; '") + what + "' disagrees with finite differences (max relative error " +
             fmt_g(e) + "): check it with check_derivatives()";
    return e > 1e-2;
  };
  try {
    const bool bad_gr = ev.has_gr() && n <= 200 && say("gr", rel_mismatch(g, gradient(fx, x)));
    // the Hessian against differences of gr, or of f alone when gr is wrong
    // (or missing): 1 + 4p(p + 1) calls, so only for small p
    const bool from_f = !ev.has_gr() || bad_gr;
    if (ev.has_hess() && n <= (from_f ? 10 : 50)) {
      const Mat Hu = ev.h(x, g);
      const Mat Hn = from_f ? hessian(fx, x, hessian_defaults())
                            : jacobian([&ev](const Vec& z) { return ev.g(z); }, x);
      say("hess", rel_mismatch(Eigen::Map<const Vec>(Hu.data(), Hu.size()),
                               Eigen::Map<const Vec>(Hn.data(), Hn.size())));
    }
  } catch (const std::runtime_error&) {
  }
  return out;
}

// A supplied gr whose zero is not fn's: at a claimed minimum, the slope of
// f along one fixed irregular direction u (u_i = +-(1 + frac(0.618 i))
// max(1, |x_i|), signs in an aperiodic pattern, so that no structured error
// in gr is orthogonal to it) by a central difference (2 calls of f),
// against g'u; only when they disagree, Richardson extrapolation with a
// second step t/2 (2 more calls) separates a wrong gr from the difference's
// truncation error (meyer, brown_badly_scaled).  Returns the disagreement
// per unit of sum|u| when it exceeds what a true gradient within gtol
// (10 gtol sum|u|), rounding and the truncation error could explain, else 0
// (also when f is not finite at a probe: no verdict).
inline double gr_zero_mismatch(OptimEvaluator& ev, const Vec& x, double f, const Vec& g,
                               double gtol) {
  const Eigen::Index n = x.size();
  const double t = 1e-4;
  Vec u(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double w = 0.6180339887498949 * static_cast<double>(i + 1);
    const double fr = w - std::floor(w);
    u(i) = std::max(1.0, std::fabs(x(i))) * (1.0 + fr) * (fr < 0.5 ? 1.0 : -1.0);
  }
  const double su = u.cwiseAbs().sum(), gu = g.dot(u);
  double fmax = std::fabs(f);
  auto slope_at = [&](double tj, double& out) {
    const double fp = ev.f(x + tj * u), fm = ev.f(x - tj * u);
    if (!std::isfinite(fp) || !std::isfinite(fm)) return false;
    fmax = std::max({fmax, std::fabs(fp), std::fabs(fm)});
    out = (fp - fm) / (2 * tj);
    return true;
  };
  double s1 = 0, s2 = 0;
  if (!slope_at(t, s1)) return 0.0;
  const double allowed = 10 * gtol * su;
  if (std::fabs(s1 - gu) <= allowed + 1e3 * kEps * fmax / t) return 0.0;
  if (!slope_at(t / 2, s2)) return 0.0;
  const double slope = (4 * s2 - s1) / 3, trunc = std::fabs(s2 - s1);
  const double err = std::fabs(slope - gu);
  if (err > allowed + 1e3 * kEps * fmax / (t / 2) + 10 * trunc) return err / su;
  return 0.0;
}

// A "minimum" from the Hessian's eigenvalues where f is not locally
// quadratic: near an inflection (x^3 at x = 5e-4: g = 8e-7, H = 3e-3 > 0)
// f keeps falling along the Newton step s far past the model's minimiser.
// At a minimum, f(x + t s) - f(x) = (t^2/2 - t) s'Hs > 0 for t = 16 and 32
// (and for a minimum of order up to 9 in one variable, x^k: x + t s lies
// beyond -x).  True when f falls below f(x) at all three probes (t = 16, 32,
// 1024) by more than the model's predicted rise there and rounding.  A
// difference gradient's error makes s itself inexact near a minimum (beale
// and rosenbrock at f ~ 1e-14: s a twentieth of the way to the minimiser),
// so t = 16 and 32 may fall short of it; 1024 s overshoots it.
// Without gr, the difference gradient's truncation error can leave s a
// millionth of the way (rosenbrock, newton-cg: g ~ 1e-13 where the true one
// is 1e-7), so there the last probe must also fall by more than |f(x)|.
inline bool falls_past_newton_step(OptimEvaluator& ev, const Vec& x, double f, const Mat& H,
                                   const Vec& s) {
  if (s.size() == 0 || !s.allFinite() || s.cwiseAbs().maxCoeff() == 0.0) return false;
  const double sHs = std::fabs(s.dot(H * s));
  const double margin = 1e-10 * std::fabs(f) + 1e-300;
  for (double t : {16.0, 32.0, 1024.0}) {
    const double ft = ev.f(x + t * s);
    const double need = (t > 100 && !ev.has_gr()) ? std::fabs(f) : 0.0;
    if (!(ft < f - std::max((t * t / 2 - t) * sHs, need) - margin)) return false;
  }
  return true;
}

// The verdict of a run: status, message and the kind of end point.
struct OptimVerdict {
  OptimStatus status = OptimStatus::Maxit;
  std::string message;
  std::string stationary;
};

// The Hessian at the end point (central differences of gr when there is
// no hess: forward ones would call x^3 at 1e-18 a minimum) and its
// classification; `null` receives the near-null directions.
inline std::string classify_end(OptimEvaluator& ev, const OptimOptions& opt, const Vec& x,
                                const Vec& g, Mat& H, bool& have_H, bool uses_H,
                                bool want_hessian, std::vector<Vec>& null) {
  const Eigen::Index n = x.size();
  if (n > opt.classify_max_p && !want_hessian) return "";
  if (ev.has_gr() && !ev.has_hess() && n <= 200) {
    H = ev.h_central(x);
    have_H = true;
  } else if (!(uses_H && have_H) && (ev.has_hess() || ev.has_gr() || n <= 50)) {
    H = ev.h(x, g);
    have_H = true;
  }
  if (!have_H || !H.allFinite()) return "";
  const double tol = ev.has_hess() ? 1e-8 : (ev.has_gr() ? 1e-6 : 1e-4);
  return classify(H, tol, &null);
}

// A converged (or stalled near-stationary) classified point under review:
// too flat for gtol, falling past the Newton step, a saddle or maximum, or a
// degenerate point confirmed (or not) along the Hessian's null space.
inline void review_stationary(OptimEvaluator& ev, const OptimOptions& opt, const Vec& x,
                              double f, const Vec& g, const Mat& H,
                              const std::vector<Vec>& null_dirs, OptimVerdict& v) {
  using S = OptimStatus;
  const Eigen::Index n = x.size();
  const Vec step = v.stationary == "minimum" ? newton_step(H, g) : Vec();
  const double step_max = step.size() ? step.cwiseAbs().maxCoeff() : 0.0;
  const auto nnull = static_cast<Eigen::Index>(null_dirs.size());
  if (!(step_max <= 1e-2 * std::max(1.0, x.cwiseAbs().maxCoeff()))) {
    // max|g| <= gtol, but the model's minimiser is far: f is too flat on
    // its scale for gtol (1e-300 * (x - 1)^2 "converges" anywhere)
    v.status = S::Degenerate;
    v.stationary.clear();
    v.message = "max|gradient| is below gtol, but the Newton step to the minimiser of the local "
                "model is " + fmt_g(step_max) + " long: the objective is too flat for gtol "
                "(rescale fn, e.g. with control$fnscale, or lower gtol)";
  } else if (v.stationary == "minimum" && v.status == S::Converged &&
             falls_past_newton_step(ev, x, f, H, step)) {
    v.status = S::Degenerate;
    v.stationary.clear();
    v.message = "max|gradient| is below gtol, but f keeps falling along the Newton step well "
                "past the local model's minimiser: not a minimum (an inflection nearby, or an "
                "objective unbounded below)";
  } else if (v.stationary == "saddle" || v.stationary == "maximum") {
    v.status = S::NotMinimum;
    v.message = "stopped at a " + v.stationary +
                " (a stationary point that is not a minimum): the Hessian has negative eigenvalues";
  } else if (v.stationary == "degenerate" && v.status == S::Converged && nnull < n &&
             above_tangent_on_null_space([&ev](const Vec& z) { return ev.f(z); }, x, f, g,
                                         null_dirs, opt.gtol)) {
    v.stationary = "minimum";
    v.message += " (the Hessian is singular, and f does not fall below its tangent along the "
                 "null space: a non-isolated or higher-order minimum)";
  } else if (v.stationary == "degenerate") {
    v.status = S::Degenerate;
    v.message = nnull == n
                    ? "stopped where f is flat (the gradient and the Hessian vanish): a plateau, not a confirmed minimum"
                    : "stopped at a degenerate stationary point (singular Hessian): a minimum is not confirmed";
  }
}

// Before the review: a stall or reltol stop at a minimum whose gradient is
// rounding is convergence; a difference gradient whose rounding error
// exceeds gtol certifies nothing.
inline void rounding_verdicts(OptimEvaluator& ev, const OptimOptions& opt, const Vec& x,
                              double f, const Vec& g, const Mat& H, bool uses_H,
                              OptimVerdict& v) {
  using S = OptimStatus;
  const bool previous = opt.criterion == OptimCriterion::Previous;
  if ((v.status == S::Stalled || v.status == S::NoProgress) && !previous &&
      v.stationary == "minimum" && at_rounding_floor(H, g, x)) {
    v.status = S::Converged;
    v.message = "max|gradient| = " + fmt_g(g.cwiseAbs().maxCoeff()) +
                " is above gtol but at its rounding floor: the Newton step changes no parameter "
                "beyond its 10th digit";
  }
  if (v.status == S::Converged && !previous && !ev.has_gr()) {
    // a central-difference gradient carries a rounding error of about
    // eps |f| / h: where that exceeds gtol (f = 1e6 (1 + 1e-9 |x - c|^2): 4e-5)
    // the test max|g| <= gtol certifies nothing
    const double h = fd::step(uses_H && !ev.has_hess() ? fd::kSecond : fd::kCentral,
                              x.cwiseAbs().minCoeff());
    const double noise = kEps * std::fabs(f) / h;
    if (noise > opt.gtol) {
      v.status = S::NoProgress;
      v.message = "max|gradient| is below gtol, but the finite-difference gradient's rounding "
                  "error (about " + fmt_g(noise) + ") is not: the gradient test cannot be met "
                  "without 'gr' (supply it, or remove a large constant from fn)";
    }
  }
}

// The end of a run: classify the end point from the Hessian's eigenvalues,
// decide what the stop means, and explain failures.
//  * converged only with max|g| <= gtol, or with the gradient at its
//    rounding floor (at_rounding_floor) after another stopping rule;
//  * a converged point that is a saddle or a maximum is reported as such; a
//    degenerate one is a minimum only when f stays above its tangent along
//    the Hessian's null space;
//  * a point far from stationary is not classified (no "saddle" at
//    |g| = 4), and a failure there checks the user's derivatives.
inline void finish(OptimEvaluator& ev, const OptimOptions& opt, const Vec& x, double f,
                   const Vec& g, Mat& H, bool& have_H, bool uses_H, bool want_hessian,
                   OptimVerdict& v) {
  using S = OptimStatus;
  std::vector<Vec> null_dirs;
  v.stationary = classify_end(ev, opt, x, g, H, have_H, uses_H, want_hessian, null_dirs);
  const double gmax = g.cwiseAbs().maxCoeff();
  const bool previous = opt.criterion == OptimCriterion::Previous;
  rounding_verdicts(ev, opt, x, f, g, H, uses_H, v);
  const bool near_stationary = gmax <= std::max(opt.gtol, 1e-3 * std::sqrt(opt.gtol));
  const bool non_min = v.stationary == "saddle" || v.stationary == "maximum";
  const bool far_non_min = non_min && !near_stationary && v.status != S::Converged;
  if (!v.stationary.empty() &&
      (v.status == S::Converged || (near_stationary && v.status == S::Stalled))) {
    review_stationary(ev, opt, x, f, g, H, null_dirs, v);
  }
  if (v.status == S::Converged && ev.has_gr() && !previous) {
    const double e = gr_zero_mismatch(ev, x, f, g, opt.gtol);
    if (e > 0) {
      v.status = S::Stalled;
      v.stationary.clear();
      v.message = "max|gradient| of 'gr' is below gtol, but differences of 'fn' give a slope of " +
                  fmt_g(e) + " per unit step: 'gr' is not the gradient of 'fn' here";
    }
  }
  // never classify a point far from stationary
  const bool keep = v.status == S::Converged || v.status == S::NotMinimum ||
                    v.status == S::Degenerate ||
                    (v.stationary == "minimum" ? gmax <= std::sqrt(opt.gtol) : near_stationary);
  if (!keep) v.stationary.clear();
  if (v.status == S::Stalled || far_non_min ||
      ((v.status == S::NoProgress || v.status == S::Maxit) && gmax > 1e3 * opt.gtol)) {
    v.message += derivative_check(ev, x, g);
  }
  if (opt.fnscale < 0 && !v.stationary.empty()) {
    // classification was on fn/fnscale; the user asked to maximise
    if (v.stationary == "minimum") v.stationary = "maximum";
    else if (v.stationary == "maximum") v.stationary = "minimum";
    if (v.status == S::NotMinimum) v.message += " of -fn (the maximisation objective)";
  }
}

}  // namespace detail
}  // namespace newtonr
