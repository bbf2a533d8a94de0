// newtonr/root.hpp -- scalar root finding: Newton, Halley, secant, and a
// safeguarded Newton on a bracket.
//
// Newton:  x <- x - f/f'.  Halley: x <- x - (f/f') / (1 - f f''/(2 f'^2)).
// Secant:  f' replaced by the slope through the last two iterates.
//
// With a bracket [a, b] where f changes sign (find_root_bracket) the method
// is Brent's (1973, "Algorithms for minimization without derivatives",
// ch. 4), with Newton's (or Halley's) step where an exact derivative is
// available: the best point b and a contrapoint c with f(b) f(c) < 0
// always enclose a root; the inverse quadratic or secant step through the
// last three points is tried first, accepted only if it moves towards c,
// stays inside 3/4 of [b, c] and is less than half the last step (as in
// R's zeroin.c); where it is refused, Newton's step under the same rules (less
// than half the last step) (see RootOptions for
// why in this order, and bracket_derivative_step for flat parts), and
// bisection is the last resort; a bracket that has not halved in
// `halving_patience` steps is bisected. Steps shorter than tol are lengthened to tol, so the last
// step confirms a sign change within tol. The run converges only when
// |c - b| <= 2 tol (+ rounding: 4 eps |b|) or f(b) == 0.
//
// Without a bracket (find_root_open) an update of at most tol ends the run
// (criterion "step") only when f changes sign between the last two
// iterates, or f == 0: the root is then certified to lie between them.
#pragma once

#include <newtonr/common.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace newtonr {

enum class RootMethod { Newton, Halley, Secant };

// When to stop (documented in ?newton_root):
//  Step      : a bracket of width <= 2 tol, f == 0, or (without a bracket)
//              an update of at most tol across which f changes sign
//              (default);
//  FValue    : |f(x_k)| <= tol;
//  Documents : the source documents' loop `while |f| > tol: x -= f/f'`,
//              which checks the value from *before* the last update and so
//              makes one update more than FValue would.
enum class RootCriterion { Step, FValue, Documents };

// Value and derivatives at one point; derivatives NaN when not requested.
// nf, nfp, nfpp: the calls of f, f' and f'' this evaluation cost; left at
// -1, the core counts one call of each quantity requested.
struct ScalarEval {
  double f = kNaN, d1 = kNaN, d2 = kNaN;
  int nf = -1, nfp = -1, nfpp = -1;
};

// fn(x, order): f (order 0), f and f' (1), f, f' and f'' (2), or the
// derivatives only, at a point where f is already known: f' (-1), f' and
// f'' (-2). The evaluator decides whether derivatives are analytic or
// numerical; see numeric_scalar_derivs().
// (Not "ScalarFn": numderiv.hpp has that name, and every core header must
// be includable together.)
using RootFn = std::function<ScalarEval(double, int)>;

struct RootOptions {
  RootMethod method = RootMethod::Newton;
  RootCriterion criterion = RootCriterion::Step;
  double tol = 1.4901161193847656e-08;
  int maxiter = 1000;
  bool bracketed = false;
  double lower = -kInf, upper = kInf;
  // Use f' (and f'') in the bracketed method. The glue sets false when the
  // derivatives would be finite differences (2 calls of f each): the
  // bracketed method is then Brent's, whose divided differences of points
  // already evaluated stand in for f' at no extra cost.
  bool bracket_derivative = true;
  // bracketed: force a bisection when the bracket has not halved in this
  // many steps (Brent's own rule only bounds the cost by ~log2(w/tol)^2)
  int halving_patience = 4;
  // bracketed with derivatives: try the derivative step before Brent's
  // interpolation (true) or only where the interpolation is refused
  // (false, the default: an interpolation step costs one call of f and
  // converges with order 1.84, a Newton step two calls for order 2; on
  // the APS collection Newton-first costs 9% more calls), and stop
  // computing f' after this many refused derivative steps in a row.
  bool newton_first = false;
  int derivative_patience = 1;
};

struct RootTraceRow {
  int iter;
  double x, f, fprime, step;
};

struct RootResult {
  double root = kNaN, froot = kNaN, estim_prec = kNaN;
  int iter = 0, evals = 0, evals_fprime = 0, evals_fprime2 = 0;
  int newton_tried = 0, newton_rejected = 0;  // bracketed: derivative steps
  bool converged = false;
  std::string message;
  std::vector<RootTraceRow> trace;
};

namespace detail {
inline std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}
inline bool same_sign(double u, double v) { return (u > 0 && v > 0) || (u < 0 && v < 0); }

