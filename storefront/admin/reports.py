"""The sales view's figures, from the orders table alone: money taken per day and per product,
and how many orders were paid, over the last days (UTC days, the days orders are stored in).

Conversion counts orders, not every price quote. An order is made when a customer presses Pay
on the quote in front of them, so "orders" are the quotes a customer acted on, and "paid" those
that went through; declined cards, failed 3-D Secure and abandoned payments make the difference.
Counting every quote instead would count each re-price htmx sends as someone types, and would
make the quote endpoint, now read-only, write a counter row per product and day on every
request: concurrent quotes for a product would queue on that row (on the whole database in
SQLite). See docs/admin.md for the figures.

Stripe's fees are the exception: what Stripe actually took is in its balance transactions, read
from Stripe for the period (`stripe_fees`), not in the orders table.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func
from sqlalchemy.orm import selectinload

from storefront.catalog import methods
from storefront.models import Order, PaymentAttempt, utcnow
from storefront.payments import connect, gateway
from storefront.web.extensions import db


@dataclass(frozen=True)
class ProductSales:
    name: str
    currency: str
    orders: int
    paid: int
    refunded: int

    @property
    def revenue(self):
        return self.paid - self.refunded


@dataclass(frozen=True)
class MethodSales:
    """Revenue by way of paying, with Stripe's fees by its published schedule (methods.py); the
    order page shows each payment's actual fee, from Stripe's balance transaction."""

    method: str  # its label
    currency: str
    orders: int
    paid: int
    refunded: int
    fees: int

    @property
    def revenue(self):
        return self.paid - self.refunded

    @property
    def net(self):
        return self.revenue - self.fees


@dataclass(frozen=True)
class DayCheckouts:
    day: date
    orders: int
    paid: int

    @property
    def conversion(self):
        """Paid orders per hundred, or None on a day without orders."""
        return round(100 * self.paid / self.orders) if self.orders else None


@dataclass(frozen=True)
class SalesReport:
    days: list  # every day of the period, oldest first
    revenue: dict  # currency → revenue (paid less refunded) per day, in minor units
    products: list  # ProductSales, most revenue first
    methods: list  # MethodSales, most revenue first
    checkouts: list  # DayCheckouts per day

    @property
    def orders(self):
        return sum(day.orders for day in self.checkouts)

    @property
    def paid(self):
        return sum(day.paid for day in self.checkouts)

    @property
    def conversion(self):
        return round(100 * self.paid / self.orders) if self.orders else None


@dataclass(frozen=True)
class StripeFees:
    """What Stripe took in one currency over the period, from its balance transactions."""

    currency: str
    total: int  # every fee, less those Stripe gave back: what the shop paid
    cards: int  # on card charges
    bank: int  # on bank debits, less those the bank returned
    failures: int  # failed-payment fees on bank debits the bank returned
    bounced: int  # how many debits the bank returned
    # By bank debits that went through: what cards would have cost for the same amounts (Stripe's
    # schedule, methods.CARD.fee) less the bank fees actually paid.
    saved: int


# Stripe's types for a card charge, a bank debit (ACH) and a debit the bank returned.
CARD_CHARGE, BANK_DEBIT, DEBIT_RETURNED = "charge", "payment", "payment_failure_refund"


def stripe_fees(start, end):
    """StripeFees per currency (most fees first) for the balance transactions created from
    `start` to before `end`: one paged listing from Stripe (gateway.balance_transactions)."""
    transactions = list(gateway.balance_transactions(start, end))
    returned = {t.source for t in transactions if t.type == DEBIT_RETURNED}
    figures = defaultdict(lambda: defaultdict(int))
    for t in transactions:
        found = figures[t.currency.upper()]
        found["total"] += t.fee
        if t.type == CARD_CHARGE:
            found["cards"] += t.fee
        elif t.type == BANK_DEBIT and t.source not in returned:
            found["bank"] += t.fee
            found["saved"] += methods.CARD.fee.of(t.amount) - t.fee
        elif t.type == DEBIT_RETURNED:
            found["bounced"] += 1
            # Its fee lines: the debit's fee given back (negative), and the failed-payment fee.
            found["failures"] += sum(line.amount for line in t.fee_details if line.amount > 0)
    fees = (StripeFees(currency, **{name: found[name] for name in (
        "total", "cards", "bank", "failures", "bounced", "saved")})
        for currency, found in figures.items())
    return sorted(fees, key=lambda f: (-f.total, f.currency))


def sales_report(days=30, today=None):
    """The last `days` days up to `today` (UTC) included."""
    today = today or utcnow().date()
    period = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    start = datetime.combine(period[0], time())
    end = datetime.combine(today, time()) + timedelta(days=1)
    return SalesReport(period, _revenue(start, end, period), _products(start, end),
                       _methods(start, end), _checkouts(start, end, period))


def _revenue(start, end, period):
    # Refunds count against the day of the payment they give back.
    day = func.date(Order.paid_at)
    rows = db.session.execute(
        db.select(day, Order.currency, func.sum(Order.total - Order.amount_refunded))
        .where(Order.paid_at >= start, Order.paid_at < end).group_by(day, Order.currency)
    ).all()
    revenue = {currency: dict.fromkeys(period, 0) for currency in sorted({r[1] for r in rows})}
    for paid_day, currency, amount in rows:
        revenue[currency][_as_date(paid_day)] = amount
    return {currency: list(per_day.values()) for currency, per_day in revenue.items()}


def _products(start, end):
    """Per product, from the orders' lines: a bag's order counts once for each of its products,
    each with its own line's money. A refund the shop counted in the lines (a line's, or one by
    amount spread over them) stays where it was counted; one it did not (made on Stripe's
    dashboard, heard of by webhook) is spread over the lines as a refund by amount would be, so
    the products add up to the orders' money to the cent."""
    orders = db.session.scalars(
        db.select(Order).where(Order.paid_at >= start, Order.paid_at < end)
        .options(selectinload(Order.items))
    ).all()
    figures = defaultdict(lambda: [set(), 0, 0])  # (name, currency) → [order ids, paid, refunded]
    for order in orders:
        unspread = order.amount_refunded - sum(line.refunded for line in order.items)
        extra = connect.spread(order, unspread) if unspread > 0 else {}
        for line in order.items:
            found = figures[(line.product.name, order.currency)]
            found[0].add(order.id)
            found[1] += line.amount
            found[2] += line.refunded + extra.get(line, 0)
    rows = (ProductSales(name, currency, len(ids), paid, refunded)
            for (name, currency), (ids, paid, refunded) in figures.items())
    return sorted(rows, key=lambda p: (-p.revenue, p.name))


