// optim.cpp -- Rcpp glue for newton_optim(): wraps the R objective, gradient,
// Hessian and Hessian-vector product as callbacks for the core
// (inst/include/newtonr/optim.hpp) and converts the result to a list.
//
// Each callback evaluates a call object built once (`fn(x)`), so that one
// evaluation costs one allocation of x plus Rf_eval; R errors unwind through
// Rcpp's unwind-protect (Rcpp_fast_eval) and reach the user unchanged.
#include "glue.h"

#include <memory>

#include <newtonr/optim.hpp>

namespace {

using newtonr::Mat;
using newtonr::Vec;

const char* type_desc(SEXP s) {
  return Rf_type2char(TYPEOF(s));
}

// An R function called as f(x) or f(x, v) with x carrying the names of par.
class RCallback {
 public:
  RCallback(SEXP fun, SEXP names, int nargs) : names_(names) {
    call_ = Rcpp::Shield<SEXP>(nargs == 1 ? Rf_lang2(fun, R_NilValue)
                                          : Rf_lang3(fun, R_NilValue, R_NilValue));
  }
  SEXP eval(const Vec& x) {
    Rcpp::Shield<SEXP> xs(make_x(x));
    SETCADR(call_, xs);
    return Rcpp::Rcpp_fast_eval(call_, R_GlobalEnv);
  }
  SEXP eval(const Vec& x, const Vec& v) {
    Rcpp::Shield<SEXP> xs(make_x(x));
    Rcpp::Shield<SEXP> vs(Rf_allocVector(REALSXP, v.size()));
    std::copy(v.data(), v.data() + v.size(), REAL(vs));
    SETCADR(call_, xs);
    SETCADDR(call_, vs);
    return Rcpp::Rcpp_fast_eval(call_, R_GlobalEnv);
  }

 private:
  SEXP make_x(const Vec& x) {
    SEXP xs = PROTECT(Rf_allocVector(REALSXP, x.size()));
    std::copy(x.data(), x.data() + x.size(), REAL(xs));
    if (names_ != R_NilValue) Rf_setAttrib(xs, R_NamesSymbol, names_);
    UNPROTECT(1);
    return xs;
  }
  Rcpp::RObject call_;
  SEXP names_;
};

double as_value(SEXP s) {
  const int t = TYPEOF(s);
  if (Rf_length(s) == 1 && !Rf_isObject(s)) {
    if (t == REALSXP) return REAL(s)[0];
    if (t == INTSXP) return INTEGER(s)[0] == NA_INTEGER ? NA_REAL : INTEGER(s)[0];
    if (t == LGLSXP && LOGICAL(s)[0] == NA_LOGICAL) return NA_REAL;
  }
  throw std::invalid_argument(std::string("'fn' must return a single number, not a ") +
                              type_desc(s) + " vector of length " +
                              std::to_string(Rf_length(s)));
}

Vec as_vec(SEXP s, Eigen::Index n, const char* what) {
  if ((TYPEOF(s) == REALSXP || TYPEOF(s) == INTSXP) && Rf_length(s) != n) {
    throw std::invalid_argument(std::string("'") + what + "' must return a numeric vector of length " +
                                std::to_string(n) + ", one component per element of 'par': '" + what +
                                "' returned length " + std::to_string(Rf_length(s)) +
                                " for 'par' of length " + std::to_string(n) +
                                " (is 'par' the length 'fn' expects?)");
  }
  if (TYPEOF(s) != REALSXP && TYPEOF(s) != INTSXP) {
    throw std::invalid_argument(std::string("'") + what + "' must return a numeric vector of length " +
                                std::to_string(n) + ", not a " + type_desc(s) +
                                " vector of length " + std::to_string(Rf_length(s)));
  }
  Vec out(n);
  if (TYPEOF(s) == REALSXP) {
    std::copy(REAL(s), REAL(s) + n, out.data());
  } else {
    for (Eigen::Index i = 0; i < n; ++i) out(i) = INTEGER(s)[i] == NA_INTEGER ? NA_REAL : INTEGER(s)[i];
  }
  return out;
}

Mat as_mat(SEXP s, Eigen::Index n) {
  bool ok = (TYPEOF(s) == REALSXP || TYPEOF(s) == INTSXP) && Rf_length(s) == n * n;
  if (ok) {
    SEXP dim = Rf_getAttrib(s, R_DimSymbol);
    if (dim != R_NilValue) {
      ok = Rf_length(dim) == 2 && INTEGER(dim)[0] == n && INTEGER(dim)[1] == n;
    } else {
      ok = n == 1;
    }
  }
  if (!ok) {
    throw std::invalid_argument("'hess' must return a " + std::to_string(n) + " x " +
                                std::to_string(n) + " numeric matrix for 'par' of length " +
                                std::to_string(n) + ", not a " + type_desc(s) + " of length " +
                                std::to_string(Rf_length(s)));
  }
  Mat out(n, n);
  if (TYPEOF(s) == REALSXP) {
    std::copy(REAL(s), REAL(s) + n * n, out.data());
  } else {
    for (Eigen::Index i = 0; i < n * n; ++i) out.data()[i] = INTEGER(s)[i];
  }
  return out;
}

newtonr::OptimMethod method_from(const std::string& m) {
  if (m == "newton") return newtonr::OptimMethod::Newton;
  if (m == "trust") return newtonr::OptimMethod::Trust;
  if (m == "newton-cg") return newtonr::OptimMethod::NewtonCG;
  if (m == "bfgs") return newtonr::OptimMethod::BFGS;
  if (m == "lbfgs") return newtonr::OptimMethod::LBFGS;
  if (m == "gd") return newtonr::OptimMethod::GD;
  throw std::invalid_argument("'method' is not a known method: " + m);
}

}  // namespace

