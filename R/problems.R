# problems.R -- standard unconstrained test problems (Moré, Garbow &
# Hillstrom 1981) with analytic gradients and Hessians, for tests and
# benchmarks of the minimisers.
#
# Each small problem is a sum of squares f(x) = sum_i r_i(x)^2, so it is
# given by its residuals r, their Jacobian J and the curvature term
# S(x) = sum_i r_i(x) * Hess(r_i)(x); then grad f = 2 J'r and
# Hess f = 2 (J'J + S), exactly (not the Gauss-Newton approximation).

# Build a problem from residuals, Jacobian and curvature term.
# `mgh` is the problem's number in Moré, Garbow & Hillstrom (1981); `minimum`
# the lowest published value f* (NA if none is published for this size),
# `argmin` a published minimiser (NULL if none), `local_minima` other
# published stationary values that methods often reach from the start.
lsq_problem <- function(name, resid, jac, curv, par, minimum, argmin, note = NULL,
                        mgh = NA_integer_, local_minima = NULL) {
  jac_named <- jac
  jac <- function(x) unname(jac_named(x))
  fn <- function(x) sum(resid(x)^2)
  gr <- function(x) 2 * drop(crossprod(jac(x), resid(x)))
  hess <- function(x) {
    J <- jac(x)
    S <- curv(x, resid(x))
    2 * crossprod(J) + (S + t(S))     # 2 (J'J + S), exactly symmetric
  }
  hessp <- function(x, v) drop(hess(x) %*% v)
  list(name = name, fn = fn, gr = gr, hess = hess, hessp = hessp, par = par,
       minimum = minimum, argmin = argmin, n = length(par), note = note,
       mgh = as.integer(mgh), m = length(resid(par)), local_minima = local_minima)
}

problem_rosenbrock <- function() {
  lsq_problem(
    "rosenbrock",
    resid = function(x) c(10 * (x[2] - x[1]^2), 1 - x[1]),
    jac = function(x) rbind(c(-20 * x[1], 10), c(-1, 0)),
    curv = function(x, r) matrix(c(-20 * r[1], 0, 0, 0), 2, 2),
    par = c(-1.2, 1), minimum = 0, argmin = c(1, 1), mgh = 1
  )
}

problem_freudenstein_roth <- function() {
  lsq_problem(
    "freudenstein_roth",
    resid = function(x) c(-13 + x[1] + ((5 - x[2]) * x[2] - 2) * x[2],
                          -29 + x[1] + ((x[2] + 1) * x[2] - 14) * x[2]),
    jac = function(x) rbind(c(1, 10 * x[2] - 3 * x[2]^2 - 2),
                            c(1, 3 * x[2]^2 + 2 * x[2] - 14)),
    curv = function(x, r) matrix(c(0, 0, 0, r[1] * (10 - 6 * x[2]) + r[2] * (6 * x[2] + 2)),
                                 2, 2),
    par = c(0.5, -2), minimum = 0, argmin = c(5, 4), mgh = 2, local_minima = 48.9842536,
    note = paste("has a local minimum f = 48.98425 at (11.41, -0.8968),",
                 "where most methods stop from the standard start")
  )
}

problem_brown_badly_scaled <- function() {
  lsq_problem(
    "brown_badly_scaled",
    resid = function(x) c(x[1] - 1e6, x[2] - 2e-6, x[1] * x[2] - 2),
    jac = function(x) rbind(c(1, 0), c(0, 1), c(x[2], x[1])),
    curv = function(x, r) matrix(c(0, r[3], r[3], 0), 2, 2),
    par = c(1, 1), minimum = 0, argmin = c(1e6, 2e-6), mgh = 4
  )
}

problem_beale <- function() {
  y <- c(1.5, 2.25, 2.625)
  i <- 1:3
  lsq_problem(
    "beale",
    resid = function(x) y - x[1] * (1 - x[2]^i),
    jac = function(x) cbind(-(1 - x[2]^i), x[1] * i * x[2]^(i - 1)),
    curv = function(x, r) {
      h12 <- sum(r * i * x[2]^(i - 1))
      h22 <- sum(r * x[1] * i * (i - 1) * x[2]^pmax(i - 2, 0))
      matrix(c(0, h12, h12, h22), 2, 2)
    },
    par = c(1, 1), minimum = 0, argmin = c(3, 0.5), mgh = 5
  )
}

problem_helical_valley <- function() {
  # theta = atan(x2 / x1) / (2 pi), shifted by 1/2 for x1 < 0 (MGH's branch);
  # its derivatives are those of atan2(x2, x1) / (2 pi).
  theta <- function(x) {
    if (x[1] > 0) atan(x[2] / x[1]) / (2 * pi)
    else if (x[1] < 0) atan(x[2] / x[1]) / (2 * pi) + 0.5
    else 0.25 * sign(x[2])
  }
  c2 <- 1 / (2 * pi)
  lsq_problem(
    "helical_valley",
    resid = function(x) c(10 * (x[3] - 10 * theta(x)), 10 * (sqrt(x[1]^2 + x[2]^2) - 1), x[3]),
    jac = function(x) {
      s <- x[1]^2 + x[2]^2
      rho <- sqrt(s)
      rbind(c(100 * c2 * x[2] / s, -100 * c2 * x[1] / s, 10),
            c(10 * x[1] / rho, 10 * x[2] / rho, 0),
            c(0, 0, 1))
    },
    curv = function(x, r) {
      s <- x[1]^2 + x[2]^2
      rho <- sqrt(s)
      th <- c2 / s^2 * matrix(c(2 * x[1] * x[2], x[2]^2 - x[1]^2,
                                x[2]^2 - x[1]^2, -2 * x[1] * x[2]), 2, 2)
      rh <- matrix(c(x[2]^2, -x[1] * x[2], -x[1] * x[2], x[1]^2), 2, 2) / rho^3
      S <- matrix(0, 3, 3)
      S[1:2, 1:2] <- r[1] * (-100 * th) + r[2] * 10 * rh
      S
    },
    par = c(-1, 0, 0), minimum = 0, argmin = c(1, 0, 0), mgh = 7
  )
}

problem_powell_singular <- function() {
  v <- c(0, 1, -2, 0)
  w <- c(1, 0, 0, -1)
  lsq_problem(
    "powell_singular",
    resid = function(x) c(x[1] + 10 * x[2], sqrt(5) * (x[3] - x[4]),
                          (x[2] - 2 * x[3])^2, sqrt(10) * (x[1] - x[4])^2),
    jac = function(x) rbind(c(1, 10, 0, 0), sqrt(5) * c(0, 0, 1, -1),
                            2 * (x[2] - 2 * x[3]) * v, 2 * sqrt(10) * (x[1] - x[4]) * w),
    curv = function(x, r) r[3] * 2 * tcrossprod(v) + r[4] * 2 * sqrt(10) * tcrossprod(w),
    par = c(3, -1, 0, 1), minimum = 0, argmin = c(0, 0, 0, 0), mgh = 13,
    note = "the Hessian is singular at the minimiser, so convergence is only linear"
  )
}

