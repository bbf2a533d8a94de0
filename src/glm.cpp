// glm.cpp -- Rcpp glue for newton_glm_fit(): the native IRLS loop
// (glm_irls.hpp) for stats' families, and the weighted least-squares step
// used by the R-closure path for other families.  X is mapped, not copied.
#include "glue.h"
#include <newtonr/glm_chol.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_irls.hpp>
#include <newtonr/glm_xtwx.hpp>

#include <string>

void newtonr_glm_panel_avx2(const double*, std::ptrdiff_t, std::ptrdiff_t, std::ptrdiff_t,
                            const double*, const double*, double*, std::ptrdiff_t, double*);
void newtonr_glm_pack_avx2(const double*, std::ptrdiff_t, std::ptrdiff_t, std::ptrdiff_t,
                           const double*, const double*, double*, double*, std::ptrdiff_t);
bool newtonr_glm_have_avx2();

// The AVX2/FMA kernels when the CPU has them (checked once) and `simd`,
// else the portable Eigen ones.
static newtonr::GlmKernels glm_kernels(bool simd) {
  static const bool avx2 = newtonr_glm_have_avx2();
  newtonr::GlmKernels k;
  if (simd && avx2) {
    k.panel = &newtonr_glm_panel_avx2;
    k.pack = &newtonr_glm_pack_avx2;
  }
  return k;
}

// [[Rcpp::export]]
bool glm_simd_cpp() { return newtonr_glm_have_avx2(); }

// TRUE when x has no NA/NaN/Inf (one pass, no allocation).
// [[Rcpp::export]]
bool glm_all_finite_cpp(Rcpp::NumericVector x, int threads = 0) {
  const double* v = x.begin();
  const R_xlen_t n = x.size();
  if (n >= (1 << 20)) {  // large: fixed blocks in parallel (a boolean: order-free)
    const R_xlen_t blk = 1 << 16, nb = (n + blk - 1) / blk;
    int bad = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) reduction(| : bad) num_threads(newtonr::glm_threads(threads, nb))
#endif
    for (R_xlen_t b = 0; b < nb; ++b) {
      const R_xlen_t i0 = b * blk, i1 = std::min(n, (b + 1) * blk);
      double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      R_xlen_t i = i0;
      for (; i + 4 <= i1; i += 4) {
        a0 += v[i] * 0.0;
        a1 += v[i + 1] * 0.0;
        a2 += v[i + 2] * 0.0;
        a3 += v[i + 3] * 0.0;
      }
      for (; i < i1; ++i) a0 += v[i] * 0.0;
      if (a0 + a1 + a2 + a3 != 0) bad = 1;
    }
    return bad == 0;
  }
  // x * 0 is NaN exactly when x is not finite; four independent sums so the
  // loop is not bound by the latency of one addition chain.
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  R_xlen_t i = 0;
  for (; i + 4 <= n; i += 4) {
    a0 += v[i] * 0.0;
    a1 += v[i + 1] * 0.0;
    a2 += v[i + 2] * 0.0;
    a3 += v[i + 3] * 0.0;
  }
  for (; i < n; ++i) a0 += v[i] * 0.0;
  return a0 + a1 + a2 + a3 == 0;
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

// Per column: range (max - min) and whether every entry equals 1.
// [[Rcpp::export]]
Rcpp::List glm_col_info_cpp(Rcpp::NumericMatrix x) {
  const R_xlen_t n = x.nrow();
  const int p = x.ncol();
  Rcpp::NumericVector range(p);
  Rcpp::LogicalVector ones(p);
  for (int j = 0; j < p; ++j) {
    const double* c = x.begin() + static_cast<R_xlen_t>(j) * n;
    double lo = R_PosInf, hi = R_NegInf;
    bool one = true;
    for (R_xlen_t i = 0; i < n; ++i) {
      lo = std::min(lo, c[i]);
      hi = std::max(hi, c[i]);
      one = one && c[i] == 1.0;
    }
    range[j] = n > 0 ? hi - lo : 0.0;
    ones[j] = one;
  }
  return Rcpp::List::create(Rcpp::Named("range") = range, Rcpp::Named("ones") = ones);
}

// TRUE when (family, link, varfun) names a family the C++ loop implements.
// [[Rcpp::export]]
bool glm_native_family_cpp(std::string family, std::string link, std::string varfun) {
  newtonr::GlmFamily f;
  return newtonr::glm_family_from_names(family, link, varfun, f);
}

