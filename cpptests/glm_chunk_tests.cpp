// cpptests/glm_chunk_tests.cpp -- glm_chunk.hpp's sums evaluator (the
// chunked and database paths of issue 18) against the in-memory loop:
//  * the state algebra: a pass at the average of two states equals a pass at
//    the average of their linear predictors (the property the loop's step
//    halving relies on), and GlmSumsEvaluator::run writes beta as the state
//    (beta, 0);
//  * sums over a partition of the rows equal the sums over all rows: bit for
//    bit when the partition is the fused evaluator's own (same order of
//    additions), to 1e-13 for an uneven partition (1-row chunks included);
//  * glm_fit_sums (the loop through GlmSumsEvaluator, sums added chunk by
//    chunk) equals glm_fit (glm_fit.hpp, the in-memory path) on the same
//    data: coefficients, deviance, iterations, convergence, rank and pivot
//    -- logistic and Poisson, weights with zeros, an offset, an aliased
//    column, a start that forces step halving, an iteration limit.
// Its own program (make sanitize).
#include <newtonr/glm_chunk.hpp>
#include <newtonr/glm_family.hpp>
#include <newtonr/glm_fit.hpp>
#include <newtonr/glm_pass.hpp>
#include <newtonr/glm_xtwx.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"

#define CHECK_MSG(cond, info) ::cpptests::report(static_cast<bool>(cond), #cond, __FILE__, __LINE__, (info))

using newtonr::Mat;
using newtonr::Vec;
using Eigen::Index;

