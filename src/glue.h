// glue.h -- helpers shared by newtonr's Rcpp glue (src/*.cpp).
//
// The glue converts R objects to the core's Eigen types, hands the core an
// interrupt check, and lets Rcpp translate the core's exceptions into R
// errors.  No numerical loop lives here.
#pragma once

#include <RcppEigen.h>
#include <newtonr/common.hpp>

namespace newtonr_glue {

// Interrupt check for the core: Rcpp::checkUserInterrupt() throws
// Rcpp::internal::InterruptedException, which unwinds the core's stack
// (releasing its state) and is turned back into an R interrupt by Rcpp.
inline newtonr::InterruptCheck r_interrupt_check() {
  return [] { Rcpp::checkUserInterrupt(); };
}

}  // namespace newtonr_glue
