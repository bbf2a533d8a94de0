// newtonr/optim/cg.hpp -- truncated conjugate gradients on H z = -g, the one
// CG loop behind Newton-CG's direction (Nocedal & Wright, Alg. 7.1) and
// Steihaug's trust-region step (Alg. 7.2; trust.hpp).
//
// Stops when |r| <= eps (the forcing term; callers pass
// min(0.5, sqrt|g|) |g|), at a direction of non-positive curvature
// (d'Hd <= curv_tol |d|^2, or NaN), when the next iterate would leave the
// ball |z| <= radius (kInf: no ball), or after max_iter products.
#pragma once

#include "../common.hpp"

namespace newtonr {

struct TruncatedCG {
  enum Exit { Converged, MaxIter, NegativeCurvature, Boundary } exit = MaxIter;
  Vec z;      // the iterate when CG stopped (before the step that left the ball)
  Vec d;      // the last search direction (negative curvature / boundary exits)
  int iter = 0;  // index of the CG iteration that stopped it (max_iter: none)
};

template <class HV>
TruncatedCG truncated_cg(HV&& hv, const Vec& g, double eps, int max_iter,
                         double curv_tol = 0.0, double radius = kInf) {
  TruncatedCG out;
  const Eigen::Index n = g.size();
  out.z = Vec::Zero(n);
  Vec r = g;
  out.d = -g;
  double rr = r.squaredNorm();
  int j = 0;
  for (; j < max_iter; ++j) {
    const Vec Bd = hv(out.d);
    const double dBd = out.d.dot(Bd);
    if (!(dBd > curv_tol * out.d.squaredNorm())) {
      out.exit = TruncatedCG::NegativeCurvature;
      break;
    }
    const double alpha = rr / dBd;
    Vec znew = out.z + alpha * out.d;
    if (radius < kInf && znew.norm() >= radius) {
      out.exit = TruncatedCG::Boundary;
      break;
    }
    out.z = std::move(znew);
    r += alpha * Bd;
    const double rr_new = r.squaredNorm();
    if (std::sqrt(rr_new) <= eps) {
      out.exit = TruncatedCG::Converged;
      break;
    }
    out.d = -r + (rr_new / rr) * out.d;
    rr = rr_new;
  }
  out.iter = j;
  return out;
}

}  // namespace newtonr
