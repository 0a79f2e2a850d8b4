"""Shared by the console's browser tests (console_*_browser.py): the check lines, Debian's
chromium through chromedriver, screenshots, and the steps every page test takes.

Where the tests differ (window size, a proxy, extra preferences, how long a page may take,
whole-page screenshots), the difference is a parameter; a test binds its own values once
with functools.partial (its screenshot folder, its console's base URL)."""
import sys

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def fail(what):
    """One failed check: said, and the test ends (exit 1)."""
    print(f"FAIL: {what}")
    sys.exit(1)


def ok(what):
    print(f"# ok: {what}")


def browser(lang, size, proxy=None, prefs=None):
    """Headless chromium in language lang, its window size (width, height); through the
    HTTP proxy host:port when proxy is set; prefs added to chromium's preferences. It
    takes the console's self-signed certificate and keeps the browser's console log."""
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
              "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              f"--window-size={size[0]},{size[1]}", f"--lang={lang}"):
        o.add_argument(a)
    if proxy:
        o.add_argument(f"--proxy-server=http://{proxy}")
    o.add_experimental_option("prefs", {"intl.accept_languages": lang, **(prefs or {})})
    o.accept_insecure_certs = True  # the console's self-signed certificate
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def shot(shots, d, name, full=False, size=None, pad=0, most=0, prefix=""):
    """A screenshot as SHOTS/PREFIX+NAME.png. full: the whole page, the window (of size
    (width, height)) first made as tall as the document plus pad, no less than its
    height and at most most px, and put back to size afterwards."""
    if full:
        h = d.execute_script("return document.documentElement.scrollHeight")
        d.set_window_size(size[0], min(max(int(h) + pad, size[1]), most))
    d.save_screenshot(f"{shots}/{prefix}{name}.png")
    if full:
        d.set_window_size(size[0], size[1])


def text(d):
    return d.find_element(By.TAG_NAME, "body").text


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


def submit(d, css, wait=15):
    """Click the button css and wait (at most wait s) for the next page to load."""
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(d, wait).until(page_gone(old))


def login(base, d, name, password, wait=15):
    """Sign in on BASE/login as name."""
    d.get(base + "/login")
    d.find_element(By.NAME, "name").send_keys(name)
    d.find_element(By.NAME, "password").send_keys(password)
    submit(d, "form[action='/login'] button", wait)


def csp_violations(d):
    """The browser's console lines that say a Content Security Policy refused something."""
    return [e["message"] for e in d.get_log("browser")
            if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]


def no_csp(d, what="the browser reports CSP violations"):
    """Fail (what: the failure's first words) when the browser reported a CSP violation."""
    bad = csp_violations(d)
    if bad:
        fail(f"{what}: " + "; ".join(bad))
