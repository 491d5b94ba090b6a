#!/usr/bin/env bash
# Installs the Debian packages named on the command line that are not installed yet:
#   chromium      for the browser tests (Playwright drives /usr/bin/chromium; no browser is ever
#                 downloaded by a test tool);
#   libjemalloc2  the allocator `coopgraph serve` preloads (faster big queries, less memory held).
# Without root it prints the apt-get line to run and exits 0: what needs a package then skips
# (browser tests) or runs without it (the server on the system allocator).
set -euo pipefail
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: run 'sudo apt-get install ${missing[*]}'" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
