// numderiv.cpp -- Rcpp glue for the numerical derivatives in
// newtonr/numderiv.hpp.  The R function (a closure over the user's `...`)
// is called back from the C++ loop through Rcpp::Function, which evaluates
// under R's unwind protection: an R error inside fn unwinds the C++ stack
// and then reaches R unchanged (the R wrapper adds the argument name).
#include "glue.h"
#include <newtonr/numderiv.hpp>

namespace {

newtonr::RichardsonOptions make_options(const Rcpp::List& opt) {
  newtonr::RichardsonOptions o;
  o.d = Rcpp::as<double>(opt["d"]);
  o.eps = Rcpp::as<double>(opt["eps"]);
  o.zero_tol = Rcpp::as<double>(opt["zero_tol"]);
  o.r = Rcpp::as<int>(opt["r"]);
  o.v = Rcpp::as<double>(opt["v"]);
  return o;
}

// Convert fn's value, insisting on a numeric vector of the expected length
// (len < 0: any length >= 1).
newtonr::Vec as_value(SEXP s, R_xlen_t len) {
  if (TYPEOF(s) != REALSXP && TYPEOF(s) != INTSXP) {
    throw std::invalid_argument("'fn' must return a numeric value, not " +
                                std::string(Rf_type2char(TYPEOF(s))));
  }
  const R_xlen_t n = Rf_xlength(s);
  if ((len >= 0 && n != len) || n < 1) {
    throw std::invalid_argument("'fn' must return a numeric vector of length " +
                                std::to_string(len < 0 ? 1 : len) + ", not " +
                                std::to_string(n));
  }
  return newtonr_glue::to_vec(s);
}

}  // namespace

// [[Rcpp::export]]
Rcpp::NumericMatrix num_jacobian_cpp(Rcpp::Function fn, SEXP xs,
                                 Rcpp::List opt, int m) {
  newtonr::VectorFn f = [&fn, m](const newtonr::Vec& z) {
    return as_value(fn(newtonr_glue::to_r(z)), m);
  };
  const newtonr::Vec x = newtonr_glue::to_vec(xs);
  return newtonr_glue::to_r(newtonr::jacobian(f, x, make_options(opt),
                           newtonr::Interrupter(newtonr_glue::r_interrupt_check())));
}

// [[Rcpp::export]]
Rcpp::NumericMatrix num_hessian_cpp(Rcpp::Function fn, SEXP xs,
                                Rcpp::List opt, double f0) {
  newtonr::ScalarFn f = [&fn](const newtonr::Vec& z) {
    return as_value(fn(newtonr_glue::to_r(z)), 1)[0];
  };
  const newtonr::Vec x = newtonr_glue::to_vec(xs);
  return newtonr_glue::to_r(newtonr::hessian(f, x, make_options(opt),
                          newtonr::Interrupter(newtonr_glue::r_interrupt_check()),
                          nullptr, f0));
}
