// glm_rfamily.h -- the R-closure family (RFamily) and the choice of the
// native family, shared by the GLM glue (glm.cpp) and the large-p glue
// (glm_large.cpp); the control reader, shared with glm_db.cpp.
#pragma once
#include "glue.h"
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_loop.hpp>

#include <memory>
#include <string>

namespace newtonr_rfamily {

// A family given by R closures (anything glm_fit_cpp does not find among the
// native families): each function is called once per use on a whole vector.
class RFamily : public newtonr::GlmFamilyFns {
 public:
  explicit RFamily(const Rcpp::List& f)
      : linkinv_(f["linkinv"]), mu_eta_(f["mu.eta"]), variance_(f["variance"]),
        dev_resids_(f["dev.resids"]), valideta_(opt_fun(f, "valideta")),
        validmu_(opt_fun(f, "validmu")) {}
  void linkinv(const double* eta, double* mu, Eigen::Index n) const override {
    copy_out(Rcpp::Function(linkinv_)(vec(eta, n)), mu, n, "linkinv");
  }
  void mu_eta(const double* eta, double* out, Eigen::Index n) const override {
    copy_out(Rcpp::Function(mu_eta_)(vec(eta, n)), out, n, "mu.eta");
  }
  void variance(const double* mu, double* out, Eigen::Index n) const override {
    copy_out(Rcpp::Function(variance_)(vec(mu, n)), out, n, "variance");
  }
  void dev_resids(const double* y, const double* mu, const double* wt, double* out,
                  Eigen::Index n) const override {
    copy_out(Rcpp::Function(dev_resids_)(vec(y, n), vec(mu, n), vec(wt, n)), out, n, "dev.resids");
  }
  bool valideta(const double* eta, Eigen::Index n) const override {
    return valid(valideta_, eta, n);
  }
  bool validmu(const double* mu, Eigen::Index n) const override { return valid(validmu_, mu, n); }

 private:
  static SEXP opt_fun(const Rcpp::List& f, const char* name) {
    if (!f.containsElementNamed(name)) return R_NilValue;
    SEXP s = f[name];
    return Rf_isFunction(s) ? s : R_NilValue;
  }
  static Rcpp::NumericVector vec(const double* v, Eigen::Index n) {
    return Rcpp::NumericVector(v, v + n);
  }
  // A result of length n, or of length 1 (recycled, as R's arithmetic would).
  static void copy_out(SEXP r, double* out, Eigen::Index n, const char* what) {
    Rcpp::NumericVector v(r);
    if (v.size() == n) {
      std::copy(v.begin(), v.end(), out);
    } else if (v.size() == 1) {
      std::fill(out, out + n, v[0]);
    } else {
      throw std::runtime_error(std::string("family$") + what + " returned " +
                               std::to_string(v.size()) + " values for " + std::to_string(n) +
                               " observations");
    }
  }
  static bool valid(SEXP fun, const double* v, Eigen::Index n) {
    if (Rf_isNull(fun)) return true;
    Rcpp::LogicalVector r(Rcpp::Function(fun)(vec(v, n)));
    return r.size() >= 1 && r[0] == TRUE;
  }
  SEXP linkinv_, mu_eta_, variance_, dev_resids_, valideta_, validmu_;
};

inline std::string family_string(const Rcpp::List& f, const char* name) {
  if (!f.containsElementNamed(name)) return "";
  SEXP s = f[name];
  return (Rf_isString(s) && Rf_length(s) == 1 && STRING_ELT(s, 0) != NA_STRING)
             ? std::string(CHAR(STRING_ELT(s, 0)))
             : "";
}

// The native family for an R family object when `stock` (its closures are
// stats' own) and its names are implemented in C++; else nullptr.
inline std::unique_ptr<newtonr::GlmFamilyFns> native_family(const Rcpp::List& f, bool stock) {
  newtonr::GlmFamily g;
  if (!stock || !newtonr::glm_family_from_names(family_string(f, "family"), family_string(f, "link"),
                                                family_string(f, "varfun"), g))
    return nullptr;
  return std::make_unique<newtonr::GlmNativeFamily>(g);
}

// newton_glm_control()'s list as the loop's settings (glm.cpp, glm_db.cpp).
inline newtonr::GlmControl read_control(const Rcpp::List& ctl, bool singular_ok) {
  newtonr::GlmControl s;
  std::string type, algorithm;
  newtonr_glue::read_opt(ctl, "epsilon", s.epsilon);
  newtonr_glue::read_opt(ctl, "maxit", s.maxit);
  newtonr_glue::read_opt(ctl, "trace", s.trace);
  newtonr_glue::read_opt(ctl, "type", type);
  newtonr_glue::read_opt(ctl, "lambda", s.lambda);
  newtonr_glue::read_opt(ctl, "algorithm", algorithm);
  newtonr_glue::read_opt(ctl, "threads", s.threads);
  s.newton = type == "newton";
  s.algorithm = algorithm == "gd" ? newtonr::GlmAlgorithm::Gd : newtonr::GlmAlgorithm::Irls;
  s.singular_ok = singular_ok;
  s.validate();
  return s;
}

}  // namespace newtonr_rfamily
