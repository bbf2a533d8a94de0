// newtonr/solve.hpp -- Newton's method for square systems F(x) = 0,
// globalised by a trust region: the double dogleg of Dennis & Schnabel
// (1983, section 6.4.2), as nleqslv's global = "dbldog".
//
// Each iteration forms the Jacobian J (supplied, or forward differences)
// and works in variables s = D p, D = I by default, or (scaling = true)
// D = diag(d_j) with d_j the largest column norm of J seen so far (MINPACK's
// hybrj, mode 1; measured on MINPACK's schedule it solves 45 of 58 cases
// against 51 without, losing Chebyquad from far starts). The dogleg bends
// towards the Newton step J p = -F when J is numerically regular (estimated
// reciprocal 1-norm condition number of the QR factor above cndtol), and
// towards a Levenberg-Marquardt step (J'J + mu D^2) p = -J'F,
// mu = sqrt(n eps) |(J D^-1)'(J D^-1)|_1, only when it is not (Dennis &
// Schnabel, section 6.5). Near a regular root the trust region contains the
// Newton step, which is then taken in full: convergence is quadratic. A
// trial step is accepted when it achieves at least 1e-4 of the reduction of
// ||F||^2/2 predicted by the linear model; a rejected step shrinks the
// radius (quadratic fit, factor in [0.1, 0.5]) and is recomputed from the
// same QR factors: one new evaluation of F, no new Jacobian. An accepted
// step doubles the radius when ared/pred >= 0.75 and halves it below 0.1.
//
// Convergence means max |F_i| <= ftol and nothing else. Honest failures:
// stagnation (no step that changes some x_i by more than xtol relative to
// |x_i| reduces ||F||), labelled a local minimum of ||F|| when J'F is tiny
// relative to |J| |F|; no progress (||F||^2 down by less than 10% over
// `stall` iterations); a Jacobian that is not finite; the iteration limit.
// Every value of F is checked for its length (an error naming 'fn').
#pragma once

