"""Sanity checks on an OLE2 compound file (``.doc``, ``.wps``, ``.xls``) before olefile or xlrd read it.

olefile follows the header's counts and the sector chains it is given: a DIFAT chain that loops, or a
count of FAT sectors far beyond the file, keeps it reading (and growing its FAT) for ever, and a stream
whose declared size is huge over a looping FAT chain makes it read gigabytes out of a small file. These
checks refuse such files first, from the header alone: every count must fit in the file, the DIFAT
chain must end without visiting a sector twice. :func:`check_stream_sizes` then refuses, on an opened
file, a stream larger than the file itself (no real stream is). Nothing here imports Scrapy.
"""

from __future__ import annotations

import struct

import olefile

from crawler.extract.files.attachment import AttachmentError

_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF
# Spare FAT sectors a writer may leave beyond those that map the file.
_SPARE_FAT_SECTORS = 8


def check_ole_header(body: bytes) -> None:
    """:class:`AttachmentError` for an OLE2 header whose counts or DIFAT chain cannot be a real file's."""
    if len(body) < 512 or not body.startswith(_MAGIC):
        raise AttachmentError("corrupt or truncated OLE2 file: no header")
    (shift,) = struct.unpack_from("<H", body, 0x1E)
    if shift not in (9, 12):
        raise AttachmentError(f"corrupt OLE2 file: sector size 2^{shift}")
    size = 1 << shift
    sectors = max(0, (len(body) - size + size - 1) // size)
    fat_sectors, first_dir = struct.unpack_from("<II", body, 0x2C)
    first_difat, difat_sectors = struct.unpack_from("<II", body, 0x44)
    needed = (sectors + size // 4 - 1) // (size // 4)
    if fat_sectors > needed + _SPARE_FAT_SECTORS or fat_sectors > sectors:
        raise AttachmentError(f"corrupt OLE2 file: {fat_sectors} FAT sectors in a file of {sectors}")
    if difat_sectors > sectors or first_dir >= sectors:
        raise AttachmentError("corrupt OLE2 file: header counts beyond the end of the file")
    seen: set[int] = set()
    sector = first_difat
    while sector not in (_ENDOFCHAIN, _FREESECT) and len(seen) < difat_sectors:
        if sector >= sectors:
            raise AttachmentError("corrupt OLE2 file: DIFAT sector beyond the end of the file")
        if sector in seen:
            raise AttachmentError("corrupt OLE2 file: the DIFAT chain loops")
        seen.add(sector)
        try:
            (sector,) = struct.unpack_from("<I", body, size + sector * size + size - 4)
        except struct.error as error:
            raise AttachmentError("corrupt OLE2 file: truncated DIFAT sector") from error
    if sector not in (_ENDOFCHAIN, _FREESECT) and difat_sectors:
        raise AttachmentError("corrupt OLE2 file: the DIFAT chain is longer than its count")


def check_stream_sizes(ole: olefile.OleFileIO, size: int) -> None:
    """:class:`AttachmentError` when a stream claims more bytes than the whole file has (``size``): a
    looping FAT chain would otherwise be read round and round up to that claim."""
    for entry in ole.listdir(streams=True, storages=False):
        if ole.get_size("/".join(entry)) > size:
            raise AttachmentError(f"corrupt OLE2 file: stream {'/'.join(entry)!r} larger than the file")
