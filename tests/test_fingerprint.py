"""Page and text identity: canonical URLs, content hashes, near-duplicate signatures."""

import numpy as np
import pytest

from crawler.corpus.dedupe import canonical_url
from crawler.extract.fingerprint import (
    NUM_PERM,
    comparable_text,
    content_hash,
    minhash_values,
    shingle_hashes,
    signature_bands,
    signature_similarity,
    text_signature,
    title_key,
)

REPORT = (
    "2019年，县政府办公室认真贯彻执行政府信息公开条例，全年主动公开政府信息1520条，"
    "其中规范性文件12件。收到政府信息公开申请37件，均在法定期限内答复。"
    "本年度未发生因政府信息公开引起的行政复议和行政诉讼。下一步将进一步规范依申请公开办理流程。"
)


def test_canonical_url_folds_spellings_of_one_page():
    assert canonical_url("HTTP://Www.A.gov.cn:80/x/index.html?utm_source=wx#top") == "http://www.a.gov.cn/x/"
    assert canonical_url("http://a.gov.cn/list.jsp?page=2&b=1") == "http://a.gov.cn/list.jsp?b=1&page=2"


def test_content_hash_ignores_white_space():
    assert content_hash("一、总体情况\n 二、") == content_hash("一、总体情况 二、")


def test_traditional_mirror_with_pinyin_is_the_same_text():
    mirror = "2019年，縣政府辦公室認真貫徹執行政府信息公開條例，全年主動公開政府信息1520條，" + REPORT[38:]
    mirror = mirror.replace("數", "數(shù)")
    assert comparable_text(mirror)[:20] == comparable_text(REPORT)[:20]
    assert signature_similarity(text_signature(mirror), text_signature(REPORT)) > 0.8


def test_different_reports_are_not_near_duplicates():
    other = REPORT.replace("1520", "980").replace("37件", "12件").replace("规范性文件12件", "规范性文件3件")
    other = "2020年，县政府办公室围绕优化营商环境推进公开，" + other[20:]
    assert signature_similarity(text_signature(other), text_signature(REPORT)) < 0.8


def test_near_duplicates_share_an_lsh_band():
    copy = REPORT + "（来源：县政府办）"
    assert set(signature_bands(text_signature(copy))) & set(signature_bands(text_signature(REPORT)))


def test_title_key_folds_versions():
    assert title_key("青岚县财政局2022年度政府信息公开工作年度报告（图片版）") == title_key(
        "青岚县财政局2022年度政府信息公开工作年度报告(超链版)"
    )
    assert title_key("青岚县2022年报") != title_key("青岚县2023年报")


@pytest.mark.parametrize("text", ["", "短", "本机关二〇二三年度收到政府信息公开申请", "依申请公开" * 400])
def test_minhash_values_equal_datasketch_affine32(text):
    """The vectorised permutations give exactly the values datasketch's own update_batch gives."""
    from datasketch import MinHash

    hashes = shingle_hashes(comparable_text(text))
    reference = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32", hashfunc=int)
    reference.update_batch([int(value) for value in hashes])
    assert minhash_values(hashes).tolist() == reference.hashvalues.tolist()


def test_a_long_text_spans_several_blocks_of_the_permutation_matrix():
    from datasketch import MinHash

    hashes = np.arange(1, 5000, dtype=np.uint64) * np.uint64(2654435761) % np.uint64(2**32)
    reference = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32", hashfunc=int)
    reference.update_batch(hashes.tolist())
    assert minhash_values(hashes).tolist() == reference.hashvalues.tolist()


@pytest.mark.parametrize(
    "text",
    [
        REPORT,
        " 第一行\n\n第二行\t｜\u3000全角空格\u00a0不换行\u200b零宽\ufeff字节序\u2002\u2003\u2009\r\n",
        "\x1c\x1d\x1e\x1f\x85\u2028\u2029\u202f\u205f\u1680 分隔符",
        "",
    ],
)
def test_content_hash_removes_what_the_space_rules_remove(text):
    """The hash of a text equals the hash of the text with every space rule of the extraction applied."""
    import hashlib
    import re

    from crawler.extract.textutil import normalise_space

    expected = hashlib.sha256(re.sub(r"\s+", "", normalise_space(text)).encode("utf-8")).hexdigest()
    assert content_hash(text) == expected
