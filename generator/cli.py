"""The `lookout` command line.

A user's mistake (bad config, missing file, unknown entity) is one clear
line on stderr and exit code 2; problems in repos are recorded, not fatal.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.config import Config, ConfigError, load_config

DEFAULT_CATALOG = Path("build/catalog.json")


class UserError(click.ClickException):
    exit_code = 2


DEFAULT_CONFIG = Path("lookout.yaml")


def _config(config_file: Path | None, repos: tuple[Path, ...] = (), manifest: Path | None = None,
            org: Path | None = None, *, announce_demo: bool = True) -> Config:
    """--config, else ./lookout.yaml when there is one; the demo only when nothing says otherwise."""
    if config_file is None and DEFAULT_CONFIG.is_file():
        config_file = DEFAULT_CONFIG
    try:
        cfg = load_config(config_file)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    if repos:
        cfg.repos_dirs = [p.resolve() for p in repos]
    if manifest:
        cfg.manifest = manifest.resolve()
    if org:
        cfg.org_dir = org.resolve()
    if cfg.uses_demo and announce_demo:
        why = (f"{config_file} names no repos, manifest or org" if config_file else
               "no lookout.yaml here and no --config/--repos/--manifest/--org")
        click.echo(f"lookout: {why}: using the embedded demo org (Acme Shop)", err=True)
    return cfg


def _summary(catalog) -> str:
    kinds: dict[str, int] = {}
    for ent in catalog.entities:
        kinds[ent["kind"]] = kinds.get(ent["kind"], 0) + 1
    sev = {s: sum(p.severity == s for p in catalog.problems) for s in ("error", "warning", "info")}
    parts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return (f"{len(catalog.sources)} repos, {len(catalog.entities)} entities ({parts}); "
            f"problems: {sev['error']} errors, {sev['warning']} warnings, {sev['info']} info")


def _key_values(items: tuple[str, ...]) -> dict[str, str]:
    """``--set KEY=VALUE`` options as a dict (the last one wins)."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UserError(f"--set {item!r}: expected KEY=VALUE")
        out[key] = value
    return out


config_option = click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
                             help="lookout.yaml (default: ./lookout.yaml if present; with nothing configured, "
                                  "the embedded demo org).")
repos_option = click.option("--repos", multiple=True, type=click.Path(path_type=Path, file_okay=False),
                            help="A folder of repository checkouts (each sub-folder is a repo). Repeatable.")


class _Lookout(click.Group):
    """Bugs in Lookout end in one line and an exit code, not a wall of Python.

    Set LOOKOUT_DEBUG=1 for the traceback. User mistakes never get here: they
    are UserErrors (exit 2), problems in the catalog, or repos that cannot be
    crawled (a missing repos folder, a broken manifest: one line, exit 1).
    """

    def invoke(self, ctx: click.Context):
        from generator.crawl import CrawlError

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt, SystemExit):
            raise
        except CrawlError as exc:
            click.echo(f"lookout: {exc}", err=True)
            ctx.exit(1)
        except Exception as exc:
            if os.environ.get("LOOKOUT_DEBUG"):
                raise
            click.echo(f"lookout: internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in Lookout, not in your repos; run with LOOKOUT_DEBUG=1 for the "
                       "traceback and report it.", err=True)
            ctx.exit(3)


