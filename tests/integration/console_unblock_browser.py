"""Unblock requests in Debian's chromium through chromedriver (python3-selenium): a pupil's
block page with the review form, the form filled in and sent, the thank-you page; then the
admin's queue in the console, an approval for "today" and a decline, in zh-CN and English.

Usage: console_unblock_browser.py CONSOLE_URL PROXY SCREENSHOT_DIR

Run by console_unblock_chromium.sh inside a network namespace with only loopback; the
"pupil" browser goes through campusgated's explicit proxy (PROXY, host:port). Prints one
line per check; exits 1 at the first failure."""

import sys
from functools import partial

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import browser_util
from browser_util import csp_violations, fail, ok, submit, text

base, proxy, shots = sys.argv[1], sys.argv[2], sys.argv[3]
shot = partial(browser_util.shot, shots)


def browser(lang, via_proxy):
    return browser_util.browser(lang, (1000, 1100), proxy=proxy if via_proxy else None)


def pupil(lang, url, reason, teacher, title, thanks, sfx):
    d = browser(lang, True)
    try:
        d.get(url)
        if title not in text(d):
            fail(f"{lang}: no block page with the form at {url}: {text(d)[:200]}")
        d.find_element(By.ID, "reason").send_keys(reason)
        if teacher:
            d.find_element(By.ID, "teacher").send_keys(teacher)
        shot(d, f"unblock-blockpage-form-{sfx}")
        submit(d, "#send")
        if thanks not in text(d):
            fail(f"{lang}: no thank-you page: {text(d)[:300]}")
        rid = d.find_element(By.ID, "request-id").text
        shot(d, f"unblock-thanks-{sfx}")
        if csp_violations(d):
            fail(f"{lang}: CSP violations on the block page: {csp_violations(d)}")
        ok(f"{lang}: block page form sent, request {rid}")
        return rid
    finally:
        d.quit()


rid_zh = pupil("zh-CN", "http://casino.test/spin", "上课需要查资料", "王老师", "申请复核",
               "谢谢，您的申请已提交", "zh")
rid_en = pupil("en", "http://bet.test/", "For the maths project", "", "Request a review",
               "Thank you: your request was sent", "en")

d = browser("zh-CN", False)
try:
    d.get(base + "/login")
    d.find_element(By.NAME, "name").send_keys("alice")
    d.find_element(By.NAME, "password").send_keys("admin-pass-1")
    submit(d, "form[action='/login'] button")
    d.get(base + "/unblock")
    body = text(d)
    if rid_zh not in body or rid_en not in body or "待处理" not in body:
        fail(f"the queue lacks the requests: {body[:400]}")
    shot(d, "unblock-queue-zh")
    Select(d.find_element(By.ID, f"duration-{rid_zh}")).select_by_value("today")
    submit(d, f"#approve-{rid_zh}")
    body = text(d)
    if "已批准" not in body or "网关已重新加载" not in body:
        fail(f"no approval result: {body[:400]}")
    shot(d, "unblock-approved-zh")
    ok("zh: approved for today, reload shown")
    d.get(base + "/unblock?lang=en")
    d.find_element(By.ID, f"note-{rid_en}").send_keys("Not needed for the project")
    submit(d, f"#decline-{rid_en}")
    if f"Request {rid_en} declined" not in text(d):
        fail(f"no decline result: {text(d)[:300]}")
    shot(d, "unblock-declined-en")
    d.get(base + "/unblock?lang=en")
    body = text(d)
    if "Declined by alice" not in body or "Approved by alice until" not in body:
        fail(f"the English queue lacks the decisions: {body[:500]}")
    shot(d, "unblock-queue-en")
    d.get(base + "/unblock?lang=zh")
    shot(d, "unblock-decided-zh")
    if csp_violations(d):
        fail(f"CSP violations in the console: {csp_violations(d)}")
    ok("en: declined with a note; both decisions in the queue")
finally:
    d.quit()

d = browser("zh-CN", True)
try:
    d.get("http://casino.test/spin")
    if "ORIGIN" not in text(d):
        fail(f"after the approval the page is still blocked: {text(d)[:200]}")
    ok("after the approval the pupil's page loads")
finally:
    d.quit()
print("PASS")
