"""The HTML report in a real browser: headless Chromium (Debian's chromium + chromium-driver) driven by Selenium.

Each page is opened from a file: no console errors, one mark per positioned finding, a click on
a finding scrolls its mark into view, no request leaves the page (DevTools Network events from
the performance log), and a hostile message runs nothing.  A screenshot of each report is saved
in $SPAMLINT_SCREENSHOTS, or else in a temporary folder the test prints.
.ci/run installs chromium and chromium-driver; without them these tests are skipped, saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

import spamlint
from spamlint.engine.rules import builtin_rules
from spamlint.formatters.html import render_page
from test_html_report import HOSTILE, SAMPLES

# Debian's packages; SPAMLINT_CHROMIUM and SPAMLINT_CHROMEDRIVER point elsewhere
CHROMIUM = os.environ.get("SPAMLINT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SPAMLINT_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000")
_missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
pytestmark = pytest.mark.skipif(bool(_missing), reason=f"headless browser tests need {' and '.join(_missing)} "
                                                      "(apt-get install chromium chromium-driver; .ci/run does)")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a test extra: pip install -e '.[test]'")

# every mark in the page and in each rendered email's iframe
MARKS_JS = """
var out = Array.prototype.slice.call(document.querySelectorAll('[data-spamlint-rule]'));
document.querySelectorAll('iframe.email').forEach(function (f) {
  out = out.concat(Array.prototype.slice.call(f.contentDocument.querySelectorAll('[data-spamlint-rule]')));
});
return out.length;
"""
# is finding n's mark on screen: inside its iframe's viewport and, through the iframe, inside the window's?
IN_VIEW_JS = """
var n = arguments[0], sel = '[data-spamlint-n="' + n + '"]';
var el = document.querySelector(sel), frame = null;
document.querySelectorAll('iframe.email').forEach(function (f) {
  var m = f.contentDocument.querySelector(sel); if (!el && m) { el = m; frame = f; }
});
var r = el.getBoundingClientRect();  // with what it holds: an inline mark around a tall image is as tall
r = {top: r.top, bottom: r.bottom, width: r.width, height: r.height};
el.querySelectorAll('*').forEach(function (k) {
  var q = k.getBoundingClientRect();
  if (q.width || q.height) { r.top = Math.min(r.top, q.top); r.bottom = Math.max(r.bottom, q.bottom); r.width = r.width || q.width; }
});
r.height = r.bottom - r.top;
if (r.width === 0 && r.height === 0) { return null; }  // not rendered (hidden text): nothing to scroll to
var need = Math.min(r.height, 20);  // a mark taller than the view is in view when enough of it shows
function shows(top, bottom, height) { return Math.min(bottom, height) - Math.max(top, 0) >= need; }
var top = r.top, bottom = r.bottom;
if (frame) {
  if (!shows(r.top, r.bottom, frame.clientHeight)) { return false; }
  var fr = frame.getBoundingClientRect();
  top = Math.max(r.top, 0) + fr.top; bottom = Math.min(r.bottom, frame.clientHeight) + fr.top;
}
return shows(top, bottom, window.innerHeight);
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module, with browser and performance (DevTools) logs."""
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS:
        opts.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="spamlint-chromium-")
    opts.add_argument(f"--user-data-dir={profile}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $SPAMLINT_SCREENSHOTS, or a temporary folder (printed)."""
    folder = Path(os.environ.get("SPAMLINT_SCREENSHOTS") or tmp_path_factory.mktemp("html-report-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nHTML report screenshots: {folder}")
    return folder


def _open(browser, tmp_path: Path, data: bytes, name: str) -> tuple[spamlint.Report, Path]:  # type: ignore[no-untyped-def]
    doc = spamlint.load_document(data, name=name)
    report = spamlint.lint_document(doc)
    page = tmp_path / f"{name}.html"
    page.write_text(render_page(report, doc, {r.id: r for r in builtin_rules()}), encoding="utf-8")
    browser.get_log("browser"), browser.get_log("performance")  # start both logs afresh
    browser.get(page.as_uri())
    frames = len(browser.find_elements("css selector", "iframe.email"))
    browser.execute_async_script(  # the page's script has wired every iframe once it has loaded
        "var done = arguments[arguments.length - 1], want = arguments[0], t0 = Date.now();"
        "(function poll() { var n = +(document.documentElement.getAttribute('data-frames-ready') || 0);"
        " if (n >= want || Date.now() - t0 > 5000) { done(n); } else { setTimeout(poll, 20); } })();", frames)
    return report, page


def _requests(browser) -> list[str]:  # type: ignore[no-untyped-def]
    """URLs the browser requested since the last call, leaving out its own UI (chrome://, the new-tab page)."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            urls.append(message["params"].get("request", {}).get("url") or message["params"].get("url", ""))
    return [u for u in urls if not u.startswith(("chrome:", "chrome-untrusted:", "devtools:"))]


CASES = sorted(p.name for p in SAMPLES.iterdir()) + ["hostile.eml"]


@pytest.mark.parametrize("name", CASES)
def test_report_in_chromium(browser, shots: Path, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    data = HOSTILE if name == "hostile.eml" else (SAMPLES / name).read_bytes()
    report, page = _open(browser, tmp_path, data, name)
    browser.save_screenshot(str(shots / f"{name}.png"))
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    positioned = [i for i, f in enumerate(report.findings) if f.line is not None]
    assert browser.execute_script(MARKS_JS) == len(positioned)
    requests = _requests(browser)
    assert page.as_uri() in requests
    assert all(u == page.as_uri() or u.startswith(("data:", "about:")) for u in requests), requests


@pytest.mark.parametrize("name", ["spammy-promotion.eml", "promo-template.txt"])
def test_clicking_a_finding_scrolls_its_mark_into_view(browser, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    report, _ = _open(browser, tmp_path, (SAMPLES / name).read_bytes(), name)
    positioned = [i for i, f in enumerate(report.findings) if f.line is not None]
    checked = 0
    for n in reversed(positioned):  # bottom-up, so each click has to scroll
        item = browser.find_element("css selector", f'#findings li[data-n="{n}"] .rule')
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", item)
        item.click()
        seen = browser.execute_script(IN_VIEW_JS, n)
        if seen is None:
            continue
        assert seen, f"finding {n} ({report.findings[n].rule}) not scrolled into view"
        assert browser.find_element("css selector", f'#findings li[data-n="{n}"]').get_attribute("class").endswith("current")
        checked += 1
    assert checked >= len(positioned) - 2


def test_hostile_message_runs_nothing(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _open(browser, tmp_path, HOSTILE, "hostile.eml")
    clicked = browser.execute_script(  # a javascript: link or an onclick would run here if it survived
        "var n = 0; document.querySelectorAll('iframe.email').forEach(function (f) {"
        " f.contentDocument.querySelectorAll('a, img, span, svg').forEach(function (a) { a.click && a.click(); n++; }); });"
        "return n;")
    assert clicked > 3
    ran = browser.execute_script(
        "var r = [window.__pwned, document.title];"
        "document.querySelectorAll('iframe.email').forEach(function (f) { r.push(f.contentWindow.__pwned); });"
        "return r;")
    assert ran[0] is None and ran[2:] == [None] * (len(ran) - 2)
    assert ran[1] == "spamlint: hostile.eml"
    assert len(browser.find_elements("css selector", "script")) == 1
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    requests = _requests(browser)
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests


def test_hovering_a_mark_shows_its_rule(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.action_chains import ActionChains

    report, _ = _open(browser, tmp_path, (SAMPLES / "spammy-promotion.eml").read_bytes(), "spammy-promotion.eml")
    n = next(i for i, f in enumerate(report.findings) if f.rule == "generic-greeting")
    frame = browser.find_element("css selector", "iframe.email")
    browser.switch_to.frame(frame)
    mark = browser.find_element("css selector", f'[data-spamlint-n="{n}"]')
    ActionChains(browser).move_to_element(mark).perform()
    browser.switch_to.default_content()
    tip = browser.find_element("id", "tip")
    assert tip.is_displayed() and "generic-greeting" in tip.text and "Fix:" in tip.text


def test_batch_index_links_to_each_page(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from spamlint.formatters.html import html_files

    sources = sorted(SAMPLES.iterdir())
    docs = [spamlint.load_document(p, name=p.name) for p in sources]
    reports = [spamlint.lint_document(d) for d in docs]
    for name, page in html_files(reports, docs, builtin_rules()).items():
        (tmp_path / name).write_text(page, encoding="utf-8")
    browser.get_log("browser")
    browser.get((tmp_path / "index.html").as_uri())
    links = browser.find_elements("css selector", "table.index a")
    assert [a.text for a in links][0] == "spammy-promotion.eml"  # highest score first
    links[0].click()
    assert browser.title == "spamlint: spammy-promotion.eml"
    browser.find_element("link text", "\u2190 all inputs").click()
    assert browser.title == "spamlint report"
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
