"""A one-file federal corpus for tests that need rule files of their own (lint, binds,
provenance): the "Test Act", with a detainer-hold provision every variant shares."""

from __future__ import annotations

from pathlib import Path

JURISDICTION_US = "ocd_id: ocd-division/country:us\nname: United States\nid_prefix: us\n"

#: The Test Act's head; ``{binds}`` and ``{provenance}`` (extra document lines) are filled in.
HEAD = """\
document:
  title: Test Act
  cite: Test Act
  source: https://example.org/test-act
  source_kind: statute
  effective_from: 2018-01-01
  binds: {binds}
{provenance}
provisions:
  - id: us-test-1
    cite: Test Act § 1
    title: No holds on a detainer
    actions: [detainer_hold]
    effect: prohibited
"""


def test_act(provisions: str = "", binds: str = "all", provenance: str = "", when: bool = True) -> str:
    """The Test Act's YAML: its head (``binds``, ``provenance`` lines), provision
    us-test-1 (with ``when: instrument == 'detainer_request'`` unless ``when`` is
    false), then ``provisions`` (further YAML list items, indented by four)."""
    text = HEAD.format(binds=binds, provenance=provenance)
    if when:
        text += "    when: \"instrument == 'detainer_request'\"\n"
    return text + provisions


def rules_tree(root: Path, rules: str) -> Path:
    """Write ``root/us/_jurisdiction.yaml`` and ``root/us/test.yaml`` (``rules``); returns ``root``."""
    (root / "us").mkdir(parents=True)
    (root / "us" / "_jurisdiction.yaml").write_text(JURISDICTION_US, encoding="utf-8")
    (root / "us" / "test.yaml").write_text(rules, encoding="utf-8")
    return root
