// cpptests/core_tests.cpp -- unit tests of newtonr's R-free C++ core
// (inst/include/newtonr), run by `make sanitize` under AddressSanitizer and
// UndefinedBehaviorSanitizer. No R: every objective is a C++ lambda, and the
// expected values are closed forms. All core headers are included together,
// which also checks that they can be.
//
// Covered: root (Newton, Halley, secant, bracketed), solve (Newton, LM,
// scaling), optim (every method; saddle escape; NaN trial points; unbounded,
// singular, huge-scale problems; documents' pure Newton), numderiv, line
// searches, trust-region subproblems; exceptions from callbacks and from the
// interrupt check unwind without leaks. GLM kernels: glm_tests.cpp.
#include <newtonr/common.hpp>
#include <newtonr/linesearch.hpp>
#include <newtonr/numderiv.hpp>
#include <newtonr/optim.hpp>
#include <newtonr/root.hpp>
#include <newtonr/solve.hpp>
#include <newtonr/trust.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "check.hpp"

using newtonr::Mat;
using newtonr::Vec;

void glm_tests();  // glm_tests.cpp
void glm_hf_tests();  // glm_hf_tests.cpp

namespace {

struct Stop {};  // thrown by test interrupt checks and callbacks

Vec vec(std::initializer_list<double> v) {
  Vec out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) out(i++) = x;
  return out;
}

// ---- root ---------------------------------------------------------------

newtonr::RootFn root_fn(double (*f)(double), double (*d1)(double), double (*d2)(double)) {
  return [=](double x, int order) {
    newtonr::ScalarEval e;
    e.f = f(x);
    if (order >= 1) e.d1 = d1(x);
    if (order >= 2) e.d2 = d2(x);
    return e;
  };
}

