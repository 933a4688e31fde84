"""Stripe's search query language, the part integrations use to find their own objects:
clauses `field:'value'` or `metadata['key']:'value'`, joined by AND."""
import re

from .errors import invalid_param

_CLAUSE = re.compile(r"""\s*(?:metadata\[['"](?P<key>[^'"]+)['"]\]|(?P<field>[a-z_]+))"""
                     r"""\s*:\s*['"](?P<value>[^'"]*)['"]\s*""")


def matcher(query):
    """A predicate for objects matching `query`; an unsupported query is a 400 like Stripe's."""
    clauses = []
    for part in re.split(r"\s+AND\s+", query or ""):
        match = _CLAUSE.fullmatch(part)
        if not match:
            raise invalid_param(f"Invalid search query: {query!r}", param="query")
        clauses.append(match.groupdict())

    def value(obj, clause):
        if clause["key"] is not None:
            return (obj.get("metadata") or {}).get(clause["key"])
        return obj.get(clause["field"])

    def matches(obj):
        return all(str(value(obj, clause)) == clause["value"] for clause in clauses)

    return matches


def indexed(now, lag):
    """Whether an object is in the search index yet: Stripe's search lags its writes. Here an
    object shows once `lag` seconds (the emulator's clock) have passed since it was created;
    later changes show at once (the lag of updates is not modelled)."""
    return lambda obj: obj.get("created", 0) <= now - lag


def result(objects, params, url):
    """A search_result page: newest first; `next_page` is the cursor for the `page` param."""
    limit = params.integer("limit", minimum=1, maximum=100) or 10
    cursor = params.string("page") or "0"
    if not cursor.isdigit():
        raise invalid_param(f"Invalid page: {cursor}", param="page")
    start = int(cursor)
    has_more = len(objects) > start + limit
    return {"object": "search_result", "data": objects[start:start + limit],
            "has_more": has_more, "next_page": str(start + limit) if has_more else None,
            "url": url}
