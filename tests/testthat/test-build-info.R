# newtonr_build_info(): how the package was compiled and what it uses here.
# Expected values come from outside the package: RcppEigen's own headers, the
# CPU flags the operating system reports, and the OpenMP environment
# variables of a child R process.

test_that("build info reports OpenMP, Eigen's version and no Eigen threads", {
  info <- newtonr_build_info()
  expect_type(info$openmp, "logical")
  expect_true(info$max_threads >= 1L)
  expect_true(info$thread_limit >= 1L)
  expect_true(info$glm_threads >= 1L && info$glm_threads <= info$thread_limit)
  # src/Makevars defines EIGEN_DONT_PARALLELIZE: Eigen starts no teams of its own
  expect_false(info$eigen_parallel)
  # the version RcppEigen's headers declare (read from Macros.h directly; not
  # visible under R CMD check --as-cran, which sees only declared dependencies)
  macros <- system.file("include", "Eigen", "src", "Core", "util", "Macros.h",
                        package = "RcppEigen")
  skip_if(!nzchar(macros), "RcppEigen's Macros.h not found")
  m <- readLines(macros)
  ver <- vapply(c("WORLD", "MAJOR", "MINOR"), function(k) {
    sub(".*EIGEN_[A-Z]+_VERSION[[:space:]]+([0-9]+).*", "\\1",
        grep(paste0("#define EIGEN_", k, "_VERSION"), m, value = TRUE)[1])
  }, "")
  expect_identical(info$eigen_version, paste(ver, collapse = "."))
})

test_that("the AVX2 kernel is used exactly when the CPU reports AVX2 and FMA", {
  skip_if_not(file.exists("/proc/cpuinfo"), "no /proc/cpuinfo")
  flags <- grep("^flags[[:space:]]*:", readLines("/proc/cpuinfo", warn = FALSE), value = TRUE)
  skip_if(length(flags) == 0L, "no x86 CPU flags in /proc/cpuinfo")
  f <- strsplit(trimws(sub("^flags[[:space:]]*:", "", flags[1])), "[[:space:]]+")[[1]]
  expect_identical(newtonr_build_info()$glm_simd, all(c("avx2", "fma") %in% f))
})

test_that("OMP_NUM_THREADS and OMP_THREAD_LIMIT size the GLM kernels' team", {
  skip_on_cran()
  skip_if_not(newtonr_build_info()$openmp, "built without OpenMP")
  skip_if(.Platform$OS.type != "unix", "env= of system2 needs a Unix shell")
  # the child sees this process's libraries (R CMD check narrows the site ones)
  lib <- paste(unique(c(dirname(getNamespaceInfo("newtonr", "path")), .libPaths())),
               collapse = .Platform$path.sep)
  code <- "cat(newtonr::newtonr_build_info()$glm_threads)"
  team <- function(env) {
    out <- system2(file.path(R.home("bin"), "Rscript"), c("--vanilla", "-e", shQuote(code)),
                   env = c(paste0("R_LIBS=", shQuote(lib)), env), stdout = TRUE)
    as.integer(out[length(out)])
  }
  expect_identical(team("OMP_NUM_THREADS=3"), 3L)
  expect_identical(team(c("OMP_NUM_THREADS=3", "OMP_THREAD_LIMIT=2")), 2L)
  expect_identical(team(c("OMP_NUM_THREADS=1", "OMP_THREAD_LIMIT=4")), 1L)
})