@click.group(cls=_Lookout, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lookout")
def main() -> None:
    """Lookout: a static developer portal from every repo's .af folder and docs."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


_CONSOLE = False   # run as the ``lookout`` console script (run): the process ends with its command


def run() -> None:
    """The ``lookout`` console script: ``main``; after ``build`` and ``catalog``, an exit that
    frees nothing they held (gcpolicy). Every other command (serve, preview: threads and
    temporary folders of their own) exits as usual, and so does ``main`` called in a test."""
    from generator import gcpolicy

    global _CONSOLE
    _CONSOLE = True
    try:
        main()   # click's standalone mode: it always ends in SystemExit
    except SystemExit as exc:
        if not gcpolicy.ending():
            raise
        if isinstance(exc.code, str):
            click.echo(exc.code, err=True)
        gcpolicy.hard_exit(exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1)


def _ending_with_this_command() -> None:
    """What this one-shot command's build holds is left to the process's exit (console only)."""
    if _CONSOLE:
        from generator.gcpolicy import ending_with_the_build
        ending_with_the_build()


@main.command("catalog")
@config_option
@repos_option
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False),
              help="A YAML list of git URLs (with refs) to clone shallowly into the cache.")
@click.option("--org", type=click.Path(path_type=Path, file_okay=False),
              help="The org repo (Groups, Users, Systems, Domains).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=DEFAULT_CATALOG,
              show_default=True, help="Where to write catalog.json.")
@click.option("--strict", is_flag=True, help="Exit 1 when any error-level problem exists.")
@click.option("--workers", type=int, default=None, help="Reader processes (default: CPUs).")
@click.option("--no-cache", is_flag=True, help="Read every repo again, even those that did not change.")
def catalog_cmd(config_file, repos, manifest, org, output, strict, workers, no_cache) -> None:
    """Read every repo and write catalog.json."""
    from generator.catalog_json import write_catalog
    from generator.gcpolicy import leave_to_exit
    from generator.pipeline import Timings, build_catalog

    cfg = _config(config_file, repos, manifest, org)
    cfg.read_cache = not no_cache
    timings = Timings()
    _ending_with_this_command()
    catalog, _ = build_catalog(cfg, workers=workers, timings=timings)   # CrawlError: see _Lookout
    write_catalog(catalog, output)
    leave_to_exit(catalog)
    click.echo(f"wrote {output}: {_summary(catalog)}; {timings.cached_repos} repos unchanged since the "
               f"last run (read cache)")
    _print_errors(catalog.problems)
    if strict and any(p.severity == "error" for p in catalog.problems):
        sys.exit(1)


@main.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--catalog", "catalog_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The published catalog: the portal's api/validate.json.gz (small) or api/catalog.json. "
                   "References to other repos are checked against it, and so is what the change breaks.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "codequality", "junit", "markdown"]),
              default="text", show_default=True,
              help="On stdout. codequality is GitLab's Code Quality report; markdown a merge-request comment.")
@click.option("--codequality", "cq_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the Code Quality report here.")
@click.option("--junit", "junit_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write a JUnit XML report here.")
@click.option("--markdown", "md_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the Markdown summary here.")
@click.option("--no-docs", is_flag=True, help="Skip building the docs (they are checked by default).")
@click.option("--name", "repo_name", help="The repo's name in the portal (default: its folder's name; CI "
              "passes $CI_PROJECT_NAME). One PATH only.")
@config_option
def validate_cmd(paths, catalog_file, fmt, cq_out, junit_out, md_out, no_docs, repo_name, config_file) -> None:
    """Check repos as `lookout build` would (.af, descriptors, docs); exit 1 on errors."""
    from generator.catalog_json import CatalogFileError
    from generator.published import load_published
    from generator.report import format_problems
    from generator.validate import validate_repos

    cfg = _config(config_file, announce_demo=False)
    published = None
    if catalog_file:
        try:
            published = load_published(catalog_file)
        except CatalogFileError as exc:
            raise UserError(str(exc)) from None
    if repo_name and len(paths) != 1:
        raise UserError("--name names one repo; give one PATH")
    names = [repo_name] if repo_name else [p.resolve().name for p in paths]
    result = validate_repos(list(paths), cfg, published, docs=not no_docs, names=names)
    repo_paths = {n: str(p) for n, p in zip(names, paths, strict=True)}
    against = str(catalog_file) if catalog_file else None
    for out, kind in ((cq_out, "codequality"), (junit_out, "junit"), (md_out, "markdown")):
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(format_problems(result.problems, kind, repo_paths, against) + "\n", encoding="utf-8")
    click.echo(format_problems(result.problems, fmt, repo_paths, against))
    if result.errors:
        sys.exit(1)


@main.command("query")
@click.argument("question", type=click.Choice(["owner", "consumers", "dependents", "owns", "orphans"]))
@click.argument("ref", required=False)
@click.option("--catalog", "catalog_file", type=click.Path(path_type=Path, dir_okay=False),
              default=DEFAULT_CATALOG, show_default=True)
def query_cmd(question, ref, catalog_file) -> None:
    """Answer who owns / consumes / depends on / is owned by REF, or what nobody owns."""
    from generator.catalog_json import CatalogFileError, load_catalog
    from generator.query import QueryError, answer

    try:
        rows = answer(load_catalog(catalog_file), question, ref)
    except (CatalogFileError, QueryError) as exc:
        raise UserError(str(exc)) from None
    for row in rows:
        click.echo(row)


@main.command("build")
@config_option
@repos_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Where to publish the site (swapped in only when the build succeeds).")
@click.option("--catalog-out", type=click.Path(path_type=Path, dir_okay=False), default=DEFAULT_CATALOG,
              show_default=True, help="Also keep a copy of catalog.json here.")
@click.option("--no-search", is_flag=True, help="Skip the Pagefind index (faster previews).")
@click.option("--shard", metavar="I/N", help="Only read and build the docs of the I-th of N slices of the "
              "repos, into the cache; publish nothing (a final build without --shard then only hits the cache).")
@click.option("--strict", is_flag=True, help="Exit 1 when any error-level problem exists (the site is "
              "still published).")
def build_cmd(config_file, repos, out_dir, catalog_out, no_search, shard, strict) -> None:
    """Build the whole portal: catalog, entity pages, docs, search."""
    from generator.build import BuildError, build

    cfg = _config(config_file, repos)
    if shard:
        from generator.shard import build_shard, parse_shard

        try:
            index, total = parse_shard(shard)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        click.echo(build_shard(cfg, index, total).summary())
        return
    _ending_with_this_command()
    try:
        report = build(cfg, out_dir, catalog_out=catalog_out, search=not no_search)
    except BuildError as exc:
        raise click.ClickException(f"{exc} (the previous site, if any, is untouched)") from None
    click.echo(report.summary())
    _print_errors(report.problems)
    if strict and any(p.severity == "error" for p in report.problems):
        sys.exit(1)


def _print_errors(problems, limit: int = 50) -> None:
    """The errors themselves, not only their count (warnings and info: the problems page)."""
    errors = [p for p in problems if p.severity == "error"]
    for p in errors[:limit]:
        where = "/".join(x for x in (p.repo, p.file) if x) + (f":{p.line}" if p.line else "")
        click.echo(f"error: {where or '(build)'}: {p.message}", err=True)
    if len(errors) > limit:
        click.echo(f"... and {len(errors) - limit} more errors: see the problems page or catalog.json",
                   err=True)


@main.command("serve")
@config_option
@repos_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve_cmd(config_file, repos, out_dir, host, port) -> None:
    """Build the portal and serve it with live reload (rebuilds when repos or theme change)."""
    from generator.build import BuildError
    from generator.serve import ServeError, serve

    cfg = _config(config_file, repos)
    try:
        serve(cfg, out_dir, host, port)
    except ServeError as exc:
        raise UserError(str(exc)) from None
    except BuildError as exc:
        raise click.ClickException(str(exc)) from None


@main.command("preview")
@click.argument("repo", required=False, default=".", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--catalog", "catalog_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A published catalog.json to resolve references against.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def preview_cmd(repo, catalog_file, host, port) -> None:
    """Preview one repo's docs and entity page as the portal will show them (live reload)."""
    from generator.catalog_json import CatalogFileError
    from generator.preview import preview
    from generator.serve import ServeError

    try:
        preview(repo, catalog_file.resolve() if catalog_file else None, host, port)
    except (CatalogFileError, ServeError) as exc:
        raise UserError(str(exc)) from None


@main.command("mkdocs-config")
def mkdocs_config_cmd() -> None:
    """Print the path of the portal's base mkdocs.yml: `mkdocs serve -f $(lookout mkdocs-config)`."""
    from generator.resources import mkdocs_yml

    click.echo(mkdocs_yml())


@main.group("demo")
def demo_group() -> None:
    """The embedded demo org."""


@demo_group.command("init")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
def demo_init(dest) -> None:
    """Write the demo org's repos under DEST as git repositories."""
    from generator.demo import init_demo

    try:
        paths = init_demo(dest)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"wrote {len(paths)} repos under {dest}; build them with: lookout build --repos {dest}")


