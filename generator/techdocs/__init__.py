"""TechDocs: every repo's docs built safely into the portal (DESIGN 2, 6, 7).

    from generator.techdocs.build import DocsJob, build_all_docs
    (`lookout preview` lives in generator/preview.py: docs and entity pages together)
"""