problem_wood <- function() {
  lsq_problem(
    "wood",
    resid = function(x) c(10 * (x[2] - x[1]^2), 1 - x[1], sqrt(90) * (x[4] - x[3]^2),
                          1 - x[3], sqrt(10) * (x[2] + x[4] - 2), (x[2] - x[4]) / sqrt(10)),
    jac = function(x) rbind(c(-20 * x[1], 10, 0, 0), c(-1, 0, 0, 0),
                            c(0, 0, -2 * sqrt(90) * x[3], sqrt(90)), c(0, 0, -1, 0),
                            c(0, sqrt(10), 0, sqrt(10)), c(0, 1, 0, -1) / sqrt(10)),
    curv = function(x, r) diag(c(-20 * r[1], 0, -2 * sqrt(90) * r[3], 0)),
    par = c(-3, -1, -3, -1), minimum = 0, argmin = c(1, 1, 1, 1), mgh = 14
  )
}

# Extended Rosenbrock (MGH problem 21): n/2 uncoupled Rosenbrock pairs.
# Everything is vectorised; the Hessian is block diagonal (2 x 2 blocks), so
# hessp() gives H v in O(n) without forming H.
problem_extended_rosenbrock <- function(n) {
  if (is.null(n)) n <- 10L
  check_number(n, "n", lower = 2, integer = TRUE)
  if (n %% 2 != 0) stop_arg("n", "must be even for 'extended_rosenbrock', not %d", n)
  n <- as.integer(n)
  o <- seq.int(1L, n, by = 2L)
  e <- o + 1L
  fn <- function(x) {
    xo <- x[o]
    sum(100 * (x[e] - xo^2)^2 + (1 - xo)^2)
  }
  gr <- function(x) {
    xo <- x[o]
    t <- x[e] - xo^2
    g <- numeric(n)
    g[o] <- -400 * xo * t - 2 * (1 - xo)
    g[e] <- 200 * t
    g
  }
  blocks <- function(x) {
    xo <- x[o]
    list(oo = 1200 * xo^2 - 400 * x[e] + 2, oe = -400 * xo)
  }
  hess <- function(x) {
    b <- blocks(x)
    H <- matrix(0, n, n)
    H[cbind(o, o)] <- b$oo
    H[cbind(o, e)] <- b$oe
    H[cbind(e, o)] <- b$oe
    H[cbind(e, e)] <- 200
    H
  }
  hessp <- function(x, v) {
    b <- blocks(x)
    out <- numeric(n)
    out[o] <- b$oo * v[o] + b$oe * v[e]
    out[e] <- b$oe * v[o] + 200 * v[e]
    out
  }
  par <- rep(c(-1.2, 1), n / 2)
  list(name = "extended_rosenbrock", fn = fn, gr = gr, hess = hess, hessp = hessp,
       par = par, minimum = 0, argmin = rep(1, n), n = n,
       note = "the dense Hessian costs n^2 memory; use hessp() for large n",
       mgh = 21L, m = n, local_minima = NULL)
}

# ---- the rest of the Moré-Garbow-Hillstrom collection ----------------------
# Each below is transcribed from the problem statements of the paper (section
# 3), with the residuals' Jacobian and the exact curvature term derived by
# hand. Data sets (Bard, Gaussian, Meyer, Kowalik-Osborne, Osborne 1 and 2)
# are those printed in the paper.

problem_powell_badly_scaled <- function() {
  lsq_problem(
    "powell_badly_scaled",
    resid = function(x) c(1e4 * x[1] * x[2] - 1, exp(-x[1]) + exp(-x[2]) - 1.0001),
    jac = function(x) rbind(c(1e4 * x[2], 1e4 * x[1]), c(-exp(-x[1]), -exp(-x[2]))),
    curv = function(x, r) {
      matrix(c(r[2] * exp(-x[1]), 1e4 * r[1], 1e4 * r[1], r[2] * exp(-x[2])), 2, 2)
    },
    par = c(0, 1), minimum = 0, argmin = NULL, mgh = 3,
    note = "f* = 0 at (1.098...e-5, 9.106...); the minimiser is not given in closed form"
  )
}

problem_jennrich_sampson <- function() {
  i <- 1:10
  lsq_problem(
    "jennrich_sampson",
    resid = function(x) 2 + 2 * i - exp(i * x[1]) - exp(i * x[2]),
    jac = function(x) cbind(-i * exp(i * x[1]), -i * exp(i * x[2])),
    curv = function(x, r) diag(c(-sum(r * i^2 * exp(i * x[1])), -sum(r * i^2 * exp(i * x[2])))),
    par = c(0.3, 0.4), minimum = 124.362, argmin = NULL, mgh = 6,
    note = "m = 10; f* = 124.362 at x1 = x2 = 0.2578 (published to 4 digits only)"
  )
}

problem_bard <- function() {
  y <- c(0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34,
         2.10, 4.39)
  u <- 1:15
  v <- 16 - u
  w <- pmin(u, v)
  lsq_problem(
    "bard",
    resid = function(x) y - (x[1] + u / (v * x[2] + w * x[3])),
    jac = function(x) {
      d2 <- (v * x[2] + w * x[3])^2
      cbind(-1, u * v / d2, u * w / d2)
    },
    curv = function(x, r) {
      a <- -2 * r * u / (v * x[2] + w * x[3])^3
      S <- matrix(0, 3, 3)
      S[2, 2] <- sum(a * v^2)
      S[2, 3] <- S[3, 2] <- sum(a * v * w)
      S[3, 3] <- sum(a * w^2)
      S
    },
    par = c(1, 1, 1), minimum = 8.21487e-3, argmin = NULL, mgh = 8, local_minima = 17.4286,
    note = "m = 15; also f = 17.4286 at (0.8406, -Inf, -Inf)"
  )
}

