# problems-roots.R -- the Alefeld-Potra-Shi collection of scalar root
# problems on a bracket (filled in by the roots work).
roots_problem_list <- function() list()