namespace {

// A data set: X (n x p, column 0 ones), y, prior weights, offset, glm's
// starting eta (linkfun(mustart) from family$initialize's rule).
struct Data {
  Mat X;
  Vec y, wt, off, eta0;
  newtonr::GlmFamily fam;
};

Data make_data(std::mt19937& g, Index n, Index p, const std::string& family, bool zero_wt, bool offset,
               bool alias) {
  std::normal_distribution<double> z(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Data d;
  const bool ok = newtonr::glm_family_from_names(family, family == "binomial" ? "logit" : "log", "", d.fam);
  CHECK(ok);
  d.X.resize(n, p);
  d.y.resize(n);
  d.wt.resize(n);
  d.off.resize(n);
  d.eta0.resize(n);
  for (Index i = 0; i < n; ++i) {
    d.X(i, 0) = 1;
    for (Index j = 1; j < p; ++j) d.X(i, j) = z(g);
    if (alias && p > 3) d.X(i, p - 1) = d.X(i, 1) - 2 * d.X(i, 2);
    d.off(i) = offset ? 0.3 * z(g) : 0.0;
    d.wt(i) = zero_wt && u(g) < 0.1 ? 0.0 : 1.0 + std::floor(3 * u(g));
    const double eta = 0.2 + 0.5 * d.X(i, 1) - 0.3 * (p > 2 ? d.X(i, 2) : 0.0) + d.off(i);
    if (family == "binomial") {
      d.y(i) = u(g) < 1 / (1 + std::exp(-eta)) ? 1 : 0;
      const double ms = (d.wt(i) * d.y(i) + 0.5) / (d.wt(i) + 1);
      d.eta0(i) = std::log(ms / (1 - ms));
    } else {
      const double lam = std::exp(eta);
      double pk = std::exp(-lam), cdf = pk, v = u(g);
      int k = 0;
      while (v > cdf && k < 60) {
        ++k;
        pk *= lam / k;
        cdf += pk;
      }
      d.y(i) = k;
      d.eta0(i) = std::log(d.y(i) + 0.1);
    }
  }
  return d;
}

// eta of a state (glm_chunk.hpp): X s[0..p) + (1 - s[p]) offset + s[p] eta0.
Vec eta_of(const Data& d, Index r0, Index m, const Vec& s) {
  const Index p = d.X.cols();
  return d.X.middleRows(r0, m) * s.head(p) + (1 - s(p)) * d.off.segment(r0, m) + s(p) * d.eta0.segment(r0, m);
}

// One chunk's pass (rows r0 .. r0 + m) at eta by the fused evaluator, as
// src/glm_db.cpp's glm_chunk_pass_cpp computes it.
newtonr::GlmPass chunk_pass(const Data& d, Index r0, Index m, const Vec& eta, const newtonr::GlmPassKind& kind,
                            const newtonr::GlmKernels& k) {
  const Index p = d.X.cols();
  const Mat Xc = d.X.middleRows(r0, m);
  const Vec yc = d.y.segment(r0, m), wc = d.wt.segment(r0, m), oc = d.off.segment(r0, m);
  newtonr::GlmData gd{Xc.data(), m, p, yc.data(), wc.data(), oc.data(), nullptr};
  newtonr::GlmFusedEvaluator ev(gd, d.fam, 1, k);
  Vec e = eta;
  return ev.run(nullptr, e.data(), kind);
}

// The sums over a partition (chunk sizes `sizes`), added in chunk order as
// R/glm_chunks.R adds them (the first chunk's sums, then += the others).
newtonr::GlmPass partition_pass(const Data& d, const std::vector<Index>& sizes, const Vec& s,
                                const newtonr::GlmPassKind& kind, const newtonr::GlmKernels& k) {
  newtonr::GlmPass acc;
  bool first = true;
  Index r0 = 0;
  for (Index m : sizes) {
    if (m == 0) continue;  // an empty chunk adds nothing (R skips it)
    const newtonr::GlmPass c = chunk_pass(d, r0, m, eta_of(d, r0, m, s), kind, k);
    r0 += m;
    if (first) {
      acc = c;
      first = false;
      continue;
    }
    acc.dev += c.dev;
    acc.ngood += c.ngood;
    acc.valid = acc.valid && c.valid;
    acc.na_var = acc.na_var || c.na_var;
    acc.zero_var = acc.zero_var || c.zero_var;
    acc.na_mu_eta = acc.na_mu_eta || c.na_mu_eta;
    if (kind.accumulate) {
      acc.A += c.A;
      acc.b += c.b;
    }
  }
  CHECK(r0 == d.X.rows());
  return acc;
}

double max_rel(const Mat& a, const Mat& b) {
  double m = 0;
  for (Index j = 0; j < a.cols(); ++j)
    for (Index i = 0; i < a.rows(); ++i)
      m = std::fmax(m, std::fabs(a(i, j) - b(i, j)) / std::fmax(1.0, std::fabs(b(i, j))));
  return m;
}

bool same_bits(const Mat& a, const Mat& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Index i = 0; i < a.size(); ++i)
    if (!(a.data()[i] == b.data()[i])) return false;
  return true;
}

void state_algebra_tests(std::mt19937& g) {
  const Data d = make_data(g, 300, 4, "poisson", true, true, false);
  const Index n = d.X.rows(), p = d.X.cols();
  std::normal_distribution<double> z(0.0, 0.3);
  newtonr::GlmPassKind kind;
  kind.accumulate = true;
  const newtonr::GlmKernels k;
  for (int rep = 0; rep < 5; ++rep) {
    Vec s1(p + 1), s2(p + 1);
    for (Index j = 0; j <= p; ++j) {
      s1(j) = z(g);
      s2(j) = z(g);
    }
    s1(p) = rep == 0 ? 1.0 : 0.0;  // glm's start, halved towards a coefficient state
    s2(p) = rep == 1 ? 1.0 : 0.0;
    const Vec sm = (s1 + s2) / 2;
    const Vec em = (eta_of(d, 0, n, s1) + eta_of(d, 0, n, s2)) / 2;
    CHECK_MSG(max_rel(eta_of(d, 0, n, sm), em) < 1e-14, "rep " + std::to_string(rep));
    const newtonr::GlmPass a = chunk_pass(d, 0, n, eta_of(d, 0, n, sm), kind, k);
    const newtonr::GlmPass b = chunk_pass(d, 0, n, em, kind, k);
    CHECK(std::fabs(a.dev - b.dev) <= 1e-12 * std::fabs(b.dev));
    CHECK(max_rel(a.A, b.A) < 1e-12);
    CHECK(max_rel(a.b, b.b) < 1e-12);
  }
  // run(beta, ...) names the state (beta, 0): eta = X beta + offset
  Vec seen;
  newtonr::GlmSumsFn fn = [&seen](const Vec& s, const newtonr::GlmPassKind&) {
    seen = s;
    newtonr::GlmPass out;
    out.dev = 1;
    return out;
  };
  newtonr::GlmSumsEvaluator ev(p, fn);
  std::vector<double> buf(static_cast<size_t>(p + 1), 7.0), beta = {0.5, -1.0, 2.0, 0.25};
  newtonr::GlmPassKind k0;
  ev.run(beta.data(), buf.data(), k0);
  CHECK(seen.size() == p + 1);
  for (Index j = 0; j < p; ++j) CHECK(seen(j) == beta[static_cast<size_t>(j)]);
  CHECK(seen(p) == 0.0);
  // a pass whose sums have the wrong size is refused, not used
  newtonr::GlmSumsFn bad = [](const Vec&, const newtonr::GlmPassKind&) {
    newtonr::GlmPass out;
    out.A = Mat::Zero(2, 2);
    out.b = Vec::Zero(2);
    return out;
  };
  newtonr::GlmSumsEvaluator evb(p, bad);
  newtonr::GlmPassKind ka;
  ka.accumulate = true;
  bool threw = false;
  try {
    evb.run(beta.data(), buf.data(), ka);
  } catch (const std::runtime_error&) {
    threw = true;
  }
  CHECK(threw);
}

void partition_tests(std::mt19937& g) {
  for (const std::string fam : {"binomial", "poisson"}) {
    const Data d = make_data(g, 2000, 6, fam, true, true, false);
    const Index n = d.X.rows(), p = d.X.cols();
    Vec s = Vec::Zero(p + 1);
    s(0) = 0.1;
    s(1) = 0.4;
    s(p) = 0.25;  // a halved state: part start, part coefficients
    for (bool score : {false, true}) {
      newtonr::GlmPassKind kind;
      kind.accumulate = true;
      kind.score = score;
      // the fused evaluator's own partition (chunks of 500 rows), in order
      newtonr::GlmKernels k500;
      k500.chunk_rows = 500;
      const newtonr::GlmPass all = chunk_pass(d, 0, n, eta_of(d, 0, n, s), kind, k500);
      const newtonr::GlmPass part = partition_pass(d, {500, 500, 500, 500}, s, kind, k500);
      CHECK_MSG(all.dev == part.dev, fam);
      CHECK_MSG(same_bits(all.A, part.A), fam);
      CHECK_MSG(same_bits(all.b, part.b), fam);
      CHECK(all.ngood == part.ngood && all.valid == part.valid);
      // an uneven partition with 1-row and empty chunks: 1e-13
      const newtonr::GlmKernels k;
      const newtonr::GlmPass one = chunk_pass(d, 0, n, eta_of(d, 0, n, s), kind, k);
      const newtonr::GlmPass un = partition_pass(d, {1, 0, 1, 37, 600, 1, 0, 1000, 360}, s, kind, k);
      CHECK_MSG(std::fabs(one.dev - un.dev) <= 1e-13 * one.dev, fam);
      CHECK_MSG(max_rel(un.A, one.A) < 1e-13, fam + " " + std::to_string(max_rel(un.A, one.A)));
      CHECK_MSG(max_rel(un.b, one.b) < 1e-13, fam);
      CHECK(one.ngood == un.ngood);
      // ngood excludes the zero-weight rows
      Index npos = 0;
      for (Index i = 0; i < n; ++i) npos += d.wt(i) > 0;
      CHECK(one.ngood == npos);
    }
  }
}

struct FitCase {
  std::string family;
  bool zero_wt, offset, alias;
  std::vector<double> start;  // empty: glm's start
  int maxit;
};

void loop_tests(std::mt19937& g) {
  const std::vector<FitCase> cases = {
      {"binomial", false, false, false, {}, 25},
      {"binomial", true, true, false, {}, 25},
      {"poisson", true, true, false, {}, 25},
      {"poisson", false, false, true, {}, 25},
      {"binomial", true, false, true, {}, 25},
      {"poisson", false, true, false, {-3.0, 2.0, 0.0, 0.0, 0.0}, 25},  // halving from a far start
      {"poisson", false, true, false, {-10.0, 0.0, 0.0, 0.0, 0.0}, 25},  // "divergence" halvings
      {"binomial", false, false, false, {}, 2},                          // iteration limit
  };
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    const FitCase& fc = cases[ci];
    const std::string lab = "case " + std::to_string(ci);
    const Data d = make_data(g, 1500, 5, fc.family, fc.zero_wt, fc.offset, fc.alias);
    const Index n = d.X.rows(), p = d.X.cols();
    newtonr::GlmControl s;
    s.maxit = fc.maxit;
    s.threads = 1;
    const double* start = fc.start.empty() ? nullptr : fc.start.data();
    // in memory
    const newtonr::GlmNativeFamily nf(d.fam);
    // the starting eta: glm's (linkfun(mustart)), or X start + offset (glm_fit's contract)
    Vec e0 = d.eta0;
    if (start) e0 = d.X * Eigen::Map<const Vec>(start, p) + d.off;
    std::vector<double> ea(e0.data(), e0.data() + n), eb(static_cast<size_t>(n)), mu(ea.size()),
        w(ea.size()), res(ea.size());
    newtonr::GlmBuffers buf;
    buf.eta_a = ea.data();
    buf.eta_b = eb.data();
    buf.mu = mu.data();
    buf.weights = w.data();
    buf.residuals = res.data();
    newtonr::GlmData gd{d.X.data(), n, p, d.y.data(), d.wt.data(), d.off.data(), nullptr};
    newtonr::Interrupter intr;
    const newtonr::GlmKernels k;
    std::vector<int> trace_mem, trace_sums;
    const newtonr::GlmFitOut mem = newtonr::glm_fit(
        gd, nf, buf, start, true, s, k, intr, [&trace_mem](int kind, int, double) { trace_mem.push_back(kind); });
    // through the sums evaluator, chunks of 1, 0, 499, 600, 400 rows
    int passes = 0;
    newtonr::GlmSumsFn fn = [&](const Vec& st, const newtonr::GlmPassKind& kind) {
      ++passes;
      return partition_pass(d, {1, 0, 499, 600, 400}, st, kind, k);
    };
    const newtonr::GlmSumsOut sm = newtonr::glm_fit_sums(
        p, fn, start, 0, s, intr, [&trace_sums](int kind, int, double) { trace_sums.push_back(kind); });
    const newtonr::GlmIrlsResult& a = mem.res;
    const newtonr::GlmIrlsResult& b = sm.res;
    CHECK_MSG(a.iter == b.iter, lab + ": iter " + std::to_string(a.iter) + " vs " + std::to_string(b.iter));
    CHECK_MSG(a.converged == b.converged, lab);
    CHECK_MSG(a.status == b.status, lab);
    CHECK_MSG(trace_mem == trace_sums, lab + ": the same accepted and halved steps");
    CHECK_MSG(std::fabs(a.dev - b.dev) <= 1e-10 * a.dev, lab);
    CHECK_MSG(a.solve.rank == b.solve.rank, lab);
    CHECK_MSG(a.solve.pivot == b.solve.pivot, lab);
    for (Index j = 0; j < p; ++j) {
      if (std::isnan(a.coef(j))) {
        CHECK_MSG(std::isnan(b.coef(j)), lab + " aliased column " + std::to_string(j));
      } else {
        CHECK_MSG(std::fabs(a.coef(j) - b.coef(j)) <= 1e-9 * std::fmax(1.0, std::fabs(a.coef(j))),
                  lab + " coef " + std::to_string(j));
      }
    }
    if (fc.alias) CHECK_MSG(b.solve.rank == p - 1, lab);
    if (!fc.start.empty()) CHECK_MSG(!trace_sums.empty() && [&] {
      for (int t : trace_sums) if (t == 1) return true;
      return false;
    }(), lab + ": the far start forces a halving");
    if (fc.maxit == 2) CHECK_MSG(!b.converged && b.iter == 2, lab);
    // the final state reproduces the fit's linear predictor (eta = X coef + offset)
    Vec c = b.coef;
    for (Index j = 0; j < p; ++j)
      if (std::isnan(c(j))) c(j) = 0;
    const Vec eta_fit = d.X * c + d.off;
    CHECK_MSG(max_rel(eta_of(d, 0, n, sm.state), eta_fit) < 1e-12, lab);
    CHECK(passes > b.iter);
  }
}

}  // namespace

int main() {
  std::mt19937 g(18);
  try {
    state_algebra_tests(g);
    partition_tests(g);
    loop_tests(g);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL: exception %s\n", e.what());
    return 1;
  }
  std::printf("glm_chunk_tests: %d checks, %d failures\n", cpptests::checks(), cpptests::failures());
  return cpptests::failures() == 0 ? 0 : 1;
}
