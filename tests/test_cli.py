"""The command line: JSON output with spans, and one-line typed errors (exit 2) that do not stop the run."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kehoach.pipeline.cli import app

from conftest import seed

runner = CliRunner()


def test_parse_json_has_sections_with_spans() -> None:
    result = runner.invoke(app, ["parse", "--json", str(seed("004"))])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    text = payload["document"]["text"]
    sections = payload["structure"]["sections"]
    assert [s["marker"] for s in sections] == ["I", "II", "III", "IV", "V"]
    heading = sections[1]["heading"]
    assert text[heading["start"]:heading["end"]] == "II. MỤC TIÊU"


def test_bad_file_gets_one_line_error_and_others_still_run(tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(app, ["parse", "--json", str(empty), str(junk), str(seed("000"))])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert errors == [
        f"error[empty]: {empty}: file is empty",
        f"error[unsupported_format]: {junk}: binary data of an unknown format (not PDF, DOCX, DOC, HTML or text)",
    ]
    assert "Traceback" not in result.output
    assert json.loads(result.stdout)["structure"]["sections"][0]["marker"] == "I"


def test_extract_out_writes_one_file_per_input(tmp_path) -> None:
    out = tmp_path / "plans"
    result = runner.invoke(app, ["extract", "--out", str(out), str(seed("000")), str(seed("004"))])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [seed("000").stem + ".json", seed("004").stem + ".json"]
    plan = json.loads((out / names[1]).read_text(encoding="utf-8"))
    assert plan["source"].endswith("004_10eda197f87e4d1b.txt")
