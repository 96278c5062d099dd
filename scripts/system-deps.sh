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
    # ...and needs a font: without one, a PDF's text is invisible.
    fc-list 2>/dev/null | grep -qi 'dejavu' || need+=(fonts-dejavu-core)
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

# Another apt or dpkg (unattended-upgrades, a second `make`) may hold apt's locks: wait for it
# rather than fail. apt waits for the dpkg lock itself (DPkg::Lock::Timeout), but not for the
# package lists' lock that `apt-get update` takes, so a refusal for a lock is tried again.
LOCK_WAIT=${APT_LOCK_WAIT:-600}  # seconds

apt_get() {
  local waited=0 err
  err=$(mktemp)
  until apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" "$@" 2>"$err"; do
    local status=$?
    if ! grep -q "Could not get lock" "$err" || [ "$waited" -ge "$LOCK_WAIT" ]; then
      cat "$err" >&2
      rm -f "$err"
      return "$status"
    fi
    [ "$waited" -eq 0 ] && echo "Waiting for another apt or dpkg to finish: $(grep -m1 'Could not get lock' "$err" | sed 's/^E: //')"
    sleep 5
    waited=$((waited + 5))
  done
  cat "$err" >&2
  rm -f "$err"
}

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${need[*]} (waiting up to $((LOCK_WAIT / 60)) minutes if another apt holds its lock)"
  export DEBIAN_FRONTEND=noninteractive
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Crewdesk needs these system packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
