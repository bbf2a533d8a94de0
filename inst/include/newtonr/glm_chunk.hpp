// newtonr/glm_chunk.hpp -- the IRLS loop of glm_loop.hpp over data the loop
// never holds: a database engine (one aggregation query per pass, R/glm_db.R)
// or a stream of chunks (bigglm's data(reset) protocol) computes each pass's
// sums: X'WX, X'r, the deviance, validity and the count of informative rows.
//
// IRLS needs only these sums, and they split over any partition of the rows
// (the reason MADlib, Lumley's dbglm and biglm's bigglm can push the pass
// into a database).  glm_loop() asks its evaluator for a pass at a linear
// predictor eta, and halves steps through linearity of eta.  Here eta is
// never materialised: the evaluator's "eta buffer" holds a state s of length
// p + 1 that names eta as an affine function of the data,
//     eta = X s[0..p) + (1 - s[p]) offset + s[p] eta_start,
// where eta_start = linkfun(mustart) is glm's start (family$initialize,
// computed by the engine).  Averaging two states averages the two etas, so
// the loop's halving, its starting checks, convergence test and warnings run
// unchanged.  Starting values, aliasing and the solve are the in-memory
// path's (glm_fit.hpp's set-up, without column equilibration).
#pragma once

#include <newtonr/glm_gd.hpp>
#include <newtonr/glm_loop.hpp>

#include <functional>
#include <stdexcept>
#include <utility>

namespace newtonr {

// One pass at a state (length p + 1, see above): the callee computes the
// sums over all rows and fills GlmPass (dev, valid, ngood, flags; A and b
// when kind.accumulate).  It may throw (e.g. a database error).
using GlmSumsFn = std::function<GlmPass(const Vec& state, const GlmPassKind& kind)>;
// The same, told also state_w: where the working weights of the loop's last
// solve were formed (nullptr before the first solve).  If this pass turns out
// to be the fit's last, (state, state_w) are GlmSumsOut's (state, state_w),
// so the callee may compute the fit's final statistics in the same read
// (R/glm_db_result.R compares the pairs after the fit before using them).
using GlmSumsFnW =
    std::function<GlmPass(const Vec& state, const GlmPassKind& kind, const Vec* state_w)>;

class GlmSumsEvaluator : public GlmEvaluator {
 public:
  GlmSumsEvaluator(Eigen::Index p, GlmSumsFnW f) : p_(p), f_(std::move(f)) {}
  GlmSumsEvaluator(Eigen::Index p, GlmSumsFn f)
      : p_(p), f_([g = std::move(f)](const Vec& s, const GlmPassKind& k, const Vec*) { return g(s, k); }) {}
  // the loop's pointer to the state of the last solve's weights (GlmLoop::e_w)
  void watch_weights(double* const* e_w) { ew_ = e_w; }
  GlmPass run(const double* beta, double* eta, const GlmPassKind& kind) const override {
    if (kind.newton) throw std::runtime_error("type = \"newton\" is not available for data in a database or in chunks");
    if (beta) {
      for (Eigen::Index j = 0; j < p_; ++j) eta[j] = beta[j];
      eta[p_] = 0;
    }
    Vec w;
    if (ew_ && *ew_) w = Eigen::Map<const Vec>(*ew_, p_ + 1);
    GlmPass out = f_(Eigen::Map<const Vec>(eta, p_ + 1), kind, w.size() ? &w : nullptr);
    if (kind.accumulate) {
      if (out.A.rows() != p_ || out.A.cols() != p_ || out.b.size() != p_)
        throw std::runtime_error("glm: a pass returned sums of the wrong size");
      out.accumulated = true;
      out.newton = false;
      out.score = kind.score;
    }
    return out;
  }
  void finish(const double*, const double*, const GlmBuffers&) const override {}
  Eigen::Index chunks() const override { return 1; }

 private:
  Eigen::Index p_;
  GlmSumsFnW f_;
  double* const* ew_ = nullptr;
};

struct GlmSumsOut {
  GlmIrlsResult res;
  Vec state;    // the state of the final linear predictor
  Vec state_w;  // where the last solve's working weights were formed
};

// The fit (glm_fit()'s set-up with a GlmSumsEvaluator): start = starting
// coefficients or nullptr (then the first pass is at eta_start);
// intercept_col: the 0-based column of ones spared by the ridge penalty, or
// -1.
inline GlmSumsOut glm_fit_sums(Eigen::Index p, const GlmSumsFnW& fn, const double* start,
                               Eigen::Index intercept_col, const GlmControl& s, Interrupter& intr,
                               const GlmTraceFn& trace = GlmTraceFn(),
                               const GlmSolver& solver = glm_chol_solve) {
  s.validate();
  if (s.newton) throw std::invalid_argument("glm: type = \"newton\" is not available here (Fisher scoring only)");
  GlmSumsOut out;
  GlmSumsEvaluator eng(p, fn);
  Vec ea = Vec::Zero(p + 1), eb = Vec::Zero(p + 1);
  GlmLoop L(eng, s, solver, p + 1, p, out.res, trace);
  eng.watch_weights(&L.e_w);
  L.pen_raw = Vec::Constant(p, s.lambda);
  if (intercept_col >= 0 && intercept_col < p) L.pen_raw(intercept_col) = 0;
  L.pen = L.pen_raw;
  L.coefold = Vec::Zero(p);
  L.has_old = start != nullptr;
  if (start) {
    for (Eigen::Index j = 0; j < p; ++j) L.coefold(j) = std::isnan(start[j]) ? 0.0 : start[j];
    ea.head(p) = L.coefold;
  } else {
    ea(p) = 1;
  }
  L.e_old = ea.data();
  L.e_new = eb.data();
  GlmIrlsStep irls;
  GlmGdStep gd(irls);
  GlmStepRule& rule = s.algorithm == GlmAlgorithm::Gd ? static_cast<GlmStepRule&>(gd) : irls;
  glm_loop(L, rule, intr);
  GlmIrlsResult& res = out.res;
  res.coef = L.c0;
  if (res.have_solve)
    for (Eigen::Index a = res.solve.rank; a < p; ++a) res.coef(res.solve.pivot[static_cast<size_t>(a)]) = kNaN;
  out.state = Eigen::Map<const Vec>(res.eta, p + 1);
  out.state_w = Eigen::Map<const Vec>(L.e_w, p + 1);
  res.eta = nullptr;  // pointed into this function's buffers
  return out;
}

inline GlmSumsOut glm_fit_sums(Eigen::Index p, const GlmSumsFn& fn, const double* start,
                               Eigen::Index intercept_col, const GlmControl& s, Interrupter& intr,
                               const GlmTraceFn& trace = GlmTraceFn(),
                               const GlmSolver& solver = glm_chol_solve) {
  const GlmSumsFnW f = [&fn](const Vec& st, const GlmPassKind& k, const Vec*) { return fn(st, k); };
  return glm_fit_sums(p, f, start, intercept_col, s, intr, trace, solver);
}

}  // namespace newtonr
