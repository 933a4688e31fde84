"""Currencies as Stripe charges them: which exist, their minor units, their minimum charge."""
from ..machinery.errors import invalid_param

SUPPORTED = frozenset("""
usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp
byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip
gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt
lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr
nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd
std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar
zmw
""".split())

ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())

# Stripe's published minimum charge, in minor units; other currencies only need 1 unit.
MINIMUM_CHARGE = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50,
    "czk": 1500, "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50,
    "jpy": 50, "mxn": 1000, "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200,
    "sek": 300, "sgd": 50, "thb": 1000,
}
MAXIMUM_CHARGE = 99_999_999

_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}


def currency(value):
    """Stripe accepts any case and always answers in lowercase."""
    code = value.lower()
    if code not in SUPPORTED:
        raise invalid_param(f"Invalid currency: {code}. Stripe currently supports these "
                            f"currencies: {', '.join(sorted(SUPPORTED))}", param="currency")
    return code


def check_charge_amount(amount, code, param="amount"):
    if code in THREE_DECIMAL and amount % 10:
        raise invalid_param(f"Invalid amount: {amount}. Amounts in {code} (a three-decimal "
                            "currency) must be a multiple of 10: the last digit must be 0.",
                            param=param, code="invalid_charge_amount")
    minimum = MINIMUM_CHARGE.get(code, 1)
    if amount < minimum:
        raise invalid_param(f"Amount must be at least {format_amount(minimum, code)} {code}",
                            param=param, code="amount_too_small")
    if amount > MAXIMUM_CHARGE:
        raise invalid_param(f"Amount must be no more than "
                            f"{format_amount(MAXIMUM_CHARGE, code)} {code}",
                            param=param, code="amount_too_large")


def format_amount(amount, code):
    """How Stripe's messages print money: `$0.50`, `¥50`, `1.250` (no symbol known)."""
    decimals = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    return f"{_SYMBOLS.get(code, '')}{amount / 10 ** decimals:,.{decimals}f}"
