"""What a customer pays: their selection in, a quote with every line out.

Pure: no Flask, no database, no Stripe. Amounts are integers of minor units in the product's
currency (see money.py); percentages use integer arithmetic, never floats.

How the rules combine, per unit:
    unit price = (volume price for the quantity, or the customer's pay-what-you-want amount)
                 + the chosen option of every option group
    subtotal   = quantity × unit price + add-ons (each either per unit or once per order)
    total      = subtotal + tip (a percentage of the subtotal, or an amount the customer types)
                 − the bank discount, when the customer pays from a bank account and the
                   catalog offers one (`bank_discount`)

Volume prices are all-units pricing, not graduated: buying 10 when "10 or more" costs $12.00
puts every one of the 10 at $12.00. The saving is shown as its own (negative) line so the
customer sees the list price and the discount.

Two steps check a customer's choice. `selection_from_form` reads the raw form: is it a
number, is it one of the offered choices. `quote` applies the product's rules: quantity limits,
the pay-what-you-want minimum and maximum, which tips are offered, Stripe's largest amount. A
field that fails either step is priced at the product's default so the page can still show a
breakdown next to the error.
"""
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import repeat
from typing import Protocol

from storefront.catalog.methods import US_BANK_ACCOUNT
from storefront.catalog.money import (
    MAX_AMOUNT,
    AmountError,
    amount_problem,
    ascii_digits,
    check_currency,
    format_money,
    minimum_charge,
    minor_step,
    over_stripe_limit,
    parse_amount,
    to_major_string,
)

PER_UNIT = "unit"
PER_ORDER = "order"
# The most any product may allow in one order; keeps quantity × price far from overflow in
# anything downstream that is not Python.
MAX_QUANTITY = 10_000
# Keys end up in form field names ("option-size") and URLs, so they stay plain.
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# No quantity, amount or choice key a person types is longer than this, and no form sends
# more add-ons than this.
MAX_FIELD_LENGTH = 100
_WHOLE_NUMBER = re.compile(r"[0-9]+")


# ---------------------------------------------------------------------------------------------
# The rules a product is priced by


@dataclass(frozen=True)
class VolumePrice:
    """From `from_quantity` units on, every unit in the order costs `unit_price`."""

    from_quantity: int
    unit_price: int


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    delta: int = 0  # added to the unit price; negative for a cheaper choice


@dataclass(frozen=True)
class OptionGroup:
    """Choose exactly one, e.g. a size. Every unit in the order gets the same choice."""

    key: str
    label: str
    choices: tuple[Choice, ...]
    default: str

    def choice(self, key: str) -> Choice | None:
        return self._by_key.get(key)

    @cached_property  # a quote asks for a choice by key several times (parse, price, summary)
    def _by_key(self) -> dict[str, Choice]:
        by_key = {}
        for choice in self.choices:
            by_key.setdefault(choice.key, choice)  # the first of a key, as a scan would find
        return by_key


@dataclass(frozen=True)
class AddOn:
    """A checkbox extra. `per` says whether its price counts once per unit or once per order."""

    key: str
    label: str
    price: int
    per: str


@dataclass(frozen=True)
class PayWhatYouWant:
    """The customer's amount replaces the unit price."""

    minimum: int
    suggested: tuple[int, ...]
    default: int
    maximum: int | None = None


@dataclass(frozen=True)
class TipRules:
    """Tips offered: percentages of the subtotal, and whether any amount may be typed in.

    "No tip" is always offered and is the default; customers opt in.
    """

    percentages: tuple[int, ...]
    custom: bool = False


@dataclass(frozen=True)
class BankDiscount:
    """What paying from a bank account takes off (its fee is a fraction of a card's): `percent`
    of the goods, or a set `amount` in the product's currency. Exactly one of the two."""

    percent: int | None = None
    amount: int | None = None

    @property
    def label(self) -> str:
        return f"Bank discount ({self.percent}%)" if self.percent else "Bank discount"


