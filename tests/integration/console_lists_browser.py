"""The console's /lists pages in Debian's chromium through chromedriver (python3-selenium).

Usage: console_lists_browser.py BASE_URL SCREENSHOT_DIR

Run by console_lists_chromium.sh inside a network namespace with only loopback. Prints
one line per check; exits 1 at the first failure, 0 when every check passed."""

import sys
from functools import partial

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browser_util
from browser_util import fail, no_csp, ok, page_gone, text

base, shots = sys.argv[1], sys.argv[2]
browser = partial(browser_util.browser, size=(1100, 1000))
# the whole page: the window grows to the page's height first
shot = partial(browser_util.shot, shots, full=True, size=(1100, 1000), pad=140, most=4000)
submit = partial(browser_util.submit, wait=30)
login = partial(browser_util.login, base, wait=30)


def edit(d, add="", remove=""):
    if add:
        d.find_element(By.CSS_SELECTOR, "#edit textarea[name=add]").send_keys(add)
    if remove:
        d.find_element(By.CSS_SELECTOR, "#edit textarea[name=del]").send_keys(remove)
    submit(d, "#edit button[type=submit]")


def search(d, q):
    box = d.find_element(By.CSS_SELECTOR, "#search input[name=q]")
    box.clear()
    box.send_keys(q)
    submit(d, "#search button")


d = browser("zh-CN")
try:
    login(d, "alice", "admin-pass-1")
    # zh-CN
    d.get(base + "/lists?lang=zh")
    t = text(d)
    for want in ("名单管理", "色情", "赌博", "绕过过滤", "白名单", "可编辑", "只读"):
        if want not in t:
            fail(f"overview lacks {want}: {t}")
    shot(d, "lists-overview-zh")
    ok("overview (zh-CN)")
    d.find_element(By.LINK_TEXT, "赌博").click()
    WebDriverWait(d, 15).until(lambda x: "/lists/category/gambling" in x.current_url)
    edit(d, add="blockme.test\nsecond.test")
    t = text(d)
    if "已保存" not in t or "已重新加载" not in t:
        fail("add (zh): " + t)
    shot(d, "lists-added-zh")
    ok("add two names, saved and reloaded (zh-CN)")
    search(d, "casino")
    t = text(d)
    if "共 3 个条目包含“casino”" not in t or "bet.test/casino/" not in t:
        fail("search (zh): " + t)
    shot(d, "lists-search-zh")
    ok("search (zh-CN)")
    edit(d, add="ok.test\nbad..test\n/caipiao(/")
    t = text(d)
    if "未保存" not in t or "gambling.list:4: 域名中有空标签: bad..test" not in t:
        fail("error (zh): " + t)
    if "bad..test" not in d.find_element(By.CSS_SELECTOR, "#edit textarea[name=add]").get_attribute("value"):
        fail("the refused text is not given back in the form")
    shot(d, "lists-error-zh")
    ok("a bad entry: file:line messages, nothing saved (zh-CN)")

    # English
    d.get(base + "/lists?lang=en")
    t = text(d)
    for want in ("Lists", "Pornography", "Gambling", "Allowlist", "editable", "read-only"):
        if want not in t:
            fail(f"overview (en) lacks {want}: {t}")
    shot(d, "lists-overview-en")
    ok("overview (English)")
    d.find_element(By.LINK_TEXT, "Gambling").click()
    WebDriverWait(d, 15).until(lambda x: "/lists/category/gambling" in x.current_url)
    # remove second.test with its button in the console's list
    rows = d.find_elements(By.CSS_SELECTOR, "#entries tr")
    row = [r for r in rows if "second.test" in r.text]
    if not row:
        fail("second.test is not in the console's list: " + text(d))
    old = d.find_element(By.TAG_NAME, "html")
    row[0].find_element(By.TAG_NAME, "button").click()
    WebDriverWait(d, 30).until(page_gone(old))
    t = text(d)
    if "0 added, 1 removed" not in t or "Reloaded" not in t:
        fail("remove (en): " + t)
    shot(d, "lists-added-en")
    ok("remove with the entry's button (English)")
    search(d, "test")
    t = text(d)
    if "entries contain 'test'" not in t:
        fail("search (en): " + t)
    shot(d, "lists-search-en")
    ok("search (English)")
    edit(d, remove="casino-one.test")
    t = text(d)
    if "read-only list" not in t or "allowlist" not in t:
        fail("removing a read-only entry (en): " + t)
    edit(d, add="/unclosed")
    t = text(d)
    if "pattern without a closing '/': /unclosed" not in t:
        fail("error (en): " + t)
    shot(d, "lists-error-en")
    ok("errors: a read-only entry, a bad pattern (English)")

    no_csp(d)
    ok("no Content Security Policy violation reported")
finally:
    d.quit()
print("PASS: console_lists_browser.py")