// [[Rcpp::export]]
Rcpp::List newton_optim_cpp(Rcpp::NumericVector par, SEXP fn, SEXP gr, SEXP hess, SEXP hessp,
                            std::string method, Rcpp::List control, bool hessian) {
  const Eigen::Index n = par.size();
  SEXP names = Rf_getAttrib(par, R_NamesSymbol);
  Vec x0 = newtonr_glue::to_vec(par);

  RCallback cf(fn, names, 1);
  newtonr::OptimFunctions fns;
  fns.fn = [&cf](const Vec& x) { return as_value(cf.eval(x)); };
  std::unique_ptr<RCallback> cg, ch, chp;
  if (!Rf_isNull(gr)) {
    cg.reset(new RCallback(gr, names, 1));
    fns.gr = [&cg, n](const Vec& x) { return as_vec(cg->eval(x), n, "gr"); };
  }
  if (!Rf_isNull(hess)) {
    ch.reset(new RCallback(hess, names, 1));
    fns.hess = [&ch, n](const Vec& x) { return as_mat(ch->eval(x), n); };
  }
  if (!Rf_isNull(hessp)) {
    chp.reset(new RCallback(hessp, names, 2));
    fns.hessp = [&chp, n](const Vec& x, const Vec& v) {
      return as_vec(chp->eval(x, v), n, "hessp");
    };
  }

  newtonr::OptimOptions opt;
  opt.method = method_from(method);
  opt.criterion = Rcpp::as<std::string>(control["criterion"]) == "documents"
                      ? newtonr::OptimCriterion::Documents
                      : newtonr::OptimCriterion::Default;
  opt.maxit = Rcpp::as<int>(control["maxit"]);
  opt.reltol = Rcpp::as<double>(control["reltol"]);
  opt.abstol = Rcpp::as<double>(control["abstol"]);
  opt.gtol = Rcpp::as<double>(control["gtol"]);
  opt.fnscale = Rcpp::as<double>(control["fnscale"]);
  opt.line_search = Rcpp::as<bool>(control["line_search"]);
  opt.lambda = Rcpp::as<double>(control["lambda"]);
  opt.lr = Rcpp::as<double>(control["lr"]);
  opt.memory = Rcpp::as<int>(control["memory"]);
  opt.radius = Rcpp::as<double>(control["radius"]);
  opt.max_radius = Rcpp::as<double>(control["max_radius"]);
  opt.exact_max_p = Rcpp::as<int>(control["exact_max_p"]);
  opt.cg_maxit = Rcpp::as<int>(control["cg_maxit"]);
  opt.classify_max_p = Rcpp::as<int>(control["classify_max_p"]);

  newtonr::OptimResult r =
      newtonr::optimize(fns, x0, opt, hessian, newtonr::Interrupter(newtonr_glue::r_interrupt_check()));

  const int rows = static_cast<int>(r.t_iter.size());
  Rcpp::NumericMatrix tpar(rows, n);
  for (int i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < n; ++j) tpar(i, j) = r.t_par[i](j);
  Rcpp::NumericVector par_out(r.par.data(), r.par.data() + n);
  Rcpp::NumericVector grad_out(r.gradient.data(), r.gradient.data() + n);
  if (names != R_NilValue) {
    par_out.attr("names") = names;
    grad_out.attr("names") = names;
  }
  SEXP hess_out = R_NilValue;
  if (hessian && r.hessian.size() > 0) {
    Rcpp::NumericMatrix hm(n, n);
    std::copy(r.hessian.data(), r.hessian.data() + n * n, hm.begin());
    hess_out = hm;
  }
  return Rcpp::List::create(
      Rcpp::Named("par") = par_out, Rcpp::Named("value") = r.value,
      Rcpp::Named("counts") = Rcpp::NumericVector::create(static_cast<double>(r.counts.fn),
                                                          static_cast<double>(r.counts.gr),
                                                          static_cast<double>(r.counts.hess)),
      Rcpp::Named("convergence") = r.status, Rcpp::Named("message") = r.message,
      Rcpp::Named("hessian") = hess_out, Rcpp::Named("iterations") = r.iterations,
      Rcpp::Named("gradient") = grad_out,
      Rcpp::Named("stationary") = r.stationary.empty() ? Rcpp::CharacterVector::create(NA_STRING)
                                                       : Rcpp::CharacterVector::create(r.stationary),
      Rcpp::Named("t_iter") = r.t_iter, Rcpp::Named("t_value") = r.t_value,
      Rcpp::Named("t_gnorm") = r.t_gnorm, Rcpp::Named("t_step") = r.t_step,
      Rcpp::Named("t_damping") = r.t_damping, Rcpp::Named("t_par") = tpar);
}
