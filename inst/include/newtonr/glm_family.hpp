// newtonr/glm_family.hpp -- the GLM families and links of R's stats package,
// element by element, for the C++ IRLS loop (glm_loop.hpp).
//
// Why reproduce R's formulas literally (clamps included): the fit must agree
// with glm() to ~1e-10, so linkinv/mu.eta use the same thresholds as R's
// make.link() and src/library/stats/src/family.c (logit: THRESH = 30,
// MTHRESH = -30, INVEPS = 1/DBL_EPSILON; probit/cauchit clamp eta at
// -qnorm(eps) / -qcauchy(eps); log/cloglog clamp mu at eps), and the
// deviance residuals are those of family.R (binomial's y_log_y, poisson's
// y > 0 branch, Gamma's ifelse(y == 0, 1, y/mu), quasi's variants).
// validmu/valideta are the per-element versions of the families' tests.
//
// GlmFamilyFns is the family interface of the IRLS loop (glm_loop.hpp): R's
// family functions (linkinv, mu.eta, variance, dev.resids, valideta,
// validmu) on whole vectors.  GlmNativeFamily implements it with the
// formulas below; the glue (src/glm.cpp) implements it for any other family
// by calling the family's R closures, once per call on a whole vector.
#pragma once

#include <newtonr/common.hpp>
#include <newtonr/fd.hpp>

#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace newtonr {

enum class GlmLink { Identity, Log, Inverse, Logit, Probit, Cauchit, Cloglog, Sqrt, InvSquare };
enum class GlmVariance { Constant, MuOneMinusMu, Mu, MuSquared, MuCubed };
// Deviance residual formulas (the quasi variants differ from their
// likelihood counterparts in the y == 0 / y < 0 corners).
enum class GlmDeviance { Gaussian, Binomial, Poisson, Gamma, InverseGaussian, QuasiMu, QuasiMuSquared };
// validmu: none; finite and in (0, 1); finite and > 0; in (0, 1); > 0.
enum class GlmValidMu { None, UnitFinite, PositiveFinite, Unit, Positive };

namespace glm_detail {
constexpr double kThresh = 30.0, kMThresh = -30.0, kInvEps = 1.0 / DBL_EPSILON;
// -qnorm(.Machine$double.eps) and -qcauchy(.Machine$double.eps), exactly as
// R computes them (hex literals of R's values).
constexpr double kProbitThresh = 0x1.04074bdbf8864p+3;
constexpr double kCauchitThresh = 0x1.45f306dc9c883p+50;
constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr double kInvSqrt2Pi = 0.398942280401432677939946059934;
inline double y_log_y(double y, double mu) { return (y != 0.) ? (y * std::log(y / mu)) : 0; }
inline double pnorm(double x) { return 0.5 * std::erfc(-x * 0.70710678118654752440084436210485); }
inline double dnorm(double x) { return kInvSqrt2Pi * std::exp(-0.5 * x * x); }
// R's pcauchy (lower tail): atan(1/x) for |x| > 1 keeps the tails accurate.
inline double pcauchy(double x) {
  if (std::fabs(x) > 1) {
    const double y = std::atan(1 / x) / kPi;
    return (x > 0) ? (0.5 - y) + 0.5 : -y;
  }
  return 0.5 + std::atan(x) / kPi;
}
}  // namespace glm_detail

// A family: link + variance + deviance + validity of mu.
struct GlmFamily {
  GlmLink link = GlmLink::Identity;
  GlmVariance var = GlmVariance::Constant;
  GlmDeviance dev = GlmDeviance::Gaussian;
  GlmValidMu validmu = GlmValidMu::None;

  double linkinv(double eta) const {
    using namespace glm_detail;
    switch (link) {
      case GlmLink::Identity: return eta;
      case GlmLink::Log: return std::fmax(std::exp(eta), DBL_EPSILON);
      case GlmLink::Inverse: return 1 / eta;
      case GlmLink::Logit: {
        const double t = (eta < kMThresh) ? DBL_EPSILON : ((eta > kThresh) ? kInvEps : std::exp(eta));
        return t / (1 + t);
      }
      case GlmLink::Probit:
        return pnorm(std::fmin(std::fmax(eta, -kProbitThresh), kProbitThresh));
      case GlmLink::Cauchit:
        return pcauchy(std::fmin(std::fmax(eta, -kCauchitThresh), kCauchitThresh));
      case GlmLink::Cloglog:
        return std::fmax(std::fmin(-std::expm1(-std::exp(eta)), 1 - DBL_EPSILON), DBL_EPSILON);
      case GlmLink::Sqrt: return eta * eta;
      case GlmLink::InvSquare: return 1 / std::sqrt(eta);
    }
    return kNaN;
  }

