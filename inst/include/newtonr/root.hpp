// newtonr/root.hpp -- scalar root finding: Newton, Halley, secant, and a
// safeguarded Newton on a bracket.
//
// Newton:  x <- x - f/f'.  Halley: x <- x - (f/f') / (1 - f f''/(2 f'^2)).
// Secant:  f' replaced by the slope through the last two iterates.
// With a bracket [a, b] where f changes sign, any step that leaves the
// bracket, or that does not at least halve the previous step (the
// "rtsafe" rule, Press et al., Numerical Recipes, sec. 9.4), is replaced by
// a bisection step, so convergence is guaranteed while Newton's quadratic
// rate is kept near the root.
#pragma once

#include <newtonr/common.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace newtonr {

enum class RootMethod { Newton, Halley, Secant };

// When to stop (documented in ?newton_root):
//  Step      : |x_{k+1} - x_k| <= tol, or f(x_k) == 0 (default);
//  FValue    : |f(x_k)| <= tol;
//  Documents : the source documents' loop `while |f| > tol: x -= f/f'`,
//              which checks the value from *before* the last update and so
//              makes one update more than FValue would.
enum class RootCriterion { Step, FValue, Documents };

// Value and derivatives at one point; derivatives NaN when not requested.
struct ScalarEval {
  double f = kNaN, d1 = kNaN, d2 = kNaN;
};

// fn(x, order): evaluate f (order 0), f and f' (order 1), or f, f', f''
// (order 2). The evaluator decides whether derivatives are analytic or
// numerical; see numeric_scalar_derivs().
// (Not "ScalarFn": numderiv.hpp has that name, and every core header must
// be includable together.)
using RootFn = std::function<ScalarEval(double, int)>;

struct RootOptions {
  RootMethod method = RootMethod::Newton;
  RootCriterion criterion = RootCriterion::Step;
  double tol = 1.4901161193847656e-08;
  int maxiter = 100;
  bool bracketed = false;
  double lower = -kInf, upper = kInf;
};

struct RootTraceRow {
  int iter;
  double x, f, fprime, step;
};

struct RootResult {
  double root = kNaN, froot = kNaN, estim_prec = kNaN;
  int iter = 0, evals = 0;
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
}  // namespace detail

// Central-difference derivatives for an evaluator that only gives f.
// h ~ eps^(1/3) balances truncation and rounding error for f'; eps^(1/4)
// for f''.
inline RootFn numeric_scalar_derivs(std::function<double(double)> f) {
  return [f](double x, int order) {
    ScalarEval e;
    e.f = f(x);
    if (order >= 1) {
      const double h = 6.055454452393343e-06 * std::max(1.0, std::fabs(x));
      const double fp = f(x + h), fm = f(x - h);
      e.d1 = (fp - fm) / (2 * h);
      if (order >= 2) {
        const double h2 = 1.220703125e-04 * std::max(1.0, std::fabs(x));
        e.d2 = (f(x + h2) - 2 * e.f + f(x - h2)) / (h2 * h2);
      }
    }
    return e;
  };
}

