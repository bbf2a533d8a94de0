// glm.cpp -- Rcpp glue for newton_glm_fit(): the one call of a fit
// (glm_fit_cpp: the loop of glm_fit.hpp for every family; a family that is
// not one of stats' is implemented here by calling its R closures on whole
// vectors), the input scans of its check step, binomial's starting values,
// and the status table.  X is mapped, not copied; no numerical loop lives
// here.
#include "glue.h"
#include "glm_rfamily.h"
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_fit.hpp>
#include <newtonr/glm_xtwx.hpp>

#include <string>

// [[Rcpp::export]]
bool glm_simd_cpp() { return newtonr_glm_have_avx2(); }

// TRUE when x has no NA/NaN/Inf (glm_all_finite in glm_fit.hpp).
// [[Rcpp::export]]
bool glm_all_finite_cpp(Rcpp::NumericVector x, int threads = 0) {
  return newtonr::glm_all_finite(x.begin(), x.size(), threads);
}

// One pass over the model matrix: NULL when it has NA/NaN/Inf, else the
// per-column powers of two that equilibrate it (numeric(0) when its scale
// needs none; see glm_col_scan in glm_xtwx.hpp).
// [[Rcpp::export]]
SEXP glm_col_scan_cpp(Rcpp::NumericMatrix x, int threads = 0) {
  const newtonr::GlmColScan sc = newtonr::glm_col_scan(x.begin(), x.nrow(), x.ncol(), threads);
  if (!sc.finite) return R_NilValue;
  return newtonr_glue::to_r(sc.scale);
}

// A scale vector from R: nullptr for numeric(0), else checked to have length p.
static const double* scale_ptr(const Rcpp::NumericVector& scale, Eigen::Index p) {
  if (scale.size() == 0) return nullptr;
  if (scale.size() != p) throw std::invalid_argument("glm: 'scale' must have length 0 or p");
  return scale.begin();
}

// TRUE when (family, link, varfun) names a family the C++ loop implements.
// [[Rcpp::export]]
bool glm_native_family_cpp(std::string family, std::string link, std::string varfun) {
  newtonr::GlmFamily f;
  return newtonr::glm_family_from_names(family, link, varfun, f);
}


// RFamily (a family given by R closures), family_string() and
// native_family(): shared with the large-p glue (glm_rfamily.h).
using newtonr_rfamily::family_string;
using newtonr_rfamily::native_family;
using newtonr_rfamily::RFamily;
using newtonr_rfamily::read_control;


static newtonr::GlmTraceFn trace_fn(bool on) {
  if (!on) return newtonr::GlmTraceFn();
  Rcpp::Function cat("cat");
  return [cat](int kind, int iter, double dev) {
    if (kind == 0) {
      cat("Deviance = ", dev, " Iterations - ", iter, "\n", Rcpp::Named("sep") = "");
    } else {
      cat("Step halved: new deviance = ", dev, "\n", Rcpp::Named("sep") = "");
    }
  };
}

static Rcpp::NumericVector na_for_nan(const newtonr::Vec& v) {
  Rcpp::NumericVector out = newtonr_glue::to_r(v);
  for (R_xlen_t j = 0; j < out.size(); ++j)
    if (std::isnan(out[j])) out[j] = NA_REAL;
  return out;
}

