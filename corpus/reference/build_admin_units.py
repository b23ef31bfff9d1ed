"""Rebuild corpus/reference/admin_units/*.csv.gz from the vietnamadminunits package (dev extra).

    pip install vietnamadminunits==1.0.4
    python corpus/reference/build_admin_units.py

Reads the package's SQLite dataset and writes compact, sorted CSV files without coordinates or bounds:

- units_legacy.csv.gz: one row per commune-level unit before the 2025 reform (63 provinces), with its
  district and province; districts without communes (island districts) have one row with empty ward columns.
- units_2025.csv.gz: one row per commune-level unit of the two-level system from 1 July 2025 (34 provinces).
- legacy_to_2025.csv.gz: which 2025 unit(s) each legacy commune became (``default`` marks the main one).

Names are cleaned: the unit type comes from the full name's prefix (the source's type column disagrees in a
few rows), disambiguating suffixes such as "(Thị trấn)" are dropped, types get one spelling ("Thị xã").
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sqlite3
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

OUT = Path(__file__).parent / "admin_units"
PACKAGE = "vietnamadminunits"
EXPECTED_VERSION = "1.0.4"

# Spelling of each unit type; longest first so "Thành phố" wins over "Thị" prefixes.
TYPES = ["Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã"]
_PARENS = re.compile(r"\s*\([^)]*\)\s*$")


def split_type(full_name: str, fallback: str | None) -> tuple[str, str]:
    """'Thị Xã Việt Yên' -> ('Thị xã', 'Việt Yên'); the name's own prefix beats the type column."""
    for t in TYPES:
        if full_name.lower().startswith(t.lower() + " "):
            return t, _PARENS.sub("", full_name[len(t) + 1:]).strip()
    return (fallback or ""), _PARENS.sub("", full_name).strip()


def write_gz(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime=0: the same data gives the same bytes, so rebuilds do not show up as changes
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def build() -> None:
    got = version(PACKAGE)
    if got != EXPECTED_VERSION:
        raise SystemExit(f"{PACKAGE} {got} installed; this build is pinned to {EXPECTED_VERSION}")
    data_dir = files(PACKAGE) / "data"
    db = sqlite3.connect(str(data_dir / "dataset.db"))
    OUT.mkdir(exist_ok=True)

    legacy = db.execute(
        "SELECT provinceCode, province, districtCode, district, districtType, wardCode, ward, wardType, "
        "provinceKey, districtKey, wardKey FROM admin_units_legacy"
    ).fetchall()
    rows, key_to_code = [], {}
    for pc, p, dc, d, dt, wc, w, wt, pk, dk, wk in legacy:
        ptype, pname = split_type(p, None)
        dtype, dname = split_type(d, dt)
        wtype, wname = split_type(w, wt) if w else ("", "")
        rows.append([pc, ptype, pname, dc, dtype, dname, wc or "", wtype, wname])
        key_to_code[f"{pk}_{dk}_{wk or ''}"] = (wc or "", dc)
    rows.sort(key=lambda r: (r[0], r[3], r[6]))
    write_gz(OUT / "units_legacy.csv.gz",
             ["province_code", "province_type", "province", "district_code", "district_type", "district",
              "ward_code", "ward_type", "ward"], rows)

    new = db.execute(
        "SELECT provinceCode, province, wardCode, ward, wardType, provinceKey, wardKey FROM admin_units"
    ).fetchall()
    rows_2025, new_key_to_code = [], {}
    for pc, p, wc, w, wt, pk, wk in new:
        ptype, pname = split_type(p, None)
        wtype, wname = split_type(w, wt)
        rows_2025.append([pc, ptype, pname, wc, wtype, wname])
        new_key_to_code[(pk, wk)] = wc
    rows_2025.sort(key=lambda r: (r[0], r[3]))
    write_gz(OUT / "units_2025.csv.gz",
             ["province_code", "province_type", "province", "ward_code", "ward_type", "ward"], rows_2025)

    conv = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
    links: set[tuple[str, str, str, str]] = set()
    for new_pk, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wk, old_keys in wards.items():
            for old in old_keys:
                if old in key_to_code and (new_pk, new_wk) in new_key_to_code:
                    wc, dc = key_to_code[old]
                    links.add((wc, dc, new_key_to_code[(new_pk, new_wk)], "1"))
    for new_pk, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, targets in olds.items():
            for t in targets:
                if old in key_to_code and (new_pk, t["newWardKey"]) in new_key_to_code:
                    wc, dc = key_to_code[old]
                    links.add((wc, dc, new_key_to_code[(new_pk, t["newWardKey"])],
                               "1" if t["isDefaultNewWard"] else "0"))
    write_gz(OUT / "legacy_to_2025.csv.gz",
             ["legacy_ward_code", "legacy_district_code", "ward_2025_code", "default"], sorted(links))
    print(f"legacy rows {len(rows)}, 2025 rows {len(rows_2025)}, links {len(links)}")


if __name__ == "__main__":
    build()
