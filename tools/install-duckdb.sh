#!/usr/bin/env bash
# tools/install-duckdb.sh -- build and install the CRAN package duckdb (the
# embedded engine issue 18 names) from source, ONCE per machine, resumably.
# Not called by install-deps.sh / `make check` / .ci/run: here (duckdb 2.0.0,
# 382 objects, -O2 -j2, a shared 2-core machine under load) the first 308
# objects took about 100 min of wall time in one session and the last 74
# plus the link 49 min (2077 s of user CPU, /usr/bin/time in build.log) in
# the next: about 2.5 h in all, far past CI's 90 minutes.  `make duckdb`.
#   * the source is unpacked into a persistent directory
#     ($NEWTONR_DUCKDB_BUILD_DIR, default ~/.cache/newtonr/duckdb-build) and
#     built in place, so an interrupted build resumes where it stopped;
#   * both cores (MAKEFLAGS=-j2) and -O2 without -g (R's default -g makes
#     the objects several times larger and slower to produce);
#   * CPU and wall time are appended to build.log there (/usr/bin/time -v).
# Usage: bash tools/install-duckdb.sh   (then the DuckDB tests and the DuckDB
# rows of bench/glm-db.R run; without duckdb they skip and say why)
set -uo pipefail
if Rscript --vanilla -e 'quit(status = !nzchar(system.file(package = "duckdb")))' >/dev/null 2>&1; then
  echo "install-duckdb: duckdb is already installed"; exit 0
fi
dir=${NEWTONR_DUCKDB_BUILD_DIR:-$HOME/.cache/newtonr/duckdb-build}
mkdir -p "$dir" && cd "$dir" || exit 1
if [ ! -d duckdb ]; then
  url=$(Rscript --vanilla -e 'r <- getOption("repos")[["CRAN"]]; if (is.na(r) || r == "@CRAN@") r <- "https://cloud.r-project.org"; a <- available.packages(repos = r); cat(sprintf("%s/src/contrib/duckdb_%s.tar.gz", r, a["duckdb", "Version"]))')
  echo "install-duckdb: downloading $url"
  curl -fsSL -o duckdb.tar.gz "$url" && tar xzf duckdb.tar.gz || { echo "install-duckdb: download failed"; exit 1; }
fi
cat > makevars <<'MK'
CXXFLAGS = -O2 -fpic
CXX17FLAGS = -O2 -fpic
CXX11FLAGS = -O2 -fpic
CFLAGS = -O2 -fpic
MK
# duckdb 2.x needs DBI >= 1.2 (DBIResultArrow); Debian 12's r-cran-dbi is 1.1.3:
# then DBI (pure R, seconds) comes from CRAN first, or lazy loading fails
# after the whole build (seen here)
Rscript --vanilla -e 'if (packageVersion("DBI") < "1.2.0") { r <- getOption("repos")[["CRAN"]]; if (is.na(r) || r == "@CRAN@") r <- "https://cloud.r-project.org"; install.packages("DBI", repos = r) }' \
  || { echo "install-duckdb: could not install DBI >= 1.2 from CRAN"; exit 1; }
echo "install-duckdb: building in $dir (resumable; log: $dir/build.log)"
timer=""; [ -x /usr/bin/time ] && timer="/usr/bin/time -v"
date >> build.log
MAKEFLAGS=-j2 R_MAKEVARS_USER="$dir/makevars" $timer R CMD INSTALL --no-test-load duckdb >> build.log 2>&1
rc=$?
grep -E "Elapsed|User time|System time" build.log | tail -n 3
exit $rc