@demo_group.command("generate")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option("--repos", "n_repos", type=click.IntRange(min=4), default=100, show_default=True,
              help="Repositories, the org repo and platform repos included.")
@click.option("--resources", type=click.IntRange(min=1), default=2500, show_default=True,
              help="Resource blocks in all .af folders together (count/for_each make some of them several).")
@click.option("--docs-pages", type=click.IntRange(min=1), default=8, show_default=True,
              help="Pages per docs site (about 99 in 100 repos have one).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same bytes.")
def demo_generate(dest, n_repos, resources, docs_pages, seed) -> None:
    """Write a generated org of any size under DEST (shaped like a real one, deterministic for a seed)."""
    from generator.demo.generate import generate_org

    try:
        summary = generate_org(dest, repos=n_repos, resources=resources, docs_pages=docs_pages, seed=seed)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"wrote {dest}: {summary.text()}")
    for b in summary.broken:
        click.echo(f"  broken on purpose: {b.repo}/{b.file}:{b.line} ({b.kind})")
    click.echo(f"build it with: lookout build --repos {dest}")


@main.group("export")
def export_group() -> None:
    """Write the catalog in another tool's format."""


@export_group.command("backstage")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@config_option
@repos_option
def export_backstage_cmd(out, config_file, repos) -> None:
    """One catalog-info.yaml per repo under OUT, for a real Backstage to ingest."""
    import json

    from generator.catalog_json import to_json_bytes
    from generator.crawl import CrawlError
    from generator.export import ExportError, export_backstage
    from generator.pipeline import build_catalog

    cfg = _config(config_file, repos)
    try:
        catalog, _ = build_catalog(cfg)
        report = export_backstage(json.loads(to_json_bytes(catalog)), out)
    except (CrawlError, ExportError) as exc:
        raise UserError(str(exc)) from None
    for ref, where, why in report.left_out:
        click.echo(f"left out {ref} ({where}): Backstage would reject it: {why}", err=True)
    click.echo(f"wrote {len(report.written)} catalog-info.yaml files ({sum(report.written.values())} "
               f"entities) under {out}; {len(report.left_out)} left out")


