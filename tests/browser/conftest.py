"""Browser fixtures shared by the resident and staff end-to-end tests.

Debian's chromium driven by Playwright (there is no `playwright install` here), and axe-core
(vendored at tests/browser/vendor/axe.min.js) for WCAG 2.2 AA checks.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM} (CI installs Debian's chromium package)"
        if os.environ.get("REQUIRE_REAL_SERVICES") == "1":
            pytest.fail(reason)  # CI must run the browser tests, never skip them
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    """A fresh page with JavaScript on. CSP is bypassed only so axe can be injected."""
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


#: Reports every CSP violation on every page to the test (runs before any page script).
_REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
    window.__reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
        + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


@pytest.fixture
def csp_page(browser):
    """A fresh page with JavaScript on and the portal's Content-Security-Policy ENFORCED (no
    bypass, so no axe either). ``page.csp_violations`` lists every violation: the page's
    ``securitypolicyviolation`` events and the browser's "Refused to ..." console errors. The
    test fails at teardown if there is any, so a page that only works without CSP fails."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    violations: list[str] = []
    context.expose_function("__reportCspViolation", lambda text: violations.append(text))
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.csp_violations = violations
    yield page
    context.close()
    assert violations == [], f"CSP violations: {violations}"


@pytest.fixture
def no_js_page(browser):
    """A fresh page with JavaScript switched off: every resident journey must still work."""
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page with the WCAG 2.2 AA rule tags."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )


@pytest.fixture
def assert_accessible():
    """Call with a page (and a label for the failure message): zero axe violations."""
    checked: list[str] = []

    def check(page, label: str = "") -> None:
        violations = axe_violations(page)
        checked.append(label or page.url)
        assert violations == [], f"axe violations on {label or page.url}: {violations}"

    check.checked = checked
    return check
