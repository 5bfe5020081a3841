from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import media.pipeline
from media.cli import app
from media.samples import make_sample_image

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_probe_prints_json(photo: Path) -> None:
    result = runner.invoke(app, ["probe", str(photo)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "image" and data["format"] == "jpeg"
    assert (data["width"], data["height"]) == (4000, 3000)
    assert data["codecs"] == ["jpeg"] and data["bytes"] == photo.stat().st_size
    assert len(data["sha256"]) == 64
    assert {"duration", "fps"} <= data.keys()


def test_probe_of_a_video(landscape_clip: Path) -> None:
    data = json.loads(runner.invoke(app, ["probe", str(landscape_clip)]).stdout)
    assert data["kind"] == "video" and data["codecs"] == ["h264", "aac"]
    assert data["duration"] == pytest.approx(3.5, abs=0.1) and data["fps"] == 30


def test_prepare_prints_the_output(tmp_path: Path) -> None:
    src = make_sample_image(tmp_path / "a.png", 900, 1600)
    out = tmp_path / "o.jpg"
    result = runner.invoke(
        app, ["prepare", str(src), "--kind", "feed", "--fit", "crop", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["width"], data["height"], data["bytes"]) == (1080, 1350, out.stat().st_size)
    assert data["path"] == str(out)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--kind", "igtv"], "unknown_kind"),
        (["--kind", "feed", "--fit", "stretch"], "bad_option"),
    ],
)
def test_bad_options_are_one_error_line(tmp_path: Path, args: list[str], code: str) -> None:
    src = make_sample_image(tmp_path / "a.jpg", 700, 700)
    result = runner.invoke(app, ["prepare", str(src), *args, "-o", str(tmp_path / "o.jpg")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {code}: ")
    assert result.stderr.count("\n") == 1


def test_unexpected_errors_are_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(media.pipeline, "prepare_image", boom)
    src = make_sample_image(tmp_path / "a.jpg", 700, 700)
    result = runner.invoke(app, ["prepare", str(src), "--kind", "feed", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr == "error: internal_error: RuntimeError: disk on fire second line\n"
    assert not (tmp_path / "o").exists()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "media.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_real_process_success_and_failure(tmp_path: Path) -> None:
    src = make_sample_image(tmp_path / "a.jpg", 1500, 1000)
    out = tmp_path / "story.jpg"
    done = cli("prepare", str(src), "--kind", "story", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["height"] == 1920
    assert out.exists()

    (tmp_path / "fake.jpg").write_text("hello")
    bad = cli("prepare", str(tmp_path / "fake.jpg"), "--kind", "feed", "-o", str(tmp_path / "x"))
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.startswith("error: unsupported_format: ")
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    assert not (tmp_path / "x").exists()
