"""What a person does at the screens, as Selenium steps: sign in, follow links, fill labelled fields, press
buttons. Every page reached is checked with axe-core (no serious or critical violation)."""

from __future__ import annotations

import time
from pathlib import Path

from chromium import Browser
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait


class Screens:
    def __init__(self, browser: Browser, base_url: str):
        self.browser = browser
        self.driver = browser.driver
        self.base_url = base_url
        self.pages_checked: list[str] = []

    # ----- arriving on a page ------------------------------------------------------------------------------
    def _arrived(self, previous: WebElement | None = None) -> None:
        if previous is not None:
            WebDriverWait(self.driver, 30).until(lambda _: _is_stale(previous))
        WebDriverWait(self.driver, 30).until(
            lambda driver: driver.execute_script("return document.readyState") == "complete"
        )
        violations = self.browser.axe_violations()
        assert not violations, f"axe-core on {self.driver.current_url}:\n" + "\n".join(
            f"- {item['impact']} {item['id']}: {item['help']} {[node.get('target') for node in item['nodes']][:5]}"
            for item in violations
        )
        self.pages_checked.append(self.driver.current_url)

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)
        self._arrived()

    def _html(self) -> WebElement:
        return self.driver.find_element(By.TAG_NAME, "html")

    # ----- acting ------------------------------------------------------------------------------------------
    def sign_in_as(self, name: str) -> None:
        self.open("/sign-in")
        self.press(f"Se connecter comme {name}")

    def follow(self, text: str) -> None:
        """Click the link whose visible text contains ``text``."""
        link = self.driver.find_element(By.PARTIAL_LINK_TEXT, text)
        page = self._html()
        link.click()
        self._arrived(page)

    def download(self, text: str) -> None:
        """Click a download link (the page stays where it is)."""
        self.driver.find_element(By.PARTIAL_LINK_TEXT, text).click()

    def press(self, text: str, within: WebElement | None = None) -> None:
        """Click the button whose visible text contains ``text`` (and wait for the next page)."""
        button = self.button(text, within)
        page = self._html()
        # in the middle of the window: scrolled to the top, the sticky top bar would take the click
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        self._arrived(page)

    def part(self, css: str) -> WebElement:
        """A part of the page (a card, a list item) to press a button within."""
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def button(self, text: str, within: WebElement | None = None) -> WebElement:
        scope = within or self.driver
        for candidate in scope.find_elements(By.CSS_SELECTOR, "button, input[type=submit]"):
            if text in (candidate.text or candidate.get_attribute("value") or "") and candidate.is_displayed():
                return candidate
        raise AssertionError(f"no button “{text}” on {self.driver.current_url}")

    def field(self, label: str) -> WebElement:
        """The control of the label whose text starts with ``label`` (the label's ``for`` names it)."""
        for element in self.driver.find_elements(By.TAG_NAME, "label"):
            text = " ".join(element.text.replace("*", "").split())
            if text.startswith(label) and element.is_displayed():
                target = element.get_attribute("for")
                if target:
                    return self.driver.find_element(By.ID, target)
                return element.find_element(By.CSS_SELECTOR, "input, select, textarea")
        raise AssertionError(f"no field labelled “{label}” on {self.driver.current_url}")

    def fill(self, label: str, value: str) -> None:
        control = self.field(label)
        if control.tag_name == "select":
            Select(control).select_by_visible_text(value)
            return
        control.clear()
        control.send_keys(value)

    def fill_date(self, label: str, value: str) -> None:
        """A date input takes its value through the DOM: typing depends on the browser's locale."""
        control = self.field(label)
        self.driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}))",
            control,
            value,
        )

    def attach_file(self, label: str, path: Path) -> None:
        self.field(label).send_keys(str(path))

    def choose(self, label: str) -> None:
        """Tick the radio button or checkbox whose label contains ``label``."""
        self.field(label).click()

    # ----- reading -----------------------------------------------------------------------------------------
    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "main").text

    def heading(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def error_next_to(self, label: str) -> str:
        """The error message the field labelled ``label`` points to (``aria-describedby``)."""
        control = self.field(label)
        assert control.get_attribute("aria-invalid") == "true", f"“{label}” is not marked invalid"
        ids = (control.get_attribute("aria-describedby") or "").split()
        return " ".join(self.driver.find_element(By.ID, name).text for name in ids if name.endswith("error"))

    def wait_for_text(self, text: str, timeout: float = 60) -> None:
        WebDriverWait(self.driver, timeout, poll_frequency=0.5).until(lambda _: text in self.text())

    def downloaded(self, suffix: str, timeout: float = 30) -> Path:
        """The file the browser finished downloading (no ``.crdownload`` left)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [path for path in self.browser.downloads.iterdir() if path.name.endswith(suffix)]
            if done:
                return done[0]
            time.sleep(0.2)
        raise AssertionError(f"no {suffix} file downloaded: {list(self.browser.downloads.iterdir())}")


def _is_stale(element: WebElement) -> bool:
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        # Chromium's other way of saying it while the next page replaces the document
        if "does not belong to the document" in (error.msg or ""):
            return True
        raise
