// glm_large.cpp -- Rcpp glue for the large-p GLM solvers (glm_hf.hpp:
// newton-cg, lbfgs, and IRLS on a sparse design): one call per fit,
// glm_large_cpp().  The model matrix arrives dense (an R matrix, mapped) or
// as the slots of a Matrix::dgCMatrix (i, p, x; mapped, not copied).  No
// numerical loop lives here.
#include "glue.h"
#include "glm_rfamily.h"
#include <newtonr/glm_hf.hpp>

#include <string>

using newtonr_rfamily::native_family;
using newtonr_rfamily::RFamily;

static newtonr::GlmHfControl read_hf_control(const Rcpp::List& ctl, const std::string& method) {
  newtonr::GlmHfControl c;
  newtonr_glue::read_opt(ctl, "epsilon", c.epsilon);
  newtonr_glue::read_opt(ctl, "maxit", c.maxit);
  newtonr_glue::read_opt(ctl, "lambda", c.lambda);
  newtonr_glue::read_opt(ctl, "penalize_intercept", c.penalize_intercept);
  c.method = method == "irls"    ? newtonr::GlmHfMethod::Irls
             : method == "lbfgs" ? newtonr::GlmHfMethod::LBFGS
                                 : newtonr::GlmHfMethod::NewtonCG;
  c.validate();
  return c;
}