problem_gaussian <- function() {
  y <- c(0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989)
  y <- c(y, rev(y[-8]))
  t <- (8 - 1:15) / 2
  lsq_problem(
    "gaussian",
    resid = function(x) x[1] * exp(-x[2] * (t - x[3])^2 / 2) - y,
    jac = function(x) {
      d <- t - x[3]
      E <- exp(-x[2] * d^2 / 2)
      cbind(E, -x[1] * d^2 * E / 2, x[1] * x[2] * d * E)
    },
    curv = function(x, r) {
      d <- t - x[3]
      q <- d^2
      rE <- r * exp(-x[2] * q / 2)
      S <- matrix(0, 3, 3)
      S[1, 2] <- S[2, 1] <- -sum(rE * q) / 2
      S[1, 3] <- S[3, 1] <- x[2] * sum(rE * d)
      S[2, 2] <- x[1] * sum(rE * q^2) / 4
      S[2, 3] <- S[3, 2] <- x[1] * sum(rE * d * (1 - x[2] * q / 2))
      S[3, 3] <- x[1] * x[2] * sum(rE * (x[2] * q - 1))
      S
    },
    par = c(0.4, 1, 0), minimum = 1.12793e-8, argmin = NULL, mgh = 9,
    note = "m = 15"
  )
}

problem_meyer <- function() {
  y <- c(34780, 28610, 23650, 19630, 16370, 13720, 11540, 9744, 8261, 7030, 6005, 5147,
         4427, 3820, 3307, 2872)
  t <- 45 + 5 * (1:16)
  lsq_problem(
    "meyer",
    resid = function(x) x[1] * exp(x[2] / (t + x[3])) - y,
    jac = function(x) {
      s <- t + x[3]
      E <- exp(x[2] / s)
      cbind(E, x[1] * E / s, -x[1] * x[2] * E / s^2)
    },
    curv = function(x, r) {
      s <- t + x[3]
      rE <- r * exp(x[2] / s)
      S <- matrix(0, 3, 3)
      S[1, 2] <- S[2, 1] <- sum(rE / s)
      S[1, 3] <- S[3, 1] <- -x[2] * sum(rE / s^2)
      S[2, 2] <- x[1] * sum(rE / s^2)
      S[2, 3] <- S[3, 2] <- -x[1] * sum(rE * (x[2] + s) / s^3)
      S[3, 3] <- x[1] * x[2] * sum(rE * (x[2] + 2 * s) / s^4)
      S
    },
    par = c(0.02, 4000, 250), minimum = 87.9458, argmin = NULL, mgh = 10,
    note = paste("m = 16; f* = 87.9458 at about (0.0056, 6181, 345); very badly scaled",
                 "(f(x0) = 1.7e9), the classic hard case")
  )
}

problem_gulf <- function() {
  m <- 10
  t <- (1:m) / 100
  y <- 25 + (-50 * log(t))^(2 / 3)
  parts <- function(x) {
    d <- y - x[2]
    a <- abs(d)
    P <- a^x[3]
    list(sg = sign(d), a = a, L = log(a), P = P, E = exp(-P / x[1]))
  }
  lsq_problem(
    "gulf",
    resid = function(x) exp(-abs(y - x[2])^x[3] / x[1]) - t,
    jac = function(x) {
      p <- parts(x)
      # r = E - t with E = exp(-g), g = P / x1: dr = -E dg
      -p$E * cbind(-p$P / x[1]^2, -x[3] * p$P * p$sg / (p$a * x[1]), p$P * p$L / x[1])
    },
    curv = function(x, r) {
      p <- parts(x)
      x1 <- x[1]
      x3 <- x[3]
      g <- cbind(-p$P / x1^2, -x3 * p$P * p$sg / (p$a * x1), p$P * p$L / x1)
      # Hess(r_i) = E (dg dg' - Hess g)
      hg <- list(c(1, 1, 2 * p$P / x1^3),
                 c(1, 2, x3 * p$P * p$sg / (p$a * x1^2)),
                 c(1, 3, -p$P * p$L / x1^2),
                 c(2, 2, x3 * (x3 - 1) * p$P / (p$a^2 * x1)),
                 c(2, 3, -p$sg * p$P * (1 + x3 * p$L) / (p$a * x1)),
                 c(3, 3, p$P * p$L^2 / x1))
      w <- r * p$E
      S <- crossprod(g * w, g)
      for (h in hg) {
        j <- h[1]
        k <- h[2]
        v <- sum(w * h[-(1:2)])
        S[j, k] <- S[j, k] - v
        if (j != k) S[k, j] <- S[k, j] - v
      }
      S
    },
    par = c(5, 2.5, 0.15), minimum = 0, argmin = c(50, 25, 1.5), mgh = 11,
    note = paste("n = 3, m = 10 (the paper allows 3 <= m <= 100; some codes use 99);",
                 "the paper's 'y_i mi x_2' reads y_i - x_2")
  )
}

problem_box_3d <- function() {
  t <- 0.1 * (1:10)
  cc <- exp(-t) - exp(-10 * t)
  lsq_problem(
    "box_3d",
    resid = function(x) exp(-t * x[1]) - exp(-t * x[2]) - x[3] * cc,
    jac = function(x) cbind(-t * exp(-t * x[1]), t * exp(-t * x[2]), -cc),
    curv = function(x, r) {
      diag(c(sum(r * t^2 * exp(-t * x[1])), -sum(r * t^2 * exp(-t * x[2])), 0))
    },
    par = c(0, 10, 20), minimum = 0, argmin = c(1, 10, 1), mgh = 12,
    note = "m = 10; f* = 0 also at (10, 1, -1) and wherever x1 = x2, x3 = 0"
  )
}

problem_kowalik_osborne <- function() {
  y <- c(0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235,
         0.0246)
  u <- c(4, 2, 1, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625)
  lsq_problem(
    "kowalik_osborne",
    resid = function(x) y - x[1] * (u^2 + u * x[2]) / (u^2 + u * x[3] + x[4]),
    jac = function(x) {
      N <- u^2 + u * x[2]
      D <- u^2 + u * x[3] + x[4]
      cbind(-N / D, -x[1] * u / D, x[1] * N * u / D^2, x[1] * N / D^2)
    },
    curv = function(x, r) {
      N <- u^2 + u * x[2]
      D <- u^2 + u * x[3] + x[4]
      S <- matrix(0, 4, 4)
      S[1, 2] <- -sum(r * u / D)
      S[1, 3] <- sum(r * N * u / D^2)
      S[1, 4] <- sum(r * N / D^2)
      S[2, 3] <- x[1] * sum(r * u^2 / D^2)
      S[2, 4] <- x[1] * sum(r * u / D^2)
      S[3, 3] <- -2 * x[1] * sum(r * N * u^2 / D^3)
      S[3, 4] <- -2 * x[1] * sum(r * N * u / D^3)
      S[4, 4] <- -2 * x[1] * sum(r * N / D^3)
      S[lower.tri(S)] <- t(S)[lower.tri(S)]
      S
    },
    par = c(0.25, 0.39, 0.415, 0.39), minimum = 3.07505e-4, argmin = NULL, mgh = 15,
    local_minima = 1.02734e-3,
    note = "m = 11; also f = 1.02734e-3 at (+Inf, -14.07, -Inf, -Inf)"
  )
}

