"""The analyst notebook runs end to end in a fresh folder (jupytext → nbclient, the venv's python3 kernel) and
builds its tables from the real corpus: plans per level, targets, projects by programme, findings by code,
the plans citing 90/QĐ-TTg and the documents cited but not in the database.
"""

from __future__ import annotations

import json

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "plans_overview.py"

# Run after the notebook in the same kernel: its tables as JSON for the assertions below.
PROBE = """
import json
print(json.dumps({
    "levels": dict(zip(levels["level"], levels["plans"].astype(int))),
    "targets": targets[["plan", "indicator", "value", "unit"]].astype(str).values.tolist(),
    "programmes": projects_by_programme["projects"].astype(int).to_dict(),
    "findings": dict(zip(findings["code"], findings["findings"].astype(int))),
    "cites_90": cites_90[["issuer", "plan", "date"]].astype(str).values.tolist(),
    "unresolved": unresolved["cited_number"].dropna().tolist(),
    "database": str(store.url),
}, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> tuple[nbformat.NotebookNode, dict]:
    workdir = tmp_path_factory.mktemp("notebook")
    nb = jupytext.read(NOTEBOOK)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    mp = pytest.MonkeyPatch()
    mp.delenv("KEHOACH_DB", raising=False)  # no database given: the notebook ingests the corpus itself
    mp.setenv("KEHOACH_CORPUS", str(ROOT / "corpus"))
    try:
        NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(workdir)}}).execute()
    finally:
        mp.undo()
    probe = json.loads("".join(o["text"] for o in nb.cells[-1].outputs if o.get("name") == "stdout"))
    return nb, probe


def test_notebook_is_percent_format_and_runs_clean(executed) -> None:
    nb, probe = executed
    assert NOTEBOOK.read_text(encoding="utf-8").count("# %%") >= 10
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert errors == []
    assert "kehoach-notebook-" in probe["database"]  # a temporary SQLite file, not the working folder
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "plans cite 90/QĐ-TTg" in printed and "documents cited and not in the database" in printed


def test_tables_hold_the_corpus(executed) -> None:
    _, probe = executed
    levels = probe["levels"]
    assert set(levels) == {"tinh", "huyen", "xa"} and levels["tinh"] >= 4 and levels["xa"] >= 10
    # Seed 004: Kế hoạch 3456/KH-UBND of UBND tỉnh Gia Lai, with its targets.
    assert any(plan == "3456/KH-UBND" for plan, *_ in probe["targets"])
    assert {"giam_ngheo_2021_2025", "dtts_mien_nui_2021_2030"} <= set(probe["programmes"])
    assert probe["findings"].get("draft_blank_number", 0) >= 3  # seed 000, syn13, syn16 are drafts
    issuers = {issuer for issuer, _, _ in probe["cites_90"]}
    assert {"UBND tỉnh Gia Lai", "UBND tỉnh Kon Tum", "UBND huyện Hướng Hóa"} <= issuers
    # syn14 (huyện Hướng Hóa) cites it with the wrong year, 18/01/2021: the table shows the date it gives.
    assert ["UBND huyện Hướng Hóa", "97/KH-UBND", "2021-01-18"] in probe["cites_90"]
    # National decrees are cited, never ingested: they are the unresolved references.
    assert "07/2021/NĐ-CP" in probe["unresolved"]