static Rcpp::List result_list(const newtonr::GlmFitOut& fo, Eigen::Index p) {
  const newtonr::GlmIrlsResult& r = fo.res;
  const newtonr::GlmSolve& s = r.solve;
  if (static_cast<Eigen::Index>(s.pivot.size()) != p)
    throw std::logic_error("glm: no least-squares solve to report (internal error)");
  Rcpp::IntegerVector piv(p);
  for (Eigen::Index j = 0; j < p; ++j) piv[j] = s.pivot[static_cast<size_t>(j)] + 1;
  const bool cols = !fo.cols.ones.empty();
  Rcpp::LogicalVector ones(fo.cols.ones.begin(), fo.cols.ones.end());
  Rcpp::List out = Rcpp::List::create(
      Rcpp::Named("coefficients") = na_for_nan(r.coef), Rcpp::Named("R") = newtonr_glue::to_r(s.R),
      Rcpp::Named("pivot") = piv, Rcpp::Named("rank") = s.rank,
      Rcpp::Named("effects") = newtonr_glue::to_r(s.effects), Rcpp::Named("deviance") = r.dev,
      Rcpp::Named("iter") = r.iter, Rcpp::Named("converged") = r.converged,
      Rcpp::Named("boundary") = r.boundary, Rcpp::Named("status") = static_cast<int>(r.status),
      Rcpp::Named("coef_prev") = r.has_prev ? SEXP(newtonr_glue::to_r(r.coef_prev)) : R_NilValue,
      Rcpp::Named("warnings") = Rcpp::wrap(r.warnings),
      Rcpp::Named("col_range") = cols ? SEXP(newtonr_glue::to_r(fo.cols.range)) : R_NilValue,
      Rcpp::Named("col_ones") = cols ? SEXP(ones) : R_NilValue);
  // glm.fit's n x p QR (LINPACK form, informative rows) and Q' sqrt(W) z
  // when the core formed it (glm_fit_qr); else R keeps the p x p R factor
  out["qr"] = fo.has_qr ? SEXP(newtonr_glue::to_r(fo.qr.qr)) : R_NilValue;
  out["qraux"] = fo.has_qr ? SEXP(newtonr_glue::to_r(fo.qr.qraux)) : R_NilValue;
  out["qty"] = fo.has_qr ? SEXP(newtonr_glue::to_r(fo.qty)) : R_NilValue;
  out["trace"] = Rcpp::List::create(
      Rcpp::Named("iter") = newtonr_glue::to_r(r.t_iter),
      Rcpp::Named("deviance") = newtonr_glue::to_r(r.t_dev),
      Rcpp::Named("halvings") = newtonr_glue::to_r(r.t_halv),
      Rcpp::Named("grad_norm") = newtonr_glue::to_r(r.t_grad));
  return out;
}

// family$aic() of a native binomial or poisson family (R's densities), or
// NA for the caller to evaluate family$aic itself.
static double native_aic(const std::string& family, const Rcpp::NumericVector& y, SEXP aic_n,
                         const double* mu, const Rcpp::NumericVector& wt) {
  if (Rf_isNull(aic_n)) return NA_REAL;
  if (family == "binomial") {
    Rcpp::NumericVector nn(aic_n);
    if (nn.size() != y.size() && nn.size() != 1) return NA_REAL;
    return newtonr::glm_aic_binomial(y.begin(), nn.begin(), nn.size(), mu, wt.begin(), y.size(),
                                     [](double x, double a, double b, int l) { return R::dbinom(x, a, b, l); });
  }
  if (family == "poisson") return newtonr::glm_aic_poisson(y.begin(), mu, wt.begin(), y.size(), [](double x, double a, int l) { return R::dpois(x, a, l); });
  return NA_REAL;
}

