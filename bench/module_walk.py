"""How a card payment walks the shop's modules and packages: `python -m bench.module_walk`.

One pay request (a card that needs nothing more) is traced from the pay view to its answer with
sys.setprofile: every call into a `storefront.*` module is a step. Consecutive steps in one
module are one stay; a stay in a module the walk had already left is a return. The same walk is
then read by package (`storefront.payments`): a layout whose packages follow the flow has few
returns. Prints the stays in order, then the counts.
"""
import sys
import tempfile
from pathlib import Path

from stripe_emulator import create_app as create_emulator
from storefront import create_app
from storefront.catalog import products
from storefront.cli import load_products
from storefront.web.extensions import db
from tests.perf.checkout_client import card_payment_method, page_tokens
from tests.servers import LiveServer

SLUG = "city-lights-poster"
PUBLISHABLE_KEY = "pk_test_local"


def walk(request):
    """The storefront modules entered while `request()` runs, one per call event."""
    steps = []

    def profile(frame, event, arg):
        if event == "call":
            module = frame.f_globals.get("__name__", "")
            if module.startswith("storefront."):
                steps.append(module)

    sys.setprofile(profile)
    try:
        response = request()
    finally:
        sys.setprofile(None)
    return steps, response


def stays(steps):
    """Consecutive steps in one module folded into one stay."""
    return [module for index, module in enumerate(steps) if index == 0 or steps[index - 1] != module]


def main():
    emulator = create_emulator()
    with tempfile.TemporaryDirectory() as workdir, LiveServer(emulator) as stripe:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(workdir) / 'shop.db'}",
                         STRIPE_SECRET_KEY="sk_test_local", STRIPE_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
                         STRIPE_API_BASE=stripe.url, STRIPE_JS_URL=f"{stripe.url}/v3/")
        with app.app_context():
            db.create_all()
            load_products(products.load_catalog(app.config["CATALOG_PATH"]))
        client = app.test_client()
        page = client.get(f"/p/{SLUG}").get_data(as_text=True)
        form = page_tokens(page) | {
            "expected_total": "1800", "email": "walk@example.com",
            "payment_method": card_payment_method(stripe.url, PUBLISHABLE_KEY)}
        steps, response = walk(lambda: client.post(f"/p/{SLUG}/pay", data=form, buffered=True))
        assert response.json["next"] == "receipt", response.json
        emulator.extensions["stripe_emulator"].close()

    for level, name in ((3, "module"), (2, "package")):
        report(stays([".".join(module.split(".")[:level]) for module in steps]), name)


def report(walked, level):
    seen, returns = set(), 0
    for place in walked:
        returns += place in seen
        seen.add(place)
    print(f"By {level}: " + " → ".join(place.removeprefix("storefront.") for place in walked))
    print(f"{level}s visited: {len(seen)}, stays: {len(walked)}, "
          f"returns to a {level} already left: {returns}")
    for place in sorted(seen, key=walked.index):
        print(f"  {walked.count(place):3d} stays  {place}")
    print()


if __name__ == "__main__":
    main()
