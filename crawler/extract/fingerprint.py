"""Identity of texts: content hashes and MinHash signatures of near duplicates."""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any


def content_hash(text: str) -> str:
    """SHA-256 of the text with all white space (and the zero-width spaces ``normalise_space`` counts as
    space) removed, so re-wrapped copies hash alike. ``str.split`` drops exactly what ``\\s`` matches."""
    compact = "".join(text.replace("\u200b", "").replace("\ufeff", "").split())
    return hashlib.sha256(compact.encode("utf-8")).hexdigest()


# --- Near duplicates (MinHash/LSH with datasketch) ------------------------------------------------
# Character 5-grams of the comparable text; 128 permutations in 16 bands of 8 rows: pairs above ~0.7
# Jaccard share a band (the LSH candidate test), then the signatures decide (NEAR_DUPLICATE).
SHINGLE_SIZE = 5
NUM_PERM = 128
LSH_BANDS = 16
NEAR_DUPLICATE = 0.8
_NOT_CONTENT = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")
_PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü]+\)")
_VARIANT_SUFFIX = re.compile(r"[（(](图片版|超链版|文字版|PDF版|pdf版|word版|WORD版|全文|附件)[）)]")


def comparable_text(text: str) -> str:
    """The text as copies of one report share it: simplified script, ASCII digits, no pinyin glosses
    (mirror pages insert them), no spaces, punctuation or Latin case differences."""
    from crawler.extract.normalise import normalise_text

    return _NOT_CONTENT.sub("", normalise_text(_PINYIN_GLOSS.sub("", text)).lower())


def text_signature(text: str) -> bytes:
    """The MinHash signature of a text's character shingles, as bytes to store (128 little-endian u64)."""
    return bytes(minhash_values(shingle_hashes(comparable_text(text))).astype("<u8").tobytes())


def minhash_values(hashes: Any) -> Any:
    """The ``NUM_PERM`` MinHash values of 32-bit shingle hashes: what datasketch's ``MinHash(num_perm=
    NUM_PERM, seed=1, scheme="affine32").update_batch(hashes)`` computes (a test holds the two equal),
    done in numpy from its permutations, without the per-value Python call and list update_batch makes
    (a third of a signature's time). The hashes are pre-mixed with the MurmurHash3 finalizer, as the
    affine32 scheme does, then each permutation is ``a * h + b`` wrapping in uint32; blocks of rows keep
    the product matrix in cache."""
    import numpy as np

    first, second = _affine_permutations()
    mixed = np.asarray(hashes, dtype=np.uint32).reshape(-1, 1)
    for shift, multiplier in _FMIX32:
        mixed = mixed ^ (mixed >> np.uint32(shift))
        if multiplier:
            mixed = mixed * np.uint32(multiplier)
    values = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    block = np.empty((min(_MINHASH_BLOCK, len(mixed)), NUM_PERM), dtype=np.uint32)
    for start in range(0, len(mixed), _MINHASH_BLOCK):
        rows = mixed[start : start + _MINHASH_BLOCK]
        products = block[: len(rows)]
        np.multiply(rows, first, out=products)
        np.add(products, second, out=products)
        np.minimum(values, products.min(axis=0), out=values)
    return values


# MurmurHash3's 32-bit finalizer as (shift, multiplier) steps: h ^= h >> 16; h *= 0x85EBCA6B; ...
_FMIX32 = ((16, 0x85EBCA6B), (13, 0xC2B2AE35), (16, 0))
_MINHASH_BLOCK = 1024


@functools.cache
def _affine_permutations() -> tuple[Any, Any]:
    """datasketch's affine32 permutations for seed 1 (odd multipliers ``a``, offsets ``b``), made once."""
    from datasketch import MinHash

    first, second = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations
    return first.reshape(1, -1), second.reshape(1, -1)


def shingle_hashes(compact: str) -> Any:
    """The distinct 32-bit hashes of ``compact``'s character ``SHINGLE_SIZE``-grams, computed for all
    shingles at once with numpy: a polynomial over the code points (wrapping mod 2^64), folded to 32
    bits. A text shorter than a shingle is one shingle. (Hashing each shingle in Python with SHA-1 took
    ~20 ms of a report's ~60 ms extraction; datasketch mixes the values before its permutations.)"""
    import numpy as np

    codes = np.frombuffer(compact.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    count = max(1, len(codes) - SHINGLE_SIZE + 1)
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(min(SHINGLE_SIZE, len(codes))):
        hashes = hashes * _SHINGLE_BASE + codes[offset : offset + count]
    folded = (hashes ^ (hashes >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return np.unique(folded)


_SHINGLE_BASE = 0x100000001B3  # the 64-bit FNV prime: odd, so the polynomial mixes every code point


def signature_bands(signature: bytes) -> list[str]:
    """LSH band keys: texts whose signatures share any band are near-duplicate candidates."""
    width = len(signature) // LSH_BANDS
    return [
        f"{band}:{hashlib.blake2b(signature[band * width : (band + 1) * width], digest_size=8).hexdigest()}"
        for band in range(LSH_BANDS)
    ]


def signature_similarity(first: bytes, second: bytes) -> float:
    """The Jaccard similarity two MinHash signatures estimate (share of equal hash values)."""
    size = 8
    count = min(len(first), len(second)) // size
    if not count:
        return 0.0
    same = sum(first[i * size : (i + 1) * size] == second[i * size : (i + 1) * size] for i in range(count))
    return same / count


def title_key(title: str | None) -> str:
    """One key for the versions of one report: 图片版/超链版/PDF版 suffixes and spacing removed."""
    return comparable_text(_VARIANT_SUFFIX.sub("", title or ""))
