// cpptests/glm_tests.cpp -- tests of the R-free GLM kernels
// (newtonr/glm_xtwx.hpp: X'WX and X beta; newtonr/glm_chol.hpp: the
// aliasing Cholesky; newtonr/glm_irls.hpp: the whole IRLS loop) against
// naive Eigen computations. Kept apart from core_tests.cpp because the GLM
// kernel has its own owner: if its interface changes, only this file needs
// updating.
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_irls.hpp>
#include <newtonr/glm_xtwx.hpp>

#include <climits>
#include <cmath>
#include <vector>

#include "check.hpp"

using newtonr::Mat;
using newtonr::Vec;

namespace {

struct IrlsOut {
  newtonr::GlmIrlsResult res;
  std::vector<double> eta_a, eta_b, mu, w, resid;
};

// glm_irls on (X, y) with unit prior weights, zero offset and glm.fit's
// starting values for the family (mustart from y, eta = linkfun(mustart)).
IrlsOut run_irls(const Mat& X, const Vec& y, const char* family, const char* link,
                 int threads, const double* scale = nullptr, int maxit = 25) {
  const Eigen::Index n = X.rows(), p = X.cols();
  newtonr::GlmFamily fam;
  const bool ok = newtonr::glm_family_from_names(family, link, "", fam);
  CHECK(ok);
  static Vec wt, off;
  wt = Vec::Ones(n);
  off = Vec::Zero(n);
  IrlsOut o;
  o.eta_a.resize(static_cast<size_t>(n));
  o.eta_b.resize(static_cast<size_t>(n));
  o.mu.resize(static_cast<size_t>(n));
  o.w.resize(static_cast<size_t>(n));
  o.resid.resize(static_cast<size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double ms = std::string(family) == "binomial" ? (y(i) + 0.5) / 2 : y(i) + 0.1;
    const std::string lk(link);
    o.eta_a[static_cast<size_t>(i)] =
        lk == "logit" ? std::log(ms / (1 - ms)) : lk == "log" ? std::log(ms) : y(i);
  }
  newtonr::GlmData d;
  d.X = X.data();
  d.n = n;
  d.p = p;
  d.y = y.data();
  d.wt = wt.data();
  d.off = off.data();
  d.scale = scale;
  newtonr::GlmBuffers buf;
  buf.eta_a = o.eta_a.data();
  buf.eta_b = o.eta_b.data();
  buf.mu = o.mu.data();
  buf.weights = o.w.data();
  buf.residuals = o.resid.data();
  newtonr::GlmIrlsSettings st;
  st.epsilon = 1e-10;
  st.threads = threads;
  st.maxit = maxit;
  newtonr::Interrupter intr;
  o.res = newtonr::glm_irls(d, fam, buf, nullptr, Vec::Zero(p), st, newtonr::GlmKernels(), intr);
  return o;
}

// Newton's method on the log-likelihood with dense Eigen algebra (the
// reference): canonical links, so Newton = Fisher scoring.
Vec naive_glm(const Mat& X, const Vec& y, bool logistic) {
  Vec beta = Vec::Zero(X.cols());
  for (int it = 0; it < 50; ++it) {
    const Vec eta = X * beta;
    Vec mu(eta.size()), v(eta.size());
    for (Eigen::Index i = 0; i < eta.size(); ++i) {
      mu(i) = logistic ? 1 / (1 + std::exp(-eta(i))) : std::exp(eta(i));
      v(i) = logistic ? mu(i) * (1 - mu(i)) : mu(i);
    }
    const Mat H = X.transpose() * v.asDiagonal() * X;
    const Vec step = H.ldlt().solve(X.transpose() * (y - mu));
    beta += step;
    if (step.norm() < 1e-14 * (1 + beta.norm())) break;
  }
  return beta;
}

void glm_irls_tests() {
  const Eigen::Index n = 3000, p = 4;
  unsigned long s = 987654321;
  auto unif = [&s] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  Mat X(n, p);
  Vec yb(n), yp(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    X(i, 0) = 1;
    for (Eigen::Index j = 1; j < p; ++j) X(i, j) = unif() * 2 - 1;
    const double eta = 0.3 + 0.8 * X(i, 1) - 0.5 * X(i, 2) + 0.2 * X(i, 3);
    yb(i) = unif() < 1 / (1 + std::exp(-eta)) ? 1 : 0;
    // a small Poisson count by inversion
    const double lam = std::exp(0.5 * eta);
    double u = unif(), pk = std::exp(-lam), cdf = pk;
    int k = 0;
    while (u > cdf && k < 50) {
      ++k;
      pk *= lam / k;
      cdf += pk;
    }
    yp(i) = k;
  }
  // logistic and Poisson regression against the naive Newton iteration
  IrlsOut lo = run_irls(X, yb, "binomial", "logit", 1);
  CHECK(lo.res.converged);
  const Vec bl = naive_glm(X, yb, true);
  for (Eigen::Index j = 0; j < p; ++j) CHECK_NEAR(lo.res.coef(j), bl(j), 1e-7);
  IrlsOut po = run_irls(X, yp, "poisson", "log", 2);
  CHECK(po.res.converged);
  const Vec bp = naive_glm(X, yp, false);
  for (Eigen::Index j = 0; j < p; ++j) CHECK_NEAR(po.res.coef(j), bp(j), 1e-7);
  // fitted means are the inverse link of the final eta
  CHECK_NEAR(po.mu[7], std::exp(po.res.eta[7]), 1e-12);

  // bit-identical for 1, 2 and 4 threads (coefficients, deviance, trace)
  IrlsOut l2 = run_irls(X, yb, "binomial", "logit", 2), l4 = run_irls(X, yb, "binomial", "logit", 4);
  CHECK(l2.res.coef == lo.res.coef && l4.res.coef == lo.res.coef);
  CHECK(l2.res.dev == lo.res.dev && l4.res.t_dev == lo.res.t_dev);

  // Column equilibration (GlmData::scale): exact, so scaling X's columns by
  // powers of two scales the coefficients exactly, and X * 1e300 (X'WX would
  // overflow) or a 1e-300 column (its X'WX entries would underflow) give the
  // unscaled fit's coefficients.
  Mat Xs = X;
  Xs.col(1) *= std::ldexp(1.0, 600);
  Xs.col(2) *= std::ldexp(1.0, -700);
  newtonr::GlmColScan scan = newtonr::glm_col_scan(Xs.data(), n, p, 2);
  CHECK(scan.finite && scan.scale.size() == p);
  IrlsOut ls = run_irls(Xs, yb, "binomial", "logit", 1, scan.scale.data());
  CHECK(ls.res.converged);
  CHECK(ls.res.coef(0) == lo.res.coef(0) && ls.res.coef(3) == lo.res.coef(3));
  CHECK(ls.res.coef(1) == std::ldexp(lo.res.coef(1), -600));
  CHECK(ls.res.coef(2) == std::ldexp(lo.res.coef(2), 700));
  Mat Xh = X * 1e300;
  scan = newtonr::glm_col_scan(Xh.data(), n, p, 1);
  CHECK(scan.finite && scan.scale.size() == p);
  IrlsOut lh = run_irls(Xh, yb, "binomial", "logit", 4, scan.scale.data());
  CHECK(lh.res.converged);
  for (Eigen::Index j = 0; j < p; ++j) CHECK_NEAR(lh.res.coef(j) * 1e300, bl(j), 1e-7);
  CHECK(lh.res.solve.R.allFinite());
  // a matrix of ordinary scale needs no equilibration; a non-finite one is flagged
  scan = newtonr::glm_col_scan(X.data(), n, p, 1);
  CHECK(scan.finite && scan.scale.size() == 0);
  // a subnormal column (1e-310) or one near overflow gets a normal, finite scale
  Mat Xe = X;
  Xe.col(1) *= 1e-310;
  Xe.col(2) *= 1e308 / 1.5;
  scan = newtonr::glm_col_scan(Xe.data(), n, p, 1);
  CHECK(scan.finite && scan.scale.size() == p && scan.scale.allFinite());
  CHECK(scan.scale(1) <= std::ldexp(1.0, 1022) && scan.scale(2) >= std::ldexp(1.0, -1022));
  CHECK((Xe.col(1) * scan.scale(1)).cwiseAbs().maxCoeff() > 1e-16);
  Mat Xn = X;
  Xn(5, 2) = newtonr::kInf;
  CHECK(!newtonr::glm_col_scan(Xn.data(), n, p, 2).finite);
  Xn(5, 2) = newtonr::kNaN;
  CHECK(!newtonr::glm_col_scan(Xn.data(), n, p, 2).finite);

  // a response of size 1e300 (deviance overflows) is glm's error, not
  // silent NaN coefficients
  const Vec yg = (yp.array() + 1).matrix() * 1e300;
  CHECK_THROWS(std::runtime_error, run_irls(X, yg, "gaussian", "identity", 1));

  // maxit < 1 (an NA from R arrives as INT_MIN) is refused: the loop would
  // not run and there would be no solve to report (issue 12)
  CHECK_THROWS(std::invalid_argument, run_irls(X, yb, "binomial", "logit", 1, nullptr, 0));
  CHECK_THROWS(std::invalid_argument, run_irls(X, yb, "binomial", "logit", 1, nullptr, INT_MIN));
  // any thread request is capped (at the blocks of work, and at
  // kGlmMaxThreads): 1e5 threads made OpenMP abort
  CHECK(newtonr::glm_threads(100000, 16) == 16);
  CHECK(newtonr::glm_threads(INT_MAX) <= newtonr::kGlmMaxThreads);
  CHECK(newtonr::glm_threads(-5, 3) >= 1);
  const IrlsOut many = run_irls(X, yb, "binomial", "logit", INT_MAX);
  const IrlsOut one = run_irls(X, yb, "binomial", "logit", 1);
  CHECK(many.res.converged);
  CHECK((many.res.coef - one.res.coef).cwiseAbs().maxCoeff() == 0.0);
}

}  // namespace

