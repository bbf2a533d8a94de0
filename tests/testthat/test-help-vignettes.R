# Issue 15, item 15: the main help pages point to the vignettes that teach
# them, and those vignettes exist in the package sources.
test_that("help pages of the solvers link to their vignettes", {
  db <- tools::Rd_db("newtonr")
  skip_if(length(db) == 0, "help database not available")
  want <- list(newton_root.Rd = "roots", newton_solve.Rd = "roots",
               newton_optim.Rd = "optimisation", compare_methods.Rd = "optimisation",
               newton_glm.Rd = "glm")
  for (page in names(want)) {
    expect_true(page %in% names(db), info = page)
    txt <- paste(capture.output(tools::Rd2txt(db[[page]], fragment = FALSE)), collapse = "\n")
    expect_match(txt, sprintf("vignette(\"%s\", package = \"newtonr\")", want[[page]]), fixed = TRUE,
                 info = page)
  }
})
