// newtonr/root.hpp -- scalar root finding: Newton, Halley, secant, and a
// safeguarded Newton on a bracket.
//
// Holds: RootOptions (every setting, declared once, with validate()),
// RootStatus and its table, the evaluator type RootFn, and the two drivers,
// find_root_bracket (class detail::BracketRun) and find_root_open (class
// detail::OpenRun), each a short loop over named steps; find_root() picks
// one by whether a bracket is given.
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
// Finite-difference derivatives (numeric_scalar_derivs) come from fd.hpp.
#pragma once

#include <newtonr/common.hpp>
#include <newtonr/fd.hpp>
#include <newtonr/status.hpp>

#include <array>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace newtonr {

enum class RootMethod { Newton, Halley, Secant };

// When to stop (documented in ?newton_root):
//  Step     : a bracket of width <= 2 tol, f == 0, or (without a bracket)
//             an update of at most tol across which f changes sign
//             (default);
//  FValue   : |f(x_k)| <= tol;
//  Previous : |f| at the iterate *before* the last update <= tol, i.e. the
//             loop `while |f(x)| > tol: x <- x - f/f'` run to its end: one
//             update more than FValue makes.
enum class RootCriterion { Step, FValue, Previous };

// Statuses of a run (R: newton_root()$status; ?newton_root lists them).
enum class RootStatus : int {
  Converged = 0, MaxIter = 1, NoStep = 2, Diverged = 3, NotFinite = 4, NotARoot = 5,
  NoSignChange = 6
};
inline constexpr std::array<StatusInfo, 7> kRootStatusTable = {{
    {0, "converged",
     "converged: f changes sign over an interval of width at most 2 tol (or between two "
     "iterates at most tol apart), f is exactly 0, or (criterion \"f\" or \"previous\") |f| <= tol"},
    {1, "maxiter", "the iteration limit (maxiter) was reached"},
    {2, "no_step", "the update is undefined: f' (or the secant slope) is zero or not finite"},
    {3, "diverged", "the iterates diverge: |f| grew over 20 updates in a row"},
    {4, "not_finite", "f is not finite near the iterate, or inside the bracket"},
    {5, "not_a_root",
     "f changes sign, but |f| does not grow away from the sign change (or exceeds its values "
     "at the ends of the interval): a jump or pole of f, not a root"},
    {6, "no_sign_change",
     "the update rounds to x itself but f does not change sign next to it: not a root, or f "
     "is too noisy there"},
}};

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

// Every setting of a run, declared once. validate() is the core's check for
// C++ callers (R's newton_root() checks and words the user's arguments).
struct RootOptions {
  RootMethod method = RootMethod::Newton;
  RootCriterion criterion = RootCriterion::Step;
  double tol = 1.4901161193847656e-08;
  int maxiter = 1000;
  // the bracket [lower, upper]; unset: no bracket (Newton from x0)
  std::optional<double> lower, upper;
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

  bool bracketed() const { return lower.has_value(); }
  void validate() const {
    if (!(tol > 0) || !std::isfinite(tol)) throw std::invalid_argument("'tol' must be positive and finite");
    if (maxiter < 1) throw std::invalid_argument("'maxiter' must be at least 1");
    if (lower.has_value() != upper.has_value())
      throw std::invalid_argument("'interval' needs both 'lower' and 'upper'");
    if (lower && !(*lower < *upper)) throw std::invalid_argument("'interval' must satisfy lower < upper");
    if (halving_patience < 1) throw std::invalid_argument("'halving_patience' must be at least 1");
    if (derivative_patience < 0) throw std::invalid_argument("'derivative_patience' must be >= 0");
  }
};