#include <newtonr/common.hpp>
#include <newtonr/fd.hpp>
#include <newtonr/status.hpp>

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace newtonr {

using VecFn = std::function<Vec(const Vec&)>;
using MatFn = std::function<Mat(const Vec&)>;

// Where the first trust radius comes from when SolveOptions::delta is unset:
// the length of the first Newton step (nleqslv's delta = -2, "newton") or
// of the Cauchy step (-1, "cauchy").
enum class RadiusStart { Newton, Cauchy };
inline RadiusStart radius_start_from(const std::string& s) {
  if (s == "newton") return RadiusStart::Newton;
  if (s == "cauchy") return RadiusStart::Cauchy;
  throw std::invalid_argument("'delta_start' must be \"newton\" or \"cauchy\", not \"" + s + "\"");
}

// Every setting of a run, declared once. validate() is the core's check for
// C++ callers (R's newton_solve_control() checks and words the user's).
struct SolveOptions {
  double ftol = 1e-10;    // converged when max |F_i| <= ftol
  double xtol = 1e-12;    // stagnation: max_i |p_i| / |x_i| <= xtol
  double gtol = 1e-6;     // a stagnation where |J'F| <= gtol |J| |F| is a local minimum of ||F||
  double cndtol = 1e-12;  // Levenberg-Marquardt step when rcond(J) < cndtol
  std::optional<double> delta;                   // initial radius; unset: from delta_start
  RadiusStart delta_start = RadiusStart::Newton;
  int maxit = 200;        // Jacobian evaluations (iterations)
  int stall = 20;         // no progress: ||F||^2 down by < 10% in this many iterations (0: off)
  bool want_jac = false;  // return the Jacobian at the final x
  bool scaling = false;   // hybrj's adaptive column scaling (false: D = I)

  void validate() const {
    if (maxit < 1) throw std::invalid_argument("'maxit' must be at least 1");
    if (!(ftol > 0) || !(xtol >= 0)) throw std::invalid_argument("'ftol' and 'xtol' must be positive");
    if (!(gtol >= 0)) throw std::invalid_argument("'gtol' must be >= 0");
    if (!(cndtol >= 0 && cndtol <= 1)) throw std::invalid_argument("'cndtol' must lie in [0, 1]");
    if (delta && !(*delta > 0)) throw std::invalid_argument("'delta' must be positive (or unset)");
    if (stall < 0) throw std::invalid_argument("'stall' must be >= 0");
  }
};

// Statuses: nleqslv's termination codes where they overlap (1 converged,
// 2 x stopped changing, 4 iteration limit, 5 and 6 bad values); R's
// newton_solve()$termcode, listed in ?newton_solve from this table.
// (Code 1 means "converged" here as in nleqslv, not optim's "iteration
// limit": kept because users compare termcode with nleqslv's termcd.)
enum class SolveStatus : int {
  Converged = 1, Stagnated = 2, LocalMin = 3, MaxIter = 4, BadStart = 5, BadJacobian = 6, NoProgress = 7
};
inline constexpr std::array<StatusInfo, 7> kSolveStatusTable = {{
    {1, "converged", "max |F(x)| <= ftol: converged"},
    {2, "stagnated",
     "stagnation: no step that changes x by more than xtol reduces ||F|| (or F is not finite at "
     "the trial points next to x) while max |F(x)| > ftol"},
    {3, "local_min",
     "the gradient J'F of ||F||^2/2 vanishes (relative to |J| |F|) while F does not: a stationary "
     "point of ||F||, typically a local minimum, that is not a root (try another start)"},
    {4, "maxit", "the iteration limit (maxit) was reached without convergence"},
    {5, "bad_start", "F is not finite at the starting value"},
    {6, "bad_jacobian", "the Jacobian is not finite (fn or jac is not finite near x, or overflows)"},
    {7, "no_progress",
     "no progress: ||F||^2 fell by less than 10 percent over the last 'stall' iterations (a valley or a "
     "nearly flat region of ||F||; try another start, or a larger control$stall)"},
}};

struct SolveTraceRow {
  int iter;
  double fnorm, step, mu, delta;  // max |F|, step / Newton step, LM shift (0: Newton), radius
  Vec x;
};

// Called with each trace row as it is made (the glue prints a line per
// iteration while the run goes on: control$trace).
using SolveObserver = std::function<void(const SolveTraceRow&)>;

struct SolveResult {
  Vec x, fvec;
  Mat jac;  // at x, only when SolveOptions::want_jac
  int iter = 0, fevals = 0, jevals = 0;
  SolveStatus code = SolveStatus::MaxIter;
  std::string message;
  std::vector<SolveTraceRow> trace;
};

// F(x) with its length checked against n (a shorter or longer value must
// never be read past or truncated). `where` says which evaluation it was.
inline Vec eval_checked(const VecFn& F, const Vec& x, const char* where, int& fevals) {
  Vec v = F(x);
  ++fevals;
  if (v.size() != x.size())
    throw std::invalid_argument("'fn' returned a vector of a different length (" + std::to_string(v.size()) +
                                ", not " + std::to_string(x.size()) + " as at 'x0') " + where);
  return v;
}

// Forward-difference Jacobian (fd::jacobian_forward_guarded: n evaluations
// of F, more where a column is not finite or exactly 0), each value of F
// checked for its length.
inline Mat fd_jacobian(const VecFn& F, const Vec& x, const Vec& fx, int& fevals) {
  return fd::jacobian_forward_guarded(
      [&](const Vec& z) { return eval_checked(F, z, "at a finite-difference point", fevals); }, x, fx);
}

// The fixed part of one iteration: scaled Jacobian, gradient, Cauchy and
// Newton (or Levenberg-Marquardt) steps, all in scaled variables s = D p.
struct DoglegParts {
  Vec g;        // scaled gradient (J D^-1)' F
  Vec sc;       // Cauchy step (minimiser of the model along -g)
  Vec sn;       // Newton step, or Levenberg-Marquardt step
  double mu = 0;  // Levenberg-Marquardt shift (0: Newton)
  double eta = 1;  // double dogleg: the dogleg aims at eta * sn
};

inline double rcond_upper(const Mat& R) {
  const Eigen::Index n = R.cols();
  const Mat Ri = R.template triangularView<Eigen::Upper>().solve(Mat::Identity(n, n));
  const double a = R.template triangularView<Eigen::Upper>().toDenseMatrix().cwiseAbs().colwise().sum().maxCoeff();
  const double b = Ri.cwiseAbs().colwise().sum().maxCoeff();
  const double r = 1.0 / (a * b);
  return std::isfinite(r) ? r : 0.0;
}

inline DoglegParts dogleg_parts(const Mat& Js, const Vec& f, double cndtol) {
  DoglegParts p;
  const Eigen::Index n = Js.cols();
  p.g = Js.transpose() * f;
  // the Cauchy step and gamma from g = gm u and Js = jm K (so that entries
  // of Js near 1e-300 neither underflow in |Js g|^2 nor overflow)
  const double gm = p.g.lpNorm<Eigen::Infinity>(), jm = Js.lpNorm<Eigen::Infinity>();
  double uu = 0, kuu = 0;
  Vec u = Vec::Zero(n);
  if (gm > 0 && jm > 0) {
    u = p.g / gm;
    uu = u.squaredNorm();
    kuu = ((Js / jm) * u).squaredNorm();
  }
  const double r = (gm / jm) / jm;  // |g| / |Js|^2 up to the factors above
  p.sc = kuu > 0 ? Vec(-(uu / kuu) * r * u) : Vec(Vec::Zero(n));
  // regularity is judged on Js with unit columns, Je = Js C^-1: invariant
  // under a rescaling of the variables (x1 of size 1e-6 beside x2 of size
  // 1e6 is not a singular Jacobian), and so is the Newton step, C^-1 Je^-1 (-F)
  Eigen::ColPivHouseholderQR<Mat> qr(Js);
  const Mat R = qr.matrixQR().topLeftCorner(n, n).template triangularView<Eigen::Upper>();
  double rc = qr.rank() == n ? rcond_upper(R) : 0.0;
  Vec cn = Vec::Ones(n);
  if (!(rc > cndtol)) {
    // judged singular as it stands: is that only the scale of the variables
    // (x1 of size 1e-6 beside x2 of size 1e6)? Then Js with unit columns,
    // Je = Js C^-1, is comfortably regular (rcond above sqrt(cndtol); a Je
    // still near cndtol, as Chebyquad's from far starts, is nearly singular
    // in any scaling) and the Newton step C^-1 Je^-1 (-F) is taken.
    cn = Js.colwise().norm().transpose();
    for (Eigen::Index j = 0; j < n; ++j)
      if (!(cn[j] > 0) || !std::isfinite(cn[j])) cn[j] = 1.0;
    qr.compute(Js * cn.cwiseInverse().asDiagonal());
    const Mat Re = qr.matrixQR().topLeftCorner(n, n).template triangularView<Eigen::Upper>();
    rc = qr.rank() == n && rcond_upper(Re) > std::sqrt(cndtol) ? 1.0 : 0.0;
  }
  if (rc > cndtol) {  // (cndtol < 1)
    p.sn = Vec(qr.solve(-f)).cwiseQuotient(cn);
  } else {
    Mat H = Js.transpose() * Js;
    p.mu = std::sqrt(static_cast<double>(n) * kEps) * H.cwiseAbs().colwise().sum().maxCoeff();
    if (!(p.mu > 0)) p.mu = 1.0;
    H.diagonal().array() += p.mu;
    p.sn = H.llt().solve(-p.g);
  }
  // double dogleg: gamma = |g|^4 / (|Js g|^2 g' M^-1 g), with g' M^-1 g = -g' sn
  const double usn = -u.dot(p.sn);
  const double gamma = (kuu > 0 && usn > 0) ? r * uu * uu / (kuu * usn) : 1.0;
  p.eta = std::isfinite(gamma) ? std::min(1.0, 0.2 + 0.8 * gamma) : 1.0;
  return p;
}

// The double dogleg step of scaled length <= delta; `newton` says whether
// it is the full step sn. Lengths are stable norms and the dogleg's
// quadratic is solved in units of delta, so that steps of size 1e-300 (or
// 1e300) neither underflow to 0 (which would take the full Newton step
// whatever delta) nor overflow.
inline Vec dogleg_step(const DoglegParts& p, double delta, bool& newton) {
  const double nn = p.sn.stableNorm();
  newton = nn <= delta;
  if (newton) return p.sn;
  if (p.eta * nn <= delta) return Vec((delta / nn) * p.sn);
  const double nc = p.sc.stableNorm();
  if (nc >= delta || nc == 0) {
    const double gm = p.g.lpNorm<Eigen::Infinity>();
    if (!(gm > 0)) return Vec((delta / nn) * p.sn);
    const Vec u = p.g / gm;
    return Vec(-(delta / u.norm()) * u);
  }
  // sc + t (eta sn - sc), t in (0, 1], of length delta; in units of delta
  const Vec scd = p.sc / delta;
  const Vec d = (p.eta / delta) * p.sn - scd;
  const double a = d.squaredNorm(), b = 2 * scd.dot(d), c = (nc / delta) * (nc / delta) - 1;
  const double disc = std::sqrt(std::max(0.0, b * b - 4 * a * c));
  double t = a > 0 ? (b > 0 ? -2 * c / (b + disc) : (-b + disc) / (2 * a)) : 0.0;
  if (!std::isfinite(t)) t = 0.0;
  return Vec(delta * (scd + std::min(1.0, std::max(0.0, t)) * d));
}

// State of one run, shared by the helpers below.
struct SolveState {
  Vec x, f, dscale;  // iterate, s * F(x), scaling D
  double phi = 0;    // ||s F||^2 / 2
  double delta = -1;
  bool nonfinite = false;       // F was not finite at the last trial point
  bool nonfinite_seen = false;  // ... at some trial point of the last iteration
};

// Jacobian at st.x (supplied or differences) with its shape checked.
inline Mat solve_jacobian(const VecFn& F, const MatFn& jac, const SolveState& st, SolveResult& res) {
  const Eigen::Index n = st.x.size();
  Mat J = jac ? jac(st.x) : fd_jacobian(F, st.x, st.f, res.fevals);
  ++res.jevals;
  if (J.rows() != n || J.cols() != n)
    throw std::invalid_argument("'jac' must return a " + std::to_string(n) + " x " + std::to_string(n) +
                                " matrix");
  return J;
}

// One iteration's trust-region loop on fixed J: returns 0 when a step was
// accepted (st updated), or the code of a failure.
inline int trust_region_steps(const VecFn& F, const Mat& J, SolveState& st, const SolveOptions& opt,
                              SolveResult& res, DoglegParts& parts, double& frac) {
  const Eigen::Index n = st.x.size();
  const Vec dinv = st.dscale.cwiseInverse();
  const Mat Js = J * dinv.asDiagonal();
  parts = dogleg_parts(Js, st.f, opt.cndtol);
  if (!parts.sn.allFinite()) return static_cast<int>(SolveStatus::BadJacobian);
  if (parts.g.isZero(0.0)) return static_cast<int>(SolveStatus::LocalMin);
  if (st.delta <= 0)
    st.delta = opt.delta ? *opt.delta
               : opt.delta_start == RadiusStart::Cauchy ? parts.sc.stableNorm() : parts.sn.stableNorm();
  if (!(st.delta > 0)) st.delta = 1.0;
  st.nonfinite_seen = false;
  for (int tries = 0; tries < 200; ++tries) {
    bool newton = false;
    const Vec s = dogleg_step(parts, st.delta, newton);
    const Vec p = dinv.asDiagonal() * s;
    const Vec xnew = st.x + p;
    // stagnation: the step no longer changes x in its leading digits
    double rel = 0;
    for (Eigen::Index i = 0; i < n; ++i)
      rel = std::max(rel, std::fabs(p[i]) / std::max(std::fabs(st.x[i]), 1e-300));
    if (rel <= opt.xtol || xnew == st.x) return static_cast<int>(SolveStatus::Stagnated);
    const Vec fnew = eval_checked(F, xnew, "at a trial point", res.fevals);
    const double snorm = s.stableNorm();
    st.nonfinite = !fnew.allFinite();
    st.nonfinite_seen = st.nonfinite_seen || st.nonfinite;
    if (st.nonfinite) {  // back away from where F is not finite
      st.delta = 0.25 * std::min(st.delta, snorm);
      continue;
    }
    const double phinew = 0.5 * fnew.squaredNorm();
    const double pred = st.phi - 0.5 * (st.f + Js * s).squaredNorm();
    const double ared = st.phi - phinew;
    const double ratio = pred > 0 ? ared / pred : (ared > 0 ? 1.0 : -1.0);
    if (ratio < 1e-4) {
      // rejected: shrink to the minimiser of the quadratic through phi,
      // its slope along s and the new value (clamped to [0.1, 0.5])
      const double slope = st.f.dot(Js * s);
      const double curv = phinew - st.phi - slope;
      double t = (slope < 0 && curv > 0) ? -slope / (2 * curv) : 0.5;
      if (!std::isfinite(t)) t = 0.5;
      st.delta = std::min(0.5, std::max(0.1, t)) * std::min(st.delta, snorm);
      continue;
    }
    // radius for the next iteration (Dennis & Schnabel's constants: measured
    // on MINPACK's schedule, 6% fewer calls of fn than shrinking to half
    // the step below ratio 0.25)
    if (ratio >= 0.75) st.delta = std::min(2 * st.delta, 1e300);
    else if (ratio < 0.1) st.delta *= 0.5;
    st.x = xnew;
    st.f = fnew;
    st.phi = phinew;
    frac = parts.sn.stableNorm() > 0 ? snorm / parts.sn.stableNorm() : 1.0;
    return 0;
  }
  return static_cast<int>(SolveStatus::Stagnated);
}

// |C^-1 J'F| / (|J C^-1|_F |F|), C = diag(column norms of J): the gradient
// of ||F||^2/2 relative to |J| |F| in variables rescaled to unit columns, so
// that a variable of size 1e6 (a column of size 1e-6) does not pass for a
// stationary point. Zero columns contribute nothing.
inline double gradient_ratio(const Mat& J, const Vec& f) {
  const Eigen::Index n = J.cols();
  Mat Jn = J;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double jm = J.col(j).lpNorm<Eigen::Infinity>();
    if (jm > 0) Jn.col(j) = J.col(j) / jm;
    const double c = Jn.col(j).norm();
    if (c > 0) Jn.col(j) /= c;
  }
  const double jf = Jn.norm();
  if (!(jf > 0)) return 0.0;
  return (Jn.transpose() * f).stableNorm() / (jf * f.stableNorm());
}

