#!/usr/bin/env python3
"""Refresh the example blocks of docs/diagnostics.md from the human snapshots.

Each `## `code`` section's ```text block is replaced with the body of
tests/tests/snapshots/diagnostics__<code>-human.snap. The prose is left alone.
The test `docs_examples_match_snapshots` fails when this needs running.
"""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
doc_path = root / "docs" / "diagnostics.md"
doc = doc_path.read_text()


def snapshot(code: str) -> str:
    snap = (root / "tests" / "tests" / "snapshots" / f"diagnostics__{code}-human.snap").read_text()
    return snap.split("\n---\n", 1)[1].rstrip("\n")


def refresh(section: re.Match) -> str:
    code, body = section.group(1), section.group(0)
    if not (root / "tests" / "tests" / "snapshots" / f"diagnostics__{code}-human.snap").exists():
        return body  # an error that stops a command: its example is its JSON document
    return re.sub(r"```text\n.*?```", lambda _: "```text\n" + snapshot(code) + "\n```", body, count=1, flags=re.S)


doc = re.sub(r"^## `([a-z0-9-]+)`\n.*?(?=^## |\Z)", refresh, doc, flags=re.S | re.M)
doc_path.write_text(doc)
