// newtonr/bounds.hpp -- building blocks of bound-constrained Newton methods
// (lower <= x <= upper, componentwise; infinite bounds allowed; lower == upper
// fixes a variable). Free functions on Eigen types, no state, no R.
//
// Contents, with the algorithms they follow:
// * project, projected_gradient, projected_gradient_norm: the projection P
//   onto the box and the first-order measure max|P(x - g) - x| (zero exactly
//   at a first-order point; Conn, Gould & Toint 1988; Lin & Moré 1999, eq. 2.3).
// * at_bound_mask, binding_mask, free_indices, count_active: the active set
//   (variables on a bound; those held there by the gradient, Bertsekas 1982).
// * breakpoints, first_last_breakpoint: where the path P(x + t w) bends
//   (Byrd, Lu, Nocedal & Zhu 1995 (BLNZ), eq. 4.1-4.2; TRON's dbreakpt).
// * cauchy_point: the generalized Cauchy point, the first local minimiser of
//   the quadratic model m(s) = g's + s'Bs/2 along the projected steepest-
//   descent path s(t) = P(x - t g) - x, segment by segment (BLNZ sec. 4),
//   for B dense (columns update B d, as BLNZ do with the compact L-BFGS
//   matrix) or given only as a Hessian-vector product (one product a segment).
// * tron_cauchy_step: TRON's Cauchy step (Lin & Moré 1999, sec. 3; dcauchy):
//   t on the path with sufficient decrease m(s(t)) <= mu0 g's(t) and
//   |s(t)| <= delta, by extrapolation (x10) or interpolation (x0.1) from a
//   previous t.
// * projected_search: Lin & Moré's projected search (sec. 4; dprsrch) along
//   a direction w: backtrack alpha on P(x + alpha w) until a decrease
//   condition on any merit (the model in TRON, f for a projected-gradient
//   Armijo search, Bertsekas 1976), falling back to the first breakpoint.
// * feasible_fd_step: the finite-difference step direction that stays in the
//   box (one-sided at a bound), so that f is never evaluated outside it.
//
// Model decrease values are m(s) - m(0) = g's + s'Bs/2 throughout.
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#include "common.hpp"

namespace newtonr {
namespace bounds {

// Throws std::invalid_argument unless lower and upper have one size, no NaN,
// lower <= upper, lower < Inf and upper > -Inf (the box is not empty).
inline void check_box(const Vec& lower, const Vec& upper) {
  if (lower.size() != upper.size())
    throw std::invalid_argument("bounds: 'lower' and 'upper' differ in length");
  for (Eigen::Index i = 0; i < lower.size(); ++i) {
    if (!(lower(i) <= upper(i)))
      throw std::invalid_argument("bounds: need lower <= upper (and no NaN)");
    if (lower(i) == kInf || upper(i) == -kInf)
      throw std::invalid_argument("bounds: 'lower' is Inf or 'upper' is -Inf");
  }
}

// P(x): the nearest point of the box (componentwise clamp).
inline Vec project(const Vec& x, const Vec& lower, const Vec& upper) {
  return x.cwiseMax(lower).cwiseMin(upper);
}

// P(x - g) - x: zero at a first-order point; for x in the box its i-th entry
// is -g_i for a free variable and the part of -g_i that points into the box
// (clipped at the bound's distance) for one on a bound.
inline Vec projected_gradient(const Vec& x, const Vec& g, const Vec& lower, const Vec& upper) {
  return project(x - g, lower, upper) - x;
}

// max_i |P(x - g) - x|_i: the stopping measure (0 for n = 0).
inline double projected_gradient_norm(const Vec& x, const Vec& g, const Vec& lower,
                                      const Vec& upper) {
  if (x.size() == 0) return 0.0;
  return projected_gradient(x, g, lower, upper).cwiseAbs().maxCoeff();
}

// Variables on (within eps of) a bound; lower == upper counts as on a bound.
inline std::vector<bool> at_bound_mask(const Vec& x, const Vec& lower, const Vec& upper,
                                       double eps = 0.0) {
  std::vector<bool> on(static_cast<std::size_t>(x.size()));
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    on[i] = lower(i) == upper(i) || x(i) <= lower(i) + eps || x(i) >= upper(i) - eps;
  }
  return on;
}

// Variables held by their bound: fixed (lower == upper), or on the lower
// bound with g_i >= 0, or on the upper with g_i <= 0 (the gradient pushes
// out of the box). These are the ones a projected Newton step leaves alone
// (Bertsekas 1982; eps > 0 gives his epsilon-active set).
inline std::vector<bool> binding_mask(const Vec& x, const Vec& g, const Vec& lower,
                                      const Vec& upper, double eps = 0.0) {
  std::vector<bool> held(static_cast<std::size_t>(x.size()));
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    held[i] = lower(i) == upper(i) || (x(i) <= lower(i) + eps && g(i) >= 0) ||
              (x(i) >= upper(i) - eps && g(i) <= 0);
  }
  return held;
}

