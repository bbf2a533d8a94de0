// info.cpp -- how this build of newtonr was compiled (OpenMP, SIMD).
#include "glue.h"
#ifdef _OPENMP
#include <omp.h>
#endif

// [[Rcpp::export]]
Rcpp::List newtonr_build_info_cpp() {
  bool openmp = false;
  int max_threads = 1;
#ifdef _OPENMP
  openmp = true;
  max_threads = omp_get_max_threads();
#endif
  return Rcpp::List::create(
      Rcpp::Named("openmp") = openmp,
      Rcpp::Named("max_threads") = max_threads,
      Rcpp::Named("eigen_simd") = std::string(Eigen::SimdInstructionSetsInUse()),
      Rcpp::Named("eigen_version") = std::to_string(EIGEN_WORLD_VERSION) + "." +
                                     std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                     std::to_string(EIGEN_MINOR_VERSION));
}
