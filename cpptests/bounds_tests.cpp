// cpptests/bounds_tests.cpp -- tests of inst/include/newtonr/bounds.hpp, the
// building blocks of bound-constrained Newton methods (issue 16), on small
// cases whose answers are computed by hand in the comments; then a tiny
// projected trust-region Newton loop built only from those blocks reaches the
// published solutions of Hock-Schittkowski problems 4, 5, 45, 110 and of a
// bounded Rosenbrock (so the pieces fit together). Last, the box-aware
// differences of fd.hpp and newton_optim's core with bounds (optimize():
// every method on bounded Rosenbrock and HS 4, no evaluation outside the
// box, lower == upper fixing a variable, infinite bounds = no bounds).
//
// Standalone (its own main(); not in the Makefile). Build and run (one line):
//   g++ -std=c++17 -O1 -g -fsanitize=address,undefined -Iinst/include
//     -isystem $(Rscript -e 'cat(system.file("include", package = "RcppEigen"))')
//     cpptests/bounds_tests.cpp -o /tmp/bounds_tests && /tmp/bounds_tests
#include <newtonr/bounds.hpp>
#include <newtonr/optim.hpp>

#include <cmath>
#include <cstdio>
#include <functional>

#include "check.hpp"

using newtonr::kInf;
using newtonr::Mat;
using newtonr::Vec;
namespace nb = newtonr::bounds;

namespace {

Vec vec(std::initializer_list<double> v) {
  Vec out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) out(i++) = x;
  return out;
}
double maxdiff(const Vec& a, const Vec& b) { return (a - b).cwiseAbs().maxCoeff(); }

void test_projection() {
  const Vec l = vec({-1, -1, -1, -kInf}), u = vec({1, 1, 1, kInf});
  CHECK(maxdiff(nb::project(vec({-2, 0.5, 3, -1e300}), l, u), vec({-1, 0.5, 1, -1e300})) == 0);
  // x on bounds: P(x - g) - x keeps only what points into the box
  const Vec x = vec({-1, 0, 1, 5});
  Vec pg = nb::projected_gradient(x, vec({2, 0.5, -3, 0}), l, u);
  CHECK(maxdiff(pg, vec({0, -0.5, 0, 0})) == 0);
  CHECK(nb::projected_gradient_norm(x, vec({2, 0.5, -3, 0}), l, u) == 0.5);
  // gradient pointing into the box is clipped at the bound's distance
  CHECK(maxdiff(nb::projected_gradient(x, vec({-0.5, 0, 3, 2}), l, u), vec({0.5, 0, -2, -2})) == 0);
  CHECK(nb::projected_gradient_norm(Vec(), Vec(), Vec(), Vec()) == 0);
  CHECK_THROWS(std::invalid_argument, nb::check_box(vec({0, 2}), vec({1, 1})));
  CHECK_THROWS(std::invalid_argument, nb::check_box(vec({0}), vec({1, 1})));
  CHECK_THROWS(std::invalid_argument, nb::check_box(vec({std::nan("")}), vec({1})));
  CHECK_THROWS(std::invalid_argument, nb::check_box(vec({kInf}), vec({kInf})));
  CHECK_THROWS(std::invalid_argument, nb::check_box(vec({-kInf}), vec({-kInf})));
  nb::check_box(vec({0, 1}), vec({1, 1}));  // lower == upper is allowed
}

