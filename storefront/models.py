"""What the shop stores: products loaded from the catalog, orders with their payment attempts and
history, and the Stripe events already handled."""
import secrets
from datetime import datetime, timedelta, timezone

from flask_login import UserMixin
from sqlalchemy import (
    DDL,
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.catalog import carriers, methods, products
from storefront.web.extensions import db


def utcnow():
    # Naive UTC: stored alike by SQLite and PostgreSQL's `timestamp without time zone`.
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str] = mapped_column(String(300), default="")
    currency: Mapped[str] = mapped_column(String(3))
    rules_data: Mapped[dict] = mapped_column("rules", JSON)
    position: Mapped[int] = mapped_column(default=0)
    # The checkout layout from the catalog (products.LAYOUTS); None: the CHECKOUT_LAYOUT setting.
    layout: Mapped[str | None] = mapped_column(String(20))
    # How its customers pay (products.CHECKOUT_MODES); None: the CHECKOUT_MODE setting.
    checkout_mode: Mapped[str | None] = mapped_column(String(20))
    # What Stripe Tax taxes it as (products.ProductSpec.tax_code); None: a tangible good.
    tax_code: Mapped[str | None] = mapped_column(String(40))
    # Who made it and is paid for it (a connected account); None: the shop's own product.
    maker_id: Mapped[int | None] = mapped_column(ForeignKey("makers.id"))
    maker: Mapped["Maker | None"] = relationship()
    # Whether it is posted to the customer (products.ProductSpec.ships).
    ships: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What a customer downloads once paid, and when and where an event takes place: the catalog's
    # [product.download] and [product.event] (products.DownloadSpec, products.EventSpec) as JSON.
    download: Mapped[dict | None] = mapped_column(JSON)
    event: Mapped[dict | None] = mapped_column(JSON)

    @property
    def rules(self):
        """The pricing rules (pricing.PricingRules), which makes a Product priceable.

        Parsed once per loaded row rather than at every read: one request reads them several
        times (pricing, the template), and parsing checks every rule again.
        """
        data = self.rules_data
        parsed = getattr(self, "_parsed_rules", None)
        if parsed is None or parsed[0] is not data:
            parsed = self._parsed_rules = (data, products.rules_from_dict(data))
        return parsed[1]


class CatalogRevision(db.Model):
    """One row counting the changes to the products (snapshot.py bumps it in the same
    transaction as the change). Every process compares it with the catalog it last read, so a
    change made by any host reaches every process at its next request."""

    __tablename__ = "catalog_revision"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    revision: Mapped[int] = mapped_column(default=0)
    # The catalog's shipping zones (catalog/shipping.py zones_to_dict); changing them bumps the
    # revision like a product change.
    shipping_zones: Mapped[list | None] = mapped_column(JSON)


# The one row exists from the start: the migration inserts it, and so does create_all here.
event.listen(CatalogRevision.__table__, "after_create",
             DDL("INSERT INTO catalog_revision (id, revision) VALUES (1, 0)"))


# The order lifecycle. Money decides: Stripe saying "succeeded" makes any unpaid order paid,
# and nothing but a refund moves a paid order, back again if the refund fails later.
# "processing": the customer paid by a method that settles later (a bank debit); the money
# arrives, or the debit fails, days afterwards.
TRANSITIONS = {
    "pending": {"requires_action", "processing", "paid", "failed", "canceled"},
    "requires_action": {"pending", "processing", "paid", "failed", "canceled"},
    "processing": {"paid", "failed", "canceled"},
    "failed": {"pending", "requires_action", "processing", "paid", "canceled"},
    "canceled": {"paid"},
    "paid": {"partially_refunded", "refunded"},
    "partially_refunded": {"refunded", "paid"},
    "refunded": {"partially_refunded", "paid"},
}
UNPAID = ("pending", "requires_action", "failed", "canceled")