problem_brown_dennis <- function() {
  t <- (1:20) / 5
  lsq_problem(
    "brown_dennis",
    resid = function(x) (x[1] + t * x[2] - exp(t))^2 + (x[3] + x[4] * sin(t) - cos(t))^2,
    jac = function(x) {
      a <- x[1] + t * x[2] - exp(t)
      b <- x[3] + x[4] * sin(t) - cos(t)
      cbind(2 * a, 2 * a * t, 2 * b, 2 * b * sin(t))
    },
    curv = function(x, r) {
      # Hess(r_i) = 2 (da da' + db db'), da = (1, t, 0, 0), db = (0, 0, 1, sin t)
      A <- cbind(1, t) * sqrt(2)
      B <- cbind(1, sin(t)) * sqrt(2)
      S <- matrix(0, 4, 4)
      S[1:2, 1:2] <- crossprod(A * r, A)
      S[3:4, 3:4] <- crossprod(B * r, B)
      S
    },
    par = c(25, 5, -5, -1), minimum = 85822.2, argmin = NULL, mgh = 16,
    note = "m = 20"
  )
}

problem_osborne_1 <- function() {
  y <- c(0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751,
         0.718, 0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490,
         0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406)
  t <- 10 * (0:32)
  lsq_problem(
    "osborne_1",
    resid = function(x) y - (x[1] + x[2] * exp(-t * x[4]) + x[3] * exp(-t * x[5])),
    jac = function(x) {
      e4 <- exp(-t * x[4])
      e5 <- exp(-t * x[5])
      cbind(-1, -e4, -e5, t * x[2] * e4, t * x[3] * e5)
    },
    curv = function(x, r) {
      e4 <- r * exp(-t * x[4])
      e5 <- r * exp(-t * x[5])
      S <- matrix(0, 5, 5)
      S[2, 4] <- S[4, 2] <- sum(t * e4)
      S[3, 5] <- S[5, 3] <- sum(t * e5)
      S[4, 4] <- -x[2] * sum(t^2 * e4)
      S[5, 5] <- -x[3] * sum(t^2 * e5)
      S
    },
    par = c(0.5, 1.5, -1, 0.01, 0.02), minimum = 5.46489e-5, argmin = NULL, mgh = 17,
    note = "m = 33"
  )
}

problem_biggs_exp6 <- function() {
  t <- 0.1 * (1:13)
  y <- exp(-t) - 5 * exp(-10 * t) + 3 * exp(-4 * t)
  lsq_problem(
    "biggs_exp6",
    resid = function(x) {
      x[3] * exp(-t * x[1]) - x[4] * exp(-t * x[2]) + x[6] * exp(-t * x[5]) - y
    },
    jac = function(x) {
      e1 <- exp(-t * x[1])
      e2 <- exp(-t * x[2])
      e5 <- exp(-t * x[5])
      cbind(-t * x[3] * e1, t * x[4] * e2, e1, -e2, -t * x[6] * e5, e5)
    },
    curv = function(x, r) {
      e1 <- r * exp(-t * x[1])
      e2 <- r * exp(-t * x[2])
      e5 <- r * exp(-t * x[5])
      S <- matrix(0, 6, 6)
      S[1, 1] <- x[3] * sum(t^2 * e1)
      S[1, 3] <- S[3, 1] <- -sum(t * e1)
      S[2, 2] <- -x[4] * sum(t^2 * e2)
      S[2, 4] <- S[4, 2] <- sum(t * e2)
      S[5, 5] <- x[6] * sum(t^2 * e5)
      S[5, 6] <- S[6, 5] <- -sum(t * e5)
      S
    },
    par = c(1, 2, 1, 1, 1, 1), minimum = 0, argmin = c(1, 10, 1, 5, 4, 3), mgh = 18,
    local_minima = 5.65565e-3,
    note = paste("m = 13; the global minimum is f = 0 at (1, 10, 1, 5, 4, 3), but from the",
                 "standard start methods usually reach the local minimum f = 5.65565e-3")
  )
}

# Osborne 2's curvature term S = -sum_i r_i Hess(model_i) (model: see
# problem_osborne_2; `bumps(x, k)` gives its k-th Gaussian term).
osborne_2_curv <- function(x, r, t, bumps) {
  S <- matrix(0, 11, 11)
  e <- r * exp(-t * x[5])
  S[1, 5] <- -sum(t * e)
  S[5, 5] <- x[1] * sum(t^2 * e)
  for (k in 2:4) {
    b <- bumps(x, k)
    d <- b$d
    rG <- r * b$G
    A <- b$A
    w <- b$w
    ia <- k
    iw <- k + 4
    ic <- k + 7
    S[ia, iw] <- -sum(d^2 * rG)
    S[ia, ic] <- 2 * w * sum(d * rG)
    S[iw, iw] <- A * sum(d^4 * rG)
    S[iw, ic] <- 2 * A * sum(d * (1 - d^2 * w) * rG)
    S[ic, ic] <- 2 * A * w * sum((2 * d^2 * w - 1) * rG)
  }
  S <- -S
  S[lower.tri(S)] <- t(S)[lower.tri(S)]
  S
}

problem_osborne_2 <- function() {
  y <- c(1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746,
         0.679, 0.608, 0.655, 0.616, 0.606, 0.602, 0.626, 0.651, 0.724, 0.649, 0.649,
         0.694, 0.644, 0.624, 0.661, 0.612, 0.558, 0.533, 0.495, 0.500, 0.423, 0.395,
         0.375, 0.372, 0.391, 0.396, 0.405, 0.428, 0.429, 0.523, 0.562, 0.607, 0.653,
         0.672, 0.708, 0.633, 0.668, 0.645, 0.632, 0.591, 0.559, 0.597, 0.625, 0.739,
         0.710, 0.729, 0.720, 0.636, 0.581, 0.428, 0.292, 0.162, 0.098, 0.054)
  t <- (0:64) / 10
  # model = x1 exp(-t x5) + sum_k x_k exp(-(t - x_{k+7})^2 x_{k+4}), k = 2, 3, 4
  bumps <- function(x, k) {
    d <- t - x[k + 7]
    list(d = d, G = exp(-d^2 * x[k + 4]), A = x[k], w = x[k + 4])
  }
  lsq_problem(
    "osborne_2",
    resid = function(x) {
      mod <- x[1] * exp(-t * x[5])
      for (k in 2:4) {
        b <- bumps(x, k)
        mod <- mod + b$A * b$G
      }
      y - mod
    },
    jac = function(x) {
      e <- exp(-t * x[5])
      J <- matrix(0, 65, 11)
      J[, 1] <- e
      J[, 5] <- -t * x[1] * e
      for (k in 2:4) {
        b <- bumps(x, k)
        J[, k] <- b$G
        J[, k + 4] <- -b$A * b$d^2 * b$G
        J[, k + 7] <- 2 * b$A * b$w * b$d * b$G
      }
      -J
    },
    curv = function(x, r) osborne_2_curv(x, r, t, bumps),
    par = c(1.3, 0.65, 0.65, 0.7, 0.6, 3, 5, 7, 2, 4.5, 5.5), minimum = 4.01377e-2,
    argmin = NULL, mgh = 19, note = "m = 65"
  )
}

