# problems-roots.R -- the Alefeld-Potra-Shi collection of scalar root
# problems on a bracket: the 154 instances of ACM TOMS Algorithm 748
# (Alefeld, Potra and Shi 1995), with the intervals and the published roots
# (to 18 digits, as tabulated with SciPy's root-finding benchmarks). The
# functions and their derivatives are written here from the paper's
# formulas; `param` holds the instance's parameters, closed over by fn and
# fprime, which take x only.

# One instance. `make(param)` returns list(fn, fprime) for the parameters.
aps_instance <- function(family, k, make, param, interval, root, note = NULL) {
  fns <- make(param)
  name <- sprintf("aps.%02d.%02d", family, k)
  list(name = name, fn = fns$fn, fprime = fns$fprime, interval = interval, root = root,
       n = 1L, family = family, param = param, note = note)
}

# A family: the same formula over several parameter sets.
aps_family <- function(family, make, params, intervals, roots, note = NULL) {
  m <- length(roots)
  if (!is.list(intervals)) intervals <- rep(list(intervals), m)
  lapply(seq_len(m), function(k) {
    aps_instance(family, k - 1L, make, params[[k]], intervals[[k]], roots[[k]], note)
  })
}

# The collection, built once per session (roots_cache): families 1 to 15 of
# the paper, in three groups.
roots_problem_list <- function() {
  if (!is.null(roots_cache$list)) return(roots_cache$list)
  out <- c(aps_families_01_05(), aps_families_06_10(), aps_families_11_15())
  names(out) <- vapply(out, `[[`, "", "name")
  roots_cache$list <- out
  out
}
roots_cache <- new.env(parent = emptyenv())

# Families 1-5: sin x - x/2, the sum of poles, a x exp(b x), x^n - a, sin x - 1/2.
aps_families_01_05 <- function() {
  c(
    # 1: sin x - x/2
    aps_family(1L, function(p) list(fn = function(x) sin(x) - x / 2,
                                    fprime = function(x) cos(x) - 1 / 2),
               list(NULL), c(pi / 2, pi), 1.89549426703398094e+00),
    # 2: -2 sum_{i=1}^{20} (2i - 5)^2 / (x - i^2)^3, between the poles n^2, (n+1)^2
    aps_family(2L, function(p) {
      i <- 1:20
      w <- (2 * i - 5)^2
      s <- i^2
      list(fn = function(x) -2 * sum(w / (x - s)^3),
           fprime = function(x) 6 * sum(w / (x - s)^4))
    }, as.list(1:10), lapply(1:10, function(n) c(n^2 + 1e-9, (n + 1)^2 - 1e-9)),
    c(3.02291534727305677e+00, 6.68375356080807848e+00, 1.12387016550022114e+01,
      1.96760000806234103e+01, 2.98282273265047557e+01, 4.19061161952894139e+01,
      5.59535958001430913e+01, 7.19856655865877997e+01, 9.00088685391666701e+01,
      1.10026532748330197e+02),
    note = "poles at the squares; f' and f'' are also small at the root"),
    # 3: a x exp(b x)
    aps_family(3L, function(p) {
      a <- p[["a"]]; b <- p[["b"]]
      list(fn = function(x) a * x * exp(b * x),
           fprime = function(x) a * (b * x + 1) * exp(b * x))
    }, list(c(a = -40, b = -1), c(a = -100, b = -2), c(a = -200, b = -3)),
    c(-9, 31), c(0, 0, 0), note = "f varies over hundreds of orders of magnitude on the interval"),
    # 4: x^n - a
    aps_family(4L, function(p) {
      n <- p[["n"]]; a <- p[["a"]]
      list(fn = function(x) x^n - a, fprime = function(x) n * x^(n - 1))
    }, c(lapply(c(4, 6, 8, 10, 12), function(n) c(n = n, a = 0.2)),
         lapply(c(4, 6, 8, 10, 12), function(n) c(n = n, a = 1)),
         lapply(c(8, 10, 12, 14), function(n) c(n = n, a = 1))),
    c(rep(list(c(0, 5)), 10), rep(list(c(-0.95, 4.05)), 4)),
    c(6.68740304976422006e-01, 7.64724491331730039e-01, 8.17765433957942545e-01,
      8.51339922520784609e-01, 8.74485272221167897e-01, rep(1, 9))),
    # 5: sin x - 1/2
    aps_family(5L, function(p) list(fn = function(x) sin(x) - 1 / 2,
                                    fprime = function(x) cos(x)),
               list(NULL), c(0, 1.5), pi / 6)
  )
}