// The names R uses for the method and the criterion.
inline RootMethod root_method_from(const std::string& s) {
  if (s == "newton") return RootMethod::Newton;
  if (s == "halley") return RootMethod::Halley;
  if (s == "secant") return RootMethod::Secant;
  throw std::invalid_argument("'method' must be \"newton\", \"halley\" or \"secant\", not \"" + s + "\"");
}
inline RootCriterion root_criterion_from(const std::string& s) {
  if (s == "step") return RootCriterion::Step;
  if (s == "f") return RootCriterion::FValue;
  if (s == "previous") return RootCriterion::Previous;
  throw std::invalid_argument("'criterion' must be \"step\", \"f\" or \"previous\", not \"" + s + "\"");
}

// What produced a point of the trace: a start point (an end of the bracket,
// x0), an open update (Newton, Halley or secant), a bracketed step
// (Brent's interpolation, a derivative step, a bisection), or a probe of the
// jump/pole check. Plots draw each kind as what it is (a bisection is not a
// tangent).
enum class RootStep : int { Start = 0, Update = 1, Interpolation = 2, Derivative = 3, Bisection = 4, Probe = 5 };

// One row per evaluated point: x, f(x), f'(x) (NaN when not computed) and
// the update that reached x (NaN for start points and probes).
struct RootTraceRow {
  int iter;
  double x, f, fprime, step;
  RootStep kind = RootStep::Start;
};

// Called with each trace row as it is made (the glue prints a line per
// iteration while the run goes on: newton_root(trace = TRUE)).
using RootObserver = std::function<void(const RootTraceRow&)>;

struct RootResult {
  double root = kNaN, froot = kNaN, estim_prec = kNaN;
  int iter = 0, evals = 0, evals_fprime = 0, evals_fprime2 = 0;
  int newton_tried = 0, newton_rejected = 0;  // bracketed: derivative steps
  RootStatus status = RootStatus::MaxIter;
  bool converged = false;  // status == Converged
  std::string message;     // the status, with the particulars of the run
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
bool final_bracket_is_root(const BPoint& b, const BPoint& c, double fmax_ends, double lower, double upper,
                           const std::vector<RootTraceRow>& trace, Probe&& probe, std::string& msg) {
  const BPoint& lo = b.x < c.x ? b : c;
  const BPoint& hi = b.x < c.x ? c : b;
  if (std::fabs(b.f) > fmax_ends) {
    msg = "f changes sign over [" + num(lo.x) + ", " + num(hi.x) + "], but |f| there exceeds its "
          "values at the ends of 'interval': a pole or a jump of f, not a root";
    return false;
  }
  msg = "f changes sign over a bracket of width <= 2 tol";
  return sign_change_is_root(trace, b.x, b.f, c.x, c.f, lower, upper, probe, msg);
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
    throw std::invalid_argument("'f' has the same sign at both ends of 'interval': f(lower) = " +
                                num(fa) + ", f(upper) = " + num(fb));
}
}  // namespace detail
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

// Derivatives for an evaluator that only gives f: central differences for
// f' and second differences for f'' (fd.hpp: h ~ eps^(1/3) (kCentralRoot) and eps^(1/4),
// relative). Counts its calls of f.
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
      e.d1 = fd::derivative_central(f, x, fd::kCentralRoot);
      e.nf += 2;
      if (k >= 2) {
        const double fx = order >= 0 ? e.f : f(x);
        if (order < 0) ++e.nf;
        e.d2 = fd::second_derivative(f, x, fx);
        e.nf += 2;
      }
    }
    return e;
  };
}

namespace detail {

// Counts a run's calls, keeps its trace and sets its result: shared by the
// bracketed and the open driver.
struct RunBase {
  const RootFn& fn;
  const RootOptions& opt;
  RootResult res;
  bool done = false;
  RootObserver observer;

