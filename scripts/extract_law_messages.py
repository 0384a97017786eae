"""Rebuild the catalog of the law's words beside the corpus.

Writes ``rules/locale/law.pot`` (every provision title and duty text in ``rules/**``
and the 287(g) title templates) and brings each ``rules/locale/<lang>/LC_MESSAGES/law.po``
up to date: new texts are added empty, texts no longer in the corpus are dropped, a
changed text keeps its old translation marked fuzzy. Then translate the empty and
fuzzy entries, mark each with a translator comment (``# machine-drafted`` or
``# reviewed: <who>, <date>``), and run ``cooprules lint``.

    PYTHONPATH=src python scripts/extract_law_messages.py [RULES_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from cooprules.wording.law import extract


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else None
    for lang, (total, todo) in extract(root).items():
        print(f"{lang}: {total} texts, {todo} to translate or review")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
