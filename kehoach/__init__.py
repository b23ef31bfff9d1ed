"""kehoach: read Vietnamese government plans, extract them into validated records, and audit them.

The public surface used by the CLI, notebooks and analysts::

    import kehoach
    doc = kehoach.read("plan.pdf")          # Document: normalised text, blocks, tables, page/line map
    plan = kehoach.extract(doc)             # Plan: every field with its evidence span
    findings = kehoach.check(plan, doc)     # internal consistency findings
"""

from __future__ import annotations

from kehoach.api import check, extract, read, segment

__all__ = ["check", "extract", "read", "segment"]
__version__ = "0.1.0"
