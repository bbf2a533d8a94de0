// cpptests/glm_tests.cpp -- tests of the R-free GLM kernels
// (newtonr/glm_xtwx.hpp: X'WX and X beta; newtonr/glm_chol.hpp: the
// aliasing Cholesky) against naive Eigen computations. Kept apart from
// core_tests.cpp because the GLM kernel has its own owner: if its interface
// changes, only this file needs updating.
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_xtwx.hpp>

#include <cmath>

#include "check.hpp"

using newtonr::Mat;
using newtonr::Vec;

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
}