@dataclass(frozen=True)
class PricingRules:
    """How one product is priced. Either `unit_price` or `pay_what_you_want`, never both.

    Field names here are the catalog's field names; a broken rule raises ValueError naming the
    field, e.g. "volume_prices: each must be cheaper than the one before".
    """

    currency: str
    unit_price: int | None = None
    volume_prices: tuple[VolumePrice, ...] = ()
    pay_what_you_want: PayWhatYouWant | None = None
    min_quantity: int = 1
    max_quantity: int = 99
    options: tuple[OptionGroup, ...] = ()
    addons: tuple[AddOn, ...] = ()
    tip: TipRules | None = None
    # The catalog's [bank_discount] as it applies to this product's currency; None: no discount.
    bank_discount: BankDiscount | None = None

    def __post_init__(self):
        _check_rules(self)

    @cached_property  # asked at every price partial; the same for the rules' life
    def fields(self) -> tuple[str, ...]:
        """The selection's form fields on this product's page, each of which can carry an error
        message (selection_from_form's and quote's): the options', the quantity's (when it can
        change), the extras', the amount's, the tip's."""
        names = [f"option-{group.key}" for group in self.options]
        if self.max_quantity > self.min_quantity:
            names.append("quantity")
        if self.addons:
            names.append("addon")
        if self.pay_what_you_want:
            names.append("amount")
        if self.tip:
            names += ["tip", "tip_custom"]
        return tuple(names)

    def volume_price_for(self, quantity: int) -> VolumePrice | None:
        """The volume price an order of `quantity` gets, if it reaches one."""
        reached = [volume for volume in self.volume_prices if quantity >= volume.from_quantity]
        return reached[-1] if reached else None


class ShippingLine(Protocol):
    """What a quote needs of its shipping line (shipping.Shipping, which prices it)."""

    amount: int

    @property
    def pending(self) -> bool: ...


class PricedProduct(Protocol):
    """Anything with a name and pricing rules: the catalog's ProductSpec, a database row."""

    @property
    def name(self) -> str: ...

    @property
    def rules(self) -> PricingRules: ...


# ---------------------------------------------------------------------------------------------
# What the customer chose, and what it costs


@dataclass(frozen=True)
class Selection:
    """A customer's choices, in a canonical form: equal choices give equal Selections.

    `options` and `addons` may be given as a dict and any iterable; they are stored sorted.
    Amounts are minor units. A tip is either a percentage or a custom amount; 0 of either
    means no tip and is stored as None.
    """

    quantity: int = 1
    options: tuple[tuple[str, str], ...] = ()
    addons: tuple[str, ...] = ()
    amount: int | None = None  # pay-what-you-want amount per unit
    tip_percent: int | None = None
    tip_custom: int | None = None

    def __post_init__(self):
        if isinstance(self.addons, str):
            raise TypeError("addons is a collection of add-on keys, not one string")
        object.__setattr__(self, "options", tuple(sorted(dict(self.options).items())))
        object.__setattr__(self, "addons", tuple(sorted(set(self.addons))))
        for name in ("tip_percent", "tip_custom"):
            if getattr(self, name) == 0:
                object.__setattr__(self, name, None)
        for name in ("quantity", "amount", "tip_percent", "tip_custom"):
            value = getattr(self, name)
            if value is not None and (type(value) is not int or value < 0):
                raise ValueError(f"{name} must be a whole number of zero or more, not {value!r}")
        if self.tip_percent is not None and self.tip_custom is not None:
            raise ValueError("choose a tip percentage or a custom tip, not both")

    def to_form(self, currency: str) -> dict[str, str | list[str]]:
        """The form fields that `selection_from_form` reads back into this same Selection."""
        form: dict[str, str | list[str]] = {"quantity": str(self.quantity)}
        form.update({f"option-{group}": choice for group, choice in self.options})
        if self.addons:
            form["addon"] = list(self.addons)
        if self.amount is not None:
            form["amount"] = to_major_string(self.amount, currency)
        if self.tip_percent is not None:
            form["tip"] = str(self.tip_percent)
        elif self.tip_custom is not None:
            form["tip"] = "custom"
            form["tip_custom"] = to_major_string(self.tip_custom, currency)
        return form