void root_tests() {
  using namespace newtonr;
  Interrupter intr;
  auto sq = root_fn([](double x) { return x * x - 2; }, [](double x) { return 2 * x; },
                    [](double) { return 2.0; });
  RootOptions o;
  RootResult r = find_root(sq, 1.0, o, intr);
  CHECK(r.converged);
  CHECK_NEAR(r.root, std::sqrt(2.0), 1e-12);
  CHECK(r.trace.size() == static_cast<size_t>(r.iter) + 1);

  o.method = RootMethod::Halley;
  auto cube = root_fn([](double x) { return x * x * x - 2; }, [](double x) { return 3 * x * x; },
                      [](double x) { return 6 * x; });
  r = find_root(cube, 1.0, o, intr);
  CHECK(r.converged);
  CHECK_NEAR(r.root, std::cbrt(2.0), 1e-12);

  // secant and numerical derivatives on cos x = x (Dottie number)
  auto cosx = numeric_scalar_derivs([](double x) { return std::cos(x) - x; });
  o.method = RootMethod::Secant;
  r = find_root(cosx, 1.0, o, intr);
  CHECK(r.converged);
  CHECK_NEAR(r.root, 0.7390851332151607, 1e-10);
  o.method = RootMethod::Newton;
  o.lower = 0;
  o.upper = 1;
  r = find_root(cosx, 0.5, o, intr);
  CHECK(r.converged);
  CHECK_NEAR(r.root, 0.7390851332151607, 1e-10);
  // same sign at both ends: invalid_argument
  o.lower = 2;
  o.upper = 3;
  CHECK_THROWS(std::invalid_argument, find_root(cosx, 2.5, o, intr));
  // x0 outside the bracket: an error (as in R), not a silent move; at an
  // end it is allowed (that end is evaluated anyway)
  o.lower = 0;
  o.upper = 1;
  CHECK_THROWS(std::invalid_argument, find_root(cosx, 1.5, o, intr));
  CHECK_THROWS(std::invalid_argument, find_root(cosx, -1e-9, o, intr));
  r = find_root(cosx, 1.0, o, intr);
  CHECK(r.converged && r.status == RootStatus::Converged);
  // one bound only, or lower >= upper: validate() throws
  o.upper.reset();
  CHECK_THROWS(std::invalid_argument, find_root(cosx, 0.5, o, intr));
  o.upper = -1;
  CHECK_THROWS(std::invalid_argument, find_root(cosx, 0.5, o, intr));
  o.lower.reset();
  o.upper.reset();
  // criterion Previous: |f| at the iterate before the last update <= tol,
  // so one update more than FValue (x^2 - 2 from 1, tol 1e-3: FValue stops
  // at the 3rd iterate, 1.41421568..., |f| = 6e-6)
  {
    RootOptions fv, pv;
    fv.criterion = RootCriterion::FValue;
    fv.tol = pv.tol = 1e-3;
    pv.criterion = RootCriterion::Previous;
    const RootResult rf = find_root(sq, 1.0, fv, intr), rp = find_root(sq, 1.0, pv, intr);
    CHECK(rf.converged && rp.converged);
    CHECK(rf.iter == 3 && rp.iter == 4);
    CHECK_NEAR(rf.root, 577.0 / 408.0, 1e-15);
    CHECK_NEAR(rp.trace[3].x, rf.root, 0.0);
  }
  CHECK(root_criterion_from("previous") == RootCriterion::Previous);
  CHECK_THROWS(std::invalid_argument, root_criterion_from("documents"));
  CHECK(status_info(kRootStatusTable, RootStatus::NotARoot).code == 5);

  // no real root: flagged, not converged
  o.maxiter = 50;
  auto noroot = root_fn([](double x) { return x * x + 1; }, [](double x) { return 2 * x; },
                        [](double) { return 2.0; });
  r = find_root(noroot, 1.0, o, intr);
  CHECK(!r.converged && r.status != RootStatus::Converged);
  CHECK(!r.message.empty());
  // NaN region and zero derivative: flagged, no crash
  auto nanf = numeric_scalar_derivs([](double x) { return x > 1.2 ? newtonr::kNaN : x * x - 2; });
  r = find_root(nanf, 1.0, o, intr);
  CHECK(!r.message.empty());
  auto flat = root_fn([](double x) { return x - 2; }, [](double) { return 0.0; }, [](double) { return 0.0; });
  r = find_root(flat, 1.0, o, intr);
  CHECK(!r.converged && r.status == RootStatus::NoStep);
  // NaN at x0, bad options
  CHECK_THROWS(std::invalid_argument, find_root(nanf, 5.0, o, intr));
  RootOptions bad;
  bad.tol = 0;
  CHECK_THROWS(std::invalid_argument, find_root(sq, 1.0, bad, intr));
  // huge scale
  auto huge = root_fn([](double x) { return x - 1e300; }, [](double) { return 1.0; }, [](double) { return 0.0; });
  r = find_root(huge, 1e299, RootOptions(), intr);
  CHECK(r.converged);
  CHECK_NEAR(r.root / 1e300, 1.0, 1e-12);
  // bracketed (issue 12): sqrt(x) - sqrt(2) on [1, 100] from the midpoint
  // used to stop at 50.5; now a sign change over <= 2 tol, every step nonzero
  auto sqrt2 = root_fn([](double x) { return std::sqrt(x) - std::sqrt(2.0); },
                       [](double x) { return 0.5 / std::sqrt(x); }, [](double) { return 0.0; });
  RootOptions br;
  br.lower = 1;
  br.upper = 100;
  br.tol = 1e-12;
  r = find_root(sqrt2, 50.5, br, intr);
  CHECK(r.converged);
  CHECK_NEAR(r.root, 2.0, 2e-12);
  CHECK(r.estim_prec <= 2e-12 + 1e-14);
  for (size_t i = 3; i < r.trace.size(); ++i) CHECK(r.trace[i].step != 0);
  // counts: 3 points before the loop (ends and x0), one call per iterate
  CHECK(r.evals == r.iter + 3);
  CHECK(r.evals_fprime <= r.newton_tried + 1);
  // no x0 (NaN): Brent from the end points; atan on [-10, 20]
  auto at = root_fn([](double x) { return std::atan(x); }, [](double x) { return 1 / (1 + x * x); },
                    [](double) { return 0.0; });
  br.lower = -10;
  br.upper = 20;
  r = find_root(at, kNaN, br, intr);
  CHECK(r.converged);
  CHECK(std::fabs(r.root) <= 2e-12);
  // too few iterations: not converged, and the bracket is reported
  br.maxiter = 3;
  r = find_root(at, kNaN, br, intr);
  CHECK(!r.converged && r.status == RootStatus::MaxIter);
  CHECK(r.estim_prec > 2e-12);
  // the observer sees every trace row, in order, as it is made; a bracketed
  // run names its steps (the first from the ends of [0, 2] for x^2 - 2,
  // with equal |f| there, is the bisection to 1)
  {
    std::vector<RootTraceRow> seen;
    RootOptions b2;
    b2.lower = 0;
    b2.upper = 2;
    auto sq2 = numeric_scalar_derivs([](double x) { return x * x - 2; });
    b2.bracket_derivative = false;
    r = find_root(sq2, kNaN, b2, intr, [&seen](const RootTraceRow& row) { seen.push_back(row); });
    CHECK(r.converged && seen.size() == r.trace.size());
    for (size_t i = 0; i < seen.size(); ++i) CHECK(seen[i].x == r.trace[i].x && seen[i].kind == r.trace[i].kind);
    CHECK(r.trace[0].kind == RootStep::Start && r.trace[1].kind == RootStep::Start);
    CHECK(r.trace[2].kind == RootStep::Bisection && r.trace[2].x == 1.0);
    seen.clear();
    r = find_root(sq2, 1.0, RootOptions(), intr, [&seen](const RootTraceRow& row) { seen.push_back(row); });
    CHECK(seen.size() == r.trace.size() && seen.back().kind == RootStep::Update);
  }
  // unbracketed: the absolute tolerance does not claim x * 1e300 - 1 = 0 at
  // a huge |f| (a numerical derivative, as in the issue)
  auto lin = numeric_scalar_derivs([](double x) { return x * 1e300 - 1; });
  r = find_root(lin, 1.0, RootOptions(), intr);
  CHECK(r.converged);
  CHECK(std::fabs(r.froot) < 1e-6);
  CHECK(r.evals >= 3 * (r.iter + 1));  // f and 2 difference calls per iterate
  // x^2: a double root is never certified by a sign change
  auto dbl = root_fn([](double x) { return x * x; }, [](double x) { return 2 * x; }, [](double) { return 2.0; });
  RootOptions few;
  few.maxiter = 100;
  r = find_root(dbl, 1.0, few, intr);
  CHECK(!r.converged);

  // an exception from the callback or the interrupt check propagates
  auto boom = [](double, int) -> ScalarEval { throw Stop(); };
  CHECK_THROWS(Stop, find_root(boom, 1.0, RootOptions(), intr));
  int calls = 0;
  Interrupter stopper([&calls] { if (++calls >= 2) throw Stop(); }, 1);
  RootOptions many;
  many.maxiter = 1000;
  CHECK_THROWS(Stop, find_root(noroot, 1.0, many, stopper));
}

