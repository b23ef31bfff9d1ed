"""Reference data shipped with kehoach: programme catalogues, administrative units, body names, citation
types and known national documents. Data, not code: ``kehoach.pipeline.reference`` loads it."""
