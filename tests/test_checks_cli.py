"""``kehoach check``: findings with quoted evidence, JSON with --json, one-line errors for unreadable files."""

from __future__ import annotations

import json

from rich.console import Console
from typer.testing import CliRunner

import kehoach
from kehoach.pipeline.cli import app
from kehoach.pipeline.commands_check import print_findings

from conftest import seed

runner = CliRunner()


def test_check_json_lists_findings_with_evidence() -> None:
    result = runner.invoke(app, ["check", "--json", str(seed("004"))])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["source"].endswith("004_10eda197f87e4d1b.txt")
    by_code = {f["code"]: f for f in payload["findings"]}
    assert {"sum_mismatch", "malformed_symbol", "citation_date_conflict", "deadline_conflict"} <= set(by_code)
    total = by_code["sum_mismatch"]["evidence"][0]
    assert total["text"].endswith("7.449") and total["line"] >= 1


def test_check_bad_file_gets_one_line_error(tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["check", "--json", str(empty), str(seed("001"))])
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.strip()] == [f"error[empty]: {empty}: file is empty"]
    assert {f["code"] for f in json.loads(result.stdout)["findings"]} == {"draft_blank_number", "draft_blank_date",
                                                                          "term_typo"}


def test_terminal_listing_groups_by_severity() -> None:
    plan = kehoach.extract(seed("001"))
    console = Console(record=True, width=200)
    print_findings("001.txt", plan.findings, console)
    out = console.export_text()
    assert out.index("warning (2)") < out.index("info (1)")
    assert "“Tiêu dự án”" in out and "line 159" in out