inline void count_eval(RootResult& res, const ScalarEval& e, int order) {
  const int k = order < 0 ? -order : order;
  res.evals += e.nf >= 0 ? e.nf : (order >= 0 ? 1 : 0);
  res.evals_fprime += e.nfp >= 0 ? e.nfp : (k >= 1 ? 1 : 0);
  res.evals_fprime2 += e.nfpp >= 0 ? e.nfpp : (k >= 2 ? 1 : 0);
}

// Brent's interpolation step from b (zeroin): inverse quadratic through
// (a, b, c), or the secant through a and b when a == c. NaN when refused:
// the step must go towards c, stay within 3/4 of [b, c] and be less than
// half of `prev`, the last step taken (the rule of R's zeroin.c; Brent's
// Algol text halves the step before the last, which on roots of odd
// multiplicity bisects later: 1682 calls against 1412 on the odd-multiplicity
// problems of bench/root-unseen.R, and 2606 against 2579 with fprime on APS).
inline double brent_interp(double a, double fa, double b, double fb, double c, double fc,
                           double prev, double tol_act) {
  const double cb = c - b, r_ba = fb / fa;
  double p, q;
  if (a == c) {
    p = cb * r_ba;
    q = 1 - r_ba;
  } else {
    const double r_ac = fa / fc, r_bc = fb / fc;
    p = r_ba * (cb * r_ac * (r_ac - r_bc) - (b - a) * (r_bc - 1));
    q = (r_ac - 1) * (r_bc - 1) * (r_ba - 1);
  }
  if (p > 0) q = -q; else p = -p;
  if (p < 0.75 * cb * q - std::fabs(tol_act * q) / 2 && p < std::fabs(prev * q / 2)) return p / q;
  return kNaN;
}

// A point of the bracketed method: value, derivatives when known, and its
// row in the trace.
struct BPoint {
  double x = kNaN, f = kNaN, d1 = kNaN, d2 = kNaN;
  bool has_d = false;
  int row = -1;
};

// Newton's (Halley's, when f'' is known) step from b; NaN when undefined.
inline double derivative_step(const BPoint& b, bool halley) {
  if (!(std::isfinite(b.d1) && b.d1 != 0)) return kNaN;
  double s = -b.f / b.d1;
  if (halley && std::isfinite(b.d2)) {
    const double den = 1 + s * b.d2 / (2 * b.d1);
    if (den > 0.5) s /= den;   // Halley only where its correction is moderate
  }
  return s;
}

// The derivative step from b under Brent's rules for interpolation steps
// (towards c, within 3/4 of [b, c], less than half of the step before);
// NaN when refused.
inline double accepted_derivative_step(const BPoint& b, const BPoint& c, double prev,
                                       double tol_act, bool halley) {
  const double s = derivative_step(b, halley), cb = c.x - b.x;
  if (s * cb > 0 && std::fabs(s) < 0.75 * std::fabs(cb) - tol_act / 2 &&
      std::fabs(s) < std::fabs(prev) / 2)
    return s;
  return kNaN;
}

// f at p equals f at another of the points a, b, c (p is on a flat part).
inline bool is_flat(const BPoint& p, const BPoint& a, const BPoint& b, const BPoint& c) {
  return (p.x != a.x && p.f == a.f) || (p.x != b.x && p.f == b.f) || (p.x != c.x && p.f == c.f);
}

// The bisection point of the bracket [b, c]: the midpoint, except on a
// bracket wider than 2^52 tol that spans more than 3 orders of magnitude,
// where bisecting in the exponent (as Roots.jl's bisection does with the
// bit patterns) takes ~log2(log2(width / tol)) steps rather than
// log2(width / tol), over 1000 for [-1e308, 1e308]: 0 where the bracket
// contains it (both ends more than 1024 tol from it), else the geometric
// mean of the ends (the nearer one taken as at least tol from 0). No
// instance of the APS collection is that wide.
inline double bisection_point(double b, double c, double tol_act) {
  const double lo = std::min(b, c), hi = std::max(b, c), mid = b + (c / 2 - b / 2);
  double x = mid;
  if (!(hi / 2 - lo / 2 > 2251799813685248.0 * tol_act)) return mid;  // width <= 2^52 tol
  if (lo < 0 && hi > 0) {
    if (std::min(-lo, hi) > 1024 * tol_act) x = 0;
  } else {
    const double sgn = hi <= 0 ? -1 : 1;
    const double inner = std::max(std::min(std::fabs(lo), std::fabs(hi)), tol_act);
    const double outer = std::max(std::fabs(lo), std::fabs(hi));
    if (outer > 1024 * inner) x = sgn * std::sqrt(inner) * std::sqrt(outer);
  }
  return x > lo && x < hi ? x : mid;
}

