"""The carriers a shipment goes by, and the page where the customer follows each parcel. Pure:
no Flask, no database. One place: the admin's form, the email and the receipt page read it."""
import re
from urllib.parse import quote

# key (stored on the shipment) → (name shown, tracking page with {} for the number, or None)
CARRIERS = {
    "usps": ("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={}"),
    "ups": ("UPS", "https://www.ups.com/track?tracknum={}"),
    "fedex": ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={}"),
    "dhl": ("DHL", "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={}"),
    "canada-post": ("Canada Post", "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={}"),
    "royal-mail": ("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{}"),
    "australia-post": ("Australia Post", "https://auspost.com.au/mypost/track/details/{}"),
    "japan-post": ("Japan Post", "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1={}&locale=en"),
    "other": ("Other", None),  # no page the shop knows: the number alone
}
# Carriers' numbers are letters and digits (UPS 1Z…, Royal Mail AB123456789GB); people paste
# them with spaces or dashes, which are dropped.
_NUMBER = re.compile(r"[A-Z0-9]{4,40}")


def name(carrier: str) -> str:
    return CARRIERS[carrier][0]


def tracking_number(text: str) -> str | None:
    """The number as the carrier writes it (upper case, no spaces or dashes), or None if it
    cannot be one."""
    number = re.sub(r"[\s-]", "", text or "").upper()
    return number if _NUMBER.fullmatch(number) else None


def tracking_url(carrier: str, number: str) -> str | None:
    """The carrier's page for this parcel, or None (another carrier)."""
    template = CARRIERS[carrier][1]
    return template.format(quote(number, safe="")) if template else None
