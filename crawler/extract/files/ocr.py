"""OCR of scanned pages (图片版 PDFs, JPG/PNG pages of a report): page image → positioned lines of text
with the engine's confidence, for the readers to lay out as they lay out a PDF's glyphs.

The engine is **RapidOCR** (``rapidocr-onnxruntime``: PaddleOCR's PP-OCRv4 Chinese detection and
recognition models, shipped inside the wheel and run on the CPU by onnxruntime sessions of our own,
nothing downloaded at run time): text found on a reduced copy of the page, each piece read from the
full page. ``bench/ocr.py`` compared it with Tesseract 5 (Debian ``tesseract-ocr-chi-sim``, through
``pytesseract``), which stays selectable by name (:data:`ENGINES`) for comparison; README "OCR" gives
the numbers. PDF pages are rendered with **pypdfium2**; a page is straightened first (its skew found
by the projection profile of its dark pixels), and table cells that read as numbers have the letters
OCR confuses with digits repaired (:func:`crawler.extract.tables.layout.repair_number`).

Modes (``GOVREPORTS_OCR``, ``crawl --ocr``, ``reextract --ocr``): ``never``; ``auto`` reads the pages
without a text layer of a scanned PDF, and image pages, when an engine is installed (else they stay
flagged ``scanned`` with no text); ``always`` reads every page without a text layer, of any PDF, and
an engine missing is an error. At most :data:`MAX_OCR_PAGES` pages of a file are read. Everything
runs in the extraction worker that called it; engines load once per process.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from crawler.extract.files.attachment import AttachmentError, one_line
from crawler.extract.pool import extend_deadline
from crawler.extract.tables.layout import repair_number

if TYPE_CHECKING:
    from PIL import Image

Mode = Literal["never", "auto", "always"]
MODES: tuple[Mode, ...] = ("never", "auto", "always")
ENGINES = ("rapidocr", "tesseract")
DEFAULT_ENGINE = "rapidocr"
MAX_OCR_PAGES = 60
# The memory budget (MB of address space past a worker's start) an extraction worker gets at least when
# scans may be read by OCR: the ONNX runtime maps ~1.5 GB to read one page, far past the 512 MB a
# worker reading text needs; with less, every scan would fail as if the engine were missing.
OCR_MAX_MB = 2048
# Pages are rendered at this resolution for each engine (RapidOCR reads 8-pt table text well at 150
# dpi and its detector's cost grows with the pixels; Tesseract wants 300).
RENDER_DPI = {"rapidocr": 150, "tesseract": 300}
MAX_SKEW_DEGREES = 3.0
# RapidOCR's PP-OCRv4 models (inside its wheel), run by our own onnxruntime sessions.
DETECT_MODEL = "ch_PP-OCRv4_det_infer.onnx"
RECOGNISE_MODEL = "ch_PP-OCRv4_rec_infer.onnx"
# Text is found on a copy of the page at most this many pixels long (an A4 page at ~130 dpi): the
# detector's cost grows with the pixels, and below ~1300 it starts to miss lone thin digits (a "1").
DETECT_LONG_SIDE = 1536
DETECT_BOX_THRESHOLD = 0.3
TEXT_THRESHOLD = 0.3
# Each piece is read from the full-resolution page, scaled to the recogniser's height and to this share
# of its width (the cost is the width: characters narrowed by a third still read as well), padded to
# at least the minimum width, in batches of at most so many columns (the memory the arena keeps).
RECOGNISE_HEIGHT = 48
RECOGNISE_WIDTH_SCALE = 0.65
RECOGNISE_MIN_WIDTH = 64
RECOGNISE_BATCH_COLUMNS = 2560
# Image attachments larger than this many pixels are refused (a decompression bomb).
MAX_PIXELS = 60_000_000


class OcrUnavailable(AttachmentError):
    """The OCR engine (or its libraries) is not installed."""


@dataclass(frozen=True)
class OcrLine:
    """A run of recognised text with its box, ``y`` growing upwards (as in a PDF), in image pixels."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    confidence: float


