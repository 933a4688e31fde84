"""Signed links to an order that a customer opens from an email: only the email's reader may use
them, for a while. The views that answer them (checkout.receipts) check them here."""
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

PAY_AGAIN_DAYS = 30


def _signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="pay-again")


def pay_again_url(order):
    """The emailed link: signed, so only its reader may take over paying the order."""
    return url_for("orders.pay_again", public_id=order.public_id,
                   token=_signer().dumps(order.public_id), _external=True)


def pay_again_token_is_for(order, token):
    """Whether `token` is a pay-again link's, signed for this order and not yet expired."""
    try:
        return _signer().loads(token, max_age=PAY_AGAIN_DAYS * 86400) == order.public_id
    except BadSignature:
        return False


# A sign-in link (storefront/accounts/): its row's key, signed, so that only the SECRET_KEY's
# holder can make one, and refused after SIGN_IN_MINUTES whatever the row says.
SIGN_IN_MINUTES = 15


def _sign_in_signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="sign-in-link")


def sign_in_url(link):
    """The emailed link that signs its reader in as the link's address."""
    return url_for("accounts.follow_link", token=_sign_in_signer().dumps(link.key), _external=True)


def sign_in_key(token):
    """The key a sign-in link's token was signed for, if the signature holds and it is not older
    than SIGN_IN_MINUTES; None otherwise."""
    try:
        key = _sign_in_signer().loads(token, max_age=SIGN_IN_MINUTES * 60)
    except BadSignature:
        return None
    return key if isinstance(key, str) else None
