// newtonr/fd.hpp -- finite differences shared by every solver.
//
// One home for the step constants and the difference formulas used by
// newton_root, newton_solve, newton_optim and newton_glm (numderiv.hpp stays
// the Richardson-extrapolation module behind num_jacobian/num_hessian).
//
// Steps are relative, h = c * max(1, |x_i|), with c chosen to balance the
// truncation error against rounding (Nocedal & Wright, sec. 8.1; Dennis &
// Schnabel, sec. 5.4 and 5.6):
//   forward differences of f or of a gradient   c = sqrt(eps)   = 2^-26
//   central differences (first derivatives)     c = eps^(1/3)
//   second differences of f                     c = eps^(1/4)   = 2^-13
// Where the formula divides by the step actually taken, (x + h) - x, the
// representation error of x + h cancels (Dennis & Schnabel, Alg. A5.6.3).
//
// The callables are templates so that each solver passes its own counting,
// scaling or checking evaluator; no formula here evaluates anything twice.
#pragma once

#include "bounds.hpp"
#include "common.hpp"

#include <algorithm>
#include <cmath>

namespace newtonr {
namespace fd {

constexpr double kForward = 1.4901161193847656e-08;   // sqrt(eps) = 2^-26
constexpr double kCentral = 6.0554544523933395e-06;   // eps^(1/3)
constexpr double kSecond = 1.220703125e-04;           // eps^(1/4) = 2^-13
// A fixed 1e-5: the relative step of the GLM observed information's
// d/deta (mu.eta / V) for families given by R functions (glm_family.hpp;
// the value newton_glm_fit has always used).
constexpr double kGlmObserved = 1e-5;

// The relative step c * max(1, |x|).
inline double step(double c, double x) { return c * std::max(1.0, std::fabs(x)); }

// Gradient of a scalar function by central differences (2n calls of f).
template <class F>
Vec gradient_central(F&& f, const Vec& x) {
  const Eigen::Index n = x.size();
  Vec out(n), xt = x;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double h = step(kCentral, x(i));
    xt(i) = x(i) + h;
    const double fp = f(xt);
    xt(i) = x(i) - h;
    const double fm = f(xt);
    xt(i) = x(i);
    out(i) = (fp - fm) / ((x(i) + h) - (x(i) - h));
  }
  return out;
}

// Gradient by forward differences, f(x) = fx known (n calls of f).
template <class F>
Vec gradient_forward(F&& f, const Vec& x, double fx) {
  const Eigen::Index n = x.size();
  Vec out(n), xt = x;
  for (Eigen::Index i = 0; i < n; ++i) {
    xt(i) = x(i) + step(kForward, x(i));
    out(i) = (f(xt) - fx) / (xt(i) - x(i));
    xt(i) = x(i);
  }
  return out;
}

// Hessian by forward differences of the gradient, g(x) = gx known
// (n calls of g), symmetrised.
template <class G>
Mat hessian_from_gradient(G&& g, const Vec& x, const Vec& gx) {
  const Eigen::Index n = x.size();
  Mat H(n, n);
  Vec xt = x;
  for (Eigen::Index j = 0; j < n; ++j) {
    xt(j) = x(j) + step(kForward, x(j));
    H.col(j) = (g(xt) - gx) / (xt(j) - x(j));
    xt(j) = x(j);
  }
  return 0.5 * (H + H.transpose());
}

// Hessian by central differences of the gradient (2n calls of g, error
// O(h^2)), symmetrised.
template <class G>
Mat hessian_from_gradient_central(G&& g, const Vec& x) {
  const Eigen::Index n = x.size();
  Mat H(n, n);
  Vec xt = x;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = step(kCentral, x(j));
    xt(j) = x(j) + h;
    const Vec gp = g(xt);
    xt(j) = x(j) - h;
    const Vec gm = g(xt);
    xt(j) = x(j);
    H.col(j) = (gp - gm) / (2 * h);
  }
  return (H + H.transpose()) / 2;
}

