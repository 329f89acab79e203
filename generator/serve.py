"""`lookout serve`: build the whole portal, serve it, rebuild on change.

mkdocs' own LiveReloadServer does the serving and the browser reload; what
it rebuilds is the full Lookout build (catalog, docs from cache, site,
search), so what is served is exactly what `lookout build` publishes. A
rebuild that fails keeps the last good site served and logs why.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from generator.build import BuildError, build
from generator.config import Config
from generator.resources import site_src_dir, theme_dir

log = logging.getLogger("lookout.serve")


def watched_paths(cfg: Config) -> list[Path]:
    paths = list(cfg.repos_dirs)
    if cfg.uses_demo:
        from generator.demo import demo_root
        paths.append(demo_root())
    if cfg.org_dir:
        paths.append(cfg.org_dir)
    paths += [theme_dir(), site_src_dir()]
    return [p for p in paths if p.exists()]


class ServeError(Exception):
    """The server could not start (a user's matter: the address, the port)."""


def check_address(host: str, port: int) -> None:
    """Fail before a build, not after it, when the address cannot be served on."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(f"cannot serve on {host}:{port}: {exc.strerror} (try --port)") from None


def serve_with_reload(rebuild, out_dir: Path, watch: list[Path], host: str, port: int,
                      open_in_browser: bool = False) -> None:
    """Serve ``out_dir`` with mkdocs' live-reload server; ``rebuild()`` runs on every change."""
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(out_dir))
    for path in watch:
        server.watch(str(path))
    print(f"serving {out_dir} at http://{host}:{port}/ (Ctrl+C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve(open_in_browser=open_in_browser)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def serve(cfg: Config, out_dir: Path, host: str = "127.0.0.1", port: int = 8000,
          open_in_browser: bool = False) -> None:
    out_dir = Path(out_dir).resolve()
    check_address(host, port)
    print(build(cfg, out_dir).summary(), file=sys.stderr)

    def rebuild() -> None:
        try:
            print(build(cfg, out_dir, progress=False).summary(), file=sys.stderr)
        except BuildError as exc:
            print(f"rebuild failed, still serving the last good site: {exc}", file=sys.stderr)

    serve_with_reload(rebuild, out_dir, watched_paths(cfg), host, port, open_in_browser)
