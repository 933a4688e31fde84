"""Write the demo e-book's files into downloads/: a small EPUB 3 and a one-page PDF, a few KB
each, so the shop has something real to serve. Run again only to change them."""
import zipfile
from pathlib import Path

TITLE = "Field Notes from the Coast"
TEXT = "Forty short essays and sketches from a year of walking the shoreline. (A demo file.)"
HERE = Path(__file__).resolve().parent.parent / "downloads"

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""
OPF = f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:5f1c2b9e-3d4a-4c7b-9a8e-0d6f1e2a3b4c</dc:identifier>
    <dc:title>{TITLE}</dc:title>
    <dc:language>en</dc:language>
    <meta property="dcterms:modified">2026-12-06T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="text" href="text.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine><itemref idref="text"/></spine>
</package>
"""
NAV = f"""<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">
<head><title>{TITLE}</title></head>
<body><nav epub:type="toc"><ol><li><a href="text.xhtml">{TITLE}</a></li></ol></nav></body>
</html>
"""
PAGE = f"""<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head><title>{TITLE}</title></head>
<body><h1>{TITLE}</h1><p>{TEXT}</p></body>
</html>
"""


def epub(path):
    with zipfile.ZipFile(path, "w") as book:
        # The first entry, stored uncompressed: how readers recognise an EPUB.
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name, text in (("META-INF/container.xml", CONTAINER), ("OEBPS/content.opf", OPF),
                           ("OEBPS/nav.xhtml", NAV), ("OEBPS/text.xhtml", PAGE)):
            book.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)


def pdf(path):
    stream = f"BT /F1 20 Tf 72 720 Td ({TITLE}) Tj /F1 11 Tf 0 -30 Td ({TEXT}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    epub(HERE / "field-notes-from-the-coast.epub")
    pdf(HERE / "field-notes-from-the-coast.pdf")
