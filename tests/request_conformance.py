"""Would Stripe take every request the suite sent to the local Stripe? Checked against the
official library's typed request parameters (stripe-python's `stripe/params/…` TypedDicts,
generated from Stripe's OpenAPI description), not against the emulator's own schemas.

Each endpoint's params class is found the way the library itself reaches it: every service
method (`PaymentIntentService.confirm`…) names its params class and calls `self._request(method,
"/v1/payment_intents/{intent}/confirm"…)`; that gives (method, path pattern) → class. A request's
form body (or query string) is decoded into nested hashes and walked down the TypedDict tree:
a name the class does not declare, at the top or nested (`payment_method_data[card][nmber]`),
is a problem; so is a hash where the class wants a plain value. Values are not checked. /v1
paths the library has no method for (Stripe's pages' private endpoints) are listed in
PAGE_ENDPOINTS; any other is a problem too.

Only requests in the library's own API version are checked (its types are that version's): a
request naming an older one (the shop run at 2025-09-30.clover, the emulator's version tests) is
left out.

A test that sends Stripe a bad parameter on purpose (to see the emulator refuse it) says so with
`@pytest.mark.invalid_stripe_params`: its requests are left out, nothing else is.
"""
import ast
import functools
import importlib
import pathlib
import re
import types
import typing
from urllib.parse import parse_qsl

import stripe
import typing_extensions
from stripe._request_options import RequestOptions

from tests.conformance import type_checking_imports

SOURCE = f"stripe-python {stripe.VERSION}'s typed request parameters (API {stripe.api_version})"

# Sent by Stripe.js with a publishable key, beside the endpoint's own parameters: the key and the
# version and account it acts for go in the form (no CORS preflight), as real Stripe.js does.
STRIPE_JS_TRANSPORT = {"key", "_stripe_version", "_stripe_account"}
# …and its own telemetry (Stripe.js sends these on the calls it makes; the API reference and the
# library leave them out, as they are Stripe.js's alone).
STRIPE_JS_TELEMETRY = {"payment_user_agent", "time_on_page", "guid", "muid", "sid", "referrer",
                       "client_attribution_metadata"}
# Private endpoints of Stripe's own pages, which real Stripe has too (its Checkout page and its
# 3-D Secure frame talk to them): no library method reaches them, so the library has nothing to
# check them against. The local Stripe's: the Checkout page's Pay, the test 3-D Secure answer.
PAGE_ENDPOINTS = (re.compile(r"^/v1/payment_pages/[^/]+(/confirm)?$"),
                  re.compile(r"^/v1/(payment|setup)_intents/[^/]+/three_ds_challenge$"),
                  # Stripe.js's bank dialog (collectBankAccountForPayment, …ForSetup)
                  re.compile(r"^/v1/(payment|setup)_intents/[^/]+/collect_bank_account$"))
# What only Stripe.js sends with a publishable key, which the library (a server's) never does:
# the intent's client_secret (a publishable key reaches an intent only with it), card numbers
# from its own card fields, and the customer's acceptance of a mandate inferred from the browser.
STRIPE_JS_ONLY = (("client_secret",), ("payment_method_data", "card"),
                  ("mandate_data", "customer_acceptance", "online", "infer_from_client"))
_SEGMENT = re.compile(r"\[([^\]]*)\]")


@functools.cache
def endpoints():
    """[(http method, path regex, params class)], literal paths before patterned ones."""
    root = pathlib.Path(stripe.__file__).parent
    found = []
    for source in sorted(root.rglob("_*_service.py")):
        if "v2" in source.relative_to(root).parts:
            continue
        module_name = ".".join(("stripe",) + source.relative_to(root).with_suffix("").parts)
        tree = ast.parse(source.read_text())
        imports = type_checking_imports(tree)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            class_name = _params_class_name(function)
            route = _route(function)
            if class_name is None or route is None or class_name not in imports:
                continue
            module, name = imports[class_name]
            cls = getattr(importlib.import_module(module), name)
            method, template = route
            pattern = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template))
            found.append((method.upper(), re.compile(f"^{pattern}$"), cls,
                          template.count("{"), module_name))
    found.sort(key=lambda row: row[3])
    return [(method, pattern, cls) for method, pattern, cls, _, _ in found]


def _params_class_name(function):
    for arg in function.args.args + function.args.posonlyargs + function.args.kwonlyargs:
        if arg.arg == "params" and arg.annotation is not None:
            names = re.findall(r"\w+Params\b", ast.unparse(arg.annotation))
            return names[0] if names else None
    return None


def _route(function):
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "_request" and len(node.args) >= 2:
            method, path = node.args[0], node.args[1]
            if isinstance(path, ast.Call) and isinstance(path.func, ast.Attribute):
                path = path.func.value  # "…{intent}…".format(…)
            if isinstance(method, ast.Constant) and isinstance(path, ast.Constant):
                return method.value, path.value
    return None


