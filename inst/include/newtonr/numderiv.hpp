// newtonr/numderiv.hpp -- numerical derivatives by Richardson extrapolation.
//
// The algorithms are numDeriv's (Gilbert & Varadhan), which follow Linfield &
// Penny, "Microcomputers in Numerical Analysis" (1989): central differences
// at r step sizes h, h/v, h/v^2, ..., then Richardson extrapolation removes
// the O(h^2), O(h^4), ... error terms.  Central differences have only even
// powers of h in their error expansion, hence the 4^m weights (for v = 2).
//
//   * jacobian()  -- numDeriv::grad / jacobian, method "Richardson"
//                    (defaults d = 1e-4, eps = 1e-4, r = 4, v = 2);
//   * hessian()   -- numDeriv::genD's second-order scheme (defaults d = 0.1:
//                    second differences lose twice the digits to rounding,
//                    so they need a larger base step).
//
// The evaluator is a std::function, so the same code serves R callbacks (via
// the glue) and C++ objectives.  A non-finite function value is an error:
// a derivative built from it would be meaningless.
#pragma once

#include "common.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace newtonr {

using ScalarFn = std::function<double(const Vec&)>;
using VectorFn = std::function<Vec(const Vec&)>;

struct RichardsonOptions {
  double d = 1e-4;      // relative base step: h0_i = |d * x_i| (+ eps near 0)
  double eps = 1e-4;    // absolute base step for components with |x_i| < zero_tol
  double zero_tol = std::sqrt(kEps / 7e-7);  // numDeriv's default
  int r = 4;            // number of step sizes (Richardson levels)
  double v = 2.0;       // step reduction factor
  void validate() const {
    if (!(d > 0) || !std::isfinite(d)) throw std::invalid_argument("'d' must be positive");
    if (!(eps > 0) || !std::isfinite(eps))
      throw std::invalid_argument("'eps' must be positive");
    if (!(zero_tol >= 0)) throw std::invalid_argument("'zero_tol' must be non-negative");
    if (r < 1 || r > 20) throw std::invalid_argument("'r' must lie in [1, 20]");
    if (!(v > 1) || !std::isfinite(v)) throw std::invalid_argument("'v' must exceed 1");
  }
};

namespace detail {

// Base steps, numDeriv's rule: relative to |x_i|, absolute near zero.
// Every step used, h / v^k for k < r, must move x_i both ways to finite
// points (x + h == x gives a zero difference, 0/0 a NaN: a silently wrong
// derivative); otherwise the settings are refused, naming them.
inline Vec base_steps(const Vec& x, const RichardsonOptions& o) {
  Vec h(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    h[i] = std::abs(o.d * x[i]) + (std::abs(x[i]) < o.zero_tol ? o.eps : 0.0);
    double hk = h[i];
    for (int k = 0; k < o.r; ++k, hk /= o.v) {
      const double up = x[i] + hk, dn = x[i] - hk;
      if (!(hk > 0) || !std::isfinite(hk) || !std::isfinite(up) || !std::isfinite(dn) ||
          up == x[i] || dn == x[i]) {
        throw std::invalid_argument(
            "'method.args': a difference step for x[" + std::to_string(i + 1) +
            "] is lost to rounding or overflow (step " + std::to_string(hk) +
            "); use a larger 'd' or 'eps', or a smaller 'v' or 'r'");
      }
    }
  }
  return h;
}

// Richardson extrapolation in place on the columns a[0..r-1] (a[k] computed
// with step h / v^k); the extrapolated value ends in a[0].  The error of a
// central difference is c1 h^2 + c2 h^4 + ..., so level m eliminates h^(2m)
// with weight 4^m (numDeriv uses 4^m whatever v; we keep that for identical
// results at the default v = 2).
inline void richardson(std::vector<Vec>& a) {
  const int r = static_cast<int>(a.size());
  for (int m = 1; m < r; ++m) {
    const double w = std::pow(4.0, m);
    for (int k = 0; k < r - m; ++k) a[k] = (a[k + 1] * w - a[k]) / (w - 1.0);
  }
}

inline void check_value(double f, const char* where) {
  if (!std::isfinite(f)) {
    throw std::runtime_error(std::string("'fn' returned a non-finite value (") +
                             (std::isnan(f) ? "NaN" : "Inf") + ") " + where);
  }
}

inline void check_value(const Vec& f, const char* where) {
  for (Eigen::Index i = 0; i < f.size(); ++i) check_value(f[i], where);
}

}  // namespace detail

