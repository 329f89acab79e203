"""Parse HCL files with python-hcl2, keeping the line of every block.

python-hcl2's dict output has no line numbers, but the lark tree it builds
first does (``meta.line`` on each rule). We parse once, transform that
tree into python-hcl2's rule tree, and serialize each top-level block on its
own: the block's line comes from its rule, and a block python-hcl2 cannot
serialize (e.g. an attribute and a block with one name) costs that block
only, not the file.

Values stay in python-hcl2's serialized form (strings keep their quotes,
expressions come as ``"${...}"``); :mod:`generator.read.tfvalues` gives
them meaning. :func:`read_folder` reads a whole ``.af`` folder this way,
every byte through :mod:`generator.safefs`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2.const import COMMENTS_KEY, INLINE_COMMENTS_KEY, IS_BLOCK
from hcl2.rules.base import AttributeRule, BlockRule
from hcl2.utils import SerializationOptions, process_escape_sequences
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from generator.model import Location, Problem
from generator.safefs import RepoFileError, list_files, read_text, resolve_in_repo

# Heredocs become ordinary quoted strings (one form to unquote), and comments
# are dropped (nothing downstream reads them).
_OPTIONS = SerializationOptions(with_comments=False, preserve_heredocs=False)
_META_KEYS = (IS_BLOCK, COMMENTS_KEY, INLINE_COMMENTS_KEY)
# Beyond this bracket depth we name the line when the parser runs out of stack.
_DEEP = 100


@dataclass
class Block:
    """A top-level block: ``resource "aws_s3_bucket" "logs" { ... }``."""

    type: str                       # "resource"
    labels: list[str]               # unquoted: ["aws_s3_bucket", "logs"]
    line: int
    body: dict[str, Any]            # python-hcl2 serialized form, meta keys removed
    attr_lines: dict[str, int] = field(default_factory=dict)
    file: str = ""                  # repo-relative, set by whoever read the file

    def line_of(self, attr: str | None) -> int:
        """The line of an attribute of the body, else of the block itself."""
        return self.attr_lines.get(attr, self.line) if attr else self.line

    @property
    def address(self) -> str:
        """Terraform's address: ``aws_s3_bucket.logs``, ``data.x.y``, ``module.db``."""
        if self.type == "module":
            return "module." + ".".join(self.labels)
        return ("data." if self.type == "data" else "") + ".".join(self.labels)


@dataclass
class HclError:
    message: str
    line: int | None


@dataclass
class ParsedFile:
    blocks: list[Block] = field(default_factory=list)
    # Top-level attributes, i.e. the content of a .tfvars file.
    attributes: dict[str, Any] = field(default_factory=dict)
    attr_lines: dict[str, int] = field(default_factory=dict)
    # Problems confined to one block; the file's other blocks are fine.
    errors: list[HclError] = field(default_factory=list)


class HclSyntaxError(Exception):
    """The file as a whole could not be parsed; nothing in it was read."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


def unquote(raw: str) -> str:
    """A label or object key as written (``"\\"orders\\""`` -> ``orders``)."""
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return process_escape_sequences(raw[1:-1])
    return raw


def strip_meta(value: Any) -> Any:
    """Drop python-hcl2's bookkeeping keys (``__is_block__``) recursively."""
    if isinstance(value, dict):
        return {k: strip_meta(v) for k, v in value.items() if k not in _META_KEYS}
    if isinstance(value, list):
        return [strip_meta(v) for v in value]
    return value


def _line(node: Any) -> int | None:
    # The rule tree keeps lark's Meta privately; to_lark() passes the same
    # object on, so reading it is as supported as it gets.
    meta = getattr(node, "_meta", None)
    line = getattr(meta, "line", None)
    return line if isinstance(line, int) else None


