"""link: drafts from every repo -> one catalog (entities, relations, problems)."""
from generator.link.link import Catalog, link

__all__ = ["Catalog", "link"]