  double mu_eta(double eta) const {
    using namespace glm_detail;
    switch (link) {
      case GlmLink::Identity: return 1;
      case GlmLink::Log: return std::fmax(std::exp(eta), DBL_EPSILON);
      case GlmLink::Inverse: return -1 / (eta * eta);
      case GlmLink::Logit: {
        const double ope = 1 + std::exp(eta);
        return (eta > kThresh || eta < kMThresh) ? DBL_EPSILON : std::exp(eta) / (ope * ope);
      }
      case GlmLink::Probit: return std::fmax(dnorm(eta), DBL_EPSILON);
      case GlmLink::Cauchit: return std::fmax(1 / (kPi * (1 + eta * eta)), DBL_EPSILON);
      case GlmLink::Cloglog: {
        const double e = std::fmin(eta, 700.0);
        return std::fmax(std::exp(e) * std::exp(-std::exp(e)), DBL_EPSILON);
      }
      case GlmLink::Sqrt: return 2 * eta;
      case GlmLink::InvSquare: return -1 / (2 * std::pow(eta, 1.5));
    }
    return kNaN;
  }

  // linkinv and mu_eta together, sharing the exponential where R's two
  // formulas evaluate the same exp(eta) (logit, log): bit-identical to
  // calling linkinv() and mu_eta() separately, at half the cost.
  void mu_and_mu_eta(double eta, double& mu, double& me) const {
    using namespace glm_detail;
    if (link == GlmLink::Logit) {
      if (eta < kMThresh || eta > kThresh) {
        const double t = (eta < kMThresh) ? DBL_EPSILON : kInvEps;
        mu = t / (1 + t);
        me = DBL_EPSILON;
      } else {
        const double t = std::exp(eta), ope = 1 + t;
        mu = t / ope;
        me = t / (ope * ope);
      }
      return;
    }
    if (link == GlmLink::Log) {
      mu = me = std::fmax(std::exp(eta), DBL_EPSILON);
      return;
    }
    mu = linkinv(eta);
    me = mu_eta(eta);
  }

  // d/deta of mu.eta (unclamped analytic second derivative of linkinv), for
  // the observed information of type = "newton".
  double mu_eta_deriv(double eta, double mu) const {
    using namespace glm_detail;
    switch (link) {
      case GlmLink::Identity: return 0;
      case GlmLink::Log: return std::exp(eta);
      case GlmLink::Inverse: return 2 / (eta * eta * eta);
      case GlmLink::Logit: return mu * (1 - mu) * (1 - 2 * mu);
      case GlmLink::Probit: return -eta * dnorm(eta);
      case GlmLink::Cauchit: {
        const double q = 1 + eta * eta;
        return -2 * eta / (kPi * q * q);
      }
      case GlmLink::Cloglog: {
        const double e = std::exp(eta);
        return std::exp(eta - e) * (1 - e);
      }
      case GlmLink::Sqrt: return 2;
      case GlmLink::InvSquare: return 3 / (4 * std::pow(eta, 2.5));
    }
    return kNaN;
  }

  bool valid_eta(double eta) const {
    switch (link) {
      case GlmLink::Sqrt:
      case GlmLink::InvSquare: return std::isfinite(eta) && eta > 0;
      case GlmLink::Inverse: return std::isfinite(eta) && eta != 0;
      default: return true;
    }
  }

  bool valid_mu(double mu) const {
    switch (validmu) {
      case GlmValidMu::None: return true;
      case GlmValidMu::UnitFinite: return std::isfinite(mu) && mu > 0 && mu < 1;
      case GlmValidMu::PositiveFinite: return std::isfinite(mu) && mu > 0;
      case GlmValidMu::Unit: return mu > 0 && mu < 1;
      case GlmValidMu::Positive: return mu > 0;
    }
    return true;
  }
  bool needs_validmu() const { return validmu != GlmValidMu::None; }
  bool needs_valideta() const {
    return link == GlmLink::Sqrt || link == GlmLink::InvSquare || link == GlmLink::Inverse;
  }

