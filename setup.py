"""Packaging beyond what pyproject.toml can say: ``theme/`` and ``site_src/`` stay at
the top of the repository but ship inside the package, as ``generator/theme`` and
``generator/site_src`` (see generator/resources.py, which finds them either way)."""
from setuptools import find_namespace_packages, setup

DATA_DIRS = {"generator.theme": "theme", "generator.site_src": "site_src"}

setup(
    packages=find_namespace_packages(include=["generator", "generator.*"]) + list(DATA_DIRS),
    package_dir=DATA_DIRS,
)
