// glm_db.cpp -- Rcpp glue for GLMs whose rows the loop never holds
// (R/glm_db.R): glm_sums_fit_cpp runs the one IRLS loop (glm_chunk.hpp's
// glm_fit_sums) with a pass that calls an R closure (one SQL aggregation
// query, or one sweep over bigglm-style chunks); glm_chunk_pass_cpp is the
// per-chunk pass of the chunked path (the in-memory fused evaluator of
// glm_pass.hpp on one chunk, so chunk sums use the in-memory arithmetic).
#include "glue.h"
#include "glm_rfamily.h"
#include <newtonr/glm_chunk.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_pass.hpp>
#include <newtonr/glm_xtwx.hpp>

#include <string>

static bool list_flag(const Rcpp::List& l, const char* name) {
  if (!l.containsElementNamed(name)) return false;
  SEXP s = l[name];
  return Rf_length(s) == 1 && Rcpp::as<bool>(s);
}

// A pass result from R: list(dev, valid, ngood, A, b, na_var, zero_var, na_mu_eta).
static newtonr::GlmPass pass_from_r(const Rcpp::List& r, bool accumulate) {
  newtonr::GlmPass out;
  out.dev = Rcpp::as<double>(r["dev"]);
  out.valid = list_flag(r, "valid");
  out.ngood = static_cast<Eigen::Index>(Rcpp::as<double>(r["ngood"]));
  out.na_var = list_flag(r, "na_var");
  out.zero_var = list_flag(r, "zero_var");
  out.na_mu_eta = list_flag(r, "na_mu_eta");
  if (accumulate) {
    out.A = newtonr_glue::to_mat(r["A"]);
    out.b = newtonr_glue::to_vec(r["b"]);
  }
  return out;
}

static newtonr::GlmPass pass_to_core(const Rcpp::Function& pass, const newtonr::Vec& st,
                                     const newtonr::GlmPassKind& kind, const newtonr::Vec* st_w) {
  SEXP w = st_w ? SEXP(newtonr_glue::to_r(*st_w)) : R_NilValue;
  Rcpp::List r = pass(newtonr_glue::to_r(st), kind.accumulate, kind.score, w);
  return pass_from_r(r, kind.accumulate);
}

// The fit: pass(state, accumulate, score, state_w) returns one pass's sums
// (see pass_from_r); state_w: where the last solve's weights were formed
// (NULL before the first solve), for the final statistics of a last pass; control: newton_glm_control(); intercept_col: 1-based column
// of ones (0: none).  Returns the loop's result (coefficients, R, pivot,
// rank, effects, deviance, iterations, convergence, status, warnings,
// trace) and the final state.
// [[Rcpp::export]]
Rcpp::List glm_sums_fit_cpp(Rcpp::Function pass, int p, SEXP start, Rcpp::List control,
                            int intercept_col, bool singular_ok) {
  const newtonr::GlmControl s = newtonr_rfamily::read_control(control, singular_ok);
  newtonr::Vec st;
  if (!Rf_isNull(start)) {
    st = newtonr_glue::to_vec(start);
    if (st.size() != p) throw std::invalid_argument("glm_sums_fit_cpp: 'start' has the wrong length");
  }
  newtonr::GlmSumsFnW fn = [&pass](const newtonr::Vec& state, const newtonr::GlmPassKind& kind,
                                    const newtonr::Vec* state_w) {
    return pass_to_core(pass, state, kind, state_w);
  };
  newtonr::GlmTraceFn tr;
  if (s.trace) {
    Rcpp::Function cat("cat");
    tr = [cat](int kind, int iter, double dev) {
      if (kind == 0) cat("Deviance = ", dev, " Iterations - ", iter, "\n", Rcpp::Named("sep") = "");
      else cat("Step halved: new deviance = ", dev, "\n", Rcpp::Named("sep") = "");
    };
  }
  newtonr::Interrupter intr(newtonr_glue::r_interrupt_check(), 1);
  const newtonr::GlmSumsOut fo = newtonr::glm_fit_sums(
      p, fn, Rf_isNull(start) ? nullptr : st.data(), intercept_col - 1, s, intr, tr);
  const newtonr::GlmIrlsResult& r = fo.res;
  if (!r.have_solve) throw std::runtime_error("glm: no least-squares solve to report (internal error)");
  Rcpp::NumericVector coef = newtonr_glue::to_r(r.coef);
  for (R_xlen_t j = 0; j < coef.size(); ++j)
    if (std::isnan(coef[j])) coef[j] = NA_REAL;
  Rcpp::IntegerVector piv(p);
  for (int j = 0; j < p; ++j) piv[j] = r.solve.pivot[static_cast<size_t>(j)] + 1;
  Rcpp::List out = Rcpp::List::create(
      Rcpp::Named("coefficients") = coef, Rcpp::Named("R") = newtonr_glue::to_r(r.solve.R),
      Rcpp::Named("pivot") = piv, Rcpp::Named("rank") = r.solve.rank,
      Rcpp::Named("effects") = newtonr_glue::to_r(r.solve.effects), Rcpp::Named("deviance") = r.dev,
      Rcpp::Named("iter") = r.iter, Rcpp::Named("converged") = r.converged,
      Rcpp::Named("boundary") = r.boundary, Rcpp::Named("status") = static_cast<int>(r.status),
      Rcpp::Named("warnings") = Rcpp::wrap(r.warnings), Rcpp::Named("tol") = s.tol(),
      Rcpp::Named("state") = newtonr_glue::to_r(fo.state));
  out["state_w"] = newtonr_glue::to_r(fo.state_w);
  out["trace"] = Rcpp::List::create(
      Rcpp::Named("iter") = newtonr_glue::to_r(r.t_iter),
      Rcpp::Named("deviance") = newtonr_glue::to_r(r.t_dev),
      Rcpp::Named("halvings") = newtonr_glue::to_r(r.t_halv),
      Rcpp::Named("grad_norm") = newtonr_glue::to_r(r.t_grad));
  return out;
}

