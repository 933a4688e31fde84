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
    kb = report.KB
    for resource in sorted(weight["resources"], key=lambda item: -item["gzip_bytes"]):
        print(f"{resource['gzip_bytes'] / kb:6.1f} KB {resource['gzip_bytes']:6} B  {resource['type']:<10} "
              f"{resource['url'].split('?')[0]}")
    by_type = weight["gzip_bytes_by_type"]
    print(f"{weight['html_css_js_gzip_bytes'] / kb:6.1f} KB {weight['html_css_js_gzip_bytes']:6} B  HTML + CSS + JS "
          f"(HTML {by_type.get('html', 0) / kb:.1f}, CSS {by_type.get('css', 0) / kb:.1f}, "
          f"JS {by_type.get('js', 0) / kb:.1f}); budget ≤ {report.BUDGETS['page_gzip_kb']} KB")
    print(f"render-blocking first-party: {weight['render_blocking_first_party'] or 'none'}; "
          f"requested twice: {weight['requested_twice'] or 'none'}")


if __name__ == "__main__":
    main()
