"""An iCalendar file (RFC 5545) holding one event: a ticket's session, for the customer's calendar.
Pure: no Flask, no database.

What the RFC asks of it: lines end in CRLF (3.1) and are folded before 75 octets, continuing
on a line that starts with one space, never inside a UTF-8 character; TEXT values escape
backslash, semicolon, comma and newline (3.3.11); a VEVENT has UID and DTSTAMP (3.6.1), and its
times here are UTC (3.3.5, form 2: "19980119T070000Z"), so no VTIMEZONE is needed.
"""
from datetime import datetime, timezone

LINE_OCTETS = 75


def escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> bytes:
    """One content line as octets, folded at 75 octets and ended with CRLF."""
    out, current = [], b""
    for char in line:
        octets = char.encode()
        # A continuation line's leading space counts towards its 75.
        limit = LINE_OCTETS if not out else LINE_OCTETS - 1
        if len(current) + len(octets) > limit:
            out.append(current)
            current = b""
        current += octets
    out.append(current)
    return b"\r\n ".join(out) + b"\r\n"


def utc(moment: datetime) -> str:
    """A date-time in UTC form; a naive one is taken as UTC already (the shop's clock)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def event(*, uid: str, stamp: datetime, start: datetime, end: datetime, summary: str,
          location: str = "", description: str = "", url: str = "",
          prodid: str = "-//Storefront//Tickets//EN") -> bytes:
    """A VCALENDAR with one VEVENT, as the bytes of a .ics file."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{utc(stamp)}",
             f"DTSTART:{utc(start)}", f"DTEND:{utc(end)}", f"SUMMARY:{escape(summary)}"]
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if url:
        lines.append(f"URL:{url}")  # a URI value: not TEXT, so not escaped
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return b"".join(fold(line) for line in lines)
