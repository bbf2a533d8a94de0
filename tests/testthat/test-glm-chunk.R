# test-glm-chunk.R -- newton_glm(data = function(reset)) (bigglm's protocol):
# regression tests of the chunk-path audit (issue 18).  Each case a defect
# the audit found, checked against stats::glm() on the same rows bound
# together (an independent reference) or against a clear error.

chunk_src <- function(chunks) {
  i <- 0
  function(reset = FALSE) {
    if (reset) { i <<- 0; return(invisible(NULL)) }
    i <<- i + 1
    if (i > length(chunks)) NULL else chunks[[i]]
  }
}

chunk_data <- function(n = 600, seed = 18) {
  set.seed(seed)
  d <- data.frame(x1 = rnorm(n), x2 = runif(n), g = factor(sample(letters[1:4], n, TRUE)),
                  off = rnorm(n, 0, 0.1), w = sample(c(0, 1, 2, 3.5), n, TRUE))
  eta <- 0.3 + 0.5 * d$x1 - 0.4 * d$x2 + 0.2 * (d$g == "b")
  d$yb <- rbinom(n, 1, plogis(eta))
  d$yp <- rpois(n, exp(eta + d$off))
  d$yq <- d$yb * 0.7
  d
}

chunk_split <- function(d, sizes = c(100, 250, 50, 200)) unname(split(d, rep(seq_along(sizes), sizes)))

test_that("chunks: a source that returns other rows on a later pass is an error, never a fit", {
  # was: each pass fitted whatever rows came (a converged fit of a mixture)
  d <- chunk_data()
  rnd <- local({
    i <- 0
    function(reset = FALSE) {
      if (reset) { i <<- 0; return(invisible(NULL)) }
      i <<- i + 1
      if (i > 3) NULL else d[sample(nrow(d), 200), ]
    }
  })
  expect_error(newton_glm(yb ~ x1 + g, binomial, data = rnd), "'data' returned other rows .*on a later pass")
  # one more row on every pass
  grow <- local({
    k <- 100
    i <- 0
    function(reset = FALSE) {
      if (reset) { i <<- 0; k <<- k + 1; return(invisible(NULL)) }
      i <<- i + 1
      if (i > 2) NULL else d[(i - 1) * 300 + seq_len(k), ]
    }
  })
  expect_error(newton_glm(yb ~ x1 + g, binomial, data = grow), "'data' returned .* rows, not")
  # the same rows in a different chunking on each pass are the same rows: a fit
  rot <- local({
    s <- 0
    i <- 0
    function(reset = FALSE) {
      if (reset) { i <<- 0; s <<- s + 7; return(invisible(NULL)) }
      i <<- i + 1
      if (i > 3) NULL else d[((i - 1) * 200 + seq_len(200) + s - 1) %% nrow(d) + 1, ]
    }
  })
  expect_equal(coef(newton_glm(yb ~ x1 + g, binomial, data = rot)), coef(glm(yb ~ x1 + g, binomial, d)),
               tolerance = 1e-8)
})

test_that("chunks: a source that never returns NULL is stopped", {
  # was: an endless loop
  d <- chunk_data()
  same <- function(reset = FALSE) if (reset) invisible(NULL) else d[1:50, ]
  expect_error(newton_glm(yb ~ x1, binomial, data = same), "'data' returned the same chunk 1000 times")
  # ends on the first pass, never on the later ones: bounded by the first pass's count
  ends_once <- local({
    pass <- 0
    i <- 0
    function(reset = FALSE) {
      if (reset) { pass <<- pass + 1; i <<- 0; return(invisible(NULL)) }
      i <<- i + 1
      if (pass == 1 && i > 3) NULL else d[(i %% 3) * 200 + 1:200, ]
    }
  })
  expect_error(newton_glm(yb ~ x1, binomial, data = ends_once), "'data' returned more chunks on a later pass than the 3")
})

