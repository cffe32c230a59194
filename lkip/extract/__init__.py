"""Extract: read untrusted workbooks into typed rows (one module per source kind)."""