// Bookkeeping of the bracketed method: the bracket-halving safeguard,
// and the derivative steps' state.
struct BracketState {
  double width_ref;
  int stalled = 0, rejected_in_row = 0;
  bool from_c_used = false;
  // true when the bracket has not halved in `patience` steps: bisect
  bool bisection_due(double width, int patience) {
    if (width <= width_ref / 2 || stalled + 1 > patience) {
      const bool due = width > width_ref / 2;
      width_ref = width;
      stalled = 0;
      return due;
    }
    ++stalled;
    return false;
  }
};

// The derivative step of the bracketed method, as a step from b (NaN if
// none): Newton's (Halley's) from b, while fewer than `patience` were
// refused in a row, under accepted_derivative_step's rules; where b lies
// on a flat part (f has the same value at another point, or f'(b) = 0),
// once per run Newton's step from the other end c, accepted if it lands
// inside 3/4 of the bracket. `eval(x, order)` evaluates (and counts).
template <class Eval>
double bracket_derivative_step(const BPoint& a, BPoint& b, BPoint& c, double prev, double tol_act,
                               bool halley, int patience, BracketState& st, RootResult& res,
                               Eval&& eval) {
  auto flat = [&](const BPoint& p) { return is_flat(p, a, b, c); };
  auto ensure_d = [&](BPoint& p) {
    if (p.has_d) return;
    ScalarEval e = eval(p.x, halley ? -2 : -1);
    p.d1 = e.d1;
    p.d2 = e.d2;
    p.has_d = true;
    if (p.row >= 0) res.trace[p.row].fprime = p.d1;
  };
  double s = kNaN;
  bool tried = false;
  if (st.rejected_in_row < patience && (b.has_d || !flat(b))) {
    ensure_d(b);
    tried = true;
    if (b.d1 != 0) s = accepted_derivative_step(b, c, prev, tol_act, halley);
  }
  const bool b_flat = flat(b) || (b.has_d && b.d1 == 0);
  if (!tried || !std::isfinite(s)) {
    if (b_flat && !st.from_c_used && (c.has_d || !flat(c))) {
      st.from_c_used = true;
      ensure_d(c);
      tried = true;
      const double sc = derivative_step(c, halley), bc = b.x - c.x;
      if (sc * bc > 0 && std::fabs(sc) < 0.75 * std::fabs(bc)) s = c.x + sc - b.x;
    }
  }
  if (tried) {
    ++res.newton_tried;
    st.rejected_in_row = std::isfinite(s) ? 0 : st.rejected_in_row + 1;
    if (!std::isfinite(s)) ++res.newton_rejected;
  }
  return s;
}

// Is a sign change of f over [lo, hi] (a final bracket, or two iterates at
// most tol apart) a root, or a jump or pole of f? For a continuous f with
// a root there, |f| grows away from [lo, hi]: at distance d beyond it, by
// about (d / (hi - lo))^alpha where f behaves like |x - root|^alpha. At a
// jump (sign(), floor(), a branch switch) or a pole |f| does not grow
// away from it. First a screen at no cost from the points already
// evaluated: the secant slope across [lo, hi] compared with the slopes out
// to the nearest evaluated points beyond it (at a jump the first is about
// jump / width, 10^4 or more times the others). Only where the screen
// fails does `probe(x)` evaluate f at 64 widths beyond each end (clipped
// to [lower, upper]): the sign change is a root when |f| there exceeds
// twice its smaller value at lo and hi on every side probed (true for a
// root of order alpha > 1/6 in the linear part of f; at a jump the side
// nearer 0 fails, at a pole both).
struct SignChangeCheck {
  bool root = true;
  double d = kNaN, f_lo_probe = kNaN, f_hi_probe = kNaN;
};
template <class Probe>
SignChangeCheck check_sign_change(const std::vector<RootTraceRow>& tr, double lo, double flo,
                                  double hi, double fhi, double lower, double upper,
                                  Probe&& probe) {
  SignChangeCheck out;
  const double w = hi - lo, fmin = std::min(std::fabs(flo), std::fabs(fhi));
  if (!(w > 0) || flo == 0 || fhi == 0) return out;
  double xl = -kInf, fl = kNaN, xr = kInf, fr = kNaN;
  for (const auto& row : tr) {
    if (!std::isfinite(row.f)) continue;
    if (row.x < lo && row.x > xl) { xl = row.x; fl = row.f; }
    if (row.x > hi && row.x < xr) { xr = row.x; fr = row.f; }
  }
  double s_out = -1;
  if (std::isfinite(xl)) s_out = std::max(s_out, std::fabs(flo - fl) / (lo - xl));
  if (std::isfinite(xr)) s_out = std::max(s_out, std::fabs(fhi - fr) / (xr - hi));
  const double s_fin = std::fabs(fhi - flo) / w;
  if (s_out >= 0 && s_fin <= 10 * s_out) return out;  // |f| grows outwards as fast as across
  out.d = 64 * w;
  int passed = 0, probed = 0;
  for (int side = 0; side < 2; ++side) {
    double p = side == 0 ? lo - out.d : hi + out.d;
    if (side == 0 && !(p > lower)) p = lower;
    if (side == 1 && !(p < upper)) p = upper;
    if (p == lo || p == hi || !std::isfinite(p)) continue;
    const double fp = probe(p);
    (side == 0 ? out.f_lo_probe : out.f_hi_probe) = fp;
    if (!std::isfinite(fp)) continue;
    ++probed;
    if (std::fabs(fp) > 2 * fmin) ++passed;
  }
  out.root = passed == probed;
  return out;
}