// The message of a run: the status's row of the table, or for a
// stagnation the particulars (F not finite next to x; a singular J).
inline std::string solve_message(SolveStatus c, bool lm, bool nonfinite) {
  if (c != SolveStatus::Stagnated) return status_info(kSolveStatusTable, c).message;
  if (nonfinite)
    return "stagnation: F is not finite (NA, NaN or Inf) at the trial points next to x, down to steps "
           "of relative size xtol: x is at the edge of the region where fn is defined";
  return std::string("stagnation: no step that changes x by more than xtol reduces ||F||") +
         (lm ? " (the Jacobian is singular or ill-conditioned here)" : "") +
         "; possibly a local minimum of ||F|| that is not a root, or an inaccurate Jacobian";
}

// F far from 1 since the last scale was chosen (an iterate after x0 where
// F is 1e-300 while it was 1e300 at x0, or the reverse): choose a new
// power-of-2 scale so that J'F neither under- nor overflows, and carry
// ||sF||^2 and its history over to it (exactly: powers of 2).
inline void rescale_f(SolveState& st, std::vector<double>& phis, double& s, double& ftol, double ftol_user) {
  const double fm = st.f.lpNorm<Eigen::Infinity>();
  if (!(fm > 0) || (fm >= 1e-100 && fm <= 1e100)) return;
  double snew = s * std::ldexp(1.0, -std::ilogb(fm));
  const double smin = std::ldexp(1.0, std::ilogb(std::numeric_limits<double>::min() / ftol_user) + 1);
  if (fm / s * smin < 1e150) snew = std::max(snew, smin);
  if (!std::isfinite(snew) || !std::isfinite(ftol_user * snew) || !(snew > 0) || snew == s) return;
  const double r = snew / s;
  st.f *= r;
  st.phi = 0.5 * st.f.squaredNorm();
  for (double& v : phis) v *= r * r;
  s = snew;
  ftol = ftol_user * s;
}

