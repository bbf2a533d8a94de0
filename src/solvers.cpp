// solvers.cpp -- one translation unit for the small glue files of the
// solvers (build information, numerical derivatives, newton_solve,
// newton_root, newton_optim).  Each included file stays the home of its glue
// and is not compiled on its own (src/Makevars lists OBJECTS); compiling them
// together parses Rcpp's and Eigen's headers once instead of five times
// (compile CPU 145 s -> about 104 s, warnings about 1,079 -> about 709 on
// GCC 12; see README, "Build").  Helpers live in anonymous namespaces: names
// in different files must not clash.
#include "info.cpp"
#include "numderiv.cpp"
#include "solve.cpp"
#include "root.cpp"
#include "optim.cpp"
