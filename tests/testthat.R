library(testthat)
library(newtonr)

test_check("newtonr")