// Indices i with mask[i] false, in order (the free variables of a mask).
inline std::vector<Eigen::Index> free_indices(const std::vector<bool>& mask) {
  std::vector<Eigen::Index> idx;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) idx.push_back(static_cast<Eigen::Index>(i));
  }
  return idx;
}

// Number of true entries (the trace's count of active bounds).
inline int count_active(const std::vector<bool>& mask) {
  return static_cast<int>(std::count(mask.begin(), mask.end(), true));
}

// Breakpoints of the path P(x + t w), t >= 0, for x in the box: t_i is where
// x_i + t w_i reaches its bound (BLNZ eq. 4.1 with w = -g): (upper_i - x_i) /
// w_i for w_i > 0, (lower_i - x_i) / w_i for w_i < 0, +Inf for w_i = 0 or an
// infinite bound in the direction of travel. 0 for a variable already on the
// bound it moves towards.
inline Vec breakpoints(const Vec& x, const Vec& w, const Vec& lower, const Vec& upper) {
  Vec t(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (w(i) > 0) {
      t(i) = std::isfinite(upper(i)) ? std::max(0.0, (upper(i) - x(i)) / w(i)) : kInf;
    } else if (w(i) < 0) {
      t(i) = std::isfinite(lower(i)) ? std::max(0.0, (lower(i) - x(i)) / w(i)) : kInf;
    } else {
      t(i) = kInf;
    }
  }
  return t;
}

// The smallest positive and the largest finite breakpoint along w (TRON's
// brptmin, brptmax): up to the first the path is straight; beyond the last it
// no longer moves (when every variable has a breakpoint). {Inf, 0} if none.
inline std::pair<double, double> first_last_breakpoint(const Vec& x, const Vec& w, const Vec& lower,
                                                       const Vec& upper) {
  const Vec t = breakpoints(x, w, lower, upper);
  double first = kInf, last = 0.0;
  for (Eigen::Index i = 0; i < t.size(); ++i) {
    if (t(i) > 0 && t(i) < first) first = t(i);
    if (std::isfinite(t(i)) && t(i) > last) last = t(i);
  }
  return {first, last};
}

// Path point s(t) = P(x + t w) - x.
inline Vec path_step(const Vec& x, const Vec& w, double t, const Vec& lower, const Vec& upper) {
  return project(x + t * w, lower, upper) - x;
}

// Model change m(s) - m(0) = g's + s'Bs/2, with Bs supplied.
inline double model_change(const Vec& g, const Vec& s, const Vec& Bs) {
  return g.dot(s) + 0.5 * s.dot(Bs);
}

// ---- generalized Cauchy point (BLNZ 1995, sec. 4) ------------------------

struct CauchyPoint {
  Vec x;                   // x^c = P(x - t g), in the box
  Vec s;                   // x^c - x
  double t = 0.0;          // path parameter of x^c
  double model = 0.0;      // m(s) - m(0) = g's + s'Bs/2 (<= 0)
  int segments = 0;        // path segments examined
  bool unbounded = false;  // m decreases without bound on the last (infinite)
                           // segment: B is not positive definite there and the
                           // box does not stop it (bound the box by a trust
                           // region, as TRON and L-BFGS-B-type methods do)
};

