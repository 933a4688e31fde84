"""4. Bags and makers. Customers fill bags with makers' and the shop's own products and press
Pay several times at once; one maker is enabled from the start, the other finishes onboarding
halfway through (account.updated on the shop's Connect endpoint pays what waited). Then the
admin refunds a maker's line in every third order, and reconcile runs. Against the local
Stripe's own transfers, charges and refunds: no transfer made twice, none missing, each the
maker's lines less commission, and per order transfers + commission = paid − refunded."""
import random
import re
import secrets
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import func

from storefront.admin import accounts
from storefront.models import Maker, Order, Transfer
from storefront.payments import gateway
from storefront.payments.webhooks import CONNECT_EVENTS
from storefront.web.extensions import db
from tests.helpers import bag_form

from .customers import GOOD, TIMEOUT, seen
from .table import Figure, tally

PRODUCTS = ["city-lights-poster", "letterpress-workshop", "organic-tee", "field-notes-ebook"]
QUANTITIES = {"city-lights-poster": 12, "letterpress-workshop": 3, "organic-tee": 4}
ADMIN, PASSWORD = "owner@example.com", "correct horse battery staple"
CUSTOMERS_AT_ONCE = 6


def onboard(local, shop):
    """Both makers get an account; Harbour Press is enabled, the studio not yet. The studio's id."""
    ids = {}
    with shop.app.app_context():
        for maker in db.session.scalars(db.select(Maker)):
            maker.stripe_account_id = gateway.create_account(maker.slug, secrets.token_hex(8)).id
            ids[maker.slug] = maker.stripe_account_id
        db.session.commit()
        accounts.create_admin(ADMIN, PASSWORD)
    local._post(f"/accounts/{ids['harbour-press']}/enable")
    return ids["letterpress-studio"]


def customer(local, shop, clicks, email, rng):
    """Fill a bag of 2–4 lines, then press Pay `clicks` times at once; the answers seen."""
    session = requests.Session()
    for slug in rng.sample(PRODUCTS, rng.randint(2, 4)):
        page = session.get(f"{shop.url}/p/{slug}", timeout=TIMEOUT).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        fields = {"csrf_token": token}
        if slug in QUANTITIES:
            fields["quantity"] = str(rng.randint(1, QUANTITIES[slug]))
        session.post(f"{shop.url}/p/{slug}/add", data=fields, timeout=TIMEOUT)
    form = bag_form(session.get(f"{shop.url}/bag", timeout=TIMEOUT).text)
    form |= {"email": email, "payment_method": local.card(GOOD)}
    together = threading.Barrier(clicks)

    def press(_):
        together.wait()
        return seen(session.post(f"{shop.url}/bag/pay", data=form, timeout=TIMEOUT,
                                 headers={"Accept": "application/json"}))

    with ThreadPoolExecutor(clicks) as tabs:
        return list(tabs.map(press, range(clicks)))


def refund_a_makers_line(shop, session, order_id):
    """The admin's "Refund line" on the order's first maker's line; the slug refunded."""
    page = session.get(f"{shop.url}/admin/orders/{order_id}", timeout=TIMEOUT).text
    found = re.search(r'data-order-line="(city-lights-poster|letterpress-workshop)".*?'
                      r'action="([^"]+/refund)".*?name="csrf_token" value="([^"]+)".*?'
                      r'name="request_id" value="([^"]+)"', page, re.S)
    if found is None:
        return "none (no maker's line)"
    slug, action, token, request_id = found.groups()
    session.post(f"{shop.url}{action}", timeout=TIMEOUT,
                 data={"csrf_token": token, "request_id": request_id})
    return slug


def admin_session(shop):
    session = requests.Session()
    page = session.get(f"{shop.url}/admin/login", timeout=TIMEOUT).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(f"{shop.url}/admin/login", timeout=TIMEOUT,
                 data={"csrf_token": token, "email": ADMIN, "password": PASSWORD})
    return session


