"""The shop's app factory (`from storefront import create_app`)."""
import logging
import os
from pathlib import Path

from flask import Flask
from flask_login import current_user

import config as shop_config
from storefront import admin, cli, styleguide
from storefront.accounts import views as accounts
from storefront.catalog.products import CHECKOUT_MODES, LAYOUTS
from storefront.checkout import (
    bag,
    downloads,
    pay,
    price_partial,
    receipts,
    shop,
    snapshot,
    stripe_checkout,
)
from storefront.payments import gateway, webhooks
from storefront.web import ROOT, assets, errors, filters, headers, limits, routing, sessions, templating
from storefront.web.extensions import compress, csrf, db, htmx, login_manager, migrate


def create_app(config_name=None, **overrides):
    app = Flask(
        "storefront",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.jinja_environment = templating.Environment  # before anything renders (templating.py)
    config_class = shop_config.CONFIGS[config_name or os.environ.get("SHOP_CONFIG", "development")]
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.check(app.config)
    if app.config["CHECKOUT_LAYOUT"] not in LAYOUTS:
        raise shop_config.ConfigError(f"CHECKOUT_LAYOUT must be one of {', '.join(LAYOUTS)}")
    if app.config["CHECKOUT_MODE"] not in CHECKOUT_MODES:
        raise shop_config.ConfigError(f"CHECKOUT_MODE must be one of {', '.join(CHECKOUT_MODES)}")
    if app.config["TAX_MODE"] not in shop_config.TAX_MODES:
        raise shop_config.ConfigError(f"TAX_MODE must be one of {', '.join(shop_config.TAX_MODES)}")
    if not 30 <= app.config["CHECKOUT_SESSION_MINUTES"] <= 24 * 60:
        raise shop_config.ConfigError("CHECKOUT_SESSION_MINUTES must be from 30 to 1440 (Stripe's limits)")
    Path(app.instance_path).mkdir(exist_ok=True)
    routing.init_app(app)
    sessions.init_app(app)
    # The shop's own log lines (Stripe faults, webhooks, development's receipt emails) are INFO;
    # a host that configured logging already keeps its own setup.
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(levelname)s %(name)s: %(message)s")
    # The stripe library logs every API call at INFO, which drowns the shop's own lines.
    debug = app.config["LOG_LEVEL"].upper() == "DEBUG"
    logging.getLogger("stripe").setLevel(logging.DEBUG if debug else logging.WARNING)

    db.init_app(app)
    snapshot.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    # Inside ProxyFix (headers.py), which must correct the scheme before the layer looks.
    price_partial.init_app(app)
    price_partial.partials(app).render_bag = bag.price_block
    price_partial.partials(app).price_line = bag.priced
    # Before CSRF: every answer, a refusal too, gets its CSP nonce and counts against the limits.
    headers.init_app(app)
    limits.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    errors.init_app(app)
    compress.init_app(app)
    # current_user as a lazy template global, not Flask-Login's context processor, which loads
    # the user for every template rendered: the shop's pages and partials never ask for one.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user

    assets.init_app(app)

    gateway.init_app(app)
    filters.init_app(app)
    app.register_blueprint(shop.bp)
    app.register_blueprint(pay.bp)
    app.register_blueprint(stripe_checkout.bp)
    app.register_blueprint(bag.bp)
    app.register_blueprint(receipts.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(accounts.bp)
    if app.config["STYLEGUIDE"]:
        app.register_blueprint(styleguide.bp)
    admin.init_app(app)
    cli.init_app(app)
    return app
