"""Writers for results: CSV tables (atomic: temp file + rename)."""
