# problems-systems.R -- MINPACK's schedule of square nonlinear systems.
#
# The 14 square systems of Moré, Garbow & Hillstrom (1981) in the form of
# MINPACK-1's test routines (vecfcn/vecjac, initpt), with the dimensions and
# starting points of MINPACK's hybrd/hybrj test driver: each system from 1x,
# 10x and 100x its standard start (fewer for some, as in the driver), 55
# cases in all; plus Freudenstein-Roth from 1x, 10x, 100x: 58 cases.
# Where the standard start is 0 (Watson), "factor x" means x_j = factor, as
# in MINPACK's initpt. The Jacobians are analytic.

# One system of the schedule: fn, jac, standard start and known solution
# (NULL where none is published in closed form).
sys_rosenbrock <- function(n) {
  list(fn = function(x) c(1 - x[1], 10 * (x[2] - x[1]^2)),
       jac = function(x) rbind(c(-1, 0), c(-20 * x[1], 10)),
       x0 = c(-1.2, 1), solution = c(1, 1), note = NULL)
}

sys_powell_singular <- function(n) {
  list(fn = function(x) c(x[1] + 10 * x[2], sqrt(5) * (x[3] - x[4]),
                          (x[2] - 2 * x[3])^2, sqrt(10) * (x[1] - x[4])^2),
       jac = function(x) {
         a <- 2 * (x[2] - 2 * x[3])
         b <- 2 * sqrt(10) * (x[1] - x[4])
         rbind(c(1, 10, 0, 0), c(0, 0, sqrt(5), -sqrt(5)), c(0, a, -2 * a, 0), c(b, 0, 0, -b))
       },
       x0 = c(3, -1, 0, 1), solution = c(0, 0, 0, 0),
       note = "the Jacobian is singular at the solution: convergence is only linear")
}

sys_powell_badly_scaled <- function(n) {
  list(fn = function(x) c(1e4 * x[1] * x[2] - 1, exp(-x[1]) + exp(-x[2]) - 1.0001),
       jac = function(x) rbind(c(1e4 * x[2], 1e4 * x[1]), c(-exp(-x[1]), -exp(-x[2]))),
       x0 = c(0, 1), solution = c(1.098159e-5, 9.106146),
       note = "the solution's components differ by 6 orders of magnitude")
}

# MINPACK's Wood system: the gradient of Wood's function, halved.
sys_wood <- function(n) {
  list(fn = function(x) {
         t1 <- x[2] - x[1]^2
         t2 <- x[4] - x[3]^2
         c(-200 * x[1] * t1 - (1 - x[1]), 200 * t1 + 20.2 * (x[2] - 1) + 19.8 * (x[4] - 1),
           -180 * x[3] * t2 - (1 - x[3]), 180 * t2 + 20.2 * (x[4] - 1) + 19.8 * (x[2] - 1))
       },
       jac = function(x) {
         rbind(c(-200 * (x[2] - x[1]^2) + 400 * x[1]^2 + 1, -200 * x[1], 0, 0),
               c(-400 * x[1], 220.2, 0, 19.8),
               c(0, 0, -180 * (x[4] - x[3]^2) + 360 * x[3]^2 + 1, -180 * x[3]),
               c(0, 19.8, -360 * x[3], 200.2))
       },
       x0 = c(-3, -1, -3, -1), solution = c(1, 1, 1, 1), note = NULL)
}

sys_helical_valley <- function(n) {
  theta <- function(x) {
    if (x[1] > 0) atan(x[2] / x[1]) / (2 * pi)
    else if (x[1] < 0) atan(x[2] / x[1]) / (2 * pi) + 0.5
    else if (x[2] >= 0) 0.25 else -0.25
  }
  list(fn = function(x) c(10 * (x[3] - 10 * theta(x)), 10 * (sqrt(x[1]^2 + x[2]^2) - 1), x[3]),
       jac = function(x) {
         s <- x[1]^2 + x[2]^2
         rho <- sqrt(s)
         rbind(c(100 * x[2] / (2 * pi * s), -100 * x[1] / (2 * pi * s), 10),
               c(10 * x[1] / rho, 10 * x[2] / rho, 0), c(0, 0, 1))
       },
       x0 = c(-1, 0, 0), solution = c(1, 0, 0), note = NULL)
}

