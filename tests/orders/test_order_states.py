"""The order lifecycle is an explicit state machine with a recorded history."""
import pytest

from storefront.models import TRANSITIONS, Order


def order(status):
    return Order(status=status, transitions=[])


@pytest.mark.parametrize("start, end", [(start, end) for start in TRANSITIONS for end in sorted(TRANSITIONS[start])])
def test_allowed_transitions_are_recorded_with_their_source(start, end):
    o = order(start)
    o.move_to(end, "webhook", note="why")
    [transition] = o.transitions
    assert (transition.from_status, transition.to_status, transition.source) == (start, end, "webhook")
    assert o.status == end


@pytest.mark.parametrize("start, end", [
    ("paid", "failed"), ("paid", "pending"), ("paid", "canceled"), ("refunded", "pending"),
    ("partially_refunded", "failed"), ("canceled", "pending"),
])
def test_refused_transitions_leave_the_order_alone(start, end):
    o = order(start)
    with pytest.raises(ValueError):
        o.move_to(end, "browser")
    assert o.status == start and o.transitions == []


def test_paying_stamps_the_time():
    o = order("pending")
    o.move_to("paid", "browser")
    assert o.paid_at is not None


def test_a_refund_failing_later_moves_the_order_back_but_keeps_when_it_was_paid():
    o = order("pending")
    o.move_to("paid", "browser")
    paid_at = o.paid_at
    o.move_to("refunded", "webhook")
    o.move_to("paid", "webhook", note="refund failed")
    assert (o.status, o.paid_at) == ("paid", paid_at)
