"""Search: Pagefind bundles from catalog.json's entities and the docs pages (DESIGN 2, 6)."""
from generator.search.index import SearchIndexError, SearchStats, build_search

__all__ = ["SearchIndexError", "SearchStats", "build_search"]
