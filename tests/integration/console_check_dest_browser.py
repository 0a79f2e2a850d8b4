"""The console's /check with a destination address, in Debian's chromium through
chromedriver (python3-selenium).

Usage: console_check_dest_browser.py BASE_URL SCREENSHOT_DIR

Run by console_check_dest_chromium.sh inside a network namespace with only loopback,
with 198.51.100.7 in the vpn category's address list. Prints one line per check; exits
1 at the first failure, 0 when every check passed."""

import sys
from functools import partial

from selenium.webdriver.common.by import By

import browser_util
from browser_util import fail, ok, submit, text

base, shots = sys.argv[1], sys.argv[2]
browser = partial(browser_util.browser, size=(1200, 900))
shot = partial(browser_util.shot, shots, prefix="check-dest-", size=(1200, 900), pad=150,
               most=3000)
login = partial(browser_util.login, base)


def ask(d, target, dest):
    """Fill the /check form (target, dest) and send it with its button."""
    d.get(base + "/check")
    d.find_element(By.NAME, "target").send_keys(target)
    d.find_element(By.NAME, "dest").send_keys(dest)
    submit(d, "form.check button")


d = browser("zh-CN")
try:
    login(d, "alice", "admin-pass-1")
    ask(d, "allowed.example", "198.51.100.7")
    body = text(d)
    for want in ("目标地址（可选，连接实际访问的 IP 地址）", "因目标地址 198.51.100.7 被拦截",
                 "仅按域名", "vpn（翻墙代理）", "vpn-ip.list:2"):
        if want not in body:
            fail(f"zh check with a destination lacks {want}: " + body)
    if d.find_element(By.NAME, "dest").get_attribute("value") != "198.51.100.7":
        fail("the form does not keep the destination")
    shot(d, "zh", full=True)
    browser_util.no_csp(d, "CSP violations on /check")
    ok("zh: an allowed name to a listed address is blocked by the address")
    ask(d, "allowed.example", "198.51.100.0/24")
    body = text(d)
    if "目标地址（可选，连接实际访问的 IP 地址）：“198.51.100.0/24”无效。" not in body:
        fail("zh: a subnet as destination: " + body)
    if d.find_elements(By.ID, "answer"):
        fail("zh: an answer for a bad destination")
    shot(d, "bad-zh")
    ok("zh: a bad destination names the field")

    d.get(base + "/check?lang=en")
    ask(d, "allowed.example", "2001:db8::66")
    body = text(d)
    for want in ("Destination address (optional: the IP address the connection goes to)",
                 "blocked by the destination address 2001:db8::66", "The name alone",
                 "vpn (VPN)", "vpn-ip.list:3", "BLOCK"):
        if want not in body:
            fail(f"en check with a destination lacks {want}: " + body)
    shot(d, "en", full=True)
    ask(d, "allowed.example", "198.51.100.8")
    if "the name and the destination address 198.51.100.8 are both allowed" not in text(d):
        fail("en: an address not listed: " + text(d))
    browser_util.no_csp(d, "CSP violations on the English /check")
    ok("en: IPv6 listed address blocked; an address not listed allowed")
    d.get(base + "/?lang=zh")
finally:
    d.quit()
print("PASS: console_check_dest_browser.py")
