"""`posture-history`: a thing's claims in order, who recorded each and what changed."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
import subprocess

from store import open_store
from store.seed import seed
from tests.conftest import DATA_DIR, ROOT


def _run(store_path, *args: str) -> subprocess.CompletedProcess:
    cli = shutil.which("posture-history") or str(ROOT / ".venv" / "bin" / "posture-history")
    return subprocess.run([cli, *args], capture_output=True, text=True, check=False,
                          env={**os.environ, "POSTURE_STORE": str(store_path)})


def test_the_history_lists_each_claim_its_changes_and_the_retraction(tmp_path):
    path = tmp_path / "claims.gpkg"
    store = open_store(str(path))
    seed(store)
    raw = copy.deepcopy(next(f for f in json.loads((DATA_DIR / "features.json").read_text(
        encoding="utf-8"))["features"] if f["id"] == "us-troops-iraq"))
    raw["count"]["value"] = 2600
    raw["reported_on"] = "2025-01-10"
    store.record([raw], "analyst-a")
    store.retract("us-troops-iraq", "the source withdrew it", "analyst-b",
                  reported_on=dt.date(2025, 3, 1))
    store.close()
    result = _run(path, "us-troops-iraq")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "us-troops-iraq: 2 claims, 1 retraction"
    assert "recorded by seed, reported 2024-01-25" in lines[1]
    assert lines[2] == "    source: the report, via AFP [F1]"  # FACTS F1
    assert "recorded by analyst-a, reported 2025-01-10, supersedes" in lines[3]
    # What changed, in words, by each field's label (FACTS F1: about 2,500).
    assert "    Count: about 2,500 → about 2,600" in lines
    assert "    Reported on: 2024-01-25 (inferred) → 2025-01-10 (inferred)" in lines
    assert lines[-1].endswith("retracted by analyst-b, reported 2025-03-01: "
                              "the source withdrew it")


def test_an_unknown_or_malformed_id_is_named(tmp_path):
    path = tmp_path / "claims.gpkg"
    unknown = _run(path, "no-such-thing")
    assert unknown.returncode == 2
    assert "no claim about 'no-such-thing'" in unknown.stderr
    malformed = _run(path, "<script>")
    assert malformed.returncode == 2
    assert "feature_id" in malformed.stderr
    assert "Traceback" not in unknown.stderr + malformed.stderr
