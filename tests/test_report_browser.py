#!/usr/bin/python3
"""test_report_browser.py -- report.html renders in a real browser, offline.

usage: /usr/bin/python3 tests/test_report_browser.py [PARCOURS_BINARY] [--report FILE]
       (default binary: build/parcours; run from the repository root, as ctest does)

Runs a small `parcours compare` (3 replications of the baseline against
+50 LHSS/LAM) unless --report names an existing report, opens report.html in
headless Chromium through Selenium, and checks what a reader sees: every
table has a header and data rows, every <img> decoded (naturalWidth > 0),
the page needs no JavaScript and no network.

Exit status: 0 pass, 1 fail, 77 skipped (python3-selenium, chromium or
chromium-driver not installed: apt-get install python3-selenium chromium
chromium-driver).
"""
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def skip(why):
    print(f"test_report_browser: SKIPPED, {why}", file=sys.stderr)
    sys.exit(SKIP)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    skip("python3-selenium is not installed (apt-get install python3-selenium chromium-driver)")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not os.access(CHROMIUM, os.X_OK):
    skip("chromium is not installed (apt-get install chromium)")
if not os.access(DRIVER, os.X_OK):
    skip("chromedriver is not installed (apt-get install chromium-driver)")

failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def make_report(binary, out):
    env = dict(os.environ, PARCOURS_SCRIPTS=os.path.join(os.getcwd(), "scripts"))
    cmd = [binary, "compare", "scenarios/paris-baseline.json", "scenarios/policy/lhss-lam-50.json",
           "-r", "3", "--out", out, "--quiet"]
    rc = subprocess.run(cmd, env=env).returncode
    if rc != 0:
        print(f"test_report_browser: {' '.join(cmd)} exited {rc}", file=sys.stderr)
        sys.exit(1)
    return os.path.join(out, "report.html")


def main():
    args = sys.argv[1:]
    report = None
    if "--report" in args:
        i = args.index("--report")
        report = os.path.abspath(args[i + 1])
        del args[i:i + 2]
    binary = os.path.abspath(args[0] if args else "build/parcours")
    tmp = tempfile.mkdtemp(prefix="parcours-test-report-")
    try:
        if report is None:
            if not os.access(binary, os.X_OK):
                print(f"test_report_browser: no executable {binary} (build first)", file=sys.stderr)
                return 1
            report = make_report(binary, os.path.join(tmp, "compare"))
        check(os.path.isfile(report), f"{report} exists")

        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--blink-settings=scriptEnabled=false", f"--user-data-dir={tmp}/profile"):
            opts.add_argument(a)
        try:
            driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
        except Exception as e:  # a driver that cannot start is a broken install, not a failure of ours
            skip(f"headless Chromium did not start: {str(e).splitlines()[0]}")
        try:
            driver.set_page_load_timeout(60)
            driver.get("file://" + report)
            check("Scenario comparison" in driver.find_element(By.TAG_NAME, "h1").text, "title heading")
            check(driver.title.startswith("parcours:"), f"page title ({driver.title!r})")

            tables = driver.find_elements(By.TAG_NAME, "table")
            check(len(tables) >= 5, f"{len(tables)} tables (scenarios and one per planner question)")
            for i, t in enumerate(tables):
                rows = t.find_elements(By.TAG_NAME, "tr")
                cells = t.find_elements(By.TAG_NAME, "td")
                check(len(rows) >= 3 and len(cells) >= 2 and t.size["width"] > 0,
                      f"table {i + 1}: {len(rows)} rows, {len(cells)} cells, displayed")
            headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
            for want in ("Hotel stay in ASSORE", "Time before a downstream place", "People on the street",
                         "Total cost"):
                check(any(want in h for h in headings), f"a section '{want}'")
            body = driver.find_element(By.TAG_NAME, "body").text
            check("\u0394" in body, "differences (\u0394) shown")

            imgs = driver.find_elements(By.TAG_NAME, "img")
            check(len(imgs) >= 2, f"{len(imgs)} images")
            for img in imgs:
                src = img.get_attribute("src") or ""
                w = driver.execute_script("return arguments[0].naturalWidth;", img)
                check(src.startswith("data:image/png;base64,") and w and w > 0,
                      f"image '{img.get_attribute('alt')[:40]}' embedded and decoded (naturalWidth {w})")

            # Self-contained: no script, no external resource.
            scripts = driver.find_elements(By.TAG_NAME, "script")
            check(len(scripts) == 0, "no <script>")
            external = driver.execute_script(
                "return Array.from(document.querySelectorAll('[src],[href]'))"
                ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
                ".filter(u => !u.startsWith('data:') && !u.startsWith('#'));")
            check(not external, f"no external resource {external}")
        finally:
            driver.quit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"test_report_browser: {len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("test_report_browser: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