// One chunk's pass at eta (the fused evaluator of glm_pass.hpp on the
// chunk, stats' family given by its names; varfun: quasi's variance name): list(dev, valid, ngood, A, b,
// flags), the shape glm_sums_fit_cpp's pass returns once summed over chunks.
// [[Rcpp::export]]
Rcpp::List glm_chunk_pass_cpp(Rcpp::NumericMatrix x, Rcpp::NumericVector y, Rcpp::NumericVector wt,
                              Rcpp::NumericVector off, Rcpp::NumericVector eta, std::string family,
                              std::string link, std::string varfun, bool accumulate, bool score) {
  const Eigen::Index n = x.nrow(), p = x.ncol();
  if (y.size() != n || wt.size() != n || off.size() != n || eta.size() != n)
    throw std::invalid_argument("glm_chunk_pass_cpp: dimension mismatch");
  newtonr::GlmFamily f;
  if (!newtonr::glm_family_from_names(family, link, varfun, f))
    throw std::invalid_argument("glm: family " + family + "(link = \"" + link + "\") has no native implementation");
  newtonr::GlmData d{x.begin(), n, p, y.begin(), wt.begin(), off.begin(), nullptr};
  const newtonr::GlmKernels k = newtonr::glm_simd_kernels(true, 0);
  newtonr::GlmFusedEvaluator ev(d, f, 1, k);
  std::vector<double> e(eta.begin(), eta.end());
  newtonr::GlmPassKind kind;
  kind.accumulate = accumulate;
  kind.score = score;
  const newtonr::GlmPass r = ev.run(nullptr, e.data(), kind);
  return Rcpp::List::create(
      Rcpp::Named("dev") = r.dev, Rcpp::Named("valid") = r.valid,
      Rcpp::Named("ngood") = static_cast<double>(r.ngood), Rcpp::Named("na_var") = r.na_var,
      Rcpp::Named("zero_var") = r.zero_var, Rcpp::Named("na_mu_eta") = r.na_mu_eta,
      Rcpp::Named("A") = accumulate ? SEXP(newtonr_glue::to_r(r.A)) : R_NilValue,
      Rcpp::Named("b") = accumulate ? SEXP(newtonr_glue::to_r(r.b)) : R_NilValue);
}