  RunBase(const RootFn& f, const RootOptions& o) : fn(f), opt(o) {}
  void add_row(const RootTraceRow& r) {
    res.trace.push_back(r);
    if (observer) observer(r);
  }
  ScalarEval eval(double x, int order) {
    ScalarEval e = fn(x, order);
    count_eval(res, e, order);
    return e;
  }
  // f at a point of the jump/pole check (an extra row of the trace)
  double probe(double x) {
    const ScalarEval e = eval(x, 0);
    add_row({res.iter, x, e.f, kNaN, kNaN, RootStep::Probe});
    return e.f;
  }
  auto prober() {
    return [this](double x) { return probe(x); };
  }
  void finish(double x, double f, RootStatus s, const std::string& msg, double prec) {
    res.root = x;
    res.froot = f;
    res.status = s;
    res.converged = s == RootStatus::Converged;
    res.message = msg;
    res.estim_prec = prec;
    done = true;
  }
};

// One bracketed run: b the best point, c the contrapoint (f(b) f(c) < 0),
// a the previous b. run() is Brent's loop; each step is a method below.
struct BracketRun : RunBase {
  const bool deriv, halley;
  BPoint a, b, c;
  BracketState st;
  double fmax_ends = kNaN;
  RootStep kind = RootStep::Bisection;  // of the step propose() returned

  BracketRun(const RootFn& f, const RootOptions& o)
      : RunBase(f, o), deriv(o.bracket_derivative && o.method != RootMethod::Secant),
        halley(o.method == RootMethod::Halley) {}

  BPoint point(double x, int iter, double step, RootStep how = RootStep::Start) {
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
    add_row({iter, x, p.f, p.d1, step, how});
    return p;
  }
  void finish_at(const BPoint& p, RootStatus s, const std::string& msg, double prec) {
    finish(p.x, p.f, s, msg, prec);
  }

  // The end points, then x0 (NaN: none) inside the bracket, evaluated first
  // to shrink it.
  void start(double x0) {
    a = point(*opt.lower, 0, kNaN);
    b = point(*opt.upper, 0, kNaN);
    check_bracket_ends(a.f, b.f);
    if (a.f == 0) return finish_at(a, RootStatus::Converged, "f is exactly zero at the lower end of 'interval'", 0.0);
    if (b.f == 0) return finish_at(b, RootStatus::Converged, "f is exactly zero at the upper end of 'interval'", 0.0);
    fmax_ends = std::max(std::fabs(a.f), std::fabs(b.f));
    c = a;
    if (std::isfinite(x0) && x0 > *opt.lower && x0 < *opt.upper) {
      BPoint p = point(x0, 0, kNaN);
      if (!std::isfinite(p.f))
        throw std::invalid_argument("'f' is not finite at the starting value 'x0' = " + num(x0));
      if (p.f == 0) return finish_at(p, RootStatus::Converged, "f(x0) is exactly zero", 0.0);
      if (same_sign(p.f, a.f)) c = b; else { c = a; a = b; }
      b = p;
    }
    st.width_ref = std::fabs(c.x - b.x);
  }

  // The stopping tests at the best point b (m: half the bracket).
  void test_stop(double tol_act, double m) {
    if (b.f == 0)
      return finish_at(b, RootStatus::Converged,
                       exact_zero_message(b.x, tol_act, *opt.lower, *opt.upper, res.trace, prober()), 0.0);
    if (std::fabs(m) <= tol_act) {
      std::string msg;
      const bool ok = final_bracket_is_root(b, c, fmax_ends, *opt.lower, *opt.upper, res.trace, prober(), msg);
      return finish_at(b, ok ? RootStatus::Converged : RootStatus::NotARoot, msg, std::fabs(c.x - b.x));
    }
    if (opt.criterion != RootCriterion::Step && std::fabs(b.f) <= opt.tol)
      finish_at(b, RootStatus::Converged, "|f(root)| <= tol", std::fabs(c.x - b.x));
  }