test_that("chunks: a later chunk with a missing or retyped column is an error naming it", {
  # was: a column missing from a chunk was taken from the formula's
  # environment (a silent fit on other values); a retyped one gave a
  # model-matrix mismatch or a wrong fit
  d <- chunk_data()
  ch <- chunk_split(d)
  x2 <- rev(d$x2[1:50])  # a variable of the same name in the caller
  ch3 <- ch
  ch3[[3]]$x2 <- NULL
  expect_error(newton_glm(yb ~ x1 + x2, binomial, data = chunk_src(ch3)), "'data' .*chunk 3.*'x2'")
  ch3 <- ch
  ch3[[3]]$x1 <- as.character(ch3[[3]]$x1)
  expect_error(newton_glm(yb ~ x1 + x2, binomial, data = chunk_src(ch3)), "'data' .*chunk 3.*'x1' is categorical")
  ch3 <- ch
  ch3[[3]]$g <- as.integer(ch3[[3]]$g)
  expect_error(newton_glm(yb ~ x1 + g, binomial, data = chunk_src(ch3)), "'data' .*chunk 3.*'g' is numeric")
  # integer in one chunk, double in another; logical and numeric response: glm on rbind
  ch4 <- ch
  ch4[[2]]$yb <- ch4[[2]]$yb == 1
  ch4[[1]]$x1 <- round(ch4[[1]]$x1)
  ch4[[1]]$x1 <- as.integer(ch4[[1]]$x1)
  ref <- glm(yb ~ x1 + g, binomial, do.call(rbind, ch4))
  expect_equal(coef(newton_glm(yb ~ x1 + g, binomial, data = chunk_src(ch4))), coef(ref), tolerance = 1e-8)
})

test_that("chunks: an error inside the source names 'data', the pass and the chunk", {
  d <- chunk_data()
  ch <- chunk_split(d)
  calls <- 0
  late <- local({
    i <- 0
    function(reset = FALSE) {
      calls <<- calls + 1
      if (calls > 30) stop("connection lost")
      if (reset) { i <<- 0; return(invisible(NULL)) }
      i <<- i + 1
      if (i > length(ch)) NULL else ch[[i]]
    }
  })
  expect_error(newton_glm(yb ~ x1, binomial, data = late), "'data' failed in data\\(.*\\) on pass [0-9]+.*connection lost")
  expect_error(newton_glm(yb ~ x1, binomial, data = chunk_src(list(ch[[1]], as.matrix(ch[[2]])))),
               "'data' must return data.frames or NULL.*chunk 2")
})

test_that("chunks: a term computed from all the rows (poly, scale) is refused, not computed per chunk", {
  # was: poly(x1, 2) / scale(x1) evaluated chunk by chunk (a different basis
  # in each chunk: a converged fit of the wrong model)
  d <- chunk_data()
  ch <- chunk_src(chunk_split(d))
  expect_error(newton_glm(yp ~ poly(x1, 2), poisson, data = ch), "'formula' term poly\\(x1, 2\\) depends on all the rows")
  expect_error(newton_glm(yp ~ scale(x1) + x2, poisson, data = ch), "'formula' term scale\\(x1\\) depends")
  # row-wise transformations are fine
  ref <- glm(yp ~ log(x2) + I(x1^2) + g, poisson, d)
  expect_equal(coef(newton_glm(yp ~ log(x2) + I(x1^2) + g, poisson, data = ch)), coef(ref), tolerance = 1e-8)
  # poly with fixed coefficients is row-wise
  pc <- attr(poly(d$x1, 2), "coefs")
  ref <- glm(yp ~ poly(x1, 2, coefs = pc), poisson, d)
  expect_equal(unname(coef(newton_glm(yp ~ poly(x1, 2, coefs = pc), poisson, data = ch))), unname(coef(ref)),
               tolerance = 1e-8)
})

test_that("chunks: quasi(variance = \"mu\") fits (was: no native implementation)", {
  d <- chunk_data()
  fam <- quasi(link = "log", variance = "mu")
  ref <- glm(yp ~ x1 + g, fam, d)
  fit <- newton_glm(yp ~ x1 + g, fam, data = chunk_src(chunk_split(d)))
  expect_equal(coef(fit), coef(ref), tolerance = 1e-8)
  expect_equal(summary(fit)$coefficients, summary(ref)$coefficients, tolerance = 1e-8)
})

