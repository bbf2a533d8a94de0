// newtonr/optim/options.hpp -- what newton_optim's core takes and returns:
// the method and stopping-rule enums, the options (declared once, with
// validate()), the status enum and its table, the callbacks, and the result
// with its trace (one column per meaning).
#pragma once

#include "../bounds.hpp"
#include "../common.hpp"
#include "../status.hpp"

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace newtonr {

enum class OptimMethod { Newton, Trust, NewtonCG, BFGS, LBFGS, GD };

// Default: stop when max|g| <= gtol, or the relative decrease of f is below
// reltol, or f <= abstol.  Previous: stop when max|g| <= gtol held at the
// iterate *before* the last update (the textbook loop `while |f'(x)| > eps:
// x <- x - f'/f''` tests the gradient before it updates, so it makes one more
// update once the gradient is small); no other test.
enum class OptimCriterion { Default, Previous };

struct OptimOptions {
  OptimMethod method = OptimMethod::Newton;
  OptimCriterion criterion = OptimCriterion::Default;
  int maxit = 100;
  double reltol = 1.490116119384765625e-8;  // sqrt(machine eps), as optim
  double abstol = -kInf;
  double gtol = 1e-6;       // on max |g| (of fn / fnscale)
  double fnscale = 1.0;     // < 0 maximises
  bool line_search = true;  // newton: false = pure Newton (full steps)
  std::optional<double> shift;  // newton: fixed shift H + shift I for non-PD H
  std::optional<double> lr;     // gd: fixed learning rate (unset: backtracking)
  int memory = 10;              // L-BFGS pairs
  double radius = 0.5;          // initial trust radius
  double max_radius = 1e4;
  int exact_max_p = 1000;       // trust: exact subproblem up to this p
  std::optional<int> cg_maxit;  // unset: min(max(20, p), 250)
  int classify_max_p = 500;     // classify the end point up to this p
  bool neg_curvature = true;    // newton, trust: escape saddle points
  // The box lower <= x <= upper (issue 16): empty, or one entry per
  // parameter (+-Inf allowed; lower == upper fixes a parameter).  With no
  // finite entry the unbounded path runs, unchanged.
  Vec lower, upper;

  bool boxed() const {
    return lower.size() > 0 && (lower.array().isFinite().any() || upper.array().isFinite().any());
  }

  // The core's defensive check for C++ callers (R's newton_optim_control()
  // words the user-facing errors): throws std::invalid_argument naming the
  // option.
  void validate() const {
    auto bad = [](const char* name, const char* rule) {
      throw std::invalid_argument(std::string("OptimOptions::") + name + " " + rule);
    };
    if (maxit < 1) bad("maxit", "must be >= 1");
    if (!(reltol >= 0) || !std::isfinite(reltol)) bad("reltol", "must be finite and >= 0");
    if (std::isnan(abstol) || abstol == kInf) bad("abstol", "must be a number below Inf");
    if (!(gtol >= 0) || !std::isfinite(gtol)) bad("gtol", "must be finite and >= 0");
    if (!(fnscale != 0) || !std::isfinite(fnscale)) bad("fnscale", "must be finite and non-zero");
    if (shift && !(*shift >= 0 && std::isfinite(*shift))) bad("shift", "must be finite and >= 0");
    if (lr && !(*lr > 0 && std::isfinite(*lr))) bad("lr", "must be finite and > 0");
    if (memory < 1) bad("memory", "must be >= 1");
    if (lower.size() != upper.size()) bad("lower", "and upper must have one length");
    if (lower.size()) bounds::check_box(lower, upper);
    if (!(radius > 0) || !(max_radius >= radius) || !std::isfinite(max_radius))
      bad("radius", "must satisfy 0 < radius <= max_radius < Inf");
    if (exact_max_p < 0) bad("exact_max_p", "must be >= 0");
    if (cg_maxit && *cg_maxit < 1) bad("cg_maxit", "must be >= 1");
    if (classify_max_p < 0) bad("classify_max_p", "must be >= 0");
  }
};

// Statuses (returned to R as `convergence`).  0 and 1 keep optim()'s
// meaning; no code reuses optim's 10, 51 or 52.
enum class OptimStatus : int {
  Converged = 0,
  Maxit = 1,
  Degenerate = 11,    // stationary, H singular: minimum not confirmed
  NotMinimum = 12,    // stopped at a saddle point or a maximum
  Stalled = 20,       // no further decrease found (line search/radius)
  NoProgress = 21,    // reltol/abstol fired while max|g| > gtol
  Unbounded = 30,     // f appears unbounded below / diverged
  StepDiverged = 31,  // gd with a fixed lr: f rises (the step is too large)
  Singular = 40       // pure Newton: singular Hessian, no step possible
};

inline constexpr std::array<StatusInfo, 9> kOptimStatusTable{{
    {0, "converged", "converged: the largest gradient component is at most gtol (or at its rounding floor)"},
    {1, "maxit", "the iteration limit maxit was reached"},
    {11, "degenerate", "a minimum is not confirmed: a degenerate stationary point, a plateau, or an objective too flat for gtol"},
    {12, "not_minimum", "stopped at a stationary point that is not a minimum (a saddle point or a maximum)"},
    {20, "stalled", "no further decrease could be found while the gradient is above gtol"},
    {21, "no_progress", "stopped by reltol or abstol while the gradient is above gtol: not a minimum to the stated tolerance"},
    {30, "unbounded", "the objective appears unbounded below (the iterates diverge)"},
    {31, "step_diverged", "gradient descent with a fixed learning rate diverges: the step size is too large"},
    {40, "singular", "pure Newton met a singular Hessian: the step is undefined"},
}};

struct OptimFunctions {
  std::function<double(const Vec&)> fn;
  std::function<Vec(const Vec&)> gr;                  // empty: finite differences
  std::function<Mat(const Vec&)> hess;                // empty: finite differences
  std::function<Vec(const Vec&, const Vec&)> hessp;   // empty: from hess or FD
  // Called with each trace row as it is recorded (iteration, value, gradient
  // norm, step length), while the solver runs; empty: silent.  The glue uses
  // it for trace = TRUE (one line per iteration, or every REPORT).
  std::function<void(int, double, double, double)> report;
};

struct OptimCounts {
  long fn = 0, gr = 0, hess = 0;
};

// What a method reports about its last iteration beside the step length;
// NaN (or -1 for cg_iter) where it does not apply.
struct OptimTraceExtras {
  double shift = kNaN;      // newton: tau in H + tau I (0: H was positive definite)
  double curvature = kNaN;  // newton, trust: the negative eigenvalue of a saddle escape
  double radius = kNaN;     // trust: the trust radius after the step
  int cg_iter = -1;         // newton-cg: CG iterations of the step
  int active = 0;           // bounded path: bounds active at the iterate
};

// The trace: one entry per iteration (entry 0 is the start), user's scale.
struct OptimTrace {
  std::vector<int> iter, cg_iter, active;
  std::vector<double> value, gnorm, step, shift, curvature, radius;
  std::vector<Vec> par;
  std::function<void(int, double, double, double)> report;  // OptimFunctions::report

  void add(int it, double f, double gn, double len, const OptimTraceExtras& e, const Vec& x) {
    iter.push_back(it);
    value.push_back(f);
    gnorm.push_back(gn);
    step.push_back(len);
    shift.push_back(e.shift);
    curvature.push_back(e.curvature);
    radius.push_back(e.radius);
    cg_iter.push_back(e.cg_iter);
    active.push_back(e.active);
    par.push_back(x);
    if (report) report(it, f, gn, len);
  }
};

struct OptimResult {
  Vec par;
  double value = kNaN;  // on the user's scale (times fnscale)
  Vec gradient;         // user's scale
  Mat hessian;          // user's scale, at par, if computed (p x p, or 0 x 0)
  int iterations = 0;
  OptimStatus status = OptimStatus::Converged;
  std::string message;
  std::string stationary;  // "minimum", "maximum", "saddle", "degenerate", "" (unknown)
  std::vector<int> active;  // per parameter: -1 at lower (or fixed), 1 at upper, 0 free
  OptimCounts counts;
  OptimTrace trace;
};

}  // namespace newtonr