  // The step from b: bisection when the bracket has not halved for a while,
  // else the interpolation or the derivative step (the derivative first
  // where Newton is asked to go first, or where b is on a flat part:
  // interpolation through equal values is no guide), bisection where both
  // are refused. prev: the last step, which these must halve.
  double propose(double prev, double tol_act) {
    const bool bisect = st.bisection_due(std::fabs(c.x - b.x), opt.halving_patience);
    const double bisection = bisection_point(b.x, c.x, tol_act) - b.x;
    kind = RootStep::Bisection;
    if (bisect) return bisection;
    double s = kNaN;
    auto interp = [&]() {
      if (std::fabs(prev) >= tol_act && std::fabs(a.f) > std::fabs(b.f))
        s = brent_interp(a.x, a.f, b.x, b.f, c.x, c.f, prev, tol_act);
      if (std::isfinite(s)) kind = RootStep::Interpolation;
    };
    auto derivative = [&]() {
      if (deriv)
        s = bracket_derivative_step(a, b, c, prev, tol_act, halley, opt.derivative_patience, st, res,
                                    [this](double x, int order) { return eval(x, order); });
      if (std::isfinite(s)) kind = RootStep::Derivative;
    };
    const bool first = opt.newton_first || (!st.from_c_used && is_flat(b, a, b, c));
    if (first) derivative();
    if (!std::isfinite(s)) interp();
    if (!first && !std::isfinite(s)) derivative();
    return std::isfinite(s) ? s : bisection;
  }

  // Evaluates the new point b + step, a step below tol (including one that
  // rounds to b itself) lengthened to tol towards c (it confirms the sign
  // change), never outside the bracket; the midpoint where f is not finite.
  void advance(double step, double m, double tol_act, int k) {
    if (std::fabs(step) < tol_act) step = m > 0 ? tol_act : -tol_act;
    double xn = b.x + step;
    if (!(std::fabs(xn - b.x) > 0 && std::fabs(xn - b.x) < std::fabs(c.x - b.x) &&
          (xn - b.x) * (c.x - b.x) > 0)) {
      xn = b.x + m;  // never outside the bracket, never a zero-length step
      kind = RootStep::Bisection;
    }
    BPoint n = point(xn, k, xn - b.x, kind);
    if (!std::isfinite(n.f) && xn != b.x + m) n = point(b.x + m, k, m, RootStep::Bisection);
    if (!std::isfinite(n.f))
      return finish_at(b, RootStatus::NotFinite, "'f' is not finite at x = " + num(n.x) +
                       " inside 'interval': the bracket cannot be narrowed", std::fabs(c.x - b.x));
    res.iter = k;
    a = b;
    b = n;
    if (same_sign(b.f, c.f)) c = a;
  }

  RootResult run(double x0, Interrupter& intr) {
    start(x0);
    for (int k = 1; !done && k <= opt.maxiter; ++k) {
      intr.tick();
      const double prev = b.x - a.x;  // the last step
      if (std::fabs(c.f) < std::fabs(b.f)) {  // b is the best point
        a = b;
        b = c;
        c = a;
      }
      const double tol_act = 2 * kEps * std::fabs(b.x) + opt.tol;
      const double m = c.x / 2 - b.x / 2;  // no overflow on huge intervals
      test_stop(tol_act, m);
      if (!done) advance(propose(prev, tol_act), m, tol_act, k);
    }
    if (!done)
      finish_at(b, RootStatus::MaxIter, "the maximum number of iterations (" + std::to_string(opt.maxiter) +
                ") was reached; f changes sign over [" + num(std::min(b.x, c.x)) + ", " +
                num(std::max(b.x, c.x)) + "]", std::fabs(c.x - b.x));
    return res;
  }
};


// One run without a bracket: Newton, Halley or secant from x0. run() is the
// loop; each step is a method below.
struct OpenRun : RunBase {
  const int order;  // derivatives asked of the evaluator
  double x = kNaN, xprev = kNaN, fprev = kNaN;  // (xprev, fprev): the secant's other point
  ScalarEval e;                                  // at x
  int growing = 0;  // consecutive updates that increased |f|

  OpenRun(const RootFn& f, const RootOptions& o)
      : RunBase(f, o),
        order(o.method == RootMethod::Halley ? 2 : (o.method == RootMethod::Newton ? 1 : 0)) {}