# Families 6-10: exponentials and polynomials with a parameter n.
aps_families_06_10 <- function() {
  c(
    # 6: 2 x e^{-n} - 2 e^{-n x} + 1
    aps_family(6L, function(p) {
      n <- p[["n"]]
      list(fn = function(x) 2 * x * exp(-n) - 2 * exp(-n * x) + 1,
           fprime = function(x) 2 * exp(-n) + 2 * n * exp(-n * x))
    }, lapply(c(1, 2, 3, 4, 5, 20, 40, 60, 80, 100), function(n) c(n = n)), c(0, 1),
    c(4.22477709641236709e-01, 3.06699410483203705e-01, 2.23705457654662959e-01,
      1.71719147519508369e-01, 1.38257155056824066e-01, 3.46573590208538521e-02,
      1.73286795139986315e-02, 1.15524530093324210e-02, 8.66433975699931573e-03,
      6.93147180559945415e-03)),
    # 7: (1 + (1 - n)^2) x - (1 - n x)^2
    aps_family(7L, function(p) {
      n <- p[["n"]]
      list(fn = function(x) (1 + (1 - n)^2) * x - (1 - n * x)^2,
           fprime = function(x) (1 + (1 - n)^2) + 2 * n * (1 - n * x))
    }, lapply(c(5, 10, 20), function(n) c(n = n)), c(0, 1),
    c(3.84025518406218985e-02, 9.90000999800049949e-03, 2.49375003906201174e-03)),
    # 8: x^2 - (1 - x)^n
    aps_family(8L, function(p) {
      n <- p[["n"]]
      list(fn = function(x) x^2 - (1 - x)^n,
           fprime = function(x) 2 * x + n * (1 - x)^(n - 1))
    }, lapply(c(2, 5, 10, 15, 20), function(n) c(n = n)), c(0, 1),
    c(0.5, 3.45954815848242059e-01, 2.45122333753307220e-01, 1.95547623536565629e-01,
      1.64920957276440960e-01)),
    # 9: (1 + (1 - n)^4) x - (1 - n x)^4
    aps_family(9L, function(p) {
      n <- p[["n"]]
      list(fn = function(x) (1 + (1 - n)^4) * x - (1 - n * x)^4,
           fprime = function(x) (1 + (1 - n)^4) + 4 * n * (1 - n * x)^3)
    }, lapply(c(1, 2, 4, 5, 8, 15, 20), function(n) c(n = n)), c(0, 1),
    c(2.75508040999484394e-01, 1.37754020499742197e-01, 1.03052837781564422e-02,
      3.61710817890406339e-03, 4.10872918496395375e-04, 2.59895758929076292e-05,
      7.66859512218533719e-06)),
    # 10: e^{-n x} (x - 1) + x^n
    aps_family(10L, function(p) {
      n <- p[["n"]]
      list(fn = function(x) exp(-n * x) * (x - 1) + x^n,
           fprime = function(x) exp(-n * x) * (1 - n * (x - 1)) + n * x^(n - 1))
    }, lapply(c(1, 5, 10, 15, 20), function(n) c(n = n)), c(0, 1),
    c(4.01058137541547011e-01, 5.16153518757933583e-01, 5.39522226908415781e-01,
      5.48182294340655241e-01, 5.52704666678487833e-01))
  )
}