inline std::string jump_message(double lo, double flo, double hi, double fhi,
                                const SignChangeCheck& chk) {
  return "f changes sign over [" + num(lo) + ", " + num(hi) + "] (f = " + num(flo) + ", " +
         num(fhi) + ") but |f| does not grow away from it (f = " + num(chk.f_lo_probe) + ", " +
         num(chk.f_hi_probe) + " at " + num(chk.d) + " beyond): a jump or pole of f, not a root "
         "(if f is continuous but very steep here, a smaller 'tol' resolves it)";
}

// check_sign_change on the points (x1, f1), (x2, f2) in either order; `why`
// says why it is not a root.
template <class Probe>
bool sign_change_is_root(const std::vector<RootTraceRow>& trace, double x1, double f1, double x2,
                         double f2, double lower, double upper, Probe&& probe, std::string& why) {
  const bool in_order = x1 < x2;
  const double lo = in_order ? x1 : x2, flo = in_order ? f1 : f2;
  const double hi = in_order ? x2 : x1, fhi = in_order ? f2 : f1;
  const SignChangeCheck chk = check_sign_change(trace, lo, flo, hi, fhi, lower, upper, probe);
  if (!chk.root) why = jump_message(lo, flo, hi, fhi, chk);
  return chk.root;
}

// f is exactly 0 at x. Where f is also exactly 0 at x - 2 tol or x + 2 tol
// (inside [lower, upper]), f is zero to rounding over a region wider than
// 2 tol (a root of high multiplicity, or underflow, as x exp(-1/x^2) near
// 0): x is a root of f as computed, but the true root is located only to
// within that region, and the message says so. A side where an evaluated
// point within 2 tol has f != 0 needs no call of f, nor does a zero where
// the slope to the nearest evaluated point puts |f| at 2 tol above
// rounding; else one call (on the first side not settled).
template <class F>
std::string exact_zero_message(double x, double tol, double lower, double upper,
                               const std::vector<RootTraceRow>& trace, F&& f) {
  std::string msg = "f(root) is exactly zero";
  // no call where the slope to the nearest evaluated point predicts |f| at
  // 2 tol above rounding (eps times the largest |f| seen): a simple zero
  double near = kInf, f_near = kNaN, f_big = 0;
  for (const auto& row : trace) {
    if (!std::isfinite(row.f)) continue;
    f_big = std::max(f_big, std::fabs(row.f));
    if (row.f != 0 && std::fabs(row.x - x) < near) { near = std::fabs(row.x - x); f_near = row.f; }
  }
  if (std::isfinite(near) && std::fabs(f_near) / near * 2 * tol > kEps * f_big) return msg;
  for (double side : {-1.0, 1.0}) {
    const double q = x + side * 2 * tol;
    if (!(q > lower && q < upper) || q == x) continue;
    bool settled = false;
    for (const auto& row : trace)
      if (row.f != 0 && side * (row.x - x) > 0 && side * (row.x - q) <= 0) settled = true;
    if (settled) continue;
    if (f(q) == 0)
      return msg + ", and also at x = " + num(q) + ": f is zero to rounding over a region wider than "
             "2 tol (a root of high multiplicity, or underflow), so the root is located only to "
             "within that region";
    break;  // one call at most: a region of zeros is rarely within 2 tol of its edge
  }
  return msg;
}

