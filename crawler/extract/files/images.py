"""Image files (JPG/PNG/… pages of a scanned report) → report text by OCR.

A report published as pictures — an article whose body is ``<img>`` pages, or a linked image — is
read as a scanned PDF's pages are: each image by :mod:`crawler.extract.files.ocr`, its pieces laid out
into paragraphs and ``|`` rows by :func:`crawler.extract.files.pdf.join_wrapped_lines` and its tables
rebuilt by :mod:`crawler.extract.tables.layout`. Without OCR (``never``, or no engine under ``auto``)
an image is a scan with no text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from crawler.extract.files import ocr, pdf
from crawler.extract.files.attachment import AttachmentText

if TYPE_CHECKING:
    from PIL import Image

IMAGE_MAGIC = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",  # TIFF
    b"MM\x00*",
)


def is_image(body: bytes) -> bool:
    return body.startswith(IMAGE_MAGIC) or (body[:4] == b"RIFF" and body[8:12] == b"WEBP")


def read_image(body: bytes, mode: str = "never") -> AttachmentText:
    """One image file as a one-page scanned report."""
    return read_images([body], mode)


def read_images(bodies: Sequence[bytes], mode: str = "never") -> AttachmentText:
    """Images that are the pages of one report, in order, read as one scanned document."""
    return read_pictures([ocr.open_image(body) for body in bodies], mode)


def read_pictures(images: Sequence[Image.Image], mode: str = "never") -> AttachmentText:
    """Page images already opened (:func:`crawler.extract.files.ocr.open_image`), in order, read as one
    scanned document."""
    scan = AttachmentText(kind="image", text="", pages=len(images), scanned=True)
    if mode == "never" or not images:
        return scan
    try:
        reader = ocr.engine()
    except ocr.OcrUnavailable:
        if mode == "always":
            raise
        return scan
    result = ocr.OcrResult(reader.name)
    for index, image in enumerate(images[: ocr.MAX_OCR_PAGES]):
        result.pages[index] = ocr.read_page(image, reader.name)
    pages = [pdf.ocr_lines(page) for _, page in sorted(result.pages.items())]
    return pdf.ocr_document(scan, result, pages)
