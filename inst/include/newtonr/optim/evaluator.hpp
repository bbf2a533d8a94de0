// newtonr/optim/evaluator.hpp -- OptimEvaluator: the callbacks of a
// minimisation problem with scaling by 1/fnscale, counting, and finite
// differences (all from fd.hpp) for whatever derivative is missing.
//
// Without gr the gradient is a central difference of f; quasi-Newton
// methods may switch to forward differences (p calls instead of 2p) until
// near the end (set_forward).  Without hess the Hessian is a forward
// difference of the gradient, or second differences of f without gr.
#pragma once

#include "../fd.hpp"
#include "options.hpp"

namespace newtonr {

class OptimEvaluator {
  // f and g as callables for fd.hpp (counted, scaled)
  struct FCall {
    OptimEvaluator* ev;
    double operator()(const Vec& z) const { return ev->f(z); }
  };
  struct GCall {
    OptimEvaluator* ev;
    Vec operator()(const Vec& z) const { return ev->g(z); }
  };
  FCall fcall() { return FCall{this}; }
  GCall gcall() { return GCall{this}; }

 public:
  OptimEvaluator(const OptimFunctions& f, double fnscale, OptimCounts& counts)
      : f_(f), scale_(1.0 / fnscale), c_(counts) {}

  bool has_gr() const { return static_cast<bool>(f_.gr); }
  bool has_hess() const { return static_cast<bool>(f_.hess); }
  bool has_hessp() const { return static_cast<bool>(f_.hessp); }
  // Multiply the internal objective by `s` (a power of 2, so exact).
  void rescale(double s) { scale_ *= s; }

  double f(const Vec& x) {
    ++c_.fn;
    return f_.fn(x) * scale_;
  }
  // Inside a box (issue 16): every difference below stays in it (fd.hpp's
  // *_box variants); unset, the unbounded formulas run unchanged.
  void set_box(const Vec& lower, const Vec& upper) {
    lo_ = &lower;
    up_ = &upper;
  }
  bool boxed() const { return lo_ != nullptr; }

  // Gradient; central differences of f when no gr (step ~ eps^(1/3)).
  Vec g(const Vec& x) {
    if (f_.gr) {
      ++c_.gr;
      return f_.gr(x) * scale_;
    }
    if (lo_) return fd::gradient_box(fcall(), x, kNaN, *lo_, *up_);
    return fd::gradient_central(fcall(), x);
  }
  // Gradient at x with f(x) = fx known, inside the box (no gr: the box
  // differences, which use fx at a bound).
  Vec g_box(const Vec& x, double fx) {
    if (f_.gr) return g(x);
    return fd::gradient_box(fcall(), x, fx, *lo_, *up_);
  }
  // Gradient at x with f(x) = fx known (internal scale): forward differences
  // when switched on and there is no gr (step ~ sqrt(eps), p calls), else g(x).
  Vec g(const Vec& x, double fx) {
    if (f_.gr || !forward_) return g(x);
    return fd::gradient_forward(fcall(), x, fx);
  }
  void set_forward(bool on) { forward_ = on && !f_.gr; }
  bool forward() const { return forward_; }
  // Central differences of gr (2p calls, error O(h^2) instead of O(h)): the
  // end point's classification (x^3 at 1e-18: forward differences give
  // H = 3h > 0 where H = 6x ~ 0).  Requires gr.
  Mat h_central(const Vec& x) { return fd::hessian_from_gradient_central(gcall(), x); }
  // Hessian: user's, or forward differences of the gradient (symmetrised),
  // or, without gr, second differences of f (step ~ eps^(1/4)).
  Mat h(const Vec& x, const Vec& gx) {
    if (f_.hess) {
      ++c_.hess;
      return f_.hess(x) * scale_;
    }
    if (lo_) {
      // without gr the gradient is itself a difference: central differences
      // of it with the longer step eps^(1/4) where they fit
      return fd::hessian_from_gradient_box(gcall(), x, gx, *lo_, *up_,
                                           f_.gr ? fd::kForward : fd::kSecond, !f_.gr);
    }
    if (f_.gr) return fd::hessian_from_gradient(gcall(), x, gx);
    const double f0 = f(x);
    return fd::hessian_second(fcall(), x, f0);
  }
  // Gradient and Hessian together from f only, sharing the points x +- h e_i
  // (2p + p(p-1) calls instead of 2p + 2p^2).  Used by Newton and the trust
  // region when neither gr nor hess is given.
  Vec gh(const Vec& x, double f0, Mat& H) { return fd::gradient_hessian(fcall(), x, f0, H); }
  // Hessian-vector product: user's hessp, or forward differences of the
  // gradient along v (central when the gradient itself is numerical).
  Vec hv(const Vec& x, const Vec& gx, const Vec& v) {
    if (f_.hessp) {
      ++c_.hess;
      return f_.hessp(x, v) * scale_;
    }
    if (lo_) {
      Vec hv = fd::hessian_vector_box(gcall(), x, gx, v, !f_.gr, *lo_, *up_);
      return hv.size() ? hv : Vec(h(x, gx) * v);
    }
    return fd::hessian_vector(gcall(), x, gx, v, !f_.gr);
  }

 private:
  const OptimFunctions& f_;
  double scale_;
  OptimCounts& c_;
  bool forward_ = false;
  const Vec* lo_ = nullptr;  // the box, when set_box was called
  const Vec* up_ = nullptr;
};

}  // namespace newtonr
