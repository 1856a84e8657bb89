"""Text and tables of Word 97-2003 binary documents (``.doc``, and WPS Office's ``.wps``): the
:class:`~crawler.extract.files.attachment.AttachmentText` of such an attachment (:func:`read_doc`).

Many county portals still publish their 年报 as ``.doc`` or as WPS Office's ``.wps``, which WPS writes as
the same OLE2 compound file with a ``WordDocument`` stream. No well-kept pure-Python reader for this
format exists on PyPI (``textract`` shells out to antiword; ``legacy-doc``, ``wps2md`` and ``unword`` are
young single-author packages), so this module reads it itself over ``olefile``, following [MS-DOC]:

1. the FIB at the start of ``WordDocument`` gives the main text length and where the piece table
   (``Clx``) lives in the ``0Table``/``1Table`` stream;
2. the piece table maps character positions to file offsets, each piece either 8-bit (cp1252) or
   UTF-16LE — Chinese text is always in UTF-16 pieces;
3. table cells end in ``\\x07``; a row ends in a paragraph whose properties carry ``sprmPFTtp``, read
   from the paragraph FKPs, so empty and merged cells are told apart from row ends.

Field codes (``\\x13`` instruction ``\\x14`` result ``\\x15``) keep their result only. Encrypted files
and the pre-97 format raise :class:`WordError`.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field
from io import BytesIO

import olefile

from crawler.extract.files.attachment import AttachmentError, AttachmentText, choose_title
from crawler.extract.files.ole import check_ole_header, check_stream_sizes

CELL_MARK = "\x07"
PARAGRAPH_MARK = "\r"
# At most this many characters of main text are read, whatever the FIB claims.
MAX_CHARS = 2_000_000
_FIB_MIN_NFIB = 0x00C1  # Word 97; older files have another FIB and no piece table we read
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_SPRM_TTP = 0x2417  # paragraph is a table row's end mark
_SPRM_INNER_TTP = 0x244C  # the same for nested tables
_SPRM_HUGE_PAPX = 0x6646  # the paragraph's properties are in the Data stream
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
# Control characters that stand for objects, notes or hyphenation hints, not text.
_DROP = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x08\x1f"), None) | {
    0x0B: "\n",
    0x0C: "\n",
    0x1E: "-",
    0xA0: " ",
}


class WordError(ValueError):
    """The stream is not a Word 97-2003 document we can read."""


@dataclass
class WordText:
    """Paragraphs in document order; each table also appears as one ``|`` row per table row."""

    lines: list[str] = field(default_factory=list)
    grids: list[list[list[str]]] = field(default_factory=list)
    title: str | None = None


@dataclass(frozen=True)
class _Piece:
    cp_start: int
    cp_end: int
    fc: int
    compressed: bool


def read_word(body: bytes) -> WordText:
    """Text and table grids of a ``.doc``/``.wps`` compound file."""
    try:
        check_ole_header(body)
        ole = olefile.OleFileIO(BytesIO(body))
    except (OSError, ValueError, struct.error) as error:
        raise WordError(f"unreadable OLE2 file: {error}") from error
    with ole:
        try:
            check_stream_sizes(ole, len(body))
        except AttachmentError as error:
            raise WordError(str(error)) from error
        if not ole.exists("WordDocument"):
            raise WordError("OLE2 file without a WordDocument stream")
        word = ole.openstream("WordDocument").read()
        fib = _read_fib(word)
        table_name = "1Table" if fib.which_table else "0Table"
        if not ole.exists(table_name):
            raise WordError(f"missing {table_name} stream")
        table = ole.openstream(table_name).read()
        data = ole.openstream("Data").read() if ole.exists("Data") else b""
        title = summary_title(ole)
    pieces = _pieces(table, fib.fc_clx, fib.lcb_clx)
    row_end_fcs = _row_end_fcs(word, table, data, fib.fc_papx, fib.lcb_papx)
    chars = _main_text(word, pieces, min(fib.ccp_text, MAX_CHARS), row_end_fcs)
    result = _assemble(chars)
    result.title = title
    return result


@dataclass(frozen=True)
class _Fib:
    which_table: bool
    ccp_text: int
    fc_clx: int
    lcb_clx: int
    fc_papx: int
    lcb_papx: int


def _read_fib(word: bytes) -> _Fib:
    """The few FIB fields we need, located through the FIB's own counts (csw, cslw, cbRgFcLcb)."""
    try:
        ident, nfib = struct.unpack_from("<HH", word, 0)
        (flags,) = struct.unpack_from("<H", word, 0x0A)
        pos = 0x20
        (csw,) = struct.unpack_from("<H", word, pos)
        pos += 2 + csw * 2
        (cslw,) = struct.unpack_from("<H", word, pos)
        longs = pos + 2
        (ccp_text,) = struct.unpack_from("<I", word, longs + 3 * 4)
        pos = longs + cslw * 4
        (cb_fclcb,) = struct.unpack_from("<H", word, pos)
        pairs = pos + 2
        if cb_fclcb < 34:
            raise WordError("FIB too short for a piece table")
        fc_papx, lcb_papx = struct.unpack_from("<II", word, pairs + 13 * 8)
        fc_clx, lcb_clx = struct.unpack_from("<II", word, pairs + 33 * 8)
    except struct.error as error:
        raise WordError("truncated FIB") from error
    if ident != 0xA5EC:
        raise WordError("not a Word document (bad FIB signature)")
    if flags & _F_ENCRYPTED:
        raise WordError("encrypted Word document")
    if nfib < _FIB_MIN_NFIB:
        raise WordError("Word 6/95 document (pre-97 format) not supported")
    return _Fib(bool(flags & _F_WHICH_TABLE), ccp_text, fc_clx, lcb_clx, fc_papx, lcb_papx)


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> list[_Piece]:
    """The piece table (PlcPcd) inside the Clx, after any Prc blocks."""
    pos, end = fc_clx, fc_clx + lcb_clx
    try:
        while pos < end and table[pos] == 0x01:
            (cb,) = struct.unpack_from("<h", table, pos + 1)
            pos += 3 + cb
        if pos >= end or table[pos] != 0x02:
            raise WordError("no piece table in the Clx")
        (lcb,) = struct.unpack_from("<I", table, pos + 1)
        plc = pos + 5
        count = (lcb - 4) // 12
        cps = struct.unpack_from(f"<{count + 1}I", table, plc)
        if any(later < earlier for earlier, later in itertools.pairwise(cps)):
            raise WordError("overlapping pieces in the piece table")
        pieces = []
        for i in range(count):
            (fc,) = struct.unpack_from("<I", table, plc + (count + 1) * 4 + i * 8 + 2)
            compressed = bool(fc & 0x40000000)
            fc &= 0x3FFFFFFF
            pieces.append(_Piece(cps[i], cps[i + 1], fc // 2 if compressed else fc, compressed))
    except (struct.error, IndexError) as error:
        raise WordError("truncated piece table") from error
    return pieces


def _main_text(word: bytes, pieces: list[_Piece], ccp_text: int, row_end_fcs: set[int]) -> list[str]:
    """Characters of the main document, a row-end mark turned into ``"\\x00"``."""
    chars: list[str] = []
    for piece in pieces:
        if piece.cp_start >= ccp_text or len(chars) >= MAX_CHARS:
            break
        count = min(piece.cp_end, ccp_text) - piece.cp_start
        width = 1 if piece.compressed else 2
        raw = word[piece.fc : piece.fc + count * width]
        text = (
            raw.decode("cp1252", errors="replace") if piece.compressed else raw.decode("utf-16-le", "replace")
        )
        for i, char in enumerate(text):
            if char == CELL_MARK and piece.fc + (i + 1) * width in row_end_fcs:
                chars.append("\x00")  # row end
            else:
                chars.append(char)
    return chars


def _assemble(chars: list[str]) -> WordText:
    """Paragraph lines and table grids from the character stream (fields resolved, controls mapped)."""
    result = WordText()
    current: list[str] = []
    row: list[str] = []
    grid: list[list[str]] = []
    for char in _strip_field_codes(chars):
        if char == PARAGRAPH_MARK:
            if grid and not row:
                _close_table(result, grid)
                grid = []
            _add_line(result.lines, "".join(current))
            current = []
        elif char == CELL_MARK:
            row.append(_clean("".join(current)))
            current = []
        elif char == "\x00":
            grid.append(row)
            result.lines.append("| " + " | ".join(row) + " |")
            row, current = [], []
        else:
            current.append(char)
    if grid:
        _close_table(result, grid)
    _add_line(result.lines, "".join(current))
    return result


def _close_table(result: WordText, grid: list[list[str]]) -> None:
    rows = [r for r in grid if any(r)]
    if rows:
        result.grids.append(rows)


def _add_line(lines: list[str], text: str) -> None:
    for line in _clean(text).split("\n"):
        if line.strip():
            lines.append(line.strip())


def _clean(text: str) -> str:
    """Map Word's control characters and collapse the spaces inside a paragraph or cell."""
    text = text.translate(_DROP).replace("\r", "")
    return "\n".join(" ".join(part.split()) for part in text.split("\n")).strip()


def _strip_field_codes(chars: list[str]) -> list[str]:
    """Drop field instructions (between begin and separator); keep field results."""
    out: list[str] = []
    in_code: list[bool] = []  # one entry per open field: True while in its instruction part
    for char in chars:
        if char == _FIELD_BEGIN:
            in_code.append(True)
        elif char == _FIELD_SEPARATOR and in_code:
            in_code[-1] = False
        elif char == _FIELD_END and in_code:
            in_code.pop()
        elif not any(in_code):
            out.append(char)
    return out


# ---------------------------------------------------------------- paragraph properties (row ends)


def _row_end_fcs(word: bytes, table: bytes, data: bytes, fc_plcf: int, lcb_plcf: int) -> set[int]:
    """File offsets just past the paragraph marks whose paragraph is a table row's end (TTP).

    A run of PAPX in the FKP covers ``[rgfc[i], rgfc[i+1])``; its last character is the paragraph
    mark, so a cell mark ending at ``rgfc[i+1]`` closes a row.
    """
    ends: set[int] = set()
    if lcb_plcf < 8:
        return ends
    count = (lcb_plcf - 4) // 8
    try:
        pages = struct.unpack_from(f"<{count}I", table, fc_plcf + (count + 1) * 4)
    except struct.error:
        return ends
    for pn in pages:
        page = word[(pn & 0x3FFFFF) * 512 : (pn & 0x3FFFFF) * 512 + 512]
        if len(page) == 512:
            ends.update(_fkp_row_ends(page, data))
    return ends


def _fkp_row_ends(page: bytes, data: bytes) -> set[int]:
    crun = page[511]
    fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
    ends = set()
    for i in range(crun):
        offset = page[(crun + 1) * 4 + i * 13] * 2
        if offset and _papx_is_row_end(page, offset, data):
            ends.add(fcs[i + 1])
    return ends


def _papx_is_row_end(page: bytes, offset: int, data: bytes) -> bool:
    """Whether a PapxInFkp sets TTP, following ``sprmPHugePapx`` into the Data stream for big ones."""
    cb = page[offset]
    if cb:
        start, size = offset + 1, 2 * cb - 1
    else:
        start, size = offset + 2, 2 * page[offset + 1]
    sprms = _sprms(page[start + 2 : start + size])  # after the 2-byte istd
    for sprm, operand in list(sprms):
        if sprm == _SPRM_HUGE_PAPX and len(operand) == 4:
            (at,) = struct.unpack("<I", operand)
            if at + 2 <= len(data):
                (length,) = struct.unpack_from("<H", data, at)
                sprms += _sprms(data[at + 2 : at + 2 + length])  # PrcData: size, then the grpprl
    return any(sprm in (_SPRM_TTP, _SPRM_INNER_TTP) and operand[:1] == b"\x01" for sprm, operand in sprms)


def _sprms(grpprl: bytes) -> list[tuple[int, bytes]]:
    """Split a grpprl into (sprm, operand) pairs; the operand size comes from the sprm's spra bits."""
    out, pos = [], 0
    while pos + 2 <= len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, pos)
        pos += 2
        size = _OPERAND_SIZES.get(sprm >> 13)
        if size is None:  # variable length
            if sprm == 0xD608 and pos + 2 <= len(grpprl):  # sprmTDefTable: 2-byte length
                size = struct.unpack_from("<H", grpprl, pos)[0] + 1
            elif pos < len(grpprl):
                size = grpprl[pos] + 1
            else:
                break
        out.append((sprm, grpprl[pos : pos + size]))
        pos += size
    return out


_OPERAND_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}


def summary_title(ole: olefile.OleFileIO) -> str | None:
    """The document title from the SummaryInformation stream, decoded with its code page."""
    try:
        meta = ole.get_metadata()
    except Exception:  # olefile raises assorted errors on damaged property sets
        return None
    raw = meta.title
    if not raw:
        return None
    if isinstance(raw, bytes):
        codepage = (meta.codepage or 936) & 0xFFFF  # stored as a signed 16-bit value: 65001 reads -535
        encoding = {1200: "utf-16-le", 65001: "utf-8"}.get(codepage, f"cp{codepage}")
        try:
            raw = raw.decode(encoding, "replace")
        except LookupError:
            raw = raw.decode("gb18030", "replace")
    return str(raw).strip("\x00 ").strip() or None


def read_doc(body: bytes) -> AttachmentText:
    """Word 97-2003 binary (``.doc``, WPS Office ``.wps``) through :func:`read_word`."""
    try:
        word = read_word(body)
    except WordError as error:
        raise AttachmentError(str(error)) from error
    return AttachmentText(
        kind="doc", text="\n".join(word.lines), grids=word.grids, title=choose_title(word.title, word.lines)
    )
