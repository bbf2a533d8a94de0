// newtonr/trust.hpp -- trust-region subproblem solvers for newton_optim.
//
//   minimise m(p) = g'p + p'Hp/2  subject to ||p|| <= radius.
//
//  * trust_exact(): the "exact" solution characterised by Moré & Sorensen
//    (1983): (H + sigma I) p = -g, H + sigma I PSD, sigma (radius - ||p||) = 0.
//    For the small problems it is used on we solve the secular equation
//    1/||p(sigma)|| = 1/radius on the eigendecomposition of H (Nocedal &
//    Wright, Sec. 4.3, eqs. 4.38-4.45), safeguarded Newton on sigma, including
//    the "hard case" (g orthogonal to the eigenvector of the smallest
//    eigenvalue), where we move along that eigenvector to the boundary.
//  * trust_steihaug(): truncated CG of Steihaug (Nocedal & Wright, Alg. 7.2),
//    for large p, stopping at negative curvature or at the boundary (its CG
//    loop is optim/cg.hpp's truncated_cg, shared with Newton-CG).
#pragma once

#include "common.hpp"
#include "optim/cg.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <functional>

namespace newtonr {

struct TrustStep {
  Vec p;
  bool boundary = false;  // the step lies on the trust-region boundary
  double sigma = 0.0;     // Lagrange multiplier (exact solver only)
  bool exact = false;     // (H + sigma I) p = -g holds (exact, Moré-Sorensen)
};

// Step to the boundary from z along d: z + tau d with ||.|| = radius, tau >= 0.
inline double to_boundary(const Vec& z, const Vec& d, double radius) {
  double a = d.squaredNorm(), b = 2.0 * z.dot(d), c = z.squaredNorm() - radius * radius;
  double disc = std::max(0.0, b * b - 4.0 * a * c);
  return a > 0 ? (-b + std::sqrt(disc)) / (2.0 * a) : 0.0;
}

namespace detail {

// The model in H's eigenbasis: H = Q diag(lam) Q', a = Q'g; the step
// p(s) = -(H + s I)^{-1} g and its squared norm.
struct EigenModel {
  Vec lam;  // ascending
  Mat Q;
  Vec a;
  double pnorm2(double s) const {
    double r = 0.0;
    for (Eigen::Index i = 0; i < lam.size(); ++i) {
      double den = lam(i) + s;
      if (den != 0) r += a(i) * a(i) / (den * den);
    }
    return r;
  }
  Vec pstep(double s) const {
    Vec c(lam.size());
    for (Eigen::Index i = 0; i < lam.size(); ++i) {
      double den = lam(i) + s;
      c(i) = den != 0 ? -a(i) / den : 0.0;
    }
    return Vec(Q * c);
  }
};

// The hard case (g has almost no component along the eigenvectors of the
// smallest eigenvalue, and the step without them fits): that step plus a
// move along the eigenvector to the boundary.  False when it does not apply.
inline bool trust_hard_case(const EigenModel& m, const Vec& g, double radius, double lo,
                            double lscale, TrustStep& out) {
  const Eigen::Index n = g.size();
  const double lmin = m.lam(0);
  const double tol_ev = 1e-10 * lscale;
  double a_min2 = 0.0;
  for (Eigen::Index i = 0; i < n && m.lam(i) <= lmin + tol_ev; ++i) a_min2 += m.a(i) * m.a(i);
  if (!(a_min2 <= 1e-20 * std::max(1.0, g.norm() * g.norm()))) return false;
  // ||p(lo)|| without the lmin components
  Vec c = Vec::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (m.lam(i) > lmin + tol_ev) c(i) = -m.a(i) / (m.lam(i) + lo);
  }
  const double pn2 = c.squaredNorm();
  if (pn2 > radius * radius) return false;
  const double tau = std::sqrt(std::max(0.0, radius * radius - pn2));
  Vec q1 = m.Q.col(0);
  // Either sign solves the subproblem; prefer the one that does not climb.
  if (g.dot(q1) > 0) q1 = -q1;
  out.p = m.Q * c + tau * q1;
  out.boundary = true;
  out.sigma = lo;
  return true;
}

// Safeguarded Newton on phi(s) = 1/||p(s)|| - 1/radius (increasing in s)
// over [lo, hi]: the multiplier sigma of a boundary solution.
inline double trust_secular(const EigenModel& m, double gnorm, double radius, double lo,
                            double lscale) {
  const double lmin = m.lam(0);
  double hi = gnorm / radius + lscale + lo + 1.0;
  double s = lo + std::max(1e-12 * lscale, 1e-3 * (hi - lo));
  if (lmin > 0 && lo == 0) s = 0.0;
  for (int it = 0; it < 200; ++it) {
    double n2 = m.pnorm2(s);
    double pn = std::sqrt(n2);
    double phi = 1.0 / pn - 1.0 / radius;
    if (std::fabs(pn - radius) <= 1e-10 * radius) break;
    if (phi < 0) lo = std::max(lo, s); else hi = std::min(hi, s);
    double d3 = 0.0;
    for (Eigen::Index i = 0; i < m.lam.size(); ++i) {
      double den = m.lam(i) + s;
      if (den != 0) d3 += m.a(i) * m.a(i) / (den * den * den);
    }
    double dphi = d3 / (pn * n2);
    double next = dphi > 0 ? s - phi / dphi : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (hi - lo <= 1e-15 * std::max(1.0, hi)) { s = hi; break; }
    s = next;
  }
  return s;
}

}  // namespace detail

