// newtonr/glm_qr.hpp -- glm.fit's QR for the IRLS loop: LINPACK dqrdc2
// (Householder QR with limited column pivoting) of sqrt(W) X, its solve
// (dqrsl's Q'z and back substitution), and the rule that replaces the
// Cholesky solve of X'WX (glm_chol.hpp) by this QR when the normal
// equations cannot give glm's accuracy or aliasing.
//
//  * glm_dqrdc2(): R's src/appl/dqrdc2.f (LINPACK dqrdc, Dongarra et al.
//    1979, ch. 9, modified by R: a column whose remaining norm falls below
//    tol times its original norm moves to the end; norms recomputed when
//    their downdate loses more than half the digits).  Rank min(k, n).
//    Stored as LINPACK does: R on and above the diagonal, the Householder
//    vectors below it with their first element in qraux, so that R's
//    qr.qy/qr.qty/influence accept it.
//  * glm_qr_use(): the switch.  Forming X'WX squares the condition number
//    (Golub & Van Loan, Sec. 5.3.8), so the Cholesky solve loses about
//    kappa(X)^2 eps relative accuracy.  kappa of the column-equilibrated
//    factor R D^-1 (D = sqrt(diag X'WX)) is estimated in O(p^2) as LINPACK's
//    dtrco does (Cline, Moler, Stewart & Wilkinson 1979: a solve with a
//    right-hand side of +-1 chosen greedily, then one more solve); above
//    kGlmQrKappa the QR is used.  It is used as well when the Cholesky
//    aliased a column (its test on X'WX cannot resolve remaining norms
//    between 1e-7 and ~1e-6: LINPACK's decisions need the QR; later
//    iterations whose Cholesky aliases the same columns keep it) and when
//    there are fewer informative rows than columns (rank at most n).
#pragma once

