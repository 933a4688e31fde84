"""What the shop stores: products loaded from the catalog, and orders with their history."""
import secrets
from datetime import datetime, timezone

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import catalog
from .extensions import db


def utcnow():
    return datetime.now(timezone.utc)


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

    @property
    def rules(self):
        """The pricing rules (pricing.PricingRules), which makes a Product priceable."""
        return catalog.rules_from_dict(self.rules_data)


class Order(db.Model):
    __tablename__ = "orders"
    STATUSES = ("pending", "requires_action", "paid", "failed", "canceled", "refunded")

    id: Mapped[int] = mapped_column(primary_key=True)
    # Receipt URLs use this unguessable id; it also keeps Stripe idempotency keys unique
    # when a development database is reset while Stripe still remembers old keys.
    public_id: Mapped[str] = mapped_column(
        String(32), unique=True, default=lambda: secrets.token_urlsafe(16)
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    product: Mapped[Product] = relationship()
    selection: Mapped[dict] = mapped_column(JSON)
    lines: Mapped[list] = mapped_column(JSON)
    subtotal: Mapped[int]
    tip: Mapped[int]
    total: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    paid_at: Mapped[datetime | None]

    transitions: Mapped[list["OrderTransition"]] = relationship(
        back_populates="order", order_by="OrderTransition.id"
    )

    @classmethod
    def for_quote(cls, product, selection, quote, email):
        """A new pending order for exactly what the customer was quoted."""
        return cls(
            product=product,
            selection=selection.to_form(quote.currency),
            lines=[{"label": line.label, "amount": line.amount} for line in quote.lines],
            subtotal=quote.subtotal,
            tip=quote.tip,
            total=quote.total,
            currency=quote.currency,
            email=email,
            status="pending",
            attempts=0,
        )

    @property
    def payable(self):
        return self.status in ("pending", "failed", "requires_action")

    def move_to(self, status, source, note=None):
        """Record a state change and where it came from (browser, webhook, reconcile)."""
        if status not in self.STATUSES:
            raise ValueError(status)
        if status == self.status:
            return
        self.transitions.append(
            OrderTransition(from_status=self.status, to_status=status, source=source, note=note)
        )
        self.status = status
        if status == "paid":
            self.paid_at = utcnow()


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