// Solve f(x) = 0 from x0 (inside [lower, upper] when bracketed).
inline RootResult find_root(const RootFn& fn, double x0, const RootOptions& opt,
                            Interrupter& intr) {
  if (!(opt.tol > 0)) throw std::invalid_argument("'tol' must be positive");
  if (opt.maxiter < 1) throw std::invalid_argument("'maxiter' must be at least 1");
  RootResult res;
  const int order = opt.method == RootMethod::Halley ? 2 : (opt.method == RootMethod::Newton ? 1 : 0);
  auto eval = [&](double x) {
    ++res.evals;
    return fn(x, order);
  };

  double a = opt.lower, b = opt.upper, fa = kNaN, fb = kNaN;
  if (opt.bracketed) {
    if (!(a < b)) throw std::invalid_argument("'interval' must satisfy lower < upper");
    fa = fn(a, 0).f;
    fb = fn(b, 0).f;
    res.evals += 2;
    if (!std::isfinite(fa) || !std::isfinite(fb))
      throw std::invalid_argument("'f' is not finite at an end point of 'interval'");
    if (fa * fb > 0)
      throw std::invalid_argument("'f' has the same sign at both ends of 'interval' ("
                                  + detail::num(fa) + ", " + detail::num(fb) + ")");
    if (!(x0 >= a && x0 <= b)) x0 = 0.5 * (a + b);
  }

  double x = x0;
  ScalarEval e = eval(x);
  if (!std::isfinite(e.f))
    throw std::invalid_argument("'f' is not finite at the starting value x0 = " + detail::num(x0));
  res.trace.push_back({0, x, e.f, e.d1, kNaN});

  // secant: a second point close to x0 (as scipy.optimize.newton does)
  double xprev = kNaN, fprev = kNaN;
  if (opt.method == RootMethod::Secant) {
    xprev = x0 * (1 + 1e-4) + (x0 >= 0 ? 1e-4 : -1e-4);
    fprev = eval(xprev).f;
    if (!std::isfinite(fprev)) {
      xprev = x0 - (xprev - x0);
      fprev = eval(xprev).f;
    }
  }

  auto finish = [&](bool ok, const std::string& msg, double prec) {
    res.root = x;
    res.froot = e.f;
    res.converged = ok;
    res.message = msg;
    res.estim_prec = prec;
    return res;
  };

  if (e.f == 0) return finish(true, "f(x0) is exactly zero", 0.0);
  if (opt.criterion != RootCriterion::Step && std::fabs(e.f) <= opt.tol)
    return finish(true, "|f(x0)| <= tol", 0.0);

  double step_old = opt.bracketed ? (b - a) : kInf;
  double f_before = e.f;  // f at the previous iterate (Documents rule)
  for (int k = 1; k <= opt.maxiter; ++k) {
    intr.tick();
    // the method's proposal
    double step = kNaN;
    std::string why;
    switch (opt.method) {
      case RootMethod::Newton:
        if (e.d1 == 0 || !std::isfinite(e.d1)) why = "f'(x) is zero or not finite at x = " + detail::num(x);
        else step = e.f / e.d1;
        break;
      case RootMethod::Halley: {
        if (e.d1 == 0 || !std::isfinite(e.d1)) {
          why = "f'(x) is zero or not finite at x = " + detail::num(x);
        } else {
          const double nstep = e.f / e.d1;
          const double denom = 1 - nstep * e.d2 / (2 * e.d1);
          step = (std::isfinite(e.d2) && denom != 0) ? nstep / denom : nstep;
        }
        break;
      }
      case RootMethod::Secant: {
        const double slope = (e.f - fprev) / (x - xprev);
        if (slope == 0 || !std::isfinite(slope)) why = "the secant slope is zero at x = " + detail::num(x);
        else step = e.f / slope;
        break;
      }
    }
    double xnew = x - step;
    if (opt.bracketed) {
      // rtsafe safeguard: bisect if the step leaves (a, b), is undefined,
      // or fails to halve the step before last
      if (!std::isfinite(step) || !(xnew > a && xnew < b) || std::fabs(2 * step) > std::fabs(step_old)) {
        xnew = 0.5 * (a + b);
        step = x - xnew;
      }
    } else if (!std::isfinite(step)) {
      return finish(false, why + ": the iteration cannot continue", std::fabs(res.trace.back().step));
    }
    // evaluate; without a bracket, back off towards x if f is not finite there
    ScalarEval enew = eval(xnew);
    int backoff = 0;
    while (!std::isfinite(enew.f) && backoff < 60) {
      step *= 0.5;
      xnew = x - step;
      enew = eval(xnew);
      ++backoff;
    }
    if (!std::isfinite(enew.f))
      return finish(false, "'f' is not finite near x = " + detail::num(x), kNaN);
    if (opt.method == RootMethod::Secant) {
      xprev = x;
      fprev = e.f;
    }
    f_before = e.f;
    step_old = step;
    x = xnew;
    e = enew;
    res.iter = k;
    res.trace.push_back({k, x, e.f, e.d1, -step});
    if (opt.bracketed) {
      if ((e.f < 0) == (fa < 0)) { a = x; fa = e.f; } else { b = x; fb = e.f; }
    }
    const double prec = opt.bracketed ? std::min(std::fabs(step), b - a) : std::fabs(step);
    if (e.f == 0) return finish(true, "f(root) is exactly zero", prec);
    switch (opt.criterion) {
      case RootCriterion::Step:
        if (std::fabs(step) <= opt.tol || (opt.bracketed && b - a <= opt.tol))
          return finish(true, "the step is below tol", prec);
        break;
      case RootCriterion::FValue:
        if (std::fabs(e.f) <= opt.tol) return finish(true, "|f(root)| <= tol", prec);
        break;
      case RootCriterion::Documents:
        if (k >= 2 && std::fabs(f_before) <= opt.tol)
          return finish(true, "|f| at the previous iterate <= tol (the documents' rule)", prec);
        break;
    }
  }
  return finish(false, "the maximum number of iterations (" + std::to_string(opt.maxiter) +
                           ") was reached without convergence",
                std::fabs(res.trace.back().step));
}

}  // namespace newtonr
