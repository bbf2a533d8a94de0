#' newtonr: Newton's method and its relatives for roots, optimisation and GLMs
#'
#' Root finding (`newton_root()`, `newton_solve()`) mirrors [stats::uniroot()],
#' minimisation (`newton_optim()`) mirrors [stats::optim()] and GLM fitting
#' (`newton_glm()`, `newton_glm_fit()`) mirrors [stats::glm()] and
#' [stats::glm.fit()]. The numerical loops are C++ (Eigen); every result
#' carries a `trace` data frame with one row per iteration.
#'
#' @keywords internal
#' @useDynLib newtonr, .registration = TRUE
#' @importFrom Rcpp evalCpp
#' @importFrom stats gaussian
"_PACKAGE"

#' How this build of newtonr was compiled
#'
#' @return A list: `openmp` (logical), `max_threads`, `eigen_simd` (the SIMD
#'   instruction sets Eigen uses) and `eigen_version`.
#' @examples
#' newtonr_build_info()
#' @export
newtonr_build_info <- function() newtonr_build_info_cpp()