// The verdict on a final bracket [b, c] (width <= 2 tol): a root, or a pole
// or jump (|f| above its values at the ends of 'interval', or not growing
// away from the sign change); `msg` says which.
template <class Probe>
bool final_bracket_is_root(const BPoint& b, const BPoint& c, double fmax_ends, const RootOptions& opt,
                           const std::vector<RootTraceRow>& trace, Probe&& probe, std::string& msg) {
  const BPoint& lo = b.x < c.x ? b : c;
  const BPoint& hi = b.x < c.x ? c : b;
  if (std::fabs(b.f) > fmax_ends) {
    msg = "f changes sign over [" + num(lo.x) + ", " + num(hi.x) + "], but |f| there exceeds its "
          "values at the ends of 'interval': a pole or a jump of f, not a root";
    return false;
  }
  msg = "f changes sign over a bracket of width <= 2 tol";
  return sign_change_is_root(trace, b.x, b.f, c.x, c.f, opt.lower, opt.upper, probe, msg);
}

// Up to 3 regula falsi steps inside a certified sign change between xb[0]
// and xb[1], while the better point is far from the root relative to its
// own size (tiny roots). True, with xb[0] the point, when f is exactly 0.
template <class F>
bool polish_sign_change(double* xb, double* fb, F&& f) {
  for (int polish = 0; polish < 3; ++polish) {
    const int best = std::fabs(fb[0]) < std::fabs(fb[1]) ? 0 : 1;
    const double xr = xb[1] - fb[1] * (xb[1] - xb[0]) / (fb[1] - fb[0]);
    if (!(std::fabs(xr - xb[best]) > 1.4901161193847656e-08 * std::fabs(xb[best]))) break;
    const double fr = f(xr);
    if (!std::isfinite(fr)) break;
    const int side = same_sign(fr, fb[0]) ? 0 : 1;
    xb[fr == 0 ? 0 : side] = xr;
    fb[fr == 0 ? 0 : side] = fr;
    if (fr == 0) return true;
  }
  return false;
}
// The end points of a bracket: finite, and f changes sign (or is 0) there.
inline void check_bracket_ends(double fa, double fb) {
  if (!std::isfinite(fa) || !std::isfinite(fb))
    throw std::invalid_argument("'f' is not finite at an end point of 'interval'");
  if (same_sign(fa, fb))
    throw std::invalid_argument("'f' has the same sign at both ends of 'interval' (" + num(fa) +
                                ", " + num(fb) + ")");
}
}  // namespace detail

// Central-difference derivatives for an evaluator that only gives f.
// h ~ eps^(1/3) balances truncation and rounding error for f'; eps^(1/4)
// for f''. Counts its calls of f.
inline RootFn numeric_scalar_derivs(std::function<double(double)> f) {
  return [f](double x, int order) {
    ScalarEval e;
    e.nf = 0;
    e.nfp = 0;
    e.nfpp = 0;
    const int k = order < 0 ? -order : order;
    if (order >= 0) {
      e.f = f(x);
      ++e.nf;
    }
    if (k >= 1) {
      const double h = 6.055454452393343e-06 * std::max(1.0, std::fabs(x));
      e.d1 = (f(x + h) - f(x - h)) / (2 * h);
      e.nf += 2;
      if (k >= 2) {
        const double fx = order >= 0 ? e.f : f(x);
        if (order < 0) ++e.nf;
        const double h2 = 1.220703125e-04 * std::max(1.0, std::fabs(x));
        e.d2 = (f(x + h2) - 2 * fx + f(x - h2)) / (h2 * h2);
        e.nf += 2;
      }
    }
    return e;
  };
}