namespace detail {

// The segment walk shared by both forms of B. On the segment that starts at t
// with step s, direction d (= -g on the variables not yet at their bound,
// 0 elsewhere) and Bd, Bs: m(s + tau d) = m(s) + tau f1 + tau^2 f2 / 2 with
// f1 = g'd + (Bs)'d and f2 = d'Bd (BLNZ eq. 4.4-4.6). Stop at the first local
// minimiser; else move to the segment's end, zero d on the variables that
// reach their bound there and let `update(d, hits, Bd)` bring Bd up to date
// (hits: (index, old d_i) pairs).
template <class Update>
CauchyPoint cauchy_walk(const Vec& x, const Vec& g, const Vec& lower, const Vec& upper, Vec d,
                        Vec Bd, Update&& update) {
  const Vec tb = breakpoints(x, d, lower, upper);
  std::vector<Eigen::Index> order;
  for (Eigen::Index i = 0; i < tb.size(); ++i)
    if (d(i) != 0 && std::isfinite(tb(i))) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](Eigen::Index a, Eigen::Index b) { return tb(a) < tb(b); });
  CauchyPoint cp;
  Vec s = Vec::Zero(x.size()), Bs = Vec::Zero(x.size());
  std::size_t k = 0;
  std::vector<std::pair<Eigen::Index, double>> hits;
  for (;;) {
    ++cp.segments;
    const double f1 = g.dot(d) + Bs.dot(d), f2 = d.dot(Bd);
    const double tnext = k < order.size() ? tb(order[k]) : kInf, dt = tnext - cp.t;
    if (!(f1 < 0)) break;  // no decrease along this segment (or d = 0)
    if (f2 > 0 && -f1 / f2 < dt) {
      const double tau = -f1 / f2;
      s += tau * d;
      cp.model += tau * f1 + 0.5 * tau * tau * f2;
      cp.t += tau;
      break;
    }
    if (!std::isfinite(dt)) {
      cp.unbounded = true;
      break;
    }
    s += dt * d;
    Bs += dt * Bd;
    cp.model += dt * f1 + 0.5 * dt * dt * f2;
    cp.t = tnext;
    hits.clear();
    for (; k < order.size() && tb(order[k]) <= cp.t; ++k) {
      const Eigen::Index b = order[k];
      hits.emplace_back(b, d(b));
      s(b) = (d(b) > 0 ? upper(b) : lower(b)) - x(b);  // exactly on the bound
      d(b) = 0.0;
    }
    update(d, hits, Bd);
  }
  cp.x = project(x + s, lower, upper);
  cp.s = cp.x - x;
  return cp;
}

// -g with zeros where the variable cannot move (on the bound it moves to).
inline Vec descent_on_path(const Vec& x, const Vec& g, const Vec& lower, const Vec& upper) {
  Vec d = -g;
  const Vec tb = breakpoints(x, d, lower, upper);
  for (Eigen::Index i = 0; i < d.size(); ++i)
    if (tb(i) == 0) d(i) = 0.0;
  return d;
}

}  // namespace detail

// Generalized Cauchy point for a dense symmetric B: Bd is updated by one
// column per variable reaching its bound (O(n) each), as in BLNZ.
inline CauchyPoint cauchy_point(const Vec& x, const Vec& g, const Vec& lower, const Vec& upper,
                                const Mat& B) {
  Vec d = detail::descent_on_path(x, g, lower, upper);
  Vec Bd = B * d;
  return detail::cauchy_walk(x, g, lower, upper, std::move(d), std::move(Bd),
                             [&](const Vec&, const auto& hits, Vec& bd) {
                               for (const auto& h : hits) bd -= h.second * B.col(h.first);
                             });
}

// The same for B given as a product v -> B v (any callable returning Vec):
// one product a segment.
template <class HessVec>
CauchyPoint cauchy_point_hv(const Vec& x, const Vec& g, const Vec& lower, const Vec& upper,
                            HessVec&& hv) {
  Vec d = detail::descent_on_path(x, g, lower, upper);
  Vec Bd = hv(d);
  return detail::cauchy_walk(x, g, lower, upper, std::move(d), std::move(Bd),
                             [&](const Vec& dd, const auto&, Vec& bd) { bd = hv(dd); });
}

// ---- TRON's Cauchy step (Lin & Moré 1999, sec. 3) ------------------------

struct CauchyStep {
  Vec s;               // s(alpha) = P(x - alpha g) - x
  double alpha = 0.0;  // path parameter found (start the next search from it)
  double model = 0.0;  // m(s) - m(0)
  int products = 0;    // B v products used
  bool ok = false;     // sufficient decrease and |s| <= delta hold
};

