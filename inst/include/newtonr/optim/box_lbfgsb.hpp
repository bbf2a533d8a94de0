// newtonr/optim/box_lbfgsb.hpp -- methods "bfgs" and "lbfgs" inside a box:
// L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995, "A limited memory algorithm for
// bound constrained optimization", SIAM J. Sci. Comput. 16).  Each
// iteration: the generalized Cauchy point of the quadratic model along the
// projected steepest-descent path (bounds::cauchy_point[_hv], BLNZ sec. 4);
// subspace minimisation of the model over the variables free there (BLNZ
// sec. 5.1, the direct primal method: Sherman-Morrison-Woodbury on the
// compact L-BFGS matrix, a Cholesky solve of the dense BFGS matrix),
// truncated to the box; then the strong-Wolfe search of linesearch.hpp
// (Armijo backtracking without gr) along d = x-bar - x, with alpha at most
// the largest step that keeps x + alpha d in the box (>= 1: the box is
// convex and x, x-bar are in it).  B is updated with (s, y)
// unless s'y <= eps y'y (as L-BFGS-B).  "bfgs" keeps the dense B (N&W eq.
// 6.19), "lbfgs" the compact form B = theta I - W M W' (BLNZ eq. 3.2).
#pragma once

#include "../linesearch.hpp"
#include "state.hpp"

#include <Eigen/LU>
#include <deque>

namespace newtonr {

class BoxQuasiNewtonStepper : public OptimStepper {
 public:
  explicit BoxQuasiNewtonStepper(bool dense) : dense_(dense) {}

  StepResult step(OptimState& s) override {
    extras = OptimTraceExtras();
    const Vec &l = s.opt.lower, &u = s.opt.upper;
    const Eigen::Index n = s.n();
    if (dense_ && B_.size() == 0) B_ = Mat::Identity(n, n);
    auto Bv = [&](const Vec& v) { return product(v); };
    const bounds::CauchyPoint cp = dense_ ? bounds::cauchy_point(s.x, s.g, l, u, B_)
                                          : bounds::cauchy_point_hv(s.x, s.g, l, u, Bv);
    Vec d = subspace_point(s, cp) - s.x;
    double slope = s.g.dot(d);
    if (!(slope < 0)) {  // the subspace step lost descent: the Cauchy step
      d = cp.s;
      slope = s.g.dot(d);
    }
    if (!(slope < 0) || ((s.x + d).array() == s.x.array()).all())
      return StepResult::stop(OptimStatus::Stalled, "no descent direction inside the box");
    Vec gnew;
    const LineSearchResult ls = search(s, d, slope, gnew);
    if (!ls.ok) return StepResult::stop(OptimStatus::Stalled, "the line search found no decrease");
    const Vec xold = s.x, gold = s.g;
    s.accept(bounds::project(s.x + ls.alpha * d, l, u), ls.f, gnew);
    update(s.x - xold, s.g - gold);
    StepResult r;
    r.step = (s.x - xold).norm();
    return r;
  }

 private:
  int pairs() const { return dense_ ? updates_ : static_cast<int>(S_.size()); }

  // The step length along d (x + d = x-bar): with gr, the strong-Wolfe
  // search of linesearch.hpp with alpha at most the largest feasible step
  // (L-BFGS-B's stpmax; its first step, B = I, has length at most 1);
  // without gr, Armijo backtracking on f alone from alpha = 1.  Every trial
  // point is in the box (projected against rounding).  `gnew` receives g at
  // the accepted point when the search computed it.
  LineSearchResult search(OptimState& s, const Vec& d, double slope, Vec& gnew) {
    const Vec &l = s.opt.lower, &u = s.opt.upper;
    const double alpha0 = pairs() == 0 ? std::min(1.0, 1.0 / std::max(d.norm(), 1e-300)) : 1.0;
    auto at = [&](double a) { return Vec(bounds::project(s.x + a * d, l, u)); };
    if (!s.ev.has_gr())
      return armijo_backtrack([&](double a) { return s.ev.f(at(a)); }, s.f, slope, alpha0);
    double last_a = kNaN;
    Vec last_g;
    auto phid = [&](double a, double* dphi) {
      const Vec xt = at(a);
      const double fa = s.ev.f(xt);
      if (!std::isfinite(fa)) return fa;
      last_g = s.ev.g(xt);
      last_a = a;
      *dphi = last_g.dot(d);
      return fa;
    };
    const double amax = std::max(1.0, std::min(1e10, fd::max_feasible_step(s.x, d, l, u)));
    LineSearchResult ls = wolfe_search(phid, s.f, slope, alpha0, 1e-4, 0.9, 40, amax);
    if (ls.ok && last_a == ls.alpha) gnew = last_g;
    return ls;
  }