inline TrustStep trust_exact(const Mat& H, const Vec& g, double radius) {
  Eigen::SelfAdjointEigenSolver<Mat> es(H);
  if (es.info() != Eigen::Success) throw std::runtime_error("eigendecomposition of the Hessian failed");
  detail::EigenModel m{es.eigenvalues(), es.eigenvectors(), Vec()};
  m.a = m.Q.transpose() * g;
  const double lmin = m.lam(0);
  const double lscale = std::max(1.0, m.lam.cwiseAbs().maxCoeff());

  TrustStep out;
  out.exact = true;
  // Interior Newton step when H is positive definite and the step fits.
  if (lmin > 1e-12 * lscale && m.pnorm2(0.0) <= radius * radius) {
    out.p = m.pstep(0.0);
    return out;
  }
  const double lo = std::max(0.0, -lmin);
  if (detail::trust_hard_case(m, g, radius, lo, lscale, out)) return out;
  const double s = detail::trust_secular(m, g.norm(), radius, lo, lscale);
  out.p = m.pstep(s);
  out.boundary = true;
  out.sigma = s;
  return out;
}

// Moré & Sorensen (1983), as in Nocedal & Wright, Alg. 4.3: Newton's method
// on 1/||p(lambda)|| - 1/radius with one Cholesky factorisation of
// H + lambda I per step, safeguarded by the bounds [lo, hi] on lambda. It
// needs no eigendecomposition, so it serves medium p (hundreds to a few
// thousand). Returns ok = false when it cannot settle (e.g. the hard case);
// the caller then falls back on Steihaug's CG.
inline TrustStep trust_more_sorensen(const Mat& H, const Vec& g, double radius, bool& ok) {
  const Eigen::Index n = g.size();
  TrustStep out;
  ok = false;
  const double gn = g.norm();
  double hnorm = 0;  // ||H||_1 bounds the eigenvalues
  for (Eigen::Index j = 0; j < n; ++j) hnorm = std::max(hnorm, H.col(j).cwiseAbs().sum());
  const double min_diag = H.diagonal().minCoeff();
  double lo = std::max({0.0, -min_diag, gn / radius - hnorm});
  double hi = gn / radius + hnorm;
  double lambda = 0;
  Eigen::LLT<Mat> llt;
  Mat A = H;
  for (int it = 0; it < 40; ++it) {
    A = H;
    A.diagonal().array() += lambda;
    llt.compute(A);
    if (llt.info() != Eigen::Success) {  // H + lambda I not positive definite
      lo = std::max(lo, lambda);
      lambda = std::max(std::sqrt(lo * hi), lo + 0.01 * (hi - lo));
      continue;
    }
    Vec p = llt.solve(-g);
    const double pn = p.norm();
    if ((lambda == 0 && pn <= radius) || std::fabs(pn - radius) <= 0.01 * radius) {
      out.p = p;
      out.sigma = lambda;
      out.boundary = lambda > 0;
      out.exact = true;
      ok = p.allFinite();
      return out;
    }
    if (pn < radius) hi = lambda; else lo = lambda;
    const Vec q = llt.matrixL().solve(p);
    double next = lambda + (pn / q.norm()) * (pn / q.norm()) * (pn - radius) / radius;
    if (!(next > lo && next < hi)) next = std::max(std::sqrt(lo * hi), lo + 0.01 * (hi - lo));
    if (hi - lo <= 1e-12 * std::max(1.0, hi)) break;
    lambda = next;
  }
  return out;
}

// Steihaug's truncated CG (Nocedal & Wright, Alg. 7.2); `hv(v)` = H v.  The
// CG loop is truncated_cg() (optim/cg.hpp, shared with Newton-CG); here the
// exits at negative curvature and at the boundary go to the boundary along
// the last direction.
// `rtol` > 0 fixes the CG tolerance at rtol |g| (TRON's 0.1) instead of
// the forcing term min(0.5, sqrt|g|) |g|.
inline TrustStep trust_steihaug(const std::function<Vec(const Vec&)>& hv, const Vec& g,
                                double radius, int max_iter, double rtol = 0.0) {
  TrustStep out;
  const double gnorm = g.norm();
  if (gnorm == 0) {
    out.p = Vec::Zero(g.size());
    return out;
  }
  const double eps = rtol > 0 ? rtol * gnorm : std::min(0.5, std::sqrt(gnorm)) * gnorm;
  const TruncatedCG cg = truncated_cg(hv, g, eps, max_iter, 0.0, radius);
  if (cg.exit == TruncatedCG::NegativeCurvature || cg.exit == TruncatedCG::Boundary) {
    out.p = cg.z + to_boundary(cg.z, cg.d, radius) * cg.d;
    out.boundary = true;
    return out;
  }
  out.p = cg.z;
  return out;
}

}  // namespace newtonr
