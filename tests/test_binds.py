"""Named entity classes in `binds` (VOCABULARY.md, "Named classes of entities"): the
loader expands them, and lint flags a hand-picked part of a class without a note."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cooprules.corpus.binds import expand_binds, hand_picked_part
from cooprules.corpus.lint import lint
from cooprules.corpus.loader import load_corpus
from cooprules.vocabulary import ENTITY_CLASSES, Entity
from rulefiles import rules_tree, test_act

DOCS = Path(__file__).resolve().parents[1] / "docs" / "vocabulary.md"

SECOND = """\
  - id: us-test-2
    cite: Test Act § 2
    title: Only sheriffs and jails may not notify
    actions: [release_notification]
    effect: prohibited
    binds: [sheriff, jail]
"""


def tree(root: Path, note: str = "") -> Path:
    return rules_tree(root, test_act(SECOND + note, binds="[law_enforcement_agency, state_agency]", when=False))


def test_the_vocabulary_page_lists_every_class_with_its_words():
    text = DOCS.read_text(encoding="utf-8")
    for name, words in ENTITY_CLASSES.items():
        row = re.search(rf"^\s*\| `{name}` \| (.*?) \|", text, re.M)
        assert row, name
        assert re.findall(r"`(\w+)`", row.group(1)) == [w.value for w in words], name


def test_classes_expand_and_unknown_names_are_refused():
    words, classes = expand_binds(["local_law_enforcement_agency", "state_agency", "sheriff"])
    assert words == (Entity.sheriff, Entity.police, Entity.jail, Entity.probation, Entity.school_police, Entity.state_agency)
    assert classes == ("local_law_enforcement_agency",)
    with pytest.raises(ValueError, match="'law_enforcment_agency'.*did you mean 'law_enforcement_agency'"):
        expand_binds(["law_enforcment_agency"])
    assert hand_picked_part([Entity.sheriff, Entity.jail], ()) == "local_law_enforcement_agency"
    assert hand_picked_part(ENTITY_CLASSES["public_school"], ("public_school",)) is None


def test_loader_expands_and_lint_flags_a_hand_picked_part(tmp_path):
    root = tree(tmp_path / "rules")
    corpus = load_corpus(root, agreements=False)
    p1 = corpus.get("us-test-1").provision
    assert set(p1.binds) == set(ENTITY_CLASSES["law_enforcement_agency"]) | {Entity.state_agency}
    assert p1.binds_classes == ("law_enforcement_agency",)
    findings = [f for f in lint(root, national=False) if f.field == "binds"]
    assert [(f.file, f.provision_id) for f in findings] == [("us/test.yaml", "us-test-2")]
    assert "local_law_enforcement_agency" in findings[0].message


def test_a_binds_note_answers_the_lint(tmp_path):
    root = tree(tmp_path / "rules", '    binds_note: "The section names the sheriff and the keeper of the jail."\n')
    assert [f for f in lint(root, national=False) if f.field == "binds"] == []


def test_shipped_corpus_has_no_unexplained_hand_picked_binds(engine):
    from cooprules.corpus.binds import check_binds

    assert check_binds(engine.corpus.provisions.values()) == []