// F of size ~1e+-300 over- or underflows ||F||^2 and J'F: newton_system
// works with s F (s a power of 2 near 1 / max|F(x0)|, so exact). Steps are
// unchanged; ftol, fvec, jac and the trace stay on the user's scale.
inline double initial_f_scale(const Vec& f0, double ftol_user) {
  double s = 1.0;
  const double fmax0 = f0.allFinite() ? f0.lpNorm<Eigen::Infinity>() : 0.0;
  if (fmax0 > 1e100 || (fmax0 > 0 && fmax0 < 1e-100))
    s = std::ldexp(1.0, std::max(-1000, std::min(1000, -std::ilogb(fmax0))));
  // keep ftol * s a normal number (s F near ftol * s then rounds nowhere, so
  // the convergence test on s F is exactly the test on F) and finite
  const double smin = std::ldexp(1.0, std::ilogb(std::numeric_limits<double>::min() / ftol_user) + 1);
  if (s < smin && fmax0 * smin < 1e150) s = smin;  // (not at the cost of overflowing s F)
  if (!std::isfinite(ftol_user * s)) s = 1.0;
  return s;
}

// After a failed run with a supplied Jacobian Ja at x (F(x) = fx): does Ja
// disagree with central differences of F? At up to three step sizes (2n
// calls of F each): eps^(1/3) max(|x_k|, 1), then eps^(1/3) |x_k| for a
// variable much smaller than 1 (else an eighth of the first), then an
// eighth of that. Ja is blamed only when it disagrees with two successive
// ones (max relative error, column by column relative to the column's
// scale, above 1e-4) while the two differences agree with each other to a
// tenth of that: at a stationary point of a fast-varying F, or at
// x_k = 1e-6 with a step of 6e-6, the differences are no test of Ja.
// F returns non-finite values where it cannot be evaluated (no blame then).
struct JacobianCheck {
  int fevals = 0;
  bool blame = false;
  double error = kNaN;  // the max relative error when blamed
};
inline JacobianCheck check_jacobian(const VecFn& F, const Mat& Ja, const Vec& x, const Vec& fx) {
  JacobianCheck out;
  const Eigen::Index n = x.size();
  const double fmax = std::max(fx.cwiseAbs().maxCoeff(), 1e-300);
  // column scale: the larger column, at least 1e-8 of the largest entry and
  // 100 times the rounding noise of a difference of F over 2h
  auto rel = [&](const Mat& A, const Mat& B, const Vec& h) {
    const double big = 1e-8 * std::max({A.cwiseAbs().maxCoeff(), B.cwiseAbs().maxCoeff(), 1e-300});
    double worst = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      const double scale = std::max({A.col(j).cwiseAbs().maxCoeff(), B.col(j).cwiseAbs().maxCoeff(), big,
                                     100 * kEps * fmax / h(j)});
      worst = std::max(worst, (A.col(j) - B.col(j)).cwiseAbs().maxCoeff() / scale);
    }
    return worst;
  };
  Vec h1(n), h2(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    h1(k) = fd::step(fd::kCentral, x(k));
    h2(k) = std::fabs(x(k)) < 1 && x(k) != 0 ? fd::kCentral * std::fabs(x(k)) : h1(k) / 8;
  }
  Mat J1, J2;
  if (!fd::jacobian_central_steps(F, x, h1, J1, out.fevals) || rel(Ja, J1, h1) <= 1e-4) return out;
  for (int i = 0; i < 2; ++i) {  // smaller steps until two successive differences agree
    if (!fd::jacobian_central_steps(F, x, h2, J2, out.fevals)) break;
    const double err = std::min(rel(Ja, J1, h1), rel(Ja, J2, h2));
    if (err <= 1e-4) break;
    if (rel(J1, J2, h2) <= 0.1 * err) {
      out.blame = true;
      out.error = err;
      break;
    }
    J1 = J2;
    h1 = h2;
    h2 /= 8;
  }
  return out;
}

