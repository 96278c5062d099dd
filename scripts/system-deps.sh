#!/usr/bin/env bash
# Install the Debian packages a part of Crewdesk needs, when they are missing.
# As root it uses apt-get; otherwise it says what to install and fails.
#   scripts/system-deps.sh venv|weasyprint|chromium
set -euo pipefail

need=()
case "${1:-}" in
  venv)
    python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
    ;;
  weasyprint)
    # WeasyPrint renders PDFs with Pango.
    ldconfig -p | grep -q 'libpango-1.0.so.0' || need+=(libpango-1.0-0)
    ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || need+=(libpangoft2-1.0-0)
    ;;
  chromium)
    # Browser tests drive Debian's chromium through Playwright (no browser download).
    command -v chromium >/dev/null || need+=(chromium)
    fc-list 2>/dev/null | grep -qi 'dejavu\|liberation' || need+=(fonts-dejavu-core)
    ;;
  *)
    echo "usage: $0 venv|weasyprint|chromium" >&2
    exit 2
    ;;
esac

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Crewdesk needs these system packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
