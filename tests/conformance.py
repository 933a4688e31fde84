"""Does every object the local Stripe returns look like Stripe's? Checked against the field
declarations of the official stripe library's typed classes (generated from Stripe's OpenAPI
description; the version in requirements.txt), one class per object type.

An object fails when it lacks a field the library declares, has a field the library does not
know, or has a value of the wrong type (a Literal's value outside its list included). A field
declared Optional may be null; it may be left out only where LEFT_OUT says Stripe leaves it out,
or NOT_EMULATED says the local Stripe does not model it (docs/local-stripe.md lists those), and in the
hashes nested inside an object, whose Optional fields Stripe often leaves out. Older API
versions' fields that versions.py models (a PaymentIntent's `charges` before 2022-11-15) are
allowed in answers of those versions. Answers to a publishable key (Stripe.js) are Stripe's
reduced objects: fields may be missing from them, but none may be unknown or mistyped. The
library's hand-written list and search result classes lack `url`, a null `next_page` and
`total_count`, which Stripe sends: those are allowed.

RECORDER sits around each emulator app the tests start (see `wrap`), keeps every JSON answer of
/v1/, and the session fixture in tests/conftest.py fails the run if any did not conform.
"""
import ast
import functools
import importlib
import inspect
import io
import json
import threading
import types
import typing

import stripe
from stripe._object_classes import OBJECT_CLASSES
from stripe._stripe_object import StripeObject, UntypedStripeObject

from stripe_emulator.machinery import versions

SOURCE = f"stripe-python {stripe.VERSION} typed resource classes (API {stripe.api_version})"

# Optional fields Stripe leaves out of an object where they do not apply.
LEFT_OUT = {
    "webhook_endpoint": {"secret"},          # shown only in the answer to the create
    "list": {"total_count"},                 # inside objects and with include[]=total_count
    "search_result": {"total_count"},
    "charge": {"refunds"},                   # only with expand[]=refunds (from 2022-11-15)
    # Included only with expand[]:
    "customer": {"sources", "subscriptions", "tax_ids", "tax", "cash_balance",
                 "invoice_credit_balance"},
    "event": {"account", "context"},         # Connect and API v2 only
    "checkout.session": {"line_items"},      # only with expand[]=line_items
    "tax.calculation": {"line_items"},       # only with expand[]=line_items
    "tax.transaction": {"line_items"},       # only with expand[]=line_items
    "price": {"currency_options", "tiers"},  # only with expand[]
    "item": {"discounts", "taxes"},          # only with expand[]
    # The platform's own account (GET /v1/account without Stripe-Account) shows its profile.
    "account": {"business_type", "capabilities", "controller", "created", "external_accounts",
                "future_requirements", "requirements", "settings", "tos_acceptance"},
    # Only on a failed, pending, or non-card refund:
    "setup_intent": {"attach_to_self"},      # only when set
    "refund": {"failure_reason", "failure_balance_transaction", "pending_reason", "next_action",
               "description", "instructions_email"},
}
# Optional fields of features the local Stripe does not emulate.
NOT_EMULATED = {
    "payment_intent": {"allowed_payment_method_types", "customer_account",
                       "excluded_payment_method_types", "hooks", "managed_payments",
                       "payment_details", "payment_record", "presentment_details"},
    "charge": {"authorization_code", "level3", "presentment_details", "radar_options",
               "source_transfer", "transfer"},
    "payment_method": {"customer_account", "radar_options"},
    "setup_intent": {"allowed_payment_method_types", "customer_account",
                     "excluded_payment_method_types", "managed_payments"},
    "customer": {"business_name", "individual_name", "customer_account"},
    "refund": {"customer", "customer_account", "destination_details", "payment_method",
               "presentment_details"},
    "account": {"company", "individual", "groups"},
    "balance": {"connect_reserved", "instant_available", "issuing",
                "refund_and_dispute_prefunding"},
    "checkout.session": {"adaptive_pricing", "allowed_payment_method_types", "branding_settings",
                         "collected_information", "currency_conversion", "customer_account",
                         "discounts", "excluded_payment_method_types", "integration_identifier",
                         "invoice_creation", "managed_payments", "name_collection",
                         "optional_items", "origin_context",
                         "payment_method_configuration_details", "permissions",
                         "presentment_details", "saved_payment_method_options",
                         "tax_id_collection", "wallet_options"},
    "item": {"adjustable_quantity", "metadata"},
    "price": {"custom_unit_amount", "tiers_mode", "transform_quantity"},
}
# The same inside an object, by the library's class: hashes of features not emulated.
NOT_EMULATED_INSIDE = {
    "Account.Settings": {"branding", "card_payments", "payments"},
}
_NONE = type(None)
_ANY_DICT = object()


