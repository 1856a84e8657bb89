"""The JSON contract of ``export`` and ``extract`` on the demo portal is what it was before the code moved
into three packages (tests/golden/contract/demo.json, taken with tests/contract_snapshot.py)."""

from __future__ import annotations

import json
from pathlib import Path

from contract_snapshot import snapshot

GOLDEN = Path(__file__).parent / "golden" / "contract" / "demo.json"


def test_export_and_extract_print_the_records_they_printed_before_the_move():
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(snapshot(), ensure_ascii=False))
    assert [record["url"] for record in got["export"]] == [record["url"] for record in expected["export"]]
    for record, want in zip(got["export"], expected["export"], strict=True):
        assert record == want, record["url"]
    assert got["extract"].keys() == expected["extract"].keys()
    for path, want in expected["extract"].items():
        assert got["extract"][path] == want, path
