// newtonr/linesearch.hpp -- line searches for newton_optim's core.
//
// Two searches on phi(alpha) = f(x + alpha d):
//  * armijo_backtrack(): backtracking with Armijo's sufficient-decrease
//    condition, trying alpha = alpha0 (1 for Newton) first and shrinking by
//    safeguarded quadratic interpolation (Nocedal & Wright, Alg. 3.1 and
//    Sec. 3.5).  Used by Newton, Newton-CG, gradient descent, and BFGS/L-BFGS
//    when the gradient is a finite difference (p calls per trial point).
//  * wolfe_search(): the strong-Wolfe bracketing/zoom search of Nocedal &
//    Wright, Alg. 3.5 and 3.6, with safeguarded quadratic interpolation in
//    the zoom.  Used by BFGS and L-BFGS with a gradient function: their
//    updates need the curvature condition y's > 0.
//  * backtrack_halving(): alpha0, alpha0/2, ... until a caller's test holds;
//    the negative-curvature step away from a saddle point (its test is a
//    second-order decrease, Nocedal & Wright Sec. 3.4 / More & Sorensen
//    1979), where Armijo's first-order test does not apply.
// A trial point where f is NaN or +-Inf (outside the domain) counts as "too
// far": the search backs off instead of failing (x - log(x) from 3).
// A fixed step (pure Newton, gradient descent with a fixed learning rate) is
// no search: optim/line_step.hpp takes it as it is.
#pragma once

#include "common.hpp"

#include <algorithm>
#include <functional>

namespace newtonr {

struct LineSearchResult {
  bool ok = false;     // a step satisfying the conditions was found
  double alpha = 0.0;  // accepted step length
  double f = kNaN;     // f(x + alpha d)
  int trials = 0;      // function evaluations used
};

// phi(alpha) -> f(x + alpha d).  `f0` = phi(0), `dphi0` = g'd < 0.
inline LineSearchResult armijo_backtrack(const std::function<double(double)>& phi, double f0,
                                         double dphi0, double alpha0 = 1.0,
                                         double c1 = 1e-4, int max_trials = 60,
                                         double min_alpha = 1e-20) {
  LineSearchResult res;
  double alpha = alpha0;
  for (int i = 0; i < max_trials && alpha >= min_alpha; ++i) {
    double fa = phi(alpha);
    ++res.trials;
    if (std::isfinite(fa) && fa <= f0 + c1 * alpha * dphi0) {
      res.ok = true;
      res.alpha = alpha;
      res.f = fa;
      return res;
    }
    double next;
    if (std::isfinite(fa)) {
      // minimiser of the quadratic through phi(0), phi'(0), phi(alpha)
      double denom = 2.0 * (fa - f0 - dphi0 * alpha);
      next = denom > 0 ? -dphi0 * alpha * alpha / denom : 0.5 * alpha;
      next = std::min(std::max(next, 0.1 * alpha), 0.5 * alpha);
    } else {
      next = 0.5 * alpha;  // outside the domain: back off
    }
    alpha = next;
  }
  return res;
}

namespace detail {

// The zoom phase of the strong-Wolfe search (Nocedal & Wright, Alg. 3.6) on
// the bracket [lo, hi] (lo: the lower f), with safeguarded quadratic
// interpolation; fills `res` (ok = false when no point qualifies).
inline void wolfe_zoom(const std::function<double(double, double*)>& phid, double f0,
                       double dphi0, double c1, double c2, int max_trials, double lo, double flo,
                       double dlo, double hi, double fhi, LineSearchResult& res) {
  for (int i = 0; res.trials < max_trials && i < 40; ++i) {
    double a;
    if (std::isfinite(fhi)) {
      double d = hi - lo;
      double denom = 2.0 * (fhi - flo - dlo * d);
      a = denom > 0 ? lo - dlo * d * d / denom : lo + 0.5 * d;
      double lo_b = std::min(lo, hi), hi_b = std::max(lo, hi), w = hi_b - lo_b;
      a = std::min(std::max(a, lo_b + 0.1 * w), hi_b - 0.1 * w);
    } else {
      a = lo + 0.5 * (hi - lo);
    }
    double da = 0.0;
    double fa = phid(a, &da);
    ++res.trials;
    if (!std::isfinite(fa) || fa > f0 + c1 * a * dphi0 || fa >= flo) {
      hi = a;
      fhi = fa;
    } else {
      if (std::fabs(da) <= -c2 * dphi0) {
        res.ok = true;
        res.alpha = a;
        res.f = fa;
        return;
      }
      if (da * (hi - lo) >= 0) {
        hi = lo;
        fhi = flo;
      }
      lo = a;
      flo = fa;
      dlo = da;
    }
    if (std::fabs(hi - lo) <= 1e-16 * std::max(1.0, std::fabs(lo))) break;
  }
  // No strong-Wolfe point found: accept the best sufficient-decrease point.
  if (lo > 0 && flo < f0) {
    res.ok = true;
    res.alpha = lo;
    res.f = flo;
  }
}

}  // namespace detail

// Strong-Wolfe search (Nocedal & Wright, Alg. 3.5/3.6).  `phid(alpha, &dphi)`
// returns phi(alpha) and sets dphi = phi'(alpha) (a gradient evaluation).
inline LineSearchResult wolfe_search(const std::function<double(double, double*)>& phid,
                                     double f0, double dphi0, double alpha1 = 1.0,
                                     double c1 = 1e-4, double c2 = 0.9,
                                     int max_trials = 40, double alpha_max = 1e10) {
  LineSearchResult res;
  double a_prev = 0.0, f_prev = f0, d_prev = dphi0;
  double a = alpha1;
  for (int i = 0; res.trials < max_trials; ++i) {
    double da = 0.0;
    double fa = phid(a, &da);
    ++res.trials;
    if (!std::isfinite(fa) || fa > f0 + c1 * a * dphi0 || (i > 0 && fa >= f_prev)) {
      detail::wolfe_zoom(phid, f0, dphi0, c1, c2, max_trials, a_prev, f_prev, d_prev, a, fa, res);
      return res;
    }
    if (std::fabs(da) <= -c2 * dphi0) {
      res.ok = true;
      res.alpha = a;
      res.f = fa;
      return res;
    }
    if (da >= 0) {
      detail::wolfe_zoom(phid, f0, dphi0, c1, c2, max_trials, a, fa, da, a_prev, f_prev, res);
      return res;
    }
    a_prev = a;
    f_prev = fa;
    d_prev = da;
    if (a >= alpha_max) break;
    a = std::min(2.0 * a, alpha_max);
  }
  if (a_prev > 0 && f_prev < f0) {
    res.ok = true;
    res.alpha = a_prev;
    res.f = f_prev;
  }
  return res;
}

// Halving backtracking with the caller's acceptance test `ok(alpha, f)`
// (f = phi(alpha), finite): tries alpha0 / 2^k for k < max_trials.
template <class Phi, class Ok>
LineSearchResult backtrack_halving(Phi&& phi, Ok&& ok, double alpha0 = 1.0, int max_trials = 60) {
  LineSearchResult res;
  double alpha = alpha0;
  for (int k = 0; k < max_trials; ++k) {
    const double fa = phi(alpha);
    ++res.trials;
    if (std::isfinite(fa) && ok(alpha, fa)) {
      res.ok = true;
      res.alpha = alpha;
      res.f = fa;
      return res;
    }
    alpha *= 0.5;
  }
  return res;
}

}  // namespace newtonr