void glm_tests() {
  // deterministic pseudo-random design (no <random>: identical everywhere)
  const Eigen::Index n = 1000, p = 5;
  Mat X(n, p);
  Vec w(n), r(n);
  unsigned long s = 12345;
  auto unif = [&s] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  for (Eigen::Index i = 0; i < n; ++i) {
    X(i, 0) = 1;
    for (Eigen::Index j = 1; j < p; ++j) X(i, j) = unif() * 2 - 1;
    w(i) = 0.5 + unif();
    r(i) = unif() - 0.5;
  }
  Mat A;
  Vec b;
  newtonr::glm_xtwx(X.data(), n, p, w.data(), r.data(), A, b, 1);
  const Mat Aref = X.transpose() * w.asDiagonal() * X;
  const Vec bref = X.transpose() * r;
  CHECK((A - Aref).cwiseAbs().maxCoeff() <= 1e-10 * Aref.cwiseAbs().maxCoeff());
  CHECK((b - bref).cwiseAbs().maxCoeff() <= 1e-10 * std::fmax(1.0, bref.cwiseAbs().maxCoeff()));
  CHECK((A - A.transpose()).cwiseAbs().maxCoeff() == 0.0);
  // the same answer, bit for bit, whatever the thread count
  Mat A4;
  Vec b4;
  newtonr::glm_xtwx(X.data(), n, p, w.data(), r.data(), A4, b4, 4);
  CHECK(A4 == A && b4 == b);

  Vec beta(p), off = Vec::Constant(n, 0.25), eta(n);
  for (Eigen::Index j = 0; j < p; ++j) beta(j) = 0.1 * static_cast<double>(j + 1);
  newtonr::glm_xb(X.data(), n, p, beta.data(), off.data(), eta.data(), 2);
  const Vec eref = X * beta + off;
  CHECK((eta - eref).cwiseAbs().maxCoeff() <= 1e-12);

  // Cholesky solve of the normal equations with an exactly collinear column
  Mat Xc(n, p + 1);
  Xc.leftCols(p) = X;
  Xc.col(p) = X.col(1) * 2.0 - X.col(2);  // aliased, as glm would
  const Mat Ac = Xc.transpose() * w.asDiagonal() * Xc;
  const Vec y = X * beta;
  const Vec bc = Xc.transpose() * w.asDiagonal() * y;
  newtonr::GlmSolve sol = newtonr::glm_chol_solve(Ac, bc, 1e-11, Vec::Zero(p + 1));
  CHECK(sol.rank == p);
  CHECK(std::isnan(sol.coef(p)));
  for (Eigen::Index j = 0; j < p; ++j) CHECK_NEAR(sol.coef(j), beta(j), 1e-8);
  CHECK(sol.pivot.size() == static_cast<size_t>(p + 1) && sol.pivot.back() == p);

  glm_irls_tests();
}