#include <newtonr/common.hpp>
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_pass.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace newtonr {

// Above this estimated kappa(R D^-1) the Cholesky solve is replaced by the
// QR: kappa^2 eps = 2e-11 keeps the normal equations' error well under the
// 1e-9 relative agreement with glm that issue 14 asks for.
constexpr double kGlmQrKappa = 300;

// LINPACK's compact QR of an n x p matrix (dqrdc2's output).
struct GlmQr {
  Mat qr;                  // n x p: R above, Householder vectors below
  Vec qraux;               // p
  std::vector<int> pivot;  // 0-based column order
  int rank = 0;
};

// R's dqrdc2 on x (overwritten; moved into the result).
inline GlmQr glm_dqrdc2(Mat&& x, double tol) {
  using Eigen::Index;
  const Index n = x.rows(), p = x.cols();
  GlmQr out;
  out.pivot.resize(static_cast<size_t>(p));
  Vec qraux(p), work1(p), work2(p);
  for (Index j = 0; j < p; ++j) {
    out.pivot[static_cast<size_t>(j)] = static_cast<int>(j);
    qraux(j) = x.col(j).stableNorm();
    work1(j) = work2(j) = qraux(j);
    if (work2(j) == 0) work2(j) = 1;
  }
  const Index lup = std::min(n, p);
  Index k = p + 1;  // 1-based as in the Fortran
  for (Index l = 0; l < lup; ++l) {
    // cycle negligible columns to the end (l + 1 < k: not yet cycled)
    while (l + 1 < k && qraux(l) < work2(l) * tol) {
      for (Index j = l; j + 1 < p; ++j) {
        x.col(j).swap(x.col(j + 1));
        std::swap(out.pivot[static_cast<size_t>(j)], out.pivot[static_cast<size_t>(j + 1)]);
        std::swap(qraux(j), qraux(j + 1));
        std::swap(work1(j), work1(j + 1));
        std::swap(work2(j), work2(j + 1));
      }
      --k;
    }
    if (l == n - 1) break;
    const Index m = n - l;
    double nrmxl = x.col(l).tail(m).stableNorm();
    if (nrmxl == 0) continue;
    if (x(l, l) != 0) nrmxl = std::copysign(nrmxl, x(l, l));
    x.col(l).tail(m) /= nrmxl;
    x(l, l) += 1.0;
    for (Index j = l + 1; j < p; ++j) {
      const double t = -x.col(l).tail(m).dot(x.col(j).tail(m)) / x(l, l);
      x.col(j).tail(m) += t * x.col(l).tail(m);
      if (qraux(j) == 0) continue;
      double tt = 1.0 - (std::fabs(x(l, j)) / qraux(j)) * (std::fabs(x(l, j)) / qraux(j));
      tt = std::max(tt, 0.0);
      if (std::fabs(tt) >= 1e-6) {
        qraux(j) *= std::sqrt(tt);
      } else {
        qraux(j) = x.col(j).tail(m - 1).stableNorm();
        work1(j) = qraux(j);
      }
    }
    qraux(l) = x(l, l);
    x(l, l) = -nrmxl;
  }
  out.rank = static_cast<int>(std::min(k - 1, n));
  out.qraux = std::move(qraux);
  out.qr = std::move(x);
  return out;
}

// Q'y in place (dqrsl's qty; the first min(rank, n - 1) reflections).
inline void glm_qr_qty(const GlmQr& q, Vec& y) {
  using Eigen::Index;
  const Index n = q.qr.rows();
  const Index ju = std::min<Index>(q.rank, n - 1);
  for (Index j = 0; j < ju; ++j) {
    if (q.qraux(j) == 0) continue;
    const Index m = n - j;
    Vec u = q.qr.col(j).tail(m);
    u(0) = q.qraux(j);
    const double t = -u.dot(y.tail(m)) / u(0);
    y.tail(m) += t * u;
  }
}

// The weighted least-squares solve by the QR: coefficients (NaN for aliased
// columns), R (p x p, pivot order; rows past min(n, p) zero), pivot, rank
// and effects (first rank elements of Q' sqrt(W) z).  zw: sqrt(W) z on
// entry, Q' sqrt(W) z (glm's effects) on return.
inline GlmSolve glm_qr_solve(const GlmQr& q, Vec& zw) {
  using Eigen::Index;
  const Index n = q.qr.rows(), p = q.qr.cols(), r = q.rank;
  glm_qr_qty(q, zw);
  GlmSolve out;
  out.rank = q.rank;
  out.pivot = q.pivot;
  out.R = Mat::Zero(p, p);
  const Index rows = std::min(n, p);
  out.R.topRows(rows) = q.qr.topRows(rows).triangularView<Eigen::Upper>();
  const Vec beta = out.R.topLeftCorner(r, r).triangularView<Eigen::Upper>().solve(zw.head(r));
  out.coef = Vec::Constant(p, kNaN);
  for (Index a = 0; a < r; ++a) out.coef(q.pivot[static_cast<size_t>(a)]) = beta(a);
  out.effects = zw.head(r);
  return out;
}

// kappa(R D^-1) estimated as LINPACK's dtrco does, for the kept block of a
// Cholesky solve of A (pivot order; D = sqrt of A's diagonal).
inline double glm_chol_kappa(const GlmSolve& sol, const Mat& A) {
  using Eigen::Index;
  const Index r = sol.rank;
  if (r == 0) return 1;
  Vec d(r);
  for (Index a = 0; a < r; ++a) {
    const int j = sol.pivot[static_cast<size_t>(a)];
    d(a) = A(j, j) > 0 ? std::sqrt(A(j, j)) : 1.0;
  }
  const Mat Rs = sol.R.topLeftCorner(r, r) * d.cwiseInverse().asDiagonal();
  // Rs' y = e with e_k = +-1 chosen to make |y_k| large
  Vec y(r);
  for (Index k = 0; k < r; ++k) {
    const double s = Rs.col(k).head(k).dot(y.head(k));
    const double e = s > 0 ? -1.0 : 1.0;
    y(k) = (e - s) / Rs(k, k);
  }
  const Vec x = Rs.triangularView<Eigen::Upper>().solve(y);
  const double est = x.norm() / y.norm();
  const double nrm = Rs.triangularView<Eigen::Upper>().toDenseMatrix().colwise().norm().maxCoeff();
  return std::isfinite(est) ? est * nrm : kInf;
}

// Whether a Cholesky solve of X'WX is to be replaced by the QR of sqrt(W) X
// (ngood: the informative rows).
inline bool glm_qr_use(const GlmSolve& sol, const Mat& A, Eigen::Index ngood) {
  const Eigen::Index p = A.rows();
  if (sol.rank < p || ngood < p) return true;
  return glm_chol_kappa(sol, A) > kGlmQrKappa;
}

// Back from the column-scaled problem (X S, S of powers of two): R's
// entries of column a scale with s[pivot[a]]; the Householder vectors and
// qraux are invariant (each is its column divided by its own norm).
inline void glm_qr_unscale(GlmQr& q, const Vec& s) {
  using Eigen::Index;
  const Index n = q.qr.rows();
  for (Index a = 0; a < q.qr.cols(); ++a)
    q.qr.col(a).head(std::min(a + 1, n)) /= s(q.pivot[static_cast<size_t>(a)]);
}

// The QR path of the IRLS loop (GlmLoop::refine, set by glm_fit for Fisher
// scoring without a penalty): after each Cholesky solve, glm_qr_use()
// decides; the QR is then formed from sqrt(W) X S and sqrt(W) z over the
// rows with positive working weight, at the accepted eta (glm.fit's "good"
// rows and its z = eta - offset + (y - mu) / mu.eta).  `last` says whether
// the last solve was this QR (its factor and Q' sqrt(W) z are kept: they
// are glm's qr and effects).
struct GlmQrPath {
  GlmQrPath(const GlmData& d_, const GlmEvaluator& e, double t) : d(d_), eng(e), tol(t) {}
  const GlmData& d;
  const GlmEvaluator& eng;
  double tol;
  bool last = false;
  GlmQr qr;
  Vec qty;
  // glm.fit's weighted problem at eta: sqrt(W) X S (returned) and sqrt(W) z
  // (in qty), over the rows with positive working weight.
  Mat rows(const double* eta) {
    using Eigen::Index;
    const Index n = d.n, p = d.p;
    Vec mu(n), w(n), res(n);
    GlmBuffers buf{nullptr, nullptr, mu.data(), w.data(), res.data()};
    eng.finish(eta, eta, buf);
    std::vector<Index> good;
    for (Index i = 0; i < n; ++i)
      if (w(i) > 0) good.push_back(i);
    const Index g = static_cast<Index>(good.size());
    Mat xw(g, p);
    qty.resize(g);
    Vec sw(g);
    for (Index a = 0; a < g; ++a) {
      const Index i = good[static_cast<size_t>(a)];
      sw(a) = std::sqrt(w(i));
      qty(a) = ((eta[i] - d.off[i]) + res(i)) * sw(a);
    }
    for (Index j = 0; j < p; ++j) {
      const double sj = d.scale ? d.scale[j] : 1.0;
      const double* c = d.X + j * n;
      for (Index a = 0; a < g; ++a) xw(a, j) = c[good[static_cast<size_t>(a)]] * sj * sw(a);
    }
    return xw;
  }
  // The QR at eta (glm's qr and effects); its solve.
  GlmSolve factor(const double* eta) {
    qr = glm_dqrdc2(rows(eta), tol);
    last = true;
    return glm_qr_solve(qr, qty);
  }
  // After one QR, a Cholesky solve that aliases exactly the columns the QR
  // aliased (same pivot) and is well conditioned on the kept ones stands:
  // an aliased design pays the QR once, not every iteration (the final
  // aliasing is checked again against glm_fit_qr's QR when that is formed).
  void operator()(GlmSolve& sol, const GlmPass& ev, const double* eta) {
    last = false;
    const bool as_qr = qr_rank == sol.rank && qr_pivot == sol.pivot;
    if (as_qr && ev.ngood >= ev.A.rows() && glm_chol_kappa(sol, ev.A) <= kGlmQrKappa) return;
    if (!glm_qr_use(sol, ev.A, ev.ngood)) return;
    sol = factor(eta);
    qr_rank = qr.rank;
    qr_pivot = qr.pivot;
  }
  int qr_rank = -1;             // the last QR's rank and pivot
  std::vector<int> qr_pivot;
};

}  // namespace newtonr