@dataclass
class OcrPage:
    """One page read by OCR: its lines, the mean confidence (per character) and what it cost."""

    lines: list[OcrLine]
    confidence: float
    seconds: float
    engine: str
    skew: float = 0.0
    size: tuple[int, int] = (0, 0)


@dataclass
class OcrResult:
    """The pages of a file read by OCR, by page index."""

    engine: str
    pages: dict[int, OcrPage] = field(default_factory=dict)

    @property
    def confidence(self) -> float | None:
        values = [page.confidence for page in self.pages.values()]
        return round(statistics.fmean(values), 4) if values else None


class Engine(Protocol):
    name: str

    def boxes(self, image: Image.Image) -> list[tuple[str, float, float, float, float, float]]:
        """``(text, left, top, right, bottom, confidence)`` of each piece of text, image pixels."""
        ...


class _Rapid:
    """PP-OCRv4 detection and recognition in onnxruntime sessions of our own (RapidOCR's pipeline turns
    the memory arena off, and each new crop width then cost seconds of page faults)."""

    name = "rapidocr"

    def __init__(self) -> None:
        try:
            import onnxruntime
            import rapidocr_onnxruntime
            from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess
            from rapidocr_onnxruntime.ch_ppocr_rec.utils import CTCLabelDecode
        except ImportError as error:
            raise OcrUnavailable("OCR engine rapidocr-onnxruntime is not installed") from error
        models = Path(rapidocr_onnxruntime.__file__).parent / "models"
        options = onnxruntime.SessionOptions()
        # One thread: the extraction pool gives the parallelism.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = True
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 4
        cpu = ["CPUExecutionProvider"]
        self._detector = onnxruntime.InferenceSession(str(models / DETECT_MODEL), options, providers=cpu)
        self._recogniser = onnxruntime.InferenceSession(str(models / RECOGNISE_MODEL), options, providers=cpu)
        characters = self._recogniser.get_modelmeta().custom_metadata_map["character"].splitlines()
        self._decode = CTCLabelDecode(character=characters)
        self._postprocess = DBPostProcess(
            thresh=0.3,
            box_thresh=DETECT_BOX_THRESHOLD,
            max_candidates=1000,
            unclip_ratio=1.6,
            use_dilation=True,
        )

    def boxes(self, image: Image.Image) -> list[tuple[str, float, float, float, float, float]]:
        import numpy

        page = numpy.asarray(image.convert("L"))
        found = [(box, page[box[1] : box[3], box[0] : box[2]]) for box in self._detect(image)]
        if not found:
            return []
        # A piece taller than wide and than two lines is vertical text (a column of characters): turned.
        line = sorted(crop.shape[0] for _, crop in found)[len(found) // 2]
        crops = [
            numpy.rot90(crop) if crop.shape[0] >= max(1.5 * crop.shape[1], 2 * line) else crop
            for _, crop in found
        ]
        return [
            (text, left, top, right, bottom, score)
            for ((left, top, right, bottom), _), (text, score) in zip(
                found, self._recognise(crops), strict=True
            )
            if score >= TEXT_THRESHOLD
        ]

    def _detect(self, image: Image.Image) -> list[tuple[int, int, int, int]]:
        """The boxes of text (left, top, right, bottom; the image's pixels) the detector finds on a copy
        at most :data:`DETECT_LONG_SIDE` pixels long, its sides multiples of 32."""
        import numpy
        from PIL import Image

        scale = min(1.0, DETECT_LONG_SIDE / max(image.width, image.height))
        size = (max(32, round(image.width * scale / 32) * 32), max(32, round(image.height * scale / 32) * 32))
        small = numpy.asarray(image.convert("L").resize(size, Image.Resampling.BILINEAR), dtype=numpy.float32)
        plane = small / 127.5 - 1.0
        batch = numpy.ascontiguousarray(numpy.broadcast_to(plane, (1, 3, *plane.shape)))
        prediction = self._detector.run(None, {"x": batch})[0]
        quads, _ = self._postprocess(prediction, (image.height, image.width))
        out = []
        for quad in quads:
            left, top = max(0, int(quad[:, 0].min())), max(0, int(quad[:, 1].min()))
            right, bottom = min(image.width, int(quad[:, 0].max())), min(image.height, int(quad[:, 1].max()))
            if right - left > 3 and bottom - top > 3:
                out.append((left, top, right, bottom))
        return out

    def _recognise(self, crops: Sequence[Any]) -> list[tuple[str, float]]:
        """Each crop's text and score: crops scaled to the recogniser's height (and
        :data:`RECOGNISE_WIDTH_SCALE` of their width), read in batches of similar widths, each padded
        to its widest."""
        import cv2
        import numpy

        widths = [
            max(1, round(crop.shape[1] * RECOGNISE_HEIGHT / crop.shape[0] * RECOGNISE_WIDTH_SCALE))
            for crop in crops
        ]
        order = sorted(range(len(crops)), key=lambda i: widths[i])
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        start = 0
        while start < len(order):
            end = start + 1
            while (
                end < len(order)
                and (end + 1 - start) * max(RECOGNISE_MIN_WIDTH, widths[order[end]])
                <= RECOGNISE_BATCH_COLUMNS
            ):
                end += 1
            members = order[start:end]
            batch = numpy.zeros(
                (len(members), 3, RECOGNISE_HEIGHT, max(RECOGNISE_MIN_WIDTH, widths[members[-1]])),
                dtype=numpy.float32,
            )
            for slot, index in enumerate(members):
                scaled = cv2.resize(
                    crops[index], (widths[index], RECOGNISE_HEIGHT), interpolation=cv2.INTER_LINEAR
                )
                batch[slot, :, :, : widths[index]] = scaled / 127.5 - 1.0
            prediction = self._recogniser.run(None, {"x": batch})[0]
            for index, (text, score) in zip(members, self._decode(prediction), strict=True):
                out[index] = (str(text), float(score))
            start = end
        return out


class _Tesseract:
    name = "tesseract"

    def __init__(self) -> None:
        try:
            import pytesseract

            pytesseract.get_tesseract_version()
            if "chi_sim" not in pytesseract.get_languages():
                raise OcrUnavailable("Tesseract has no chi_sim data (apt-get install tesseract-ocr-chi-sim)")
        except (ImportError, OSError, RuntimeError) as error:
            raise OcrUnavailable(f"Tesseract is not installed: {one_line(error)}") from error
        self._tesseract = pytesseract

    def boxes(self, image: Image.Image) -> list[tuple[str, float, float, float, float, float]]:
        data = self._tesseract.image_to_data(image, lang="chi_sim", output_type=self._tesseract.Output.DICT)
        lines: dict[tuple[int, int, int], list[list[Any]]] = {}
        for i, text in enumerate(data["text"]):
            if text.strip() and float(data["conf"][i]) >= 0:
                left, top = float(data["left"][i]), float(data["top"][i])
                right, bottom = left + float(data["width"][i]), top + float(data["height"][i])
                key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
                lines.setdefault(key, []).append(
                    [text.strip(), left, top, right, bottom, float(data["conf"][i])]
                )
        # Tesseract gives CJK text word by word, spaced as the line is justified: words of one of its
        # lines closer than an em are one piece (cells of a table row stay apart).
        out = []
        for words in lines.values():
            words.sort(key=lambda word: word[1])
            em = statistics.median(word[4] - word[2] for word in words)
            pieces = [words[0] + [1]]
            for word in words[1:]:
                piece = pieces[-1]
                if word[1] - piece[3] < em:
                    piece[0] += word[0]
                    piece[2], piece[3], piece[4] = min(piece[2], word[2]), word[3], max(piece[4], word[4])
                    piece[5] += word[5]
                    piece[6] += 1
                else:
                    pieces.append([*word, 1])
            out += [(t, x0, y0, x1, y1, conf / count / 100) for t, x0, y0, x1, y1, conf, count in pieces]
        return out


def engine(name: str | None = None) -> Engine:
    """The engine by name (:data:`DEFAULT_ENGINE` when none), loaded once per process;
    :class:`OcrUnavailable` when not installed."""
    return _engine(name or DEFAULT_ENGINE)


@cache
def _engine(name: str) -> Engine:
    if name == "rapidocr":
        return _Rapid()
    if name == "tesseract":
        return _Tesseract()
    raise ValueError(f"unknown OCR engine {name!r} (one of {', '.join(ENGINES)})")


def available(name: str | None = None) -> bool:
    try:
        engine(name)
    except OcrUnavailable:
        return False
    return True


def read_page(image: Image.Image, name: str | None = None) -> OcrPage:
    """One page image read: straightened, recognised, its number-like pieces repaired. In an extraction
    worker each page gets a time window of its own (a scan of many pages is read, one page stuck is
    not waited for)."""
    extend_deadline()
    started = time.perf_counter()
    reader = engine(name)
    gray = image.convert("L")
    angle = skew_angle(gray)
    if angle:
        from PIL import Image

        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    height = gray.height
    lines = [
        OcrLine(repair_number(text), left, right, height - bottom, height - top, confidence)
        for text, left, top, right, bottom, confidence in reader.boxes(gray)
        if text.strip() and bottom > top
    ]
    weights = [len(line.text) for line in lines]
    confidence = (
        sum(line.confidence * weight for line, weight in zip(lines, weights, strict=True)) / sum(weights)
        if lines
        else 0.0
    )
    return OcrPage(
        lines,
        round(confidence, 4),
        time.perf_counter() - started,
        reader.name,
        angle,
        (gray.width, gray.height),
    )


def skew_angle(image: Image.Image) -> float:
    """The rotation (degrees, counter-clockwise) that makes the page's lines level: the angle whose
    rows of dark pixels are the most uneven (text lines and table rules line up), on a small copy."""
    import numpy
    from PIL import Image

    scale = max(1, image.width // 400)
    small = image.resize((image.width // scale, image.height // scale), Image.Resampling.BOX)

    def score(angle: float) -> float:
        turned = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        rows = (numpy.asarray(turned) < 160).sum(axis=1).astype(float)
        return float(numpy.square(numpy.diff(rows)).sum())

    coarse = [step / 4 for step in range(round(-MAX_SKEW_DEGREES * 4), round(MAX_SKEW_DEGREES * 4) + 1)]
    best = max(coarse, key=score)
    fine = max((best + step / 20 for step in range(-5, 6)), key=score)
    return round(fine, 2) if abs(fine) >= 0.1 else 0.0


def pdf_page_images(body: bytes, indexes: Sequence[int], dpi: int) -> Iterator[tuple[int, Image.Image]]:
    """The pages at ``indexes`` (0-based) rendered at ``dpi`` with pypdfium2, in grayscale."""
    try:
        import pypdfium2
    except ImportError as error:
        raise OcrUnavailable("pypdfium2 is not installed (needed to render scanned PDF pages)") from error
    try:
        document = pypdfium2.PdfDocument(body)
    except pypdfium2.PdfiumError as error:
        raise AttachmentError(f"PDF pdfium cannot open: {one_line(error)}") from error
    try:
        for index in indexes:
            if index >= len(document):
                break
            page = document[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            yield index, bitmap.to_pil()
    finally:
        document.close()


def read_pdf_pages(body: bytes, indexes: Sequence[int], name: str | None = None) -> OcrResult:
    """The given pages of a PDF read by OCR (at most :data:`MAX_OCR_PAGES`)."""
    reader = engine(name)
    result = OcrResult(reader.name)
    for index, image in pdf_page_images(body, list(indexes)[:MAX_OCR_PAGES], RENDER_DPI[reader.name]):
        result.pages[index] = read_page(image, reader.name)
    return result


def open_image(body: bytes) -> Image.Image:
    """An image file's first frame (JPEG, PNG, GIF, BMP, TIFF, WebP) in grayscale."""
    from PIL import Image, UnidentifiedImageError

    try:
        image: Any = Image.open(BytesIO(body))
        if image.width * image.height > MAX_PIXELS:
            raise AttachmentError(f"image larger than {MAX_PIXELS // 1_000_000} megapixels")
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise AttachmentError(f"unreadable image: {one_line(error)}") from error
    gray: Image.Image = image.convert("L")
    return gray
