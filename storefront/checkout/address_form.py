"""The shipping address half of the checkout form, for a product or a bag that ships.

The fields are the same in every country; which of them a country needs, what they are called
there and how a postal code looks are the catalog's rules (catalog/addresses.py), which
`check` applies. The cleaned address is Stripe's shape, ready for the PaymentIntent's `shipping`.
"""
from wtforms import Form, StringField

from storefront.catalog import addresses


class AddressForm(Form):
    ship_name = StringField()
    ship_country = StringField()
    ship_line1 = StringField()
    ship_line2 = StringField()
    ship_city = StringField()
    ship_state = StringField()
    ship_postal_code = StringField()

    cleaned: dict | None = None

    def check(self, offered):
        """Whether the address is one the order can ship to (`offered`: the countries); the
        messages go on the fields, the address as Stripe takes it on `cleaned`."""
        self.cleaned, errors = addresses.clean_address(
            {name: field.data or "" for name, field in self._fields.items()}, offered)
        for name, message in errors.items():
            self._fields[name].errors = [message]
        return self.cleaned is not None

    @property
    def messages(self):
        return {name: field.errors[0] for name, field in self._fields.items() if field.errors}


def values_of(order):
    """The order's shipping address as the form's fields, to fill the form again."""
    if not order.shipping_address:
        country = order.selection.get(addresses.COUNTRY)
        return {addresses.COUNTRY: country} if country else {}
    fields = {name: order.shipping_address.get(stripe_name) or ""
              for name, stripe_name in addresses.STRIPE_FIELD.items()}
    return {addresses.NAME: order.shipping_name or "", **fields}


def record(order, shipping, address=None):
    """Put the order's shipping on it: the line as quoted (None: nothing ships) and, once known,
    where it goes (`address`: AddressForm.cleaned)."""
    if shipping is None:
        return
    values = {"shipping_amount": shipping.amount,
              "shipping_rate": shipping.zone.display_name if shipping.zone else None}
    if shipping.country and order.selection.get(addresses.COUNTRY) != shipping.country:
        # The country is part of what was priced: a page shown again prices it the same.
        values["selection"] = {**order.selection, addresses.COUNTRY: shipping.country}
    if address is not None:
        values |= {"shipping_name": address["name"], "shipping_address": address["address"]}
    for name, value in values.items():
        if getattr(order, name) != value:  # the same again is no UPDATE
            setattr(order, name, value)
