// root.cpp -- Rcpp glue for newton_root(): wraps the R callbacks into the
// core's RootFn and loops over the starting values (one independent
// problem each).
#include "glue.h"
#include <newtonr/root.hpp>

namespace {

// Call an R function of one number and check it returned one number.
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
  if (out) {
    for (int i = 0; i < len; ++i) out[i] = v[i];
    return v[0];
  }
  return v[0];
}

}  // namespace

// f, fprime, fprime2: R functions of x (NULL when absent). `joint` = TRUE
// means f returns c(f, f', f'') in one call (from a formula).
// [[Rcpp::export]]
Rcpp::List newton_root_cpp(Rcpp::Function f, SEXP fprime, SEXP fprime2, bool joint,
                           Rcpp::NumericVector x0, std::string method, std::string criterion,
                           double tol, int maxiter, bool bracketed, double lower, double upper,
                           std::string derivative, int halving_patience = 0) {
  // halving_patience: internal tuning knob for the bracketed method (0 keeps
  // the default; negative also tries Newton before interpolation)
  using namespace newtonr;
  RootOptions opt;
  opt.method = method == "halley" ? RootMethod::Halley : method == "secant" ? RootMethod::Secant : RootMethod::Newton;
  opt.criterion = criterion == "f" ? RootCriterion::FValue
                  : criterion == "documents" ? RootCriterion::Documents : RootCriterion::Step;
  opt.tol = tol;
  opt.maxiter = maxiter;
  opt.bracketed = bracketed;
  opt.lower = lower;
  opt.upper = upper;

  RootFn fn;
  if (joint) {
    // f returns c(f, f') or c(f, f', f'') (the latter for Halley) in one
    // call: counted as one call of f and one of f' (and f'')
    const int len = method == "halley" ? 3 : 2;
    fn = [&f, len](double x, int order) {
      double v[3] = {kNaN, kNaN, kNaN};
      call_scalar(f, x, "f", len, v);
      ScalarEval e;
      (void)order;  // every call gives the derivatives: counted as calls of f', f'' too
      e.f = v[0]; e.d1 = v[1]; e.d2 = v[2];
      e.nf = 1; e.nfp = 1; e.nfpp = len == 3 ? 1 : 0;
      return e;
    };
  } else {
    const bool has1 = !Rf_isNull(fprime), has2 = !Rf_isNull(fprime2);
    auto fval = [&f](double x) { return call_scalar(f, x, "f"); };
    RootFn numeric = numeric_scalar_derivs(fval);
    if (!has1 && !has2) {
      fn = numeric;
    } else {
      Rcpp::Function fp = has1 ? Rcpp::Function(fprime) : f;
      Rcpp::Function fpp = has2 ? Rcpp::Function(fprime2) : f;
      fn = [=](double x, int order) {
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
  }
  // with a bracket, finite-difference derivatives are not used: Brent's
  // divided differences of the points already evaluated cost nothing
  opt.bracket_derivative = joint || !Rf_isNull(fprime);
  if (halving_patience != 0) opt.halving_patience = std::abs(halving_patience);
  if (halving_patience < 0) opt.newton_first = true;  // tuning only (bench)

  Interrupter intr(newtonr_glue::r_interrupt_check(), 16);
  const R_xlen_t k = x0.size();
  Rcpp::NumericVector root(k), froot(k), prec(k);
  Rcpp::IntegerVector iter(k), evals(k), evals_fp(k), evals_fpp(k), n_tried(k), n_rejected(k);
  Rcpp::LogicalVector conv(k);
  Rcpp::CharacterVector msg(k);
  std::vector<int> t_prob, t_iter;
  std::vector<double> t_x, t_f, t_fp, t_step;
  for (R_xlen_t i = 0; i < k; ++i) {
    RootResult r = find_root(fn, x0[i], opt, intr);
    root[i] = r.root; froot[i] = r.froot; prec[i] = r.estim_prec;
    iter[i] = r.iter; evals[i] = r.evals; evals_fp[i] = r.evals_fprime;
    evals_fpp[i] = r.evals_fprime2; n_tried[i] = r.newton_tried; n_rejected[i] = r.newton_rejected; conv[i] = r.converged; msg[i] = r.message;
    for (const auto& row : r.trace) {
      t_prob.push_back(static_cast<int>(i + 1));
      t_iter.push_back(row.iter);
      t_x.push_back(row.x);
      t_f.push_back(row.f);
      t_fp.push_back(row.fprime);
      t_step.push_back(row.step);
    }
  }
  Rcpp::List trace = Rcpp::List::create(
      Rcpp::Named("problem") = t_prob, Rcpp::Named("iter") = t_iter, Rcpp::Named("x") = t_x,
      Rcpp::Named("f") = t_f, Rcpp::Named("fprime") = t_fp, Rcpp::Named("step") = t_step);
  trace.attr("class") = "data.frame";
  trace.attr("row.names") = Rcpp::IntegerVector::create(NA_INTEGER, -static_cast<int>(t_iter.size()));
  Rcpp::IntegerVector init_it(k, NA_INTEGER);
  // uniroot's fields first, then newtonr's
  Rcpp::List out = Rcpp::List::create(
      Rcpp::Named("root") = root, Rcpp::Named("f.root") = froot, Rcpp::Named("iter") = iter,
      Rcpp::Named("init.it") = init_it, Rcpp::Named("estim.prec") = prec,
      Rcpp::Named("converged") = conv, Rcpp::Named("message") = msg,
      Rcpp::Named("method") = method, Rcpp::Named("criterion") = criterion,
      Rcpp::Named("derivative") = derivative, Rcpp::Named("evals") = evals, Rcpp::Named("evals_fprime") = evals_fp,
      Rcpp::Named("evals_fprime2") = evals_fpp, Rcpp::Named("newton_steps") = n_tried,
      Rcpp::Named("newton_rejected") = n_rejected,
      Rcpp::Named("trace") = trace);
  out.attr("class") = "newton_root";
  return out;
}
