"""`.venv/bin/python -m bench.weight`: only the checkout page's weight, as `make bench` measures
it (bench/browser.py `page_weight()`), with each first-party resource's gzip bytes, then what
the page imports later, when the customer turns to paying (the email field, then the bank).
Quicker than the whole bench when trimming the page; servers and logs go to bench/out/weight/."""
import re

from bench import browser, report, servers

OUT = servers.ROOT / "bench" / "out" / "weight"


def main():
    with browser.shop_in_chromium(OUT) as (running, chromium):
        weight = browser.page_weight(chromium, running["shop"])
        later = imported_when_paying(chromium, running["shop"])
    def size(n):
        return f"{n / report.KB:6.1f} KB {n:6} B"

    for resource in sorted(weight["resources"], key=lambda item: -item["gzip_bytes"]):
        print(f"{size(resource['gzip_bytes'])}  {resource['type']:<10} {resource['url'].split('?')[0]}")
    kb = {kind: n / report.KB for kind, n in weight["gzip_bytes_by_type"].items()}
    print(f"{size(weight['html_css_js_gzip_bytes'])}  HTML + CSS + JS (HTML {kb.get('html', 0):.1f}, "
          f"CSS {kb.get('css', 0):.1f}, JS {kb.get('js', 0):.1f}); "
          f"budget ≤ {report.BUDGETS['page_gzip_kb']} KB")
    print(f"render-blocking first-party: {weight['render_blocking_first_party'] or 'none'}; "
          f"requested twice: {weight['requested_twice'] or 'none'}")
    print("later, when the customer turns to paying:")
    for url, gzip_bytes in later:
        print(f"{size(gzip_bytes)}  {url.split('?')[0]}")


def imported_when_paying(chromium, shop_url):
    """(URL, gzip bytes) of each module the page fetches on focusing the email field and then
    choosing the bank, in that order."""
    context = chromium.new_context()
    try:
        page = browser.open_checkout(context, shop_url)
        page.wait_for_load_state("networkidle")
        later = []
        for action, module in ((lambda: page.focus("#email"), "paying"),
                               (lambda: page.get_by_label("US bank account").check(), "bank")):
            with page.expect_response(re.compile(rf"/static/js/{module}\.js\?")) as response:
                action()
            later.append(response.value.url.removeprefix(shop_url))
        return [(url, browser.gzip_size(shop_url + url)) for url in later]
    finally:
        context.close()


if __name__ == "__main__":
    main()
