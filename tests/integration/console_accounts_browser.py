"""The console's accounts and password pages in Debian's chromium (python3-selenium).

Usage: console_accounts_browser.py BASE_URL SCREENSHOT_DIR pages|expiry

Run by console_accounts_chromium.sh in a network namespace with only loopback. "pages":
the admin adds accounts (a one-time password shown once), sees why they cannot disable
themselves; the new accounts sign in and must first set their own password; staff are
refused /accounts. "expiry" (the console with session_idle_s = 3): an idle session's POST
is refused and its next page is the sign-in page saying the session ended. Prints one
line per check; exits 1 at the first failure."""

import re
import sys
import time
from functools import partial

from selenium.webdriver.common.by import By

import browser_util
from browser_util import fail, no_csp, ok, text

base, shots, phase = sys.argv[1], sys.argv[2], sys.argv[3]
browser = partial(browser_util.browser, size=(1100, 900),
                  prefs={"credentials_enable_service": False})
shot = partial(browser_util.shot, shots)


def submit(d, form_css):
    """Submit the form and wait for the next page."""
    browser_util.submit(d, form_css + " button[type=submit]", 20)


def fill(d, form_css, **fields):
    for k, v in fields.items():
        e = d.find_element(By.CSS_SELECTOR, f"{form_css} [name='{k}']")
        e.clear()
        e.send_keys(v)


def login(d, name, password):
    d.get(base + "/login")
    fill(d, "form[action='/login']", name=name, password=password)
    submit(d, "form[action='/login']")


def logout(d):
    d.get(base + "/")
    submit(d, "form[action='/logout']")


def add_account(d, name, groups=(), role="staff"):
    """Fill the add form (no password: a one-time one) and return the password shown."""
    form = "form:has(input[value='add'])"
    fill(d, form, name=name)
    d.find_element(By.CSS_SELECTOR, f"{form} select[name='role'] option[value='{role}']").click()
    for g in groups:
        d.find_element(By.CSS_SELECTOR, f"{form} input[name='group'][value='{g}']").click()
    submit(d, form)
    pw = d.find_element(By.ID, "onetime").text.strip()
    if not re.fullmatch(r"[2-9a-zA-Z]{4}(-[2-9a-zA-Z]{4}){3}", pw):
        fail(f"one-time password '{pw}'")
    return pw


def set_password(d, current, new):
    form = "form[action='/password']"
    fill(d, form, current=current, pw1=new, pw2=new)
    submit(d, form)


def pages():
    d = browser("zh-CN")
    try:
        login(d, "alice", "admin-pass-1")
        d.get(base + "/accounts")
        if "账号管理" not in text(d) or "alice（本人）" not in text(d):
            fail("the accounts page: " + text(d))
        shot(d, "accounts-zh")
        one = add_account(d, "zhang", groups=("class7a",))
        if "已添加账号 zhang：教职工（只能查看）" not in text(d) or "只显示这一次" not in text(d):
            fail("the add result: " + text(d))
        shot(d, "accounts-added-zh")
        d.get(base + "/accounts")
        if one in text(d):
            fail("the one-time password is shown again")
        d.get(base + "/accounts/edit?name=alice")
        if "这是你自己的账号" not in text(d):
            fail("the edit page of oneself does not say why: " + text(d))
        if d.find_element(By.CSS_SELECTOR, "button.danger").is_enabled():
            fail("the disable button is not greyed for oneself")
        shot(d, "account-self-zh")
        ok("zh-CN: the list, an add with a one-time password, oneself kept")

        d.get(base + "/accounts?lang=en")
        if "Accounts" not in text(d) or "alice (you)" not in text(d):
            fail("the English accounts page: " + text(d))
        shot(d, "accounts-en")
        two = add_account(d, "zhao", groups=("class7a", "class7b"))
        if "One-time password for zhao" not in text(d):
            fail("the English add result: " + text(d))
        shot(d, "accounts-added-en")
        d.get(base + "/accounts/edit?name=alice")
        if "This is your own account" not in text(d):
            fail("the English edit page of oneself: " + text(d))
        shot(d, "account-self-en")
        d.get(base + "/?lang=zh")
        ok("English: the list, an add, oneself kept")

        logout(d)
        login(d, "zhang", one)
        if not d.current_url.endswith("/password") or "你使用的是一次性密码登录" not in text(d):
            fail("zhang's first sign-in is not sent to /password: " + d.current_url + " " + text(d))
        shot(d, "first-signin-zh")
        d.get(base + "/journal")
        if not d.current_url.endswith("/password"):
            fail("with a one-time password, /journal is open: " + d.current_url)
        set_password(d, one, "zhang-own-pass-1")
        if "密码已修改" not in text(d):
            fail("the password change: " + text(d))
        shot(d, "password-done-zh")
        d.get(base + "/")
        if "网关状态" not in text(d):
            fail("after the change, the dashboard: " + text(d))
        d.get(base + "/accounts")
        if "无权访问" not in text(d):
            fail("staff on /accounts: " + text(d))
        d.get(base + "/password")
        if "你使用的是一次性密码" in text(d):
            fail("the one-time note after the change")
        shot(d, "password-zh")
        d.get(base + "/password?lang=en")
        shot(d, "password-en")
        ok("first sign-in forced to /password; staff refused /accounts")

        logout(d)
        login(d, "zhao", two)
        if "You signed in with a one-time password" not in text(d):
            fail("zhao's first sign-in in English: " + text(d))
        shot(d, "first-signin-en")
        d.get(base + "/login?lang=zh")

        no_csp(d, "CSP violations")
        ok("no Content Security Policy violation reported")
    finally:
        d.quit()


def expiry():
    d = browser("zh-CN")
    try:
        # a form loaded, then left idle past session_idle_s: its POST is refused
        login(d, "alice", "admin-pass-1")
        d.get(base + "/accounts")
        fill(d, "form:has(input[value='add'])", name="late")
        time.sleep(4.5)
        submit(d, "form:has(input[value='add'])")
        if "会话已结束" not in text(d) or "无权访问" not in text(d):
            fail("an idle session's POST is not refused: " + text(d))
        shot(d, "session-post-refused-zh")
        ok("an idle session's POST refused")
        # a page opened after the idle limit: the sign-in page, saying why
        login(d, "alice", "admin-pass-1")
        d.get(base + "/accounts")
        time.sleep(4.5)
        d.get(base + "/accounts")
        if "/login" not in d.current_url or "会话已结束，请重新登录。" not in text(d):
            fail("an idle session's GET: " + d.current_url + " " + text(d))
        shot(d, "session-ended-zh")
        login(d, "alice", "admin-pass-1")
        d.get(base + "/?lang=en")
        time.sleep(4.5)
        d.get(base + "/journal")
        if "Your session has ended" not in text(d):
            fail("the English session-ended note: " + text(d))
        shot(d, "session-ended-en")
        ok("an idle session is sent to the sign-in page with the note")
        # a session in use does not end
        login(d, "alice", "admin-pass-1")
        for _ in range(4):
            time.sleep(1.5)
            d.get(base + "/accounts")
            if "/login" in d.current_url:
                fail("a session in use ended")
        ok("a session in use lives on")
    finally:
        d.quit()


pages() if phase == "pages" else expiry()
print(f"PASS: console_accounts_browser.py {phase}")