@main.command("migrate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--dry-run", is_flag=True, help="Print the diff of what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite an existing .af/service.tf.")
@click.option("--report", "report_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a migration report (JSON, or Markdown for a .md file).")
@click.option("--module-source", default=None, help="The service module's source (default: the .af contract's).")
@click.option("--set", "values", multiple=True, metavar="KEY=VALUE",
              help="A service module input to set (e.g. lifecycle=production). Repeatable.")
@config_option
@repos_option
def migrate_cmd(paths, dry_run, force, report_file, module_source, values, config_file, repos) -> None:
    """Move repos from catalog-info.yaml into .af/service.tf, in three checked steps.

    PATHS are repos, or folders of repos. Each repo is checked against all
    the others (and --repos): the new files must parse, map to valid
    entities and give the same refs, owners and relations as before.
    """
    from generator.crawl import CrawlError, repos_in_folder
    from generator.migrate import DEFAULT_SOURCE, Options, expand, migrate_all, write_report

    cfg = _config(config_file, announce_demo=False)   # read settings only: nothing is crawled
    pairs = _key_values(values)
    opts = Options(dry_run=dry_run, force=force, module_source=module_source or DEFAULT_SOURCE, values=pairs)
    try:
        targets = expand(list(paths))
        context = [r for folder in repos for r in repos_in_folder(folder)]
    except CrawlError as exc:
        raise UserError(str(exc)) from None
    if not targets:
        raise UserError(f"no repositories in {', '.join(map(str, paths))}")
    reports = migrate_all(targets, context, cfg.read, opts, say=click.echo)
    if report_file:
        write_report(reports, report_file)
    counts: dict[str, int] = {}
    for r in reports:
        counts[r.status] = counts.get(r.status, 0) + 1
    click.echo("migrate: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    if counts.get("failed"):
        sys.exit(1)


@main.command("new")
@click.argument("template", required=False)
@click.option("--set", "values", multiple=True, metavar="KEY=VALUE", help="A parameter's value. Repeatable.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where to write (default: ./<name>); must not exist or be empty.")
@click.option("--list", "list_only", is_flag=True, help="List the templates and their parameters.")
@config_option
def new_cmd(template, values, out_dir, list_only, config_file) -> None:
    """Start a repo (or a team) from a software template; validated before anything is written."""
    from generator.scaffold import TemplateProblem, check_rendered, create, find_templates, resolve_values

    cfg = _config(config_file, announce_demo=False)   # read settings and templates: nothing is crawled
    try:
        templates = find_templates(list(cfg.template_dirs))
    except TemplateProblem as exc:
        raise UserError(str(exc)) from None
    if list_only or not template:
        for tpl in templates.values():
            click.echo(f"{tpl.name}: {tpl.title} — {tpl.command()}")
            for p in tpl.parameters:
                click.echo(f"    {p.name}{' (required)' if p.required else ''}: {p.title or p.type}"
                           + (f" [{p.default}]" if p.default not in (None, '') else ""))
        return
    if template not in templates:
        raise UserError(f"no template {template!r} (there are: {', '.join(templates)})")
    tpl = templates[template]
    given = _key_values(values)
    ask = None
    if sys.stdin.isatty():
        def ask(p):
            return click.prompt(p.title or p.name, default=p.default if p.default is not None else "",
                                show_default=p.default is not None,
                                type=click.Choice(p.enum) if p.enum else str)
    try:
        resolved = resolve_values(tpl, given, ask)
        out = out_dir or Path(str(resolved.get("name") or tpl.name))
        made = create(tpl, resolved, out, lambda folder: check_rendered(folder, cfg))
    except TemplateProblem as exc:
        raise UserError(str(exc)) from None
    click.echo(f"wrote {len(made.files)} files to {made.out} from template {tpl.name!r}: "
               + ", ".join(made.files))


if __name__ == "__main__":  # pragma: no cover
    run()
