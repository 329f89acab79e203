"""Read a ``.af`` folder's Terraform into blocks whose values are syntax trees.

:func:`parse_hcl` turns one ``.tf`` file into :class:`Block` objects (via
:mod:`generator.read.hclparse`); :mod:`generator.read.tfjson` does the same
for ``.tf.json``. Every block, attribute and expression keeps its line.
:func:`read_folder` reads a whole folder, every byte through
:mod:`generator.safefs`: a file that does not parse is one error at its
line, and nothing else from that file is read or reported.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.model import Location, Problem
from generator.read.hclast import Node
from generator.read.hclparse import HclSyntaxError, parse
from generator.safefs import RepoFileError, list_files, read_text, resolve_in_repo

__all__ = ["Block", "Folder", "HclError", "HclSyntaxError", "ParsedFile", "parse_hcl", "read_folder"]


@dataclass
class Block:
    """A block: ``resource "aws_s3_bucket" "logs" { ... }``."""

    type: str                       # "resource"
    labels: list[str]               # ["aws_s3_bucket", "logs"]
    line: int
    body: dict[str, Node]           # attribute name -> expression
    attr_lines: dict[str, int] = field(default_factory=dict)
    children: list[Block] = field(default_factory=list)   # nested blocks, in order
    file: str = ""                  # repo-relative, set by whoever read the file
    # One instance of a count/for_each block: its key (count.index or each.key)
    # and the scope that knows it. None for the block itself.
    key: Any = None
    scope: Any = None

    def line_of(self, attr: str | None) -> int:
        """The line of an attribute of the body, else of the block itself."""
        return self.attr_lines.get(attr, self.line) if attr else self.line

    @property
    def base_address(self) -> str:
        """Terraform's address of the block: ``aws_s3_bucket.logs``, ``data.x.y``, ``module.db``."""
        if self.type == "module":
            return "module." + ".".join(self.labels)
        return ("data." if self.type == "data" else "") + ".".join(self.labels)

    @property
    def address(self) -> str:
        """The instance's address: ``aws_s3_bucket.d[0]``, ``aws_sqs_queue.c["high"]``."""
        if self.key is None:
            return self.base_address
        key = self.key
        return f"{self.base_address}[{key}]" if isinstance(key, int) else \
            f"{self.base_address}[{json.dumps(key, ensure_ascii=False)}]"

    def instance(self, key: Any, scope: Any) -> Block:
        return replace(self, key=key, scope=scope)

    def expressions(self) -> list[Node]:
        """Every attribute expression of the block and of its nested blocks."""
        out = list(self.body.values())
        for child in self.children:
            out.extend(child.expressions())
        return out


@dataclass
class HclError:
    message: str
    line: int | None


@dataclass
class ParsedFile:
    blocks: list[Block] = field(default_factory=list)
    # Top-level attributes, i.e. the content of a .tfvars file.
    attributes: dict[str, Node] = field(default_factory=dict)
    attr_lines: dict[str, int] = field(default_factory=dict)
    # Problems that cost one attribute, not the file (an argument set twice).
    errors: list[HclError] = field(default_factory=list)


def _attrs(items: list[tuple[str, Node, int]], errors: list[HclError]) -> tuple[dict[str, Node], dict[str, int]]:
    body: dict[str, Node] = {}
    lines: dict[str, int] = {}
    for name, expr, line in items:
        if name in body:
            errors.append(HclError(f'the argument "{name}" was already set at line {lines[name]}; '
                                   "Terraform rejects a second one (this one is ignored)", line))
            continue
        body[name], lines[name] = expr, line
    return body, lines


def _block(raw: tuple[str, list[str], int, Any], errors: list[HclError]) -> Block:
    name, labels, line, (items, nested) = raw
    body, lines = _attrs(items, errors)
    return Block(name, labels, line, body, lines, [_block(b, errors) for b in nested])


def parse_hcl(text: str) -> ParsedFile:
    """Parse HCL text; raises HclSyntaxError (never anything else) when it cannot."""
    items, blocks = parse(text)
    out = ParsedFile()
    out.attributes, out.attr_lines = _attrs(items, out.errors)
    out.blocks = [_block(b, out.errors) for b in blocks]
    return out


# ---------------------------------------------------------------------------
# A folder: every *.tf / *.tf.json plus terraform.tfvars / *.auto.tfvars, via safefs
# ---------------------------------------------------------------------------

@dataclass
class Folder:
    blocks: list[Block] = field(default_factory=list)       # every .tf, files in name order
    tfvars: dict[str, Node] = field(default_factory=dict)   # later files already override earlier
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)     # files that did not parse


def _parse_file(repo: str, root: Path, rel: str, problems: list[Problem]) -> ParsedFile | None:
    where = Location(repo, rel)
    try:
        text = read_text(root, rel)
        if rel.endswith(".json"):
            from generator.read.tfjson import parse_tf_json
            parsed = parse_tf_json(text, variables_file=not rel.endswith(".tf.json"))
        else:
            parsed = parse_hcl(text)
    except RepoFileError as exc:  # symlink out, too big, not UTF-8, vanished
        problems.append(Problem.at("error", f"cannot read this file: {exc}", where))
        return None
    except HclSyntaxError as exc:
        problems.append(Problem.at("error", f"syntax error: {exc.message}; nothing in this file was read",
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
        tf_files = list_files(root, af_dir, (".tf", ".tf.json"))
        var_files = [f for f in list_files(root, af_dir, (".tfvars", ".tfvars.json"))
                     if f.rsplit("/", 1)[-1] in ("terraform.tfvars", "terraform.tfvars.json")
                     or f.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    except (RepoFileError, OSError) as exc:
        out.problems.append(Problem.at("error", f"cannot list {af_dir}: {exc}", Location(repo, af_dir)))
        return out
    # Terraform's precedence: terraform.tfvars(.json), then *.auto.tfvars(.json) in name order.
    var_files.sort(key=lambda f: (not f.rsplit("/", 1)[-1].startswith("terraform.tfvars"), f))
    for rel in var_files:
        parsed = _parse_file(repo, root, rel, out.problems)
        if parsed:
            out.tfvars.update(parsed.attributes)
        else:
            out.unreadable.append(rel)
    for rel in sorted(tf_files):
        parsed = _parse_file(repo, root, rel, out.problems)
        if not parsed:
            out.unreadable.append(rel)
            continue
        for name, line in parsed.attr_lines.items():
            out.problems.append(Problem.at("warning", f'"{name}" is assigned outside any block, which '
                                           "Terraform does not allow in a .tf file; ignored",
                                           Location(repo, rel, line)))
        for block in parsed.blocks:
            block.file = rel
        out.blocks.extend(parsed.blocks)
    return out
