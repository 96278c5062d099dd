#!/usr/bin/env bash
# Fetch the front-end libraries from the npm registry and copy their built files into
# crewdesk/static/vendor/. The result is committed: installing Crewdesk needs no npm.
# Run it again after changing a version below.
set -euo pipefail

BOOTSTRAP=5.3.9
BOOTSTRAP_ICONS=1.13.2
HTMX=2.0.11
CHARTJS=4.6.1

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/crewdesk/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME VERSION -> unpacked into $work/NAME
  (cd "$work" && npm pack --silent "$1@$2" >/dev/null)
  mkdir -p "$work/$1"
  tar -xzf "$work"/"${1//\//-}"-"$2".tgz -C "$work/$1" --strip-components=1
}

fetch bootstrap "$BOOTSTRAP"
fetch bootstrap-icons "$BOOTSTRAP_ICONS"
fetch htmx.org "$HTMX"
fetch chart.js "$CHARTJS"

rm -rf "$dest"
mkdir -p "$dest"/{bootstrap,bootstrap-icons/fonts,htmx,chartjs}
cp "$work/bootstrap/dist/css/bootstrap.min.css" "$dest/bootstrap/"
cp "$work/bootstrap/dist/js/bootstrap.bundle.min.js" "$dest/bootstrap/"
cp "$work/bootstrap/LICENSE" "$dest/bootstrap/"
cp "$work/bootstrap-icons/font/bootstrap-icons.min.css" "$dest/bootstrap-icons/"
cp "$work/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$dest/bootstrap-icons/fonts/"
cp "$work/bootstrap-icons/LICENSE" "$dest/bootstrap-icons/"
cp "$work/htmx.org/dist/htmx.min.js" "$dest/htmx/"
cp "$work/htmx.org/LICENSE" "$dest/htmx/"
cp "$work/chart.js/dist/chart.umd.min.js" "$dest/chartjs/" 2>/dev/null \
  || cp "$work/chart.js/dist/chart.umd.js" "$dest/chartjs/chart.umd.min.js"
cp "$work/chart.js/LICENSE.md" "$dest/chartjs/"
# Source maps are not shipped, so no file may name one: with hashed static file names
# (STATIC_MANIFEST, the production default) collectstatic fails on a reference to a missing file.
python3 - "$dest" <<'PY'
import pathlib, re, sys
for path in pathlib.Path(sys.argv[1]).rglob("*"):
    if path.suffix in (".js", ".css"):
        text = path.read_text()
        stripped = re.sub(r"\n?(//# sourceMappingURL=\S+|/\*# sourceMappingURL=\S+ ?\*/)\s*$", "\n", text)
        if stripped != text:
            path.write_text(stripped)
PY
# The woff fallback is not shipped: every browser we support reads woff2.
python3 - "$dest/bootstrap-icons/bootstrap-icons.min.css" <<'PY'
import re, sys
path = sys.argv[1]
css = re.sub(r',url\("(\./)?fonts/bootstrap-icons\.woff\?[^"]*"\) format\("woff"\)', "", open(path).read())
open(path, 'w').write(css)
PY
cat > "$dest/VERSIONS" <<VERSIONS
bootstrap $BOOTSTRAP
bootstrap-icons $BOOTSTRAP_ICONS
htmx.org $HTMX
chart.js $CHARTJS
VERSIONS
echo "Vendored into $dest:"
cat "$dest/VERSIONS"
