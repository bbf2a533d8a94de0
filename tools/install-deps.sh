#!/usr/bin/env bash
# Install whatever newtonr needs that this machine does not have yet:
# R packages Rcpp, RcppEigen, knitr, rmarkdown, testthat and the pandoc binary
# (and, optionally, the suggested peers and qpdf).
# On Debian as root they come prebuilt from apt (fast); otherwise R packages
# are installed from CRAN (the repository configured in R's own profile).
set -euo pipefail

RPKGS="Rcpp RcppEigen knitr rmarkdown testthat"
# Peers the tests and benchmarks compare with (Suggests): installed when
# possible, never fatal; the tests that need them skip when absent.  MASS:
# confint() of a GLM profiles through it.
OPTPKGS="MASS nleqslv numDeriv trust glm2 LiblineaR"

missing_r() {
  Rscript --vanilla -e 'p <- commandArgs(TRUE); cat(p[!vapply(p, function(x) nzchar(system.file(package = x)), NA)])' ${1:-$RPKGS}
}

install_optional() {
  local miss
  miss=$(missing_r "$OPTPKGS")
  [ -n "$miss" ] || return 0
  echo "install-deps: installing suggested peers: $miss"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    for p in $miss; do
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "r-cran-$(echo "$p" | tr 'A-Z' 'a-z')" >/dev/null 2>&1 || true
    done
    miss=$(missing_r "$OPTPKGS")
  fi
  # shellcheck disable=SC2086
  [ -z "$miss" ] || Rscript -e 'try(install.packages(commandArgs(TRUE), Ncpus = 2))' $miss || true
  miss=$(missing_r "$OPTPKGS")
  [ -z "$miss" ] || echo "install-deps: suggested peers not installed (their tests skip): $miss"
}
install_optional

# Peers taken from Debian's prebuilt packages only (from CRAN they would build
# many large dependencies from source, e.g. lme4 for car): car (Anova() on a
# newton_glm fit), brglm2 (separation data and checks), DBI, RSQLite,
# RPostgreSQL and dbplyr (GLMs fitted inside a database engine).  Never fatal;
# the tests that need them skip when absent.
APTONLY="car generics brglm2 DBI RSQLite RPostgreSQL dbplyr"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  for p in $(missing_r "$APTONLY"); do
    deb="r-cran-$(echo "$p" | tr 'A-Z' 'a-z')"
    echo "install-deps: installing $deb (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null 2>&1 ||
      echo "install-deps: $deb not installed (its tests skip)"
  done
fi

# qpdf: R CMD check --as-cran warns without it (PDF size checks).  Optional,
# from apt only.
if ! command -v qpdf >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "install-deps: installing qpdf (for R CMD check --as-cran)"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qpdf >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qpdf >/dev/null 2>&1; }; } ||
    echo "install-deps: qpdf not installed (R CMD check --as-cran will warn)"
fi

miss=$(missing_r)
need_pandoc=0
command -v pandoc >/dev/null 2>&1 || need_pandoc=1

if [ -z "$miss" ] && [ "$need_pandoc" = 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
echo "install-deps: missing R packages: ${miss:-none}; pandoc missing: $need_pandoc"

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  debs=""
  for p in $miss; do debs="$debs r-cran-$(echo "$p" | tr 'A-Z' 'a-z')"; done
  [ "$need_pandoc" = 1 ] && debs="$debs pandoc"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends $debs || echo "install-deps: apt-get failed; falling back to CRAN"
fi

miss=$(missing_r)
if [ -n "$miss" ]; then
  echo "install-deps: installing from CRAN: $miss"
  # shellcheck disable=SC2086
  Rscript -e 'install.packages(commandArgs(TRUE), Ncpus = 2)' $miss
fi

miss=$(missing_r)
if [ -n "$miss" ]; then
  echo "install-deps: could not install: $miss" >&2
  exit 1
fi
if ! command -v pandoc >/dev/null 2>&1; then
  echo "install-deps: pandoc is not available; vignettes cannot be built" >&2
  exit 1
fi
echo "install-deps: done"