class _Names(dict):
    """Names a type hint may mention: the class's own scope, the names its module imports for
    type checking only (`Card as CardResource`), then every stripe class by name."""

    def __init__(self, scopes, module):
        super().__init__()
        self.scopes = scopes
        self.module = module

    def __missing__(self, name):
        for scope in self.scopes:
            if name in scope:
                return scope[name]
        imported = _type_checking_imports(self.module).get(name)
        if imported is not None:
            return getattr(importlib.import_module(imported[0]), imported[1])
        value = getattr(stripe, name, None) or _CLASSES_BY_NAME.get(name)
        if value is None:
            raise KeyError(name)
        return value


@functools.cache
def _type_checking_imports(module):
    """{name: (module, attribute)} of the module's `if TYPE_CHECKING:` imports."""
    return type_checking_imports(ast.parse(inspect.getsource(module)))


def type_checking_imports(tree):
    """{name: (module, attribute)} of a parsed module's `if TYPE_CHECKING:` imports."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom):
                    for alias in statement.names:
                        names[alias.asname or alias.name] = (statement.module, alias.name)
    return names


def _class_for(object_type):
    module, name = OBJECT_CLASSES[object_type]
    return getattr(importlib.import_module(module), name)


_CLASSES_BY_NAME = {}
for _object_type in OBJECT_CLASSES:
    try:
        _CLASSES_BY_NAME.setdefault(OBJECT_CLASSES[_object_type][1], _class_for(_object_type))
    except (ImportError, AttributeError):
        pass

_FIELDS = {}


def fields(cls):
    """{field: type} that the library declares for objects of `cls`."""
    if cls not in _FIELDS:
        module = importlib.import_module(cls.__module__)
        scopes, owner = [], module
        for part in cls.__qualname__.split("."):
            owner = getattr(owner, part)
            scopes.insert(0, vars(owner))
        names = _Names(scopes, module)
        declared = {}
        for klass in reversed(cls.__mro__):
            if not issubclass(klass, StripeObject) or klass in (StripeObject,
                                                                UntypedStripeObject):
                continue
            for name, hint in vars(klass).get("__annotations__", {}).items():
                if name.startswith("_"):
                    continue
                if isinstance(hint, str):
                    hint = typing.ForwardRef(hint)
                declared[name] = hint
        _FIELDS[cls] = {name: _resolve(hint, vars(module), names)
                        for name, hint in declared.items()
                        if typing.get_origin(hint) is not typing.ClassVar}
    return _FIELDS[cls]


class Union(tuple):
    """A resolved Union's options."""


class Generic(tuple):
    """A resolved generic: (origin, args), as List[X], Dict[str, X], ListObject[X]."""


def _resolve(hint, module_names, names):
    if isinstance(hint, typing.ForwardRef):
        return _resolve(eval(hint.__forward_arg__, dict(module_names), names),  # noqa: S307
                        module_names, names)
    args = typing.get_args(hint)
    if args and typing.get_origin(hint) is not typing.Literal:
        resolved = tuple(_resolve(arg, module_names, names) for arg in args)
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            return Union(resolved)
        return Generic((origin, resolved))
    return hint


