"""The registry of issue codes: every code the parser emits is registered, and the docs follow it."""

from __future__ import annotations

import re
from pathlib import Path

from loaders.issues import ISSUE_CODES, IssueCode, markdown

ROOT = Path(__file__).resolve().parents[2]


def test_docs_list_every_code() -> None:
    # Regenerate with: python -c "from loaders.issues import markdown; print(markdown(), end='')" > docs/issue-codes.md
    assert (ROOT / "docs" / "issue-codes.md").read_text(encoding="utf-8") == markdown()


def test_every_code_used_in_the_code_is_registered() -> None:
    used = set()
    for path in [*(ROOT / "loaders").rglob("*.py"), *(ROOT / "services").rglob("*.py")]:
        used |= set(re.findall(r"IssueCode\.([A-Z_]+)", path.read_text(encoding="utf-8")))
        assert not re.search(r"\bIssue\(\s*\"", path.read_text(encoding="utf-8")), f"{path}: a bare Issue(…) code"
    assert used <= set(ISSUE_CODES)
    assert len(used) > 25


def test_every_code_has_a_severity_and_both_descriptions() -> None:
    for code in IssueCode:
        assert code.severity in ("error", "warning", "info")
        assert code.english.endswith(".") and code.chinese