// The fit.  x: a numeric matrix, or NULL with (si, sp, sx, dim) the slots of
// a dgCMatrix; start: length p or NULL (then b0 on the first column of
// ones, 0 elsewhere); method: "irls", "newton-cg" or "lbfgs"; want_xwx: also
// return R, the Cholesky factor of X'WX + diag(pen) at the end over the
// kept columns (standard errors), absent when not positive definite.
// [[Rcpp::export]]
Rcpp::List glm_large_cpp(SEXP x, SEXP si, SEXP sp, SEXP sx, Rcpp::IntegerVector dim,
                         Rcpp::NumericVector y, Rcpp::NumericVector weights,
                         Rcpp::NumericVector offset, SEXP start, double b0,
                         Rcpp::List family, bool stock, Rcpp::List control, std::string method,
                         bool want_xwx) {
  newtonr::GlmDesign X;
  X.n = dim[0];
  X.p = dim[1];
  int threads = 0;
  if (!Rf_isNull(control["threads"])) threads = Rcpp::as<int>(control["threads"]);
#ifdef _OPENMP
  X.threads = threads > 0 ? threads : omp_get_max_threads();
#endif
  Rcpp::NumericMatrix xd;
  Rcpp::IntegerVector iv, pv;
  Rcpp::NumericVector xv;
  if (!Rf_isNull(x)) {
    xd = Rcpp::NumericMatrix(x);
    X.X = xd.begin();
  } else {
    iv = Rcpp::IntegerVector(si);
    pv = Rcpp::IntegerVector(sp);
    xv = Rcpp::NumericVector(sx);
    if (pv.size() != X.p + 1 || iv.size() != xv.size() || pv[X.p] != iv.size())
      throw std::invalid_argument("glm_large_cpp: inconsistent sparse matrix slots");
    X.Si = iv.begin();
    X.Sp = pv.begin();
    X.Sx = xv.begin();
  }
  const Eigen::Index n = X.n, p = X.p;
  if (y.size() != n || weights.size() != n || offset.size() != n ||
      (!Rf_isNull(start) && Rf_xlength(start) != p))
    throw std::invalid_argument("glm_large_cpp: dimension mismatch");
  const newtonr::GlmHfControl c = read_hf_control(control, method);
  std::unique_ptr<newtonr::GlmFamilyFns> fam = native_family(family, stock);
  const bool native = fam != nullptr;
  if (!fam) fam = std::make_unique<RFamily>(family);
  newtonr::Vec range;
  std::vector<bool> ones;
  X.col_info(range, ones);
  newtonr::Vec pen = newtonr::Vec::Constant(p, c.lambda);
  if (!c.penalize_intercept)
    for (Eigen::Index j = 0; j < p; ++j)
      if (ones[static_cast<size_t>(j)]) pen(j) = 0;
  newtonr::GlmHfProblem P(X, *fam, y.begin(), weights.begin(), offset.begin(), pen);
  newtonr::Interrupter intr(newtonr_glue::r_interrupt_check(), 1);
  // the start: `start`, else 0 with b0 (glm's starting mean, on the link
  // scale) on the first column of ones
  newtonr::Vec beta0 = newtonr::Vec::Zero(p);
  if (!Rf_isNull(start)) {
    beta0 = newtonr_glue::to_vec(start);
  } else if (std::isfinite(b0)) {
    for (Eigen::Index j = 0; j < p; ++j)
      if (ones[static_cast<size_t>(j)]) {
        beta0(j) = b0;
        break;
      }
  }
  // trace = TRUE: the IRLS trace's line per outer iteration (src/glm.cpp)
  bool trace = false;
  newtonr_glue::read_opt(control, "trace", trace);
  newtonr::GlmHfTraceFn tr;
  if (trace) {
    Rcpp::Function cat("cat");
    tr = [cat](int iter, double dev) {
      cat("Deviance = ", dev, " Iterations - ", iter, "\n", Rcpp::Named("sep") = "");
    };
  }
  newtonr::GlmHfResult r = newtonr::glm_hf_fit(P, c, beta0, intr, tr);
  const newtonr::GlmHfPoint& w = r.at;
  Rcpp::NumericVector coef = newtonr_glue::to_r(r.coef);
  for (R_xlen_t j = 0; j < coef.size(); ++j)
    if (std::isnan(coef[j])) coef[j] = NA_REAL;
  std::vector<double> me(static_cast<size_t>(n)), resid(static_cast<size_t>(n));
  fam->mu_eta(w.eta.data(), me.data(), n);
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) resid[i] = (y[i] - w.mu[i]) / me[i];
  Rcpp::List out = Rcpp::List::create(
      Rcpp::Named("coefficients") = coef, Rcpp::Named("deviance") = w.dev,
      Rcpp::Named("penalised_deviance") = 2 * w.f, Rcpp::Named("grad_norm") = w.g.norm(),
      Rcpp::Named("iter") = r.iter, Rcpp::Named("converged") = r.converged,
      Rcpp::Named("status") = r.status, Rcpp::Named("cg_iter") = r.cg_iter,
      Rcpp::Named("passes") = r.passes, Rcpp::Named("eta") = newtonr_glue::to_r(w.eta),
      Rcpp::Named("mu") = newtonr_glue::to_r(w.mu), Rcpp::Named("weights") = newtonr_glue::to_r(w.D),
      Rcpp::Named("residuals") = newtonr_glue::to_r(resid),
      Rcpp::Named("warnings") = Rcpp::wrap(r.warnings), Rcpp::Named("native") = native,
      Rcpp::Named("col_ones") = Rcpp::LogicalVector(ones.begin(), ones.end()),
      Rcpp::Named("col_range") = newtonr_glue::to_r(range),
      Rcpp::Named("penalty") = newtonr_glue::to_r(pen));
  out["coef_prev"] = r.prev.size() ? SEXP(newtonr_glue::to_r(r.prev)) : R_NilValue;
  out["rank"] = r.have_solve ? r.solve.rank : static_cast<int>(p);
  out["trace"] = Rcpp::List::create(
      Rcpp::Named("iter") = newtonr_glue::to_r(r.t_iter),
      Rcpp::Named("deviance") = newtonr_glue::to_r(r.t_dev),
      Rcpp::Named("inner") = newtonr_glue::to_r(r.t_inner),
      Rcpp::Named("grad_norm") = newtonr_glue::to_r(r.t_grad));
  if (want_xwx) {  // R'R = X'WX + diag(pen) over the kept columns (NULL: not PD)
    newtonr::Mat A = X.xdx(w.D.data());
    A.diagonal() += pen;
    std::vector<Eigen::Index> keep;
    for (Eigen::Index j = 0; j < p; ++j)
      if (!std::isnan(r.coef(j))) keep.push_back(j);
    const Eigen::Index k = static_cast<Eigen::Index>(keep.size());
    newtonr::Mat Ak(k, k);
    for (Eigen::Index a = 0; a < k; ++a)
      for (Eigen::Index b = 0; b < k; ++b) Ak(a, b) = A(keep[static_cast<size_t>(a)], keep[static_cast<size_t>(b)]);
    Eigen::LLT<newtonr::Mat> llt(Ak);
    bool full = llt.info() == Eigen::Success;
    newtonr::Mat R;
    if (full) R = llt.matrixU();
    if (!r.have_solve) {
      // newton-cg / lbfgs: glm's aliasing rule (glm_chol.hpp, as sparse
      // IRLS) at the final weights.  The in-order Cholesky above is that
      // rule's factorisation while no pivot falls below its threshold; else
      // glm_chol_solve names the aliased columns (1-based), and the caller
      // refits without them (R/glm_large.R).
      const double thr = newtonr::detail::glm_alias_threshold(c.aliasing_tol, p);
      for (Eigen::Index j = 0; full && j < p; ++j)
        if (!(R(j, j) * R(j, j) >= thr * A(j, j))) full = false;
      if (!full) {
        A.diagonal() -= pen;
        const newtonr::GlmSolve al =
            newtonr::glm_chol_solve(A, newtonr::Vec::Zero(p), c.aliasing_tol, pen);
        Rcpp::IntegerVector aliased;
        for (Eigen::Index a = al.rank; a < p; ++a) aliased.push_back(al.pivot[static_cast<size_t>(a)] + 1);
        out["aliased"] = aliased;
      }
    }
    if (llt.info() == Eigen::Success) out["R"] = newtonr_glue::to_r(R);
  }
  return out;
}