# MINPACK's Watson system: the gradient of Watson's sum of squares (31
# residuals r = (r_1..r_29, x_1, x_2 - x_1^2 - 1)), halved: F = Jr' r, and
# its Jacobian Jr'Jr + sum_i r_i Hess(r_i).
sys_watson <- function(n) {
  ti <- (1:29) / 29
  A <- outer(ti, 0:(n - 1), "^")                       # d sum2 / dx
  B <- cbind(0, outer(ti, 0:(n - 2), "^") %*% diag(1:(n - 1), n - 1))  # d sum1 / dx
  parts <- function(x) {
    s2 <- drop(A %*% x)
    r <- c(drop(B %*% x) - s2^2 - 1, x[1], x[2] - x[1]^2 - 1)
    Jr <- rbind(B - 2 * s2 * A, c(1, rep(0, n - 1)), c(-2 * x[1], 1, rep(0, n - 2)))
    list(r = r, Jr = Jr)
  }
  list(fn = function(x) {
         p <- parts(x)
         drop(crossprod(p$Jr, p$r))
       },
       jac = function(x) {
         p <- parts(x)
         H <- crossprod(p$Jr) - 2 * crossprod(A, A * p$r[1:29])
         H[1, 1] <- H[1, 1] - 2 * p$r[31]
         H
       },
       x0 = rep(0, n), solution = NULL,
       note = "a stationary point of Watson's sum of squares (minimum 2.28767e-3 for n = 6, 1.39976e-6 for n = 9)")
}

sys_chebyquad <- function(n) {
  even <- (1:n) %% 2 == 0
  const <- ifelse(even, 1 / ((1:n)^2 - 1), 0)
  cheb <- function(x) {  # T_k(y_j), U_{k-1}(y_j), k = 1..n (rows), j (columns)
    y <- 2 * x - 1
    Tm <- matrix(0, n, n)
    Um <- matrix(0, n, n)
    t_prev <- rep(1, n); t_cur <- y
    u_prev <- rep(0, n); u_cur <- rep(1, n)  # U_{-1} = 0, U_0 = 1
    for (k in 1:n) {
      Tm[k, ] <- t_cur
      Um[k, ] <- u_cur
      t_next <- 2 * y * t_cur - t_prev
      t_prev <- t_cur; t_cur <- t_next
      u_next <- 2 * y * u_cur - u_prev
      u_prev <- u_cur; u_cur <- u_next
    }
    list(T = Tm, U = Um)
  }
  list(fn = function(x) rowSums(cheb(x)$T) / n + const,
       jac = function(x) 2 / n * (1:n) * cheb(x)$U,
       x0 = (1:n) / (n + 1), solution = NULL,
       note = if (n == 8) "has no solution: min ||F||^2 = 3.51687e-3 (More, Garbow & Hillstrom)"
              else "exact quadrature nodes: a solution exists for n <= 7 and n = 9")
}

sys_brown_almost_linear <- function(n) {
  list(fn = function(x) c(x[-n] + sum(x) - (n + 1), prod(x) - 1),
       jac = function(x) {
         J <- matrix(1, n, n) + diag(n)
         J[n, ] <- vapply(seq_len(n), function(j) prod(x[-j]), 0)
         J
       },
       x0 = rep(0.5, n), solution = rep(1, n), note = NULL)
}

sys_discrete_boundary_value <- function(n) {
  h <- 1 / (n + 1)
  t <- (1:n) * h
  list(fn = function(x) {
         2 * x - c(0, x[-n]) - c(x[-1], 0) + h^2 * (x + t + 1)^3 / 2
       },
       jac = function(x) {
         J <- diag(2 + 1.5 * h^2 * (x + t + 1)^2, n)
         if (n > 1) {
           J[cbind(2:n, 1:(n - 1))] <- -1
           J[cbind(1:(n - 1), 2:n)] <- -1
         }
         J
       },
       x0 = t * (t - 1), solution = NULL, note = NULL)
}

sys_discrete_integral_equation <- function(n) {
  h <- 1 / (n + 1)
  t <- (1:n) * h
  list(fn = function(x) {
         w <- (x + t + 1)^3
         lower <- cumsum(t * w)                         # sum over j <= k
         upper <- rev(cumsum(rev((1 - t) * w))) - (1 - t) * w  # sum over j > k
         x + h * ((1 - t) * lower + t * upper) / 2
       },
       jac = function(x) {
         dw <- 3 * (x + t + 1)^2
         K <- outer(1:n, 1:n, function(k, j) ifelse(j <= k, (1 - t[k]) * t[j], t[k] * (1 - t[j])))
         diag(n) + h / 2 * sweep(K, 2, dw, "*")
       },
       x0 = t * (t - 1), solution = NULL, note = NULL)
}

