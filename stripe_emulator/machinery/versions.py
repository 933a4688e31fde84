"""API versions: which Stripe-Version a request speaks, and the shapes that depend on it.

Every version-dependent behaviour the local Stripe models is one row of CHANGES, dated as
Stripe's changelog dates it. Objects are stored in the newest shape; `render` turns one into
the shape of an older version on the way out. A request's version is its Stripe-Version header
(or Stripe.js's `_stripe_version` field), else the account's default (`--api-version`).
Webhook endpoints keep their own `api_version`, and an event is rendered in it (or in the
account's default), never in the version of the call that caused it.

Stripe.js changes are rows here too: a release of Stripe.js (`/<release>/stripe.js`, RELEASES)
has those dated up to the release's first version; `/v3/`, the legacy train, has none of them.
`stripejs_releases` gives stripejs/ what each release lacks (stripejs imports nothing of this).
"""
import re
from dataclasses import dataclass

from .errors import invalid_param

# What the emulated account answers with when a request names no version: the version the
# official library in requirements.txt speaks (stripe 16.1.0), so that a client sending none
# meets what the library would (tests/emulator/test_api_versions.py holds them together).
DEFAULT_API_VERSION = "2026-10-28.endive"

_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")


@dataclass(frozen=True)
class Change:
    since: str            # the first version (its date) with the new behaviour
    name: str
    description: str
    # Fields an object had before the change and has no more: {object type: {field, …}}.
    removed_fields: dict = None
    # Fields the change brought: {object type: {field, …}}.
    added_fields: dict = None
    # The changelog's entry for the change (Stripe's pages before 2024: /upgrades#<date>; from
    # then, one page per release, docs.stripe.com/changelog/<release>, with an entry per change:
    # the entry's own address where it is known).
    changelog: str = None
    # Stripe.js methods the change takes out of the releases from it on: {method: what to use
    # instead}. Calling one throws an IntegrationError that names it.
    stripejs_removed: dict = None
    # Stripe.js methods the change renames: {old name: new name}. From it on the old name
    # throws, naming the new one; in the releases before it the new name does not exist.
    stripejs_renamed: dict = None


CHANGES = (
    Change("2022-11-15", "payment_intent_latest_charge",
           "A PaymentIntent names its `latest_charge`; before, it carried a `charges` list of "
           "every charge it made.",
           removed_fields={"payment_intent": {"charges"}},
           added_fields={"payment_intent": {"latest_charge"}},
           changelog="https://docs.stripe.com/upgrades#2022-11-15"),
    Change("2022-11-15", "charge_refunds_not_included",
           "A charge's `refunds` list is no longer included; it comes only with "
           "`expand[]=refunds`. Before, every charge carried it.",
           changelog="https://docs.stripe.com/upgrades#2022-11-15"),
    Change("2023-08-16", "automatic_payment_methods_default",
           "A PaymentIntent created without `payment_method_types` has "
           "`automatic_payment_methods` enabled, so confirming it needs a `return_url` unless "
           "`automatic_payment_methods[allow_redirects]` is `never`. Before, it took cards "
           "only.",
           changelog="https://docs.stripe.com/upgrades#2023-08-16"),
    Change("2025-02-24", "checkout_session_collected_information",
           "Checkout Sessions carry `collected_information`, whose `shipping_details` is the "
           "name and address the customer gave on the page.",
           added_fields={"checkout.session": {"collected_information"}},
           changelog="https://docs.stripe.com/changelog/acacia/2025-02-24/"
                     "checkout-sessions-collected-info"),
    Change("2025-03-31", "checkout_session_shipping_details_removed",
           "Checkout Sessions lose their top-level `shipping_details`: it is "
           "`collected_information.shipping_details` only.",
           removed_fields={"checkout.session": {"shipping_details"}},
           changelog="https://docs.stripe.com/changelog/basil/2025-03-31/"
                     "checkout-session-remove-shipping-details"),
    Change("2026-03-25", "checkout_ui_mode_names",
           "Checkout Sessions' `ui_mode` values are renamed: `hosted` becomes `hosted_page` and "
           "`embedded` becomes `embedded_page` (checkout/checkout_sessions.py).",
           changelog="https://docs.stripe.com/changelog/dahlia"),
    Change("2026-03-25", "stripejs_create_embedded_checkout_page",
           "Stripe.js renames `stripe.initEmbeddedCheckout()` to "
           "`stripe.createEmbeddedCheckoutPage()` (same options and result); calling the old "
           "name throws an IntegrationError.",
           stripejs_renamed={"initEmbeddedCheckout": "createEmbeddedCheckoutPage"},
           changelog="https://docs.stripe.com/changelog/dahlia/2026-03-25/"
                     "rename-init-embedded-checkout-to-create-embedded-checkout-page"),
    Change("2026-03-25", "stripejs_legacy_methods_removed",
           "Stripe.js removes the deprecated Payment Intents, Setup Intents and Sources "
           "methods; calling one throws an error. (The local Stripe.js only ever had "
           "`handleCardSetup` of them: the others exist in dahlia on only to throw.)",
           stripejs_removed={
               "handleCardPayment": "confirmCardPayment",
               "confirmPaymentIntent": "confirmCardPayment",
               "handleFpxPayment": "confirmFpxPayment",
               "handleCardSetup": "confirmCardSetup",
               "confirmSetupIntent": "confirmCardSetup",
               "createSource": "createPaymentMethod",
               "retrieveSource": "the PaymentMethods API (createPaymentMethod)",
           },
           changelog="https://docs.stripe.com/changelog/dahlia/2026-03-25/"
                     "remove-legacy-stripejs-methods"),
    Change("2026-07-29", "allowed_payment_method_types",
           "PaymentIntents (create, update, confirm) and Checkout Sessions take "
           "`allowed_payment_method_types`: a filter on the methods the account has turned on "
           "(and the currency allows), shown in the object's `payment_method_types`; with "
           "`automatic_payment_methods` it is refused (`parameters_exclusive`). Before, it is an "
           "unknown parameter.",
           changelog="https://docs.stripe.com/changelog/dahlia"),
    Change("2026-09-30", "payment_method_types_removed",
           "The `payment_method_types` parameter is removed from PaymentIntents (create, "
           "update, confirm) and Checkout Sessions (create): sending it is a 400 "
           "`payment_method_types_no_longer_supported`. The objects still show "
           "`payment_method_types`, read-only.",
           changelog="https://docs.stripe.com/changelog/endive"),
)
_BY_NAME = {change.name: change for change in CHANGES}

