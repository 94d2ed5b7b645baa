"""The vendored GOV.UK Frontend ships no GOV.UK brand, and base.html is the council's own.

The GDS Transport font and the crown/crest are reserved for GOV.UK. These tests read the
committed files (scripts/vendor_frontend.sh makes them) and render base.html: no database.
"""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles.finders import FileSystemFinder
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template import Context, Template, engines
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from django.utils.csp import CSP

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
GOVUK = STATIC / "vendor" / "govuk-frontend"
CSS = GOVUK / "govuk-frontend.min.css"
JS = GOVUK / "govuk-frontend.min.js"
PORTAL_CSS = STATIC / "css" / "portal.css"
AXE = ROOT / "tests" / "browser" / "vendor"
BASE_HTML = ROOT / "templates" / "base.html"
SCRIPT = ROOT / "scripts" / "vendor_frontend.sh"
SYSTEM_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'
# File names GOV.UK Frontend uses for its brand images, today and in older/newer releases.
BRAND_FILE = re.compile(r"crown|crest|govuk-icon|govuk-logo|opengraph|favicon", re.IGNORECASE)


def read_version(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def pinned(variable: str) -> str:
    match = re.search(rf'^{variable}="([^"]+)"', SCRIPT.read_text(encoding="utf-8"), re.M)
    assert match, f"{variable} not pinned in {SCRIPT.name}"
    return match.group(1)


def font_family_selectors(css: str) -> set[str]:
    """Selectors of every rule outside @media print that declares a font-family."""
    selectors: set[str] = set()
    stack: list[str] = []
    buffer = ""
    for char in css:
        if char == "{":
            stack.append(buffer.strip())
            buffer = ""
        elif char == "}":
            if stack and "font-family:" in buffer and not any("print" in s for s in stack[:-1]):
                selectors.update(s.strip() for s in stack[-1].split(","))
            if stack:
                stack.pop()
            buffer = ""
        elif char == ";" and not stack:
            buffer = ""
        else:
            buffer += char
    return selectors


# --- VERSION files ------------------------------------------------------------------------


def test_govuk_frontend_version_file_matches_the_pin_and_the_files() -> None:
    info = read_version(GOVUK / "VERSION")
    version = pinned("GOVUK_FRONTEND_VERSION")
    assert info["package"] == "govuk-frontend"
    assert info["version"] == version
    assert version.split(".")[0] == "5", "crispy-forms-gds 2.0 emits GOV.UK Frontend 5 markup"
    assert info["sha256"] == pinned("GOVUK_FRONTEND_SHA256")
    assert f'--govuk-frontend-version:"{version}"' in CSS.read_text(encoding="utf-8")
    assert f'const version="{version}"' in JS.read_text(encoding="utf-8")


def test_axe_core_version_file_matches_the_pin_and_the_file() -> None:
    info = read_version(AXE / "VERSION")
    version = pinned("AXE_CORE_VERSION")
    assert info["package"] == "axe-core"
    assert info["version"] == version
    assert version.split(".")[0] == "4"
    assert info["sha256"] == pinned("AXE_CORE_SHA256")
    assert (AXE / "axe.min.js").read_text(encoding="utf-8").startswith(f"/*! axe v{version}")


# --- No GOV.UK brand in what is served ----------------------------------------------------


def test_css_has_no_absolute_asset_urls() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert "/assets/" not in css
    for url in re.findall(r"url\(([^)]*)\)", css):
        target = url.strip("\"'")
        assert not target.startswith("/"), url
        if not target.startswith("data:"):
            assert (GOVUK / target).is_file(), f"{url} points at a file that is not vendored"


def test_css_has_no_gds_transport() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert ".woff" not in css


def test_no_fonts_and_no_brand_images_anywhere_in_static() -> None:
    assert not (GOVUK / "assets" / "fonts").exists()
    served = [p for p in STATIC.rglob("*") if p.is_file()]
    assert not [p for p in served if p.suffix in {".woff", ".woff2", ".ttf", ".otf", ".eot"}]
    assert not [p for p in served if BRAND_FILE.search(p.name)]


def test_only_the_needed_files_are_vendored() -> None:
    shipped = {p.relative_to(GOVUK).as_posix() for p in GOVUK.rglob("*") if p.is_file()}
    assert {"govuk-frontend.min.css", "govuk-frontend.min.js", "VERSION"} <= shipped
    assert not [name for name in shipped if name.endswith(".map") or "/src/" in name]


def test_no_dangling_source_maps() -> None:
    """A sourceMappingURL to a file we do not ship fails collectstatic with a manifest."""
    assert "sourceMappingURL" not in CSS.read_text(encoding="utf-8")
    assert "sourceMappingURL" not in JS.read_text(encoding="utf-8")


def test_manifest_storage_can_post_process_the_front_end(tmp_path: Path) -> None:
    """Production uses a manifest storage, which rejects CSS url()s to missing files."""
    storage = ManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    ours = {}
    for path, source in FileSystemFinder().list(ignore_patterns=[]):
        if path.startswith("vendor/") or path == "css/portal.css":
            with source.open(path) as handle:
                storage.save(path, handle)
            ours[path] = (storage, path)
    assert "vendor/govuk-frontend/govuk-frontend.min.css" in ours
    errors = [
        result for _, _, result in storage.post_process(ours) if isinstance(result, Exception)
    ]
    assert errors == []


# --- The council's font stack covers every GOV.UK Frontend font-family -------------------


def test_portal_css_sets_the_system_stack_on_every_govuk_font_family_selector() -> None:
    portal = PORTAL_CSS.read_text(encoding="utf-8")
    assert SYSTEM_STACK in portal
    needed = font_family_selectors(CSS.read_text(encoding="utf-8"))
    assert ".govuk-body" in needed and ".govuk-button" in needed  # the parser found them
    overridden = font_family_selectors(re.sub(r"/\*.*?\*/", "", portal, flags=re.S))
    assert needed - overridden == set()
    assert {"body", "input", "textarea", "select", "button"} <= overridden


# --- base.html ----------------------------------------------------------------------------


def test_base_template_has_no_crown_or_govuk_logo() -> None:
    source = BASE_HTML.read_text(encoding="utf-8").lower()
    for reserved in ("<svg", "crown", "crest", "govuk-header__logotype", "gov.uk", "favicon.ico"):
        assert reserved not in source, reserved


PAGE = (
    '{% extends "base.html" %}{% block title %}Report a pothole{% endblock %}'
    '{% block content %}<h1 class="govuk-heading-l">Report a pothole</h1>{% endblock %}'
)


def render_page(context: dict | None = None) -> str:
    """Render a page extending base.html with no request, as an email preview or a test might."""
    return Template(PAGE).render(Context(context or {}))


def render_with_request(request: HttpRequest) -> str:
    """Render a page as a view does, with the project's context processors."""
    return engines["django"].from_string(PAGE).render({}, request)


def test_base_renders_the_council_layout() -> None:
    html = render_page()
    assert "<title>Report a pothole – Northmoor County Council</title>" in html
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en" class="govuk-template">' in html
    assert 'class="govuk-template__body' in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert '<a href="/" class="ncc-header__link">Northmoor County Council</a>' in html
    assert 'href="/accessibility/">Accessibility statement</a>' in html
    assert 'href="/privacy/">Privacy</a>' in html
    assert 'href="tel:03001236701">Contact us by phone: 0300 123 6701</a>' in html
    assert "© Northmoor County Council" in html
    assert "<svg" not in html


def test_base_links_the_static_files_that_exist() -> None:
    html = render_page()
    for path in (
        "vendor/govuk-frontend/govuk-frontend.min.css",
        "css/portal.css",
        "vendor/govuk-frontend/govuk-frontend.min.js",
    ):
        assert static(path) in html
        assert (STATIC / path).is_file()
    assert (
        f'<script type="module" src="{static("vendor/govuk-frontend/govuk-frontend.min.js")}"'
        in html
    )
    assert "initAll()" in html


def test_title_starts_with_error_when_the_form_has_errors() -> None:
    class Form:
        errors = {"email": ["Enter an email address"]}

    assert "<title>Error: Report a pothole – Northmoor County Council</title>" in render_page(
        {"form": Form()}
    )


def test_base_renders_without_a_csp_nonce() -> None:
    """No request, or no CSP middleware: the scripts render, just without a nonce."""
    html = render_page()
    assert "nonce=" not in html
    assert html.count("<script") == 3
    html = render_with_request(RequestFactory().get("/"))
    assert "nonce=" not in html
    assert "js-enabled" in html


@override_settings(SECURE_CSP={"default-src": [CSP.SELF], "script-src": [CSP.SELF, CSP.NONCE]})
def test_every_script_carries_the_nonce_in_the_csp_header() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(render_with_request(request))

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    html = response.content.decode()
    nonces = re.findall(r'<script[^>]* nonce="([^"]+)"', html)
    assert len(nonces) == html.count("<script") == 3
    assert len(set(nonces)) == 1
    assert f"'nonce-{nonces[0]}'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("block", ["title", "beforecontent", "content", "footer"])
def test_base_has_the_blocks_pages_extend(block: str) -> None:
    assert f"{{% block {block} %}}" in BASE_HTML.read_text(encoding="utf-8")