class _Context:
    def __init__(self, version, publishable):
        self.version, self.publishable = version, publishable


def check(value, version, publishable=False):
    """Problems with every Stripe object inside `value` (a decoded JSON answer), as strings."""
    problems = []
    _find_objects(value, "$", _Context(version, publishable), problems)
    return problems


def _find_objects(value, path, context, problems):
    if isinstance(value, list):
        for index, item in enumerate(value):
            _find_objects(item, f"{path}[{index}]", context, problems)
    elif isinstance(value, dict):
        kind = value.get("object")
        if isinstance(kind, str) and (kind in OBJECT_CLASSES) and not value.get("deleted"):
            _check_object(value, _class_for(kind), path, context, problems)
        else:
            for key, item in value.items():
                _find_objects(item, f"{path}.{key}", context, problems)


def _check_object(obj, cls, path, context, problems):
    declared = fields(cls)
    if cls is stripe.ListObject or cls is stripe.SearchResultObject:
        declared = {**declared, "object": typing.Literal[obj["object"]]}
        for index, item in enumerate(obj.get("data", [])):
            _find_objects(item, f"{path}.data[{index}]", context, problems)
        declared["data"] = list
    if cls is stripe.SearchResultObject:
        declared.update(url=str, next_page=Union((str, _NONE)))
    if cls in (stripe.ListObject, stripe.SearchResultObject):
        # Stripe adds it to lists inside objects and on include[]=total_count.
        declared["total_count"] = Union((int, _NONE))
    if cls is stripe.Event and isinstance(obj.get("api_version"), str):
        # An event's object is in the event's version.
        context = _Context(obj["api_version"], context.publishable)
    kind = obj.get("object") if isinstance(obj.get("object"), str) else None
    legacy = versions.removed_fields(context.version).get(kind, set())
    for name, value in obj.items():
        if name in legacy:
            _find_objects(value, f"{path}.{name}", context, problems)
        elif name not in declared:
            problems.append(f"{path}.{name}: unknown field of {cls.__qualname__}")
        else:
            _check_value(value, declared[name], f"{path}.{name}", context, problems)
    if context.publishable:
        return  # a publishable key sees a reduced object
    may_be_left_out = _may_be_left_out(obj, kind, cls, context.version)
    not_emulated = NOT_EMULATED_INSIDE.get(cls.__qualname__, set())
    for name, hint in declared.items():
        if name in not_emulated:
            continue
        if name not in obj and not (_optional(hint) and (kind is None or
                                                          name in may_be_left_out)):
            problems.append(f"{path}.{name}: missing from {cls.__qualname__}")


def _may_be_left_out(obj, kind, cls, version):
    left_out = LEFT_OUT.get(kind, set()) | NOT_EMULATED.get(kind, set()) | \
        versions.added_fields(version).get(kind, set()) | {"deleted"}
    if kind == "payment_method":
        # A PaymentMethod carries the hash of its own type only.
        declared = fields(cls)["type"]
        literals = declared if isinstance(declared, Union) else (declared,)
        types = {name for literal in literals for name in typing.get_args(literal)}
        left_out |= {name for name in types if name != obj.get("type")}
    return left_out


def _optional(hint):
    return isinstance(hint, Union) and _NONE in hint


