"""`.venv/bin/python -m bench.weight`: only the checkout page's weight, as `make bench` measures
it (bench/browser.py `page_weight()`), with each first-party resource's gzip bytes. Quicker than
the whole bench when trimming the page; servers and logs go to bench/out/weight/."""
import shutil

from playwright.sync_api import sync_playwright

from bench import browser, report, servers

OUT = servers.ROOT / "bench" / "out" / "weight"


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    with servers.all_servers(OUT, 1) as running, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser.CHROMIUM,
                                              args=browser.CHROMIUM_ARGS)
        try:
            weight = browser.page_weight(chromium, running["shop"])
        finally:
            chromium.close()
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


if __name__ == "__main__":
    main()
