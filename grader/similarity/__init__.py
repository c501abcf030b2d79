"""Language-aware token streams for finding similar submissions (pygments)."""
