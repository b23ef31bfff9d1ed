"""The plan database: documents, plan versions and their extracted lists as tables, and the citation graph.

from kehoach.pipeline.store import Store, ingest_paths
store = Store("sqlite:///plans.db")        # or Store() for $KEHOACH_DB / ./kehoach.db
with store.session() as session:
    ingest_paths(session, ["corpus/seeds"])
"""

from __future__ import annotations

from kehoach.pipeline.store.db import Store, resolve_url
from kehoach.pipeline.store.ingest import (
    DocumentMeta,
    IngestReport,
    IngestResult,
    ingest_items,
    ingest_paths,
    ingest_plan,
)

__all__ = [
    "DocumentMeta",
    "IngestReport",
    "IngestResult",
    "Store",
    "ingest_items",
    "ingest_paths",
    "ingest_plan",
    "resolve_url",
]