// eta = X beta + offset (threaded, deterministic).
// [[Rcpp::export]]
Rcpp::NumericVector glm_xb_cpp(Rcpp::NumericMatrix x, Rcpp::NumericVector beta,
                               Rcpp::NumericVector offset, int threads) {
  const Eigen::Index n = x.nrow(), p = x.ncol();
  if (beta.size() != p || offset.size() != n)
    throw std::invalid_argument("glm_xb_cpp: dimension mismatch");
  Rcpp::NumericVector eta(n);
  newtonr::glm_xb(x.begin(), n, p, beta.begin(), offset.begin(), eta.begin(), threads,
                  glm_kernels(true));
  return eta;
}

static Rcpp::List solve_to_list(const newtonr::GlmSolve& s, Eigen::Index p) {
  if (static_cast<Eigen::Index>(s.pivot.size()) != p)
    throw std::logic_error("glm: no least-squares solve to report (internal error)");
  Rcpp::IntegerVector piv(p);
  for (Eigen::Index j = 0; j < p; ++j) piv[j] = s.pivot[static_cast<size_t>(j)] + 1;
  Rcpp::NumericVector coef(p);
  for (Eigen::Index j = 0; j < p; ++j) coef[j] = std::isnan(s.coef(j)) ? NA_REAL : s.coef(j);
  return Rcpp::List::create(Rcpp::Named("coefficients") = coef,
                            Rcpp::Named("R") = newtonr_glue::to_r(s.R),
                            Rcpp::Named("pivot") = piv,
                            Rcpp::Named("rank") = s.rank,
                            Rcpp::Named("effects") = newtonr_glue::to_r(s.effects));
}

// One weighted least-squares solve: (X'WX + diag(pen)) beta = X'r, on the
// column-scaled X S when `scale` is given (glm_col_scan_cpp; results are
// unscaled).  With `beta`, also the norm of the penalised score X'r - X'WX
// beta - pen beta (computed in scaled coordinates, so it does not overflow
// with X).
// [[Rcpp::export]]
Rcpp::List glm_wls_cpp(Rcpp::NumericMatrix x, Rcpp::NumericVector w,
                       Rcpp::NumericVector r, Rcpp::NumericVector pen,
                       double tol, int threads, bool simd,
                       Rcpp::NumericVector scale,
                       Rcpp::Nullable<Rcpp::NumericVector> beta = R_NilValue) {
  const Eigen::Index n = x.nrow(), p = x.ncol();
  if (w.size() != n || r.size() != n || pen.size() != p)
    throw std::invalid_argument("glm_wls_cpp: dimension mismatch");
  const double* sp = scale_ptr(scale, p);
  newtonr::Mat A;
  newtonr::Vec b;
  newtonr::glm_xtwx(x.begin(), n, p, w.begin(), r.begin(), A, b, threads, glm_kernels(simd), sp);
  newtonr::glm_check_normal_equations(A, b);
  const newtonr::Vec sc = sp ? newtonr::Vec(Eigen::Map<const newtonr::Vec>(sp, p))
                             : newtonr::Vec::Ones(p);
  newtonr::Vec penv = Eigen::Map<const newtonr::Vec>(pen.begin(), p);
  if (sp) penv = newtonr::glm_scale_pen(penv, sc);
  newtonr::GlmSolve s = newtonr::glm_chol_solve(A, b, tol, penv);
  double gnorm = NA_REAL;
  if (beta.isNotNull()) {
    Rcpp::NumericVector bv(beta.get());
    if (bv.size() != p) throw std::invalid_argument("glm_wls_cpp: 'beta' has the wrong length");
    const newtonr::Vec bs = Eigen::Map<const newtonr::Vec>(bv.begin(), p).cwiseQuotient(sc);
    gnorm = (b - A * bs - penv.cwiseProduct(bs)).cwiseQuotient(sc).norm();
  }
  if (sp) {
    newtonr::glm_unscale_solve(s, sc);
    // back to X's own coordinates (may overflow for absurd scales; only the
    // "gd" algorithm reads these)
    A = sc.asDiagonal().inverse() * A * sc.asDiagonal().inverse();
    b = b.cwiseQuotient(sc);
  }
  Rcpp::List out = solve_to_list(s, p);
  out["xtwx"] = newtonr_glue::to_r(A);
  out["xty"] = newtonr_glue::to_r(b);
  out["grad_norm"] = gnorm;
  return out;
}

