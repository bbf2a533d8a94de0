// newtonr/optim.hpp -- minimisation by Newton's method and its relatives,
// unconstrained or in a box; the core of newton_optim().  This umbrella header includes the
// pieces in optim/:
//   options.hpp      OptimOptions (validate()), OptimStatus and its table,
//                    OptimFunctions, OptimResult and its trace
//   evaluator.hpp    OptimEvaluator: scaling, counting, finite differences
//                    (fd.hpp) for missing derivatives
//   state.hpp        OptimState (x, f, g, H of the iteration) and the method
//                    interface OptimStepper
//   driver.hpp       optimize(): start, stopping tests, trace, divergence
//                    guards; no branch on the method
//   endpoint.hpp,    the verdict: classification of the end point from the
//   classify.hpp     Hessian's eigenvalues, honest statuses, derivative checks
//   line_step.hpp    line-search methods: direction + step-length policy
//                    (Armijo, strong Wolfe, fixed; linesearch.hpp)
//   newton.hpp       "newton": Cholesky / H + tau I (N&W Alg. 3.3) / H +
//                    shift I; pure Newton (line_search = false); the
//                    negative-curvature escape from saddle points
//   trust_region.hpp "trust": N&W Alg. 4.1 on trust.hpp's subproblem solvers
//   newton_cg.hpp    "newton-cg": truncated Newton-CG (N&W Alg. 7.1)
//   cg.hpp           the truncated CG loop (Newton-CG and Steihaug)
//   bfgs.hpp         "bfgs": N&W Alg. 6.1; the BFGS update
//   lbfgs.hpp        "lbfgs": two-loop recursion (N&W Alg. 7.4/7.5)
//   gd.hpp           "gd": backtracking, or a fixed learning rate
//   methods.hpp      OptimMethod -> its unit
// With bounds (issue 16; OptimOptions::lower/upper, some entry finite):
//   box_driver.hpp   the loop inside the box: projected-gradient test,
//                    active-bound trace, reduced-Hessian verdict, escape
//                    from a saddle on a face; make_box_stepper
//   box_tron.hpp     "trust", "newton", "newton-cg": TRON (Lin & More 1999)
//   box_lbfgsb.hpp   "bfgs", "lbfgs": L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995)
//   box_gd.hpp       "gd": projected gradient, projected Armijo search
//   (../bounds.hpp holds the building blocks, ../fd.hpp the differences
//   that stay in the box)
//
// Saddle points: Newton and Trust never stop where H has a clearly negative
// eigenvalue; they step along the eigenvector of the most negative one.
// Every method classifies the final point from the eigenvalues of H and
// reports a non-minimum as a status, never as success.
#pragma once

#include "optim/driver.hpp"
