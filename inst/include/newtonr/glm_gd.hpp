// newtonr/glm_gd.hpp -- gradient descent as a step rule of the IRLS loop
// (glm_loop.hpp), for teaching (control algorithm = "gd").
//
// The step follows the score g = X'u - pen * beta (u = wt (y - mu) mu.eta /
// V) from the accepted point: beta + t g, with t = 1/L at first (L the
// largest eigenvalue of X'WX + diag(pen) at the first gradient step),
// doubled tentatively each iteration and halved until the Armijo condition
// on the penalised deviance holds, pdev <= pdev_old - 1e-4 * 2 t |g|^2
// (Nocedal & Wright 2006, Sec. 3.1; the deviance is -2 log-likelihood, so
// its gradient is -2 g).  It stops when the estimated deviance still to
// gain, |g|^2 / lambda_min (lambda_min the smallest eigenvalue at the
// start), falls below epsilon (|pdev| + 0.1) and the curvature at the
// current point confirms it (converged() below): under linear convergence a
// small change of the deviance says little.  A fit without starting
// coefficients (the family's mustart) begins with one IRLS step.  After the
// loop, the weights and R are those of the final point (Fisher's), with
// the effects 0 (no least-squares solve produced the coefficients).
#pragma once

#include <newtonr/glm_loop.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

namespace newtonr {

class GlmGdStep : public GlmStepRule {
 public:
  explicit GlmGdStep(GlmIrlsStep& first) : first_(first) {}
  GlmPassKind needs(const GlmLoop& L) const override {
    if (!L.has_old) return first_.needs(L);
    GlmPassKind k;
    k.accumulate = true;  // X'u (and X'WX for the first step length)
    k.score = true;
    return k;
  }
  bool step(GlmLoop& L, int iter) override {
    last_gd_ = L.has_old;
    if (!L.has_old) return first_.step(L, iter);
    if (!init_) init(L);
    const Vec bu = L.coefold.cwiseProduct(L.sc);  // unscaled coefficients
    const Vec g = (L.ev.b - L.pen.cwiseProduct(L.coefold)).cwiseQuotient(L.sc);
    long double g2l = 0;  // as R's sum(g^2)
    for (Eigen::Index j = 0; j < g.size(); ++j) g2l += g(j) * g(j);
    const double g2 = static_cast<double>(g2l);
    double t = step_ * 2;
    int nh = 0;
    for (;;) {
      const Vec cand = bu + t * g;
      L.c0 = cand.cwiseQuotient(L.sc);
      L.ev2 = L.eng.run(cand.data(), L.e_new, GlmPassKind());
      const double pd = L.ev2.valid ? L.pdev(L.ev2) : kNaN;
      if (L.ev2.valid && std::isfinite(pd) && pd <= L.pdevold - 1e-4 * 2 * t * g2) break;
      t /= 2;
      ++nh;
      if (nh > 60) break;
    }
    step_ = t;
    L.nh = nh;
    L.gnorm = std::sqrt(g2);
    return true;
  }
  // The estimate |g|^2 / lambda_min with the starting curvature is cheap
  // but says nothing where the curvature has since vanished (separated
  // binomial data: the weights of the separated rows tend to 0 while the
  // deviance keeps falling towards its infimum at infinity).  So when it
  // passes, the curvature at the current point must confirm it:
  // X'WX + P - mu I positive definite (a Cholesky), mu = |g|^2 / tol, i.e.
  // lambda_min(now) > mu.  A refused confirmation is retried after 1, 2,
  // 4, ... further passing iterations (at most about log2(maxit)
  // factorisations of p x p).
  bool converged(const GlmLoop& L, double pdev) const override {
    if (!last_gd_) return first_.converged(L, pdev);
    const double tol = L.s.epsilon * (0.1 + std::fabs(pdev)), g2 = L.gnorm * L.gnorm;
    if (!(g2 / lmin_ < tol)) return false;
    if (skip_ > 0) {
      --skip_;
      return false;
    }
    const Vec inv = L.sc.cwiseInverse();
    Mat A = inv.asDiagonal() * L.ev.A * inv.asDiagonal();
    A.diagonal() += L.pen_raw;
    A.diagonal().array() -= g2 / tol;
    const bool ok = A.allFinite() && Eigen::LLT<Mat>(A).info() == Eigen::Success;
    if (!ok) skip_ = wait_ = std::max(1, 2 * wait_);
    return ok;
  }
  // Weights and R at the final point (Fisher's weights; X'r = 0).
  void finish(GlmLoop& L) override {
    first_.finish(L);  // the first (IRLS) step's halving warnings
    GlmPassKind k;
    k.accumulate = true;
    GlmPass ev = L.eng.run(nullptr, L.e_old, k);
    glm_check_normal_equations(ev.A, ev.b);
    L.res.solve = L.solver(ev.A, Vec::Zero(L.p), L.s.tol(), L.pen);
    L.res.have_solve = true;
    L.e_w = L.e_old;
  }

 private:
  // The first step length 1/L and lambda_min, from X'WX (unscaled) +
  // diag(pen) at the first gradient step.
  void init(const GlmLoop& L) {
    const Vec inv = L.sc.cwiseInverse();
    Mat A = inv.asDiagonal() * L.ev.A * inv.asDiagonal();
    if (!A.allFinite())
      throw std::runtime_error(
          "algorithm = \"gd\" cannot handle the scale of 'x' (X'WX overflows); use algorithm = "
          "\"irls\"");
    A.diagonal() += L.pen_raw;
    Eigen::SelfAdjointEigenSolver<Mat> es(A, Eigen::EigenvaluesOnly);
    const double big = es.eigenvalues().maxCoeff();
    step_ = 1 / big;
    lmin_ = std::max(es.eigenvalues().minCoeff(), big * kEps);
    init_ = true;
  }
  GlmIrlsStep& first_;
  bool init_ = false, last_gd_ = false;
  mutable int skip_ = 0, wait_ = 0;  // the confirmation's back-off
  double step_ = 0, lmin_ = 0;
};

}  // namespace newtonr