namespace detail {
// The off-diagonal second differences shared by gradient_hessian() and
// hessian_second(): H_ij from f(x + h_i e_i + h_j e_j) and f(x - h_i e_i -
// h_j e_j) with the points f(x +- h_i e_i) = fp, fm already computed (a
// central correction): n(n-1) calls of f.
template <class F>
void off_diagonal_second(F& f, const Vec& x, double f0, const Vec& hs, const Vec& fp,
                         const Vec& fm, Mat& H) {
  const Eigen::Index n = x.size();
  Vec xt = x;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = i + 1; j < n; ++j) {
      xt(i) = x(i) + hs(i);
      xt(j) = x(j) + hs(j);
      const double fpp = f(xt);
      xt(i) = x(i) - hs(i);
      xt(j) = x(j) - hs(j);
      const double fmm = f(xt);
      xt(i) = x(i);
      xt(j) = x(j);
      H(i, j) = H(j, i) =
          (fpp - fp(i) - fp(j) + 2.0 * f0 - fm(i) - fm(j) + fmm) / (2.0 * hs(i) * hs(j));
    }
  }
}
}  // namespace detail

// Gradient and Hessian together from f alone, f(x) = f0 known, sharing the
// points x +- h e_i between the central gradient and the diagonal second
// differences (h ~ eps^(1/4)); the off-diagonal terms use x + hi + hj and
// x - hi - hj: 2n + n(n-1) calls of f.
template <class F>
Vec gradient_hessian(F&& f, const Vec& x, double f0, Mat& H) {
  const Eigen::Index n = x.size();
  Vec gout(n), hs(n), fp(n), fm(n), xt = x;
  H.resize(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    xt(i) = x(i) + step(kSecond, x(i));
    hs(i) = xt(i) - x(i);
    fp(i) = f(xt);
    xt(i) = x(i) - hs(i);
    fm(i) = f(xt);
    xt(i) = x(i);
    gout(i) = (fp(i) - fm(i)) / (2.0 * hs(i));
    H(i, i) = (fp(i) - 2.0 * f0 + fm(i)) / (hs(i) * hs(i));
  }
  detail::off_diagonal_second(f, x, f0, hs, fp, fm, H);
  return gout;
}

// Hessian from f alone by second differences with the nominal steps
// h_i = eps^(1/4) max(1, |x_i|) (not the steps actually taken), f(x) = f0
// known: diagonal from f(x +- h_i e_i), off-diagonal from f(x + h_i e_i +
// h_j e_j) and f(x - h_i e_i - h_j e_j) with a central correction: 2n +
// n(n-1) calls of f.  newton_optim's Hessian where there is no gradient
// function and no joint gradient (the end point's classification); kept
// apart from gradient_hessian() because its steps differ in the last bit.
template <class F>
Mat hessian_second(F&& f, const Vec& x, double f0) {
  const Eigen::Index n = x.size();
  Mat H(n, n);
  Vec xt = x, hs(n), fp(n), fm(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    hs(i) = step(kSecond, x(i));
    xt(i) = x(i) + hs(i);
    fp(i) = f(xt);
    xt(i) = x(i) - hs(i);
    fm(i) = f(xt);
    xt(i) = x(i);
    H(i, i) = (fp(i) - 2.0 * f0 + fm(i)) / (hs(i) * hs(i));
  }
  detail::off_diagonal_second(f, x, f0, hs, fp, fm, H);
  return H;
}

// Hessian-vector product H v from the gradient: forward differences along v
// (one call of g, g(x) = gx known) or, when the gradient is itself numerical
// and noisy, central differences (two calls) with the longer step.
template <class G>
Vec hessian_vector(G&& g, const Vec& x, const Vec& gx, const Vec& v, bool central) {
  const double vn = v.norm();
  if (vn == 0) return Vec::Zero(x.size());
  if (!central) {
    const double h = kForward * std::max(1.0, x.norm()) / vn;
    return (g(x + h * v) - gx) / h;
  }
  const double h = kSecond * std::max(1.0, x.norm()) / vn;
  return (g(x + h * v) - g(x - h * v)) / (2.0 * h);
}

// Jacobian of F: R^n -> R^m by forward differences, F(x) = fx known
// (n calls of F).
template <class F>
Mat jacobian_forward(F&& fun, const Vec& x, const Vec& fx) {
  const Eigen::Index n = x.size();
  Mat J(fx.size(), n);
  Vec xt = x;
  for (Eigen::Index j = 0; j < n; ++j) {
    xt(j) = x(j) + step(kForward, x(j));
    J.col(j) = (fun(xt) - fx) / (xt(j) - x(j));
    xt(j) = x(j);
  }
  return J;
}

