# problems-systems.R -- MINPACK's schedule of square nonlinear systems
# (filled in by the systems work).
systems_problem_list <- function() list()
