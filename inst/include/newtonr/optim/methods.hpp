// newtonr/optim/methods.hpp -- the one place an OptimMethod becomes its unit.
// Adding a method: a class deriving from OptimStepper (or LineSearchStepper
// for a direction plus a step-length policy) in its own header, an enum
// value, and a case here (and the R list optim_methods).
#pragma once

#include "bfgs.hpp"
#include "gd.hpp"
#include "lbfgs.hpp"
#include "newton.hpp"
#include "newton_cg.hpp"
#include "trust_region.hpp"

#include <memory>

namespace newtonr {

inline std::unique_ptr<OptimStepper> make_stepper(OptimMethod m) {
  switch (m) {
    case OptimMethod::Newton: return std::make_unique<NewtonStepper>();
    case OptimMethod::Trust: return std::make_unique<TrustStepper>();
    case OptimMethod::NewtonCG: return std::make_unique<NewtonCGStepper>();
    case OptimMethod::BFGS: return std::make_unique<BFGSStepper>();
    case OptimMethod::LBFGS: return std::make_unique<LBFGSStepper>();
    case OptimMethod::GD: return std::make_unique<GDStepper>();
  }
  throw std::invalid_argument("OptimOptions::method is not a known method");
}

}  // namespace newtonr
