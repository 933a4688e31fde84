"""/_emulator/: what tests use to steer the emulator and see what happened (JSON, no auth).

POST   /faults            {"kind": "500"|"429"|"drop"|"delay", "count": 1, "method": "POST",
                           "path": "/v1/payment_intents", "delay_ms": 2000} → 201 the fault
                           (method, path optional; see faults.py for what each kind does)
GET    /faults            → [pending faults];  DELETE /faults clears them
POST   /events/hold       deliveries wait from now on
POST   /events/release    {"order": "fifo"|"reverse"|"shuffle", "seed": 1}
                           → {"released": [event ids, in the order sent]}
POST   /events/<id>/deliver   send the event again now → {"event_id", "deliveries": n}
GET    /deliveries[?event_id=]  → [{event_id, type, url, attempt, status, error,
                           outcome: "succeeded"|"retrying"|"failed", at}]
GET    /requests[?path_prefix=&metadata[KEY]=VALUE&method=]  → [{request_id, method, path,
                           idempotency_key, key_kind: "secret"|"publishable"|"none", status
                           (None: dropped), replayed, fault, object_id, metadata, time}]
                           metadata: the object's (or its PaymentIntent's), any key
POST   /search_lag        {"seconds": n} → new objects show in search results n seconds (on
                           the emulator's clock) after they were made, as Stripe's search lags
                           its writes; GET /search_lag → {"seconds": n}; /reset restores it
GET    /clock             → {"now": Unix time as the emulator sees it, "offset": seconds, "pending": n}
POST   /clock/advance     {"seconds": n}, {"days": n} or {"to": Unix time} → the clock moved forward
                           (to that instant, for "to"), and every
                           action that came due (a debit settling, a refund landing) run
POST   /reset             {"clock_start": Unix time or ISO 8601, optional} forget all objects,
                           keys, faults, logs and pending deliveries; the clock starts again at
                           clock_start, or at the emulator's own start (--clock-start);
                           answers once no earlier delivery is still being sent

Connect's part (onboarding accounts, balances): connect/connect_control.py.
"""
from flask import Blueprint, current_app, jsonify, request

from . import events
from .clock import DAY, instant
from .errors import StripeError
from .faults import FaultSpecError

bp = Blueprint("control", __name__, url_prefix="/_emulator")


def emulator():
    return current_app.extensions["stripe_emulator"]


def body():
    return request.get_json(silent=True) or {}


@bp.errorhandler(FaultSpecError)
def bad_fault(error):
    return jsonify(error=str(error)), 400


@bp.errorhandler(StripeError)
def stripe_error(error):
    return jsonify(error=error.message), error.status


@bp.post("/faults")
def add_fault():
    with emulator().lock:
        return jsonify(emulator().faults.add(body())), 201


@bp.get("/search_lag")
def search_lag():
    return jsonify(seconds=emulator().search_lag)


@bp.post("/search_lag")
def set_search_lag():
    seconds = body().get("seconds")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        return jsonify(error="seconds must be a number, 0 or more"), 400
    with emulator().lock:
        emulator().search_lag = seconds
    return jsonify(seconds=seconds)


@bp.get("/faults")
def list_faults():
    with emulator().lock:
        return jsonify(emulator().faults.pending())


@bp.delete("/faults")
def clear_faults():
    with emulator().lock:
        emulator().faults.clear()
    return jsonify(cleared=True)


@bp.post("/events/hold")
def hold_events():
    emulator().dispatcher.hold()
    return jsonify(held=True)


@bp.post("/events/release")
def release_events():
    spec = body()
    order = spec.get("order", "fifo")
    if order not in ("fifo", "reverse", "shuffle"):
        return jsonify(error="order must be fifo, reverse or shuffle"), 400
    released = emulator().dispatcher.release(order, spec.get("seed"))
    return jsonify(released=released)


@bp.post("/events/<event_id>/deliver")
def deliver_event(event_id):
    return jsonify(event_id=event_id, deliveries=events.redeliver(emulator(), event_id))


@bp.get("/deliveries")
def deliveries():
    event_id = request.args.get("event_id")
    return jsonify([attempt for attempt in emulator().dispatcher.attempts()
                    if event_id in (None, attempt["event_id"])])


@bp.get("/requests")
def requests_log():
    with emulator().lock:
        return jsonify(emulator().requests.query(
            path_prefix=request.args.get("path_prefix"),
            metadata={name[len("metadata["):-1]: value for name, value in request.args.items()
                      if name.startswith("metadata[") and name.endswith("]")},
            method=request.args.get("method")))


@bp.get("/clock")
def clock():
    with emulator().lock:
        return jsonify(clock_state(emulator().clock))


@bp.post("/clock/advance")
def advance_clock():
    spec = body()
    try:
        seconds = float(spec.get("seconds", 0)) + float(spec.get("days", 0)) * DAY
        to = None if spec.get("to") is None else int(spec["to"])
    except (TypeError, ValueError):
        return jsonify(error="seconds, days and to must be numbers"), 400
    with emulator().lock:
        clock = emulator().clock
        # `to`, an instant, is read against the clock under the lock: a test that reads the
        # clock and then moves it by a difference could lose a second to the wall clock between.
        if to is not None:
            seconds = to - clock.now()
        if seconds < 0:
            return jsonify(error="the clock only moves forward"), 400
        ran = clock.advance(seconds)
        return jsonify(ran=ran, **clock_state(emulator().clock))


def clock_state(clock):
    return {"now": clock.now(), "offset": clock.offset, "pending": clock.pending()}


@bp.post("/reset")
def reset():
    start = body().get("clock_start")
    try:
        start = None if start is None else instant(str(start))
    except ValueError:
        return jsonify(error="clock_start must be a Unix time or an ISO 8601 instant"), 400
    emulator().reset(start)
    return jsonify(reset=True)