// Bracketed: Brent's method with derivative steps (see the file comment).
// x0 (NaN: none) inside the bracket is evaluated first and shrinks it.
inline RootResult find_root_bracket(const RootFn& fn, double x0, const RootOptions& opt,
                                    Interrupter& intr) {
  using detail::BPoint;
  RootResult res;
  const bool deriv = opt.bracket_derivative && opt.method != RootMethod::Secant;
  const bool halley = opt.method == RootMethod::Halley;
  auto eval = [&](double x, int order) {
    ScalarEval e = fn(x, order);
    detail::count_eval(res, e, order);
    return e;
  };
  auto point = [&](double x, int iter, double step) {
    BPoint p;
    p.x = x;
    const ScalarEval e = eval(x, 0);
    p.f = e.f;
    if (deriv && std::isfinite(e.d1)) {  // an evaluator that always gives f'
      p.d1 = e.d1;
      p.d2 = e.d2;
      p.has_d = true;
    }
    p.row = static_cast<int>(res.trace.size());
    res.trace.push_back({iter, x, p.f, p.d1, step});
    return p;
  };
  auto finish = [&](const BPoint& p, bool ok, const std::string& msg, double prec) {
    res.root = p.x;
    res.froot = p.f;
    res.converged = ok;
    res.message = msg;
    res.estim_prec = prec;
    return res;
  };
  if (!(opt.lower < opt.upper)) throw std::invalid_argument("'interval' must satisfy lower < upper");
  BPoint a = point(opt.lower, 0, kNaN), b = point(opt.upper, 0, kNaN);
  detail::check_bracket_ends(a.f, b.f);
  if (a.f == 0) return finish(a, true, "f is exactly zero at the lower end of 'interval'", 0.0);
  if (b.f == 0) return finish(b, true, "f is exactly zero at the upper end of 'interval'", 0.0);
  const double fmax_ends = std::max(std::fabs(a.f), std::fabs(b.f));
  BPoint c = a;
  if (std::isfinite(x0) && x0 > opt.lower && x0 < opt.upper) {
    // use f(x0) to shrink the bracket before the first step
    BPoint p = point(x0, 0, kNaN);
    if (!std::isfinite(p.f))
      throw std::invalid_argument("'f' is not finite at the starting value 'x0' = " + detail::num(x0));
    if (p.f == 0) return finish(p, true, "f(x0) is exactly zero", 0.0);
    if (detail::same_sign(p.f, a.f)) c = b; else { c = a; a = b; }
    b = p;
  }
  auto probe = [&](double x) {  // f at a point of the jump/pole check
    const ScalarEval e = eval(x, 0);
    res.trace.push_back({res.iter, x, e.f, kNaN, kNaN});
    return e.f;
  };
  detail::BracketState st;
  st.width_ref = std::fabs(c.x - b.x);
  for (int k = 1; k <= opt.maxiter; ++k) {
    intr.tick();
    // the last step: interpolation and Newton steps must halve it
    const double prev = b.x - a.x;
    if (std::fabs(c.f) < std::fabs(b.f)) {  // b is the best point
      a = b;
      b = c;
      c = a;
    }
    const double tol_act = 2 * kEps * std::fabs(b.x) + opt.tol;
    const double m = c.x / 2 - b.x / 2;  // no overflow on huge intervals
    if (b.f == 0)
      return finish(b, true, detail::exact_zero_message(b.x, tol_act, opt.lower, opt.upper, res.trace, probe), 0.0);
    if (std::fabs(m) <= tol_act) {
      std::string msg;
      const bool ok = detail::final_bracket_is_root(b, c, fmax_ends, opt, res.trace, probe, msg);
      return finish(b, ok, msg, std::fabs(c.x - b.x));
    }
    if (opt.criterion != RootCriterion::Step && std::fabs(b.f) <= opt.tol)
      return finish(b, true, "|f(root)| <= tol", std::fabs(c.x - b.x));
    // safeguard: bisect when the bracket has not halved for a while
    const bool bisect = st.bisection_due(std::fabs(c.x - b.x), opt.halving_patience);
    double step = detail::bisection_point(b.x, c.x, tol_act) - b.x;
    if (!bisect) {
      double s = kNaN;
      auto interp = [&]() {
        if (std::fabs(prev) >= tol_act && std::fabs(a.f) > std::fabs(b.f))
          s = detail::brent_interp(a.x, a.f, b.x, b.f, c.x, c.f, prev, tol_act);
      };
      auto derivative = [&]() {
        if (deriv)
          s = detail::bracket_derivative_step(a, b, c, prev, tol_act, halley, opt.derivative_patience,
                                              st, res, eval);
      };
      // the derivative first where Newton is asked to go first, or where b
      // is on a flat part (interpolation through equal values is no guide)
      const bool first = opt.newton_first || (!st.from_c_used && detail::is_flat(b, a, b, c));
      if (first) derivative();
      if (!std::isfinite(s)) interp();
      if (!first && !std::isfinite(s)) derivative();
      if (std::isfinite(s)) step = s;
    }
    // a step below tol (including a proposal that rounds to b itself) is
    // lengthened to tol towards c: it confirms the sign change
    if (std::fabs(step) < tol_act) step = m > 0 ? tol_act : -tol_act;
    double xn = b.x + step;
    if (!(std::fabs(xn - b.x) > 0 && std::fabs(xn - b.x) < std::fabs(c.x - b.x) &&
          (xn - b.x) * (c.x - b.x) > 0))
      xn = b.x + m;  // never outside the bracket, never a zero-length step
    BPoint n = point(xn, k, xn - b.x);
    if (!std::isfinite(n.f) && xn != b.x + m) n = point(b.x + m, k, m);
    if (!std::isfinite(n.f))
      return finish(b, false, "'f' is not finite at x = " + detail::num(n.x) +
                    " inside 'interval': the bracket cannot be narrowed", std::fabs(c.x - b.x));
    res.iter = k;
    a = b;
    b = n;
    if (detail::same_sign(b.f, c.f)) c = a;
  }
  return finish(b, false, "the maximum number of iterations (" + std::to_string(opt.maxiter) +
                ") was reached; f changes sign over [" + detail::num(std::min(b.x, c.x)) + ", " +
                detail::num(std::max(b.x, c.x)) + "]", std::fabs(c.x - b.x));
}

