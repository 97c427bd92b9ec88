"""The designer's report (`competence report -o FILE.html`) in a real headless browser.

Chromium from the system packages, driven by Playwright: the page must load with no console
error and no request leaving it, read at phone and desktop widths without the page itself
scrolling sideways (wide tables scroll inside their own box), and print. Screenshots and the
printed PDF are written to target/browser/ and their paths printed in the test output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "target" / "browser"
CURRICULUM = "cnwl-developing-expertise-peer-working"
ROLE = "cpft-peer-support-worker"

VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}


def chromium() -> str:
    """The system's Chromium; in CI its absence fails the test, elsewhere it skips it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return os.environ.get("CHROMIUM", found)
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed (CI installs it with the system package manager)")
    pytest.skip("Chromium is not installed: `apt-get install chromium` to run the browser tests")


def competence(*args: str) -> subprocess.CompletedProcess[str]:
    binary = ROOT / "target" / "debug" / "competence"
    command = [str(binary)] if binary.exists() else ["cargo", "run", "-q", "-p", "framework-cli", "--"]
    return subprocess.run(command + list(args), cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def pages() -> dict[str, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, extra in {
        "report": ["--target", ROLE],
        "report-no-target": [],
    }.items():
        path = OUT / f"{name}.html"
        done = competence("report", CURRICULUM, *extra, "-o", str(path))
        assert done.returncode == 0, done.stderr
        made[name] = path
    path = OUT / "gaps.html"
    done = competence("gaps", "--target", ROLE, "--from", CURRICULUM, "--format", "html", "-o", str(path))
    assert done.returncode == 0, done.stderr
    made["gaps"] = path
    return made


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    executable = chromium()
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser, path: Path, width: int, height: int):
    """The page loaded at a size, with its console errors and outgoing requests recorded."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, errors, requests


@pytest.mark.parametrize("name", ["report", "report-no-target", "gaps"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_page_reads_at_every_width_offline(browser, pages, name, viewport):
    width, height = VIEWPORTS[viewport]
    context, page, errors, requests = open_page(browser, pages[name], width, height)
    try:
        assert errors == [], f"console errors: {errors}"
        assert requests == [], f"requests left the page: {requests}"
        # The page itself does not scroll sideways; wide tables scroll in their own box.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than a {width}px screen"
        shot = OUT / f"{name}-{viewport}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
    finally:
        context.close()


def test_the_report_shows_every_part(browser, pages):
    context, page, _, _ = open_page(browser, pages["report"], *VIEWPORTS["desktop"])
    try:
        headings = page.locator("h2").all_inner_texts()
        for part in ["Summary", "Coverage per top-level item", "Course map", "Gaps", "Sequencing findings"]:
            assert part in headings, headings
        # The chart: one labelled bar group per top-level item of the framework.
        bars = page.locator("svg.chart text[text-anchor='end']").count()
        assert bars >= 5
        # The grid: titles beside ids, depths as coloured cells.
        grid = page.locator("table.grid")
        assert grid.locator("tr.group").count() >= 5
        assert grid.locator("td.cell.d1, td.cell.d2, td.cell.d3").count() > 0
        # Gaps per requirement of the role.
        h3 = page.locator("h3").all_inner_texts()
        assert any(t.startswith("care-certificate") for t in h3), h3
        assert any(t.startswith("statutory-training") for t in h3), h3
    finally:
        context.close()


def test_the_report_prints(browser, pages):
    context, page, errors, _ = open_page(browser, pages["report"], *VIEWPORTS["desktop"])
    try:
        page.emulate_media(media="print")
        # Printed, the wide tables are not clipped into a scrolling box.
        overflow = page.evaluate("getComputedStyle(document.querySelector('.scroll')).overflowX")
        assert overflow == "visible"
        pdf = OUT / "report.pdf"
        page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True)
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and data.count(b"/Type /Page") >= 2
        assert errors == []
        print(f"printed: {pdf}")
    finally:
        context.close()