# ---- variable-size problems -------------------------------------------------

# Validate a variable size n (NULL means the default).
problem_size <- function(n, default, name, lower = 1, upper = Inf, multiple = 1) {
  if (is.null(n)) return(as.integer(default))
  check_number(n, "n", lower = lower, upper = upper, integer = TRUE)
  if (n %% multiple != 0) {
    stop_arg("n", "must be a multiple of %d for '%s', not %d", multiple, name, as.integer(n))
  }
  as.integer(n)
}

# The published f* for the sizes the paper lists (NA otherwise).
published_minimum <- function(n, table) {
  v <- table[as.character(n)]
  if (is.na(v)) NA_real_ else unname(v)
}

problem_watson <- function(n = NULL) {
  n <- problem_size(n, 6, "watson", lower = 2, upper = 31)
  t <- (1:29) / 29
  P <- outer(t, 0:(n - 1), `^`)                          # t^(j-1)
  A <- cbind(0, outer(t, 0:(n - 2), `^`) * rep(1:(n - 1), each = 29))  # (j-1) t^(j-2)
  lsq_problem(
    "watson",
    resid = function(x) {
      s <- drop(P %*% x)
      c(drop(A %*% x) - s^2 - 1, x[1], x[2] - x[1]^2 - 1)
    },
    jac = function(x) {
      s <- drop(P %*% x)
      rbind(A - 2 * s * P, c(1, rep(0, n - 1)), c(-2 * x[1], 1, rep(0, n - 2)))
    },
    curv = function(x, r) {
      S <- -2 * crossprod(P * r[1:29], P)
      S[1, 1] <- S[1, 1] - 2 * r[31]
      S
    },
    par = rep(0, n), argmin = NULL, mgh = 20,
    minimum = published_minimum(n, c("6" = 2.28767e-3, "9" = 1.39976e-6, "12" = 4.72238e-10)),
    note = sprintf("n = %d (2 <= n <= 31), m = 31; f* published for n = 6, 9, 12", n)
  )
}

problem_extended_powell <- function(n = NULL) {
  n <- problem_size(n, 12, "extended_powell", lower = 4, multiple = 4)
  i1 <- seq.int(1L, n, by = 4L)
  i2 <- i1 + 1L
  i3 <- i1 + 2L
  i4 <- i1 + 3L
  k <- length(i1)
  rows <- function(b) (b - 1L) * 4L + 1:4
  lsq_problem(
    "extended_powell",
    resid = function(x) {
      r <- matrix(0, 4, k)
      r[1, ] <- x[i1] + 10 * x[i2]
      r[2, ] <- sqrt(5) * (x[i3] - x[i4])
      r[3, ] <- (x[i2] - 2 * x[i3])^2
      r[4, ] <- sqrt(10) * (x[i1] - x[i4])^2
      as.vector(r)
    },
    jac = function(x) {
      J <- matrix(0, n, n)
      for (b in seq_len(k)) {
        xb <- x[rows(b)]
        J[rows(b), rows(b)] <- rbind(c(1, 10, 0, 0), sqrt(5) * c(0, 0, 1, -1),
                                     2 * (xb[2] - 2 * xb[3]) * c(0, 1, -2, 0),
                                     2 * sqrt(10) * (xb[1] - xb[4]) * c(1, 0, 0, -1))
      }
      J
    },
    curv = function(x, r) {
      S <- matrix(0, n, n)
      v <- c(0, 1, -2, 0)
      w <- c(1, 0, 0, -1)
      for (b in seq_len(k)) {
        rb <- r[rows(b)]
        S[rows(b), rows(b)] <- rb[3] * 2 * tcrossprod(v) + rb[4] * 2 * sqrt(10) * tcrossprod(w)
      }
      S
    },
    par = rep(c(3, -1, 0, 1), k), minimum = 0, argmin = rep(0, n), mgh = 22,
    note = sprintf("n = %d (a multiple of 4); singular Hessian at the minimiser", n)
  )
}

problem_penalty_1 <- function(n = NULL) {
  n <- problem_size(n, 10, "penalty_1", lower = 1)
  a <- sqrt(1e-5)
  lsq_problem(
    "penalty_1",
    resid = function(x) c(a * (x - 1), sum(x^2) - 0.25),
    jac = function(x) rbind(diag(a, n), 2 * x),
    curv = function(x, r) diag(2 * r[n + 1], n),
    par = as.numeric(1:n), argmin = NULL, mgh = 23,
    minimum = published_minimum(n, c("4" = 2.24997e-5, "10" = 7.08765e-5)),
    note = sprintf("n = %d, m = n + 1; f* published for n = 4, 10", n)
  )
}

problem_penalty_2 <- function(n = NULL) {
  n <- problem_size(n, 10, "penalty_2", lower = 2)
  a <- sqrt(1e-5)
  i <- 2:n
  y <- exp(i / 10) + exp((i - 1) / 10)
  wt <- n:1
  lsq_problem(
    "penalty_2",
    resid = function(x) {
      e <- exp(x / 10)
      c(x[1] - 0.2, a * (e[i] + e[i - 1] - y), a * (e[i] - exp(-0.1)), sum(wt * x^2) - 1)
    },
    jac = function(x) {
      e <- exp(x / 10) / 10
      J <- matrix(0, 2 * n, n)
      J[1, 1] <- 1
      J[cbind(i, i)] <- a * e[i]
      J[cbind(i, i - 1)] <- a * e[i - 1]
      J[cbind(n + i - 1, i)] <- a * e[i]
      J[2 * n, ] <- 2 * wt * x
      J
    },
    curv = function(x, r) {
      e <- a * exp(x / 10) / 100
      d <- numeric(n)
      d[i] <- d[i] + r[i] * e[i] + r[n + i - 1] * e[i]
      d[i - 1] <- d[i - 1] + r[i] * e[i - 1]
      diag(d + 2 * r[2 * n] * wt, n)
    },
    par = rep(0.5, n), argmin = NULL, mgh = 24,
    minimum = published_minimum(n, c("4" = 9.37629e-6, "10" = 2.93660e-4)),
    note = sprintf("n = %d, m = 2n; f* published for n = 4, 10", n)
  )
}