namespace detail {
// The update x_new = x - step proposed by the method at x (NaN, with the
// reason in `why`, when undefined).
inline double open_step(RootMethod method, double x, const ScalarEval& e, double xprev,
                        double fprev, std::string& why) {
  switch (method) {
    case RootMethod::Newton:
    case RootMethod::Halley: {
      if (e.d1 == 0 || !std::isfinite(e.d1)) {
        why = "f'(x) is zero or not finite at x = " + num(x);
        return kNaN;
      }
      const double nstep = e.f / e.d1;
      if (method == RootMethod::Newton) return nstep;
      const double denom = 1 - nstep * e.d2 / (2 * e.d1);
      return (std::isfinite(e.d2) && denom != 0) ? nstep / denom : nstep;
    }
    case RootMethod::Secant: {
      const double slope = (e.f - fprev) / (x - xprev);
      if (slope == 0 || !std::isfinite(slope)) {
        why = "the secant slope is zero at x = " + num(x);
        return kNaN;
      }
      return e.f / slope;
    }
  }
  return kNaN;
}
}  // namespace detail

namespace detail {
// The secant method's second point, close to x0 (as scipy.optimize.newton
// does), on the other side where f is not finite there.
template <class Eval>
void secant_start(double x0, Eval&& eval, double& xprev, double& fprev) {
  xprev = x0 * (1 + 1e-4) + (x0 >= 0 ? 1e-4 : -1e-4);
  fprev = eval(xprev, 0).f;
  if (!std::isfinite(fprev)) {
    xprev = x0 - (xprev - x0);
    fprev = eval(xprev, 0).f;
  }
}

}  // namespace detail

