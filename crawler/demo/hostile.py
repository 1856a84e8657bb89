"""Hostile attachment files, made on demand, and a small server on 127.0.0.1 that serves them beside one
good report: the cases issue #15 names (zip bombs with honest and lying sizes, billion laughs, PDF
reference cycles, deep nesting and a stream inflating to ~1 GB, encrypted PDF, garbled or looping OLE2
files, overlapping Word pieces, a lying ``Content-Length``, 200 MB of zeros).

Nothing is kept on disk: bombs are built when asked for (:func:`build`, a second or two for the
largest), which is why this lives beside the demo portal and not as fixture files. The OLE2 files come
from a minimal compound-file writer (:func:`ole_file`) and a minimal Word 97 document (:func:`word_doc`).
"""

from __future__ import annotations

import io
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MB = 1024 * 1024
GOOD_TITLE = "青岚县民政局2023年政府信息公开工作年度报告"
GOOD_REPORT = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{GOOD_TITLE}</title>
</head><body><div class="article"><h1>{GOOD_TITLE}</h1>
<p>本报告根据《中华人民共和国政府信息公开条例》要求编制。全文包括总体情况、主动公开政府信息情况、
收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。
本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。</p>
<p>一、总体情况</p><p>2023年，我局认真贯彻落实政府信息公开工作要求，主动公开政府信息126条。</p>
<p>二、主动公开政府信息情况</p><p>全年共制发规范性文件3件，现行有效规范性文件12件。</p>
<p>三、收到和处理政府信息公开申请情况</p><p>本年度收到政府信息公开申请5件，均已按时答复。</p>
<p>四、存在的主要问题及改进情况</p><p>公开内容还不够全面，下一步将进一步加强。</p>
</div></body></html>""".encode()

_ENDOFCHAIN, _FATSECT, _FREESECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF


# ---------------------------------------------------------------- ZIP containers


def _zip(parts: dict[str, bytes | tuple[bytes, bytes, bytes, int]]) -> bytes:
    """A ZIP of ``parts``: bytes are deflated here; a part given as (head, repeated unit, tail, count)
    is deflated once per distinct block (:func:`_deflated`), so a 1 GB part takes a second to make."""
    out = bytearray()
    central = bytearray()
    for name, data in parts.items():
        if isinstance(data, bytes):
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed, crc, size = packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)
        else:
            packed, crc, size = _deflated(*data)
        encoded = name.encode()
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(packed), size)
        central += b"PK\x01\x02" + struct.pack("<H", 20) + fields
        central += struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, len(out)) + encoded
        out += b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + packed
    count = len(parts)
    tail = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(out), 0)
    return bytes(out + central + tail)


def _deflated(head: bytes, unit: bytes, tail: bytes, count: int) -> tuple[bytes, int, int]:
    """Raw deflate of ``head + unit * count + tail``, with its CRC-32 and size: after a full flush the
    compressor starts afresh, so every ``unit`` packs to the same bytes, packed once and repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(unit, crc)
    return start + block * count + end, zlib.crc32(tail, crc), len(head) + len(unit) * count + len(tail)


_DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    b'"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    b'document.main+xml"/></Types>'
)
_DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


_SPACES = b" " * MB


def docx(document: bytes | tuple[bytes, bytes, bytes, int]) -> bytes:
    parts = {"[Content_Types].xml": _DOCX_TYPES, "_rels/.rels": _DOCX_RELS}
    return _zip({**parts, "word/document.xml": document})


def docx_bomb() -> bytes:
    """``word/document.xml`` inflating to 1 GB (sizes declared honestly)."""

    head = b"<w:document " + _W + b"><w:body><w:p><w:r><w:t>"
    return docx((head, _SPACES, b"</w:t></w:r></w:p></w:body></w:document>", 1024))


