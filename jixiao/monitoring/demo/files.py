"""Small, real evidence files for the 重点监控 reports, made without any library beyond what
Jixiao already installs: a one-page PDF (the field-check record), a PNG (a site photo stand-in),
an .xlsx (the payment ledger) and a .docx (the service provider's monthly assessment).

The PDF names the standard Adobe-GB1 font STSong-Light without embedding it (PDF readers carry
it, as they do for reportlab's CJK output); the PNG is drawn pixel by pixel; the .docx is the
minimal WordprocessingML package Word and WPS open.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font

A4 = (595, 842)


def _pdf_text(text: str) -> str:
    # UniGB-UCS2-H: two bytes per character, big-endian, no byte-order mark.
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def pdf(title: str, lines: Sequence[str]) -> bytes:
    """A one-page A4 PDF: a title and lines of text (long lines wrapped at 36 characters)."""
    wrapped: list[str] = []
    for line in lines:
        while len(line) > 36:
            wrapped.append(line[:36])
            line = "  " + line[36:]
        wrapped.append(line)
    ops = ["BT", "/F1 16 Tf", "56 780 Td", f"{_pdf_text(title)} Tj", "/F1 11 Tf", "0 -30 Td"]
    for line in wrapped[:60]:
        ops += [f"{_pdf_text(line)} Tj", "0 -18 Td"]
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4[0]} {A4[1]}] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".encode("ascii"),
        b"<< /Length " + str(len(content)).encode("ascii") + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii"))
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode("ascii"))
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii"))
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(scene: str, *, width: int = 320, height: int = 200) -> bytes:
    """A small RGB picture standing in for a site photo: sky, ground and what was checked
    (``camera``: a pole with a camera; ``plant``: a kiln and its stack; ``clinic``: a building
    with a red cross; ``office``: a building with a flag)."""
    sky, ground = (150, 190, 230), (110, 140, 90)
    pixels = [[sky if y < height * 0.62 else ground for _ in range(width)] for y in range(height)]

    def box(x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
        for y in range(max(0, y0), min(height, y1)):
            row = pixels[y]
            for x in range(max(0, x0), min(width, x1)):
                row[x] = colour

    grey, dark, white, red = (170, 170, 170), (60, 60, 60), (235, 235, 235), (200, 40, 40)
    if scene == "camera":
        box(150, 40, 158, 150, grey)
        box(158, 42, 200, 50, grey)
        box(192, 50, 222, 66, dark)
        box(218, 55, 224, 61, (40, 80, 160))
    elif scene == "plant":
        box(60, 90, 250, 130, grey)
        box(200, 20, 222, 90, (150, 150, 150))
        box(200, 20, 222, 28, red)
        box(80, 100, 240, 112, dark)
    elif scene == "clinic":
        box(80, 60, 240, 130, white)
        box(150, 70, 170, 110, red)
        box(135, 82, 185, 98, red)
    else:
        box(70, 70, 250, 130, white)
        box(100, 20, 103, 70, dark)
        box(103, 20, 133, 38, red)
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")
    )


def xlsx(title: str, payments: Sequence[Decimal], budget: Decimal) -> bytes:
    """The project's payment ledger, January to the last month given, in yuan."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "支付明细"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(["月份", "当月支付（元）", "累计支付（元）", "累计执行率"])
    cumulative = Decimal(0)
    for month, amount in enumerate(payments, start=1):
        cumulative += amount
        rate = f"{cumulative / budget * 100:.1f}%" if budget > 0 else ""
        sheet.append([f"{month}月", float(amount), float(cumulative), rate])
    sheet.append(["全年预算", float(budget), "", ""])
    for column, width in zip("ABCD", (10, 16, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def docx(title: str, paragraphs: Sequence[str]) -> bytes:
    """A Word document with a bold title and plain paragraphs."""

    def para(text: str, *, bold: bool = False) -> str:
        props = '<w:rPr><w:b/><w:sz w:val="32"/></w:rPr>' if bold else ""
        return f'<w:p><w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = para(title, bold=True) + "".join(para(p) for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        # Fixed timestamps, so the same demo writes the same bytes.
        for name, text in (
            ("[Content_Types].xml", _DOCX_TYPES),
            ("_rels/.rels", _DOCX_RELS),
            ("word/document.xml", document),
        ):
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 9, 10, 9, 0, 0)), text)
    return out.getvalue()
