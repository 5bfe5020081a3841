"""Every benchmark `make bench` runs works on a fresh clone: each runs here with tiny
parameters and must print its JSON report (bench/media.py once died after its video runs
importing ffmpeg-python, which is not a dependency)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = {
    "bench/flows.py": ["--runs", "1"],
    "bench/media.py": [
        "--seconds",
        "3",
        "--repeats",
        "1",
        "--images",
        "1",
        "--clips",
        "720p",
        "--image-size",
        "800x800",
    ],
    "bench/farm.py": ["--phones", "1", "--jobs", "2", "--speed", "20"],
}


def test_make_bench_runs_exactly_these() -> None:
    makefile = (ROOT / "Makefile").read_text()
    block = makefile.split("\nbench:", 1)[1].split("\n\n", 1)[0]
    assert sorted(re.findall(r"(bench/\w+\.py)", block)) == sorted(TINY)


@pytest.mark.parametrize("script", sorted(TINY))
def test_benchmark_runs_and_prints_json(script: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / script), *TINY[script]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert report
