"""The web console in Debian's chromium through chromedriver (python3-selenium).

Usage: console_browser.py BASE_URL SCREENSHOT_DIR DAEMON_PID

Run by console_chromium.sh inside a network namespace with only loopback. Prints one
line per check; exits 1 at the first failure, 0 when every check passed."""

import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from selenium.webdriver.support.ui import WebDriverWait
from browser_util import page_gone

base, shots, daemon_pid = sys.argv[1], sys.argv[2], sys.argv[3]


def fail(what):
    print(f"FAIL: {what}")
    sys.exit(1)


def ok(what):
    print(f"# ok: {what}")


def browser(lang):
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
              "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              "--window-size=1100,800", f"--lang={lang}"):
        o.add_argument(a)
    o.add_experimental_option("prefs", {"intl.accept_languages": lang})
    o.accept_insecure_certs = True  # the console's self-signed certificate
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def shot(d, name):
    d.save_screenshot(f"{shots}/{name}.png")


def text(d):
    return d.find_element(By.TAG_NAME, "body").text


def submit(d, css):
    """Click the button css and wait for the next page to load (the old one goes stale)."""
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(d, 15).until(page_gone(old))


def login(d, name, password):
    d.get(base + "/login")
    d.find_element(By.NAME, "name").send_keys(name)
    d.find_element(By.NAME, "password").send_keys(password)
    submit(d, "form[action='/login'] button")


def csp_violations(d):
    return [e["message"] for e in d.get_log("browser")
            if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]


d = browser("zh-CN")
try:
    d.get(base + "/login")
    if d.find_element(By.TAG_NAME, "html").get_attribute("lang") != "zh-CN":
        fail("the login page is not zh-CN by default")
    if "登录" not in text(d):
        fail("no 登录 on the login page")
    shot(d, "login-zh")
    d.get(base + "/login?lang=en")
    if "Sign in" not in text(d):
        fail("?lang=en does not give English")
    shot(d, "login-en")
    d.get(base + "/login?lang=zh")
    ok("login page in zh-CN and English")

    login(d, "alice", "not-the-password")
    if "账号或密码错误" not in text(d):
        fail("a wrong password is not refused: " + text(d))
    shot(d, "login-failed-zh")
    ok("wrong password refused")

    login(d, "alice", "admin-pass-1")
    if d.current_url.rstrip("/") != base:
        fail("after login: " + d.current_url)
    body = text(d)
    if "网关状态" not in body or f"pid {daemon_pid}" not in body:
        fail("the dashboard does not show the daemon's status: " + body)
    c = d.get_cookie("cg_session")
    if not c or not c.get("httpOnly") or not c.get("secure") or c.get("sameSite") != "Strict":
        fail(f"session cookie flags: {c}")
    shot(d, "dashboard-zh")
    d.get(base + "/?lang=en")
    if "Gateway status" not in text(d):
        fail("the English dashboard")
    shot(d, "dashboard-en")
    d.get(base + "/config?lang=zh")
    if "尚未完成" not in text(d):
        fail("admin on /config: " + text(d))
    shot(d, "not-yet-zh")
    ok("admin: dashboard with the daemon's status, cookie flags")

    d.get(base + "/")
    submit(d, "form[action='/logout'] button")
    if "/login" not in d.current_url:
        fail("logout did not go to the login page: " + d.current_url)
    d.get(base + "/")
    if "/login" not in d.current_url:
        fail("the session lives on after logout")
    ok("logout ends the session")

    login(d, "wang", "staff-pass-1")
    if "wang" not in text(d):
        fail("staff dashboard: " + text(d))
    for path in ("/lists", "/accounts", "/config", "/journal?group=default"):
        d.get(base + path)
        if "无权访问" not in text(d):
            fail(f"staff on {path} is not refused: " + text(d))
    shot(d, "forbidden-zh")
    d.get(base + "/lists?lang=en")
    if "Forbidden" not in text(d):
        fail("the English 403 page")
    shot(d, "forbidden-en")
    ok("staff refused the admin pages and another group's events")

    bad = csp_violations(d)
    if bad:
        fail("the browser reports CSP violations: " + "; ".join(bad))
    ok("no Content Security Policy violation reported")
finally:
    d.quit()
print("PASS: console_browser.py")
