#!/usr/bin/env bash
# Read an R CMD check directory: print testthat's totals as one line
# "N passed, N failed[, N skipped]" and exit non-zero on any ERROR, WARNING
# or test failure.
set -u
dir=${1:-newtonr.Rcheck}
log="$dir/00check.log"
if [ ! -f "$log" ]; then
  echo "check-status: no $log (the build failed?)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
status=$(grep -E '^Status:' "$log" | tail -n 1)
echo "R CMD check $status"
rout=$(ls "$dir"/tests/testthat.Rout* 2>/dev/null | head -n 1)
passed=0; failed=0; skipped=0
if [ -n "$rout" ]; then
  line=$(grep -E '\[ FAIL [0-9]+ \| WARN [0-9]+ \| SKIP [0-9]+ \| PASS [0-9]+ \]' "$rout" | tail -n 1)
  if [ -n "$line" ]; then
    failed=$(echo "$line" | sed -E 's/.*FAIL ([0-9]+).*/\1/')
    skipped=$(echo "$line" | sed -E 's/.*SKIP ([0-9]+).*/\1/')
    passed=$(echo "$line" | sed -E 's/.*PASS ([0-9]+).*/\1/')
  else
    failed=1
  fi
  case "$rout" in *.fail) [ "$failed" = 0 ] && failed=1; tail -n 40 "$rout" ;; esac
else
  echo "check-status: tests did not run" >&2
  failed=1
fi
rc=0
if echo "$status" | grep -qE 'ERROR|WARNING' || [ -z "$status" ]; then
  grep -nE '\.\.\. (ERROR|WARNING)' -A 15 "$log" | head -n 80
  rc=1
fi
[ "$failed" != 0 ] && rc=1
if [ "$skipped" != 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $rc