// ---- solve --------------------------------------------------------------

void solve_tests() {
  using namespace newtonr;
  Interrupter intr;
  VecFn F = [](const Vec& x) { return vec({x(0) * x(0) + x(1) * x(1) - 4, x(0) - x(1)}); };
  MatFn J = [](const Vec& x) {
    Mat m(2, 2);
    m << 2 * x(0), 2 * x(1), 1, -1;
    return m;
  };
  SolveOptions o;
  SolveResult r = newton_system(F, J, vec({1, 0.5}), o, intr);
  CHECK(r.code == SolveStatus::Converged);
  CHECK_NEAR(r.x(0), std::sqrt(2.0), 1e-10);
  CHECK_NEAR(r.x(1), std::sqrt(2.0), 1e-10);
  {  // the observer sees each iteration's row as it is made
    int rows = 0;
    r = newton_system(F, J, vec({1, 0.5}), o, intr, nullptr, [&rows](const SolveTraceRow&) { ++rows; });
    CHECK(rows == static_cast<int>(r.trace.size()) && rows == r.iter + 1);
  }
  r = newton_system(F, MatFn(), vec({1, 0.5}), o, intr);  // forward-difference J
  CHECK(r.code == SolveStatus::Converged);
  CHECK_NEAR(r.x(0), std::sqrt(2.0), 1e-9);
  CHECK(r.jevals > 0 && r.fevals > r.jevals);
  // singular at the start (Levenberg-Marquardt), then converges
  VecFn G = [](const Vec& x) { return vec({x(0) * x(0) - 1, x(1) * x(1) * x(1) - 8}); };
  r = newton_system(G, MatFn(), vec({0, 0.5}), o, intr);
  CHECK(r.code == SolveStatus::Converged);
  CHECK_NEAR(std::fabs(r.x(0)), 1.0, 1e-9);
  CHECK_NEAR(r.x(1), 2.0, 1e-9);
  // inconsistent linear system: flagged
  VecFn S = [](const Vec& x) { return vec({x(0) + x(1) - 1, x(0) + x(1) - 2}); };
  r = newton_system(S, MatFn(), vec({1, 1}), o, intr);
  CHECK(r.code != SolveStatus::Converged);
  CHECK(!r.message.empty());
  // 1e+-300 scales (F rescaled internally; results on the user's scale)
  VecFn Hg = [](const Vec& x) { return Vec(x - vec({1e300, -1e300})); };
  MatFn I2 = [](const Vec&) { return Mat(Mat::Identity(2, 2)); };
  r = newton_system(Hg, I2, vec({1, 1}), o, intr);
  CHECK(r.code == SolveStatus::Converged);
  CHECK_NEAR(r.x(0) / 1e300, 1.0, 1e-12);
  CHECK_NEAR(r.fvec.norm(), 0.0, 1e-12);
  VecFn Tn = [](const Vec& x) { return Vec(1e-300 * (x - vec({1, 2}))); };
  SolveOptions tiny;
  tiny.ftol = 1e-310;
  r = newton_system(Tn, MatFn(), vec({0, 0}), tiny, intr);
  CHECK(r.code == SolveStatus::Converged);
  CHECK_NEAR(r.x(1), 2.0, 1e-8);
  CHECK(r.trace.front().fnorm == 2e-300);
  // NaN at the start, NaN region, wrong sizes, callback exceptions
  VecFn Nan0 = [](const Vec&) { return vec({kNaN, 1}); };
  r = newton_system(Nan0, MatFn(), vec({1, 1}), o, intr);
  CHECK(r.code == SolveStatus::BadStart);
  VecFn NanR = [&F](const Vec& x) { return x(0) > 1.2 ? vec({kNaN, kNaN}) : F(x); };
  r = newton_system(NanR, MatFn(), vec({1, 1}), o, intr);
  CHECK(r.x.allFinite());
  VecFn Short = [](const Vec&) { return vec({1}); };
  CHECK_THROWS(std::invalid_argument, newton_system(Short, MatFn(), vec({1, 1}), o, intr));
  // a shorter (or longer) value at a finite-difference point only: an
  // error, never a read past the end (was: heap-buffer-overflow)
  VecFn ShortFd = [&F](const Vec& x) { return x(0) > 2.5 && x(0) < 2.5 + 1e-6 ? vec({1}) : F(x); };
  CHECK_THROWS(std::invalid_argument, newton_system(ShortFd, MatFn(), vec({2.5, 3}), o, intr));
  VecFn LongFd = [&F](const Vec& x) { return x(0) > 2.5 && x(0) < 2.5 + 1e-6 ? vec({1, 2, 3}) : F(x); };
  CHECK_THROWS(std::invalid_argument, newton_system(LongFd, MatFn(), vec({2.5, 3}), o, intr));
  // F(x0) handed in is not evaluated again, and counted once
  int nF = 0;
  VecFn Fc = [&F, &nF](const Vec& x) { ++nF; return F(x); };
  const Vec fx0 = F(vec({1, 0.5}));
  r = newton_system(Fc, J, vec({1, 0.5}), o, intr, &fx0);
  CHECK(r.code == SolveStatus::Converged && r.fevals == nF + 1 && r.jac.size() == 0);
  // Freudenstein-Roth from (0.5, -2): a local minimum of ||F||, never "converged"
  VecFn FR = [](const Vec& x) {
    return vec({-13 + x(0) + ((5 - x(1)) * x(1) - 2) * x(1), -29 + x(0) + ((x(1) + 1) * x(1) - 14) * x(1)});
  };
  r = newton_system(FR, MatFn(), vec({0.5, -2}), o, intr);
  CHECK(r.code == SolveStatus::NoProgress || r.code == SolveStatus::LocalMin);
  CHECK_NEAR(r.x(1), -0.8968, 1e-3);
  SolveOptions nostall = o;
  nostall.stall = 0;
  r = newton_system(FR, MatFn(), vec({0.5, -2}), nostall, intr);
  CHECK(r.code == SolveStatus::LocalMin || r.code == SolveStatus::Stagnated);
  // asked for: the Jacobian at the solution
  SolveOptions wj = o;
  wj.want_jac = true;
  r = newton_system(F, J, vec({1, 0.5}), wj, intr);
  CHECK(r.code == SolveStatus::Converged && r.jac.rows() == 2);
  CHECK_NEAR(r.jac(0, 0), 2 * r.x(0), 1e-12);
  MatFn J3 = [](const Vec&) { return Mat(Mat::Identity(3, 3)); };
  CHECK_THROWS(std::invalid_argument, newton_system(F, J3, vec({1, 1}), o, intr));
  VecFn Boom = [](const Vec&) -> Vec { throw Stop(); };
  CHECK_THROWS(Stop, newton_system(Boom, MatFn(), vec({1, 1}), o, intr));
  int calls = 0;
  Interrupter stopper([&calls] { if (++calls >= 1) throw Stop(); }, 1);
  CHECK_THROWS(Stop, newton_system(F, J, vec({1, 0.5}), o, stopper));

  // options: a radius <= 0 is refused by validate(); the Cauchy start and a
  // given radius reach the same root
  SolveOptions bad;
  bad.delta = 0.0;
  CHECK_THROWS(std::invalid_argument, newton_system(F, J, vec({1, 0.5}), bad, intr));
  SolveOptions cauchy;
  cauchy.delta_start = RadiusStart::Cauchy;
  r = newton_system(F, J, vec({1, 0.5}), cauchy, intr);
  CHECK(r.code == SolveStatus::Converged);
  CHECK_NEAR(r.x(0), std::sqrt(2.0), 1e-9);
  SolveOptions given;
  given.delta = 0.01;
  r = newton_system(F, J, vec({1, 0.5}), given, intr);
  CHECK(r.code == SolveStatus::Converged && r.trace[1].delta <= 0.04);
  CHECK(status_info(kSolveStatusTable, SolveStatus::NoProgress).code == 7);
  CHECK(radius_start_from("cauchy") == RadiusStart::Cauchy);
  CHECK_THROWS(std::invalid_argument, radius_start_from("documents"));

  // the check of a user's Jacobian after a failure: the true J of F at
  // (1, 0.5) passes, J with a wrong column is blamed (12 calls at most: 3
  // step sizes of 2 calls per column), and non-finite F skips the check
  const Vec xc = vec({1, 0.5}), fc = F(xc);
  JacobianCheck ok = check_jacobian(F, J(xc), xc, fc);
  CHECK(!ok.blame && ok.fevals == 4);
  Mat Jw = J(xc);
  Jw(0, 1) *= 2;  // d F1 / d x2 = 2 x2 = 1, claimed 2
  JacobianCheck wrong = check_jacobian(F, Jw, xc, fc);
  CHECK(wrong.blame && wrong.fevals >= 8 && wrong.fevals <= 12);
  CHECK(wrong.error > 0.1);
  VecFn NanF = [](const Vec& x) { return Vec(Vec::Constant(x.size(), kNaN)); };
  JacobianCheck skip = check_jacobian(NanF, Jw, xc, fc);
  CHECK(!skip.blame && skip.fevals == 2);
}