  Vec product(const Vec& v) const {
    if (dense_) return B_ * v;
    if (S_.empty()) return v;
    const Mat W = wmat();
    return theta_ * v - W * (M_ * (W.transpose() * v));
  }
  // W = [Y, theta S] (n x 2m).
  Mat wmat() const {
    const Eigen::Index n = S_.front().size(), m = static_cast<Eigen::Index>(S_.size());
    Mat W(n, 2 * m);
    for (Eigen::Index i = 0; i < m; ++i) {
      W.col(i) = Y_[i];
      W.col(m + i) = theta_ * S_[i];
    }
    return W;
  }

  // x-bar: the model's minimiser over the free variables at the Cauchy
  // point (B_FF d = -r_F, r = g + B (x^c - x)), truncated to the box.
  Vec subspace_point(const OptimState& s, const bounds::CauchyPoint& cp) const {
    const Vec &l = s.opt.lower, &u = s.opt.upper;
    const std::vector<Eigen::Index> F = bounds::free_indices(bounds::at_bound_mask(cp.x, l, u));
    const Eigen::Index nf = static_cast<Eigen::Index>(F.size());
    if (nf == 0 || pairs() == 0) return cp.x;
    const Vec r = s.g + product(cp.s);
    Vec rF(nf);
    for (Eigen::Index k = 0; k < nf; ++k) rF(k) = r(F[k]);
    Vec dF;
    if (dense_) {
      Mat BF(nf, nf);
      for (Eigen::Index a = 0; a < nf; ++a)
        for (Eigen::Index b = 0; b < nf; ++b) BF(a, b) = B_(F[a], F[b]);
      Eigen::LLT<Mat> llt(BF);
      if (llt.info() != Eigen::Success) return cp.x;
      dF = -llt.solve(rF);
    } else {
      // BLNZ eq. 5.11: B_FF^{-1} = I/theta + W_F (I - M W_F'W_F/theta)^{-1} M W_F' / theta^2
      const Mat W = wmat();
      Mat WF(nf, W.cols());
      for (Eigen::Index k = 0; k < nf; ++k) WF.row(k) = W.row(F[k]);
      const Mat N = Mat::Identity(W.cols(), W.cols()) - M_ * (WF.transpose() * WF) / theta_;
      const Vec v = N.partialPivLu().solve(Vec(M_ * (WF.transpose() * rF)));
      dF = -(rF / theta_ + WF * v / (theta_ * theta_));
    }
    if (!dF.allFinite()) return cp.x;
    Vec d = Vec::Zero(s.n());
    for (Eigen::Index k = 0; k < nf; ++k) d(F[k]) = dF(k);
    const double t = std::min(1.0, fd::max_feasible_step(cp.x, d, l, u));
    return bounds::project(cp.x + t * d, l, u);
  }

  void update(const Vec& s, const Vec& y) {
    const double sy = s.dot(y), yy = y.squaredNorm();
    if (!(sy > 2.220446049250313e-16 * yy) || !(yy > 0)) return;
    if (dense_) {
      if (updates_++ == 0) B_ *= yy / sy;  // N&W eq. 6.20, for B
      const Vec Bs = B_ * s;
      B_ += (y * y.transpose()) / sy - (Bs * Bs.transpose()) / s.dot(Bs);
      return;
    }
    S_.push_back(s);
    Y_.push_back(y);
    if (static_cast<int>(S_.size()) > memory_) {
      S_.pop_front();
      Y_.pop_front();
    }
    theta_ = yy / sy;
    // M = [[-D, L'], [L, theta S'S]]^{-1} (BLNZ eq. 3.4)
    const Eigen::Index m = static_cast<Eigen::Index>(S_.size());
    Mat K(2 * m, 2 * m);
    for (Eigen::Index i = 0; i < m; ++i) {
      for (Eigen::Index j = 0; j < m; ++j) {
        const double sy_ij = S_[i].dot(Y_[j]);
        K(i, j) = i == j ? -sy_ij : 0.0;
        K(m + i, j) = i > j ? sy_ij : 0.0;
        K(j, m + i) = K(m + i, j);
        K(m + i, m + j) = theta_ * S_[i].dot(S_[j]);
      }
    }
    M_ = K.inverse();
  }

 public:
  void init(OptimState& s) override { memory_ = s.opt.memory; }

 private:
  bool dense_;
  Mat B_;            // bfgs: the Hessian approximation
  int updates_ = 0;  // bfgs: updates made
  std::deque<Vec> S_, Y_;
  double theta_ = 1.0;
  Mat M_;
  int memory_ = 10;
};

}  // namespace newtonr
