"""Migration scripts, one per schema change, applied in order by ``kehoach.pipeline.store.db.migrate``."""
