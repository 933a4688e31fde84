"""Signed links to an order that a customer opens from an email or the receipt page: only their
reader may use them, for a while. The views that answer them (checkout.receipts,
checkout.downloads) check them here."""
from datetime import timedelta, timezone

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from storefront.models import utcnow

PAY_AGAIN_DAYS = 30
# A download link is good for a week; the receipt page always offers a fresh one.
DOWNLOAD_DAYS = 7


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


def _download_signer():
    return URLSafeSerializer(current_app.secret_key, salt="download")


def download_url(order, line, file_name, now=None, external=True):
    """A link to one of the line's files, good for DOWNLOAD_DAYS from `now` (the shop's clock:
    the expiry is in the signed token, so a test can sign at a fixed time)."""
    expires = _epoch((now or utcnow()) + timedelta(days=DOWNLOAD_DAYS))
    token = _download_signer().dumps([order.public_id, line.id, file_name, expires])
    return url_for("downloads.file", public_id=order.public_id, line_id=line.id, name=file_name,
                   token=token, _external=external)


def _epoch(moment):
    return int(moment.replace(tzinfo=timezone.utc).timestamp())  # the shop's clock is naive UTC


class LinkRefused(Exception):
    """Why a download link does not open: str() says it to the customer."""


def check_download(order, line, file_name, token):
    """Nothing if `token` is this file's link and has not expired; LinkRefused otherwise."""
    try:
        public_id, line_id, name, expires = _download_signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("This download link is not one the shop made, or was changed.") from None
    if (public_id, line_id, name) != (order.public_id, line.id, file_name):
        raise LinkRefused("This download link is for another file.")
    if _epoch(utcnow()) > expires:
        raise LinkRefused("This download link has expired.")


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
