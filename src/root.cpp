// root.cpp -- Rcpp glue for newton_root(): reads the control list into
// RootOptions, wraps the R callbacks into the core's RootFn, and loops over
// the starting values (one independent problem each). Returns plain
// vectors; R (R/root.R) builds the "newton_root" object and its trace.
#include "glue.h"
#include <newtonr/root.hpp>

namespace {

using newtonr::RootFn;
using newtonr::ScalarEval;

// Call an R function of one number and check it returned `len` numbers
// (copied to `out` when given); returns the first.
double call_scalar(const Rcpp::Function& f, double x, const char* name, int len = 1, double* out = nullptr) {
  SEXP res = f(x);
  if (!Rf_isNumeric(res) && !Rf_isLogical(res))
    throw std::invalid_argument(std::string("'") + name + "' must return a number, not " +
                                Rf_type2char(TYPEOF(res)));
  if (Rf_length(res) != len)
    throw std::invalid_argument(std::string("'") + name + "' must return " +
                                (len == 1 ? std::string("a single number") : std::to_string(len) + " numbers") +
                                ", but returned " + std::to_string(Rf_length(res)) + " values");
  Rcpp::NumericVector v(res);
  if (out)
    for (int i = 0; i < len; ++i) out[i] = v[i];
  return v[0];
}

newtonr::RootOptions read_root_options(const Rcpp::List& l) {
  newtonr::RootOptions o;
  std::string method, criterion;
  newtonr_glue::read_opt(l, "method", method);
  newtonr_glue::read_opt(l, "criterion", criterion);
  o.method = newtonr::root_method_from(method);
  o.criterion = newtonr::root_criterion_from(criterion);
  newtonr_glue::read_opt(l, "tol", o.tol);
  newtonr_glue::read_opt(l, "maxiter", o.maxiter);
  newtonr_glue::read_opt(l, "lower", o.lower);
  newtonr_glue::read_opt(l, "upper", o.upper);
  newtonr_glue::read_opt(l, "bracket_derivative", o.bracket_derivative);
  newtonr_glue::read_opt(l, "halving_patience", o.halving_patience);
  newtonr_glue::read_opt(l, "newton_first", o.newton_first);
  newtonr_glue::read_opt(l, "derivative_patience", o.derivative_patience);
  o.validate();
  return o;
}

// f returns c(f, f') or c(f, f', f'') (len 3, for Halley) in one call
// (a formula): counted as one call of f and one of f' (and f'').
RootFn joint_fn(const Rcpp::Function& f, int len) {
  return [f, len](double x, int) {
    double v[3] = {newtonr::kNaN, newtonr::kNaN, newtonr::kNaN};
    call_scalar(f, x, "f", len, v);
    ScalarEval e;
    e.f = v[0];
    e.d1 = v[1];
    e.d2 = v[2];
    e.nf = 1;
    e.nfp = 1;
    e.nfpp = len == 3 ? 1 : 0;
    return e;
  };
}

// f with optional fprime and fprime2 (NULL: finite differences of f).
RootFn separate_fn(const Rcpp::Function& f, SEXP fprime, SEXP fprime2) {
  auto fval = [f](double x) { return call_scalar(f, x, "f"); };
  RootFn numeric = newtonr::numeric_scalar_derivs(fval);
  const bool has1 = !Rf_isNull(fprime), has2 = !Rf_isNull(fprime2);
  if (!has1 && !has2) return numeric;
  Rcpp::Function fp = has1 ? Rcpp::Function(fprime) : f;
  Rcpp::Function fpp = has2 ? Rcpp::Function(fprime2) : f;
  return [=](double x, int order) {
    ScalarEval e;
    e.nf = 0; e.nfp = 0; e.nfpp = 0;
    const int k = order < 0 ? -order : order;
    if (order >= 0) { e.f = fval(x); e.nf = 1; }
    if (k >= 1) {
      if (has1) { e.d1 = call_scalar(fp, x, "fprime"); e.nfp = 1; }
      else { ScalarEval n = numeric(x, -1); e.d1 = n.d1; e.nf += n.nf; }
    }
    if (k >= 2) {
      if (has2) { e.d2 = call_scalar(fpp, x, "fprime2"); e.nfpp = 1; }
      else { ScalarEval n = numeric(x, -2); e.d2 = n.d2; e.nf += n.nf; }
    }
    return e;
  };
}

// The results of the runs as columns (one element per problem; the trace
// rows of every problem stacked, with the problem's number).
struct RootColumns {
  std::vector<double> root, froot, prec;
  std::vector<int> iter, evals, evals_fp, evals_fpp, tried, rejected, status, conv;
  std::vector<std::string> message;
  std::vector<int> t_prob, t_iter, t_kind;
  std::vector<double> t_x, t_f, t_fp, t_step;

