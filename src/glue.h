// glue.h -- helpers shared by newtonr's Rcpp glue (src/*.cpp).
//
// The glue converts R objects to the core's Eigen types, hands the core an
// interrupt check, and lets Rcpp translate the core's exceptions into R
// errors.  No numerical loop lives here.
//
// Conventions (see inst/include/newtonr/DESIGN.md):
//  * Exported *_cpp functions take and return plain R types (SEXP,
//    Rcpp::NumericVector, Rcpp::List), never Eigen types, so that neither
//    RcppExports.cpp nor the glue needs <RcppEigen.h>; convert with
//    to_vec()/to_mat() and to_r() below.
//  * A solver's options arrive as one R list built by its *_control()
//    constructor; the glue reads each field once with read_opt() into the
//    core's options struct (an R NULL leaves a std::optional unset) and then
//    calls the struct's validate().
//  * The glue returns lists; R builds the S3 objects.
#pragma once

#include <Rcpp.h>
#include <Eigen/Dense>

#include <optional>
#include <string>

#include <newtonr/common.hpp>
#include <newtonr/status.hpp>

namespace newtonr_glue {

// Interrupt check for the core: Rcpp::checkUserInterrupt() throws
// Rcpp::internal::InterruptedException, which unwinds the core's stack
// (releasing its state) and is turned back into an R interrupt by Rcpp.
inline newtonr::InterruptCheck r_interrupt_check() {
  return [] { Rcpp::checkUserInterrupt(); };
}

// R numeric (double or integer) vector -> Eigen vector (a copy).
inline newtonr::Vec to_vec(SEXP s) {
  Rcpp::NumericVector v(s);  // coerces integer/logical
  return Eigen::Map<const newtonr::Vec>(v.begin(), v.size());
}

// R numeric matrix -> Eigen matrix (a copy).
inline newtonr::Mat to_mat(SEXP s) {
  Rcpp::NumericMatrix m(s);
  return Eigen::Map<const newtonr::Mat>(m.begin(), m.nrow(), m.ncol());
}

inline Rcpp::NumericVector to_r(const newtonr::Vec& v) {
  return Rcpp::NumericVector(v.data(), v.data() + v.size());
}

inline Rcpp::NumericMatrix to_r(const newtonr::Mat& m) {
  Rcpp::NumericMatrix out(static_cast<int>(m.rows()), static_cast<int>(m.cols()));
  std::copy(m.data(), m.data() + m.size(), out.begin());
  return out;
}

inline Rcpp::NumericVector to_r(const std::vector<double>& v) {
  return Rcpp::NumericVector(v.begin(), v.end());
}

inline Rcpp::IntegerVector to_r(const std::vector<int>& v) {
  return Rcpp::IntegerVector(v.begin(), v.end());
}

// Read one field of a control list into an option of the core.  A missing
// name is a programming error (the *_control() constructor always sets every
// field); an R NULL leaves a std::optional unset.
template <class T>
void read_opt(const Rcpp::List& l, const char* name, T& field) {
  if (!l.containsElementNamed(name))
    throw std::logic_error(std::string("internal: control list lacks '") + name + "'");
  field = Rcpp::as<T>(l[name]);
}

template <class T>
void read_opt(const Rcpp::List& l, const char* name, std::optional<T>& field) {
  if (!l.containsElementNamed(name))
    throw std::logic_error(std::string("internal: control list lacks '") + name + "'");
  SEXP s = l[name];
  if (Rf_isNull(s)) {
    field.reset();
  } else {
    field = Rcpp::as<T>(s);
  }
}

// A solver's status table (newtonr/status.hpp) as a data frame
// (code, name, message): exported by each solver's glue as <solver>_status_cpp().
template <class Table>
Rcpp::DataFrame status_frame(const Table& table) {
  Rcpp::IntegerVector code;
  Rcpp::CharacterVector name, message;
  for (const newtonr::StatusInfo& row : table) {
    code.push_back(row.code);
    name.push_back(row.name);
    message.push_back(row.message);
  }
  return Rcpp::DataFrame::create(Rcpp::Named("code") = code, Rcpp::Named("name") = name,
                                 Rcpp::Named("message") = message,
                                 Rcpp::Named("stringsAsFactors") = false);
}

}  // namespace newtonr_glue
