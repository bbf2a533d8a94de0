// newtonr/status.hpp -- one convention for solver statuses.
//
// Each solver declares `enum class <Solver>Status : int` and, beside it, one
// table of StatusInfo rows (code, name, message).  That table is the only
// place a status is worded: the glue exports it (newtonr_glue::status_frame)
// so that R maps codes to messages with it, and the help pages print it
// (R/status.R, status_rd()).  Codes that optim() uses keep optim's meaning
// (0 converged, 1 iteration limit); no code reuses one of optim's other
// codes (10, 51, 52) with a different meaning.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace newtonr {

struct StatusInfo {
  int code;             // the integer R sees (e.g. $convergence)
  const char* name;     // a short identifier, e.g. "converged"
  const char* message;  // one sentence for print() and the help page
};

// The row of `table` for status `s` (an enum class whose values are codes).
template <class Table, class E>
const StatusInfo& status_info(const Table& table, E s) {
  for (const StatusInfo& row : table)
    if (row.code == static_cast<int>(s)) return row;
  throw std::logic_error("internal: status code " + std::to_string(static_cast<int>(s)) +
                         " has no row in its table");
}

}  // namespace newtonr
