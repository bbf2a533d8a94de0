// info.cpp -- how this build of newtonr was compiled and what it will use on
// this machine: OpenMP and its thread limits, Eigen's version and SIMD
// instruction sets, and whether the GLM kernels' AVX2/FMA path is usable.
#include "glue.h"
#include <newtonr/glm_simd.hpp>
#include <newtonr/glm_xtwx.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

// [[Rcpp::export]]
Rcpp::List newtonr_build_info_cpp() {
  bool openmp = false;
  int max_threads = 1, thread_limit = 1;
#ifdef _OPENMP
  openmp = true;
  max_threads = omp_get_max_threads();
  thread_limit = omp_get_thread_limit();
#endif
#ifdef EIGEN_DONT_PARALLELIZE
  const bool eigen_parallel = false;
#else
  const bool eigen_parallel = openmp;
#endif
  return Rcpp::List::create(
      Rcpp::Named("openmp") = openmp,
      Rcpp::Named("max_threads") = max_threads,
      // OMP_THREAD_LIMIT (INT_MAX when unset); no team is larger
      Rcpp::Named("thread_limit") = thread_limit,
      // the team the GLM kernels use for threads = 0 (OpenMP's default)
      Rcpp::Named("glm_threads") = newtonr::glm_threads(0),
      Rcpp::Named("glm_simd") = newtonr_glm_have_avx2(),
      Rcpp::Named("eigen_parallel") = eigen_parallel,
      Rcpp::Named("eigen_simd") = std::string(Eigen::SimdInstructionSetsInUse()),
      Rcpp::Named("eigen_version") = std::to_string(EIGEN_WORLD_VERSION) + "." +
                                     std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                     std::to_string(EIGEN_MINOR_VERSION));
}