class Order(db.Model):
    __tablename__ = "orders"
    # One order per checkout page and selection: a double-submitted pay form finds the order
    # its twin created instead of making a second one.
    __table_args__ = (
        UniqueConstraint("checkout_token", "selection_key"),
        # The admin's order list, newest first, keyset-paged on (created_at, id): alone, within
        # a status, or within a product (admin/search.py).
        Index("ix_orders_created_at_id", "created_at", "id"),
        Index("ix_orders_status_created_at_id", "status", "created_at", "id"),
        Index("ix_orders_product_id_created_at_id", "product_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Receipt URLs use this unguessable id; it also keeps Stripe idempotency keys unique
    # when a development database is reset while Stripe still remembers old keys.
    public_id: Mapped[str] = mapped_column(
        String(32), unique=True, default=lambda: secrets.token_urlsafe(16)
    )
    checkout_token: Mapped[str] = mapped_column(String(64))
    selection_key: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    product: Mapped[Product] = relationship()
    selection: Mapped[dict] = mapped_column(JSON)
    lines: Mapped[list] = mapped_column(JSON)
    subtotal: Mapped[int]
    tip: Mapped[int]
    total: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    email: Mapped[str] = mapped_column(String(254))
    # Indexed as the lead of ix_orders_status_created_at_id.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    amount_refunded: Mapped[int] = mapped_column(default=0)
    # How the customer pays (products.CHECKOUT_MODES), and for Stripe's Checkout page the
    # session they pay on (its PaymentIntent becomes payment_intent_id once they have paid).
    checkout_mode: Mapped[str] = mapped_column(String(20), default="elements",
                                               server_default="elements")
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The card it was paid with, from Stripe's charge when the order is paid (settlement.fulfil),
    # for the receipt: "Visa ending 4242". Never more of the card than this.
    card_brand: Mapped[str | None] = mapped_column(String(20))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    # Why a merchant should look at the order (a report from Stripe the shop did not apply);
    # each report is also in its history.
    needs_look: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(index=True)  # the admin's sales per day
    fulfilled_at: Mapped[datetime | None]
    receipt_sent_at: Mapped[datetime | None]
    # The receipt's outbox (storefront/orders/outbox.py): queued in the commit that claims the
    # fulfilment, sent after the response, tried again with backoff until sent or refused.
    receipt_due_at: Mapped[datetime | None] = mapped_column(index=True)  # None: nothing queued
    receipt_tries: Mapped[int] = mapped_column(default=0, server_default="0")
    receipt_error: Mapped[str | None] = mapped_column(Text)  # why the last try failed
    receipt_refused_at: Mapped[datetime | None]  # the mail server refused it for good (5xx)
    # The "your payment did not go through" email (a bank debit returned days later), in the same
    # outbox: queued in the commit that records the failure, withdrawn if the order is paid first.
    failure_email_due_at: Mapped[datetime | None] = mapped_column(index=True)
    failure_email_tries: Mapped[int] = mapped_column(default=0, server_default="0")
    failure_email_error: Mapped[str | None] = mapped_column(Text)
    failure_email_sent_at: Mapped[datetime | None]
    failure_email_refused_at: Mapped[datetime | None]
    # The "verify your bank account" email, sent once when Stripe reports the microdeposits sent
    # (payment_intent.requires_action, verify_with_microdeposits): Stripe's verification page
    # (stripe_link) and the day they are expected (microdeposits_arrive_at).
    verify_email_due_at: Mapped[datetime | None] = mapped_column(index=True)
    verify_email_tries: Mapped[int] = mapped_column(default=0, server_default="0")
    verify_email_error: Mapped[str | None] = mapped_column(Text)
    verify_email_sent_at: Mapped[datetime | None]
    verify_email_refused_at: Mapped[datetime | None]
    microdeposits_arrive_at: Mapped[datetime | None]
    # Where it ships and what shipping and tax cost (issue 23). The address is Stripe's shape
    # ({line1, line2, city, state, postal_code, country}), sent as the PaymentIntent's `shipping`;
    # None for an order with nothing to ship. `total` already includes shipping_amount, and
    # tax_amount when tax_behavior is "exclusive" (prices before tax); an "inclusive" tax is part
    # of the prices and only reported. tax_calculation_id / tax_transaction_id are Stripe Tax's.
    shipping_name: Mapped[str | None] = mapped_column(String(200))
    shipping_address: Mapped[dict | None] = mapped_column(JSON)
    shipping_amount: Mapped[int] = mapped_column(default=0, server_default="0")
    shipping_rate: Mapped[str | None] = mapped_column(String(120))  # the rate's name, as shown
    tax_amount: Mapped[int] = mapped_column(default=0, server_default="0")
    tax_behavior: Mapped[str | None] = mapped_column(String(10))  # None: the shop charges no tax
    tax_calculation_id: Mapped[str | None] = mapped_column(String(255))
    tax_transaction_id: Mapped[str | None] = mapped_column(String(255))
    # The customer's account it was placed from (storefront/accounts/), None for a guest's order;
    # emptied when the account is deleted (the order stays, without the person's details).
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    # A short lease serialises the requests, webhooks and reconcile runs that work on one order,
    # across processes and hosts, without holding a transaction open during a Stripe call.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]
    # When a page anyone may load last asked Stripe about the order, and the link Stripe's answer
    # gave it (microdeposits' verification page, the open Checkout page): orders/stripe_reads.py.
    stripe_read_at: Mapped[datetime | None]
    stripe_link: Mapped[str | None] = mapped_column(Text)

    transitions: Mapped[list["OrderTransition"]] = relationship(
        back_populates="order", order_by="OrderTransition.id"
    )
    attempts: Mapped[list["PaymentAttempt"]] = relationship(
        back_populates="order", order_by="PaymentAttempt.number"
    )
    refunds: Mapped[list["Refund"]] = relationship(back_populates="order", order_by="Refund.id")
    # What was bought, one line per product and selection (`lines` above is the price breakdown).
    items: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", order_by="OrderLine.position")
    transfers: Mapped[list["Transfer"]] = relationship(back_populates="order", order_by="Transfer.id")
    shipments: Mapped[list["Shipment"]] = relationship(back_populates="order", order_by="Shipment.id")

    @classmethod
    def for_quote(cls, product, selection, quote, email, checkout_token, selection_key,
                  checkout_mode="elements"):
        """A new pending order for exactly what the customer was quoted (its shipping too: the
        address is the pay request's, set as each attempt is made)."""
        shipping = quote.shipping
        return cls(
            shipping_amount=shipping.amount if shipping else 0,
            shipping_rate=shipping.zone.display_name if shipping and shipping.zone else None,
            checkout_mode=checkout_mode,
            items=[OrderLine.for_quote(0, product, selection, quote)],
            product=product,
            checkout_token=checkout_token,
            selection_key=selection_key,
            selection=selection.to_form(quote.currency),
            lines=breakdown(quote),
            subtotal=quote.subtotal,
            tip=quote.tip,
            total=quote.total,
            currency=quote.currency,
            email=email,
            status="pending",
            amount_refunded=0,
        )

    @property
    def payable(self):
        return self.status in ("pending", "requires_action", "failed")

    def reprice(self, lines, item_quotes):
        """The order's price for the way it is being paid now, when that differs from the way
        first tried (a card after a bank debit failed: the bank discount no longer applies):
        `lines` (breakdown) for the order, `item_quotes` each of its lines' quotes, in order.
        Only the lines' difference moves the totals: what was added to the order after it was
        priced (tax, shipping) stays."""
        self.total += _sum(lines) - _sum(self.lines)
        self.lines = lines
        for item, quote in zip(self.items, item_quotes):
            new = breakdown(quote)
            item.amount += _sum(new) - _sum(item.lines)
            item.lines = new

    @property
    def last_attempt(self):
        return self.attempts[-1] if self.attempts else None

    @property
    def product_names(self):
        """Every line's product, in the order's order: a bag's order names each of them."""
        return ", ".join(line.product.name for line in self.items)

    @property
    def method(self):
        """The way of paying of the order's current payment (methods.py)."""
        attempt = next((a for a in reversed(self.attempts)
                        if a.payment_intent_id == self.payment_intent_id), None)
        return methods.METHODS[attempt.method if attempt else "card"]

    @property
    def settles_by(self):
        """When a payment that settles later should have arrived, counted in business days from
        when it began processing; None when it does not apply."""
        began = next((t.at for t in reversed(self.transitions) if t.to_status == "processing"), None)
        if began is None or not self.method.settles_later:
            return None
        day, left = began.date(), self.method.settle_days
        while left:
            day += timedelta(days=1)
            left -= day.weekday() < 5
        return day

    def can_move_to(self, status):
        return status == self.status or status in TRANSITIONS[self.status]

    def move_to(self, status, source, note=None):
        """Record a state change and where it came from (browser, webhook, reconcile)."""
        if status == self.status:
            return
        if status not in TRANSITIONS[self.status]:
            raise ValueError(f"order {self.id}: {self.status} → {status} is not allowed")
        self.transitions.append(
            OrderTransition(from_status=self.status, to_status=status, source=source, note=note)
        )
        self.status = status
        if status == "paid" and self.paid_at is None:  # not when a refund failed
            self.paid_at = utcnow()

    def flag(self, reason, source):
        """Mark the order for a merchant's look, and keep the reason in its history."""
        self.needs_look = reason
        self.transitions.append(OrderTransition(
            from_status=self.status, to_status=self.status, source=source,
            note=f"Needs a look: {reason}"))


# The admin's search finds an email in any case.
Index("ix_orders_email_lower", func.lower(Order.email))


class OrderTransition(db.Model):
    __tablename__ = "order_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    order: Mapped[Order] = relationship(back_populates="transitions")
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentAttempt(db.Model):
    """One card tried on an order. Its idempotency key is saved before Stripe is called, so a
    call whose answer was lost can be asked again with the same key instead of charging twice."""

    __tablename__ = "payment_attempts"
    __table_args__ = (UniqueConstraint("order_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    order: Mapped[Order] = relationship(back_populates="attempts")
    number: Mapped[int]
    # "create" (create-and-confirm a new intent) or "confirm" (the order's intent, a new card):
    # asking again must send the very request first sent, whatever the order learnt since.
    kind: Mapped[str] = mapped_column(String(10), default="create", server_default="create")
    # The way of paying (methods.METHODS), and the PaymentMethod when the browser sent one
    # (empty for a bank account, which Stripe.js collects after the intent exists).
    method: Mapped[str] = mapped_column(String(30), default="card", server_default="card")
    payment_method: Mapped[str] = mapped_column(String(255))
    # The PaymentIntent this attempt created or confirmed, once Stripe has said: a webhook
    # applies only to one of these.
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    # What was sent to Stripe with that key (gateway.payment_request, checkout_session_request),
    # recorded with the key: asking again sends exactly this, never a request rebuilt from the
    # catalog or the order, which may have changed meanwhile (Stripe would refuse the key).
    # None for attempts recorded before it was kept.
    request: Mapped[dict | None] = mapped_column(JSON)
    # None until Stripe's answer is known: "succeeded", "requires_action", "declined", "error".
    outcome: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StripeEvent(db.Model):
    """A webhook event already handled; its id makes a redelivery a no-op."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the event came in another API version than the shop's (STRIPE_API_VERSION): it
    # was acknowledged but not acted on, and the admin's orders page counts such events.
    ignored_api_version: Mapped[str | None] = mapped_column(String(40))


class AdminUser(UserMixin, db.Model):
    """Someone who runs the shop and signs in to /admin (created by `flask admin create`)."""

    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Wrong passwords in a row, and until when sign-in is refused after too many (admin/login.py).
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Part of every session's user id (get_id): raising it (logging out, a new password,
    # disabling the account) ends every session this admin has anywhere.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    disabled_at: Mapped[datetime | None]  # a disabled admin cannot sign in

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.disabled_at is None

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


class Account(db.Model):
    """A returning customer, who signs in with a link emailed to their address (no password);
    made the first time a link for the address is used (storefront/accounts/)."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unguessable: Stripe idempotency keys derive from it, so a development database reset while
    # Stripe still remembers old keys never reuses one.
    public_id: Mapped[str] = mapped_column(
        String(32), unique=True, default=lambda: secrets.token_urlsafe(16))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # normalised, lower case
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    # Part of every session's cookie value: raising it (signing out) ends every session of the
    # account on every device, as AdminUser.session_version does for admins.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Its one Stripe Customer, made when first needed (accounts/customers.py).
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)


class SignInLink(db.Model):
    """A one-time sign-in link emailed to an address. The link carries `key` signed with the
    app's SECRET_KEY (orders/links.py), so the database alone cannot make a working link; the
    outbox builds the link again from `key` for each try. Used once, before `expires_at`."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True,
                                     default=lambda: secrets.token_urlsafe(32))
    email: Mapped[str] = mapped_column(String(254), index=True)  # normalised, lower case
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # The outbox's columns (storefront/orders/outbox.py), as an order's emails have them.
    email_due_at: Mapped[datetime | None] = mapped_column(index=True)
    email_tries: Mapped[int] = mapped_column(default=0, server_default="0")
    email_error: Mapped[str | None] = mapped_column(Text)
    email_sent_at: Mapped[datetime | None]
    email_refused_at: Mapped[datetime | None]


class Refund(db.Model):
    """A refund asked for in the admin. Saved with its idempotency key before Stripe is called,
    like a PaymentAttempt: the same form sent twice, or a call whose answer was lost, asks Stripe
    again with the same key and never refunds twice."""

    __tablename__ = "refunds"
    # The refund form carries a request id: one form, one refund, however often it is sent.
    __table_args__ = (UniqueConstraint("order_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    order: Mapped[Order] = relationship(back_populates="refunds")
    request_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    amount: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(30))
    # "requested" until Stripe's answer is known, then "accepted" or "refused"; an accepted
    # refund that Stripe later reports failed (or canceled) is "failed", with Stripe's reason
    # in `error`.
    status: Mapped[str] = mapped_column(String(20), default="requested")
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # Stripe's own status of the refund: a bank refund is "pending" for days, then "succeeded".
    stripe_status: Mapped[str | None] = mapped_column(String(20))
    charge_id: Mapped[str | None] = mapped_column(String(255))
    # The charge's amount_refunded as Stripe gave it right after this refund: the order has
    # heard of this refund (charge.refunded) once its own amount_refunded reaches this.
    charge_refunded_after: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    # The line it refunds ("Refund line"); None: an amount, spread over the lines (connect.py).
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    # Its amount is counted in the lines' `refunded` and makers' reversals are on record.
    lines_settled: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The Stripe Tax reversal that gives back the refunded part of the order's tax (tax.py);
    # None while there is none (no tax recorded, or not reversed yet).
    tax_reversal_id: Mapped[str | None] = mapped_column(String(255))
    reversals: Mapped[list["TransferReversal"]] = relationship(order_by="TransferReversal.id")
    admin_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id"))
    admin: Mapped[AdminUser] = relationship()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The customer's email about this refund, through the outbox (storefront/orders/outbox.py):
    # one per refund, so a second partial refund gets its own; queued in the commit that records
    # Stripe's "succeeded", withdrawn while unsent if the refund fails after all.
    email_due_at: Mapped[datetime | None] = mapped_column(index=True)  # None: nothing queued
    email_tries: Mapped[int] = mapped_column(default=0, server_default="0")
    email_error: Mapped[str | None] = mapped_column(Text)
    email_sent_at: Mapped[datetime | None]
    email_refused_at: Mapped[datetime | None]


class OrderLine(db.Model):
    """One product of an order, with the selection and price it was bought at. An order from a
    product page has one line; a bag's has one per line of the bag."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    order: Mapped[Order] = relationship(back_populates="items")
    position: Mapped[int]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    # Joined: the receipt names every line's product, in the one SELECT of the lines.
    product: Mapped[Product] = relationship(lazy="joined")
    selection: Mapped[dict] = mapped_column(JSON)
    lines: Mapped[list] = mapped_column(JSON)  # the quote's lines: [{"label", "amount"}]
    subtotal: Mapped[int]
    tip: Mapped[int]
    amount: Mapped[int]  # subtotal + tip − its share of a bank discount: what was paid for it
    # The maker paid for this line (the product's when bought); None: the shop's own.
    maker_id: Mapped[int | None] = mapped_column(ForeignKey("makers.id"), index=True)
    maker: Mapped["Maker | None"] = relationship()
    refunded: Mapped[int] = mapped_column(default=0, server_default="0")
    # How often its files were downloaded (orders/fulfilment.py), for the admin.
    downloads: Mapped[int] = mapped_column(default=0, server_default="0")
    shipped_in: Mapped[list["ShipmentLine"]] = relationship(back_populates="order_line")

    @property
    def quantity(self):
        return int(self.selection.get("quantity") or 1)

    @classmethod
    def for_quote(cls, position, product, selection, quote):
        return cls(
            position=position, product=product, maker_id=product.maker_id,
            selection=selection.to_form(quote.currency),
            lines=breakdown(quote),
            # Shipping is the order's, not the line's (a bag ships once): the maker's share
            # and a line's refund count the goods, the bank discount and the tip.
            subtotal=quote.subtotal, tip=quote.tip,
            amount=quote.subtotal + quote.tip + (quote.discount.amount if quote.discount else 0),
            refunded=0,
        )


def _sum(lines):
    return sum(line["amount"] for line in lines)


def breakdown(quote):
    """A quote's lines as an order keeps them: the products' and extras' lines, then the bank
    discount's (negative) line when there is one. The tip has its own column."""
    lines = [*quote.lines, *([quote.discount] if quote.discount else [])]
    return [{"label": line.label, "amount": line.amount} for line in lines]


class Maker(db.Model):
    """Someone whose products the shop sells and pays through Stripe Connect (a connected
    account). Their status is what Stripe's account.updated events last said."""

    __tablename__ = "makers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The shop's commission on their sales, in percent (the catalog's, or its default).
    commission_percent: Mapped[int] = mapped_column(default=0)
    stripe_account_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    charges_enabled: Mapped[bool] = mapped_column(default=False)
    payouts_enabled: Mapped[bool] = mapped_column(default=False)
    details_submitted: Mapped[bool] = mapped_column(default=False)
    # Their `transfers` capability is active: what receiving the shop's transfers needs (they
    # take no charges themselves, so charges_enabled may stay false).
    transfers_active: Mapped[bool] = mapped_column(default=False)
    requirements_due: Mapped[list] = mapped_column(JSON, default=list)
    status_at: Mapped[datetime | None]  # when Stripe last told us their status

    @property
    def enabled(self):
        """Whether transfers to them can be made now."""
        return bool(self.stripe_account_id and self.transfers_active)


class Transfer(db.Model):
    """What a maker is owed for one order (their lines less commission), and the Stripe Transfer
    that paid it. Saved, with its idempotency key, before Stripe is called; "waiting" while the
    maker cannot be paid yet."""

    __tablename__ = "transfers"
    __table_args__ = (UniqueConstraint("order_id", "maker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    order: Mapped[Order] = relationship(back_populates="transfers")
    maker_id: Mapped[int] = mapped_column(ForeignKey("makers.id"), index=True)
    maker: Mapped[Maker] = relationship()
    amount: Mapped[int]
    commission: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    # "waiting" (the maker is not enabled yet, or Stripe could not be reached), "made", or
    # "refunded" (every line was refunded while it waited: nothing is owed, nothing is made).
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    stripe_transfer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    amount_reversed: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    made_at: Mapped[datetime | None]
    reversals: Mapped[list["TransferReversal"]] = relationship(
        back_populates="transfer", order_by="TransferReversal.id")


class TransferReversal(db.Model):
    """Part of a transfer taken back because (part of) a line was refunded; one per refund and
    line. Saved, with its idempotency key, before Stripe is called; one that Stripe did not make
    stays "pending", saying why, and `flask orders reconcile` tries it again (connect.reverse)."""

    __tablename__ = "transfer_reversals"
    __table_args__ = (UniqueConstraint("refund_id", "order_line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), index=True)
    transfer: Mapped[Transfer] = relationship(back_populates="reversals")
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    # The refund that gave the money back (None: recorded before refunds were spread over lines).
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"), index=True)
    amount: Mapped[int]
    # The key of the next try: kept while Stripe may have made it, a new one once Stripe said no.
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    # "pending" (to take back at Stripe), "reversed", or "deducted" (the transfer was still
    # waiting: it was made smaller instead, and there is nothing to take back).
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending",
                                        index=True)
    tries: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)  # why the last try failed
    stripe_reversal_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reversed_at: Mapped[datetime | None]


class Shipment(db.Model):
    """A parcel the admin sent: some or all of an order's lines to post, with the carrier and
    tracking number the customer's email and receipt page link to (orders/fulfilment.py). Its
    email lives in the outbox on this row (`email_…` columns, orders/outbox.py)."""

    __tablename__ = "shipments"
    # The form carries a request id: sent twice, it still records one shipment.
    __table_args__ = (UniqueConstraint("order_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    order: Mapped[Order] = relationship(back_populates="shipments")
    request_id: Mapped[str] = mapped_column(String(64))
    carrier: Mapped[str] = mapped_column(String(20))  # a key of orders/carriers.CARRIERS
    tracking_number: Mapped[str] = mapped_column(String(100))
    admin_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id"))
    admin: Mapped[AdminUser] = relationship()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lines: Mapped[list["ShipmentLine"]] = relationship(
        back_populates="shipment", order_by="ShipmentLine.id")
    # The "your order has shipped" email, in the outbox like the order's own emails.
    email_due_at: Mapped[datetime | None] = mapped_column(index=True)
    email_tries: Mapped[int] = mapped_column(default=0, server_default="0")
    email_error: Mapped[str | None] = mapped_column(Text)
    email_sent_at: Mapped[datetime | None]
    email_refused_at: Mapped[datetime | None]

    @property
    def carrier_name(self):
        return carriers.name(self.carrier)

    @property
    def tracking_url(self):
        return carriers.tracking_url(self.carrier, self.tracking_number)


class ShipmentLine(db.Model):
    """How many of one order line a shipment holds."""

    __tablename__ = "shipment_lines"
    __table_args__ = (UniqueConstraint("shipment_id", "order_line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"))
    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    order_line: Mapped[OrderLine] = relationship(back_populates="shipped_in")
    quantity: Mapped[int]