  void add(const newtonr::RootResult& r, int problem) {
    root.push_back(r.root); froot.push_back(r.froot); prec.push_back(r.estim_prec);
    iter.push_back(r.iter); evals.push_back(r.evals); evals_fp.push_back(r.evals_fprime);
    evals_fpp.push_back(r.evals_fprime2); tried.push_back(r.newton_tried);
    rejected.push_back(r.newton_rejected); status.push_back(static_cast<int>(r.status));
    conv.push_back(r.converged); message.push_back(r.message);
    for (const auto& row : r.trace) {
      t_prob.push_back(problem); t_iter.push_back(row.iter); t_x.push_back(row.x);
      t_f.push_back(row.f); t_fp.push_back(row.fprime); t_step.push_back(row.step);
      t_kind.push_back(static_cast<int>(row.kind));
    }
  }
  Rcpp::List to_list() const {
    using newtonr_glue::to_r;
    using Rcpp::Named;
    Rcpp::List trace = Rcpp::List::create(Named("problem") = to_r(t_prob), Named("iter") = to_r(t_iter),
                                          Named("x") = to_r(t_x), Named("f") = to_r(t_f),
                                          Named("fprime") = to_r(t_fp), Named("step") = to_r(t_step),
                                          Named("kind") = to_r(t_kind));
    return Rcpp::List::create(
        Named("root") = to_r(root), Named("f.root") = to_r(froot), Named("iter") = to_r(iter),
        Named("estim.prec") = to_r(prec), Named("converged") = Rcpp::LogicalVector(conv.begin(), conv.end()),
        Named("status") = to_r(status), Named("message") = Rcpp::wrap(message),
        Named("evals") = to_r(evals), Named("evals_fprime") = to_r(evals_fp),
        Named("evals_fprime2") = to_r(evals_fpp), Named("newton_steps") = to_r(tried),
        Named("newton_rejected") = to_r(rejected), Named("trace") = trace);
  }
};

// trace = TRUE: one line per trace row, printed as the run goes on
// (problem: shown when there are several starting values).
newtonr::RootObserver line_printer(int problem, bool several) {
  static const char* kinds[] = {"start", "update", "interpolation", "derivative", "bisection", "check"};
  return [problem, several](const newtonr::RootTraceRow& r) {
    if (several) Rprintf("problem %d ", problem);
    Rprintf("iter %4d  x = %-17.10g f(x) = %-12.5g", r.iter, r.x, r.f);
    if (std::isfinite(r.fprime)) Rprintf(" f'(x) = %-12.5g", r.fprime);
    Rprintf(" %s\n", kinds[static_cast<int>(r.kind)]);
    R_FlushConsole();
  };
}

}  // namespace

// f, fprime, fprime2: R functions of x (NULL when absent). `joint` = TRUE
// means f returns c(f, f') or c(f, f', f'') in one call (from a formula).
// x0: starting values (NA: none, bracketed). control: root_control()'s list.
// trace: print a line per evaluated point as the run goes on.
// [[Rcpp::export]]
Rcpp::List newton_root_cpp(Rcpp::Function f, SEXP fprime, SEXP fprime2, bool joint,
                           Rcpp::NumericVector x0, Rcpp::List control, bool trace = false) {
  const newtonr::RootOptions opt = read_root_options(control);
  const RootFn fn = joint ? joint_fn(f, opt.method == newtonr::RootMethod::Halley ? 3 : 2)
                          : separate_fn(f, fprime, fprime2);
  newtonr::Interrupter intr(newtonr_glue::r_interrupt_check(), 16);
  RootColumns out;
  for (R_xlen_t i = 0; i < x0.size(); ++i)
    out.add(newtonr::find_root(fn, x0[i], opt, intr,
                               trace ? line_printer(static_cast<int>(i + 1), x0.size() > 1)
                                     : newtonr::RootObserver()),
            static_cast<int>(i + 1));
  return out.to_list();
}

// The status table of newton_root (R/status.R).
// [[Rcpp::export]]
Rcpp::DataFrame root_status_cpp() { return newtonr_glue::status_frame(newtonr::kRootStatusTable); }