// ---- optim --------------------------------------------------------------

const newtonr::OptimMethod kMethods[] = {newtonr::OptimMethod::Newton, newtonr::OptimMethod::Trust,
                                         newtonr::OptimMethod::NewtonCG, newtonr::OptimMethod::BFGS,
                                         newtonr::OptimMethod::LBFGS, newtonr::OptimMethod::GD};

std::string mname(newtonr::OptimMethod m) { return newtonr::detail::method_name(m); }

newtonr::OptimFunctions rosenbrock(bool with_gr, bool with_hess) {
  newtonr::OptimFunctions f;
  f.fn = [](const Vec& x) { return 100 * std::pow(x(1) - x(0) * x(0), 2) + std::pow(1 - x(0), 2); };
  if (with_gr) {
    f.gr = [](const Vec& x) {
      return vec({-400 * x(0) * (x(1) - x(0) * x(0)) - 2 * (1 - x(0)), 200 * (x(1) - x(0) * x(0))});
    };
  }
  if (with_hess) {
    f.hess = [](const Vec& x) {
      Mat h(2, 2);
      h << 1200 * x(0) * x(0) - 400 * x(1) + 2, -400 * x(0), -400 * x(0), 200;
      return h;
    };
  }
  return f;
}

void optim_tests() {
  using namespace newtonr;
  for (OptimMethod m : kMethods) {
    const std::string info = mname(m);
    OptimOptions o;
    o.method = m;
    o.maxit = m == OptimMethod::GD ? 50000 : 500;
    for (int variant = 0; variant < 3; ++variant) {
      // 0: fn only (finite differences), 1: fn + gr, 2: fn + gr + hess
      OptimFunctions f = rosenbrock(variant >= 1, variant >= 2);
      OptimResult r = optimize(f, vec({-1.2, 1}), o, true);
      const double tol = m == OptimMethod::GD ? 1e-3 : 1e-5;
      CHECK_NEAR(r.par(0), 1.0, tol);
      CHECK_NEAR(r.par(1), 1.0, tol);
      if (r.status != OptimStatus::Converged) std::fprintf(stderr, "  (%s variant %d: status %d, %s)\n",
                                                     info.c_str(), variant, static_cast<int>(r.status), r.message.c_str());
      CHECK(r.status == OptimStatus::Converged || (m == OptimMethod::GD && r.status == OptimStatus::Maxit));
      CHECK(r.trace.iter.size() == r.trace.par.size() && r.trace.value.size() == r.trace.iter.size() &&
            r.trace.radius.size() == r.trace.iter.size());
      if (r.hessian.size() == 4) CHECK_NEAR(r.hessian(0, 0), 802.0, 1e-2);
    }
    // the saddle of x^4/4 - x^2/2 + y^2 at (0, 0) from (0, 1): Newton and
    // trust escape to a minimum at (+-1, 0); the others must say "saddle"
    OptimFunctions s;
    s.fn = [](const Vec& p) { return std::pow(p(0), 4) / 4 - p(0) * p(0) / 2 + p(1) * p(1); };
    s.gr = [](const Vec& p) { return vec({p(0) * p(0) * p(0) - p(0), 2 * p(1)}); };
    s.hess = [](const Vec& p) {
      Mat h = Mat::Zero(2, 2);
      h(0, 0) = 3 * p(0) * p(0) - 1;
      h(1, 1) = 2;
      return h;
    };
    OptimOptions so;
    so.method = m;
    so.maxit = 1000;
    OptimResult r = optimize(s, vec({0, 1}), so, false);
    if (m == OptimMethod::Newton || m == OptimMethod::Trust) {
      CHECK(r.status == OptimStatus::Converged);
      CHECK_NEAR(std::fabs(r.par(0)), 1.0, 1e-6);
      CHECK_NEAR(r.value, -0.25, 1e-10);
      CHECK(r.stationary == "minimum");
    } else {
      CHECK(r.status == OptimStatus::NotMinimum);
      CHECK(r.stationary == "saddle");
    }
    // NaN trial points: x - log(x) from 3 (the full Newton step lands at -3)
    OptimFunctions lg;
    lg.fn = [](const Vec& x) { return x(0) - std::log(x(0)); };
    OptimOptions lo;
    lo.method = m;
    lo.maxit = 2000;
    r = optimize(lg, vec({3}), lo, false);
    CHECK(r.status == OptimStatus::Converged);
    CHECK_NEAR(r.par(0), 1.0, 1e-4);
    // a NaN region beyond x = 0.5: finite iterates, flagged
    OptimFunctions nr;
    nr.fn = [](const Vec& x) {
      return x(0) > 0.5 ? kNaN : std::pow(x(0) - 1, 2) + std::pow(x(1) - 2, 2);
    };
    r = optimize(nr, vec({0, 0}), lo, false);
    CHECK(r.par.allFinite());
    CHECK(r.status != OptimStatus::Converged);
    CHECK(!r.message.empty());
    // unbounded below: not "converged"
    OptimFunctions ub;
    ub.fn = [](const Vec& x) { return -x.squaredNorm(); };
    r = optimize(ub, vec({1, 1}), lo, false);
    CHECK(r.status == OptimStatus::Unbounded || r.status == OptimStatus::Maxit || r.status == OptimStatus::Stalled);
    // singular Hessian on a line of minima: confirmed along the null space
    OptimFunctions sg;
    sg.fn = [](const Vec& x) { return std::pow(x(0) + x(1), 2); };
    r = optimize(sg, vec({1, 1}), lo, false);
    CHECK(r.status == OptimStatus::Converged);
    CHECK(r.stationary == "minimum");
    CHECK_NEAR(r.par(0) + r.par(1), 0.0, 1e-6);
    // an inflection (x^3 + y^2 through 0) is never a converged minimum
    // (degenerate, saddle, or unbounded below, depending on the method)
    OptimFunctions cu;
    cu.fn = [](const Vec& x) { return std::pow(x(0), 3) + x(1) * x(1); };
    r = optimize(cu, vec({0, 0.5}), lo, false);
    CHECK(r.status != OptimStatus::Converged);
    // reltol alone is not convergence: code 21 with the gradient above gtol
    OptimFunctions slow;
    slow.fn = [](const Vec& x) { return 1e6 + std::pow(x(0) - 3, 2); };
    OptimOptions go = lo;
    go.method = OptimMethod::GD;
    go.lr = 1e-3;
    r = optimize(slow, vec({0}), go, false);
    CHECK(r.status == OptimStatus::NoProgress);
    // an overshooting fixed learning rate: code 31
    go.lr = 1.5;
    r = optimize(slow, vec({0}), go, false);
    CHECK(r.status == OptimStatus::StepDiverged);
    // 1e300 * quadratic: internal rescaling, right answer on the user's scale
    OptimFunctions hq;
    hq.fn = [](const Vec& x) { return 1e300 * (std::pow(x(0) - 1, 2) + std::pow(x(1) - 2, 2)); };
    r = optimize(hq, vec({1, 1}), lo, true);
    CHECK(r.status == OptimStatus::Converged);
    CHECK_NEAR(r.par(1), 2.0, 1e-5);
    CHECK(std::isfinite(r.value) && r.value >= 0);
    // maximisation with fnscale < 0
    OptimFunctions mx;
    mx.fn = [](const Vec& x) { return -(std::pow(x(0) - 1, 2) + std::pow(x(1) - 2, 2)); };
    OptimOptions mo = lo;
    mo.fnscale = -1;
    r = optimize(mx, vec({0, 0}), mo, false);
    CHECK(r.status == OptimStatus::Converged);
    CHECK_NEAR(r.par(1), 2.0, 1e-5);
    // exceptions from callbacks and from the interrupt check propagate
    OptimFunctions bf;
    bf.fn = [](const Vec& x) -> double {
      if (x(0) > 0.5) throw Stop();
      return x.squaredNorm() - 2 * x(0);
    };
    CHECK_THROWS(Stop, optimize(bf, vec({0, 0}), lo, false));
    int calls = 0;
    CHECK_THROWS(Stop, optimize(rosenbrock(true, true), vec({-1.2, 1}), lo, false,
                                Interrupter([&calls] { if (++calls >= 3) throw Stop(); }, 1)));
    (void)info;
  }
  // pure Newton with the "previous" rule on x^3 - 3x^2 - 45x + 40 from 42: to x = 5
  OptimFunctions cubic;
  cubic.fn = [](const Vec& x) { return std::pow(x(0), 3) - 3 * x(0) * x(0) - 45 * x(0) + 40; };
  cubic.gr = [](const Vec& x) { return vec({3 * x(0) * x(0) - 6 * x(0) - 45}); };
  cubic.hess = [](const Vec& x) { return Mat::Constant(1, 1, 6 * x(0) - 6); };
  OptimOptions doc;
  doc.line_search = false;
  doc.criterion = OptimCriterion::Previous;
  doc.gtol = 1e-4;
  OptimResult r = optimize(cubic, vec({42}), doc, false);
  CHECK(r.status == OptimStatus::Converged);
  CHECK_NEAR(r.par(0), 5.0, 1e-8);
  // pure Newton on a singular Hessian: status 40
  OptimFunctions sg;
  sg.fn = [](const Vec& x) { return std::pow(x(0) + x(1), 2); };
  r = optimize(sg, vec({1, 1}), doc, false);
  CHECK(r.status == OptimStatus::Singular);
  // newton-cg with a Hessian-vector product; steihaug (p > exact_max_p)
  OptimFunctions hp = rosenbrock(true, false);
  hp.hessp = [](const Vec& x, const Vec& v) {
    Mat h(2, 2);
    h << 1200 * x(0) * x(0) - 400 * x(1) + 2, -400 * x(0), -400 * x(0), 200;
    return Vec(h * v);
  };
  OptimOptions cg;
  cg.method = OptimMethod::NewtonCG;
  cg.maxit = 500;
  r = optimize(hp, vec({-1.2, 1}), cg, false);
  CHECK_NEAR(r.par(0), 1.0, 1e-5);
  CHECK(r.counts.hess > 0);
  const int p = 300;  // a quadratic with p > 200: Moré-Sorensen, then Steihaug
  OptimFunctions q;
  q.fn = [](const Vec& x) {
    double s = 0;
    for (Eigen::Index i = 0; i < x.size(); ++i) s += (i + 1.0) * std::pow(x(i) - 1, 2);
    return s;
  };
  q.gr = [](const Vec& x) {
    Vec g(x.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) g(i) = 2 * (i + 1.0) * (x(i) - 1);
    return g;
  };
  q.hess = [](const Vec& x) {
    Mat h = Mat::Zero(x.size(), x.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) h(i, i) = 2 * (i + 1.0);
    return h;
  };
  for (int exact : {1000, 0}) {
    OptimOptions t;
    t.method = OptimMethod::Trust;
    t.exact_max_p = exact;
    t.maxit = 500;
    r = optimize(q, Vec::Zero(p), t, false);
    CHECK(r.status == OptimStatus::Converged);
    CHECK_NEAR(r.par.minCoeff(), 1.0, 1e-6);
    CHECK_NEAR(r.par.maxCoeff(), 1.0, 1e-6);
  }
  // non-finite objective at the start
  OptimFunctions nanf;
  nanf.fn = [](const Vec&) { return kNaN; };
  CHECK_THROWS(std::invalid_argument, optimize(nanf, vec({1}), OptimOptions(), false));
  // options: validate() names the bad one; optimize() refuses them
  OptimOptions bad;
  bad.lr = 0.0;
  CHECK_THROWS(std::invalid_argument, bad.validate());
  bad = OptimOptions();
  bad.radius = 2e4;  // above max_radius
  CHECK_THROWS(std::invalid_argument, optimize(q, Vec::Zero(3), bad, false));
  bad = OptimOptions();
  bad.cg_maxit = 0;
  try {
    bad.validate();
    CHECK(false);
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("cg_maxit") != std::string::npos);
  }
  // the status table: one row per enum value, codes distinct, none of
  // optim's 10, 51, 52
  for (const StatusInfo& row : kOptimStatusTable) {
    CHECK(row.code != 10 && row.code != 51 && row.code != 52);
    int same = 0;
    for (const StatusInfo& other : kOptimStatusTable) same += other.code == row.code;
    CHECK(same == 1);
  }
  CHECK(status_info(kOptimStatusTable, OptimStatus::NotMinimum).code == 12);
  // trace columns: a shift only where newton shifted H (x^4/4 - x^2/2 at 0.1:
  // H = -0.97), the radius of every trust row, CG iterations of newton-cg
  OptimFunctions dw;
  dw.fn = [](const Vec& x) { return std::pow(x(0), 4) / 4 - x(0) * x(0) / 2; };
  dw.gr = [](const Vec& x) { return vec({std::pow(x(0), 3) - x(0)}); };
  dw.hess = [](const Vec& x) { return Mat::Constant(1, 1, 3 * x(0) * x(0) - 1); };
  OptimOptions sh;
  sh.shift = 2.0;
  r = optimize(dw, vec({0.1}), sh, false);
  CHECK(r.trace.shift[1] == 2.0 && std::isnan(r.trace.radius[1]) && r.trace.cg_iter[1] == -1);
  sh.method = OptimMethod::Trust;
  r = optimize(dw, vec({0.1}), sh, false);
  CHECK(r.trace.radius[0] == sh.radius && std::isnan(r.trace.shift[1]));
  for (double rad : r.trace.radius) CHECK(rad > 0);
  sh.method = OptimMethod::NewtonCG;
  r = optimize(rosenbrock(true, false), vec({-1.2, 1}), sh, false);
  CHECK(r.trace.cg_iter[0] == -1 && r.trace.cg_iter[1] >= 1);
}

