#!/usr/bin/env bash
# Builds everything (Release) and runs every test project, one after another.
# Prints a closing line "Tests: N passed, M failed". Exit code 0 only when every test passed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

echo "== build"
dotnet build Actors.sln -c Release -nologo -v q || { echo "Tests: 0 passed, 1 failed"; exit 1; }

passed=0 failed=0 status=0
for project in tests/Actors.Core.Tests tests/Actors.Runtime.Tests tests/Actors.Cluster.Tests; do
  echo "== $project"
  log=$(mktemp)
  dotnet test "$project" -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  p=$(grep -oE 'Passed: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  f=$(grep -oE 'Failed: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  rm -f "$log"
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ]; then status=1; [ "$f" -eq 0 ] && failed=$((failed + 1)); fi
done

echo "Tests: $passed passed, $failed failed"
exit $status