  double variance(double mu) const {
    switch (var) {
      case GlmVariance::Constant: return 1;
      case GlmVariance::MuOneMinusMu: return mu * (1 - mu);
      case GlmVariance::Mu: return mu;
      case GlmVariance::MuSquared: return mu * mu;
      case GlmVariance::MuCubed: return mu * mu * mu;
    }
    return kNaN;
  }
  double variance_deriv(double mu) const {
    switch (var) {
      case GlmVariance::Constant: return 0;
      case GlmVariance::MuOneMinusMu: return 1 - 2 * mu;
      case GlmVariance::Mu: return 1;
      case GlmVariance::MuSquared: return 2 * mu;
      case GlmVariance::MuCubed: return 3 * mu * mu;
    }
    return kNaN;
  }

  // One deviance residual (R's dev.resids for a single observation).
  double dev_resid(double y, double mu, double wt) const {
    using namespace glm_detail;
    switch (dev) {
      case GlmDeviance::Gaussian: return wt * ((y - mu) * (y - mu));
      case GlmDeviance::Binomial: return 2 * wt * (y_log_y(y, mu) + y_log_y(1 - y, 1 - mu));
      case GlmDeviance::Poisson:
        return 2 * ((y > 0) ? (wt * (y * std::log(y / mu) - (y - mu))) : mu * wt);
      case GlmDeviance::Gamma:
        return -2 * wt * (std::log(y == 0 ? 1 : y / mu) - (y - mu) / mu);
      case GlmDeviance::InverseGaussian: return wt * ((y - mu) * (y - mu)) / (y * (mu * mu));
      case GlmDeviance::QuasiMu:
        return 2 * wt * (y * std::log(y == 0 ? 1 : y / mu) - (y - mu));
      case GlmDeviance::QuasiMuSquared: {
        const double d = -2 * wt * (std::log((y == 0 ? 1 : y) / mu) - (y - mu) / mu);
        return std::isnan(d) ? d : std::fmax(d, 0.0);
      }
    }
    return kNaN;
  }
};

// The family for R's (family$family, family$link, quasi's varfun) names;
// `ok` is false for anything else (the caller then uses R's closures).
inline GlmLink glm_link_from_name(const std::string& name, bool& ok) {
  ok = true;
  if (name == "identity") return GlmLink::Identity;
  if (name == "log") return GlmLink::Log;
  if (name == "inverse") return GlmLink::Inverse;
  if (name == "logit") return GlmLink::Logit;
  if (name == "probit") return GlmLink::Probit;
  if (name == "cauchit") return GlmLink::Cauchit;
  if (name == "cloglog") return GlmLink::Cloglog;
  if (name == "sqrt") return GlmLink::Sqrt;
  if (name == "1/mu^2") return GlmLink::InvSquare;
  ok = false;
  return GlmLink::Identity;
}

inline bool glm_family_from_names(const std::string& family, const std::string& link,
                                  const std::string& varfun, GlmFamily& f) {
  bool ok = false;
  f.link = glm_link_from_name(link, ok);
  if (!ok) return false;
  if (family == "gaussian") {
    f.var = GlmVariance::Constant; f.dev = GlmDeviance::Gaussian; f.validmu = GlmValidMu::None;
  } else if (family == "binomial" || family == "quasibinomial") {
    f.var = GlmVariance::MuOneMinusMu; f.dev = GlmDeviance::Binomial;
    f.validmu = GlmValidMu::UnitFinite;
  } else if (family == "poisson" || family == "quasipoisson") {
    f.var = GlmVariance::Mu; f.dev = GlmDeviance::Poisson; f.validmu = GlmValidMu::PositiveFinite;
  } else if (family == "Gamma") {
    f.var = GlmVariance::MuSquared; f.dev = GlmDeviance::Gamma;
    f.validmu = GlmValidMu::PositiveFinite;
  } else if (family == "inverse.gaussian") {
    f.var = GlmVariance::MuCubed; f.dev = GlmDeviance::InverseGaussian;
    f.validmu = GlmValidMu::None;
  } else if (family == "quasi") {
    if (varfun == "constant") {
      f.var = GlmVariance::Constant; f.dev = GlmDeviance::Gaussian; f.validmu = GlmValidMu::None;
    } else if (varfun == "mu(1-mu)") {
      f.var = GlmVariance::MuOneMinusMu; f.dev = GlmDeviance::Binomial; f.validmu = GlmValidMu::Unit;
    } else if (varfun == "mu") {
      f.var = GlmVariance::Mu; f.dev = GlmDeviance::QuasiMu; f.validmu = GlmValidMu::Positive;
    } else if (varfun == "mu^2") {
      f.var = GlmVariance::MuSquared; f.dev = GlmDeviance::QuasiMuSquared;
      f.validmu = GlmValidMu::Positive;
    } else if (varfun == "mu^3") {
      f.var = GlmVariance::MuCubed; f.dev = GlmDeviance::InverseGaussian;
      f.validmu = GlmValidMu::Positive;
    } else {
      return false;
    }
  } else {
    return false;
  }
  return true;
}