def _fee(fee, amount):
    """A methods.Fee as SQL over an amount column (integer arithmetic, as Fee.of)."""
    charged = (amount * fee.basis_points + 5_000) // 10_000 + fee.fixed
    return charged if fee.cap is None else case((charged > fee.cap, fee.cap), else_=charged)


def _methods(start, end):
    # The method of the payment that paid each order: the last attempt on its PaymentIntent. One
    # value per order, whatever the attempts before it (declined cards on the same PaymentIntent
    # are attempts too): an order counts once, by its outcome.
    paying = (db.select(PaymentAttempt.method)
              .where(PaymentAttempt.order_id == Order.id,
                     PaymentAttempt.payment_intent_id == Order.payment_intent_id)
              .order_by(PaymentAttempt.id.desc()).limit(1).correlate(Order).scalar_subquery())
    paid = (db.select(Order.id, Order.currency, Order.total, Order.amount_refunded,
                      func.coalesce(paying, methods.CARD.name).label("method"))
            .where(Order.paid_at >= start, Order.paid_at < end).subquery())
    fee = case(*((paid.c.method == m.name, _fee(m.fee, paid.c.total))
                 for m in methods.METHODS.values()))
    rows = db.session.execute(
        db.select(paid.c.method, paid.c.currency, func.count(), func.sum(paid.c.total),
                  func.sum(paid.c.amount_refunded), func.sum(fee))
        .group_by(paid.c.method, paid.c.currency)
    ).all()
    found = (MethodSales(methods.METHODS[name].label, *figures) for name, *figures in rows)
    return sorted(found, key=lambda m: (-m.revenue, m.method))


def _checkouts(start, end, period):
    day = func.date(Order.created_at)
    rows = db.session.execute(
        db.select(day, func.count(), func.sum(case((Order.paid_at.is_not(None), 1), else_=0)))
        .where(Order.created_at >= start, Order.created_at < end).group_by(day)
    ).all()
    counts = {_as_date(created_day): (orders, paid) for created_day, orders, paid in rows}
    return [DayCheckouts(day, *counts.get(day, (0, 0))) for day in period]


def _as_date(value):
    # SQLite's date() gives text, PostgreSQL's a date.
    return value if isinstance(value, date) else date.fromisoformat(value)
