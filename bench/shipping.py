"""`.venv/bin/python -m bench.shipping`: the two shipping budgets alone, as `make bench` measures
them (bench/browser.py): the first visit's weight of a product page with the shipping address,
and a country chosen → its shipping line painted in chromium (30 changes, p50/p95). Quicker than
the whole bench; servers and logs go to bench/out/shipping/."""

from bench import browser, report, servers

OUT = servers.ROOT / "bench" / "out" / "shipping"


def main():
    with browser.shop_in_chromium(OUT) as (running, chromium):
        weight = browser.page_weight(chromium, running["shop"])
        countries = browser.country_changes(chromium, running["shop"],
                                            browser.StripeLog(running["stripe"]))
    kb = {kind: n / report.KB for kind, n in weight["gzip_bytes_by_type"].items()}
    print(f"checkout page ({browser.SHIPPED_PRODUCT}), first visit: "
          f"{weight['html_css_js_gzip_bytes'] / report.KB:.1f} KB gzip (HTML {kb.get('html', 0):.1f}, "
          f"CSS {kb.get('css', 0):.1f}, JS {kb.get('js', 0):.1f}) in {weight['requests']} requests; "
          f"budget ≤ {report.BUDGETS['page_gzip_kb']} KB")
    print(f"country chosen → shipping line painted, {countries['changes']} changes: "
          f"p50 {countries['p50_ms']:.1f} ms, p95 {countries['p95_ms']:.1f} ms, "
          f"max {countries['max_ms']:.1f} ms; budget p95 ≤ {report.BUDGETS['country_change_p95_ms']} ms; "
          f"Stripe calls {countries['stripe_calls']}")


if __name__ == "__main__":
    main()
