#!/usr/bin/env bash
# Runs every test of the repository and ends with one line: "N passed, N failed, N skipped".
# Usage: bash tests/run.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL proves the shared-database behaviour; tests skip it (and say why) only when it cannot be had.
if [ -z "${PROPOSALS_TEST_POSTGRES:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && PROPOSALS_TEST_POSTGRES=$(bash tests/infra/postgres.sh); then
    export PROPOSALS_TEST_POSTGRES
  else
    echo "PostgreSQL could not be started here: its tests will be skipped" >&2
  fi
fi

# The browser tests drive Debian's chromium through Playwright; they skip (and say why) when it cannot be had.
if [ -z "${PROPOSALS_TEST_CHROMIUM:-}" ]; then
  if PROPOSALS_TEST_CHROMIUM=$(bash tests/infra/chromium.sh); then
    export PROPOSALS_TEST_CHROMIUM
  else
    echo "chromium could not be installed here: the browser tests will be skipped" >&2
  fi
fi
# The reverse-proxy test runs Debian's nginx (its own process, on a free port) with a certificate openssl makes; it skips (and says why) without them.
if [ -z "${PROPOSALS_TEST_NGINX:-}" ]; then
  if PROPOSALS_TEST_NGINX=$(bash tests/infra/nginx.sh); then
    export PROPOSALS_TEST_NGINX
  else
    echo "nginx could not be installed here: the reverse-proxy test will be skipped" >&2
  fi
fi
# Screenshots of the main pages, for a reviewer to look at.
export PROPOSALS_TEST_SCREENSHOTS="${PROPOSALS_TEST_SCREENSHOTS:-$PWD/tests/screenshots}"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet test Proposals.sln --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one summary line per test assembly, e.g.
#   Passed!  - Failed:     0, Passed:    42, Skipped:     1, Total:    43, Duration: 3 s - X.Tests.dll (net10.0)
read -r passed failed skipped assemblies < <(awk '
  /(Passed|Failed)! +- +Failed: / {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i + 1) + 0 }
      if ($i == "Passed:")  { p += $(i + 1) + 0 }
      if ($i == "Skipped:") { s += $(i + 1) + 0 }
    }
    n++
  }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$log")

expected=$(ls -d tests/*.Tests 2>/dev/null | wc -l)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host broke before tests could report; count it as a failure so it cannot pass unseen.
  failed=1
fi
if [ "$assemblies" -lt "$expected" ] && [ "$failed" -eq 0 ]; then
  echo "only $assemblies of $expected test assemblies reported results"
  failed=1
  status=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