void test_active_sets() {
  // x1 on its lower bound pushed out (g > 0), x2 interior, x3 on its upper
  // bound but pulled in (g > 0), x4 fixed (lower == upper)
  const Vec x = vec({-1, 0, 1, 2}), l = vec({-1, -1, -1, 2}), u = vec({1, 1, 1, 2});
  const Vec g = vec({1, 5, 1, -7});
  const auto on = nb::at_bound_mask(x, l, u);
  CHECK(on[0] && !on[1] && on[2] && on[3]);
  const auto held = nb::binding_mask(x, g, l, u);
  CHECK(held[0] && !held[1] && !held[2] && held[3]);
  const auto fr = nb::free_indices(held);
  CHECK(fr.size() == 2 && fr[0] == 1 && fr[1] == 2);
  CHECK(nb::count_active(on) == 3 && nb::count_active(held) == 2);
  // eps widens "on a bound"
  CHECK(nb::at_bound_mask(vec({0.999}), vec({-1}), vec({1}), 0.01)[0]);
  CHECK(!nb::at_bound_mask(vec({0.999}), vec({-1}), vec({1}))[0]);
}

void test_breakpoints() {
  // x = 0, w = (1, -2, 0, 3, 1): t = (2 / 1, -1 / -2, Inf, Inf, 0)
  const Vec x = vec({0, 0, 0, 0, 1}), w = vec({1, -2, 0, 3, 1});
  const Vec l = vec({-1, -1, -1, -kInf, 0}), u = vec({2, 1, 1, kInf, 1});
  const Vec t = nb::breakpoints(x, w, l, u);
  CHECK(t(0) == 2 && t(1) == 0.5 && t(2) == kInf && t(3) == kInf && t(4) == 0);
  const auto fl = nb::first_last_breakpoint(x, w, l, u);
  CHECK(fl.first == 0.5 && fl.second == 2);
  const auto none = nb::first_last_breakpoint(vec({0}), vec({1}), vec({-kInf}), vec({kInf}));
  CHECK(none.first == kInf && none.second == 0);
  CHECK(maxdiff(nb::path_step(x, w, 1.0, l, u), vec({1, -1, 0, 3, 0})) == 0);
}

// m(s) for dense B, for brute-force checks along the path.
double model(const Vec& g, const Mat& B, const Vec& s) { return g.dot(s) + 0.5 * s.dot(B * s); }

void check_cauchy_both(const Vec& x, const Vec& g, const Vec& l, const Vec& u, const Mat& B,
                       const Vec& xc, double t, double m, int segments) {
  const auto a = nb::cauchy_point(x, g, l, u, B);
  const auto b = nb::cauchy_point_hv(x, g, l, u, [&](const Vec& v) -> Vec { return B * v; });
  for (const auto* cp : {&a, &b}) {
    CHECK(maxdiff(cp->x, xc) < 1e-14);
    CHECK_NEAR(cp->t, t, 1e-14);
    CHECK_NEAR(cp->model, m, 1e-14);
    CHECK_NEAR(cp->model, model(g, B, cp->s), 1e-13);
    CHECK(cp->segments == segments && !cp->unbounded);
  }
}

