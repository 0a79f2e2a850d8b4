"""The console's /lists pages in Debian's chromium through chromedriver (python3-selenium).

Usage: console_lists_browser.py BASE_URL SCREENSHOT_DIR

Run by console_lists_chromium.sh inside a network namespace with only loopback. Prints
one line per check; exits 1 at the first failure, 0 when every check passed."""

import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from selenium.webdriver.support.ui import WebDriverWait
from browser_util import page_gone

base, shots = sys.argv[1], sys.argv[2]


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
              "--window-size=1100,1000", f"--lang={lang}"):
        o.add_argument(a)
    o.add_experimental_option("prefs", {"intl.accept_languages": lang})
    o.accept_insecure_certs = True  # the console's self-signed certificate
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def shot(d, name):
    """The whole page: the window grows to the page's height first."""
    h = d.execute_script("return document.documentElement.scrollHeight")
    d.set_window_size(1100, max(1000, min(h + 140, 4000)))
    d.save_screenshot(f"{shots}/{name}.png")
    d.set_window_size(1100, 1000)


def text(d):
    return d.find_element(By.TAG_NAME, "body").text


def submit(d, css):
    """Click the button css and wait for the next page to load (the old one goes stale)."""
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(d, 30).until(page_gone(old))


def login(d, name, password):
    d.get(base + "/login")
    d.find_element(By.NAME, "name").send_keys(name)
    d.find_element(By.NAME, "password").send_keys(password)
    submit(d, "form[action='/login'] button")


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


def csp_violations(d):
    return [e["message"] for e in d.get_log("browser")
            if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]


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

    bad = csp_violations(d)
    if bad:
        fail("the browser reports CSP violations: " + "; ".join(bad))
    ok("no Content Security Policy violation reported")
finally:
    d.quit()
print("PASS: console_lists_browser.py")