problem_variably_dimensioned <- function(n = NULL) {
  n <- problem_size(n, 10, "variably_dimensioned", lower = 1)
  j <- 1:n
  lsq_problem(
    "variably_dimensioned",
    resid = function(x) {
      s <- sum(j * (x - 1))
      c(x - 1, s, s^2)
    },
    jac = function(x) rbind(diag(1, n), j, 2 * sum(j * (x - 1)) * j, deparse.level = 0),
    curv = function(x, r) 2 * r[n + 2] * tcrossprod(j),
    par = 1 - j / n, minimum = 0, argmin = rep(1, n), mgh = 25,
    note = sprintf("n = %d, m = n + 2", n)
  )
}

problem_trigonometric <- function(n = NULL) {
  n <- problem_size(n, 10, "trigonometric", lower = 1)
  i <- 1:n
  lsq_problem(
    "trigonometric",
    resid = function(x) n - sum(cos(x)) + i * (1 - cos(x)) - sin(x),
    jac = function(x) {
      J <- matrix(sin(x), n, n, byrow = TRUE)
      diag(J) <- diag(J) + i * sin(x) - cos(x)
      J
    },
    curv = function(x, r) diag(sum(r) * cos(x) + r * (i * cos(x) + sin(x)), n),
    par = rep(1 / n, n), minimum = 0, argmin = NULL, mgh = 26,
    local_minima = if (n == 10) 2.79506e-5 else NULL,
    note = sprintf(paste("n = %d, m = n; f* = 0, but from the standard start (n = 10)",
                         "methods reach the local minimum 2.79506e-5"), n)
  )
}

problem_brown_almost_linear <- function(n = NULL) {
  n <- problem_size(n, 10, "brown_almost_linear", lower = 2)
  # products of all x except x_j (and except x_j, x_k), without dividing by x
  prod_except <- function(x, drop) prod(x[-drop])
  lsq_problem(
    "brown_almost_linear",
    resid = function(x) c(x[-n] + sum(x) - (n + 1), prod(x) - 1),
    jac = function(x) {
      J <- matrix(1, n, n)
      J[cbind(1:(n - 1), 1:(n - 1))] <- 2
      J[n, ] <- vapply(1:n, function(j) prod_except(x, j), 0)
      J
    },
    curv = function(x, r) {
      S <- matrix(0, n, n)
      for (j in 1:(n - 1)) for (k in (j + 1):n) S[j, k] <- S[k, j] <- prod_except(x, c(j, k))
      r[n] * S
    },
    par = rep(0.5, n), minimum = 0, argmin = rep(1, n), mgh = 27, local_minima = 1,
    note = sprintf("n = %d, m = n; also f = 1 at (0, ..., 0, n + 1)", n)
  )
}

problem_discrete_bvp <- function(n = NULL) {
  n <- problem_size(n, 10, "discrete_bvp", lower = 1)
  h <- 1 / (n + 1)
  t <- (1:n) * h
  lap <- diag(2, n)
  if (n > 1) lap[cbind(1:(n - 1), 2:n)] <- lap[cbind(2:n, 1:(n - 1))] <- -1
  lsq_problem(
    "discrete_bvp",
    resid = function(x) drop(lap %*% x) + h^2 * (x + t + 1)^3 / 2,
    jac = function(x) lap + diag(1.5 * h^2 * (x + t + 1)^2, n),
    curv = function(x, r) diag(3 * h^2 * r * (x + t + 1), n),
    par = t * (t - 1), minimum = 0, argmin = NULL, mgh = 28,
    note = sprintf("n = %d, m = n; boundary values x_0 = x_{n+1} = 0", n)
  )
}

problem_discrete_integral <- function(n = NULL) {
  n <- problem_size(n, 10, "discrete_integral", lower = 1)
  h <- 1 / (n + 1)
  t <- (1:n) * h
  # W[i, j] = (1 - t_i) t_j for j <= i, t_i (1 - t_j) for j > i
  W <- outer(1 - t, t)
  up <- upper.tri(W)
  W[up] <- outer(t, 1 - t)[up]
  W <- W * h / 2
  lsq_problem(
    "discrete_integral",
    resid = function(x) x + drop(W %*% (x + t + 1)^3),
    jac = function(x) diag(1, n) + W * rep(3 * (x + t + 1)^2, each = n),
    curv = function(x, r) diag(drop(crossprod(W, r)) * 6 * (x + t + 1), n),
    par = t * (t - 1), minimum = 0, argmin = NULL, mgh = 29,
    note = sprintf("n = %d, m = n", n)
  )
}

problem_broyden_tridiagonal <- function(n = NULL) {
  n <- problem_size(n, 10, "broyden_tridiagonal", lower = 1)
  shift <- function(x, k) if (k > 0) c(x[-(1:k)], rep(0, k)) else c(rep(0, -k), x[1:(n + k)])
  lsq_problem(
    "broyden_tridiagonal",
    resid = function(x) (3 - 2 * x) * x - shift(x, -1) - 2 * shift(x, 1) + 1,
    jac = function(x) {
      J <- diag(3 - 4 * x, n)
      if (n > 1) {
        J[cbind(2:n, 1:(n - 1))] <- -1
        J[cbind(1:(n - 1), 2:n)] <- -2
      }
      J
    },
    curv = function(x, r) diag(-4 * r, n),
    par = rep(-1, n), minimum = 0, argmin = NULL, mgh = 30,
    note = sprintf("n = %d, m = n", n)
  )
}

problem_broyden_banded <- function(n = NULL) {
  n <- problem_size(n, 10, "broyden_banded", lower = 1)
  # B[i, j] = 1 for j != i with i - 5 <= j <= i + 1 (ml = 5, mu = 1)
  B <- outer(1:n, 1:n, function(i, j) as.numeric(j != i & j >= i - 5 & j <= i + 1))
  lsq_problem(
    "broyden_banded",
    resid = function(x) x * (2 + 5 * x^2) + 1 - drop(B %*% (x * (1 + x))),
    jac = function(x) diag(2 + 15 * x^2, n) - B * rep(1 + 2 * x, each = n),
    curv = function(x, r) diag(30 * x * r - 2 * drop(crossprod(B, r)), n),
    par = rep(-1, n), minimum = 0, argmin = NULL, mgh = 31,
    note = sprintf("n = %d, m = n; ml = 5, mu = 1", n)
  )
}