// The whole IRLS loop for a native family (see glm_irls.hpp).  `start` may
// be NULL; `trace` prints glm's lines through R's cat().
// [[Rcpp::export]]
Rcpp::List glm_irls_cpp(Rcpp::NumericMatrix x, Rcpp::NumericVector y,
                        Rcpp::NumericVector weights, Rcpp::NumericVector offset,
                        Rcpp::NumericVector eta0, Rcpp::Nullable<Rcpp::NumericVector> start,
                        std::string family, std::string link, std::string varfun,
                        Rcpp::NumericVector pen, double epsilon, int maxit, bool newton,
                        double tol, bool singular_ok, int threads, bool simd, bool trace,
                        Rcpp::NumericVector scale) {
  const Eigen::Index n = x.nrow(), p = x.ncol();
  if (y.size() != n || weights.size() != n || offset.size() != n || eta0.size() != n ||
      pen.size() != p)
    throw std::invalid_argument("glm_irls_cpp: dimension mismatch");
  newtonr::GlmFamily fam;
  if (!newtonr::glm_family_from_names(family, link, varfun, fam))
    throw std::invalid_argument("glm_irls_cpp: family not implemented in C++");
  newtonr::GlmData d;
  d.X = x.begin();
  d.n = n;
  d.p = p;
  d.y = y.begin();
  d.wt = weights.begin();
  d.off = offset.begin();
  d.scale = scale_ptr(scale, p);
  newtonr::GlmIrlsSettings s;
  s.epsilon = epsilon;
  s.maxit = maxit;
  s.newton = newton;
  s.tol = tol;
  s.singular_ok = singular_ok;
  s.threads = threads;
  Rcpp::NumericVector st;
  const double* startp = nullptr;
  if (start.isNotNull()) {
    st = Rcpp::NumericVector(start.get());
    if (st.size() != p) throw std::invalid_argument("glm_irls_cpp: 'start' has the wrong length");
    startp = st.begin();
  }
  newtonr::GlmTraceFn tr;
  if (trace) {
    Rcpp::Function cat("cat");
    tr = [cat](int kind, int iter, double dev) {
      if (kind == 0) {
        cat("Deviance = ", dev, " Iterations - ", iter, "\n", Rcpp::Named("sep") = "");
      } else {
        cat("Step halved: new deviance = ", dev, "\n", Rcpp::Named("sep") = "");
      }
    };
  }
  newtonr::Interrupter intr(newtonr_glue::r_interrupt_check(), 1);
  Eigen::Map<const newtonr::Vec> penv(pen.begin(), p);
  // the loop's n-vectors are R vectors, written in place
  Rcpp::NumericVector eta_a(Rcpp::no_init(n)), eta_b(Rcpp::no_init(n)), mu(Rcpp::no_init(n)),
      wts(Rcpp::no_init(n)), res(Rcpp::no_init(n));
  std::copy(eta0.begin(), eta0.end(), eta_a.begin());
  newtonr::GlmBuffers buf;
  buf.eta_a = eta_a.begin();
  buf.eta_b = eta_b.begin();
  buf.mu = mu.begin();
  buf.weights = wts.begin();
  buf.residuals = res.begin();
  newtonr::GlmIrlsResult r =
      newtonr::glm_irls(d, fam, buf, startp, penv, s, glm_kernels(simd), intr, tr);
  Rcpp::List fit = solve_to_list(r.solve, p);
  Rcpp::NumericVector coef(p);
  for (Eigen::Index j = 0; j < p; ++j) coef[j] = std::isnan(r.coef(j)) ? NA_REAL : r.coef(j);
  fit["coefficients"] = coef;
  Rcpp::List out = Rcpp::List::create(
      Rcpp::Named("fit") = fit,
      Rcpp::Named("eta") = (r.eta == buf.eta_a) ? eta_a : eta_b,
      Rcpp::Named("mu") = mu, Rcpp::Named("weights") = wts, Rcpp::Named("residuals") = res,
      Rcpp::Named("deviance") = r.dev, Rcpp::Named("iter") = r.iter,
      Rcpp::Named("converged") = r.converged, Rcpp::Named("boundary") = r.boundary,
      Rcpp::Named("coef_prev") = r.has_prev ? SEXP(newtonr_glue::to_r(r.coef_prev)) : R_NilValue,
      Rcpp::Named("warnings") = Rcpp::wrap(r.warnings));
  out["trace"] = Rcpp::List::create(
      Rcpp::Named("iter") = Rcpp::wrap(r.t_iter), Rcpp::Named("deviance") = Rcpp::wrap(r.t_dev),
      Rcpp::Named("halvings") = Rcpp::wrap(r.t_halv),
      Rcpp::Named("grad_norm") = Rcpp::wrap(r.t_grad));
  return out;
}