# Stripe.js's releases (js.stripe.com/<release>/stripe.js, from acacia on) and the first API
# version of each; js.stripe.com/v3/ is the legacy train and keeps every old name.
# https://docs.stripe.com/sdks/stripejs-versioning
RELEASES = {
    "acacia": "2024-09-30",
    "basil": "2025-03-31",
    "clover": "2025-09-30",
    "dahlia": "2026-03-25",
    "endive": "2026-09-30",
}


def check(version):
    """The version, if it is one; Stripe's 400 otherwise."""
    if not isinstance(version, str) or not _FORMAT.match(version):
        raise invalid_param(f"Invalid Stripe API version: {version}")
    return version


def since(name):
    """The first version with the change called `name`."""
    return _BY_NAME[name].since


def has(version, name):
    """Whether `version` has the behaviour of the change called `name`."""
    return version[:10] >= _BY_NAME[name].since


def stripejs_releases():
    """{release: {"version", "removed": {method: use instead}, "renamed": {old: new},
    "absent": [methods]}}: what each release of Stripe.js changes from /v3/, from CHANGES."""
    releases = {}
    for release, first in RELEASES.items():
        removed, renamed, absent = {}, {}, []
        for change in CHANGES:
            if change.since <= first:
                removed.update(change.stripejs_removed or {})
                renamed.update(change.stripejs_renamed or {})
            else:
                absent.extend((change.stripejs_renamed or {}).values())
        releases[release] = {"version": f"{first}.{release}", "removed": removed,
                             "renamed": renamed, "absent": sorted(absent)}
    return releases


def removed_fields(version):
    """{object type: fields} that objects of `version` carry but the newest shape does not."""
    return _fields_before(version, "removed_fields")


def added_fields(version):
    """{object type: fields} of the newest shape that objects of `version` do not carry yet."""
    return _fields_before(version, "added_fields")


def _fields_before(version, which):
    fields = {}
    for change in CHANGES:
        if getattr(change, which) and version[:10] < change.since:
            for kind, names in getattr(change, which).items():
                fields.setdefault(kind, set()).update(names)
    return fields


def render(store, obj, version, expand_paths=()):
    """A copy of `obj` (and every object inside it) in the shape `version` shows."""
    expanded_refunds = any(path.split(".")[-1] == "refunds" for path in expand_paths)
    return _render(store, obj, version, expanded_refunds)


def _render(store, value, version, expanded_refunds):
    if isinstance(value, list):
        return [_render(store, item, version, expanded_refunds) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("object") == "event":
        return value  # rendered once and for all in its own api_version (events.py)
    rendered = {key: _render(store, item, version, expanded_refunds)
                for key, item in value.items()}
    kind = value.get("object")
    if kind == "payment_intent" and not has(version, "payment_intent_latest_charge"):
        rendered.pop("latest_charge", None)
        charges = [_render(store, charge, version, expanded_refunds)
                   for charge in store.newest_first("charge")
                   if charge["payment_intent"] == value["id"]]
        rendered["charges"] = _list(charges, f"/v1/charges?payment_intent={value['id']}")
    if kind == "checkout.session" and not has(version, "checkout_session_shipping_details_removed"):
        collected = rendered.get("collected_information") or {}
        rendered["shipping_details"] = collected.get("shipping_details")
        if not has(version, "checkout_session_collected_information"):
            rendered.pop("collected_information", None)
    if kind == "charge" and "id" in value and (
            expanded_refunds or not has(version, "charge_refunds_not_included")):
        refunds = [refund for refund in store.newest_first("refund")
                   if refund["charge"] == value["id"]]
        rendered["refunds"] = _list(refunds, f"/v1/charges/{value['id']}/refunds")
    return rendered


def _list(data, url):
    return {"object": "list", "data": data, "has_more": False, "url": url}
