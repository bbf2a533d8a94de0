// cpptests/check.hpp -- a minimal assertion kit for newtonr's R-free core
// tests (no test framework dependency: the driver must build anywhere a C++17
// compiler and Eigen are, with sanitizers). Failures are counted and printed;
// main() returns non-zero if any check failed.
#pragma once

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

namespace cpptests {

inline int& failures() {
  static int n = 0;
  return n;
}
inline int& checks() {
  static int n = 0;
  return n;
}

inline void report(bool ok, const char* expr, const char* file, int line, const std::string& info = "") {
  ++checks();
  if (!ok) {
    ++failures();
    std::fprintf(stderr, "FAIL %s:%d: %s %s\n", file, line, expr, info.c_str());
  }
}

// |a - b| <= tol * max(1, |b|)  (relative for large values, absolute near 0)
inline bool near(double a, double b, double tol) {
  return std::isfinite(a) && std::fabs(a - b) <= tol * std::fmax(1.0, std::fabs(b));
}

}  // namespace cpptests

#define CHECK(cond) ::cpptests::report(static_cast<bool>(cond), #cond, __FILE__, __LINE__)
#define CHECK_NEAR(a, b, tol)                                                              \
  do {                                                                                     \
    const double a_ = (a), b_ = (b);                                                       \
    ::cpptests::report(::cpptests::near(a_, b_, (tol)), #a " ~ " #b, __FILE__, __LINE__,   \
                       "(" + std::to_string(a_) + " vs " + std::to_string(b_) + ")");      \
  } while (0)
// The statement throws an exception of type `type` (any other outcome fails).
#define CHECK_THROWS(type, stmt)                                                          \
  do {                                                                                    \
    bool thrown_ = false;                                                                 \
    try {                                                                                 \
      stmt;                                                                               \
    } catch (const type&) {                                                               \
      thrown_ = true;                                                                     \
    } catch (...) {                                                                       \
    }                                                                                     \
    ::cpptests::report(thrown_, "throws " #type ": " #stmt, __FILE__, __LINE__);          \
  } while (0)