// The family interface of the loop (see the file comment).  n-vectors in,
// n-vectors out; valideta/validmu say whether every element is valid.
class GlmFamilyFns {
 public:
  virtual ~GlmFamilyFns() = default;
  virtual void linkinv(const double* eta, double* mu, Eigen::Index n) const = 0;
  virtual void mu_eta(const double* eta, double* out, Eigen::Index n) const = 0;
  virtual void variance(const double* mu, double* out, Eigen::Index n) const = 0;
  virtual void dev_resids(const double* y, const double* mu, const double* wt, double* out,
                          Eigen::Index n) const = 0;
  virtual bool valideta(const double* eta, Eigen::Index n) const = 0;
  virtual bool validmu(const double* mu, Eigen::Index n) const = 0;
  // d/deta [mu.eta(eta) / V(linkinv(eta))], for the observed information
  // (type = "newton"): by central differences of the family's own functions
  // (two calls of each, on whole vectors) unless overridden.
  virtual void dq(const double* eta, double* out, Eigen::Index n) const {
    const size_t m = static_cast<size_t>(n);
    std::vector<double> h(m), e(m), mu(m), me(m), v(m), fp(m);
    for (Eigen::Index i = 0; i < n; ++i) h[static_cast<size_t>(i)] = fd::step(fd::kGlmObserved, eta[i]);
    for (int sgn = 1; sgn >= -1; sgn -= 2) {
      for (size_t i = 0; i < m; ++i) e[i] = sgn > 0 ? eta[i] + h[i] : eta[i] - h[i];
      linkinv(e.data(), mu.data(), n);
      mu_eta(e.data(), me.data(), n);
      variance(mu.data(), v.data(), n);
      for (size_t i = 0; i < m; ++i) {
        const double f = me[i] / v[i];
        if (sgn > 0) fp[i] = f;
        else out[i] = (fp[i] - f) / (2 * h[i]);
      }
    }
  }
  // The sum of deviance residuals: R's sum() (long double accumulation) for
  // a family whose dev.resids R computes; in order in double for the native
  // families (as their fused pass sums).
  virtual double sum(const double* x, Eigen::Index n) const {
    long double s = 0;
    for (Eigen::Index i = 0; i < n; ++i) s += x[i];
    return static_cast<double>(s);
  }
  // The element-wise family when there is one: the loop then fuses the
  // family's arithmetic into its pass over X (glm_pass.hpp).
  virtual const GlmFamily* native() const { return nullptr; }
};

