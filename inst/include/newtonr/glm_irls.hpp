// newtonr/glm_irls.hpp -- the GLM fit in one include (glm_fit.hpp: the
// loop of glm_loop.hpp and its step rules), and the earlier C++ entry
// glm_irls() kept for C++ callers (cpptests) for one release.
#pragma once

#include <newtonr/glm_fit.hpp>

namespace newtonr {

// The settings of glm_irls() (deprecated: use GlmControl and glm_fit()).
struct GlmIrlsSettings {
  double epsilon = 1e-8;
  int maxit = 25;
  bool newton = false;
  double tol = 1e-7;  // aliasing tolerance
  bool singular_ok = true;
  int threads = 0;
};

// Deprecated: glm_fit() for a native family, with a constant penalty
// vector `pen` (the penalty of every column, intercept included).
inline GlmIrlsResult glm_irls(const GlmData& d, const GlmFamily& fam, const GlmBuffers& buf,
                              const double* start, const Vec& pen, const GlmIrlsSettings& st,
                              const GlmKernels& k, Interrupter& intr,
                              const GlmTraceFn& trace = GlmTraceFn()) {
  if (pen.size() != d.p) throw std::invalid_argument("glm_irls: 'pen' must have length p");
  if (d.p > 0 && pen.maxCoeff() != pen.minCoeff())
    throw std::invalid_argument("glm_irls: a penalty that differs by column needs glm_fit()");
  GlmControl s;
  s.epsilon = st.epsilon;
  s.maxit = st.maxit;
  s.newton = st.newton;
  s.aliasing_tol = st.tol;
  s.singular_ok = st.singular_ok;
  if (st.threads > 0) s.threads = st.threads;
  s.lambda = d.p > 0 ? pen(0) : 0.0;
  const GlmNativeFamily f(fam);
  return glm_fit(d, f, buf, start, false, s, k, intr, trace).res;
}

}  // namespace newtonr