def lying_sizes(archive: bytes, declared: int = 1000) -> bytes:
    """The same ZIP with every part's uncompressed size (local header and central directory) a lie."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as parsed:
        infos = parsed.infolist()
    for info in infos:
        local = info.header_offset
        struct.pack_into("<I", data, local + 22, min(declared, info.file_size))
    at = data.rfind(b"PK\x05\x06")
    (cd_offset,) = struct.unpack_from("<I", data, at + 16)
    position = cd_offset
    while data[position : position + 4] == b"PK\x01\x02":
        size = struct.unpack_from("<I", data, position + 24)[0]
        if size != 0xFFFFFFFF:
            struct.pack_into("<I", data, position + 24, min(declared, size))
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, position + 28)
        position += 46 + name_len + extra_len + comment_len
    return bytes(data)


def docx_near_limit(size: int) -> bytes:
    """A DOCX whose document.xml is ``size`` bytes of tiny paragraphs (many small XML elements)."""
    paragraph = b"<w:p><w:r><w:t>\xe5\xb9\xb4\xe6\x8a\xa5</w:t></w:r></w:p>"

    block = paragraph * (MB // len(paragraph))
    head = b"<w:document " + _W + b"><w:body>"
    return docx((head, block, b"</w:body></w:document>", size // len(block)))


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    document = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]>'
        f"<w:document {_W.decode()}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return docx(document.encode())


def xlsx_bomb() -> bytes:
    workbook = (
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1"'
        b' r:id="rId1"/></sheets></workbook>'
    )

    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    sheet = (head, _SPACES, b"</sheetData></worksheet>", 1024)
    return _zip({"xl/workbook.xml": workbook, "xl/worksheets/sheet1.xml": sheet})


# ---------------------------------------------------------------- PDF


def pdf(objects: list[bytes], root: int = 1, extra_trailer: bytes = b"") -> bytes:
    """A PDF of numbered objects (1…) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        extra_trailer,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, flate: bool = False) -> bytes:
    head = b"<< /Length %d%s >>" % (len(data), b" /Filter /FlateDecode" if flate else b"")
    return head + b"\nstream\n" + data + b"\nendstream"


_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"


