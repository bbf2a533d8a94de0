# data.R -- documentation of the GLM collection shipped in data/: the
# standard data sets on which GLM fitters fail in known ways (boundary
# optima of non-canonical links, slow or periodic IRLS, separation).  Each
# is a copy of the data set of the package named in its source note; the
# values were not changed.  tests/testthat/test-glm-collection.R fits every
# model their packages' documentation fits.

#' Heart attack patients (log-binomial model)
#'
#' Deaths among patients after a heart attack, by age group, severity,
#' delay before treatment and region; the log-binomial model of glm2's
#' example 4, on which glm's IRLS oscillates without converging.
#'
#' @format A data frame with 74 rows: `Deaths`, `Patients` (counts),
#'   `AgeGroup`, `Severity`, `Delay`, `Region` (numeric codes).
#' @source Copied from the glm2 package (Marschner 2011, "glm2: Fitting
#'   generalized linear models with convergence problems", The R Journal
#'   3(2), 12-15), data set `heart`; glm2 is licensed GPL (>= 2).
#' @examples
#' data(heart, package = "newtonr")
#' p0 <- sum(heart$Deaths) / sum(heart$Patients)
#' fit <- newton_glm(cbind(Deaths, Patients - Deaths) ~ factor(AgeGroup) +
#'   factor(Severity) + factor(Delay) + factor(Region),
#'   binomial(link = "log"), heart, start = c(log(p0), rep(0, 8)))
#' fit$converged
#' @name heart
#' @docType data
#' @usage data(heart, package = "newtonr")
#' @keywords datasets
NULL

#' Horseshoe crab satellites (identity-link Poisson model)
#'
#' Numbers of satellite males of female horseshoe crabs with the female's
#' width, colour and spine condition, and two resampled index vectors; the
#' identity-link Poisson models of glm2's examples 2, 3 and 5.
#'
#' @format A data frame with 173 rows: `Satellites` (count), `Width` (cm),
#'   `Dark`, `GoodSpine` (factors no/yes), `Rep1`, `Rep2` (row indices of two
#'   resamples).
#' @source Copied from the glm2 package (data set `crabs`; Agresti 2002,
#'   Categorical Data Analysis, Table 4.3); glm2 is licensed GPL (>= 2).
#' @name crabs
#' @docType data
#' @usage data(crabs, package = "newtonr")
#' @keywords datasets
NULL

#' Condom use and first-time urinary tract infection (separated by `dia`)
#'
#' The case-control study of Foxman et al. (1997): 130 college women with a
#' urinary tract infection and 109 uninfected controls.  Every woman using a
#' diaphragm (`dia` = 1) is a case, so the data are quasi-completely
#' separated and the maximum-likelihood estimate of `dia`'s coefficient is
#' infinite (Heinze & Schemper 2002).
#'
#' @format A data frame with 239 rows of 0/1 variables: `case` (infection),
#'   `age` (age group), `oc` (oral contraceptive use), `vic` (condom use),
#'   `vicl` (lubricated condom use), `vis` (spermicide use), `dia` (diaphragm
#'   use).
#' @source Transcribed from the logistf package's `data/sex2.txt` (Foxman B,
#'   Marsh J, Gillespie B, Rubin N, Koopman JS, Spear S (1997), "Condom use
#'   and first-time urinary tract infection", Epidemiology 8, 637-641; Heinze
#'   & Schemper 2002, "A solution to the problem of separation in logistic
#'   regression", Statistics in Medicine 21, 2409-2419); logistf is licensed
#'   GPL (>= 2).
#' @name sex2
#' @docType data
#' @usage data(sex2, package = "newtonr")
#' @keywords datasets
NULL

#' Endometrial cancer grade (separated by `NV`)
#'
#' Histology grade and risk factors of 79 endometrial cancer patients; every
#' patient with neovasculation (`NV` = 1) has high grade, so the
#' maximum-likelihood estimate of `NV`'s coefficient is infinite.
#'
#' @format A data frame with 79 rows: `NV` (neovasculation, 0/1), `PI`
#'   (pulsatility index), `EH` (endometrium height), `HG` (histology grade,
#'   0 low / 1 high).
#' @source Copied from the brglm2 package (data set `endometrial`; Heinze &
#'   Schemper 2002; Agresti 2015, Foundations of Linear and Generalized
#'   Linear Models); brglm2 is licensed GPL-3.
#' @name endometrial
#' @docType data
#' @usage data(endometrial, package = "newtonr")
#' @keywords datasets
NULL

#' Habitat preferences of lizards (binomial counts)
#'
#' Numbers of grahami and opalinus lizards by perch height, diameter, light
#' and time of day; brglm2's binomial example.
#'
#' @format A data frame with 23 rows: `grahami`, `opalinus` (counts),
#'   `height`, `diameter`, `light`, `time` (factors).
#' @source Copied from the brglm2 package (data set `lizards`; McCullagh &
#'   Nelder 1989, Generalized Linear Models, Sec. 4.6); brglm2 is licensed
#'   GPL-3.
#' @name lizards
#' @docType data
#' @usage data(lizards, package = "newtonr")
#' @keywords datasets
NULL

#' Risk factors of low birth weight
#'
#' Births at Baystate Medical Center, Springfield, Massachusetts, 1986; the
#' logistic regression of `low` in MASS's examples.
#'
#' @format A data frame with 189 rows: `low` (birth weight < 2.5 kg), `age`,
#'   `lwt` (mother's weight, pounds), `race` (1 white, 2 black, 3 other),
#'   `smoke`, `ptl` (previous premature labours), `ht` (hypertension), `ui`
#'   (uterine irritability), `ftv` (physician visits), `bwt` (grams).
#' @source Copied from the MASS package (data set `birthwt`; Hosmer &
#'   Lemeshow 1989, Applied Logistic Regression); MASS is licensed GPL-2 |
#'   GPL-3.
#' @name birthwt
#' @docType data
#' @usage data(birthwt, package = "newtonr")
#' @keywords datasets
NULL