// ---- numerical derivatives, line searches, trust subproblems ------------

void numderiv_tests() {
  using namespace newtonr;
  ScalarFn f = [](const Vec& x) { return std::exp(x(0)) + std::exp(x(1)) + x(0) * x(1); };
  Vec x = vec({0.5, -1});
  long evals = 0;
  Vec g = gradient(f, x, RichardsonOptions(), Interrupter(), &evals);
  CHECK_NEAR(g(0), std::exp(0.5) - 1, 1e-9);
  CHECK_NEAR(g(1), std::exp(-1.0) + 0.5, 1e-9);
  CHECK(evals == 2 * 4 * 2);
  ScalarFn rosen = [](const Vec& z) { return 100 * std::pow(z(1) - z(0) * z(0), 2) + std::pow(1 - z(0), 2); };
  Mat H = hessian(rosen, vec({1, 1}), hessian_defaults());
  CHECK_NEAR(H(0, 0), 802, 1e-5);
  CHECK_NEAR(H(0, 1), -400, 1e-5);
  CHECK_NEAR(H(1, 0), -400, 1e-5);
  CHECK_NEAR(H(1, 1), 200, 1e-5);
  VectorFn vf = [](const Vec& z) { return vec({z.squaredNorm(), z.prod()}); };
  Mat J = jacobian(vf, vec({1, 2, 3}));
  const double Jex[2][3] = {{2, 4, 6}, {6, 3, 2}};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) CHECK_NEAR(J(i, j), Jex[i][j], 1e-8);
  ScalarFn nanf = [](const Vec& z) { return z(0) != 1.0 ? kNaN : 1.0; };
  CHECK_THROWS(std::runtime_error, gradient(nanf, vec({1})));
  CHECK_THROWS(std::runtime_error, hessian(nanf, vec({1, 2}), hessian_defaults()));
  CHECK_THROWS(std::invalid_argument, gradient(f, Vec(0)));
  VectorFn varying = [](const Vec& z) { return z(0) > 1 ? vec({1, 2}) : vec({1}); };
  CHECK_THROWS(std::runtime_error, jacobian(varying, vec({1})));
  RichardsonOptions bad;
  bad.r = 0;
  CHECK_THROWS(std::invalid_argument, gradient(f, x, bad));
  int calls = 0;
  CHECK_THROWS(Stop, hessian(rosen, Vec::Ones(5), hessian_defaults(),
                             Interrupter([&calls] { if (++calls >= 2) throw Stop(); }, 1)));
}