// Scalar first derivative by central differences (two calls of f).
template <class F>
double derivative_central(F&& f, double x) {
  const double h = step(kCentral, x);
  return (f(x + h) - f(x - h)) / (2 * h);
}

// eps^(1/3) as std::pow(eps, 1.0 / 3) rounds it, 2 ulps above kCentral:
// newton_root's central step since its first release, kept so that its
// iterates with numerical derivatives stay bit-identical (with kCentral,
// 18 of 462 open runs on the APS collection take another number of
// iterations). One constant would be better; unify with a note of the
// changed results.
constexpr double kCentralRoot = 6.055454452393343e-06;

// Scalar first derivative by central differences with the relative step
// c * max(1, |x|) (two calls of f).
template <class F>
double derivative_central(F&& f, double x, double c) {
  const double h = step(c, x);
  return (f(x + h) - f(x - h)) / (2 * h);
}

// Scalar second derivative by second differences, f(x) = fx known (two
// calls of f).
template <class F>
double second_derivative(F&& f, double x, double fx) {
  const double h = step(kSecond, x);
  return (f(x + h) - 2 * fx + f(x - h)) / (h * h);
}

// Jacobian of a square F by forward differences, F(x) = fx known, with
// retries (newton_solve): a column whose forward point is not finite is
// tried backwards (n more calls at most); a column exactly 0 while F is not
// (F(x + h e_j) == F(x) in every digit: a change below the rounding of F,
// as x2^2 - 1e12 at x2 = 1) is tried once more with a step 1e4 times longer.
// A column still not finite is left so: the caller reports it. Each
// column divides by the step actually taken.
template <class F>
Mat jacobian_forward_guarded(F&& fun, const Vec& x, const Vec& fx) {
  const Eigen::Index n = x.size();
  Mat J(n, n);
  Vec xh = x;
  const bool fzero = fx.isZero(0.0);
  for (Eigen::Index j = 0; j < n; ++j) {
    double h = step(kForward, x[j]);
    for (int sgn = 1, tries = 0; tries < 3; ++tries) {
      xh[j] = x[j] + sgn * h;
      const double hh = xh[j] - x[j];  // the step actually taken
      J.col(j) = (fun(xh) - fx) / hh;
      if (!J.col(j).allFinite()) {
        if (sgn < 0) break;
        sgn = -1;  // backwards
      } else if (J.col(j).isZero(0.0) && !fzero && h < 1e-6 * std::max(1.0, std::fabs(x[j]))) {
        h *= 1e4;  // longer
      } else {
        break;
      }
    }
    xh[j] = x[j];
  }
  return J;
}

// Jacobian of F: R^n -> R^m by central differences with given steps h_j
// (newton_solve's check of a user's jac compares several step sizes),
// dividing by the step actually taken, (x_j + h_j) - (x_j - h_j). Stops at
// the first column that is not finite and returns false; `calls` counts
// the calls of F made.
template <class F>
bool jacobian_central_steps(F&& fun, const Vec& x, const Vec& h, Mat& J, int& calls) {
  const Eigen::Index n = x.size();
  Vec xp = x, xm = x;
  for (Eigen::Index k = 0; k < n; ++k) {
    xp(k) = x(k) + h(k);
    xm(k) = x(k) - h(k);
    const Vec fp = fun(xp), fm = fun(xm);
    calls += 2;
    if (k == 0) J.resize(fp.size(), n);
    J.col(k) = (fp - fm) / (xp(k) - xm(k));
    if (!J.col(k).allFinite()) return false;
    xp(k) = x(k);
    xm(k) = x(k);
  }
  return true;
}

// ---- inside a box lower <= x <= upper (issue 16) --------------------------
// Variants that never evaluate outside the box: central where both x +- h
// fit, else one-sided towards the inside (bounds::feasible_fd_step); a fixed
// variable (lower == upper) gets derivative 0 (it never moves).  With all
// bounds infinite they are not used (the unbounded formulas above are).

