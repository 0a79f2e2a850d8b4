"""The console's dashboard in Debian's chromium through chromedriver (python3-selenium).

Usage: console_dashboard_browser.py BASE_URL SCREENSHOT_DIR

Run by console_dashboard_browser.sh inside a network namespace with only loopback.
Prints one line per check; exits 1 at the first failure, 0 when every check passed."""

import sys
from functools import partial

from selenium.webdriver.common.by import By

import browser_util
from browser_util import fail, no_csp, ok, submit, text

base, shots = sys.argv[1], sys.argv[2]
browser = partial(browser_util.browser, size=(1100, 900))
# the whole page: the window made as tall as the document first
shot = partial(browser_util.shot, shots, full=True, size=(1100, 900), pad=40, most=6000)
login = partial(browser_util.login, base)


def card(d, cid):
    return int(d.find_element(By.CSS_SELECTOR, f"#{cid} .n").text)


d = browser("zh-CN")
try:
    login(d, "alice", "admin-pass-1")
    body = text(d)
    for want in ("最近 24 小时每小时拦截次数（按类别）", "最近 7 天每天拦截次数（按类别）",
                 "违规访问最多的终端（7 天）", "违规访问最多的网站（7 天）",
                 "最近的绕过过滤尝试（7 天）", "网关状态", "已运行", "日志磁盘剩余空间",
                 "doh.example"):
        if want not in body:
            fail(f"the dashboard lacks {want}: {body}")
    if card(d, "blocks-24h") < 7 or card(d, "blocks-7d") <= card(d, "blocks-24h"):
        fail(f"block counts: 24 h {card(d, 'blocks-24h')}, 7 days {card(d, 'blocks-7d')}")
    if card(d, "bypass-24h") != 1:
        fail("the bypass attempt is not counted")
    for cid in ("chart-24h", "chart-7d"):
        svg = d.find_element(By.CSS_SELECTOR, f"#{cid} svg")
        bars = svg.find_elements(By.CSS_SELECTOR, "rect.bar")
        if len(bars) < 4 or svg.size["width"] < 300:
            fail(f"{cid}: {len(bars)} bars, {svg.size}")
        legend = svg.text
        if "赌博" not in legend or "色情" not in legend:
            fail(f"{cid}: legend {legend}")
    days = d.find_element(By.CSS_SELECTOR, "#chart-7d svg").text
    if days.count("-") < 7:
        fail(f"the 7-day chart does not name its days: {days}")
    ok("admin: cards, both charts with legends, tables and status in Chinese")
    shot(d, "dashboard-full-zh")
    d.get(base + "/?lang=en")
    body = text(d)
    for want in ("Blocks per hour by category, last 24 hours", "Gambling", "Pornography",
                 "Clients with the most incidents", "Gateway status", "Disk left for the journal"):
        if want not in body:
            fail(f"the English dashboard lacks {want}")
    shot(d, "dashboard-full-en")
    ok("the English dashboard")
    d.get(base + "/?lang=zh")
    submit(d, "form[action='/logout'] button")

    login(d, "wang", "staff-pass-1")
    body = text(d)
    if "仅显示您负责的分组的数据：lab" not in body:
        fail("the staff account's scope note: " + body)
    if card(d, "blocks-24h") != 1 or card(d, "bypass-24h") != 0:
        fail(f"lab numbers: {card(d, 'blocks-24h')} blocks, {card(d, 'bypass-24h')} bypass")
    if "10.1.2.3" in body or "10.9.0.7" in body or "doh.example" in body:
        fail("the lab account sees other groups")
    shot(d, "dashboard-scoped-zh")
    ok("staff limited to the lab: only the lab numbers")

    no_csp(d)
    ok("no Content Security Policy violation reported")
finally:
    d.quit()
print("PASS: console_dashboard_browser.py")