void test_cauchy_hand() {
  // B = I, g = (-3, -2, -1): d = (3, 2, 1); upper bounds (0.3, 1, 10) give
  // breakpoints 0.1, 0.5, 10. Segment 1: f1 = -14, f2 = 14, minimiser 1 >
  // 0.1: move, s = (.3, .2, .1). Segment 2: d = (0, 2, 1), f1 = -5 + 0.5 =
  // -4.5, f2 = 5, minimiser 0.9 > 0.4: move to t = 0.5, s = (.3, 1, .5).
  // Segment 3: d = (0, 0, 1), f1 = -1 + 0.5, f2 = 1: minimiser 0.5 < 9.5:
  // t = 1, x^c = (0.3, 1, 1), m = -3.9 + 2.09 / 2 = -2.855.
  const Mat I3 = Mat::Identity(3, 3);
  check_cauchy_both(Vec::Zero(3), vec({-3, -2, -1}), Vec::Constant(3, -10), vec({0.3, 1, 10}), I3,
                    vec({0.3, 1, 1}), 1.0, -2.855, 3);
  // ties: both variables reach 0.5 at t = 0.5; then d = 0: m = -1 + 0.25
  const Mat I2 = Mat::Identity(2, 2);
  check_cauchy_both(Vec::Zero(2), vec({-1, -1}), vec({-1, -1}), vec({0.5, 0.5}), I2,
                    vec({0.5, 0.5}), 0.5, -0.75, 2);
  // x1 on its upper bound with g1 < 0 cannot move; x2 goes to -1 (m = -0.5)
  check_cauchy_both(vec({1, 0}), vec({-1, 1}), vec({-10, -10}), vec({1, 1}), I2, vec({1, -1}), 1.0,
                    -0.5, 1);
  // a fixed variable (lower == upper) never moves
  check_cauchy_both(vec({0.5, 0}), vec({3, 1}), vec({0.5, -5}), vec({0.5, 5}), I2, vec({0.5, -1}),
                    1.0, -0.5, 1);
  // negative curvature: B = -I, box [-1, 1]^2, g = (1, 1): to the corner,
  // m = -2 - 1 = -3; a zero gradient stays put
  check_cauchy_both(Vec::Zero(2), vec({1, 1}), vec({-1, -1}), vec({1, 1}), -I2, vec({-1, -1}), 1.0,
                    -3.0, 2);
  check_cauchy_both(vec({0.2, 0.3}), Vec::Zero(2), vec({-1, -1}), vec({1, 1}), I2, vec({0.2, 0.3}),
                    0.0, 0.0, 1);
  // ... and unbounded without a box
  const auto ub = nb::cauchy_point(Vec::Zero(2), vec({1, 1}), Vec::Constant(2, -kInf),
                                   Vec::Constant(2, kInf), -I2);
  CHECK(ub.unbounded);
}

void test_cauchy_random() {
  // A dense positive definite B: the dense and product forms agree, and x^c
  // is the first local minimiser of m along the path (checked on a grid).
  Mat A(3, 3);
  A << 4, 1, -1, 1, 3, 0.5, -1, 0.5, 2;
  const Vec x = vec({0.2, -0.3, 0.9}), g = vec({-2, 3, -1}), l = vec({-0.5, -0.5, -1}),
            u = vec({0.5, 0.5, 5});
  const auto a = nb::cauchy_point(x, g, l, u, A);
  const auto b = nb::cauchy_point_hv(x, g, l, u, [&](const Vec& v) -> Vec { return A * v; });
  CHECK(maxdiff(a.x, b.x) < 1e-14 && a.segments == b.segments);
  CHECK(a.t > 0 && a.model < 0);
  double prev = 0.0;
  bool monotone = true;
  for (int k = 1; k <= 1000; ++k) {
    const double t = a.t * k / 1000.0, m = model(g, A, nb::path_step(x, -g, t, l, u));
    monotone = monotone && m <= prev + 1e-14;
    prev = m;
  }
  CHECK(monotone);
  CHECK_NEAR(prev, a.model, 1e-13);
  const double after = model(g, A, nb::path_step(x, -g, a.t * 1.001, l, u));
  CHECK(after >= a.model - 1e-14);
  CHECK(a.segments == 3);  // x2 and x1 reach their bounds first; x^c is inside segment 3
}

