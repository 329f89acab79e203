"""Read-stage benchmark for the Terraform reader: parse KB/s and read time.

    python bench/bench_read_terraform.py [--corpus DIR] [--org DIR]

--corpus: every folder holding .tf files is read as an .af folder (the shared
corpus of real-world Terraform). --org: every repo's .af folder (an org from
``lookout demo generate``). Prints KB of Terraform, parse-only KB/s,
whole-read seconds (CPU time of this process, so a busy machine skews it
less), Resources drafted and how many are named by their
physical name (the lookout/physical-name annotation).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.config import ReadConfig  # noqa: E402
from generator.model import Repo  # noqa: E402
from generator.read.hcl import parse_hcl  # noqa: E402
from generator.read.terraform import read_terraform  # noqa: E402


def _folders(corpus: Path | None, org: Path | None) -> list[tuple[Repo, str]]:
    out = []
    if corpus:
        for folder in sorted({p.parent for p in corpus.rglob("*.tf")}):
            top = folder.relative_to(corpus).parts[0]
            out.append((Repo(name=top, path=corpus / top), folder.relative_to(corpus / top).as_posix()))
    if org:
        for repo in sorted(p for p in org.iterdir() if (p / ".af").is_dir()):
            out.append((Repo(name=repo.name, path=repo), ".af"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--org", type=Path)
    args = ap.parse_args()
    folders = _folders(args.corpus, args.org)
    texts = [p.read_text(encoding="utf-8", errors="replace") for repo, af in folders
             for p in sorted((repo.path / af).glob("*.tf"))]
    size = sum(len(t.encode()) for t in texts)
    start = time.process_time()
    for text in texts:
        try:
            parse_hcl(text)
        except Exception:  # noqa: BLE001 - a file that does not parse still costs its time
            pass
    parse_s = time.process_time() - start
    start = time.process_time()
    resources = named = 0
    for repo, af in folders:
        for draft in read_terraform(repo, ReadConfig(), af).drafts:
            if draft.entity["kind"] == "Resource":
                resources += 1
                named += "lookout/physical-name" in draft.entity["metadata"]["annotations"]
    read_s = time.process_time() - start
    print(f"{len(folders)} folders, {len(texts)} .tf files, {size / 1e3:.0f} KB")
    print(f"parse: {parse_s:.2f} s = {size / 1e3 / parse_s:.0f} KB/s")
    print(f"read:  {read_s:.2f} s; {resources} Resources, {named} named by their physical name")


if __name__ == "__main__":
    main()
