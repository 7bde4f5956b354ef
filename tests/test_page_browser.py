"""The auditors' page, driven in a real headless Chromium against a running `pinggu-asp serve`.

Skips, saying why, where Debian's chromium and chromium-driver are not installed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

import pinggu_asp
from pinggu_asp.api import assess
from pinggu_asp.render.explain import build
from serving import running_server
from support import EXAMPLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium chromium-driver)",
)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server(["--workers", "1"]) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(DRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return build(assess(EXAMPLE))


def _wait(browser: Any, condition: Any, timeout: float = 30) -> Any:
    return WebDriverWait(browser, timeout).until(condition)


def _open(browser: Any, base: str) -> None:
    browser.get(base + "/")
    _wait(browser, lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def test_load_the_example_see_the_total_switch_to_english_and_open_a_clause(browser, base, expected):
    _open(browser, base)
    browser.find_element(By.ID, "load-example").click()
    _wait(browser, lambda b: "pinggu-declaration/1" in b.find_element(By.ID, "declaration").get_property("value"))
    _wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#readings input[value='I-upgrade-full']")))
    browser.find_element(By.ID, "check").click()

    total = _wait(browser, EC.visibility_of_element_located((By.ID, "total")))
    _wait(browser, lambda b: total.text == expected["total_text"]["zh"])
    awards = browser.find_elements(By.CSS_SELECTOR, "#awards tbody tr")
    assert [row.find_elements(By.TAG_NAME, "td")[0].text for row in awards] == [a["clause"] for a in expected["awards"]]
    # Every clause is there with its conditions and the quoted phrase of the law.
    shown = [c.get_attribute("data-clause") for c in browser.find_elements(By.CSS_SELECTOR, "#clauses .clause")]
    assert shown == [c["clause"] for c in expected["clauses"]]
    first = expected["clauses"][0]["conditions"][0]
    assert first["phrase_zh"] in browser.find_element(By.ID, "clauses").text

    Select(browser.find_element(By.ID, "lang")).select_by_value("en")
    _wait(browser, lambda b: b.find_element(By.ID, "total").text == expected["total_text"]["en"])
    assert "Total awarded" in browser.find_element(By.ID, "result").text
    assert first["text"]["en"] in browser.find_element(By.ID, "clauses").text

    # The justification opens in the clause's own card and shows that clause, not the whole report.
    clause = "art5.first_5m"
    browser.find_element(By.CSS_SELECTOR, f"button.open-clause[data-clause='{clause}']").click()
    panel = _wait(browser, EC.visibility_of_element_located(
        (By.CSS_SELECTOR, f"#clauses .clause[data-clause='{clause}'] #justification")))
    text = _wait(browser, lambda b: panel.text)
    assert clause in text
    sentence = next(c for c in expected["clauses"] if c["clause"] == clause)["conditions"][0]["text"]["en"]
    assert sentence in text
    others = [c["clause"] for c in expected["clauses"] if not c["clause"].startswith("art5.")]
    assert others and not [other for other in others if other in text]


def test_a_validation_error_is_shown_by_the_form(browser, base):
    _open(browser, base)
    area = browser.find_element(By.ID, "declaration")
    area.clear()
    area.send_keys(json.dumps({"schema": "pinggu-declaration/1", "support_year": "next year"}))
    browser.find_element(By.ID, "check").click()
    box = _wait(browser, EC.visibility_of_element_located((By.ID, "form-errors")))
    assert "declaration.support_year" in box.text
    # in the page's language: Chinese first, English once switched
    assert "declaration.enterprise: 缺少必填字段" in box.text
    Select(browser.find_element(By.ID, "lang")).select_by_value("en")
    _wait(browser, lambda b: "declaration.enterprise: required field is missing" in box.text)
    assert "Traceback" not in browser.page_source
    assert not browser.find_element(By.ID, "result").is_displayed()


def test_change_a_declared_number_and_see_the_difference(browser, base):
    """What the page shows is the what-if document the API gives for the same change."""
    change = "annual[2025].gross_output=96000000"
    doc = pinggu_asp.whatif(EXAMPLE, changes=[change])
    _open(browser, base)
    browser.find_element(By.ID, "load-example").click()
    _wait(browser, lambda b: "pinggu-declaration/1" in b.find_element(By.ID, "declaration").get_property("value"))
    browser.find_element(By.ID, "check").click()
    _wait(browser, EC.visibility_of_element_located((By.ID, "total")))
    section = _wait(browser, EC.visibility_of_element_located((By.ID, "whatif")))
    section.find_element(By.ID, "changes").send_keys(change)
    section.find_element(By.ID, "run-whatif").click()
    totals = _wait(browser, EC.visibility_of_element_located((By.ID, "whatif-totals")))
    cells = [row.find_element(By.TAG_NAME, "td").text for row in totals.find_elements(By.TAG_NAME, "tr")]
    before, after = doc["total_before_yuan"], doc["total_after_yuan"]
    assert cells == [f"{before:,}", f"{after:,}", f"{after - before:,}"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#whatif-changes tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[0].text for r in rows] == [c["clause"] for c in doc["changes"]]
    # In the page's language (Chinese first), with no amount beside a status that pays nothing.
    changes = browser.find_element(By.ID, "whatif-changes").text
    assert "art3.growth: 满足 → 不满足" in changes and "ineligible" not in changes and "pass" not in changes
    assert "给予 不超过 300,000" in changes


def test_a_bad_change_is_shown_by_the_what_if_form(browser, base):
    _open(browser, base)
    browser.find_element(By.ID, "load-example").click()
    _wait(browser, lambda b: "pinggu-declaration/1" in b.find_element(By.ID, "declaration").get_property("value"))
    browser.find_element(By.ID, "check").click()
    # The what-if section shows as soon as the page finds /v1/whatif; it compares against the
    # checked declaration, so wait for the check's result first (as the test above does).
    _wait(browser, EC.visibility_of_element_located((By.ID, "total")))
    section = _wait(browser, EC.visibility_of_element_located((By.ID, "whatif")))
    box = section.find_element(By.ID, "changes")
    box.clear()
    box.send_keys("annual[2031].gross_output=1")
    section.find_element(By.ID, "run-whatif").click()
    errors = _wait(browser, EC.visibility_of_element_located((By.ID, "whatif-errors")))
    assert "changes.annual[2031]" in errors.text
    assert "Traceback" not in browser.page_source


def _record_errors(browser: Any) -> None:
    browser.execute_script(
        "window.__errors = [];"
        "window.addEventListener('error', (e) => window.__errors.push(String(e.message)));"
        "window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));")


def _check_example(browser: Any, base: str) -> None:
    _open(browser, base)
    browser.find_element(By.ID, "load-example").click()
    _wait(browser, lambda b: "pinggu-declaration/1" in b.find_element(By.ID, "declaration").get_property("value"))
    browser.find_element(By.ID, "check").click()
    _wait(browser, EC.visibility_of_element_located((By.ID, "total")))
    _wait(browser, lambda b: b.find_element(By.ID, "run-whatif").is_enabled())


def test_compare_waits_for_a_check(browser, base):
    _open(browser, base)
    _record_errors(browser)
    section = _wait(browser, EC.visibility_of_element_located((By.ID, "whatif")))
    compare = section.find_element(By.ID, "run-whatif")
    assert not compare.is_enabled() and not browser.find_element(By.ID, "run-reach").is_enabled()
    # even called directly (as a click that got through would), it asks for a check and throws nothing
    browser.execute_script("runWhatif()")
    errors = _wait(browser, EC.visibility_of_element_located((By.ID, "whatif-errors")))
    assert "请先审查申报材料" in errors.text
    assert browser.execute_script("return window.__errors") == []
    assert browser.find_element(By.ID, "whatif-result").text == ""


def test_a_stale_what_if_is_cleared_by_an_error(browser, base):
    _check_example(browser, base)
    browser.find_element(By.ID, "changes").send_keys("annual[2025].gross_output=96000000")
    browser.find_element(By.ID, "run-whatif").click()
    _wait(browser, EC.visibility_of_element_located((By.ID, "whatif-totals")))
    box = browser.find_element(By.ID, "changes")
    box.clear()
    box.send_keys("annual[2031].gross_output=1")
    browser.find_element(By.ID, "run-whatif").click()
    _wait(browser, EC.visibility_of_element_located((By.ID, "whatif-errors")))
    assert browser.find_element(By.ID, "whatif-result").text == ""
    # a check that fails takes the comparison with it
    box.clear()
    browser.find_element(By.ID, "run-whatif").click()
    _wait(browser, EC.visibility_of_element_located((By.ID, "whatif-totals")))
    area = browser.find_element(By.ID, "declaration")
    area.clear()
    area.send_keys("{}")
    browser.find_element(By.ID, "check").click()
    _wait(browser, EC.visibility_of_element_located((By.ID, "form-errors")))
    assert browser.find_element(By.ID, "whatif-result").text == ""
    assert not browser.find_element(By.ID, "run-whatif").is_enabled()


def test_a_reform_of_a_parameter_on_the_page(browser, base):
    reform = "art5_first_max=400000"
    doc = pinggu_asp.whatif(EXAMPLE, params=[reform])
    _check_example(browser, base)
    browser.find_element(By.ID, "params").send_keys(reform)
    browser.find_element(By.ID, "run-whatif").click()
    totals = _wait(browser, EC.visibility_of_element_located((By.ID, "whatif-totals")))
    cells = [row.find_element(By.TAG_NAME, "td").text for row in totals.find_elements(By.TAG_NAME, "tr")]
    before, after = doc["total_before_yuan"], doc["total_after_yuan"]
    assert before != after and cells == [f"{before:,}", f"{after:,}", f"{after - before:,}"]


def test_what_would_it_take_on_the_page(browser, base):
    doc = pinggu_asp.reach(EXAMPLE, "art9.procurement")
    _check_example(browser, base)
    # (on the way: the total says how much of it is ceilings, and an ineligible clause shows no amount)
    assert "不超过" in browser.find_element(By.ID, "total-note").text
    header = browser.find_element(By.CSS_SELECTOR, "#clauses .clause[data-clause='art4.new_plant'] header")
    assert "万元" not in header.text
    Select(browser.find_element(By.ID, "reach-clause")).select_by_value("art9.procurement")
    browser.find_element(By.ID, "run-reach").click()
    result = _wait(browser, lambda b: b.find_element(By.ID, "reach-result").text and b.find_element(By.ID, "reach-result"))
    assert "art9.procurement" in result.text
    for blocker in doc["blocked_by"]:
        assert blocker["id"] in result.text