void test_tron_cauchy() {
  // B = I, g = (-1, 0), box [-10, 10]^2: s(alpha) = (alpha, 0) up to 10; the
  // decrease test -alpha + alpha^2 / 2 <= -0.01 alpha holds for alpha <= 1.98.
  const Mat I2 = Mat::Identity(2, 2);
  int calls = 0;
  auto hv = [&](const Vec& v) -> Vec {
    ++calls;
    return I2 * v;
  };
  const Vec x = Vec::Zero(2), g = vec({-1, 0}), l = Vec::Constant(2, -10), u = Vec::Constant(2, 10);
  auto c = nb::tron_cauchy_step(x, g, l, u, hv, 100.0, 1.0);  // holds; 10 fails
  CHECK(c.ok && c.alpha == 1.0 && c.products == 2 && calls == 2);
  CHECK(maxdiff(c.s, vec({1, 0})) == 0 && c.model == -0.5);
  c = nb::tron_cauchy_step(x, g, l, u, hv, 100.0, 100.0);  // 100 and 10 fail (s = 10)
  CHECK(c.ok && std::fabs(c.alpha - 1.0) < 1e-15);
  c = nb::tron_cauchy_step(x, g, l, u, hv, 0.5, 1.0);  // radius: |s| = 1 > 0.5
  CHECK(c.ok && std::fabs(c.alpha - 0.1) < 1e-15 && c.s.norm() <= 0.5);
  // no finite breakpoint: extrapolate 0.01 -> 0.1 -> 1 -> 10 (fails)
  const Vec li = Vec::Constant(2, -kInf), ui = Vec::Constant(2, kInf);
  c = nb::tron_cauchy_step(x, g, li, ui, hv, 100.0, 0.01);
  CHECK(c.ok && std::fabs(c.alpha - 1.0) < 1e-14);
  // a stationary point returns s = 0 without products
  calls = 0;
  c = nb::tron_cauchy_step(vec({10, 0}), vec({-1, 0}), l, u, hv, 1.0, 1.0);
  CHECK(!c.ok && c.s.norm() == 0 && calls == 0);
}

void test_projected_search() {
  // f = 2 x^2 on [-1, 10] from x = 1, g = 4, w = -4: alpha = 1 and 0.5 land
  // on -1 (f unchanged, fails); 0.25 lands on 0 (f - 2 = -2 <= 0.01 * 4 * -1).
  auto f1 = [](const Vec& z) { return 2 * z(0) * z(0); };
  const Vec x = vec({1}), g = vec({4});
  auto r = nb::projected_search(x, vec({-4}), g, vec({-1}), vec({10}),
                                [&](const Vec& s) { return f1(x + s) - f1(x); });
  CHECK(r.sufficient && r.alpha == 0.25 && r.evaluations == 3 && r.s(0) == -1);
  // f = 10 (x - 0.9)^2 on [0.2, 10], x = 1, g = 2, w = -4: the first breakpoint
  // 0.2 is tried between 0.25 and 0.1: alphas 1, .5, .25, .2, .1, .05, .025
  auto f2 = [](const Vec& z) { return 10 * (z(0) - 0.9) * (z(0) - 0.9); };
  r = nb::projected_search(x, vec({-4}), vec({2}), vec({0.2}), vec({10}),
                           [&](const Vec& s) { return f2(x + s) - f2(x); });
  CHECK(r.sufficient && r.evaluations == 7 && std::fabs(r.alpha - 0.025) < 1e-16);
  CHECK_NEAR(r.s(0), -0.1, 1e-15);
  // an ascent direction never succeeds; the search gives up after max_steps
  r = nb::projected_search(
      x, vec({1}), g, vec({-1}), vec({10}), [&](const Vec& s) { return f1(x + s) - f1(x); }, 0.01,
      0.5, 1.0, 20);
  CHECK(!r.sufficient && r.evaluations == 20);
}

void test_fd_step() {
  CHECK(nb::feasible_fd_step(1.0, 0.1, 0.0, 1.0) == -0.1);  // at the upper bound
  CHECK(nb::feasible_fd_step(0.0, 0.1, 0.0, 1.0) == 0.1);   // at the lower bound
  CHECK(nb::feasible_fd_step(0.5, 1.0, 0.0, 0.6) == -0.5);  // neither fits: longer side
  CHECK(nb::feasible_fd_step(0.5, 0.1, -kInf, kInf) == 0.1);
  CHECK(nb::central_fits(0.5, 0.1, 0.0, 1.0) && !nb::central_fits(0.05, 0.1, 0.0, 1.0));
  CHECK(nb::feasible_fd_step(0.3, 0.1, 0.3, 0.3) == 0.0);  // fixed: no room at all
}

