#!/usr/bin/env bash
# Makes Debian's nginx and openssl available for the reverse-proxy tests, idempotently, and prints nginx's path.
# The tests start nginx themselves, as their own process with a configuration in a temporary folder; the system
# service is neither needed nor started. Needs root to install.
set -euo pipefail

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "nginx or openssl is missing and only root can install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # nginx-light is not in every Debian release; nginx (with its default modules: ssl, proxy, realip) is.
  apt-get install -y -q --no-install-recommends nginx openssl >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends nginx openssl >/dev/null; }
  # Debian's package starts its service where it can; the tests need only the program.
  if command -v service >/dev/null 2>&1; then service nginx stop >/dev/null 2>&1 || true; fi
fi
command -v nginx 2>/dev/null || echo /usr/sbin/nginx