// Find alpha with m(s(alpha)) <= mu0 g's(alpha) and |s(alpha)|_2 <= delta,
// starting from `alpha`: if it fails, divide by 10 until it holds; if it
// holds, multiply by 10 while it still holds and the path still moves (alpha
// below the last breakpoint; TRON's dcauchy stops there, and without any
// finite breakpoint this version lets the radius end the extrapolation).
template <class HessVec>
CauchyStep tron_cauchy_step(const Vec& x, const Vec& g, const Vec& lower, const Vec& upper,
                            HessVec&& hv, double delta, double alpha, double mu0 = 0.01,
                            int max_trials = 60) {
  CauchyStep out;
  out.s = Vec::Zero(x.size());
  if (projected_gradient_norm(x, g, lower, upper) == 0 || !(alpha > 0)) return out;
  const double last = first_last_breakpoint(x, -g, lower, upper).second;
  const bool no_breakpoint = last == 0.0;
  auto trial = [&](double a, Vec& s, double& q) {
    s = path_step(x, -g, a, lower, upper);
    if (s.norm() > delta) return false;
    ++out.products;
    q = model_change(g, s, hv(s));
    return q <= mu0 * g.dot(s);
  };
  Vec s;
  double q = 0.0;
  bool ok = trial(alpha, s, q);
  for (int k = 0; !ok && k < max_trials; ++k) ok = trial(alpha *= 0.1, s, q);
  if (ok) {
    out.s = s, out.alpha = alpha, out.model = q, out.ok = true;
    for (int k = 0; k < max_trials && (alpha < last || no_breakpoint); ++k) {
      if (!trial(alpha *= 10, s, q)) break;
      out.s = s, out.alpha = alpha, out.model = q;
    }
  }
  return out;
}

// ---- projected search (Lin & Moré 1999, sec. 4) ---------------------------

struct SearchResult {
  Vec s;  // P(x + alpha w) - x
  double alpha = 0.0;
  double value = 0.0;       // merit(s), i.e. phi(x + s) - phi(x)
  int evaluations = 0;      // calls of merit
  bool sufficient = false;  // value <= mu g's held
};

// Backtrack alpha (from `alpha`, times `shrink`) along the projected path
// P(x + alpha w) until merit(s) <= mu g's, where merit(s) = phi(x + s) -
// phi(x) for the quadratic model (TRON) or for f itself (projected-gradient
// Armijo search, w = -g). As in TRON's dprsrch, when the next alpha would
// jump below the first breakpoint (where the path is straight, x + alpha w)
// it tries the first breakpoint itself before shrinking further.
template <class Merit>
SearchResult projected_search(const Vec& x, const Vec& w, const Vec& g, const Vec& lower,
                              const Vec& upper, Merit&& merit, double mu = 0.01,
                              double shrink = 0.5, double alpha = 1.0, int max_steps = 60) {
  const double first = first_last_breakpoint(x, w, lower, upper).first;
  SearchResult r;
  for (int k = 0; k < max_steps && alpha > 0; ++k) {
    r.s = path_step(x, w, alpha, lower, upper);
    r.value = merit(r.s);
    r.alpha = alpha;
    ++r.evaluations;
    if (r.value <= mu * g.dot(r.s)) {
      r.sufficient = true;
      break;
    }
    const double next = alpha * shrink;
    alpha = (alpha > first && next < first) ? first : next;
  }
  return r;
}

// ---- finite differences inside the box -----------------------------------

// The signed step for a one-sided difference in coordinate i from x_i with
// size h: +h if x_i + h stays in the box, else -h if x_i - h does, else the
// longer way to a bound (a shorter step; divide by the step taken), which is
// 0 for a fixed variable (lower == upper: its derivative is never needed, as
// it never moves). A central difference fits when both x_i +- h are in the box.
inline double feasible_fd_step(double xi, double h, double lo, double up) {
  if (xi + h <= up) return h;
  if (xi - h >= lo) return -h;
  return (up - xi >= xi - lo) ? up - xi : lo - xi;
}
inline bool central_fits(double xi, double h, double lo, double up) {
  return xi - h >= lo && xi + h <= up;
}

}  // namespace bounds
}  // namespace newtonr
