"""Search: one Pagefind index over the finished site (DESIGN 2, 6)."""
from generator.search.index import SearchIndexError, SearchStats, index_site

__all__ = ["SearchIndexError", "SearchStats", "index_site"]