  void start(double x0) {
    x = x0;
    e = eval(x, order);
    if (!std::isfinite(e.f))
      throw std::invalid_argument("'f' is not finite at the starting value 'x0' = " + num(x0));
    add_row({0, x, e.f, e.d1, kNaN, RootStep::Start});
    if (opt.method == RootMethod::Secant)
      secant_start(x0, [this](double z, int ord) { return eval(z, ord); }, xprev, fprev);
    if (e.f == 0) return finish(x, e.f, RootStatus::Converged, "f(x0) is exactly zero", 0.0);
    if (opt.criterion != RootCriterion::Step && std::fabs(e.f) <= opt.tol)
      finish(x, e.f, RootStatus::Converged, "|f(x0)| <= tol", 0.0);
  }

  // The update rounds to x itself: look for the sign change a few units in
  // the last place away, on the side the update points to.
  void stuck(double step) {
    std::string why;
    const double h = std::max(4 * kEps * std::fabs(x), 1e-300);
    const double xp = step > 0 ? x - h : x + h;
    const double fp = eval(xp, 0).f;
    if (fp == 0) return finish(xp, fp, RootStatus::Converged, "f(root) is exactly zero", 0.0);
    if (std::isfinite(fp) && !same_sign(fp, e.f)) {
      if (!sign_change_is_root(res.trace, x, e.f, xp, fp, -kInf, kInf, prober(), why))
        return finish(x, e.f, RootStatus::NotARoot, why, kNaN);
      return finish(x, e.f, RootStatus::Converged, "the update rounds to x itself and f changes sign within " +
                    num(h) + " of it", h);
    }
    finish(x, e.f, RootStatus::NoSignChange, "the update rounds to x = " + num(x) +
           " itself but f does not change sign next to it (f = " + num(e.f) +
           "): not a root, or f is too noisy here", kNaN);
  }

  // x <- x - step, the step halved (up to 60 times) towards x where f is not
  // finite; stops the run where it stays not finite or |f| grew 20 times.
  void update(double step, int k) {
    double xnew = x - step;
    ScalarEval enew = eval(xnew, order);
    for (int backoff = 0; !std::isfinite(enew.f) && backoff < 60; ++backoff) {
      step *= 0.5;
      xnew = x - step;
      enew = eval(xnew, order);
    }
    if (!std::isfinite(enew.f))
      return finish(x, e.f, RootStatus::NotFinite, "'f' is not finite near x = " + num(x), kNaN);
    if (opt.method == RootMethod::Secant) {
      xprev = x;
      fprev = e.f;
    }
    growing = std::fabs(enew.f) > std::fabs(e.f) ? growing + 1 : 0;
    if (growing >= 20)
      return finish(xnew, enew.f, RootStatus::Diverged, "the iterates diverge: |f| grew over the last 20 "
                    "updates (start closer to a root, or give an 'interval')", kNaN);
    const double xold = x;
    x = xnew;
    e = enew;
    res.iter = k;
    add_row({k, x, e.f, e.d1, xnew - xold, RootStep::Update});
  }

  // Criterion Step: f changes sign between the last two iterates, at most
  // tol apart: a root is certified there (after polishing where the better
  // point is still far from it relative to its own size: tiny roots),
  // unless f jumps or has a pole there.
  void certify(double xold, double fold, double moved) {
    std::string why;
    double xb[2] = {xold, x}, fb[2] = {fold, e.f};
    if (polish_sign_change(xb, fb, [this](double xq) { return eval(xq, 0).f; }))
      return finish(xb[0], fb[0], RootStatus::Converged, "f(root) is exactly zero", 0.0);
    const int best = std::fabs(fb[0]) < std::fabs(fb[1]) ? 0 : 1;
    if (!sign_change_is_root(res.trace, xb[0], fb[0], xb[1], fb[1], -kInf, kInf, prober(), why))
      return finish(xb[best], fb[best], RootStatus::NotARoot, why, kNaN);
    finish(xb[best], fb[best], RootStatus::Converged,
           "f changes sign between the last two iterates, at most tol apart", moved);
  }