def pdf_reference_cycle() -> bytes:
    """The page tree's kids point back up to their parent, and its content stream's length is an
    object that refers to itself."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 2 0 R 5 0 R] /Count 3 >>",
            _PAGE,
            b"<< /Length 6 0 R >>\nstream\nBT ET\nendstream",
            b"<< /Type /Pages /Kids [2 0 R 5 0 R] /Parent 5 0 R /Count 2 >>",
            b"6 0 R",
        ]
    )


def pdf_deep_arrays(depth: int = 100_000) -> bytes:
    """A page whose MediaBox is an array nested ``depth`` deep."""
    nested = b"[" * depth + b"0 0 595 842" + b"]" * depth
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox " + nested + b" /Contents 4 0 R >>",
            _stream(b"BT /F1 12 Tf 72 720 Td (x) Tj ET"),
        ]
    )


def pdf_inflating(size: int = 1024 * MB) -> bytes:
    """A page whose content stream inflates to ``size`` bytes of spaces (about 1 MB on the wire)."""
    raw, _, _ = _deflated(b"", _SPACES, b"", size // MB)
    adler = 1
    for _ in range(size // MB):
        adler = zlib.adler32(_SPACES, adler)
    data = b"\x78\xda" + raw + struct.pack(">I", adler)
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            _PAGE,
            _stream(data, flate=True),
        ]
    )


# ---------------------------------------------------------------- OLE2 compound files and Word 97


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file (512-byte sectors) holding ``streams``, each padded to at least 4096
    bytes so that all live in the FAT (no mini stream)."""
    data = {name: body.ljust(4096, b"\0") for name, body in streams.items()}
    chains: list[tuple[int, int]] = []  # (first sector, sector count) per stream
    sector = 0
    for body in data.values():
        count = -(-len(body) // 512)
        chains.append((sector, count))
        sector += count
    dir_entries = len(data) + 1
    dir_first, dir_count = sector, -(-dir_entries * 128 // 512)
    sector += dir_count
    fat_count = 1
    while (sector + fat_count) > fat_count * 128:
        fat_count += 1
    fat = [_FREESECT] * (fat_count * 128)
    for first, count in [*chains, (dir_first, dir_count)]:
        for n in range(count):
            fat[first + n] = first + n + 1 if n < count - 1 else _ENDOFCHAIN
    for n in range(fat_count):
        fat[sector + n] = _FATSECT
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, fat_count, dir_first, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
    difat = [sector + n for n in range(fat_count)] + [_FREESECT] * (109 - fat_count)
    struct.pack_into("<109I", header, 0x4C, *difat)
    directory = bytearray(dir_count * 512)
    names = list(data)
    _dir_entry(directory, 0, "Root Entry", 5, child=1, start=_ENDOFCHAIN, size=0)
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else _NOSTREAM
        _dir_entry(directory, index, name, 2, right=right, start=chains[index - 1][0], size=len(data[name]))
    body = b"".join(body.ljust(-(-len(body) // 512) * 512, b"\0") for body in data.values())
    return bytes(header) + body + bytes(directory) + struct.pack(f"<{len(fat)}I", *fat)


def _dir_entry(
    directory: bytearray,
    index: int,
    name: str,
    kind: int,
    *,
    child: int = _NOSTREAM,
    right: int = _NOSTREAM,
    start: int,
    size: int,
) -> None:
    at = index * 128
    encoded = name.encode("utf-16-le") + b"\0\0"
    directory[at : at + len(encoded)] = encoded
    struct.pack_into("<HBB", directory, at + 0x40, len(encoded), kind, 1)
    struct.pack_into("<III", directory, at + 0x44, _NOSTREAM, right, child)
    struct.pack_into("<II", directory, at + 0x74, start, size)


def word_doc(text: str, *, pieces: list[tuple[int, int]] | None = None) -> bytes:
    """A minimal Word 97 ``.doc`` of ``text`` (one 8-bit piece at offset 1024), or with the piece
    table's character positions ``pieces`` (pairs of cp start, cp end) all mapping to that text."""
    raw = text.encode("cp1252", "replace") if text.isascii() else text.encode("utf-16-le")
    compressed = text.isascii()
    fib = bytearray(1024)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<H", fib, 0x0A, 0x0200)  # fWhichTblStm: 1Table
    struct.pack_into("<H", fib, 0x20, 14)
    struct.pack_into("<H", fib, 0x3E, 22)
    struct.pack_into("<I", fib, 0x40 + 12, len(text))
    struct.pack_into("<H", fib, 0x98, 0x5D)
    pairs = 0x9A
    spans = pieces or [(0, len(text))]
    fc = (1024 * 2 if compressed else 1024) | (0x40000000 if compressed else 0)
    cps = [spans[0][0]] + [end for _, end in spans]
    clx = struct.pack(f"<{len(cps)}I", *cps) + b"".join(struct.pack("<HIH", 0, fc, 0) for _ in spans)
    table = b"\x02" + struct.pack("<I", len(clx)) + clx
    struct.pack_into("<II", fib, pairs + 33 * 8, 0, len(table))
    return ole_file({"WordDocument": bytes(fib) + raw, "1Table": table})


def word_overlapping_pieces(chars: int = 1_000_000, pieces: int = 4000) -> bytes:
    """A Word document whose piece table maps the same 1 M characters again and again (cps going
    back and forth): read naively, billions of characters."""
    spans = [(0, chars) if n % 2 == 0 else (chars, 0) for n in range(pieces)]
    return word_doc("x" * chars, pieces=spans)


def ole_difat_cycle() -> bytes:
    """A Word document whose header claims a huge FAT reached through a DIFAT chain that loops."""
    data = bytearray(word_doc("2023 annual report\r" * 50))
    sectors = (len(data) - 512) // 512
    data += struct.pack("<127I", *([0] * 127)) + struct.pack("<I", sectors)  # points at itself
    fat_sectors = 109 + 127 * 50_000
    struct.pack_into("<I", data, 0x2C, fat_sectors)
    struct.pack_into("<II", data, 0x44, sectors, 50_000)
    return bytes(data)


def ole_fat_cycle() -> bytes:
    """A Word document whose WordDocument stream claims ~2 GB over a FAT chain that loops."""
    data = bytearray(word_doc("2023 annual report\r" * 50))
    (dir_first,) = struct.unpack_from("<I", data, 0x30)
    struct.pack_into("<I", data, 512 + dir_first * 512 + 128 + 0x78, 0x7FFFFF00)
    (fat_sector,) = struct.unpack_from("<I", data, 0x4C)
    fat_at = 512 + fat_sector * 512
    struct.pack_into("<I", data, fat_at + 4 * 3, 0)  # sector 3 → 0: the stream's chain loops
    return bytes(data)


def garbled_ole() -> bytes:
    seed = 12345
    noise = bytearray()
    for _ in range(64 * 1024):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        noise.append(seed >> 16 & 0xFF)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(noise)


def encrypted_pdf() -> bytes:
    """The demo portal's PDF locked with a user password."""
    return (Path(__file__).parent / "files" / "smz2022_locked.pdf").read_bytes()


# ---------------------------------------------------------------- the cases and their server


@dataclass(frozen=True)
class Case:
    """One hostile file: its name, the URL suffix it is served under and its maker."""

    name: str
    suffix: str
    make: Callable[[], bytes]
    content_type: str = "application/octet-stream"


CASES = (
    Case("docx_bomb", "docx", docx_bomb),
    Case("docx_bomb_lying_sizes", "docx", lambda: lying_sizes(docx_bomb())),
    Case("docx_near_limit", "docx", lambda: docx_near_limit(7 * MB)),
    Case("billion_laughs", "docx", billion_laughs),
    Case("xlsx_bomb", "xlsx", xlsx_bomb),
    Case("pdf_reference_cycle", "pdf", pdf_reference_cycle),
    Case("pdf_deep_arrays", "pdf", pdf_deep_arrays),
    Case("pdf_stream_1gb", "pdf", pdf_inflating),
    Case("pdf_encrypted", "pdf", encrypted_pdf),
    Case("ole_garbled", "doc", garbled_ole),
    Case("ole_difat_cycle", "doc", ole_difat_cycle),
    Case("ole_fat_cycle", "doc", ole_fat_cycle),
    Case("word_overlapping_pieces", "doc", word_overlapping_pieces),
)
# Served by the server itself: a Content-Length longer than the body, and 200 MB of zeros.
STREAMED = ("lying_content_length", "zeros_200mb")


def build(name: str) -> bytes:
    return next(case for case in CASES if case.name == name).make()


class HostileServer:
    """A threaded HTTP server on 127.0.0.1 serving ``/good.html`` (a report), ``/files/NAME.SUFFIX``
    from ``bodies`` and the two streamed cases."""

    def __init__(self, bodies: dict[str, bytes] | None = None) -> None:
        self.bodies = dict(bodies or {})
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                server.answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def file_url(self, name: str) -> str:
        suffix = next((case.suffix for case in CASES if case.name == name), "pdf")
        return self.url(f"/files/{name}.{suffix}")

    def start(self) -> HostileServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        try:
            if path == "/good.html":
                self._send(handler, GOOD_REPORT, "text/html; charset=utf-8")
            elif name == "lying_content_length":
                head = b"%PDF-1.4\n" + b"0" * 1000
                self._headers(handler, "application/pdf", 10 * MB)
                handler.wfile.write(head)
            elif name == "zeros_200mb":
                self._headers(handler, "application/pdf", 200 * MB)
                block = bytes(MB)
                for _ in range(200):
                    handler.wfile.write(block)
            elif name in self.bodies:
                self._send(handler, self.bodies[name], "application/octet-stream")
            else:
                self._send(handler, b"<html><body>404</body></html>", "text/html", 404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on the body: that is the point

    def _send(self, handler: BaseHTTPRequestHandler, body: bytes, kind: str, status: int = 200) -> None:
        self._headers(handler, kind, len(body), status)
        handler.wfile.write(body)

    @staticmethod
    def _headers(handler: BaseHTTPRequestHandler, kind: str, length: int, status: int = 200) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(length))
        handler.send_header("Connection", "close")
        handler.end_headers()
