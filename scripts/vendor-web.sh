#!/usr/bin/env bash
# Re-vendor the dashboard's map libraries from the npm registry (run by hand when upgrading; the files are committed
# so that the dashboard works offline and nothing is fetched at run or install time). Each tarball is checked
# against the integrity hash the registry published for that version.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/ceasefire/web/static/vendor
declare -A PACKAGES=(
  ["leaflet@1.9.4"]="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
  ["leaflet.markercluster@1.5.3"]="sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA=="
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "${!PACKAGES[@]}"; do
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball=$(ls "$work"/*.tgz | grep "${spec%@*}-${spec#*@}.tgz")
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  [ "$actual" = "${PACKAGES[$spec]}" ] || { echo "error: $spec integrity mismatch: $actual" >&2; exit 1; }
  mkdir -p "$work/${spec%@*}" && tar xzf "$tarball" -C "$work/${spec%@*}"
done
mkdir -p "$VENDOR/leaflet" "$VENDOR/markercluster"
cp -r "$work"/leaflet/package/dist/{leaflet.js,leaflet.css,images} "$work"/leaflet/package/LICENSE "$VENDOR/leaflet/"
cp "$work"/leaflet.markercluster/package/dist/{leaflet.markercluster.js,MarkerCluster.css,MarkerCluster.Default.css} \
   "$work"/leaflet.markercluster/package/MIT-LICENCE.txt "$VENDOR/markercluster/"
echo "vendored: ${!PACKAGES[*]} into $VENDOR"