// Gradient: central differences (step kCentral) where they fit; at a bound
// the second-order one-sided formula (-3 f0 + 4 f(x+h) - f(x+2h)) / (2h)
// when x + 2h fits, else a forward difference with the feasible step.
// f0 = f(x), or NaN: then f(x) is evaluated if a one-sided formula needs it.
template <class F>
Vec gradient_box(F&& f, const Vec& x, double f0, const Vec& lo, const Vec& up) {
  const Eigen::Index n = x.size();
  auto fx = [&]() {
    if (std::isnan(f0)) f0 = f(x);
    return f0;
  };
  Vec out(n), xt = x;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double h = step(kCentral, x(i));
    if (lo(i) == up(i)) {
      out(i) = 0.0;
    } else if (bounds::central_fits(x(i), h, lo(i), up(i))) {
      xt(i) = x(i) + h;
      const double fp = f(xt);
      xt(i) = x(i) - h;
      const double fm = f(xt);
      out(i) = (fp - fm) / ((x(i) + h) - (x(i) - h));
    } else {
      const double s = bounds::feasible_fd_step(x(i), 2 * h, lo(i), up(i));
      if (std::fabs(s) == 2 * h) {
        xt(i) = x(i) + s / 2;
        const double f1 = f(xt);
        xt(i) = x(i) + s;
        const double f2 = f(xt);
        out(i) = (-3 * fx() + 4 * f1 - f2) / s;
      } else {
        xt(i) = x(i) + s;
        out(i) = (f(xt) - fx()) / (xt(i) - x(i));
      }
    }
    xt(i) = x(i);
  }
  return out;
}

// Hessian from differences of the gradient g(x) = gx: central (step c) where
// it fits and `central` is asked for (a numerical gradient), else one-sided
// with the feasible step; symmetrised.  Fixed variables get zero rows and
// columns.
template <class G>
Mat hessian_from_gradient_box(G&& g, const Vec& x, const Vec& gx, const Vec& lo, const Vec& up,
                              double c, bool central) {
  const Eigen::Index n = x.size();
  Mat H = Mat::Zero(n, n);
  Vec xt = x;
  for (Eigen::Index j = 0; j < n; ++j) {
    if (lo(j) == up(j)) continue;
    const double h = step(c, x(j));
    if (central && bounds::central_fits(x(j), h, lo(j), up(j))) {
      xt(j) = x(j) + h;
      const Vec gp = g(xt);
      xt(j) = x(j) - h;
      const Vec gm = g(xt);
      H.col(j) = (gp - gm) / ((x(j) + h) - (x(j) - h));
    } else {
      xt(j) = x(j) + bounds::feasible_fd_step(x(j), h, lo(j), up(j));
      H.col(j) = (g(xt) - gx) / (xt(j) - x(j));
    }
    xt(j) = x(j);
  }
  return 0.5 * (H + H.transpose());
}

// Largest t >= 0 with x + t v in the box (Inf if v never leaves it).
inline double max_feasible_step(const Vec& x, const Vec& v, const Vec& lo, const Vec& up) {
  double t = kInf;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (v(i) > 0) t = std::min(t, (up(i) - x(i)) / v(i));
    if (v(i) < 0) t = std::min(t, (lo(i) - x(i)) / v(i));
  }
  return std::max(t, 0.0);
}

// Hessian-vector product from the gradient along v, inside the box: as
// hessian_vector where x + t v (and x - t v for central) fit; else the
// one-sided difference towards the side that fits, with a shorter step if
// neither full step does.  Returns an empty vector when no step along +-v
// stays in the box (the caller forms H instead).
template <class G>
Vec hessian_vector_box(G&& g, const Vec& x, const Vec& gx, const Vec& v, bool central,
                       const Vec& lo, const Vec& up) {
  const double vn = v.norm();
  if (vn == 0) return Vec::Zero(x.size());
  const double t = (central ? kSecond : kForward) * std::max(1.0, x.norm()) / vn;
  const double tp = max_feasible_step(x, v, lo, up), tm = max_feasible_step(x, -v, lo, up);
  // (points projected against the rounding of x + t v at t = tp)
  auto at = [&](double a) { return g(Vec(bounds::project(x + a * v, lo, up))); };
  if (central && t <= tp && t <= tm) return (at(t) - at(-t)) / (2.0 * t);
  if (t <= tp) return (at(t) - gx) / t;
  if (t <= tm) return (gx - at(-t)) / t;
  const double tt = std::max(tp, tm);
  if (!(tt > 0)) return Vec();
  return tp >= tm ? Vec((at(tt) - gx) / tt) : Vec((gx - at(-tt)) / tt);
}

}  // namespace fd
}  // namespace newtonr
