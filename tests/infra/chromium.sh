#!/usr/bin/env bash
# Makes Debian's chromium (and a CJK font, without which Chinese pages render as empty boxes) available for the
# browser tests, and prints the browser's path. Idempotent: installed or not. Needs root to install.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi -E "wenquanyi|wqy|noto sans cjk"; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "chromium or a CJK font is missing and only root can install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null; }
fi
command -v chromium