problem_linear_full_rank <- function(n = NULL) {
  n <- problem_size(n, 10, "linear_full_rank", lower = 1)
  m <- 2L * n
  A <- rbind(diag(1, n), matrix(0, m - n, n)) - 2 / m
  lsq_problem(
    "linear_full_rank",
    resid = function(x) drop(A %*% x) - 1,
    jac = function(x) A,
    curv = function(x, r) matrix(0, n, n),
    par = rep(1, n), minimum = m - n, argmin = rep(-1, n), mgh = 32,
    note = sprintf("n = %d, m = 2n = %d; f* = m - n", n, m)
  )
}

problem_linear_rank1 <- function(n = NULL) {
  n <- problem_size(n, 10, "linear_rank1", lower = 1)
  m <- 2L * n
  A <- outer(1:m, 1:n)
  lsq_problem(
    "linear_rank1",
    resid = function(x) drop(A %*% x) - 1,
    jac = function(x) A,
    curv = function(x, r) matrix(0, n, n),
    par = rep(1, n), minimum = m * (m - 1) / (2 * (2 * m + 1)),
    argmin = c(3 / (2 * m + 1), rep(0, n - 1)), mgh = 33,
    note = sprintf(paste("n = %d, m = 2n = %d; f* = m(m-1)/(2(2m+1)) on the hyperplane",
                         "sum j x_j = 3/(2m+1)"), n, m)
  )
}

problem_linear_rank1_zero <- function(n = NULL) {
  n <- problem_size(n, 10, "linear_rank1_zero", lower = 3)
  m <- 2L * n
  A <- outer(0:(m - 1), c(0, 2:(n - 1), 0))
  A[m, ] <- 0
  lsq_problem(
    "linear_rank1_zero",
    resid = function(x) drop(A %*% x) - 1,
    jac = function(x) A,
    curv = function(x, r) matrix(0, n, n),
    par = rep(1, n), minimum = (m^2 + 3 * m - 6) / (2 * (2 * m - 3)),
    argmin = c(0, 3 / (2 * (2 * m - 3)), rep(0, n - 2)), mgh = 34,
    note = sprintf(paste("n = %d, m = 2n = %d; f* = (m^2 + 3m - 6)/(2(2m - 3)) on the",
                         "hyperplane sum_{j=2}^{n-1} j x_j = 3/(2m - 3)"), n, m)
  )
}

problem_chebyquad <- function(n = NULL) {
  n <- problem_size(n, 8, "chebyquad", lower = 1)
  m <- n
  i <- 1:m
  target <- ifelse(i %% 2 == 0, -1 / (i^2 - 1), 0)    # integral of T_i(2x - 1) on [0, 1]
  # T_i, T_i' and T_i'' (i = 1..m) of the shifted Chebyshev polynomials at y = 2x - 1,
  # as m x n matrices, by the three-term recurrence
  cheb <- function(x) {
    y <- 2 * x - 1
    T <- dT <- d2T <- matrix(0, m + 1, n)
    T[1, ] <- 1
    if (m >= 1) {
      T[2, ] <- y
      dT[2, ] <- 1
    }
    if (m >= 2) for (k in 2:m) {
      T[k + 1, ] <- 2 * y * T[k, ] - T[k - 1, ]
      dT[k + 1, ] <- 2 * T[k, ] + 2 * y * dT[k, ] - dT[k - 1, ]
      d2T[k + 1, ] <- 4 * dT[k, ] + 2 * y * d2T[k, ] - d2T[k - 1, ]
    }
    list(T = T[-1, , drop = FALSE], dT = dT[-1, , drop = FALSE], d2T = d2T[-1, , drop = FALSE])
  }
  lsq_problem(
    "chebyquad",
    resid = function(x) rowSums(cheb(x)$T) / n - target,
    jac = function(x) 2 * cheb(x)$dT / n,
    curv = function(x, r) diag(4 * drop(crossprod(cheb(x)$d2T, r)) / n, n),
    par = (1:n) / (n + 1), argmin = NULL, mgh = 35,
    minimum = if (n %in% c(1:7, 9)) 0 else published_minimum(n, c("8" = 3.51687e-3)),
    local_minima = if (n == 10) 6.50395e-3 else NULL,
    note = sprintf(paste("n = %d, m = n; f* = 0 for n = 1..7 and 9, 3.51687e-3 for n = 8;",
                         "MGH's 6.50395e-3 for n = 10 is a local minimum (4.77271e-3 is lower)"),
                   n)
  )
}

# All 35, in MGH's order; a maker with an argument `n` has variable size.
problem_makers <- list(
  rosenbrock = problem_rosenbrock,
  freudenstein_roth = problem_freudenstein_roth,
  powell_badly_scaled = problem_powell_badly_scaled,
  brown_badly_scaled = problem_brown_badly_scaled,
  beale = problem_beale,
  jennrich_sampson = problem_jennrich_sampson,
  helical_valley = problem_helical_valley,
  bard = problem_bard,
  gaussian = problem_gaussian,
  meyer = problem_meyer,
  gulf = problem_gulf,
  box_3d = problem_box_3d,
  powell_singular = problem_powell_singular,
  wood = problem_wood,
  kowalik_osborne = problem_kowalik_osborne,
  brown_dennis = problem_brown_dennis,
  osborne_1 = problem_osborne_1,
  biggs_exp6 = problem_biggs_exp6,
  osborne_2 = problem_osborne_2,
  watson = problem_watson,
  extended_rosenbrock = problem_extended_rosenbrock,
  extended_powell = problem_extended_powell,
  penalty_1 = problem_penalty_1,
  penalty_2 = problem_penalty_2,
  variably_dimensioned = problem_variably_dimensioned,
  trigonometric = problem_trigonometric,
  brown_almost_linear = problem_brown_almost_linear,
  discrete_bvp = problem_discrete_bvp,
  discrete_integral = problem_discrete_integral,
  broyden_tridiagonal = problem_broyden_tridiagonal,
  broyden_banded = problem_broyden_banded,
  linear_full_rank = problem_linear_full_rank,
  linear_rank1 = problem_linear_rank1,
  linear_rank1_zero = problem_linear_rank1_zero,
  chebyquad = problem_chebyquad
)