@dataclass(frozen=True)
class LineItem:
    label: str  # for people, e.g. "3 × Poster (Large) @ $20.00"
    amount: int  # minor units; negative only for a volume discount
    # What the label says in parts, for a payment page that lists name × quantity itself
    # (Stripe Checkout): amount = quantity × the unit price.
    quantity: int = field(default=1, compare=False)
    name: str = field(default="", compare=False)  # the label without quantity and unit price


@dataclass(frozen=True)
class Quote:
    """The price breakdown. With errors it is still a best-effort breakdown, not a price to charge.

    `errors` maps a form field name ("quantity", "option-size", "addon", "amount", "tip",
    "tip_custom", "ship_country") or "total" to a message for the customer.

    `discount` is the bank discount's (negative) line when the customer pays from a bank account;
    total = subtotal + tip + discount.amount (+ the shipping's amount, below).

    `shipping`: for a product that ships, its shipping line (shipping.py), whose amount is in
    `total` once a country is chosen; None for a product that does not ship.
    """

    currency: str
    lines: tuple[LineItem, ...]
    subtotal: int
    tip: int
    total: int
    errors: dict[str, str] = field(default_factory=dict)
    discount: LineItem | None = None
    shipping: ShippingLine | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


# The way of paying a bank discount is for: Stripe's payment method type, the checkout form's value.
BANK = US_BANK_ACCOUNT.name


def quote(product: PricedProduct, selection: Selection, method: str | None = None,
          form_errors: Mapping[str, str] | None = None) -> Quote:
    """Price `selection` by `product.rules`, paid by `method` (a payment method type; only BANK
    changes the price); never raises for a Selection, valid or not. `form_errors`: messages
    about what was typed (quote_form's), which win over the rules' for the same field."""
    rules = product.rules
    currency = rules.currency
    errors: dict[str, str] = {}

    quantity = selection.quantity
    if problem := _quantity_problem(rules, quantity):
        errors["quantity"] = problem
        quantity = rules.min_quantity

    chosen = dict(selection.options)
    for key in chosen.keys() - {group.key for group in rules.options}:
        errors[f"option-{key}"] = "This product no longer has this option"
    choices = []
    for group in rules.options:
        choice = group.choice(chosen.get(group.key, group.default))
        if choice is None:
            errors[f"option-{group.key}"] = _choose_one(group)
            choice = group.choice(group.default)
        choices.append(choice)
    delta = sum(choice.delta for choice in choices)

    if rules.pay_what_you_want is None:
        if selection.amount is not None:
            errors["amount"] = "This product has a set price"
        list_price = rules.unit_price + delta
    else:
        amount = selection.amount
        if amount is None:
            amount = rules.pay_what_you_want.default
        elif problem := _amount_problem(rules, amount):
            errors["amount"] = problem
            amount = rules.pay_what_you_want.default
        list_price = amount + delta

    name = product.name
    if choices:
        name += f" ({', '.join(choice.label for choice in choices)})"
    lines = [_line(quantity, name, list_price, currency)]
    if volume := rules.volume_price_for(quantity):
        lines.append(LineItem(
            f"Volume price for {volume.from_quantity} or more: "
            f"{format_money(volume.unit_price + delta, currency)} each",
            (volume.unit_price - rules.unit_price) * quantity,
        ))

    if set(selection.addons) - {addon.key for addon in rules.addons}:
        errors["addon"] = _NO_SUCH_ADDON
    for addon in rules.addons:
        if addon.key in selection.addons:
            if addon.per == PER_UNIT:
                lines.append(_line(quantity, addon.label, addon.price, currency))
            else:
                lines.append(LineItem(addon.label, addon.price, 1, addon.label))

    subtotal = sum(line.amount for line in lines)
    tip = _tip(rules, selection, subtotal, errors)
    discount = None
    if method == BANK:
        discount = bank_discount(bank_discount_rule(rules), currency, subtotal, subtotal + tip)
    total = subtotal + tip + (discount.amount if discount else 0)
    if too_large := over_stripe_limit(total, currency):
        errors["total"] = too_large
    return Quote(currency, tuple(lines), subtotal, tip, total,
                 errors | form_errors if form_errors else errors, discount)


