// solve.cpp -- Rcpp glue for newton_solve(): R callbacks for F and J.
#include "glue.h"
#include <newtonr/solve.hpp>

// [[Rcpp::export]]
Rcpp::List newton_solve_cpp(Rcpp::Function fn, SEXP jac, SEXP x0s, SEXP f0s,
                            double ftol, double xtol, double gtol, double cndtol, double delta,
                            int maxit, int stall, bool want_jac, bool scaling) {
  using namespace newtonr;
  const Vec x0 = newtonr_glue::to_vec(x0s);
  const Vec f0 = newtonr_glue::to_vec(f0s);
  VecFn F = [&fn](const Vec& x) {
    SEXP r = fn(newtonr_glue::to_r(x));
    if (!Rf_isNumeric(r) && !Rf_isLogical(r))
      throw std::invalid_argument(std::string("'fn' must return a numeric vector, not ") +
                                  Rf_type2char(TYPEOF(r)));
    Rcpp::NumericVector v(r);
    return Vec(Eigen::Map<const Vec>(v.begin(), v.size()));
  };
  MatFn J;
  if (!Rf_isNull(jac)) {
    Rcpp::Function jf(jac);
    J = [jf](const Vec& x) -> Mat {
      const Eigen::Index n = x.size();
      Rcpp::RObject r = jf(newtonr_glue::to_r(x));
      // a numeric n x n matrix (or a single number when n = 1); checked
      // here so that the user reads what is wrong, not an Rcpp cast error
      const bool numeric = TYPEOF(r) == REALSXP || TYPEOF(r) == INTSXP;
      if (!numeric || !(Rf_isMatrix(r) || (Rf_length(r) == 1 && n == 1)))
        throw std::invalid_argument("'jac' must return a numeric " + std::to_string(n) + " x " +
                                    std::to_string(n) + " matrix, not a " +
                                    Rf_type2char(TYPEOF(r)) + (Rf_isMatrix(r) ? " matrix" : " vector"));
      if (Rf_length(r) == 1) return Mat::Constant(1, 1, Rcpp::as<double>(r));
      Rcpp::NumericMatrix m(r);  // coerces integer to double
      return Mat(Eigen::Map<const Mat>(m.begin(), m.nrow(), m.ncol()));
    };
  }
  SolveOptions opt;
  opt.ftol = ftol;
  opt.xtol = xtol;
  opt.gtol = gtol;
  opt.cndtol = cndtol;
  opt.delta = delta;
  opt.maxit = maxit;
  opt.stall = stall;
  opt.want_jac = want_jac;
  opt.scaling = scaling;
  Interrupter intr(newtonr_glue::r_interrupt_check(), 4);
  SolveResult r = newton_system(F, J, x0, opt, intr, &f0);
  const int n = static_cast<int>(x0.size()), m = static_cast<int>(r.trace.size());
  Rcpp::IntegerVector it(m);
  Rcpp::NumericVector fn_norm(m), step(m), lam(m), dl(m);
  Rcpp::NumericMatrix xs(m, n);
  for (int i = 0; i < m; ++i) {
    it[i] = r.trace[i].iter;
    fn_norm[i] = r.trace[i].fnorm;
    step[i] = r.trace[i].step;
    lam[i] = r.trace[i].lambda;
    dl[i] = r.trace[i].delta;
    for (int j = 0; j < n; ++j) xs(i, j) = r.trace[i].x[j];
  }
  return Rcpp::List::create(
      Rcpp::Named("x") = newtonr_glue::to_r(r.x), Rcpp::Named("fvec") = newtonr_glue::to_r(r.fvec), Rcpp::Named("iter") = r.iter,
      Rcpp::Named("termcode") = static_cast<int>(r.code), Rcpp::Named("message") = r.message,
      Rcpp::Named("jac") = want_jac ? SEXP(newtonr_glue::to_r(r.jac)) : R_NilValue, Rcpp::Named("fevals") = r.fevals, Rcpp::Named("jevals") = r.jevals,
      Rcpp::Named("trace_iter") = it, Rcpp::Named("trace_fnorm") = fn_norm,
      Rcpp::Named("trace_step") = step, Rcpp::Named("trace_lambda") = lam, Rcpp::Named("trace_delta") = dl,
      Rcpp::Named("trace_x") = xs);
}
