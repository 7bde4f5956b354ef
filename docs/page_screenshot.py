"""Take docs/page.png: the auditors' page after checking the example, one clause's justification open.

    python docs/page_screenshot.py

Needs Debian's chromium and chromium-driver (as the browser tests do) and selenium (pip install '.[test]').
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from serving import running_server  # noqa: E402


def main() -> None:
    options = webdriver.ChromeOptions()
    options.binary_location = str(shutil.which("chromium"))
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1500"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=shutil.which("chromedriver")))
    wait = WebDriverWait(driver, 60)
    try:
        with running_server(["--workers", "1"]) as base:
            driver.get(base + "/")
            wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
            driver.find_element(By.ID, "load-example").click()
            wait.until(lambda d: "pinggu-declaration/1" in d.find_element(By.ID, "declaration").get_property("value"))
            driver.find_element(By.ID, "check").click()
            wait.until(EC.visibility_of_element_located((By.ID, "total")))
            driver.find_element(By.CSS_SELECTOR, "button.open-clause[data-clause='art5.first_5m']").click()
            wait.until(lambda d: d.find_element(By.ID, "justification").text)
            driver.execute_script("document.querySelector(\"#clauses .clause[data-clause='art5.first_5m']\").scrollIntoView()")
            driver.save_screenshot(str(HERE / "page.png"))
    finally:
        driver.quit()
    print(HERE / "page.png")


if __name__ == "__main__":
    main()
