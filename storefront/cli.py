"""CLI commands: `flask catalog load` (the catalog file is the source of truth for products),
`flask orders reconcile` and `flask mail send` (for cron, on any number of hosts), and
`flask stripe webhooks` (the webhook endpoint, subscribed to the events the shop handles)."""
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from storefront.catalog import products, shipping
from storefront.models import CatalogRevision, Maker, Product
from storefront.orders import outbox
from storefront.payments import gateway, reconcile, webhooks
from storefront.web.extensions import db


def load_products(specs):
    """Insert or update products by slug; products that left the file stay, for past orders.
    A whole catalog (products.load_catalog) brings its shipping zones, which replace the old."""
    if isinstance(specs, products.Catalog):
        revision = db.session.get(CatalogRevision, 1)
        zones = shipping.zones_to_dict(specs.zones)
        if revision.shipping_zones != zones:
            revision.shipping_zones = zones
            revision.revision += 1  # the snapshots read the zones again
    existing = {product.slug: product for product in db.session.scalars(db.select(Product))}
    makers = {maker.slug: maker for maker in db.session.scalars(db.select(Maker))}
    for spec in {spec.maker for spec in specs if spec.maker}:
        maker = makers.setdefault(spec.slug, Maker(slug=spec.slug))
        maker.name, maker.commission_percent = spec.name, spec.commission
        db.session.add(maker)
    for position, spec in enumerate(specs):
        product = existing.get(spec.slug) or Product(slug=spec.slug)
        product.name = spec.name
        product.description = spec.description
        product.image = spec.image
        product.layout = spec.layout
        product.checkout_mode = spec.checkout_mode
        product.ships = spec.ships
        product.tax_code = spec.tax_code
        product.download = spec.download and spec.download.as_dict()
        product.event = spec.event and spec.event.as_dict()
        product.currency = spec.currency
        product.rules_data = products.rules_to_dict(spec.rules)
        product.position = position
        product.maker = makers[spec.maker.slug] if spec.maker else None
        db.session.add(product)
    db.session.commit()


def init_app(app):
    group = AppGroup("catalog", help="Manage the product catalog.")

    @group.command("load")
    @click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
    def load(path):
        """Load products from a TOML catalog (default: CATALOG_PATH)."""
        path = path or current_app.config["CATALOG_PATH"]
        try:
            specs = products.load_catalog(Path(path))
        except products.CatalogError as error:
            raise click.ClickException(str(error)) from error
        load_products(specs)
        click.echo(f"Loaded {len(specs)} products from {path}")

    app.cli.add_command(group)

    orders = AppGroup("orders", help="Look after orders.")

    @orders.command("reconcile")
    @click.option("--older-than", default=10, show_default=True,
                  help="Minutes an order must have been left pending before it is checked.")
    @click.option("--cancel-after", default=24 * 60, show_default=True,
                  help="Minutes after which an unpaid order's payment is canceled.")
    def reconcile_command(older_than, cancel_after):
        """Compare stale pending orders with Stripe and fix them."""
        counts = reconcile.reconcile(timedelta(minutes=older_than), timedelta(minutes=cancel_after))
        for what, count in sorted(counts.items()):
            click.echo(f"{count} {what}")
        if not counts:
            click.echo("Nothing to reconcile")

    app.cli.add_command(orders)

    mail_group = AppGroup("mail", help="The outbox of customers' emails.")

    @mail_group.command("send")
    def send_command():
        """Send the receipts and payment-failed emails that are due (new ones, and failed ones
        whose wait is over)."""
        counts = outbox.send_due()
        for what, count in sorted(counts.items()):
            click.echo(f"{count} {what}")
        if not counts:
            click.echo("No email is due")

    app.cli.add_command(mail_group)

    stripe_group = AppGroup("stripe", help="The shop's Stripe account.")

    @stripe_group.command("webhooks")
    @click.option("--url", required=True,
                  help="The shop's webhook URL, e.g. https://shop.example/webhooks/stripe.")
    @click.option("--connect", is_flag=True,
                  help="The Connect endpoint (the makers' accounts' events) instead.")
    @click.option("--update", is_flag=True,
                  help="Set an existing endpoint's events to the shop's list.")
    def webhooks_command(url, connect, update):
        """Create the endpoint for URL, subscribed to exactly the events the shop handles, at
        its API version; or check the one there is and say what is missing and extra (exit
        status 1 if anything is, unless --update mended it)."""
        sys.exit(check_webhook_endpoint(url, connect, update))

    app.cli.add_command(stripe_group)


def check_webhook_endpoint(url, connect=False, update=False):
    """`flask stripe webhooks`: 0 when the endpoint is (now) as the shop needs it, else 1."""
    wanted = webhooks.CONNECT_EVENTS if connect else webhooks.EVENTS
    version = gateway.api_version()
    found = [endpoint for endpoint in gateway.webhook_endpoints() if endpoint.url == url]
    if not found:
        endpoint = gateway.create_webhook_endpoint(url, wanted, version, connect)
        secret = "STRIPE_CONNECT_WEBHOOK_SECRET" if connect else "STRIPE_WEBHOOK_SECRET"
        click.echo(f"Created {endpoint.id} for {url}: {len(wanted)} events "
                   f"({', '.join(wanted)}), API version {version}.")
        click.echo(f"Its signing secret, which Stripe shows only now: {secret}={endpoint.secret}")
        return 0
    status = 0
    for endpoint in found:
        have = set(endpoint.enabled_events)
        missing = [] if "*" in have else sorted(set(wanted) - have)
        extra = sorted(have - set(wanted))
        if not missing and not extra:
            click.echo(f"{endpoint.id} for {url}: the {len(wanted)} events the shop handles.")
        else:
            click.echo(f"{endpoint.id} for {url}:")
            for event in missing:
                click.echo(f"  missing: {event}")
            for event in extra:
                click.echo(f"  extra:   {'* (every event)' if event == '*' else event}")
            if update:
                gateway.update_webhook_endpoint(endpoint.id, wanted)
                click.echo(f"  updated to the {len(wanted)} events the shop handles.")
            else:
                status = 1
        if endpoint.api_version not in (None, version):
            # Stripe sets an endpoint's version when it is made, and never changes it.
            click.echo(f"  API version {endpoint.api_version}, where the shop speaks {version}: "
                       "make a new endpoint and move to its secret.")
            status = 1
    return status
