# helper-glm-collection.R -- the GLM collection of test-glm-collection.R
# (every documented model of the shipped data sets) and of
# test-glm-hf-collection.R, which adds GLMs on base R / MASS data.

coll_data <- function(name) {
  e <- new.env()
  utils::data(list = name, package = "newtonr", envir = e)
  e[[name]]
}

# The models of the packages' examples: formula, family, data, start.
coll_models <- function() {
  heart <- coll_data("heart")
  crabs <- coll_data("crabs")
  crabs$w0 <- crabs$Width - min(crabs$Width)
  sex2 <- coll_data("sex2")
  endo <- coll_data("endometrial")
  liz <- coll_data("lizards")
  bw <- coll_data("birthwt")
  bwt <- with(bw, data.frame(low = factor(low), age, lwt, race = factor(race),
                             smoke = (smoke > 0), ptd = factor(ptl > 0), ht = (ht > 0),
                             ui = (ui > 0), ftv = factor(pmin(ftv, 2))))
  p0 <- sum(heart$Deaths) / sum(heart$Patients)
  fc <- Satellites ~ w0 + factor(Dark) + factor(GoodSpine)
  y4 <- data.frame(y = c(1, 1, 1, 0))
  list(
    heart = list(cbind(Deaths, Patients - Deaths) ~ factor(AgeGroup) + factor(Severity) +
                   factor(Delay) + factor(Region), binomial("log"), heart, c(log(p0), rep(0, 8))),
    crabs = list(fc, poisson("identity"), crabs, rep(1, 4)),
    crabs_rep1 = list(fc, poisson("identity"), crabs[crabs$Rep1, ], rep(1, 4)),
    crabs_rep2 = list(fc, poisson("identity"), crabs[crabs$Rep2, ], rep(1, 4)),
    null_175 = list(y ~ 1, binomial(), y4, -1.75),
    null_181 = list(y ~ 1, binomial(), y4, -1.81),
    sex2 = list(case ~ age + oc + vic + vicl + vis + dia, binomial(), sex2, NULL),
    endometrial = list(HG ~ NV + PI + EH, binomial(), endo, NULL),
    endometrial_probit = list(HG ~ NV + PI + EH, binomial("probit"), endo, NULL),
    lizards = list(cbind(grahami, opalinus) ~ height + diameter + light + time, binomial(),
                   liz, NULL),
    birthwt = list(low ~ ., binomial(), bwt, NULL))
}

# Fit with the warnings collected (fit, warnings).
coll_fit <- function(m, fitter, control) {
  w <- character()
  fit <- withCallingHandlers(
    fitter(m[[1]], family = m[[2]], data = m[[3]], start = m[[4]], control = control),
    warning = function(x) {
      w <<- c(w, conditionMessage(x))
      invokeRestart("muffleWarning")
    })
  list(fit = fit, warnings = w)
}

coll_separated <- c(sex2 = "dia", endometrial = "NV", endometrial_probit = "NV")