// A stats family implemented in C++ (the formulas of GlmFamily).
class GlmNativeFamily : public GlmFamilyFns {
 public:
  explicit GlmNativeFamily(const GlmFamily& f) : f_(f) {}
  void linkinv(const double* eta, double* mu, Eigen::Index n) const override {
    for (Eigen::Index i = 0; i < n; ++i) mu[i] = f_.linkinv(eta[i]);
  }
  void mu_eta(const double* eta, double* out, Eigen::Index n) const override {
    for (Eigen::Index i = 0; i < n; ++i) out[i] = f_.mu_eta(eta[i]);
  }
  void variance(const double* mu, double* out, Eigen::Index n) const override {
    for (Eigen::Index i = 0; i < n; ++i) out[i] = f_.variance(mu[i]);
  }
  void dev_resids(const double* y, const double* mu, const double* wt, double* out,
                  Eigen::Index n) const override {
    for (Eigen::Index i = 0; i < n; ++i) out[i] = f_.dev_resid(y[i], mu[i], wt[i]);
  }
  bool valideta(const double* eta, Eigen::Index n) const override {
    for (Eigen::Index i = 0; i < n; ++i)
      if (!f_.valid_eta(eta[i])) return false;
    return true;
  }
  bool validmu(const double* mu, Eigen::Index n) const override {
    for (Eigen::Index i = 0; i < n; ++i)
      if (!f_.valid_mu(mu[i])) return false;
    return true;
  }
  void dq(const double* eta, double* out, Eigen::Index n) const override {
    for (Eigen::Index i = 0; i < n; ++i) {
      const double mu = f_.linkinv(eta[i]), me = f_.mu_eta(eta[i]), v = f_.variance(mu);
      out[i] = (f_.mu_eta_deriv(eta[i], mu) - me * me * f_.variance_deriv(mu) / v) / v;
    }
  }
  double sum(const double* x, Eigen::Index n) const override {
    double s = 0;
    for (Eigen::Index i = 0; i < n; ++i) s += x[i];
    return s;
  }
  const GlmFamily* native() const override { return &f_; }

 private:
  GlmFamily f_;
};

// binomial()$initialize for a numeric vector response (R's family.R): y is
// set to 0 where the weight is 0 (`y` then holds the new response; empty
// when nothing changed, so the caller need not copy y), checked to lie in
// [0, 1], mustart = (w y + 0.5) / (w + 1), and `nonint` flags non-integer
// successes w y.  y and w have no NA (the caller checks).
struct GlmBinomialStart {
  std::vector<double> mustart, y;
  bool nonint = false;
};

inline GlmBinomialStart glm_binomial_start(const double* y, const double* w, Eigen::Index n) {
  GlmBinomialStart out;
  bool zero_w = false;
  for (Eigen::Index i = 0; i < n; ++i) zero_w = zero_w || (w[i] == 0 && y[i] != 0);
  if (zero_w) {
    out.y.assign(y, y + n);
    for (Eigen::Index i = 0; i < n; ++i)
      if (w[i] == 0) out.y[static_cast<size_t>(i)] = 0;
    y = out.y.data();
  }
  out.mustart.resize(static_cast<size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double yi = y[i], wi = w[i];
    if (yi < 0 || yi > 1) throw std::range_error("y values must be 0 <= y <= 1");
    out.mustart[static_cast<size_t>(i)] = (wi * yi + 0.5) / (wi + 1);
    const double m = wi * yi;
    out.nonint = out.nonint || std::fabs(m - std::nearbyint(m)) > 0.001;
  }
  return out;
}

// family$aic() of binomial() and poisson() (the formulas of R's family.R)
// without R's vector temporaries.  The densities are R's (dbinom, dpois:
// the glue passes R's own functions, the core has no R).  n: binomial's
// trials, of length 1 (recycled) or len.
using GlmDensity2 = double (*)(double x, double a, int give_log);
using GlmDensity3 = double (*)(double x, double a, double b, int give_log);

inline double glm_aic_binomial(const double* y, const double* nn, Eigen::Index nlen,
                               const double* mu, const double* wt, Eigen::Index len,
                               GlmDensity3 dbinom) {
  bool any_n = false;
  for (Eigen::Index i = 0; i < nlen; ++i) any_n = any_n || nn[i] > 1;
  const double* m = any_n ? nn : wt;
  const bool mrec = any_n && nlen == 1;
  double s = 0;
  for (Eigen::Index i = 0; i < len; ++i) {
    const double mi = m[mrec ? 0 : i];
    const double f = mi > 0 ? wt[i] / mi : 0.0;
    s += f * dbinom(std::nearbyint(mi * y[i]), std::nearbyint(mi), mu[i], 1);
  }
  return -2 * s;
}

inline double glm_aic_poisson(const double* y, const double* mu, const double* wt,
                              Eigen::Index len, GlmDensity2 dpois) {
  double s = 0;
  for (Eigen::Index i = 0; i < len; ++i) s += dpois(y[i], mu[i], 1) * wt[i];
  return -2 * s;
}

}  // namespace newtonr