#' Standard unconstrained test problems
#'
#' The 35 minimisation test problems of Moré, Garbow and Hillstrom (1981),
#' numbered as in the paper (field `mgh`), each a sum of m squares
#' f(x) = sum r_i(x)^2 with exact gradient and Hessian (the Hessian includes
#' the curvature term sum r_i Hess(r_i), not only the Gauss-Newton part),
#' the standard starting point and the published minimum value.
#'
#' Fixed sizes (n, m): 1 `"rosenbrock"` (2, 2), 2 `"freudenstein_roth"`
#' (2, 2; from the standard start most methods find the local minimum
#' 48.98425), 3 `"powell_badly_scaled"` (2, 2), 4 `"brown_badly_scaled"`
#' (2, 3), 5 `"beale"` (2, 3), 6 `"jennrich_sampson"` (2, 10; f* = 124.362),
#' 7 `"helical_valley"` (3, 3), 8 `"bard"` (3, 15; 8.21487e-3),
#' 9 `"gaussian"` (3, 15; 1.12793e-8), 10 `"meyer"` (3, 16; 87.9458, start
#' (0.02, 4000, 250)), 11 `"gulf"` (3, m = 10 here; the paper allows
#' 3 <= m <= 100), 12 `"box_3d"` (3, 10), 13 `"powell_singular"` (4, 4),
#' 14 `"wood"` (4, 6), 15 `"kowalik_osborne"` (4, 11; 3.07505e-4),
#' 16 `"brown_dennis"` (4, 20; 85822.2), 17 `"osborne_1"` (5, 33;
#' 5.46489e-5), 18 `"biggs_exp6"` (6, 13; global minimum 0, local minimum
#' 5.65565e-3 usually reached from the start), 19 `"osborne_2"` (11, 65;
#' 4.01377e-2).
#'
#' Variable sizes (`n` argument): 20 `"watson"`
#' (2 <= n <= 31, default 6, m = 31; f* published for n = 6, 9, 12),
#' 21 `"extended_rosenbrock"` (even, default 10), 22 `"extended_powell"` (multiple
#' of 4, default 12), 23 `"penalty_1"` (default 10, m = n + 1; f* for n = 4, 10),
#' 24 `"penalty_2"` (default 10, m = 2n; f* for n = 4, 10), 25
#' `"variably_dimensioned"` (default 10, m = n + 2), 26 `"trigonometric"` (default 10;
#' f* = 0, local minimum 2.79506e-5 from the start), 27
#' `"brown_almost_linear"` (default 10), 28 `"discrete_bvp"` (default 10), 29
#' `"discrete_integral"` (default 10), 30 `"broyden_tridiagonal"` (default 10), 31
#' `"broyden_banded"` (default 10), 32 `"linear_full_rank"`, 33 `"linear_rank1"`
#' and 34 `"linear_rank1_zero"` (default 10, with m = 2n; f* in closed form), 35
#' `"chebyquad"` (default 8, m = n; f* = 3.51687e-3 for n = 8, 0 for n <= 7 and
#' n = 9).
#'
#' @param name Problem name, one of `test_problems(set)`.
#' @param set Which collection: `"optim"` (minimisation, the default),
#'   `"roots"` (scalar roots on a bracket) or `"systems"` (square systems).
#' @param n Number of parameters, for the variable-size problems (MGH 20--35)
#'   only; must be `NULL` or the fixed size for the others.
#' @return `test_problem()`: a list with `name`, `fn(x)`, `gr(x)`,
#'   `hess(x)` (dense matrix), `hessp(x, v)` (Hessian-vector product; O(n)
#'   for extended Rosenbrock, whose dense Hessian is only practical up to
#'   n of a few thousand), `par` (the standard start), `minimum` (the
#'   lowest published minimum value f*, `NA` where none is published for
#'   this `n`), `argmin` (a published minimiser, `NULL` where none is
#'   published), `n`, `m` (the number of squares), `mgh` (the number in the
#'   paper), `local_minima` (other published minimum values that methods
#'   often reach from the standard start, or `NULL`) and `note` (sizes and
#'   caveats). `test_problems()`: a character vector of names, in MGH's
#'   order for `set = "optim"`.
#'
#'   For `set = "roots"` (the 154 instances of Alefeld, Potra and Shi's
#'   collection, as in SciPy's root-finding tests): a list with `name`,
#'   `fn(x)`, `fprime(x)`, `interval` (a bracket with a sign change), `root`
#'   (the published root), `family`, `param` and `note`.
#'
#'   For `set = "systems"` (MINPACK's schedule: the 14 square systems of
#'   Moré, Garbow and Hillstrom with MINPACK's dimensions from 1, 10 and 100
#'   times the standard start, and Freudenstein-Roth): a list with `name`,
#'   `fn(x)` (the residual vector), `jac(x)` (its Jacobian), `x0`, `n`,
#'   `factor` (the multiple of the standard start), `solution` (where
#'   published) and `note`.
#' @references Alefeld, G. E., Potra, F. A. and Shi, Y. (1995) Algorithm
#'   748: enclosing zeros of continuous functions. *ACM Transactions on
#'   Mathematical Software* 21, 327--344.
#'
#'   Moré, J. J., Garbow, B. S. and Hillstrom, K. E. (1981)
#'   Testing unconstrained optimization software. *ACM Transactions on
#'   Mathematical Software* 7, 17--41.
#' @examples
#' test_problems()
#' p <- test_problem("wood")
#' p$fn(p$par)
#' p$fn(p$argmin) == p$minimum
#' big <- test_problem("extended_rosenbrock", n = 1000)
#' length(big$hessp(big$par, rep(1, 1000)))
#' @export
test_problem <- function(name, n = NULL, set = c("optim", "roots", "systems")) {
  set <- check_problem_set(set)
  if (!is.character(name) || length(name) != 1L || is.na(name)) {
    stop_arg("name", "must be a single string, not %s", describe(name))
  }
  if (set != "optim") {
    lst <- problem_set_list(set)
    if (!name %in% names(lst)) {
      stop_arg("name", "must be one of test_problems(\"%s\"), not \"%s\"", set, name)
    }
    return(lst[[name]])
  }
  if (!name %in% names(problem_makers)) {
    stop_arg("name", "must be one of %s, not \"%s\"",
             paste0("\"", names(problem_makers), "\"", collapse = ", "), name)
  }
  maker <- problem_makers[[name]]
  if ("n" %in% names(formals(maker))) return(maker(n))
  p <- maker()
  if (!is.null(n)) {
    check_number(n, "n", integer = TRUE)
    if (n != p$n) stop_arg("n", "must be NULL or %d for \"%s\", not %s", p$n, name, format(n))
  }
  p
}

#' @rdname test_problem
#' @export
test_problems <- function(set = c("optim", "roots", "systems")) {
  set <- check_problem_set(set)
  if (set == "optim") names(problem_makers) else names(problem_set_list(set))
}

# match.arg() for `set`, with an error that names the argument.
check_problem_set <- function(set) {
  sets <- c("optim", "roots", "systems")
  if (identical(set, sets)) return("optim")
  if (!is.character(set) || length(set) != 1L || is.na(set) || !set %in% sets) {
    stop_arg("set", "must be one of \"optim\", \"roots\", \"systems\", not %s", describe(set))
  }
  set
}

# The whole collection of a set as a named list of problems (internal).
problem_set_list <- function(set) {
  switch(set,
         roots = roots_problem_list(),
         systems = systems_problem_list())
}