// ---- a tiny projected trust-region Newton loop on HS problems -------------
// Trust region in the infinity norm, intersected with the box (so every
// subproblem is a box problem): BLNZ Cauchy point, then a Newton step on the
// variables free at it, cut back by Lin & Moré's projected search on the
// model; accept on the ratio of actual to predicted decrease.

struct Problem {
  std::function<double(const Vec&)> f;
  std::function<Vec(const Vec&)> g;
  std::function<Mat(const Vec&)> h;
  Vec lower, upper;
};

Vec subspace_step(const Vec& xc, const Vec& gc, const Mat& H, const Vec& lt, const Vec& ut) {
  const auto fr = nb::free_indices(nb::at_bound_mask(xc, lt, ut));
  Vec w = Vec::Zero(xc.size());
  if (fr.empty()) return w;
  const auto nf = static_cast<Eigen::Index>(fr.size());
  Mat HF(nf, nf);
  Vec gF(nf);
  for (Eigen::Index i = 0; i < nf; ++i) {
    gF(i) = gc(fr[i]);
    for (Eigen::Index j = 0; j < nf; ++j) HF(i, j) = H(fr[i], fr[j]);
  }
  Eigen::LLT<Mat> llt(HF);
  if (llt.info() != Eigen::Success) return w;  // not convex here: keep the Cauchy point
  const Vec dF = -llt.solve(gF);
  for (Eigen::Index i = 0; i < nf; ++i) w(fr[i]) = dF(i);
  auto merit = [&](const Vec& s) { return nb::model_change(gc, s, H * s); };
  const auto r = nb::projected_search(xc, w, gc, lt, ut, merit);
  return r.sufficient ? r.s : Vec::Zero(xc.size());
}

Vec solve_box(const Problem& p, Vec x, int* iters) {
  x = nb::project(x, p.lower, p.upper);
  double delta = 1.0, fx = p.f(x);
  int it = 0;
  for (; it < 200; ++it) {
    const Vec g = p.g(x);
    if (nb::projected_gradient_norm(x, g, p.lower, p.upper) < 1e-10) break;
    const Mat H = p.h(x);
    const Vec lt = p.lower.cwiseMax((x.array() - delta).matrix());
    const Vec ut = p.upper.cwiseMin((x.array() + delta).matrix());
    const auto cp = nb::cauchy_point(x, g, lt, ut, H);
    const Vec s = cp.s + subspace_step(cp.x, g + H * cp.s, H, lt, ut);
    const Vec xt = nb::project(x + s, p.lower, p.upper);
    const double pred = -nb::model_change(g, s, H * s), ft = p.f(xt);
    // near x* both decreases sink below f's rounding: accept on no increase
    const bool noise = pred > 0 && pred < 1e-13 * std::fabs(fx);
    const double rho = noise ? (ft <= fx ? 1.0 : -1.0) : pred > 0 ? (fx - ft) / pred : -1.0;
    if (rho < 0.25)
      delta = 0.25 * s.cwiseAbs().maxCoeff();
    else if (rho > 0.75)
      delta = std::max(delta, 2 * s.cwiseAbs().maxCoeff());
    if (rho > 1e-4) x = xt, fx = ft;
    if (delta < 1e-15) break;
  }
  *iters = it;
  return x;
}

void check_solve(const char* name, const Problem& p, const Vec& x0, const Vec& xstar, double fstar,
                 double tol) {
  int iters = 0;
  const Vec x = solve_box(p, x0, &iters);
  const bool ok = maxdiff(x, xstar) < tol &&
                  std::fabs(p.f(x) - fstar) < tol * std::max(1.0, std::fabs(fstar)) &&
                  (x - nb::project(x, p.lower, p.upper)).norm() == 0;
  ::cpptests::report(ok, name, __FILE__, __LINE__, "(" + std::to_string(iters) + " iterations)");
}

