# helper-warnings.R -- a value and the messages of the warnings it gave
# (muffled), for tests that compare warnings with glm()'s.
conv_warnings <- function(expr) {
  w <- character()
  val <- withCallingHandlers(expr, warning = function(x) {
    w <<- c(w, conditionMessage(x))
    invokeRestart("muffleWarning")
  })
  list(value = val, warnings = w)
}