// Without a bracket: Newton, Halley or secant from x0. With criterion Step
// the run converges only on f == 0, or when f changes sign between two
// iterates at most tol apart (also when the update rounds to x itself: f
// is then evaluated a few units in the last place away, on the side the
// update points to).
inline RootResult find_root_open(const RootFn& fn, double x0, const RootOptions& opt,
                                 Interrupter& intr) {
  RootResult res;
  const int order = opt.method == RootMethod::Halley ? 2 : (opt.method == RootMethod::Newton ? 1 : 0);
  auto eval = [&](double x, int ord) {
    ScalarEval e = fn(x, ord);
    detail::count_eval(res, e, ord);
    return e;
  };
  double x = x0;
  ScalarEval e = eval(x, order);
  if (!std::isfinite(e.f))
    throw std::invalid_argument("'f' is not finite at the starting value 'x0' = " + detail::num(x0));
  res.trace.push_back({0, x, e.f, e.d1, kNaN});
  // secant: a second point close to x0 (as scipy.optimize.newton does)
  double xprev = kNaN, fprev = kNaN;
  if (opt.method == RootMethod::Secant) detail::secant_start(x0, eval, xprev, fprev);
  auto finish = [&](double xr, double fr, bool ok, const std::string& msg, double prec) {
    res.root = xr;
    res.froot = fr;
    res.converged = ok;
    res.message = msg;
    res.estim_prec = prec;
    return res;
  };
  if (e.f == 0) return finish(x, e.f, true, "f(x0) is exactly zero", 0.0);
  if (opt.criterion != RootCriterion::Step && std::fabs(e.f) <= opt.tol)
    return finish(x, e.f, true, "|f(x0)| <= tol", 0.0);
  // f at a point of the jump/pole check (an extra row of the trace)
  auto probe = [&](double xq) {
    const double fq = eval(xq, 0).f;
    res.trace.push_back({res.iter, xq, fq, kNaN, kNaN});
    return fq;
  };
  double f_before = e.f;  // f at the previous iterate (Documents rule)
  int growing = 0;        // consecutive updates that increased |f|
  for (int k = 1; k <= opt.maxiter; ++k) {
    intr.tick();
    std::string why;
    double step = detail::open_step(opt.method, x, e, xprev, fprev, why);
    if (!std::isfinite(step))
      return finish(x, e.f, false, why + ": the iteration cannot continue", kNaN);
    if (x - step == x) {
      // the update rounds to x itself: look for the sign change next to x
      const double h = std::max(4 * kEps * std::fabs(x), 1e-300);
      const double xp = step > 0 ? x - h : x + h;
      const double fp = eval(xp, 0).f;
      if (fp == 0) return finish(xp, fp, true, "f(root) is exactly zero", 0.0);
      if (std::isfinite(fp) && !detail::same_sign(fp, e.f)) {
        if (!detail::sign_change_is_root(res.trace, x, e.f, xp, fp, -kInf, kInf, probe, why))
          return finish(x, e.f, false, why, kNaN);
        return finish(x, e.f, true, "the update rounds to x itself and f changes sign within " +
                      detail::num(h) + " of it", h);
      }
      return finish(x, e.f, false, "the update rounds to x = " + detail::num(x) +
                    " itself but f does not change sign next to it (f = " + detail::num(e.f) +
                    "): not a root, or f is too noisy here", kNaN);
    }
    double xnew = x - step;
    ScalarEval enew = eval(xnew, order);
    for (int backoff = 0; !std::isfinite(enew.f) && backoff < 60; ++backoff) {
      step *= 0.5;  // back off towards x where f is not finite
      xnew = x - step;
      enew = eval(xnew, order);
    }
    if (!std::isfinite(enew.f))
      return finish(x, e.f, false, "'f' is not finite near x = " + detail::num(x), kNaN);
    if (opt.method == RootMethod::Secant) {
      xprev = x;
      fprev = e.f;
    }
    growing = std::fabs(enew.f) > std::fabs(e.f) ? growing + 1 : 0;
    if (growing >= 20)
      return finish(xnew, enew.f, false, "the iterates diverge: |f| grew over the last 20 updates "
                    "(start closer to a root, or give an 'interval')", kNaN);
    const double xold = x, fold = e.f, moved = std::fabs(xnew - x);
    f_before = e.f;
    x = xnew;
    e = enew;
    res.iter = k;
    res.trace.push_back({k, x, e.f, e.d1, xnew - xold});
    if (e.f == 0) {
      const std::string msg = opt.criterion != RootCriterion::Step ? "f(root) is exactly zero"
                              : detail::exact_zero_message(x, opt.tol, -kInf, kInf, res.trace, probe);
      return finish(x, e.f, true, msg, 0.0);
    }
    switch (opt.criterion) {
      case RootCriterion::Step:
        if (moved <= opt.tol && !detail::same_sign(fold, e.f)) {
          // a root is certified within tol; polish where the better point
          // is still far from it relative to its own size (tiny roots)
          double xb[2] = {xold, x}, fb[2] = {fold, e.f};
          if (detail::polish_sign_change(xb, fb, [&](double xq) { return eval(xq, 0).f; }))
            return finish(xb[0], fb[0], true, "f(root) is exactly zero", 0.0);
          const int best = std::fabs(fb[0]) < std::fabs(fb[1]) ? 0 : 1;
          if (!detail::sign_change_is_root(res.trace, xb[0], fb[0], xb[1], fb[1], -kInf, kInf, probe, why))
            return finish(xb[best], fb[best], false, why, kNaN);
          return finish(xb[best], fb[best], true,
                        "f changes sign between the last two iterates, at most tol apart", moved);
        }
        break;
      case RootCriterion::FValue:
        if (std::fabs(e.f) <= opt.tol) return finish(x, e.f, true, "|f(root)| <= tol", moved);
        break;
      case RootCriterion::Documents:
        if (k >= 2 && std::fabs(f_before) <= opt.tol)
          return finish(x, e.f, true, "|f| at the previous iterate <= tol (the documents' rule)", moved);
        break;
    }
  }
  const double last = res.trace.size() > 1 ? std::fabs(res.trace.back().step) : kNaN;
  std::string msg = "the maximum number of iterations (" + std::to_string(opt.maxiter) +
                    ") was reached without convergence";
  if (opt.criterion == RootCriterion::Step && last <= opt.tol && growing == 0)
    msg += ": the updates are below tol but f does not change sign between iterates "
           "(a root of even multiplicity, or a minimum of |f| above 0?)";
  return finish(x, e.f, false, msg, last);
}

// Solve f(x) = 0 from x0 (without a bracket), or inside [lower, upper]
// (bracketed; x0 NaN means no starting value).
inline RootResult find_root(const RootFn& fn, double x0, const RootOptions& opt, Interrupter& intr) {
  if (!(opt.tol > 0)) throw std::invalid_argument("'tol' must be positive");
  if (opt.maxiter < 1) throw std::invalid_argument("'maxiter' must be at least 1");
  if (opt.bracketed) return find_root_bracket(fn, x0, opt, intr);
  if (!std::isfinite(x0)) throw std::invalid_argument("'x0' must be finite");
  return find_root_open(fn, x0, opt, intr);
}

}  // namespace newtonr