  // The stopping tests after update k from (xold, fold).
  void test_stop(double xold, double fold, int k) {
    const double moved = std::fabs(x - xold);
    if (e.f == 0) {
      const std::string msg = opt.criterion != RootCriterion::Step ? "f(root) is exactly zero"
                              : exact_zero_message(x, opt.tol, -kInf, kInf, res.trace, prober());
      return finish(x, e.f, RootStatus::Converged, msg, 0.0);
    }
    switch (opt.criterion) {
      case RootCriterion::Step:
        if (moved <= opt.tol && !same_sign(fold, e.f)) certify(xold, fold, moved);
        break;
      case RootCriterion::FValue:
        if (std::fabs(e.f) <= opt.tol) finish(x, e.f, RootStatus::Converged, "|f(root)| <= tol", moved);
        break;
      case RootCriterion::Previous:  // |f| at the iterate before the update
        if (k >= 2 && std::fabs(fold) <= opt.tol)
          finish(x, e.f, RootStatus::Converged, "|f| at the previous iterate <= tol", moved);
        break;
    }
  }

  void run_out() {
    const double last = res.trace.size() > 1 ? std::fabs(res.trace.back().step) : kNaN;
    std::string msg = "the maximum number of iterations (" + std::to_string(opt.maxiter) +
                      ") was reached without convergence";
    if (opt.criterion == RootCriterion::Step && last <= opt.tol && growing == 0)
      msg += ": the updates are below tol but f does not change sign between iterates "
             "(a root of even multiplicity, or a minimum of |f| above 0?)";
    finish(x, e.f, RootStatus::MaxIter, msg, last);
  }

  RootResult run(double x0, Interrupter& intr) {
    start(x0);
    for (int k = 1; !done && k <= opt.maxiter; ++k) {
      intr.tick();
      std::string why;
      const double step = open_step(opt.method, x, e, xprev, fprev, why);
      if (!std::isfinite(step)) {
        finish(x, e.f, RootStatus::NoStep, why + ": the iteration cannot continue", kNaN);
      } else if (x - step == x) {
        stuck(step);
      } else {
        const double xold = x, fold = e.f;
        update(step, k);
        if (!done) test_stop(xold, fold, k);
      }
    }
    if (!done) run_out();
    return res;
  }
};

}  // namespace detail

// Bracketed: Brent's method with derivative steps (see the file comment).
// x0 (NaN: none) inside the bracket is evaluated first and shrinks it.
inline RootResult find_root_bracket(const RootFn& fn, double x0, const RootOptions& opt,
                                    Interrupter& intr, const RootObserver& observer = {}) {
  detail::BracketRun run(fn, opt);
  run.observer = observer;
  return run.run(x0, intr);
}

// Without a bracket: Newton, Halley or secant from x0. With criterion Step
// the run converges only on f == 0, or when f changes sign between two
// iterates at most tol apart (also when the update rounds to x itself: f
// is then evaluated a few units in the last place away, on the side the
// update points to).
inline RootResult find_root_open(const RootFn& fn, double x0, const RootOptions& opt,
                                 Interrupter& intr, const RootObserver& observer = {}) {
  detail::OpenRun run(fn, opt);
  run.observer = observer;
  return run.run(x0, intr);
}

// Solve f(x) = 0 from x0 (without a bracket), or inside [lower, upper]
// (bracketed; x0 NaN means no starting value, x0 at an end is not used).
// observer (optional) sees each trace row as it is made.
inline RootResult find_root(const RootFn& fn, double x0, const RootOptions& opt, Interrupter& intr,
                            const RootObserver& observer = {}) {
  opt.validate();
  if (opt.bracketed()) {
    if (!std::isnan(x0) && !(x0 >= *opt.lower && x0 <= *opt.upper))
      throw std::invalid_argument("'x0' must lie inside 'interval'");
    return find_root_bracket(fn, x0, opt, intr, observer);
  }
  if (!std::isfinite(x0)) throw std::invalid_argument("'x0' must be finite");
  return find_root_open(fn, x0, opt, intr, observer);
}

}  // namespace newtonr