// Jacobian (m x n) of a vector-valued f at x by central differences with
// Richardson extrapolation; m = 1 gives the gradient as a 1 x n matrix.
// `evals` (optional) receives the number of calls of f.
inline Mat jacobian(const VectorFn& f, const Vec& x, const RichardsonOptions& o = {},
                    Interrupter intr = Interrupter(), long* evals = nullptr) {
  o.validate();
  const Eigen::Index n = x.size();
  if (n == 0) throw std::invalid_argument("'x' must have length at least 1");
  const Vec h0 = detail::base_steps(x, o);
  Mat J;
  long count = 0;
  std::vector<Vec> a(o.r);
  Vec xp = x;
  for (Eigen::Index i = 0; i < n; ++i) {
    double h = h0[i];
    for (int k = 0; k < o.r; ++k) {
      xp[i] = x[i] + h;
      Vec f1 = f(xp);
      xp[i] = x[i] - h;
      Vec f2 = f(xp);
      count += 2;
      detail::check_value(f1, "at a point near 'x'");
      detail::check_value(f2, "at a point near 'x'");
      if (f1.size() != f2.size() || (J.size() > 0 && f1.size() != J.rows())) {
        throw std::runtime_error("'fn' returned values of varying length");
      }
      if (J.size() == 0) J.resize(f1.size(), n);
      a[k] = (f1 - f2) / (2.0 * h);
      h /= o.v;
    }
    xp[i] = x[i];
    detail::richardson(a);
    J.col(i) = a[0];
    intr.tick();
  }
  if (evals) *evals = count;
  return J;
}

// Gradient of a scalar f at x (numDeriv::grad, method "Richardson").
inline Vec gradient(const ScalarFn& f, const Vec& x, const RichardsonOptions& o = {},
                    Interrupter intr = Interrupter(), long* evals = nullptr) {
  VectorFn fv = [&f](const Vec& z) {
    Vec out(1);
    out[0] = f(z);
    return out;
  };
  Mat J = jacobian(fv, x, o, std::move(intr), evals);
  return J.row(0).transpose();
}

// Options for the Hessian: numDeriv::hessian's defaults (genD, d = 0.1).
inline RichardsonOptions hessian_defaults() {
  RichardsonOptions o;
  o.d = 0.1;
  return o;
}

// Hessian of a scalar f at x, numDeriv::genD's scheme.  Diagonal entries
// from the second central difference (f(x+h e_i) - 2 f0 + f(x-h e_i)) / h^2;
// off-diagonal ones from the diagonal move x +- (h_i e_i + h_j e_j), whose
// second difference is h_i^2 H_ii + h_j^2 H_jj + 2 h_i h_j H_ij + O(h^4),
// so H_ij follows once the (extrapolated) diagonal is known.  Each level is
// Richardson-extrapolated.  The result is symmetric by construction.
// Cost: 1 + r n (n + 1) evaluations.  `f0` may pass f(x) if already known.
inline Mat hessian(const ScalarFn& f, const Vec& x, const RichardsonOptions& o,
                   Interrupter intr = Interrupter(), long* evals = nullptr,
                   double f0 = kNaN) {
  o.validate();
  const Eigen::Index n = x.size();
  if (n == 0) throw std::invalid_argument("'x' must have length at least 1");
  long count = 0;
  if (std::isnan(f0)) {
    f0 = f(x);
    ++count;
  }
  detail::check_value(f0, "at 'x'");
  const Vec h0 = detail::base_steps(x, o);
  Mat H(n, n);
  std::vector<Vec> a(o.r, Vec(1));
  Vec xp = x;
  for (Eigen::Index i = 0; i < n; ++i) {
    double h = h0[i];
    for (int k = 0; k < o.r; ++k) {
      xp[i] = x[i] + h;
      const double f1 = f(xp);
      xp[i] = x[i] - h;
      const double f2 = f(xp);
      count += 2;
      detail::check_value(f1, "at a point near 'x'");
      detail::check_value(f2, "at a point near 'x'");
      a[k][0] = (f1 - 2.0 * f0 + f2) / (h * h);
      h /= o.v;
    }
    xp[i] = x[i];
    detail::richardson(a);
    H(i, i) = a[0][0];
    intr.tick();
  }
  for (Eigen::Index i = 1; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      // numDeriv steps both coordinates by their own h, halving together.
      double hi = h0[i], hj = h0[j];
      for (int k = 0; k < o.r; ++k) {
        xp[i] = x[i] + hi;
        xp[j] = x[j] + hj;
        const double f1 = f(xp);
        xp[i] = x[i] - hi;
        xp[j] = x[j] - hj;
        const double f2 = f(xp);
        count += 2;
        detail::check_value(f1, "at a point near 'x'");
        detail::check_value(f2, "at a point near 'x'");
        a[k][0] = (f1 - 2.0 * f0 + f2 - H(i, i) * hi * hi - H(j, j) * hj * hj) /
                  (2.0 * hi * hj);
        hi /= o.v;
        hj /= o.v;
      }
      xp[i] = x[i];
      xp[j] = x[j];
      detail::richardson(a);
      H(i, j) = H(j, i) = a[0][0];
    }
    intr.tick();
  }
  if (evals) *evals = count;
  return H;
}

}  // namespace newtonr
