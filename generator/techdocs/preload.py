"""Imported by the docs workers' fork server (build._context): each worker is forked from a
process that has mkdocs, material and Python-Markdown imported, the emoji index globbed and
the reuse across builds installed (worker.init_worker), instead of doing that itself.

Measured at M with one docs site to build: starting the pool took longer than building it.
"""
from generator.techdocs.worker import init_worker

init_worker()
