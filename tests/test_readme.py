"""The README's examples run and print what the README says: the Python block as a
doctest, and each ``cooprules ask`` command's outcome and the citations its comment
names."""

from __future__ import annotations

import doctest
import itertools
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cooprules.cli import app

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_python_example_runs_as_written():
    (block,) = [b for b in _blocks("python") if ">>> import cooprules" in b]
    test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
    assert len(test.examples) >= 8
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0


def _ask_examples() -> list[tuple[str, str]]:
    """(command, the comment that follows it) for each `cooprules ask` in the README."""
    out = []
    for block in _blocks("sh"):
        text = block.replace("\\\n", " ")
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("cooprules ask"):
                comment = []
                for nxt in lines[i + 1:]:
                    if not nxt.startswith("#"):
                        break
                    comment.append(nxt.lstrip("# ").strip())
                out.append((line, " ".join(comment)))
    return out


EXAMPLES = _ask_examples()


def test_the_readme_has_ask_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("command,comment", EXAMPLES, ids=[str(i) for i in range(len(EXAMPLES))])
def test_ask_example_gives_the_outcome_and_citations_it_names(command, comment):
    args = shlex.split(command)[1:] + ["--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    outcome = re.match(r"-> ([A-Z_]+)", comment)
    assert outcome, comment
    assert f'"outcome": "{outcome[1].lower()}"' in result.output
    named = re.findall(r"(?:Cal\. Gov\. Code|8 C\.F\.R\.) § [\w.]+(?:\([\w]+\))*|L\.A\. Ordinance No\. \d+", comment)
    assert named
    for cite in named:
        assert cite in result.output, cite
    if "Unless" in comment:
        assert '"unless": [' in result.output and '"unless": []' not in result.output


def test_http_presume_false_gives_the_full_conditional_analysis():
    from fastapi.testclient import TestClient

    from cooprules.api.app import create_app

    request = {"responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:san_diego", "entity": "sheriff"},
               "requester": "ice_ero", "action": "detainer_hold", "instrument": "detainer_request",
               "context": {"date": "2026-11-29"}}
    with TestClient(create_app()) as client:
        presumed = client.post("/v1/decisions", json=request).json()
        full = client.post("/v1/decisions?presume=false", json=request).json()
        bad = client.post("/v1/decisions?presume=maybe", json=request)
    assert presumed["outcome"] == "prohibited" and presumed["unless"]
    assert full["outcome"] == "conditional" and not full["presumed"] and not full["unless"]
    assert bad.status_code == 422 and "presume" in bad.text


def test_batch_example_body_gives_the_results_it_shows():
    """The README's `curl .../v1/decisions/batch` body, posted as written: one result per
    request with index, the echoed id and the decision the comment names."""
    import json

    from fastapi.testclient import TestClient

    from cooprules.api.app import create_app

    (block,) = [b for b in _blocks("sh") if "/v1/decisions/batch" in b]
    body = json.loads(re.search(r"-d '(.*?)'", block, flags=re.S).group(1))
    assert set(body) == {"requests", "as_of"}
    with TestClient(create_app()) as client:
        result = client.post("/v1/decisions/batch", json=body).json()
        bad = dict(body["requests"][0], id="q2", action="hold")
        mixed = client.post("/v1/decisions/batch", json={"requests": [body["requests"][0], bad]}).json()
    (item,) = result["results"]
    assert list(item) == ["index", "id", "decision"] and item["index"] == 0 and item["id"] == "q1"
    assert f'"outcome": "{item["decision"]["outcome"]}"' in block
    second = mixed["results"][1]
    assert list(second) == ["index", "id", "error"] and second["error"]["errors"][0]["field"] == "action"


def test_paths_the_readme_names_exist():
    root = Path(__file__).parents[1]
    named = set(re.findall(r"(?:src/cooprules|tests/scenarios|docs)/[\w./-]+\.(?:yaml|json|md|csv)", README))
    assert "src/cooprules/examples/draft-ordinance.yaml" in named
    assert [p for p in sorted(named) if not (root / p).is_file()] == []


def test_coverage_counts_the_local_governments_encoded(engine):
    """The README's count of cities, counties and school districts is the corpus's."""
    local = [j for j in engine.corpus.folders if j.count("/") >= 3]
    said = int(re.search(r"(\d+)\s+cities, counties and school districts", README).group(1))
    assert said == len(local), f"README.md, Coverage: says {said}, the corpus has {len(local)} local governments"


def _prose() -> str:
    return re.sub(r"```.*?```", "", README, flags=re.DOTALL)


def test_no_line_of_prose_repeats_the_line_before():
    lines = [x.strip() for x in _prose().splitlines()]
    assert [a for a, b in itertools.pairwise(lines) if a and a == b] == []


def test_the_design_documents_are_named_by_their_paths():
    root = Path(__file__).parents[1]
    assert re.findall(r"\b(?:DESIGN|VOCABULARY)\.md", README) == []
    assert (root / "docs" / "design.md").is_file() and "(docs/design.md)" in README


def test_layout_lists_every_top_level_module_of_the_package():
    root = Path(__file__).parents[1] / "src" / "cooprules"
    layout = README[README.index("## Layout"):]
    layout = layout[:layout.index("```", layout.index("```") + 3)]
    names = [p.name for p in root.iterdir() if p.suffix == ".py"]
    names += [p.name + "/" for p in root.iterdir() if (p / "__init__.py").is_file() or p.name == "examples"]
    assert [n for n in sorted(names) if not re.search(rf"(?<![\w/]){re.escape(n)}", layout)] == []


def test_evaluate_brief_is_described_as_the_fields_it_prints():
    from cooprules.batchids import BRIEF_FIELDS

    row = next(line for line in README.splitlines() if line.startswith("| `cooprules evaluate FILE`"))
    said = row[row.index("`--brief` prints"):].split(", everything")[0]
    assert sorted(re.findall(r"`(\w+)`", said)) == sorted(BRIEF_FIELDS)


def test_coverage_options_and_the_ledger_rerun_are_documented():
    from cooprules.cli import app

    for option in ("--checks", "--sessions", "--periods", "--unconfirmed"):
        assert f"`{option}`" in README and option in CliRunner().invoke(app, ["coverage", "--help"]).output
    ledger = README[README.index("## The request ledger"):README.index("## Time, what-if")]
    assert "ledger user token ana" in ledger
    assert CliRunner().invoke(app, ["ledger", "user", "token", "--help"]).exit_code == 0
    slim = README[:README.index("The rest are extras")]
    assert "`coverage`" in slim
