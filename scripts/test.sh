#!/usr/bin/env bash
# The test command: sets the machine up, runs the whole suite, and ends with a plain
# "N passed, N failed" line. Extra arguments go to `dotnet test` (e.g. --filter Wire).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
rm -rf TestResults
dotnet test Descsock.sln -c Release --logger "trx;LogFilePrefix=results" --results-directory TestResults "$@"
status=$?
passed=0; failed=0; skipped=0; found=0
for f in TestResults/*.trx; do
  [ -e "$f" ] || continue
  found=1
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed))); skipped=$((skipped + $(get notExecuted)))
done
if [ "$found" -eq 0 ]; then
  echo "no test results were written"
  exit $(( status == 0 ? 1 : status ))
fi
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
if [ "$status" -eq 0 ] && [ "$failed" -gt 0 ]; then status=1; fi
exit "$status"