sys_trigonometric <- function(n) {
  k <- 1:n
  list(fn = function(x) n + k - sin(x) - sum(cos(x)) - k * cos(x),
       jac = function(x) {
         J <- matrix(sin(x), n, n, byrow = TRUE)
         diag(J) <- diag(J) + k * sin(x) - cos(x)
         J
       },
       x0 = rep(1 / n, n), solution = NULL, note = NULL)
}

sys_variably_dimensioned <- function(n) {
  k <- 1:n
  list(fn = function(x) {
         s <- sum(k * (x - 1))
         x - 1 + k * s * (1 + 2 * s^2)
       },
       jac = function(x) {
         s <- sum(k * (x - 1))
         diag(n) + (1 + 6 * s^2) * outer(k, k)
       },
       x0 = 1 - k / n, solution = rep(1, n), note = NULL)
}

sys_broyden_tridiagonal <- function(n) {
  list(fn = function(x) (3 - 2 * x) * x - c(0, x[-n]) - 2 * c(x[-1], 0) + 1,
       jac = function(x) {
         J <- diag(3 - 4 * x, n)
         if (n > 1) {
           J[cbind(2:n, 1:(n - 1))] <- -1
           J[cbind(1:(n - 1), 2:n)] <- -2
         }
         J
       },
       x0 = rep(-1, n), solution = NULL, note = NULL)
}

sys_broyden_banded <- function(n) {
  band <- outer(1:n, 1:n, function(k, j) j != k & j >= k - 5 & j <= k + 1)
  list(fn = function(x) x * (2 + 5 * x^2) + 1 - drop(band %*% (x * (1 + x))),
       jac = function(x) {
         J <- -sweep(band * 1, 2, 1 + 2 * x, "*")
         diag(J) <- 2 + 15 * x^2
         J
       },
       x0 = rep(-1, n), solution = NULL, note = NULL)
}

sys_freudenstein_roth <- function(n) {
  list(fn = function(x) c(-13 + x[1] + ((5 - x[2]) * x[2] - 2) * x[2],
                          -29 + x[1] + ((x[2] + 1) * x[2] - 14) * x[2]),
       jac = function(x) rbind(c(1, 10 * x[2] - 3 * x[2]^2 - 2), c(1, 3 * x[2]^2 + 2 * x[2] - 14)),
       x0 = c(0.5, -2), solution = c(5, 4),
       note = "||F|| has a local minimum (48.98425 for ||F||^2) at (11.41, -0.8968) that is not a root")
}

# MINPACK's hybrd/hybrj test driver schedule: (system, n, number of starts);
# start k is 10^(k - 1) times the standard start.
systems_schedule <- function() {
  data.frame(
    name = c("rosenbrock", "powell_singular", "powell_badly_scaled", "wood", "helical_valley",
             "watson", "watson", "chebyquad", "chebyquad", "chebyquad", "chebyquad", "chebyquad",
             "brown_almost_linear", "brown_almost_linear", "brown_almost_linear",
             "discrete_boundary_value", "discrete_integral_equation",
             "discrete_integral_equation", "trigonometric", "variably_dimensioned",
             "broyden_tridiagonal", "broyden_banded", "freudenstein_roth"),
    n = c(2, 4, 2, 4, 3, 6, 9, 5, 6, 7, 8, 9, 10, 30, 40, 10, 1, 10, 10, 10, 10, 10, 2),
    tries = c(3, 3, 2, 3, 3, 2, 2, 3, 3, 3, 1, 1, 3, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3),
    stringsAsFactors = FALSE)
}

fixed_size_systems <- c("rosenbrock", "powell_singular", "powell_badly_scaled", "wood",
                        "helical_valley", "freudenstein_roth")

systems_problem_list <- function() {
  sch <- systems_schedule()
  out <- list()
  for (i in seq_len(nrow(sch))) {
    nm <- sch$name[i]
    n <- as.integer(sch$n[i])
    base <- get(paste0("sys_", nm))(n)
    for (k in seq_len(sch$tries[i])) {
      factor <- 10^(k - 1)
      x0 <- if (factor == 1) base$x0 else if (all(base$x0 == 0)) rep(factor, n) else factor * base$x0
      id <- if (nm %in% fixed_size_systems) sprintf("%s_x%d", nm, factor)
            else sprintf("%s_n%d_x%d", nm, n, factor)
      out[[id]] <- list(name = id, fn = base$fn, jac = base$jac, x0 = x0, n = n,
                        factor = factor, note = base$note, solution = base$solution)
    }
  }
  out
}
