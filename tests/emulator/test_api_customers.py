"""Customers and their saved PaymentMethods through the official library: create, update,
delete, list by email; attach, detach, list; the default method; and Stripe's refusals."""
import pytest
import stripe


def test_a_customer_is_created_updated_listed_by_email_and_deleted(stripe_client, event_types):
    customer = stripe_client.v1.customers.create({
        "email": "ada@example.com", "name": "Ada", "metadata": {"shop_id": "7"}})
    stripe_client.v1.customers.create({"email": "bob@example.com"})
    assert (customer.email, customer.name, customer.metadata.shop_id) == (
        "ada@example.com", "Ada", "7")

    updated = stripe_client.v1.customers.update(customer.id, {"name": "Ada Lovelace",
                                                              "email": "ada@example.org"})
    assert (updated.name, updated.email) == ("Ada Lovelace", "ada@example.org")
    found = stripe_client.v1.customers.list({"email": "ada@example.org"}).data
    assert [c.id for c in found] == [customer.id]

    deleted = stripe_client.v1.customers.delete(customer.id)
    assert (deleted.id, deleted.deleted) == (customer.id, True)
    stub = stripe_client.v1.customers.retrieve(customer.id)
    assert stub.to_dict() == {"id": customer.id, "object": "customer", "deleted": True}
    assert stripe_client.v1.customers.list({"email": "ada@example.org"}).data == []
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.customers.update(customer.id, {"name": "Ghost"})
    assert refused.value.code == "resource_missing"
    assert event_types(customer.id) == ["customer.created", "customer.updated",
                                        "customer.deleted"]
    update_event = stripe_client.v1.events.list({"type": "customer.updated"}).data[0]
    assert update_event.data.previous_attributes.to_dict() == {
        "name": "Ada", "email": "ada@example.com"}


def test_attach_list_default_and_detach(stripe_client, card, event_types):
    customer = stripe_client.v1.customers.create({"email": "ada@example.com"})
    visa = card("4242424242424242")
    mastercard = card("5555555555554444")
    for method in (visa, mastercard):
        attached = stripe_client.v1.payment_methods.attach(method.id, {"customer": customer.id})
        assert attached.customer == customer.id

    listed = stripe_client.v1.customers.payment_methods.list(customer.id, {"type": "card"})
    assert [m.id for m in listed.data] == [mastercard.id, visa.id]
    assert [m.id for m in stripe_client.v1.payment_methods.list(
        {"customer": customer.id, "type": "us_bank_account"}).data] == []
    assert [m.id for m in stripe_client.v1.payment_methods.list(
        {"customer": customer.id, "type": "card"}).data] == [mastercard.id, visa.id]

    with_default = stripe_client.v1.customers.update(
        customer.id, {"invoice_settings": {"default_payment_method": visa.id}})
    assert with_default.invoice_settings.default_payment_method == visa.id

    detached = stripe_client.v1.payment_methods.detach(visa.id)
    assert detached.customer is None
    after = stripe_client.v1.customers.retrieve(customer.id)
    assert after.invoice_settings.default_payment_method is None
    assert [m.id for m in stripe_client.v1.customers.payment_methods.list(customer.id).data] == [
        mastercard.id]
    assert event_types(visa.id) == ["payment_method.attached", "payment_method.detached"]
    detach_event = stripe_client.v1.events.list({"type": "payment_method.detached"}).data[0]
    assert detach_event.data.previous_attributes.customer == customer.id

    # A detached method cannot be used again, as Stripe says.
    with pytest.raises(stripe.InvalidRequestError) as reused:
        stripe_client.v1.payment_methods.attach(visa.id, {"customer": customer.id})
    assert "was detached from a Customer" in reused.value.user_message
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.payment_methods.detach(visa.id)
    assert "not attached to a customer" in again.value.user_message


