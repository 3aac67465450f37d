"""Semantic search: a static embedding table (distilled from USE, adapted contrastively) and vector indexes."""