def params_class(method, path):
    for known_method, pattern, cls in endpoints():
        if known_method == method and pattern.match(path):
            return cls
    return None


def decode(pairs):
    """Stripe's form encoding (`a[b][0][c]=v`, `a[]=v`) as nested dicts (lists as dicts keyed
    by index)."""
    root = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        path = [head] + (_SEGMENT.findall("[" + rest) if rest else [])
        node = root
        for segment in path[:-1]:
            segment = segment or str(len(node))
            node = node.setdefault(segment, {})
            if not isinstance(node, dict):
                break
        else:
            node[path[-1] or str(len(node))] = value
    return root


def check_request(method, path, body, query, publishable, version=None):
    """Problems with one request to /v1, as strings. The library's types describe its own API
    version: a request that names another (Stripe-Version, or Stripe.js's _stripe_version) is
    not checked; one that names none gets the local Stripe's default, the library's."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if method == "POST":
        pairs += parse_qsl(body, keep_blank_values=True)
    version = version or dict(pairs).get("_stripe_version")
    if version not in (None, stripe.api_version):
        return []
    cls = params_class(method, path)
    if cls is None:
        if any(pattern.match(path) for pattern in PAGE_ENDPOINTS):
            return []
        return [f"{method} {_shape(path)}: no stripe-python method sends this request"]
    params = decode(pairs)
    if publishable:
        for name in STRIPE_JS_TRANSPORT | STRIPE_JS_TELEMETRY:
            params.pop(name, None)
        for *parents, name in STRIPE_JS_ONLY:
            node = params
            for parent in parents:
                node = node.get(parent) if isinstance(node, dict) else None
            if isinstance(node, dict):
                node.pop(name, None)
    problems = []
    _check_hash(params, cls, "", problems)
    return [f"{method} {_shape(path)}: {problem} ({cls.__name__})" for problem in problems]


def _shape(path):
    """The path with ids as placeholders, so that one problem is reported once."""
    return re.sub(r"/(pi|pm|ch|re|cs_test|cus|acct|tr|trr|we|evt|txn|seti|li|taxcalc|tax)_[A-Za-z0-9_]+",
                  r"/{\1}", path)


@functools.cache
def _hints(cls):
    """{name: type} the TypedDict declares (its own and its bases'). RequestOptions (api_key,
    idempotency_key…) are the library's options, sent as headers: never form fields."""
    hints = {}
    for klass in reversed(cls.__mro__):
        if klass is RequestOptions or not issubclass(klass, dict):
            continue
        namespace = vars(importlib.import_module(klass.__module__))
        for name, hint in vars(klass).get("__annotations__", {}).items():
            hints[name] = _evaluate(hint, namespace)
    return hints


def _evaluate(hint, namespace):
    if isinstance(hint, typing.ForwardRef):
        hint = hint.__forward_arg__
    if isinstance(hint, str):
        try:
            hint = eval(hint, dict(namespace))  # noqa: S307 (the library's own annotations)
        except NameError:
            return typing.Any
    origin = typing.get_origin(hint)
    if origin in (typing_extensions.NotRequired, typing_extensions.Required):
        return _evaluate(typing.get_args(hint)[0], namespace)
    if origin is not None and origin is not typing.Literal:
        args = tuple(_evaluate(arg, namespace) for arg in typing.get_args(hint))
        if origin in (typing.Union, types.UnionType):
            return typing.Union[args]
        return origin[args] if origin in (list, dict) else hint
    return hint


def _is_typeddict(hint):
    return isinstance(hint, type) and issubclass(hint, dict) and hasattr(hint, "__annotations__")


def _check_hash(value, cls, prefix, problems):
    hints = _hints(cls)
    for name, item in value.items():
        path = f"{prefix}[{name}]" if prefix else name
        if name not in hints:
            problems.append(f"unknown parameter {path}")
            continue
        _check_value(item, hints[name], path, problems)


def _options(hint):
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [option for arg in typing.get_args(hint) for option in _options(arg)]
    return [hint]


def _check_value(value, hint, path, problems):
    if not isinstance(value, dict):
        return  # a plain value: the names are what is checked, not the values
    options = _options(hint)
    for option in options:
        if _is_typeddict(option):
            _check_hash(value, option, path, problems)
            return
    for option in options:
        origin, args = typing.get_origin(option), typing.get_args(option)
        if origin is list:
            for index, item in value.items():
                _check_value(item, args[0], f"{path}[{index}]", problems)
            return
        if origin is dict:
            for key, item in value.items():
                _check_value(item, args[1], f"{path}[{key}]", problems)
            return
        if option is typing.Any or option is dict:
            return
    problems.append(f"{path} is a hash, where Stripe takes a plain value")