# Families 11-15: a rational function, roots x^(1/n), the flat x exp(-1/x^2),
# and two piecewise functions (a jump at 0; constant outside a tiny interval).
aps_families_11_15 <- function() {
  c(
    # 11: (n x - 1) / ((n - 1) x)
    aps_family(11L, function(p) {
      n <- p[["n"]]
      list(fn = function(x) (n * x - 1) / ((n - 1) * x),
           fprime = function(x) 1 / ((n - 1) * x^2))
    }, lapply(c(2, 5, 15, 20), function(n) c(n = n)), c(0.01, 1),
    1 / c(2, 5, 15, 20), note = "a pole at 0, just left of the interval"),
    # 12: x^(1/n) - n^(1/n)
    aps_family(12L, function(p) {
      n <- p[["n"]]
      list(fn = function(x) x^(1 / n) - n^(1 / n),
           fprime = function(x) x^((1 - n) / n) / n)
    }, lapply(c(2:7, seq(9, 33, by = 2)), function(n) c(n = n)), c(1, 100),
    c(2:7, seq(9, 33, by = 2))),
    # 13: x e^{-1/x^2}, every derivative zero at the root
    aps_family(13L, function(p) {
      big <- log(.Machine$double.xmax)
      list(fn = function(x) {
        if (x == 0) return(0)
        y <- 1 / x^2
        if (y > big) 0 else x / exp(y)
      }, fprime = function(x) {
        if (x == 0) return(0)
        y <- 1 / x^2
        if (y > big) 0 else (1 + 2 / x^2) / exp(y)
      })
    }, list(NULL), c(-1, 4), 0,
    note = paste("every derivative is 0 at the root, and f is exactly 0 (underflow)",
                 "for |x| < 0.0376: any such point is a root of the computed f")),
    # 14: -n/20 for x <= 0, n/20 (x/1.5 + sin x - 1) for x > 0
    aps_family(14L, function(p) {
      n <- p[["n"]]
      list(fn = function(x) if (x <= 0) -n / 20 else n / 20 * (x / 1.5 + sin(x) - 1),
           fprime = function(x) if (x <= 0) 0 else n / 20 * (1 / 1.5 + cos(x)))
    }, lapply(1:40, function(n) c(n = n)), c(-1000, pi / 2),
    rep(6.23806518961612433e-01, 40),
    note = "constant (f' = 0) for x <= 0, a kink at 0"),
    # 15: exp(500 (n + 1) x) - 1.859 on [0, 0.002 / (n + 1)], constant outside
    aps_family(15L, function(p) {
      n <- p[["n"]]
      top <- 2e-3 / (1 + n)
      list(fn = function(x) {
        if (x < 0) -0.859 else if (x > top) exp(1) - 1.859 else exp((n + 1) * x / 2 * 1000) - 1.859
      }, fprime = function(x) {
        if (x < 0 || x > top) 0 else exp((n + 1) * x / 2 * 1000) * (n + 1) / 2 * 1000
      })
    }, lapply(c(20:40, seq(100, 1000, by = 100)), function(n) c(n = n)), c(-1000, 1e-4),
    c(5.90513055942197166e-05, 5.63671553399369967e-05, 5.39164094555919196e-05,
      5.16698923949422470e-05, 4.96030966991445609e-05, 4.76952852876389951e-05,
      4.59287932399486662e-05, 4.42884791956647841e-05, 4.27612902578832391e-05,
      4.13359139159538030e-05, 4.00024973380198076e-05, 3.87524192962066869e-05,
      3.75781035599579910e-05, 3.64728652199592355e-05, 3.54307833565318273e-05,
      3.44465949299614980e-05, 3.35156058778003705e-05, 3.26336162494372125e-05,
      3.17968568584260013e-05, 3.10019354369653455e-05, 3.02457906702100968e-05,
      1.22779942324615231e-05, 6.16953939044086617e-06, 4.11985852982928163e-06,
      3.09246238772721682e-06, 2.47520442610501789e-06, 2.06335676785127107e-06,
      1.76901200781542651e-06, 1.54816156988591016e-06, 1.37633453660223511e-06,
      1.23883857889971403e-06),
    note = "constant (f' = 0) outside a tiny interval, where f is steep; kinks at its ends")
  )
}