test_that("chunks: glm's warnings, once each", {
  d <- chunk_data()
  # was: "non-integer #successes" once per chunk and pass
  w <- character()
  withCallingHandlers(newton_glm(yq ~ x1, binomial, data = chunk_src(chunk_split(d))),
                      warning = function(c) { w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") })
  expect_identical(w, "non-integer #successes in a binomial glm!")
  # was: no warning at all on separated data (glm warns of fitted probabilities 0 or 1)
  ds <- data.frame(x = c(-3:-1, 1:3, -2, 2), y = c(0, 0, 0, 1, 1, 1, 0, 1))
  expect_warning(glm(y ~ x, binomial, ds), "fitted probabilities numerically 0 or 1 occurred")
  w <- character()
  fit <- withCallingHandlers(newton_glm(y ~ x, binomial, data = chunk_src(list(ds[1:4, ], ds[5:8, ]))),
                             warning = function(c) { w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") })
  expect_true(any(grepl("fitted probabilities numerically 0 or 1 occurred", w)))
  expect_true(any(grepl("coefficients of x diverge", w)))
  # quasi-complete separation (z = 1 in one row, y = 1 there): the in-memory path names z
  dq <- data.frame(x = 1:10, y = c(0, 0, 0, 0, 1, 0, 1, 1, 1, 1), z = c(rep(0, 9), 1))
  expect_warning(newton_glm(y ~ x + z, binomial, data = dq), "coefficients of z diverge")
  expect_warning(newton_glm(y ~ x + z, binomial, data = chunk_src(list(dq[1:5, ], dq[6:10, ]))),
                 "coefficients of z diverge")
  # Poisson rates numerically 0 (a row far out on x with y = 0)
  dz <- data.frame(x = c(-40, 0.1, 0.5, 1, 1.5, 2), y = c(0, 1, 2, 3, 4, 8))
  expect_warning(ref <- glm(y ~ x, poisson, dz), "fitted rates numerically 0 occurred")
  expect_warning(fit <- newton_glm(y ~ x, poisson, data = chunk_src(list(dz[1:3, ], dz[4:6, ]))),
                 "fitted rates numerically 0 occurred")
  expect_equal(coef(fit), coef(ref), tolerance = 1e-8)
  # no such warnings on ordinary data
  expect_no_warning(newton_glm(yb ~ x1 + g, binomial, data = chunk_src(chunk_split(d))))
})

test_that("chunks: predict() adds the offset argument evaluated in newdata, as predict.glm", {
  # was: predictions without the offset given as newton_glm(offset = )
  d <- chunk_data()
  ref <- glm(yp ~ x1 + g, poisson, d, offset = off)
  fit <- newton_glm(yp ~ x1 + g, poisson, data = chunk_src(chunk_split(d)), offset = off)
  nd <- d[c(3, 77, 400), ]
  expect_equal(predict(fit, nd, se.fit = TRUE)[1:2], predict(ref, nd, se.fit = TRUE)[1:2], tolerance = 1e-8)
  expect_equal(predict(fit, nd, type = "response"), predict(ref, nd, type = "response"), tolerance = 1e-8)
})

test_that("chunks: unused factor levels and levels only on NA rows are dropped, as glm drops them", {
  # was: a column of zeros per unused level (an NA coefficient glm does not have)
  d <- chunk_data()
  d$g <- factor(d$g, levels = c(letters[1:4], "zz"))
  d$x1[d$g == "d"] <- NA  # level d only on rows na.omit drops
  ref <- glm(yb ~ x1 + g, binomial, d)
  fit <- newton_glm(yb ~ x1 + g, binomial, data = chunk_src(chunk_split(d)))
  expect_equal(coef(fit), coef(ref), tolerance = 1e-8)
  expect_equal(fit$xlevels, ref$xlevels)
  expect_equal(fit$df.residual, ref$df.residual)
})

test_that("chunks: glm on the bound rows, across families, weights with zeros, offsets, NA, 1-row and empty chunks", {
  d <- chunk_data()
  d$yg <- rgamma(nrow(d), 2, 2 / exp(0.2 + 0.3 * d$x1))
  d$x2[c(5, 300)] <- NA
  ch <- chunk_split(d)
  ch <- c(ch[1], list(d[0, ]), lapply(1:5, function(i) ch[[2]][i, ]), list(ch[[2]][-(1:5), ]), ch[3:4])
  src <- chunk_src(ch)
  cases <- list(list(yb ~ x1 + x2 + g, binomial(), NULL), list(yb ~ x1 + g, binomial("cloglog"), NULL),
                list(yp ~ x1 + x2 + g + offset(off), poisson(), "w"), list(yg ~ x1 + x2, Gamma("log"), NULL),
                list(yg ~ x1 * g, gaussian(), "w"))
  for (cs in cases) {
    cl <- function(fun, data) {
      a <- list(fun, cs[[1]], family = cs[[2]], data = data)
      if (!is.null(cs[[3]])) a$weights <- as.name(cs[[3]])
      eval(as.call(a))
    }
    ref <- cl(quote(glm), d)
    fit <- cl(quote(newton_glm), src)
    lab <- paste(format(cs[[1]]), cs[[2]]$family)
    expect_equal(coef(fit), coef(ref), tolerance = 1e-8, label = lab)
    expect_equal(deviance(fit), deviance(ref), tolerance = 1e-8, label = lab)
    expect_equal(fit$iter, ref$iter, label = lab)
    expect_equal(summary(fit)$coefficients, suppressWarnings(summary(ref))$coefficients, tolerance = 1e-7,
                 label = lab)
    expect_equal(AIC(fit), AIC(ref), tolerance = 1e-8, label = lab)
    expect_equal(fit$df.residual, ref$df.residual, label = lab)
  }
})