def test_a_default_must_be_attached_and_create_takes_a_method_and_default(stripe_client, card):
    stray = card("4242424242424242")
    customer = stripe_client.v1.customers.create({"email": "ada@example.com"})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.customers.update(
            customer.id, {"invoice_settings": {"default_payment_method": stray.id}})
    assert refused.value.param == "invoice_settings[default_payment_method]"
    assert "must be attached to the customer" in refused.value.user_message

    method = card("4242424242424242")
    created = stripe_client.v1.customers.create({
        "email": "bob@example.com", "payment_method": method.id,
        "invoice_settings": {"default_payment_method": method.id}})
    assert created.invoice_settings.default_payment_method == method.id
    assert stripe_client.v1.payment_methods.retrieve(method.id).customer == created.id
    one = stripe_client.v1.customers.payment_methods.retrieve(created.id, method.id)
    assert one.id == method.id


def test_a_method_of_one_customer_cannot_go_to_another_or_pay_for_them(stripe_client, card, pay):
    ada = stripe_client.v1.customers.create({"email": "ada@example.com"})
    bob = stripe_client.v1.customers.create({"email": "bob@example.com"})
    method = card("4242424242424242")
    stripe_client.v1.payment_methods.attach(method.id, {"customer": ada.id})

    with pytest.raises(stripe.InvalidRequestError) as taken:
        stripe_client.v1.payment_methods.attach(method.id, {"customer": bob.id})
    assert "already been attached to a customer" in taken.value.user_message
    with pytest.raises(stripe.InvalidRequestError) as not_theirs:
        pay(method.id, customer=bob.id)
    assert f"belongs to Customer {ada.id}" in not_theirs.value.user_message

    paid = pay(method.id, customer=ada.id)
    again = pay(method.id, customer=ada.id)   # a saved card pays as often as asked
    assert (paid.status, again.status) == ("succeeded", "succeeded")


def test_a_method_used_once_without_a_customer_cannot_be_attached_afterwards(
        stripe_client, card, pay):
    method = card("4242424242424242")
    pay(method.id)
    customer = stripe_client.v1.customers.create({"email": "ada@example.com"})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_methods.attach(method.id, {"customer": customer.id})
    assert "previously used with a PaymentIntent without Customer attachment" in \
        refused.value.user_message


@pytest.mark.parametrize("usage", ["off_session", "on_session"])
def test_setup_future_usage_attaches_the_card_on_success(stripe_client, card, pay,
                                                         event_types, usage):
    customer = stripe_client.v1.customers.create({"email": "ada@example.com"})
    method = card("4242424242424242")
    intent = pay(method.id, customer=customer.id, setup_future_usage=usage)
    assert (intent.status, intent.setup_future_usage) == ("succeeded", usage)
    assert stripe_client.v1.payment_methods.retrieve(method.id).customer == customer.id
    assert event_types(method.id) == ["payment_method.attached"]
    later = pay(method.id, customer=customer.id, off_session=True)
    assert later.status == "succeeded"


def test_setup_future_usage_set_on_confirm_and_a_decline_attaches_nothing(stripe_client, card):
    customer = stripe_client.v1.customers.create({"email": "ada@example.com"})
    declined = card("4000000000000002")
    intent = stripe_client.v1.payment_intents.create({
        "amount": 1500, "currency": "usd", "customer": customer.id,
        "allowed_payment_method_types": ["card"]})
    with pytest.raises(stripe.CardError):
        stripe_client.v1.payment_intents.confirm(intent.id, {
            "payment_method": declined.id, "setup_future_usage": "off_session"})
    assert stripe_client.v1.payment_methods.retrieve(declined.id).customer is None

    good = card("4242424242424242")
    paid = stripe_client.v1.payment_intents.confirm(intent.id, {"payment_method": good.id})
    assert (paid.status, paid.setup_future_usage) == ("succeeded", "off_session")
    assert stripe_client.v1.payment_methods.retrieve(good.id).customer == customer.id


def test_setup_future_usage_without_a_customer_leaves_the_card_attachable(stripe_client, card,
                                                                           pay):
    """Stripe's docs: without a Customer "you can still attach the payment method to a Customer
    after the transaction completes"."""
    method = card("4242424242424242")
    pay(method.id, setup_future_usage="off_session")
    assert stripe_client.v1.payment_methods.retrieve(method.id).customer is None
    customer = stripe_client.v1.customers.create({"email": "ada@example.com"})
    attached = stripe_client.v1.payment_methods.attach(method.id, {"customer": customer.id})
    assert attached.customer == customer.id
