// solve.cpp -- Rcpp glue for newton_solve(): reads the control list into
// SolveOptions, wraps the R callbacks for F and J, and returns plain R
// values; R (R/solve.R) builds the "newton_solve" object and its trace.
#include "glue.h"
#include <newtonr/solve.hpp>

namespace {

using newtonr::Mat;
using newtonr::Vec;

newtonr::SolveOptions read_solve_options(const Rcpp::List& l) {
  newtonr::SolveOptions o;
  std::string start;
  newtonr_glue::read_opt(l, "ftol", o.ftol);
  newtonr_glue::read_opt(l, "xtol", o.xtol);
  newtonr_glue::read_opt(l, "gtol", o.gtol);
  newtonr_glue::read_opt(l, "cndtol", o.cndtol);
  newtonr_glue::read_opt(l, "delta", o.delta);
  newtonr_glue::read_opt(l, "delta_start", start);
  o.delta_start = newtonr::radius_start_from(start);
  newtonr_glue::read_opt(l, "maxit", o.maxit);
  newtonr_glue::read_opt(l, "stall", o.stall);
  newtonr_glue::read_opt(l, "jacobian", o.want_jac);
  newtonr_glue::read_opt(l, "scaling", o.scaling);
  o.validate();
  return o;
}

// fn(x) as a vector (its length is checked by the core).
newtonr::VecFn vector_fn(const Rcpp::Function& fn) {
  return [fn](const Vec& x) {
    SEXP r = fn(newtonr_glue::to_r(x));
    if (!Rf_isNumeric(r) && !Rf_isLogical(r))
      throw std::invalid_argument(std::string("'fn' must return a numeric vector, not ") +
                                  Rf_type2char(TYPEOF(r)));
    return newtonr_glue::to_vec(r);
  };
}

// jac(x): a numeric n x n matrix (or a single number when n = 1), checked
// here so that the user reads what is wrong, not an Rcpp cast error.
newtonr::MatFn matrix_fn(SEXP jac) {
  if (Rf_isNull(jac)) return newtonr::MatFn();
  Rcpp::Function jf(jac);
  return [jf](const Vec& x) -> Mat {
    const Eigen::Index n = x.size();
    Rcpp::RObject r = jf(newtonr_glue::to_r(x));
    const bool numeric = TYPEOF(r) == REALSXP || TYPEOF(r) == INTSXP;
    if (!numeric || !(Rf_isMatrix(r) || (Rf_length(r) == 1 && n == 1)))
      throw std::invalid_argument("'jac' must return a numeric " + std::to_string(n) + " x " +
                                  std::to_string(n) + " matrix, not a " +
                                  Rf_type2char(TYPEOF(r)) + (Rf_isMatrix(r) ? " matrix" : " vector"));
    if (Rf_length(r) == 1) return Mat::Constant(1, 1, Rcpp::as<double>(r));
    return newtonr_glue::to_mat(r);
  };
}

Rcpp::List trace_list(const std::vector<newtonr::SolveTraceRow>& tr, Eigen::Index n) {
  const int m = static_cast<int>(tr.size());
  Rcpp::IntegerVector it(m);
  Rcpp::NumericVector fnorm(m), step(m), mu(m), delta(m);
  Rcpp::NumericMatrix xs(m, static_cast<int>(n));
  for (int i = 0; i < m; ++i) {
    it[i] = tr[i].iter;
    fnorm[i] = tr[i].fnorm;
    step[i] = tr[i].step;
    mu[i] = tr[i].mu;
    delta[i] = tr[i].delta;
    for (Eigen::Index j = 0; j < n; ++j) xs(i, static_cast<int>(j)) = tr[i].x[j];
  }
  return Rcpp::List::create(Rcpp::Named("iter") = it, Rcpp::Named("fnorm") = fnorm,
                            Rcpp::Named("step") = step, Rcpp::Named("mu") = mu,
                            Rcpp::Named("delta") = delta, Rcpp::Named("x") = xs);
}

// control$trace: one line per iteration, printed as the run goes on.
newtonr::SolveObserver line_printer() {
  return [](const newtonr::SolveTraceRow& r) {
    Rprintf("iter %4d  max|F| = %-12.5g", r.iter, r.fnorm);
    if (r.iter > 0) Rprintf(" step = %-10.4g mu = %-10.4g delta = %-10.4g", r.step, r.mu, r.delta);
    Rprintf("\n");
    R_FlushConsole();
  };
}

}  // namespace

// fn, jac: R functions (jac NULL: forward differences); f0 = fn(x0);
// control: newton_solve_control()'s list.
// [[Rcpp::export]]
Rcpp::List newton_solve_cpp(Rcpp::Function fn, SEXP jac, SEXP x0s, SEXP f0s, Rcpp::List control) {
  const newtonr::SolveOptions opt = read_solve_options(control);
  const Vec x0 = newtonr_glue::to_vec(x0s), f0 = newtonr_glue::to_vec(f0s);
  newtonr::Interrupter intr(newtonr_glue::r_interrupt_check(), 4);
  int trace = 0;
  newtonr_glue::read_opt(control, "trace", trace);
  const newtonr::SolveResult r = newtonr::newton_system(vector_fn(fn), matrix_fn(jac), x0, opt, intr, &f0,
                                                        trace > 0 ? line_printer() : newtonr::SolveObserver());
  using Rcpp::Named;
  return Rcpp::List::create(
      Named("x") = newtonr_glue::to_r(r.x), Named("fvec") = newtonr_glue::to_r(r.fvec), Named("iter") = r.iter,
      Named("termcode") = static_cast<int>(r.code), Named("message") = r.message,
      Named("jac") = opt.want_jac ? SEXP(newtonr_glue::to_r(r.jac)) : R_NilValue,
      Named("fevals") = r.fevals, Named("jevals") = r.jevals, Named("trace") = trace_list(r.trace, x0.size()));
}

// After a failed run: does the user's Jacobian `ja` at x disagree with
// central differences of fn (newtonr::check_jacobian)? fn returns NA where
// it cannot be evaluated.
// [[Rcpp::export]]
Rcpp::List solve_check_jac_cpp(Rcpp::Function fn, SEXP ja, SEXP xs, SEXP fxs) {
  const newtonr::JacobianCheck c = newtonr::check_jacobian(
      vector_fn(fn), newtonr_glue::to_mat(ja), newtonr_glue::to_vec(xs), newtonr_glue::to_vec(fxs));
  return Rcpp::List::create(Rcpp::Named("fevals") = c.fevals, Rcpp::Named("blame") = c.blame,
                            Rcpp::Named("error") = c.error);
}

// The status table of newton_solve (R/status.R).
// [[Rcpp::export]]
Rcpp::DataFrame solve_status_cpp() { return newtonr_glue::status_frame(newtonr::kSolveStatusTable); }
