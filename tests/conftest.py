"""Shared fixtures: paths of the bundled corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))


def seed(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` ("000" … "004")."""
    return next(p for p in SEEDS if p.name.startswith(prefix))


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    return SEEDS
