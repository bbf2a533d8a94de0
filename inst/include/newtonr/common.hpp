// newtonr/common.hpp -- types and small utilities shared by the R-free core.
//
// The core (everything under inst/include/newtonr) depends on Eigen and the
// C++17 standard library only; it never includes R or Rcpp headers.  It
// reports bad arguments by throwing std::invalid_argument, impossible states
// by std::runtime_error, and non-convergence as a status in its result
// structs (never as an exception).  Progress and interrupt checks are
// callbacks handed in by the glue in src/.
#pragma once

#include <Eigen/Dense>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace newtonr {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

// A callable that may throw to abandon a computation (the R glue passes one
// that checks for a user interrupt).  An empty function means "never".
using InterruptCheck = std::function<void()>;

// Calls the interrupt check once every `every` ticks.  Long loops call
// tick() once per iteration (or per block of work); the check itself must
// only run on the main thread, so never tick() inside a parallel region.
class Interrupter {
 public:
  explicit Interrupter(InterruptCheck check = {}, long every = 16)
      : check_(std::move(check)), every_(every > 0 ? every : 1) {}
  void tick() {
    if (check_ && (++count_ % every_ == 0)) check_();
  }
  void now() {
    if (check_) check_();
  }

 private:
  InterruptCheck check_;
  long every_;
  long count_ = 0;
};

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kEps = std::numeric_limits<double>::epsilon();

inline bool is_finite(double x) { return std::isfinite(x); }

}  // namespace newtonr