// Sum of the deviance residuals for a native family; mu has length 1
// (recycled, as for glm's null deviance) or n.
// [[Rcpp::export]]
double glm_dev_cpp(Rcpp::NumericVector y, Rcpp::NumericVector mu, Rcpp::NumericVector wt,
                   std::string family, std::string link, std::string varfun) {
  newtonr::GlmFamily fam;
  if (!newtonr::glm_family_from_names(family, link, varfun, fam))
    throw std::invalid_argument("glm_dev_cpp: family not implemented in C++");
  const R_xlen_t n = y.size();
  if ((mu.size() != 1 && mu.size() != n) || wt.size() != n)
    throw std::invalid_argument("glm_dev_cpp: dimension mismatch");
  const bool rec = mu.size() == 1;
  double s = 0;
  for (R_xlen_t i = 0; i < n; ++i) s += fam.dev_resid(y[i], mu[rec ? 0 : i], wt[i]);
  return s;
}

// family$aic() of binomial() and poisson() (the formulas of R's family.R,
// with R's own dbinom/dpois), without R's vector temporaries.
// [[Rcpp::export]]
double glm_aic_cpp(std::string family, Rcpp::NumericVector y, Rcpp::NumericVector n,
                   Rcpp::NumericVector mu, Rcpp::NumericVector wt) {
  const R_xlen_t len = y.size();
  if (mu.size() != len || wt.size() != len) throw std::invalid_argument("glm_aic_cpp: dimension mismatch");
  double s = 0;
  if (family == "binomial") {
    // n of length 1 is recycled (all trials 1, as binomial()'s initialize
    // sets for a vector response)
    if (n.size() != len && n.size() != 1)
      throw std::invalid_argument("glm_aic_cpp: dimension mismatch");
    const bool rec = n.size() == 1;
    bool any_n = false;
    for (R_xlen_t i = 0; i < n.size(); ++i) any_n = any_n || n[i] > 1;
    const double* m = any_n ? n.begin() : wt.begin();
    const bool mrec = any_n && rec;
    for (R_xlen_t i = 0; i < len; ++i) {
      const double mi = m[mrec ? 0 : i];
      const double f = mi > 0 ? wt[i] / mi : 0.0;
      s += f * R::dbinom(std::nearbyint(mi * y[i]), std::nearbyint(mi), mu[i], 1);
    }
  } else if (family == "poisson") {
    for (R_xlen_t i = 0; i < len; ++i) s += R::dpois(y[i], mu[i], 1) * wt[i];
  } else {
    throw std::invalid_argument("glm_aic_cpp: unsupported family");
  }
  return -2 * s;
}

// binomial()$initialize for a numeric vector response (family.R): y is set
// to 0 where the weight is 0, checked to lie in [0, 1], mustart =
// (w y + 0.5) / (w + 1), and `nonint` flags non-integer successes w y.
// Returns NULL when y has NA/NaN (R's own code then handles it).
// [[Rcpp::export]]
SEXP glm_binomial_init_cpp(Rcpp::NumericVector y, Rcpp::NumericVector weights) {
  const R_xlen_t n = y.size();
  if (weights.size() != n) throw std::invalid_argument("glm_binomial_init_cpp: dimension mismatch");
  for (R_xlen_t i = 0; i < n; ++i)
    if (std::isnan(y[i]) || std::isnan(weights[i])) return R_NilValue;
  Rcpp::NumericVector yy = y;  // a copy only if y was not double
  bool zero_w = false;
  for (R_xlen_t i = 0; i < n; ++i) zero_w = zero_w || (weights[i] == 0 && y[i] != 0);
  if (zero_w) {
    yy = Rcpp::clone(y);
    for (R_xlen_t i = 0; i < n; ++i)
      if (weights[i] == 0) yy[i] = 0;
  }
  Rcpp::NumericVector mustart(Rcpp::no_init(n));
  bool nonint = false;
  for (R_xlen_t i = 0; i < n; ++i) {
    const double yi = yy[i], wi = weights[i];
    if (yi < 0 || yi > 1) throw std::range_error("y values must be 0 <= y <= 1");
    mustart[i] = (wi * yi + 0.5) / (wi + 1);
    const double m = wi * yi;
    nonint = nonint || std::fabs(m - std::nearbyint(m)) > 0.001;
  }
  // y is returned only when it changed (zero weights); otherwise the caller
  // keeps its own y (no copy)
  return Rcpp::List::create(Rcpp::Named("y") = zero_w ? SEXP(yy) : R_NilValue,
                            Rcpp::Named("mustart") = mustart,
                            Rcpp::Named("nonint") = nonint);
}