def _check_value(value, hint, path, context, problems):
    if hint is typing.Any or hint is list:
        if hint is typing.Any:
            _find_objects(value, path, context, problems)
        return
    if isinstance(hint, Union):
        if value is None and _NONE in hint:
            return
        options = [arg for arg in hint if arg is not _NONE]
        if isinstance(value, dict):  # an expanded object, not its id: report against the object
            options = [arg for arg in options if arg not in (str, int, float, bool)
                       and typing.get_origin(arg) is not typing.Literal] or options
        trials = []
        for option in options:
            found = []
            _check_value(value, option, path, context, found)
            if not found:
                return
            trials.append(found)
        problems.extend(min(trials, key=len))
        return
    if typing.get_origin(hint) is typing.Literal:
        if value not in typing.get_args(hint):
            problems.append(f"{path}: {value!r} is not one of {list(typing.get_args(hint))}")
        return
    if isinstance(hint, Generic):
        origin, args = hint
        if origin is list:
            if not isinstance(value, list):
                problems.append(f"{path}: expected a list, got {type(value).__name__}")
                return
            for index, item in enumerate(value):
                _check_value(item, args[0], f"{path}[{index}]", context, problems)
        elif origin is dict:
            if not isinstance(value, dict):
                problems.append(f"{path}: expected a hash, got {type(value).__name__}")
                return
            for key, item in value.items():
                _check_value(item, args[1], f"{path}.{key}", context, problems)
        elif isinstance(origin, type) and issubclass(origin, StripeObject):
            _check_stripe_object(value, origin, args, path, context, problems)
        return
    if isinstance(hint, type) and issubclass(hint, StripeObject):
        _check_stripe_object(value, hint, (), path, context, problems)
        return
    expected = {str: str, int: int, float: (int, float), bool: bool}.get(hint)
    if expected is None:
        return  # a type the library leaves open
    if not isinstance(value, expected) or (hint is int and isinstance(value, bool)):
        problems.append(f"{path}: expected {hint.__name__}, got {type(value).__name__} "
                        f"{value!r}")


def _check_stripe_object(value, cls, args, path, context, problems):
    if not isinstance(value, dict):
        problems.append(f"{path}: expected a {cls.__qualname__} hash, got "
                        f"{type(value).__name__}")
        return
    if issubclass(cls, UntypedStripeObject):
        _find_objects(value, path, context, problems)
        return
    if cls is stripe.ListObject:
        if value.get("object") != "list":
            problems.append(f"{path}: expected a list object")
            return
        _check_object(value, cls, path, context, problems)
        return
    _check_object(value, cls, path, context, problems)


class Recorder:
    """Keeps every JSON answer of the apps it wraps, with the API version it was given in, and
    every /v1 request (tests/request_conformance.py checks those), unless `exempt` (a test
    marked invalid_stripe_params is running)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.answers = []
        self.requests = []
        self.exempt = False

    def wrap(self, app):
        inner = app.wsgi_app

        def recording(environ, start_response):
            seen = {}
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(form)

            def start(status, headers, exc_info=None):
                seen.update(headers=dict(headers))
                return start_response(status, headers, exc_info)

            body = b"".join(inner(environ, start))
            headers = seen.get("headers", {})
            publishable = "pk_" in environ.get("HTTP_AUTHORIZATION", "") or \
                "key=pk_" in environ.get("QUERY_STRING", "") or b"key=pk_" in form
            if environ.get("PATH_INFO", "").startswith("/v1/") and \
                    environ["REQUEST_METHOD"] != "OPTIONS" and not self.exempt:
                with self._lock:
                    self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"],
                                          form.decode(errors="replace"),
                                          environ.get("QUERY_STRING", ""), publishable,
                                          environ.get("HTTP_STRIPE_VERSION")))
            if environ.get("PATH_INFO", "").startswith("/v1/") and \
                    headers.get("Content-Type", "").startswith("application/json"):
                with self._lock:
                    self.answers.append((environ["REQUEST_METHOD"], environ["PATH_INFO"],
                                         headers.get("Stripe-Version"), publishable, body))
            return [body]

        app.wsgi_app = recording
        return app

    def problems(self):
        with self._lock:
            answers = list(self.answers)
        found = []
        for method, path, version, publishable, body in answers:
            for problem in check(json.loads(body), version or versions.DEFAULT_API_VERSION,
                                 publishable):
                found.append(f"{method} {path}: {problem}")
        return sorted(set(found))

    def request_problems(self):
        """Every parameter of the recorded requests that Stripe would not take."""
        from tests.request_conformance import check_request

        with self._lock:
            requests = list(self.requests)
        return sorted({problem for request in requests for problem in check_request(*request)})


RECORDER = Recorder()
