test_that("shortest_decimal reproduces Python's repr digits", {
  # strings as Python 3 prints them (repr of the double nearest each literal)
  py <- c("0.6296335078534031", "0.6286680781673306", "21.695121951219512",
          "5.000000000000001", "0.16666666666666785", "0.1", "9.727134419408875")
  expect_identical(shortest_decimal(as.numeric(py)), py)
  expect_identical(shortest_decimal(1/3), "0.3333333333333333")
  expect_identical(shortest_decimal(c(5, -2.5)), c("5", "-2.5"))
  expect_identical(shortest_decimal(c(NA, Inf)), c("NA", "Inf"))
  expect_error(shortest_decimal("a"), "'x' must be numeric")
})
