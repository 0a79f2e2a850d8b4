"""Shared by the console's browser tests (console_*_browser.py)."""
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException


def page_gone(element):
    """A WebDriverWait condition: element's page has been replaced by the next one.

    selenium's staleness_of expects StaleElementReferenceException only; chromedriver
    under load may answer "Node with given id does not belong to the document" (a plain
    WebDriverException) for the same thing, which made the tests flaky.
    """
    def gone(_driver):
        try:
            element.is_enabled()
            return False
        except (StaleElementReferenceException, WebDriverException):
            return True
    return gone