# GLMs on base R and MASS data (the examples of ?glm, MASS's book and help
# pages) across families and links: binomial 0/1, proportions with weights
# and cbind; poisson with offsets and log-linear tables (Titanic's two-way
# model has empty cells: fitted means tend to 0); Gamma; gaussian; quasi
# families; constructed exact aliasing (NA coefficients in glm) and
# separation.  Each entry: formula, family, data, start, the name of the
# prior-weights column (NULL: none).
hf_base_models <- function() {
  e <- new.env()
  utils::data(list = c("Insurance", "quine", "menarche", "snails", "ships", "anorexia", "birthwt"),
              package = "MASS", envir = e)
  budworm <- data.frame(ldose = rep(0:5, 2), numdead = c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16),
                        sex = factor(rep(c("M", "F"), c(6, 6))))
  clot <- data.frame(u = c(5, 10, 15, 20, 30, 40, 60, 80, 100),
                     lot1 = c(118, 58, 42, 35, 27, 25, 21, 19, 18))
  dob <- data.frame(counts = c(18, 17, 15, 20, 10, 20, 25, 13, 12),
                    outcome = gl(3, 1, 9), treatment = gl(3, 3))
  ucb <- as.data.frame(UCBAdmissions)
  tit <- as.data.frame(Titanic)
  ships <- e$ships[e$ships$service > 0, ]
  ships$year <- factor(ships$year); ships$period <- factor(ships$period)
  ins <- e$Insurance
  ins$Group <- factor(ins$Group, ordered = FALSE); ins$Age <- factor(ins$Age, ordered = FALSE)
  esoph2 <- esoph
  esoph2$n <- esoph2$ncases + esoph2$ncontrols
  esoph2$prop <- esoph2$ncases / esoph2$n
  men <- e$menarche
  men$prop <- men$Menarche / men$Total
  mt <- mtcars
  mt$wt2 <- 2 * mt$wt          # aliased with wt
  mt$cw <- mt$cyl + mt$wt      # aliased with cyl + wt
  wb <- warpbreaks
  wb$ab <- as.numeric(wb$tension != "L")  # aliased with tensionM + tensionH
  sep <- data.frame(x = c(1:10), y = c(rep(0, 5), rep(1, 5)), z = c(0.3, -1, 2, 0.1, 1, 0.5, -0.2, 1.1, 0.4, -0.6))
  qsep <- data.frame(x = c(-3, -2, -1, 0, 0, 1, 2, 3), y = c(0, 0, 0, 1, 0, 1, 1, 1))  # quasi-separation
  list(
    esoph_cbind = list(cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp, binomial(), esoph, NULL, NULL),
    esoph_prop_w = list(prop ~ agegp + unclass(tobgp) + unclass(alcgp), binomial(), esoph2, NULL, "n"),
    menarche = list(cbind(Menarche, Total - Menarche) ~ Age, binomial(), men, NULL, NULL),
    menarche_qb = list(prop ~ Age, quasibinomial(), men, NULL, "Total"),
    menarche_probit = list(cbind(Menarche, Total - Menarche) ~ Age, binomial("probit"), men, NULL, NULL),
    menarche_cll = list(cbind(Menarche, Total - Menarche) ~ Age, binomial("cloglog"), men, NULL, NULL),
    snails = list(cbind(Deaths, N - Deaths) ~ Species + Exposure + Rel.Hum + Temp, binomial(), e$snails, NULL, NULL),
    budworm = list(cbind(numdead, 20 - numdead) ~ sex * ldose, binomial(), budworm, NULL, NULL),
    birthwt01 = list(low ~ age + lwt + factor(race) + smoke + ht + ui, binomial(), e$birthwt, NULL, NULL),
    ucb_binom = list(Admit == "Admitted" ~ Gender + Dept, binomial(), ucb, NULL, "Freq"),
    ucb_loglin = list(Freq ~ (Admit + Gender + Dept)^2, poisson(), ucb, NULL, NULL),
    titanic_main = list(Freq ~ Class + Sex + Age + Survived, poisson(), tit, NULL, NULL),
    titanic_2way = list(Freq ~ (Class + Sex + Age + Survived)^2, poisson(), tit, NULL, NULL),
    insurance_off = list(Claims ~ District + Group + Age + offset(log(Holders)), poisson(), ins, NULL, NULL),
    ships_off = list(incidents ~ type + year + period + offset(log(service)), poisson(), ships, NULL, NULL),
    quine_pois = list(Days ~ Eth + Sex + Age + Lrn, poisson(), e$quine, NULL, NULL),
    quine_qp = list(Days ~ Eth + Sex + Age + Lrn, quasipoisson(), e$quine, NULL, NULL),
    warpbreaks = list(breaks ~ wool * tension, poisson(), warpbreaks, NULL, NULL),
    warpbreaks_quasi = list(breaks ~ wool + tension, quasi(link = "log", variance = "mu"), warpbreaks, NULL, NULL),
    insectsprays = list(count ~ spray, poisson(), InsectSprays, NULL, NULL),
    dobson = list(counts ~ outcome + treatment, poisson(), dob, NULL, NULL),
    clotting_gamma = list(lot1 ~ log(u), Gamma(), clot, NULL, NULL),
    clotting_gamma_log = list(lot1 ~ log(u), Gamma("log"), clot, NULL, NULL),
    mtcars_gamma_log = list(mpg ~ wt + hp, Gamma("log"), mtcars, NULL, NULL),
    mtcars_gauss = list(mpg ~ wt + factor(cyl) + hp, gaussian(), mtcars, NULL, NULL),
    trees_gauss_log = list(Volume ~ log(Girth) + log(Height), gaussian("log"), trees, NULL, NULL),
    anorexia = list(Postwt ~ Prewt + Treat + offset(Prewt), gaussian(), e$anorexia, NULL, NULL),
    alias_mtcars = list(mpg ~ wt + wt2 + cyl + cw, gaussian(), mt, NULL, NULL),
    alias_mtcars_gamma = list(mpg ~ wt + wt2 + cyl + cw, Gamma("log"), mt, NULL, NULL),
    alias_warpbreaks = list(breaks ~ wool + tension + ab, poisson(), wb, NULL, NULL),
    sep_complete = list(y ~ x + z, binomial(), sep, NULL, NULL),
    sep_quasi = list(y ~ x, binomial(), qsep, NULL, NULL))
}