void test_projected_newton() {
  // HS 4: (x1 + 1)^3 / 3 + x2, x1 >= 1, x2 >= 0; x* = (1, 0), f* = 8/3
  Problem hs4{[](const Vec& x) { return std::pow(x(0) + 1, 3) / 3 + x(1); },
              [](const Vec& x) {
                return vec({(x(0) + 1) * (x(0) + 1), 1});
              },
              [](const Vec& x) {
                Mat H = Mat::Zero(2, 2);
                H(0, 0) = 2 * (x(0) + 1);
                return H;
              },
              vec({1, 0}), vec({kInf, kInf})};
  check_solve("HS 4", hs4, vec({1.125, 0.125}), vec({1, 0}), 8.0 / 3, 1e-10);
  // HS 5: interior minimiser (-pi/3 + 1/2, -pi/3 - 1/2), f* = -sqrt(3)/2 - pi/3
  Problem hs5{[](const Vec& x) {
                return std::sin(x(0) + x(1)) + std::pow(x(0) - x(1), 2) - 1.5 * x(0) + 2.5 * x(1) +
                       1;
              },
              [](const Vec& x) {
                const double c = std::cos(x(0) + x(1)), d = 2 * (x(0) - x(1));
                return vec({c + d - 1.5, c - d + 2.5});
              },
              [](const Vec& x) {
                const double s = -std::sin(x(0) + x(1));
                Mat H(2, 2);
                H << s + 2, s - 2, s - 2, s + 2;
                return H;
              },
              vec({-1.5, -3}), vec({4, 3})};
  const double pi = std::acos(-1.0);
  check_solve("HS 5", hs5, vec({0, 0}), vec({0.5 - pi / 3, -0.5 - pi / 3}),
              -std::sqrt(3.0) / 2 - pi / 3, 1e-9);
  // HS 45: 2 - prod(x) / 120 on 0 <= x_i <= i; from the projection of the
  // published (infeasible) start (2, ..., 2); x* = (1, ..., 5), f* = 1
  auto prod_but = [](const Vec& x, int i, int j) {
    double p = 1;
    for (int k = 0; k < 5; ++k)
      if (k != i && k != j) p *= x(k);
    return p;
  };
  Problem hs45{[](const Vec& x) { return 2 - x.prod() / 120; },
               [=](const Vec& x) {
                 Vec g(5);
                 for (int i = 0; i < 5; ++i) g(i) = -prod_but(x, i, -1) / 120;
                 return g;
               },
               [=](const Vec& x) {
                 Mat H = Mat::Zero(5, 5);
                 for (int i = 0; i < 5; ++i)
                   for (int j = 0; j < 5; ++j)
                     if (i != j) H(i, j) = -prod_but(x, i, j) / 120;
                 return H;
               },
               Vec::Zero(5), vec({1, 2, 3, 4, 5})};
  check_solve("HS 45", hs45, Vec::Constant(5, 2), vec({1, 2, 3, 4, 5}), 1.0, 1e-12);
}

