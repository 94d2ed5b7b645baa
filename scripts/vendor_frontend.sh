#!/usr/bin/env bash
# Vendor GOV.UK Frontend (CSS/JS only, no GOV.UK brand assets) and axe-core into the tree.
#
# Why: the built files are committed so a fresh machine without npm (and CI) still works, and
# the GDS Transport font and the crown/crest are reserved for GOV.UK: they must never be shipped.
# Re-run after changing a pinned version below (then update its SHA-256 too):
#     bash scripts/vendor_frontend.sh
set -euo pipefail

GOVUK_FRONTEND_VERSION="5.14.0" # the latest 5.x; 6.x drops what crispy-forms-gds 2.0 emits
GOVUK_FRONTEND_SHA256="5a8469fd9fd9700a8dec8834f4053275710ac1dc12dda82a297a6e7884220569"
LEAFLET_VERSION="1.9.4" # the map on location steps and staff pages (progressive enhancement)
LEAFLET_SHA256="84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77"
MARKERCLUSTER_VERSION="1.5.3" # clusters the staff worklist map's pins past a few hundred
MARKERCLUSTER_SHA256="fc6b0b1d00b6c708ae54e43ee4a11ac345e41660e19f0a570190bb35babb1a1c"
CHARTJS_VERSION="4.5.1" # insight charts (every chart has its table; progressive enhancement)
CHARTJS_SHA256="f540d98468457ac7a0aabb32006dfb066297e096c5ea063a5d80aa973d1c337a"
AXE_CORE_VERSION="4.14.1" # the latest 4.x
AXE_CORE_SHA256="e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GOVUK_DEST="$ROOT/static/vendor/govuk-frontend"
AXE_DEST="$ROOT/tests/browser/vendor"
LEAFLET_DEST="$ROOT/static/vendor/leaflet"
PYTHON="${PYTHON:-python3}"

command -v npm >/dev/null || { echo "vendor_frontend: npm is required" >&2; exit 1; }
command -v "$PYTHON" >/dev/null || { echo "vendor_frontend: $PYTHON is required" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# npm pack NAME@VERSION EXPECTED_SHA256 -> prints the tarball path, after checking its digest.
fetch() {
    local spec="$1" expected="$2" tarball actual
    tarball="$(cd "$WORK" && npm pack --silent --ignore-scripts "$spec" | tail -n 1)"
    actual="$(sha256sum "$WORK/$tarball" | cut -d' ' -f1)"
    if [[ "$actual" != "$expected" ]]; then
        echo "vendor_frontend: $spec SHA-256 is $actual, expected $expected" >&2
        exit 1
    fi
    echo "$WORK/$tarball"
}

write_version() { # DEST_FILE NAME VERSION TARBALL LICENSE NOTE
    local tarball="$4"
    {
        echo "package: $2"
        echo "version: $3"
        echo "tarball: $(basename "$tarball")"
        echo "sha256: $(sha256sum "$tarball" | cut -d' ' -f1)"
        echo "license: $5"
        echo "source: npm pack $2@$3 (scripts/vendor_frontend.sh)"
        echo "note: $6"
    } >"$1"
}

# --- GOV.UK Frontend -----------------------------------------------------------------------------
govuk_tgz="$(fetch "govuk-frontend@$GOVUK_FRONTEND_VERSION" "$GOVUK_FRONTEND_SHA256")"
mkdir -p "$WORK/govuk"
tar -xzf "$govuk_tgz" -C "$WORK/govuk"
dist="$WORK/govuk/package/dist/govuk"

stage="$WORK/stage"
mkdir -p "$stage"
cp "$dist/govuk-frontend.min.css" "$dist/govuk-frontend.min.js" "$stage/"
cp -R "$dist/assets" "$stage/assets"

# Reserved GOV.UK brand: the GDS Transport font, and every crown/crest/GOV.UK icon image
# (favicon.*, govuk-crest.svg, govuk-icon-*, govuk-opengraph-image.png), plus the 2025
# "rebrand" copies of the same.
rm -rf "$stage/assets/fonts" "$stage/assets/rebrand"
find "$stage/assets" -type f \( -iname 'favicon*' -o -iname 'govuk-*' -o -iname '*crown*' \
    -o -iname '*crest*' -o -iname '*logo*' \) -delete

# Rewrite the CSS and prune the web manifest; fails loudly if a reserved asset would survive.
"$PYTHON" - "$stage" <<'PY'
import json
import re
import sys
from pathlib import Path

stage = Path(sys.argv[1])
css_path = stage / "govuk-frontend.min.css"
css = css_path.read_text(encoding="utf-8")

SYSTEM_STACK = 'system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif'

# 1. Drop the GDS Transport @font-face rules (they point at the fonts we do not ship).
css = re.sub(r"@font-face\{[^{}]*(?:GDS Transport|/fonts/)[^{}]*\}", "", css)
# 2. Never name the reserved font at all: use the council's system stack instead.
css = re.sub(
    r"""font-family:\s*["']?GDS Transport["']?\s*,\s*arial\s*,\s*sans-serif""",
    "font-family:" + SYSTEM_STACK,
    css,
)
# 3. Absolute /assets/... URLs only work at the site root; make them relative to the CSS file.
css = re.sub(r"""url\((["']?)/assets/""", r"url(\1assets/", css)


# 4. Remove whole rules that use an asset we deleted (the footer crest), so no dangling URL
#    breaks ManifestStaticFilesStorage's collectstatic, then any @supports/@media left empty.
def missing(match: re.Match) -> bool:
    return any(
        not (stage / ref).is_file()
        for ref in re.findall(r"""url\(["']?(assets/[^"')]+)""", match.group(0))
    )


css = re.sub(r"[^{}]+\{[^{}]*url\([^{}]*\}", lambda m: "" if missing(m) else m.group(0), css)
while True:
    pruned = re.sub(r"@[^{}@;]+\{\}", "", css)
    if pruned == css:
        break
    css = pruned
# 5. The source maps are not vendored: a dangling sourceMappingURL also breaks collectstatic.
css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css).rstrip() + "\n"

