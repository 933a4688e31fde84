"""A PaymentIntent's `shipping` (create, update, confirm): the recipient's name and address, as
Stripe keeps them (and copies onto the charge). `name` and `address` are required; Stripe
checks no address beyond its shape."""
from ..machinery.errors import missing_param

ADDRESS = dict.fromkeys(("city", "country", "line1", "line2", "postal_code", "state"))
SCHEMA = {"address": ADDRESS, "carrier": None, "name": None, "phone": None,
          "tracking_number": None}


def read(params, name="shipping"):
    """The `shipping` hash of `params` in Stripe's shape; None when it is sent empty (unset)."""
    shipping = params.hash(name)
    if not shipping.data:
        return None
    address = shipping.hash("address")
    if not address.data:
        raise missing_param(shipping.path("address"))
    return {
        "address": {field: address.string(field) for field in ADDRESS},
        "carrier": shipping.string("carrier"),
        "name": shipping.string("name", required=True),
        "phone": shipping.string("phone"),
        "tracking_number": shipping.string("tracking_number"),
    }