def ledger(local, shop):
    """Per order: what Stripe says was paid, refunded and transferred; what the shop's lines owe."""
    transfers = defaultdict(list)
    for transfer in local.api.transfers.list({"limit": 100}).auto_paging_iter():
        transfers[transfer.transfer_group].append(transfer)
    intents = {intent.metadata.to_dict().get("order_public_id"): intent for intent in
               local.api.payment_intents.list({"limit": 100}).auto_paging_iter()
               if intent.status == "succeeded"}
    rows = []
    with shop.app.app_context():
        makers = {maker.id: maker for maker in db.session.scalars(db.select(Maker))}
        for order in db.session.scalars(db.select(Order).order_by(Order.id)):
            intent = intents.get(order.public_id)
            charge = local.api.charges.retrieve(intent.latest_charge) if intent else None
            owed = defaultdict(int)  # account → what the maker's lines, less commission, come to
            kept = 0  # what the shop keeps of the lines not refunded
            for line in order.items:
                maker = makers.get(line.maker_id)
                cut = line.amount * maker.commission_percent // 100 if maker else line.amount
                if maker:
                    owed[maker.stripe_account_id] += line.amount - cut
                if not line.refunded:
                    kept += cut
            rows.append((order, charge, owed, kept, transfers.get(f"order-{order.public_id}", [])))
    return rows


def run(local, shop, orders, clicks, seed):
    rng = random.Random(seed)
    endpoint = local.api.webhook_endpoints.create(
        {"url": f"{shop.url}/webhooks/stripe", "enabled_events": list(CONNECT_EVENTS), "connect": True})
    shop.app.config["STRIPE_CONNECT_WEBHOOK_SECRET"] = endpoint.secret
    studio = onboard(local, shop)
    started = time.perf_counter()
    emails = [f"bag-{n}@example.com" for n in range(orders)]
    seeds = [rng.random() for _ in emails]
    answers = Counter()
    with ThreadPoolExecutor(CUSTOMERS_AT_ONCE) as customers:
        half = orders // 2
        for batch in (range(half), range(half, orders)):
            answers.update(answer for seen_ in customers.map(
                lambda n: customer(local, shop, clicks, emails[n], random.Random(seeds[n])), batch)
                for answer in seen_)
            if batch.start == 0:
                local._post(f"/accounts/{studio}/enable")  # finishes onboarding halfway
    wall = time.perf_counter() - started
    local.wait_for_webhooks()
    admin = admin_session(shop)
    with shop.app.app_context():
        paid_ids = db.session.scalars(db.select(Order.id).where(Order.paid_at.is_not(None))
                                      .order_by(Order.id)).all()
    refunded = Counter(refund_a_makers_line(shop, admin, order_id) for order_id in paid_ids[::3])
    local.wait_for_webhooks()
    with shop.app.app_context():  # every maker is enabled by now: account.updated paid them
        waiting = db.session.scalar(db.select(func.count()).select_from(Transfer)
                                    .filter_by(status="waiting"))
    reconciled = shop.reconcile(older_than=timedelta(0), cancel_after=timedelta(0))

    rows = ledger(local, shop)
    twice = sum(count - 1 for order, _, _, _, made in rows
                for count in Counter(t.destination for t in made).values() if count > 1)
    missing = sum(len(set(owed) - {t.destination for t in made}) for _, _, owed, _, made in rows)
    wrong = sum(t.amount != owed.get(t.destination) for _, _, owed, _, made in rows for t in made)
    unbalanced = sum(
        charge is None or sum(t.amount - t.amount_reversed for t in made) + kept
        != charge.amount - charge.amount_refunded
        for _, charge, _, kept, made in rows)
    return [
        Figure("customers, one bag each (2–4 lines)", orders),
        Figure(f"Pay requests ({clicks} at once each)", sum(answers.values())),
        Figure("answers seen", tally(answers)),
        Figure("paid orders (must equal customers)", sum(o.paid_at is not None for o, *_ in rows), orders),
        Figure("charges at Stripe (must equal customers)", sum(c is not None for _, c, *_ in rows), orders),
        Figure("transfers at Stripe", sum(len(made) for *_, made in rows)),
        Figure("transfers made twice (must be 0)", twice, 0),
        Figure("transfers missing (must be 0)", missing, 0),
        Figure("transfers of the wrong amount (must be 0)", wrong, 0),
        Figure("lines refunded by the admin", tally(refunded)),
        Figure("transfers reversed", sum(t.amount_reversed > 0 for *_, made in rows for t in made)),
        Figure("orders where transfers + commission ≠ paid − refunded (must be 0)", unbalanced, 0),
        Figure("transfers still waiting before reconcile (must be 0)", waiting, 0),
        Figure("reconcile afterwards", tally(reconciled)),
        Figure("wall time of the customers", f"{wall:.1f} s"),
    ]
