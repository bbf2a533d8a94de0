test_that("build info reports OpenMP and Eigen", {
  info <- newtonr_build_info()
  expect_type(info$openmp, "logical")
  expect_true(info$max_threads >= 1L)
  expect_match(info$eigen_version, "^[0-9]+\\.[0-9]+\\.[0-9]+$")
})
