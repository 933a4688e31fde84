"""The pure parts of fulfilment: the carriers' tracking pages, the iCalendar serializer against
RFC 5545's rules, and the catalog's [product.download] and [product.event] fields."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from storefront.catalog import carriers
from storefront.catalog.products import CatalogError, load_catalog
from storefront.orders import calendar

BASE = """
[[product]]
slug = "thing"
name = "Thing"
image = "img/thing.svg"
currency = "USD"
unit_price = "5.00"

[[product.options]]
key = "format"
label = "Format"
default = "a"
choices = [{ key = "a", label = "A" }, { key = "b", label = "B" }]
"""


def test_each_carrier_has_its_tracking_page_and_other_has_none():
    assert carriers.tracking_url("usps", "9400111899223197428490") == \
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490"
    assert carriers.tracking_url("royal-mail", "AB123456789GB").endswith("/tracking-results/AB123456789GB")
    assert carriers.tracking_url("other", "XYZ12345") is None
    assert all(url is None or url.startswith("https://") for _, url in carriers.CARRIERS.values())
    assert [name for name, _ in carriers.CARRIERS.values()] == [
        "USPS", "UPS", "FedEx", "DHL", "Canada Post", "Royal Mail", "Australia Post", "Japan Post", "Other"]


def test_a_tracking_number_is_kept_as_the_carrier_writes_it():
    assert carriers.tracking_number(" 1z 999-aa1 0123456784 ") == "1Z999AA10123456784"
    assert carriers.tracking_number("abc") is None  # too short
    assert carriers.tracking_number("12345/../x") is None  # nothing that could reach the URL's path


def unfolded(ics):
    """RFC 5545 3.1: a CRLF followed by one space or tab is removed."""
    return ics.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


def test_an_event_file_follows_rfc_5545():
    zone = ZoneInfo("America/New_York")
    ics = calendar.event(
        uid="abc-1@shop.example", stamp=datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc),
        start=datetime(2027, 3, 13, 10, tzinfo=zone), end=datetime(2027, 3, 13, 13, tzinfo=zone),
        summary="Letterpress workshop ticket: Saturday 10:00–13:00",
        location="The Letterpress Studio, 14 Harbour Lane; Portside",
        description="Line one\nback\\slash " + "é" * 60, url="https://shop.example/orders/abc")
    # Every line ends in CRLF, none is longer than 75 octets, and no bare LF is left.
    assert ics.endswith(b"\r\n") and b"\n" not in ics.replace(b"\r\n", b"")
    lines = ics.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    # Folding never cuts a UTF-8 character: each physical line decodes on its own.
    for line in lines:
        line.decode("utf-8")
    text = unfolded(ics).decode()
    assert text.split("\r\n")[:5] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Storefront//Tickets//EN",
                                      "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    fields = dict(line.split(":", 1) for line in text.split("\r\n") if line)
    # Eastern Standard Time (UTC−5) on 13 March 2027, the day before the clocks change.
    assert fields["DTSTART"] == "20270313T150000Z" and fields["DTEND"] == "20270313T180000Z"
    assert fields["DTSTAMP"] == "20261101T120000Z" and fields["UID"] == "abc-1@shop.example"
    assert fields["LOCATION"] == "The Letterpress Studio\\, 14 Harbour Lane\\; Portside"
    assert fields["DESCRIPTION"].startswith("Line one\\nback\\\\slash éé")
    assert fields["URL"] == "https://shop.example/orders/abc"
    assert text.count("BEGIN:VEVENT") == 1 and text.rstrip().endswith("END:VEVENT\r\nEND:VCALENDAR")


def test_the_demo_catalog_names_the_ebooks_files_and_the_workshops_sessions():
    specs = {spec.slug: spec for spec in load_catalog("catalog/demo.toml")}
    ebook, workshop = specs["field-notes-ebook"].download, specs["letterpress-workshop"].event
    assert ebook.files_for("pdf") == ("field-notes-from-the-coast.pdf",)
    assert len(ebook.files_for("both")) == 2
    assert workshop.timezone == "America/New_York" and workshop.option == "session"
    assert workshop.session("thursday-evening").start == datetime(2027, 3, 11, 18)
    assert specs["city-lights-poster"].download is None and specs["city-lights-poster"].event is None


@pytest.mark.parametrize("extra, message", [
    ('[product.download]\noption = "format"\n[product.download.files]\na = ["a.pdf"]\n',
     "download.files: must name the files of each choice: a, b"),
    ('[product.download]\nfiles = ["../secret"]\n', "download.files: must be a list of file names"),
    ('[product.download]\noption = "size"\nfiles = ["a.pdf"]\n', "'size' is not one of the product's"),
    ('[product.event]\ntimezone = "Mars/Olympus"\nlocation = "x"\noption = "format"\n',
     "'Mars/Olympus' is not a time zone"),
    ('[product.event]\ntimezone = "UTC"\nlocation = "x"\noption = "format"\n'
     '[product.event.sessions]\na = { start = 2027-01-01T10:00:00, end = 2027-01-01T09:00:00 }\n'
     'b = { start = 2027-01-01T10:00:00, end = 2027-01-01T11:00:00 }\n', "end: must be after the start"),
    ('[product.event]\ntimezone = "UTC"\nlocation = "x"\noption = "format"\n'
     '[product.event.sessions]\na = { start = 2027-01-01T10:00:00Z, end = 2027-01-01T11:00:00Z }\n'
     'b = { start = 2027-01-01T10:00:00, end = 2027-01-01T11:00:00 }\n', "must be a local date and time"),
])
def test_download_and_event_fields_that_do_not_fit_are_refused_by_name(extra, message):
    with pytest.raises(CatalogError, match="Product 'thing'") as error:
        load_catalog(BASE + "\n" + extra)
    assert message in str(error.value)