// The one call of a fit (R's glm_fit_run()).  eta0: the starting linear
// predictor, or NULL for X start + offset; start: starting coefficients or NULL; stock: the family's
// closures are stats' own (R checks); null_mu: glm's mean of the null model
// (length 1 or n); aic_n: binomial's n (or anything for poisson) when the
// family's aic is stats' own, else NULL; simd, chunk_rows: kernel options.
// [[Rcpp::export]]
Rcpp::List glm_fit_cpp(Rcpp::NumericMatrix x, Rcpp::NumericVector y, Rcpp::NumericVector weights,
                       Rcpp::NumericVector offset, SEXP eta0, SEXP start,
                       Rcpp::List family, bool stock, Rcpp::List control, bool intercept,
                       bool singular_ok, Rcpp::NumericVector scale, Rcpp::NumericVector null_mu,
                       SEXP aic_n, bool simd, int chunk_rows) {
  const Eigen::Index n = x.nrow(), p = x.ncol();
  if (y.size() != n || weights.size() != n || offset.size() != n ||
      (null_mu.size() != 1 && null_mu.size() != n) || (Rf_isNull(eta0) && Rf_isNull(start)) ||
      (!Rf_isNull(eta0) && Rf_xlength(eta0) != n))
    throw std::invalid_argument("glm_fit_cpp: dimension mismatch");
  const newtonr::GlmControl s = read_control(control, singular_ok);
  std::unique_ptr<newtonr::GlmFamilyFns> fam = native_family(family, stock);
  const bool native = fam != nullptr;
  if (!fam) fam = std::make_unique<RFamily>(family);
  newtonr::GlmData d{x.begin(), n, p, y.begin(), weights.begin(), offset.begin(), scale_ptr(scale, p)};
  Rcpp::NumericVector st;
  if (!Rf_isNull(start)) {
    st = Rcpp::NumericVector(start);
    if (st.size() != p) throw std::invalid_argument("glm_fit_cpp: 'start' has the wrong length");
  }
  // the loop's n-vectors are R vectors, written in place
  Rcpp::NumericVector eta_a(Rcpp::no_init(n)), eta_b(Rcpp::no_init(n)), mu(Rcpp::no_init(n)),
      wts(Rcpp::no_init(n)), res(Rcpp::no_init(n));
  const newtonr::GlmKernels k = newtonr::glm_simd_kernels(simd, chunk_rows > 0 ? chunk_rows : 0);
  if (Rf_isNull(eta0)) {
    newtonr::glm_xb(d.X, n, p, st.begin(), d.off, eta_a.begin(), s.nthreads(), k);
  } else {
    Rcpp::NumericVector e(eta0);
    std::copy(e.begin(), e.end(), eta_a.begin());
  }
  newtonr::GlmBuffers buf{eta_a.begin(), eta_b.begin(), mu.begin(), wts.begin(), res.begin()};
  newtonr::Interrupter intr(newtonr_glue::r_interrupt_check(), 1);
  const newtonr::GlmFitOut fo = newtonr::glm_fit(d, *fam, buf, Rf_isNull(start) ? nullptr : st.begin(),
                                                 intercept, s, k, intr, trace_fn(s.trace),
                                                 family_string(family, "family") == "binomial",
                                                 newtonr::glm_chol_solve, true);
  Rcpp::List out = result_list(fo, p);
  out["eta"] = (fo.res.eta == buf.eta_a) ? eta_a : eta_b;
  out["mu"] = mu;
  out["tol"] = s.tol();
  out["weights"] = wts;
  out["residuals"] = res;
  out["null_deviance"] = newtonr::glm_deviance_at(*fam, y.begin(), null_mu.begin(), null_mu.size(),
                                                  weights.begin(), n);
  out["aic"] = native ? native_aic(family_string(family, "family"), y, aic_n, mu.begin(), weights)
                      : NA_REAL;
  out["kernel"] = Rcpp::List::create(Rcpp::Named("native") = native,
                                     Rcpp::Named("chunks") = static_cast<double>(fo.res.chunks),
                                     Rcpp::Named("simd") = simd && newtonr_glm_have_avx2());
  return out;
}

// binomial()$initialize for a numeric vector response (glm_family.hpp's
// glm_binomial_start); NULL when y or weights have NA/NaN (R's own code
// then reports it as glm.fit does).  y is returned only when it changed.
// [[Rcpp::export]]
SEXP glm_binomial_init_cpp(Rcpp::NumericVector y, Rcpp::NumericVector weights) {
  const R_xlen_t n = y.size();
  if (weights.size() != n) throw std::invalid_argument("glm_binomial_init_cpp: dimension mismatch");
  for (R_xlen_t i = 0; i < n; ++i)
    if (std::isnan(y[i]) || std::isnan(weights[i])) return R_NilValue;
  const newtonr::GlmBinomialStart b = newtonr::glm_binomial_start(y.begin(), weights.begin(), n);
  return Rcpp::List::create(Rcpp::Named("y") = b.y.empty() ? R_NilValue : SEXP(newtonr_glue::to_r(b.y)),
                            Rcpp::Named("mustart") = newtonr_glue::to_r(b.mustart),
                            Rcpp::Named("nonint") = b.nonint);
}

// The status table of newton_glm_fit (glm_loop.hpp).
// [[Rcpp::export]]
Rcpp::DataFrame glm_status_cpp() { return newtonr_glue::status_frame(newtonr::kGlmStatusTable); }
