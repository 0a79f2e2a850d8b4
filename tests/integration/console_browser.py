"""The web console in Debian's chromium through chromedriver (python3-selenium).

Usage: console_browser.py BASE_URL SCREENSHOT_DIR DAEMON_PID

Run by console_chromium.sh inside a network namespace with only loopback. Prints one
line per check; exits 1 at the first failure, 0 when every check passed."""

import sys
from functools import partial

from selenium.webdriver.common.by import By

import browser_util
from browser_util import fail, no_csp, ok, submit, text

base, shots, daemon_pid = sys.argv[1], sys.argv[2], sys.argv[3]
browser = partial(browser_util.browser, size=(1100, 800))
shot = partial(browser_util.shot, shots)
login = partial(browser_util.login, base)


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

    no_csp(d)
    ok("no Content Security Policy violation reported")
finally:
    d.quit()
print("PASS: console_browser.py")