def bank_discount_rule(rules: PricingRules) -> BankDiscount | None:
    """The bank discount a product's price may get: none on a pay-what-you-want amount, which the
    customer named themselves (a discount would charge them other than what they chose, and
    could take it under the product's minimum)."""
    return rules.bank_discount if rules.pay_what_you_want is None else None


def bank_discount(rule: BankDiscount | None, currency: str, goods: int,
                  total: int) -> LineItem | None:
    """The bank discount's line for an order whose goods (products and extras, never tips) cost
    `goods` and whose total is `total`: the rule's percentage of the goods (rounded half up) or
    its amount, but never more than the goods, and never so much that the total falls under
    Stripe's smallest charge. None when nothing comes off (no rule, no bank in this currency).

    The one place the discount is decided: a product's quote and the bag's both come here."""
    if rule is None or goods <= 0 or not US_BANK_ACCOUNT.offered_for(currency):
        return None
    if rule.percent is not None:
        off = _percent_of(goods, rule.percent, minor_step(currency))
    else:
        off = rule.amount or 0
    off = min(off, goods, total - minimum_charge(currency))
    return LineItem(rule.label, -off, 1, rule.label) if off > 0 else None


def spread(amount: int, parts: list[int]) -> list[int]:
    """`amount` shared over `parts` in proportion to each, the odd units to the largest
    remainders (the first of equals): shares that add up to `amount` exactly. For a discount
    taken off a bag, so each of its lines records what was paid for it."""
    whole = sum(parts)
    if whole <= 0:
        return [0] * len(parts)
    shares = [amount * part // whole for part in parts]
    order = sorted(range(len(parts)), key=lambda n: (-(amount * parts[n] % whole), n))
    for n in order[:amount - sum(shares)]:
        shares[n] += 1
    return shares


def chosen_delta(rules: PricingRules, options: Mapping[str, str]) -> int:
    """What the chosen options add to each unit (a group's default when it has no valid choice)."""
    total = 0
    for group in rules.options:
        choice = group.choice(options.get(group.key, group.default)) or group.choice(group.default)
        total += choice.delta
    return total


def volume_prices_for(rules: PricingRules, selection: Selection) -> tuple[VolumePrice, ...]:
    """The volume prices as the customer would pay them with the options they chose: "5+ at
    $24.00" for a size that costs $8.00 more, not the list's $16.00."""
    delta = chosen_delta(rules, dict(selection.options))
    return tuple(replace(volume, unit_price=volume.unit_price + delta)
                 for volume in rules.volume_prices)


def lowest_total(product: PricedProduct) -> int:
    """The least an order of this product can cost (the fewest units, the cheapest choice of each
    option, the pay-what-you-want minimum, no extras, no tip): the shop's "from" price."""
    rules = product.rules
    cheapest = {group.key: min(group.choices, key=lambda choice: choice.delta).key
                for group in rules.options}
    amount = rules.pay_what_you_want.minimum if rules.pay_what_you_want else None
    return quote(product, Selection(rules.min_quantity, cheapest, (), amount)).total


def itemised(quote: Quote) -> tuple[LineItem, ...]:
    """The quote as lines that each cost zero or more and add up to its total, tip included and
    shipping left out: for a payment page that cannot show a negative line (Stripe Checkout's
    cannot) and charges shipping on its own.

    A volume discount is folded into the line it discounts, which then lists the units at the
    volume price ("10 × Poster" at $14.00 each rather than $18.00 less $40.00).
    """
    lines: list[LineItem] = []
    for line in quote.lines:
        if line.amount >= 0 or not lines:
            lines.append(line)
            continue
        base = lines.pop()
        amount = base.amount + line.amount
        quantity = base.quantity if amount % base.quantity == 0 else 1
        name = f"{base.name or base.label}, {line.label.partition(':')[0].lower()}"
        label = name if quantity == 1 else (
            f"{quantity} × {name} @ {format_money(amount // quantity, quote.currency)}")
        lines.append(LineItem(label, amount, quantity, name))
    if quote.tip:
        lines.append(LineItem("Tip", quote.tip, 1, "Tip"))
    # Shipping is not a line: a payment page charges it as its own shipping option.
    goods = quote.total - (quote.shipping.amount if quote.shipping else 0)
    if any(line.amount < 0 for line in lines) or sum(l.amount for l in lines) != goods:
        # Not a quote pricing makes; one line for the whole is still the right total.
        return (LineItem("Your order", goods, 1, "Your order"),)
    return tuple(lines)


def selection_from_form(
    product: PricedProduct, form: Mapping[str, str | list[str]],
) -> tuple[Selection, dict[str, str]]:
    """Read a submitted form into a Selection plus messages for the fields that were unreadable.

    Never raises. A missing field takes the product's default, so an empty form gives the
    product's default Selection; an unreadable field takes the default and gets a message.
    Fields for rules the product does not have (a tip on a product without tips) are ignored.
    Digits from any script ("١٢", fullwidth "１２") are read as the same number.

    `form` may be a plain dict of strings or lists (or tuples) of strings, or a werkzeug
    MultiDict (its `getlist` is used, so repeated "addon" fields all count).
    """
    rules = product.rules
    currency = rules.currency
    errors: dict[str, str] = {}

    def single(name: str) -> str | None:
        """The one value sent as `name`: None when missing, "" when blank."""
        values = _values(form, name)
        if values is None:
            errors[name] = _GARBLED
            return None
        sent = set(map(str.strip, values))
        if len(sent) > 1:
            sent.discard("")  # a blank beside a value is no second choice
        if len(sent) > 1:
            errors[name] = "Choose only one"
            return None
        value = sent.pop() if sent else None
        if value is not None and len(value) > MAX_FIELD_LENGTH:
            errors[name] = "That is too long"
            return None
        return value

    quantity = rules.min_quantity
    text = single("quantity")
    if text == "":
        errors["quantity"] = "Enter a quantity"
    elif text is not None:
        if _WHOLE_NUMBER.fullmatch(digits := ascii_digits(text)):
            quantity = int(digits)
        else:
            errors["quantity"] = "Enter a whole number, like 2"

    options = {}
    for group in rules.options:
        name = f"option-{group.key}"
        key = single(name) or group.default
        if group.choice(key) is None:
            errors[name] = _choose_one(group)
            key = group.default
        options[group.key] = key

    addons = set()
    if rules.addons:
        values = _values(form, "addon")
        if values is None or len(values) > MAX_FIELD_LENGTH:
            errors["addon"] = _GARBLED
        else:
            offered = {addon.key for addon in rules.addons}
            addons = set(map(str.strip, values)) - {""}
            if addons - offered:
                errors["addon"] = _NO_SUCH_ADDON
                addons &= offered

    amount = None
    if rules.pay_what_you_want is not None:
        amount = rules.pay_what_you_want.default
        text = single("amount")
        if text is not None:
            try:
                amount = parse_amount(text, currency)
            except AmountError as error:
                errors["amount"] = str(error)

    tip_percent = tip_custom = None
    if rules.tip is not None:
        text = single("tip")
        if text == "custom" and rules.tip.custom:
            custom = single("tip_custom")
            if not custom:
                errors.setdefault("tip_custom", "Enter a tip amount")
            else:
                try:
                    tip_custom = parse_amount(custom, currency)
                except AmountError as error:
                    errors["tip_custom"] = str(error)
        elif text:
            text = ascii_digits(text)
            if text in {str(percent) for percent in rules.tip.percentages}:
                tip_percent = int(text)
            elif text not in ("none", "0"):
                errors["tip"] = "Choose one of the tip options"

    selection = Selection(quantity, options, addons, amount, tip_percent, tip_custom)
    return selection, errors


def priced_method(form: Mapping[str, str | list[str]]) -> str | None:
    """The way of paying a checkout form names (its "method" field), when it changes the price:
    BANK, or None for any other (a card, nothing, something garbled)."""
    return BANK if _values(form, "method") == [BANK] else None


def quote_form(
    product: PricedProduct, form: Mapping[str, str | list[str]], method: str | None = None,
) -> tuple[Selection, Quote]:
    """`selection_from_form` then `quote` (paid by `method`), with the form's messages in the
    quote's errors.

    A message about what was typed wins over one about the rules for the same field.
    """
    selection, form_errors = selection_from_form(product, form)
    return selection, quote(product, selection, method, form_errors)


# ---------------------------------------------------------------------------------------------
# Helpers

_GARBLED = "This field came through garbled; please enter it again"
_NO_SUCH_ADDON = "One of the extras you chose is not available; please choose again"


def _values(form: Mapping, name: str) -> list[str] | None:
    """Every value sent as `name` ([] when missing); None when something other than text came."""
    if hasattr(form, "getlist"):
        values = form.getlist(name)
    else:
        values = form.get(name, [])
        if isinstance(values, str):
            values = [values]
    if not isinstance(values, (list, tuple)) or not all(map(isinstance, values, repeat(str))):
        return None
    return list(values)


def _line(quantity: int, label: str, unit_price: int, currency: str) -> LineItem:
    if quantity == 1:
        return LineItem(label, unit_price, 1, label)
    return LineItem(f"{quantity} × {label} @ {format_money(unit_price, currency)}",
                    quantity * unit_price, quantity, label)


def _choose_one(group: OptionGroup) -> str:
    return f"Choose one of: {', '.join(choice.label for choice in group.choices)}"


def _quantity_problem(rules: PricingRules, quantity: int) -> str | None:
    if rules.min_quantity <= quantity <= rules.max_quantity:
        return None
    if rules.min_quantity == rules.max_quantity:
        return f"This comes in a quantity of {rules.min_quantity} only"
    return f"Choose a quantity from {rules.min_quantity} to {rules.max_quantity}"


def _amount_problem(rules: PricingRules, amount: int) -> str | None:
    """Why a pay-what-you-want amount cannot be charged, or None. A Selection built in code has
    not been through parse_amount: amount_problem gives it the messages a customer would see."""
    currency = rules.currency
    pwyw = rules.pay_what_you_want
    if problem := amount_problem(amount, currency):
        return problem
    if amount < pwyw.minimum:
        return f"The minimum is {format_money(pwyw.minimum, currency)}"
    if pwyw.maximum is not None and amount > pwyw.maximum:
        return f"The most you can pay is {format_money(pwyw.maximum, currency)}"
    return None


def _tip(rules: PricingRules, selection: Selection, subtotal: int, errors: dict) -> int:
    if selection.tip_percent is None and selection.tip_custom is None:
        return 0
    if rules.tip is None:
        errors["tip"] = "This product does not take tips"
    elif selection.tip_percent is not None:
        if selection.tip_percent in rules.tip.percentages:
            return _percent_of(subtotal, selection.tip_percent, minor_step(rules.currency))
        errors["tip"] = "Choose one of the tip options"
    elif not rules.tip.custom:
        errors["tip"] = "Choose one of the tip options"
    elif problem := amount_problem(selection.tip_custom, rules.currency):
        errors["tip_custom"] = problem
    else:
        return selection.tip_custom
    return 0


def _percent_of(amount: int, percent: int, step: int) -> int:
    """`percent`% of `amount`, rounded half up to a multiple of `step` minor units."""
    return (amount * percent + 50 * step) // (100 * step) * step


# ---------------------------------------------------------------------------------------------
# Checking the rules themselves (catalog mistakes, not customer mistakes)


def _check_rules(rules: PricingRules) -> None:
    def money(value, name, signed=False):
        step = minor_step(rules.currency)
        low = -MAX_AMOUNT if signed else 0
        if type(value) is not int or not low <= value <= MAX_AMOUNT or value % step:
            sign = "" if signed else "zero or more, "
            raise ValueError(f"{name}: must be a whole number of minor units, {sign}"
                             f"a multiple of {step}, at most {MAX_AMOUNT}; got {value!r}")
        return value

    def require(condition, message):
        if not condition:
            raise ValueError(message)

    def keys(items, name):
        seen = [item.key for item in items]
        for key in seen:
            require(isinstance(key, str) and _KEY.fullmatch(key),
                    f"{name}: key {key!r} must be lower-case letters, digits and dashes")
        require(len(set(seen)) == len(seen), f"{name}: keys must be different from each other")
        for item in items:
            require(isinstance(item.label, str) and item.label.strip(),
                    f"{name}.{item.key}: needs a label")

    check_currency(rules.currency)
    for name in ("min_quantity", "max_quantity"):
        require(type(getattr(rules, name)) is int, f"{name}: must be a whole number")
    require(1 <= rules.min_quantity <= rules.max_quantity <= MAX_QUANTITY,
            "min_quantity, max_quantity: need 1 ≤ min_quantity ≤ max_quantity ≤ "
            f"{MAX_QUANTITY}")

    pwyw = rules.pay_what_you_want
    require((rules.unit_price is None) != (pwyw is None),
            "unit_price, pay_what_you_want: give exactly one of them")
    if pwyw is None:
        lowest = money(rules.unit_price, "unit_price")
        previous = (1, lowest)
        for volume in rules.volume_prices:
            require(type(volume.from_quantity) is int and volume.from_quantity > previous[0],
                    "volume_prices: from_quantity must be above 1 and go up")
            require(money(volume.unit_price, "volume_prices.unit_price") < previous[1],
                    "volume_prices: each must be cheaper than the one before")
            previous = (volume.from_quantity, volume.unit_price)
            lowest = volume.unit_price
    else:
        require(not rules.volume_prices, "volume_prices: not with pay_what_you_want")
        lowest = money(pwyw.minimum, "pay_what_you_want.minimum")
        maximum = MAX_AMOUNT
        if pwyw.maximum is not None:
            maximum = money(pwyw.maximum, "pay_what_you_want.maximum")
        require(lowest <= money(pwyw.default, "pay_what_you_want.default") <= maximum,
                "pay_what_you_want.default: must be between the minimum and the maximum")
        for amount in pwyw.suggested:
            require(lowest <= money(amount, "pay_what_you_want.suggested") <= maximum,
                    "pay_what_you_want.suggested: must be between the minimum and the maximum")

    keys(rules.options, "options")
    for group in rules.options:
        require(group.choices, f"options.{group.key}: needs at least one choice")
        keys(group.choices, f"options.{group.key}")
        require(group.choice(group.default) is not None,
                f"options.{group.key}.default: must be one of the choices")
        for choice in group.choices:
            money(choice.delta, f"options.{group.key}.{choice.key}.delta", signed=True)
        cheapest = min(choice.delta for choice in group.choices)
        # Lowering a pay-what-you-want amount would take the price under its minimum.
        require(pwyw is None or cheapest >= 0,
                f"options.{group.key}: cannot lower a pay-what-you-want price")
        lowest += cheapest
    require(lowest >= 0, "options: the cheapest choices make the unit price negative")

    keys(rules.addons, "addons")
    for addon in rules.addons:
        money(addon.price, f"addons.{addon.key}.price")
        require(addon.per in (PER_UNIT, PER_ORDER),
                f"addons.{addon.key}.per: must be {PER_UNIT!r} or {PER_ORDER!r}")

    if rules.tip is not None:
        percentages = rules.tip.percentages
        require(all(type(p) is int and 1 <= p <= 100 for p in percentages)
                and len(set(percentages)) == len(percentages),
                "tip.percentages: must be different whole numbers from 1 to 100")
        require(percentages or rules.tip.custom is True,
                "tip: offer some percentages or a custom tip")
        require(type(rules.tip.custom) is bool, "tip.custom: must be true or false")

    if (bank := rules.bank_discount) is not None:
        require((bank.percent is None) != (bank.amount is None),
                "bank_discount: give a percent or an amount, not both")
        if bank.percent is not None:
            require(type(bank.percent) is int and 1 <= bank.percent <= 99,
                    "bank_discount.percent: must be a whole percentage from 1 to 99")
        else:
            require(money(bank.amount, "bank_discount.amount") > 0,
                    "bank_discount.amount: must be more than zero")