void test_projected_newton_2() {
  // HS 110: sum log(x_i - 2)^2 + log(10 - x_i)^2 - prod(x)^0.2 on [2.001,
  // 9.999]^10; x*_i = 9.350265833 (the root of the 1-D stationarity equation;
  // published 9.35025655), f* = -45.77846971 (published)
  auto P = [](const Vec& x) { return std::pow(x.prod(), 0.2); };
  Problem hs110{
      [=](const Vec& x) {
        return ((x.array() - 2).log().square() + (10 - x.array()).log().square()).sum() - P(x);
      },
      [=](const Vec& x) {
        const Eigen::ArrayXd a = x.array() - 2, b = 10 - x.array();
        return Vec(2 * a.log() / a - 2 * b.log() / b - 0.2 * P(x) / x.array());
      },
      [=](const Vec& x) {
        const Eigen::ArrayXd a = x.array() - 2, b = 10 - x.array(), ix = x.array().inverse();
        const double p = P(x);
        const Vec d =
            2 * (1 - a.log()) / a.square() + 2 * (1 - b.log()) / b.square() + 0.2 * p * ix.square();
        Mat H = -0.04 * p * ix.matrix() * ix.matrix().transpose();
        H.diagonal() += d;
        return H;
      },
      Vec::Constant(10, 2.001), Vec::Constant(10, 9.999)};
  check_solve("HS 110", hs110, Vec::Constant(10, 9), Vec::Constant(10, 9.35026583306938),
              -45.77846971, 1e-8);
  // Rosenbrock on [-2, 0.5] x [-2, 2] from (-1.2, 1): x* = (0.5, 0.25), f* = 0.25
  Problem rb{
      [](const Vec& x) { return 100 * std::pow(x(1) - x(0) * x(0), 2) + std::pow(1 - x(0), 2); },
      [](const Vec& x) {
        return vec(
            {-400 * x(0) * (x(1) - x(0) * x(0)) - 2 * (1 - x(0)), 200 * (x(1) - x(0) * x(0))});
      },
      [](const Vec& x) {
        Mat H(2, 2);
        H << 1200 * x(0) * x(0) - 400 * x(1) + 2, -400 * x(0), -400 * x(0), 200;
        return H;
      },
      vec({-2, -2}), vec({0.5, 2})};
  check_solve("bounded Rosenbrock", rb, vec({-1.2, 1}), vec({0.5, 0.25}), 0.25, 1e-12);
}


// ---- fd.hpp inside a box, and optimize() with bounds (issue 16) ----------

void test_fd_box() {
  // f = x1^3 + 2 x1 x2 + x2^2 on [0, 1] x [-1, 1]; g = (3 x1^2 + 2 x2, 2 x1 + 2 x2)
  const Vec l = vec({0, -1}), u = vec({1, 1});
  int outside = 0;
  auto f = [&](const Vec& x) {
    if ((x.array() < l.array()).any() || (x.array() > u.array()).any()) ++outside;
    return x(0) * x(0) * x(0) + 2 * x(0) * x(1) + x(1) * x(1);
  };
  auto g = [&](const Vec& x) {
    if ((x.array() < l.array()).any() || (x.array() > u.array()).any()) ++outside;
    return vec({3 * x(0) * x(0) + 2 * x(1), 2 * x(0) + 2 * x(1)});
  };
  for (const Vec& x : {vec({0, 1}), vec({1, -1}), vec({0.5, 0}), vec({1, 1})}) {
    const Vec ex = vec({3 * x(0) * x(0) + 2 * x(1), 2 * x(0) + 2 * x(1)});
    CHECK(maxdiff(newtonr::fd::gradient_box(f, x, f(x), l, u), ex) < 1e-8);
    CHECK(maxdiff(newtonr::fd::gradient_box(f, x, newtonr::kNaN, l, u), ex) < 1e-8);
    Mat H = newtonr::fd::hessian_from_gradient_box(g, x, g(x), l, u, newtonr::fd::kForward, false);
    CHECK(std::fabs(H(0, 0) - 6 * x(0)) < 1e-6 && std::fabs(H(0, 1) - 2) < 1e-6 &&
          std::fabs(H(1, 1) - 2) < 1e-6);
    const Vec v = vec({1, -1});
    const Vec hv = newtonr::fd::hessian_vector_box(g, x, g(x), v, false, l, u);
    // (at the corner (1, 1) neither x + t v nor x - t v is in the box: empty)
    const bool blocked = x(0) == 1 && x(1) == 1;
    CHECK(blocked ? hv.size() == 0 : (hv.size() == 2 && maxdiff(hv, vec({6 * x(0) - 2, 0})) < 1e-5));
  }
  CHECK(outside == 0);
  // a fixed variable has derivative 0 and is never moved
  CHECK(newtonr::fd::gradient_box(f, vec({0.5, 0}), kInf, vec({0.5, -1}), vec({0.5, 1}))(0) == 0);
}