inline SolveResult newton_system(const VecFn& F_user, const MatFn& jac_user, const Vec& x0,
                                 const SolveOptions& opt, Interrupter& intr, const Vec* f0 = nullptr,
                                 const SolveObserver& observer = {}) {
  opt.validate();
  SolveResult res;
  const Eigen::Index n = x0.size();
  SolveState st;
  st.x = x0;
  if (f0) {
    if (f0->size() != n) throw std::invalid_argument("'fn' must return a vector as long as 'x0'");
    st.f = *f0;
    res.fevals = 1;
  } else {
    st.f = F_user(x0);
    ++res.fevals;
    if (st.f.size() != n)
      throw std::invalid_argument("'fn' must return a vector as long as 'x0' (" + std::to_string(n) +
                                  "), not " + std::to_string(st.f.size()));
  }
  double s = initial_f_scale(st.f, opt.ftol);
  const VecFn F = [&F_user, &s](const Vec& z) { return s == 1.0 ? F_user(z) : Vec(F_user(z) * s); };
  const MatFn jac = !jac_user ? jac_user
                              : MatFn([&jac_user, &s](const Vec& z) { return s == 1.0 ? jac_user(z) : Mat(jac_user(z) * s); });
  st.f *= s;
  double ftol = opt.ftol * s;
  bool lm = false, near_stationary = false, fd_zero_col = false;
  auto done = [&](SolveStatus c) {
    res.x = st.x;
    res.fvec = st.f / s;
    res.code = c;
    res.message = solve_message(c, lm, st.nonfinite);
    if (fd_zero_col && (c == SolveStatus::LocalMin || c == SolveStatus::Stagnated))
      res.message += "; a column of the finite-difference Jacobian is exactly 0: F may change by less than its "
                     "rounding over a step of 1.5e-8 relative to x (supply 'jac')";
    if (near_stationary)
      res.message += "; here |J'F| <= 1e-3 |J| |F|: probably near a local minimum of ||F|| that is not a root";
    if (c == SolveStatus::NoProgress && st.nonfinite_seen)
      res.message += "; F was not finite at trial points next to x: x may be at the edge of the region where fn "
                     "is defined";
    if (opt.want_jac && c != SolveStatus::BadStart) res.jac = solve_jacobian(F, jac, st, res) / s;
    return res;
  };
  if (!st.f.allFinite()) return done(SolveStatus::BadStart);
  st.phi = 0.5 * st.f.squaredNorm();
  auto add_row = [&](const SolveTraceRow& row) {
    res.trace.push_back(row);
    if (observer) observer(row);
  };
  add_row({0, st.f.lpNorm<Eigen::Infinity>() / s, kNaN, 0.0, kNaN, st.x});
  if (st.f.lpNorm<Eigen::Infinity>() <= ftol) return done(SolveStatus::Converged);
  st.dscale = Vec::Zero(n);
  std::vector<double> phis{st.phi};  // ||F||^2/2 after each iteration
  for (int k = 1; k <= opt.maxit; ++k) {
    intr.tick();
    rescale_f(st, phis, s, ftol, opt.ftol);
    const Mat J = solve_jacobian(F, jac, st, res);
    if (!J.allFinite()) return done(SolveStatus::BadJacobian);
    fd_zero_col = !jac && (J.colwise().lpNorm<Eigen::Infinity>().array() == 0).any() && st.phi > 0;
    for (Eigen::Index j = 0; j < n; ++j) {  // hybrj's scaling: the largest column norm so far
      const double cn = J.col(j).norm();
      st.dscale[j] = !opt.scaling ? 1.0 : std::max(st.dscale[j], cn > 0 ? cn : (st.dscale[j] > 0 ? st.dscale[j] : 1.0));
    }
    DoglegParts parts;
    double frac = 1;
    const int rc = trust_region_steps(F, J, st, opt, res, parts, frac);
    lm = parts.mu > 0;
    // stuck where J'F is tiny relative to |J| |F|: a stationary point of ||F||
    if (rc == static_cast<int>(SolveStatus::Stagnated) && !st.nonfinite && gradient_ratio(J, st.f) <= opt.gtol)
      return done(SolveStatus::LocalMin);
    if (rc != 0) return done(static_cast<SolveStatus>(rc));
    res.iter = k;
    add_row({k, st.f.lpNorm<Eigen::Infinity>() / s, frac, parts.mu, st.delta, st.x});
    phis.push_back(st.phi);
    if (st.f.lpNorm<Eigen::Infinity>() > ftol && opt.stall > 0 && k >= opt.stall &&
        st.phi > 0.9 * phis[k - opt.stall]) {
      near_stationary = gradient_ratio(J, st.f) <= 1e-3;
      return done(SolveStatus::NoProgress);
    }
    if (st.f.lpNorm<Eigen::Infinity>() <= ftol) return done(SolveStatus::Converged);
  }
  return done(SolveStatus::MaxIter);
}

}  // namespace newtonr
