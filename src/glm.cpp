// glm.cpp -- Rcpp glue for newton_glm_fit(): the weighted least-squares step
// of IRLS (X'WX accumulation + aliasing Cholesky).  X is mapped, not copied.
#include "glue.h"
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_xtwx.hpp>

void newtonr_glm_syrk_avx2(const double*, std::ptrdiff_t, const double*, std::ptrdiff_t,
                           std::ptrdiff_t, std::ptrdiff_t, double*);
bool newtonr_glm_have_avx2();

// The AVX2/FMA kernel when the CPU has it (checked once), else Eigen's.
static newtonr::GlmSyrkKernel glm_kernel() {
  static const bool avx2 = newtonr_glm_have_avx2();
  return avx2 ? &newtonr_glm_syrk_avx2 : nullptr;
}

// [[Rcpp::export]]
bool glm_simd_cpp() { return glm_kernel() != nullptr; }

// TRUE when x has no NA/NaN/Inf (one pass, no allocation).
// [[Rcpp::export]]
bool glm_all_finite_cpp(Rcpp::NumericVector x) {
  for (double v : x) if (!std::isfinite(v)) return false;
  return true;
}

// eta = X beta + offset (threaded, deterministic).
// [[Rcpp::export]]
Rcpp::NumericVector glm_xb_cpp(Rcpp::NumericMatrix x, Rcpp::NumericVector beta,
                               Rcpp::NumericVector offset, int threads) {
  const Eigen::Index n = x.nrow(), p = x.ncol();
  if (beta.size() != p || offset.size() != n)
    throw std::invalid_argument("glm_xb_cpp: dimension mismatch");
  Rcpp::NumericVector eta(n);
  newtonr::glm_xb(x.begin(), n, p, beta.begin(), offset.begin(), eta.begin(), threads);
  return eta;
}

// One weighted least-squares solve: (X'WX + diag(pen)) beta = X'r.
// [[Rcpp::export]]
Rcpp::List glm_wls_cpp(Rcpp::NumericMatrix x, Rcpp::NumericVector w,
                       Rcpp::NumericVector r, Rcpp::NumericVector pen,
                       double tol, int threads, bool simd) {
  const Eigen::Index n = x.nrow(), p = x.ncol();
  if (w.size() != n || r.size() != n || pen.size() != p)
    throw std::invalid_argument("glm_wls_cpp: dimension mismatch");
  newtonr::Mat A;
  newtonr::Vec b;
  newtonr::glm_xtwx(x.begin(), n, p, w.begin(), r.begin(), A, b, threads,
                    simd ? glm_kernel() : nullptr);
  Eigen::Map<const newtonr::Vec> penv(pen.begin(), p);
  newtonr::GlmSolve s = newtonr::glm_chol_solve(A, b, tol, penv);
  Rcpp::IntegerVector piv(p);
  for (Eigen::Index j = 0; j < p; ++j) piv[j] = s.pivot[static_cast<size_t>(j)] + 1;
  Rcpp::NumericVector coef(p);
  for (Eigen::Index j = 0; j < p; ++j)
    coef[j] = std::isnan(s.coef(j)) ? NA_REAL : s.coef(j);
  return Rcpp::List::create(Rcpp::Named("coefficients") = coef,
                            Rcpp::Named("R") = Rcpp::wrap(s.R),
                            Rcpp::Named("pivot") = piv,
                            Rcpp::Named("rank") = s.rank,
                            Rcpp::Named("effects") = Rcpp::wrap(s.effects),
                            Rcpp::Named("xtwx") = Rcpp::wrap(A),
                            Rcpp::Named("xty") = Rcpp::wrap(b));
}
