// optim.cpp -- Rcpp glue for newton_optim(): wraps the R objective, gradient,
// Hessian and Hessian-vector product as callbacks for the core
// (inst/include/newtonr/optim.hpp), reads newton_optim_control()'s list into
// OptimOptions, and returns the result (and its trace columns) as a list;
// also exports the status table (optim_status_cpp).
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

// The R method names (R/optim.R's optim_methods) -> the core's enum.
newtonr::OptimMethod method_from(const std::string& m) {
  if (m == "newton") return newtonr::OptimMethod::Newton;
  if (m == "trust") return newtonr::OptimMethod::Trust;
  if (m == "newton-cg") return newtonr::OptimMethod::NewtonCG;
  if (m == "bfgs") return newtonr::OptimMethod::BFGS;
  if (m == "lbfgs") return newtonr::OptimMethod::LBFGS;
  if (m == "gd") return newtonr::OptimMethod::GD;
  throw std::invalid_argument("'method' is not a known method: " + m);
}

// The options from newton_optim_control()'s list: each field read once.
newtonr::OptimOptions read_options(const std::string& method, const Rcpp::List& control) {
  using newtonr_glue::read_opt;
  newtonr::OptimOptions opt;
  opt.method = method_from(method);
  std::string criterion;
  read_opt(control, "criterion", criterion);
  opt.criterion = criterion == "previous" ? newtonr::OptimCriterion::Previous
                                          : newtonr::OptimCriterion::Default;
  read_opt(control, "maxit", opt.maxit);
  read_opt(control, "reltol", opt.reltol);
  read_opt(control, "abstol", opt.abstol);
  read_opt(control, "gtol", opt.gtol);
  read_opt(control, "fnscale", opt.fnscale);
  read_opt(control, "line_search", opt.line_search);
  read_opt(control, "shift", opt.shift);
  read_opt(control, "lr", opt.lr);
  read_opt(control, "memory", opt.memory);
  read_opt(control, "radius", opt.radius);
  read_opt(control, "max_radius", opt.max_radius);
  read_opt(control, "exact_max_p", opt.exact_max_p);
  read_opt(control, "cg_maxit", opt.cg_maxit);
  read_opt(control, "classify_max_p", opt.classify_max_p);
  opt.validate();
  return opt;
}

// The trace as a list of columns (R builds the data frame).
Rcpp::List trace_list(const newtonr::OptimTrace& t, Eigen::Index n) {
  using newtonr_glue::to_r;
  const int rows = static_cast<int>(t.iter.size());
  Rcpp::NumericMatrix tpar(rows, n);
  for (int i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < n; ++j) tpar(i, j) = t.par[i](j);
  Rcpp::IntegerVector cg = to_r(t.cg_iter);
  for (R_xlen_t i = 0; i < cg.size(); ++i)
    if (cg[i] < 0) cg[i] = NA_INTEGER;
  return Rcpp::List::create(
      Rcpp::Named("iter") = to_r(t.iter), Rcpp::Named("value") = to_r(t.value),
      Rcpp::Named("grad_norm") = to_r(t.gnorm), Rcpp::Named("step") = to_r(t.step),
      Rcpp::Named("shift") = to_r(t.shift), Rcpp::Named("curvature") = to_r(t.curvature),
      Rcpp::Named("radius") = to_r(t.radius), Rcpp::Named("cg_iter") = cg,
      Rcpp::Named("active") = to_r(t.active), Rcpp::Named("par") = tpar);
}

}  // namespace

// [[Rcpp::export]]
Rcpp::DataFrame optim_status_cpp() {
  return newtonr_glue::status_frame(newtonr::kOptimStatusTable);
}

// control$trace > 0: one line per iteration (every control$REPORT-th, and
// the start), printed by R's cat() while the solver runs.
static std::function<void(int, double, double, double)> report_fn(const Rcpp::List& control) {
  if (!control.containsElementNamed("trace") || Rcpp::as<int>(control["trace"]) <= 0) return {};
  int every = control.containsElementNamed("REPORT") ? Rcpp::as<int>(control["REPORT"]) : 1;
  if (every < 1) every = 1;
  Rcpp::Function cat("cat");
  Rcpp::Function fmt("format");
  return [cat, fmt, every](int it, double f, double gn, double step) {
    if (it % every != 0) return;
    // (row 0, the start, has no step)
    cat("iter ", it, ": value ", fmt(f, Rcpp::Named("digits") = 10), "  |gradient| ",
        fmt(gn, Rcpp::Named("digits") = 4),
        std::isnan(step) ? std::string() : "  step " + Rcpp::as<std::string>(fmt(step, Rcpp::Named("digits") = 4)),
        "\n", Rcpp::Named("sep") = "");
  };
}

// [[Rcpp::export]]
Rcpp::List newton_optim_cpp(Rcpp::NumericVector par, SEXP fn, SEXP gr, SEXP hess, SEXP hessp,
                            std::string method, Rcpp::List control, bool hessian,
                            Rcpp::NumericVector lower, Rcpp::NumericVector upper) {
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
  newtonr::OptimOptions opt = read_options(method, control);
  fns.report = report_fn(control);
  // the box, recycled and checked in R (newton_optim's optim_bounds_arg)
  opt.lower = newtonr_glue::to_vec(lower);
  opt.upper = newtonr_glue::to_vec(upper);
  opt.validate();
  newtonr::OptimResult r =
      newtonr::optimize(fns, x0, opt, hessian, newtonr::Interrupter(newtonr_glue::r_interrupt_check()));

  Rcpp::NumericVector par_out = newtonr_glue::to_r(r.par);
  Rcpp::NumericVector grad_out = newtonr_glue::to_r(r.gradient);
  if (names != R_NilValue) {
    par_out.attr("names") = names;
    grad_out.attr("names") = names;
  }
  SEXP hess_out = R_NilValue;
  if (hessian && r.hessian.size() > 0) hess_out = newtonr_glue::to_r(r.hessian);
  return Rcpp::List::create(
      Rcpp::Named("par") = par_out, Rcpp::Named("value") = r.value,
      Rcpp::Named("counts") = Rcpp::NumericVector::create(static_cast<double>(r.counts.fn),
                                                          static_cast<double>(r.counts.gr),
                                                          static_cast<double>(r.counts.hess)),
      Rcpp::Named("convergence") = static_cast<int>(r.status), Rcpp::Named("message") = r.message,
      Rcpp::Named("hessian") = hess_out, Rcpp::Named("iterations") = r.iterations,
      Rcpp::Named("gradient") = grad_out, Rcpp::Named("active") = newtonr_glue::to_r(r.active),
      Rcpp::Named("stationary") = r.stationary.empty() ? Rcpp::CharacterVector::create(NA_STRING)
                                                       : Rcpp::CharacterVector::create(r.stationary),
      Rcpp::Named("trace") = trace_list(r.trace, n));
}
