"""Stripe's form-encoded parameters: nested keys in, typed values or Stripe's own errors out.

`metadata[order_id]=5`, `payment_method_types[]=card` and `payment_method_types[0]=card` all
arrive as flat keys; `decode` turns them into dicts and lists. `Params` reads them with the
checks and messages Stripe uses, naming nested params the way Stripe does (`card[exp_month]`).
"""
import difflib
import re

from .errors import invalid_param, missing_param

_SEGMENT = re.compile(r"\[([^\]]*)\]")

# A hash whose keys are the caller's own (metadata): never checked for unknown keys.
FREE = "free"

# Sent by Stripe.js and other clients alongside any endpoint's own params.
TRANSPORT = {"expand": None, "key": None, "_stripe_version": None, "_stripe_account": None}


def decode(pairs):
    root = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        path = [head] + _SEGMENT.findall("[" + rest) if rest else [head]
        node = root
        for segment in path[:-1]:
            segment = segment or str(len(node))
            if not isinstance(node.get(segment), dict):
                node[segment] = {}
            node = node[segment]
        node[path[-1] or str(len(node))] = value
    return _listify(root)


def _listify(node):
    """Hashes keyed exactly 0, 1, 2… are arrays, as Stripe reads them."""
    if not isinstance(node, dict):
        return node
    items = {key: _listify(value) for key, value in node.items()}
    if items and set(items) == {str(index) for index in range(len(items))}:
        return [items[str(index)] for index in range(len(items))]
    return items


def reject_unknown(data, schema, prefix=""):
    """Stripe refuses a parameter it does not know, suggesting the one meant."""
    for name, value in data.items():
        path = f"{prefix}[{name}]" if prefix else name
        if name not in schema and (prefix or name not in TRANSPORT):
            close = difflib.get_close_matches(name, list(schema), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise invalid_param(f"Received unknown parameter: {path}{hint}", param=path,
                                code="parameter_unknown")
        child = schema.get(name)
        if isinstance(child, dict) and isinstance(value, dict):
            reject_unknown(value, child, path)


class Params:
    def __init__(self, data, prefix=""):
        self.data = data if isinstance(data, dict) else {}
        self.prefix = prefix

    def path(self, name):
        return f"{self.prefix}[{name}]" if self.prefix else name

    def __contains__(self, name):
        return name in self.data

    def raw(self, name):
        return self.data.get(name)

    def string(self, name, *, required=False, default=None):
        value = self.data.get(name)
        if value is None:
            if required:
                raise missing_param(self.path(name))
            return default
        if not isinstance(value, str):
            raise invalid_param(f"Invalid string: {self.path(name)}", param=self.path(name))
        if value == "" and required:
            raise self._empty(name)
        return value or None

    def integer(self, name, *, required=False, minimum=None, maximum=None):
        value = self.string(name, required=required)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise invalid_param(f"Invalid integer: {value}", param=self.path(name),
                                code="parameter_invalid_integer") from None
        if minimum is not None and number < minimum:
            raise invalid_param(f"This value must be greater than or equal to {minimum}.",
                                param=self.path(name), code="parameter_invalid_integer")
        if maximum is not None and number > maximum:
            raise invalid_param(f"This value must be less than or equal to {maximum}.",
                                param=self.path(name), code="parameter_invalid_integer")
        return number

    def boolean(self, name, default=False):
        value = self.string(name)
        if value is None:
            return default
        # Stripe's v1 takes True/False too (older stripe-python and .NET send them), not 1/0.
        if value not in ("true", "false", "True", "False"):
            raise invalid_param(f"Invalid boolean: {value}", param=self.path(name))
        return value.lower() == "true"

    def choice(self, name, options, default=None):
        value = self.string(name)
        if value is None:
            return default
        if value not in options:
            listed = ", ".join(options[:-1]) + f", or {options[-1]}"
            raise invalid_param(f"Invalid {self.path(name)}: must be one of {listed}",
                                param=self.path(name))
        return value

    def hash(self, name):
        value = self.data.get(name)
        if value not in (None, "") and not isinstance(value, dict):
            raise invalid_param("Invalid hash", param=self.path(name))
        return Params(value, self.path(name))

    def strings(self, name):
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise invalid_param("Invalid array", param=self.path(name))
        return value

    def metadata(self, name="metadata"):
        """The update Stripe applies: key → value, or key → None to delete ("" unsets)."""
        value = self.data.get(name)
        if value is None:
            return None
        if value == "":
            return {}
        if isinstance(value, list):  # keys 0, 1… decoded as an array
            value = {str(index): item for index, item in enumerate(value)}
        if not isinstance(value, dict):
            raise invalid_param("Invalid hash", param=name)
        for key, item in value.items():
            if not isinstance(item, str):
                raise invalid_param(f"Invalid value for {name}[{key}]: metadata values "
                                    "must be strings", param=f"{name}[{key}]")
            if len(key) > 40:
                raise invalid_param("Metadata keys can have up to 40 characters, but you "
                                    f"passed in a key that is {len(key)} characters.",
                                    param=f"{name}[{key}]")
            if len(item) > 500:
                raise invalid_param("Metadata values can have up to 500 characters, but you "
                                    f"passed in a value that is {len(item)} characters.",
                                    param=f"{name}[{key}]")
        return {key: item or None for key, item in value.items()}

    def _empty(self, name):
        path = self.path(name)
        return invalid_param(
            f"You passed an empty string for '{path}'. We assume empty values are an attempt "
            f"to unset a parameter; however '{path}' cannot be unset. You should remove "
            f"'{path}' from your request or supply a non-empty value.",
            param=path, code="parameter_invalid_empty")


def merge_metadata(current, update):
    """The metadata after a `Params.metadata` update, as Stripe merges it ({} clears all)."""
    if update is None:
        return current
    merged = dict(current) if update else {}
    for key, value in update.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    if len(merged) > 50:
        raise invalid_param("You can have up to 50 metadata keys.", param="metadata")
    return merged