void linesearch_trust_tests() {
  using namespace newtonr;
  // phi(a) = (a - 1)^2 - 1: phi(0) = 0, phi'(0) = -2
  auto phi = [](double a) { return (a - 1) * (a - 1) - 1; };
  LineSearchResult ls = armijo_backtrack(phi, 0.0, -2.0, 1.0);
  CHECK(ls.ok);
  CHECK_NEAR(ls.alpha, 1.0, 1e-15);
  // NaN beyond a = 0.3: backs off
  auto phin = [](double a) { return a > 0.3 ? kNaN : (a - 1) * (a - 1) - 1; };
  ls = armijo_backtrack(phin, 0.0, -2.0, 1.0);
  CHECK(ls.ok && ls.alpha <= 0.3);
  auto phid = [](double a, double* d) {
    *d = 2 * (a - 1);
    return (a - 1) * (a - 1) - 1;
  };
  ls = wolfe_search(phid, 0.0, -2.0, 1.0);
  CHECK(ls.ok);
  CHECK_NEAR(ls.alpha, 1.0, 1e-12);
  // an ascent "direction" cannot succeed
  ls = armijo_backtrack([](double a) { return a; }, 0.0, 1.0, 1.0);
  CHECK(!ls.ok);
  // halving with the caller's test: phi(a) = -a(1 - a) falls below -0.2 first
  // at a = 0.5 (1 fails: phi(1) = 0)
  ls = backtrack_halving([](double a) { return -a * (1 - a); },
                         [](double, double fa) { return fa < -0.2; });
  CHECK(ls.ok && ls.alpha == 0.5 && ls.trials == 2);
  ls = backtrack_halving([](double) { return kNaN; }, [](double, double) { return true; }, 1.0, 5);
  CHECK(!ls.ok && ls.trials == 5);
  // truncated CG: exact on 2 distinct eigenvalues in 2 steps; stops at
  // negative curvature on its first direction; stops at the ball's edge
  {
    Mat A(2, 2);
    A << 2, 0, 0, 4;
    TruncatedCG cg = truncated_cg([&A](const Vec& v) { return Vec(A * v); }, vec({-2, -4}), 1e-12, 10);
    CHECK(cg.exit == TruncatedCG::Converged && cg.iter == 1);
    CHECK_NEAR(cg.z(0), 1.0, 1e-14);
    CHECK_NEAR(cg.z(1), 1.0, 1e-14);
    A << -1, 0, 0, 2;
    cg = truncated_cg([&A](const Vec& v) { return Vec(A * v); }, vec({1, 0}), 1e-12, 10);
    CHECK(cg.exit == TruncatedCG::NegativeCurvature && cg.iter == 0 && cg.z.norm() == 0);
    A << 2, 0, 0, 4;
    cg = truncated_cg([&A](const Vec& v) { return Vec(A * v); }, vec({-2, -4}), 1e-12, 10, 0.0, 0.1);
    CHECK(cg.exit == TruncatedCG::Boundary && cg.z.norm() < 0.1);
  }

  // trust_exact: positive definite interior solution = Newton step
  Mat H(2, 2);
  H << 2, 0, 0, 4;
  Vec g = vec({-2, -4});
  TrustStep ts = trust_exact(H, g, 10.0);
  CHECK_NEAR(ts.p(0), 1.0, 1e-10);
  CHECK_NEAR(ts.p(1), 1.0, 1e-10);
  // indefinite H, hard case (g orthogonal to the negative eigenvector): boundary
  H << -1, 0, 0, 2;
  g = vec({0, -2});
  ts = trust_exact(H, g, 2.0);
  CHECK_NEAR(ts.p.norm(), 2.0, 1e-8);
  CHECK(std::fabs(ts.p(0)) > 0.5);
  bool ok = false;
  H << 2, 0, 0, 4;
  g = vec({-2, -4});
  ts = trust_more_sorensen(H, g, 0.5, ok);
  CHECK(ok);
  CHECK_NEAR(ts.p.norm(), 0.5, 0.01);
  // Steihaug's forcing term min(0.5, sqrt|g|)|g| is tight for a small g, and
  // CG is exact after 2 steps on 2 distinct eigenvalues: p = -H^{-1} g
  ts = trust_steihaug([&H](const Vec& v) { return Vec(H * v); }, vec({-2e-6, -4e-6}), 10.0, 10);
  CHECK_NEAR(ts.p(0) * 1e6, 1.0, 1e-8);
  CHECK_NEAR(ts.p(1) * 1e6, 1.0, 1e-8);
  // with a large g it stops early, but still decreases the model
  ts = trust_steihaug([&H](const Vec& v) { return Vec(H * v); }, g, 10.0, 10);
  CHECK(g.dot(ts.p) + 0.5 * ts.p.dot(H * ts.p) < 0);
  H << -1, 0, 0, 2;
  ts = trust_steihaug([&H](const Vec& v) { return Vec(H * v); }, vec({1, 1}), 3.0, 10);
  CHECK(ts.boundary);
  CHECK_NEAR(ts.p.norm(), 3.0, 1e-10);
}

}  // namespace

int main() {
  root_tests();
  solve_tests();
  optim_tests();
  numderiv_tests();
  linesearch_trust_tests();
  glm_tests();
  glm_hf_tests();
  std::printf("core_tests: %d checks, %d failed\n", cpptests::checks(), cpptests::failures());
  return cpptests::failures() == 0 ? 0 : 1;
}