def _attr_lines(body: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for child in getattr(body, "children", []):
        if isinstance(child, AttributeRule):
            line = _line(child)
            if line is not None:
                out.setdefault(unquote(str(child.identifier.serialize(_OPTIONS))), line)
    return out


def _deepest_line(text: str) -> int:
    """The first line where brackets nest deeper than _DEEP (best effort)."""
    depth, line = 0, 1
    for ch in text:
        if ch == "\n":
            line += 1
        elif ch in "[{(":
            depth += 1
            if depth > _DEEP:
                return line
        elif ch in "]})":
            depth -= 1
    return 1


def _clamp(line: int | None, text: str) -> int | None:
    if line is None or line < 1:
        return None
    # python-hcl2 appends a newline before parsing, so an error "at end of
    # file" can name a line the file does not have.
    return min(line, text.count("\n") + 1)


def _describe(exc: BaseException, text: str) -> HclSyntaxError:
    """One readable error, with a line, for whatever python-hcl2 raised."""
    if isinstance(exc, VisitError) and exc.orig_exc is not None:
        exc = exc.orig_exc
    last = text.count("\n") + 1
    if isinstance(exc, RecursionError):
        return HclSyntaxError("the file nests brackets or blocks too deeply to be read",
                              _deepest_line(text))
    if isinstance(exc, UnexpectedToken):
        line = _clamp(exc.line, text) or last
        if exc.token.type == "$END":
            return HclSyntaxError("syntax error: unexpected end of file (an unclosed block, "
                                  "bracket, string or heredoc?)", line)
        # A token can be a long run of string characters; its start is enough.
        token = (str(exc.token.value).strip().splitlines() or [exc.token.type])[0]
        return HclSyntaxError(f"syntax error at line {line}, column {exc.column}: "
                              f"unexpected {token[:20]!r}", line)
    if isinstance(exc, UnexpectedCharacters):
        line = _clamp(exc.line, text) or last
        return HclSyntaxError(f"syntax error at line {line}, column {exc.column}: "
                              f"unexpected character {exc.char!r}", line)
    if isinstance(exc, UnexpectedEOF):
        return HclSyntaxError("syntax error: unexpected end of file", last)
    if isinstance(exc, UnexpectedInput):
        line = _clamp(getattr(exc, "line", None), text) or last
        return HclSyntaxError(f"syntax error at line {line}", line)
    # Anything else python-hcl2 raises: keep its words, find a line if it gave one.
    words = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    found = re.search(r"line (\d+)", str(exc))
    line = _clamp(int(found.group(1)), text) if found else 1
    return HclSyntaxError(f"python-hcl2 could not read the file: {words}", line)


def parse_hcl(text: str) -> ParsedFile:
    """Parse HCL text; raises HclSyntaxError (never anything else) when it cannot."""
    try:
        tree = hcl2.transform(hcl2.parses_to_tree(text), discard_comments=True)
        children = list(tree.body.children)
    except Exception as exc:  # lark errors, RecursionError, python-hcl2 internals
        raise _describe(exc, text) from None

    out = ParsedFile()
    for child in children:
        line = _line(child) or 1
        try:
            if isinstance(child, BlockRule):
                labels = [unquote(str(label.serialize(_OPTIONS))) for label in child.labels]
                body = strip_meta(child.body.serialize(_OPTIONS))
                out.blocks.append(Block(labels[0], labels[1:], line, body, _attr_lines(child.body)))
            elif isinstance(child, AttributeRule):
                for key, value in child.serialize(_OPTIONS).items():
                    name = unquote(str(key))
                    out.attributes[name] = strip_meta(value)
                    out.attr_lines.setdefault(name, line)
        except Exception as exc:  # one unreadable block must not cost the file
            words = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            if isinstance(exc, RecursionError):
                words = "it nests too deeply to be read"
            out.errors.append(HclError(f"this block could not be read: {words}", line))
    return out


# ---------------------------------------------------------------------------
# A folder: every *.tf plus terraform.tfvars / *.auto.tfvars, via safefs
# ---------------------------------------------------------------------------

@dataclass
class Folder:
    blocks: list[Block] = field(default_factory=list)       # every .tf, files in name order
    tfvars: dict[str, Any] = field(default_factory=dict)    # later files already override earlier
    problems: list[Problem] = field(default_factory=list)


def _parse_file(repo: str, root: Path, rel: str, problems: list[Problem]) -> ParsedFile | None:
    where = Location(repo, rel)
    try:
        parsed = parse_hcl(read_text(root, rel))
    except RepoFileError as exc:  # symlink out, too big, not UTF-8, vanished
        problems.append(Problem.at("error", f"cannot read this file: {exc}", where))
        return None
    except HclSyntaxError as exc:
        problems.append(Problem.at("error", f"{exc.message}; nothing in this file was read",
                                   Location(repo, rel, exc.line)))
        return None
    except OSError as exc:
        problems.append(Problem.at("error", f"cannot read this file: {exc.strerror or exc}", where))
        return None
    for err in parsed.errors:
        problems.append(Problem.at("error", err.message, Location(repo, rel, err.line)))
    return parsed


def read_folder(repo: str, root: Path, af_dir: str) -> Folder:
    """Read ``<root>/<af_dir>``: never raises; what cannot be read is a problem."""
    out = Folder()
    try:
        resolve_in_repo(root, af_dir)
        if (root / af_dir).is_symlink():
            out.problems.append(Problem.at("warning", f"{af_dir} is a symbolic link; Lookout does not "
                                           "follow it", Location(repo, af_dir)))
            return out
        tf_files = list_files(root, af_dir, (".tf",))
        var_files = [f for f in list_files(root, af_dir, (".tfvars",))
                     if f.rsplit("/", 1)[-1] == "terraform.tfvars" or f.endswith(".auto.tfvars")]
    except (RepoFileError, OSError) as exc:
        out.problems.append(Problem.at("error", f"cannot list {af_dir}: {exc}", Location(repo, af_dir)))
        return out
    # Terraform's precedence: terraform.tfvars, then *.auto.tfvars in name order.
    var_files.sort(key=lambda f: (f.rsplit("/", 1)[-1] != "terraform.tfvars", f))
    for rel in var_files:
        parsed = _parse_file(repo, root, rel, out.problems)
        if parsed:
            out.tfvars.update(parsed.attributes)
    for rel in tf_files:
        parsed = _parse_file(repo, root, rel, out.problems)
        if not parsed:
            continue
        for name, line in parsed.attr_lines.items():
            out.problems.append(Problem.at("warning", f'"{name}" is assigned outside any block, which '
                                           "Terraform does not allow in a .tf file; ignored",
                                           Location(repo, rel, line)))
        for block in parsed.blocks:
            block.file = rel
        out.blocks.extend(parsed.blocks)
    return out