void test_optimize_box() {
  using newtonr::OptimMethod;
  const Vec l = vec({-2, -2}), u = vec({0.5, 2});
  int outside = 0;
  auto out = [&](const Vec& x) {
    if ((x.array() < l.array()).any() || (x.array() > u.array()).any()) ++outside;
  };
  newtonr::OptimFunctions fns;
  fns.fn = [&](const Vec& x) {
    out(x);
    return 100 * std::pow(x(1) - x(0) * x(0), 2) + std::pow(1 - x(0), 2);
  };
  fns.gr = [&](const Vec& x) {
    out(x);
    return vec({-400 * x(0) * (x(1) - x(0) * x(0)) - 2 * (1 - x(0)), 200 * (x(1) - x(0) * x(0))});
  };
  for (OptimMethod m : {OptimMethod::Newton, OptimMethod::Trust, OptimMethod::NewtonCG,
                        OptimMethod::BFGS, OptimMethod::LBFGS, OptimMethod::GD}) {
    for (bool with_gr : {true, false}) {
      newtonr::OptimFunctions f2 = fns;
      if (!with_gr) f2.gr = nullptr;
      newtonr::OptimOptions o;
      o.method = m;
      o.maxit = m == OptimMethod::GD ? 20000 : 500;
      o.lower = l;
      o.upper = u;
      const newtonr::OptimResult r = newtonr::optimize(f2, vec({-1.2, 1}), o, false);
      CHECK(r.status == newtonr::OptimStatus::Converged);
      CHECK(maxdiff(r.par, vec({0.5, 0.25})) < 1e-5);
      CHECK(r.active.size() == 2 && r.active[0] == 1 && r.active[1] == 0);
      CHECK(r.trace.active.back() == 1);
    }
  }
  CHECK(outside == 0);
  // lower == upper fixes x2 (no call with another x2); infinite bounds are no bounds
  newtonr::OptimOptions o;
  o.method = OptimMethod::Trust;
  o.lower = vec({-kInf, 0.5});
  o.upper = vec({kInf, 0.5});
  bool moved = false;
  newtonr::OptimFunctions fx = fns;
  fx.fn = [&](const Vec& x) {
    moved = moved || x(1) != 0.5;
    return fns.fn(x);
  };
  const newtonr::OptimResult r = newtonr::optimize(fx, vec({0, 0.5}), o, false);
  // x2 = 0.5: f'(x1) = 400 x1^3 - 198 x1 - 2 = 0 at x1 = 0.70857 (by hand)
  CHECK(!moved && std::fabs(r.par(0) - 0.70857) < 1e-4 && std::fabs(r.gradient(0)) < 1e-6 &&
        r.active[1] == -1);
  newtonr::OptimOptions oi;
  oi.lower = vec({-kInf, -kInf});
  oi.upper = vec({kInf, kInf});
  const newtonr::OptimResult a = newtonr::optimize(fns, vec({-1.2, 1}), newtonr::OptimOptions(), false);
  const newtonr::OptimResult b = newtonr::optimize(fns, vec({-1.2, 1}), oi, false);
  CHECK(a.iterations == b.iterations && maxdiff(a.par, b.par) == 0 && a.value == b.value);
  // a start outside the box is the caller's error (R moves it with a warning)
  o.lower = l;
  o.upper = u;
  bool threw = false;
  try {
    newtonr::optimize(fns, vec({1, 1}), o, false);
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  CHECK(threw);
}

}  // namespace

int main() {
  test_projection();
  test_active_sets();
  test_breakpoints();
  test_cauchy_hand();
  test_cauchy_random();
  test_tron_cauchy();
  test_projected_search();
  test_fd_step();
  test_projected_newton();
  test_projected_newton_2();
  test_fd_box();
  test_optimize_box();
  std::printf("bounds_tests: %d checks, %d failures\n", ::cpptests::checks(),
              ::cpptests::failures());
  return ::cpptests::failures() == 0 ? 0 : 1;
}
