"""OCR engines on the demo's scans: character error rate, statistics cells read right, seconds a page.

The test set is drawn here, not stored: demo reports with statistics tables (:mod:`crawler.demo.scans`
renders their words and tables as a scanner would, skewed and speckled) at 150 and 300 dpi, each an
image-only PDF, read by ``crawler.extract.files.pdf.read_pdf(body, ocr="always")`` in a pool of two
worker processes (the crawl's extraction pool on two cores). Ground truth is the demo's own text and
numbers:

* ``cer``: edit distance between the report's prose (title, headings, paragraphs; spaces dropped) and
  the OCR'd text outside its tables, over the prose's length;
* ``cells_right``: share of the cells of tables 2–4 parsed from the true grids whose raw value the
  OCR'd record has in the same cell;
* ``s_per_page``: wall seconds per page with two workers (and, beside it, CPU seconds per page: the
  figure to trust on a machine shared with other work).

    python bench/ocr.py [--engines rapidocr,tesseract] [--dpi 150,300] [--reports smz2022,county2023,czj2022]

The last line is the chosen engine (crawler.extract.files.ocr.DEFAULT_ENGINE) on the 300 dpi scans:
``cer=X cells_right=X s_per_page=X``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from crawler.demo import attachments, scans
from crawler.extract.files import ocr
from crawler.extract.files.pdf import read_pdf
from crawler.extract.page import attachment_record
from crawler.extract.tables.statistics import parse_statistics


def spec_of(key: str) -> attachments.DocumentSpec:
    if key == "county2023":
        return attachments.county_2023_spec()
    if key == "czj2022":
        return attachments.CZJ_2022
    return attachments.SPECS[key]


def scan_of(key: str, dpi: int) -> bytes:
    spec = spec_of(key)
    pages = scans.render_pages(spec.title, spec.parts, spec.tables, dpi, scans.Spoil(), seed=key)
    return scans.image_pdf(pages, dpi)


def prose(text: str) -> str:
    """The lines outside tables (not ``|`` rows), spaces dropped."""
    return "".join("".join(line for line in text.splitlines() if not line.startswith("|")).split())


def distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def cells(tables: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    out = {}
    for name in ("table2", "table3", "table4"):
        for row, columns in (tables.get(name) or {}).items():
            for column, cell in columns.items():
                out[(name, row, column)] = cell.get("raw")
    return out


def run_one(engine: str, key: str, dpi: int) -> dict[str, Any]:
    ocr.DEFAULT_ENGINE = engine
    spec = spec_of(key)
    body = scan_of(key, dpi)
    started, cpu = time.perf_counter(), time.process_time()
    document = read_pdf(body, ocr="always")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    record = attachment_record(document, f"http://demo/{key}.pdf", spec.title)
    truth_prose = "".join((spec.title + spec.text).split())
    truth = cells(parse_statistics(list(spec.tables.values()), spec.text).as_json()["tables"])
    got = cells(record.tables or {})
    return {
        "errors": distance(prose(document.text), truth_prose),
        "chars": len(truth_prose),
        "right": sum(1 for name, value in truth.items() if value is not None and got.get(name) == value),
        "cells": sum(1 for value in truth.values() if value is not None),
        "pages": document.pages or 0,
        "seconds": seconds,
        "cpu": cpu,
        "checks": [c["status"] for c in record.checks],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default=",".join(ocr.ENGINES))
    parser.add_argument("--dpi", default="150,300")
    parser.add_argument("--reports", default="smz2022,czj2022,county2023")
    args = parser.parse_args()
    engines = [name for name in args.engines.split(",") if ocr.available(name)]
    dpis = [int(value) for value in args.dpi.split(",")]
    keys = args.reports.split(",")
    summary: dict[tuple[str, int], tuple[float, float, float]] = {}
    print(f"{'engine':<10} {'dpi':>4} {'cer':>7} {'cells_right':>11} {'s_per_page':>10}  checks")
    context = multiprocessing.get_context("fork")
    for engine in engines:
        for dpi in dpis:
            started = time.perf_counter()
            with ProcessPoolExecutor(2, mp_context=context) as pool:
                results = list(pool.map(run_one, [engine] * len(keys), keys, [dpi] * len(keys)))
            wall = time.perf_counter() - started
            cer = sum(r["errors"] for r in results) / sum(r["chars"] for r in results)
            right = sum(r["right"] for r in results) / sum(r["cells"] for r in results)
            per_page = wall / sum(r["pages"] for r in results)
            cpu = sum(r["cpu"] for r in results) / sum(r["pages"] for r in results)
            fails = sum(status == "fail" for r in results for status in r["checks"])
            summary[(engine, dpi)] = (cer, right, per_page)
            print(
                f"{engine:<10} {dpi:>4} {cer:>7.4f} {right:>11.4f} {per_page:>10.2f}  "
                f"({cpu:.2f} CPU s a page; {fails} checks failing)"
            )
    chosen = summary.get((ocr.DEFAULT_ENGINE, 300))
    if chosen is None:
        print(f"{ocr.DEFAULT_ENGINE} at 300 dpi not measured")
        return 1
    print(f"cer={chosen[0]:.4f} cells_right={chosen[1]:.4f} s_per_page={chosen[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