urls = re.findall(r"url\(([^)]*)\)", css)
leftovers = ["GDS Transport"] if "GDS Transport" in css else []
leftovers += [u for u in urls if re.search(r"^[\"']?/|fonts/|crest|crown|logo", u)]
if leftovers:
    sys.exit(f"vendor_frontend: CSS still contains {leftovers}")
css_path.write_text(css, encoding="utf-8")

js_path = stage / "govuk-frontend.min.js"
js = js_path.read_text(encoding="utf-8")
js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js).rstrip() + "\n"
js_path.write_text(js, encoding="utf-8")

# The manifest only lists GOV.UK crown icons: keep the icons that survived, or drop the file.
manifest = stage / "assets" / "manifest.json"
if manifest.is_file():
    data = json.loads(manifest.read_text(encoding="utf-8"))
    icons = [i for i in data.get("icons", []) if (manifest.parent / i["src"]).is_file()]
    if icons:
        data["icons"] = icons
        manifest.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    else:
        manifest.unlink()
PY

# Empty folders (assets/images once the crown images are gone) are not worth shipping.
find "$stage/assets" -depth -type d -empty -delete

write_version "$stage/VERSION" govuk-frontend "$GOVUK_FRONTEND_VERSION" "$govuk_tgz" MIT \
    "dist/govuk min CSS+JS only; GDS Transport font, crown/crest images, manifest and source maps removed; CSS URLs made relative and fonts switched to a system stack"

rm -rf "$GOVUK_DEST"
mkdir -p "$(dirname "$GOVUK_DEST")"
mv "$stage" "$GOVUK_DEST"

# --- Leaflet and Leaflet.markercluster -----------------------------------------------------------
leaflet_tgz="$(fetch "leaflet@$LEAFLET_VERSION" "$LEAFLET_SHA256")"
cluster_tgz="$(fetch "leaflet.markercluster@$MARKERCLUSTER_VERSION" "$MARKERCLUSTER_SHA256")"
mkdir -p "$WORK/leaflet" "$WORK/cluster" "$WORK/leaflet-stage/images"
tar -xzf "$leaflet_tgz" -C "$WORK/leaflet"
tar -xzf "$cluster_tgz" -C "$WORK/cluster"
cp "$WORK/leaflet/package/dist/leaflet.js" "$WORK/leaflet/package/dist/leaflet.css" "$WORK/leaflet-stage/"
cp "$WORK/leaflet/package/dist/images/"*.png "$WORK/leaflet-stage/images/"
cp "$WORK/cluster/package/dist/leaflet.markercluster.js" "$WORK/cluster/package/dist/MarkerCluster.css" \
    "$WORK/cluster/package/dist/MarkerCluster.Default.css" "$WORK/leaflet-stage/"
# Source maps are not vendored: a dangling sourceMappingURL breaks collectstatic.
sed -i -E 's#//\# sourceMappingURL=\S+##' "$WORK/leaflet-stage/"*.js
write_version "$WORK/leaflet-stage/VERSION" leaflet "$LEAFLET_VERSION" "$leaflet_tgz" BSD-2-Clause \
    "dist leaflet.js, leaflet.css and images/ only; with leaflet.markercluster $MARKERCLUSTER_VERSION (MIT, sha256 $MARKERCLUSTER_SHA256): dist JS and CSS"
rm -rf "$LEAFLET_DEST"
mv "$WORK/leaflet-stage" "$LEAFLET_DEST"

# --- axe-core (browser accessibility tests only, never served) -----------------------------------
axe_tgz="$(fetch "axe-core@$AXE_CORE_VERSION" "$AXE_CORE_SHA256")"
mkdir -p "$WORK/axe" "$AXE_DEST"
tar -xzf "$axe_tgz" -C "$WORK/axe"
cp "$WORK/axe/package/axe.min.js" "$AXE_DEST/axe.min.js"
write_version "$AXE_DEST/VERSION" axe-core "$AXE_CORE_VERSION" "$axe_tgz" MPL-2.0 \
    "axe.min.js only, injected by the Playwright accessibility tests"

echo "Vendored govuk-frontend $GOVUK_FRONTEND_VERSION into ${GOVUK_DEST#"$ROOT"/}"
echo "Vendored leaflet $LEAFLET_VERSION and leaflet.markercluster $MARKERCLUSTER_VERSION into ${LEAFLET_DEST#"$ROOT"/}"

# --- Chart.js (insight pages) --------------------------------------------------------------------
chart_tgz="$(fetch "chart.js@$CHARTJS_VERSION" "$CHARTJS_SHA256")"
mkdir -p "$WORK/chartjs" "$WORK/chartjs-stage"
tar -xzf "$chart_tgz" -C "$WORK/chartjs"
cp "$WORK/chartjs/package/dist/chart.umd.min.js" "$WORK/chartjs-stage/"
sed -i -E 's#//\# sourceMappingURL=\S+##' "$WORK/chartjs-stage/"*.js
write_version "$WORK/chartjs-stage/VERSION" chart.js "$CHARTJS_VERSION" "$chart_tgz" MIT "dist chart.umd.min.js only"
rm -rf "$ROOT/static/vendor/chart.js"
mv "$WORK/chartjs-stage" "$ROOT/static/vendor/chart.js"
echo "Vendored chart.js $CHARTJS_VERSION into static/vendor/chart.js"
echo "Vendored axe-core $AXE_CORE_VERSION into ${AXE_DEST#"$ROOT"/}"
