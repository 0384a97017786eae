"""The command line (``cooprules.cli.app``) through typer's CliRunner.

Assertions rest on stable facts of the corpus: Cal. Gov. Code § 7284.6(a)(1)(B)
(provision ``ca-gov-7284.6-a1B``) forbids holding anyone on an immigration detainer
since 2018-01-01, and it binds a California sheriff.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import cooprules
import cooprules.cli as cli
from cooprules.cli import app
from rulefiles import rules_tree as write_rules, test_act

SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"
HOLD_RULE = "ca-gov-7284.6-a1B"
HOLD_CITE = "7284.6(a)(1)(B)"

ASK_HOLD = ["ask", "-j", SAN_DIEGO, "-e", "sheriff", "--requester", "ice_ero", "-a", "detainer_hold",
            "-i", "detainer_request", "--attachment", "administrative_warrant_arrest", "--no-convictions",
            "--date", "2025-06-01"]


def request(action: str, instrument: str, **extra) -> dict:
    return {"responder": {"jurisdiction": SAN_DIEGO, "entity": "sheriff"}, "requester": "ice_ero",
            "action": action, "instrument": instrument, "attachments": [],
            "subject": {"role": "in_custody", "convictions": []}, "context": {"date": "2025-06-01"}, **extra}


GOOD_LINES = [
    request("detainer_hold", "detainer_request"),
    request("release_notification", "notification_request"),
    request("custody_transfer", "transfer_request"),
]
BAD_LINE = {**request("detainer_hold", "detainer_request"), "responder": {"jurisdiction": SAN_DIEGO, "entity": "sherif"}}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def stdout_of(result) -> str:
    return result.stdout


def all_output(result) -> str:
    """stdout and stderr together (whatever the click version keeps in ``output``)."""
    text = result.output
    try:
        if result.stderr and result.stderr not in text:
            text += result.stderr
    except ValueError:  # stderr not captured separately
        pass
    return text


def no_crash(result) -> None:
    """The command ended through typer.Exit / normal return, not an unhandled exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unhandled {type(result.exception).__name__}: {result.exception}")


def test_the_hold_rule_exists():
    cp = cooprules.load_corpus().get(HOLD_RULE)
    assert HOLD_CITE in cp.provision.cite


# ---------------------------------------------------------------- ask
def test_ask_prints_the_plain_answer_first(runner):
    result = runner.invoke(app, ASK_HOLD)
    no_crash(result)
    assert result.exit_code == 0, all_output(result)
    out = stdout_of(result)
    first = out.strip().splitlines()[0]
    assert first.startswith("PROHIBITED"), first
    assert HOLD_CITE in out
    # the citations come after the answer, and the layer-by-layer trace after them
    assert out.index("PROHIBITED") < out.index(HOLD_CITE) < out.index("Layer by layer")


def test_ask_in_spanish(runner):
    """``--lang es``: the deputy reads the heading, the summary, what was presumed, the
    exception and the duties in Spanish; ids and citations stay as they are."""
    result = runner.invoke(app, ["ask", "-j", SAN_DIEGO, "-e", "sheriff", "-a", "detainer_hold",
                                 "-i", "detainer_request", "--date", "2025-06-01", "--lang", "es"])
    no_crash(result)
    assert result.exit_code == 0, all_output(result)
    out = stdout_of(result)
    first = out.strip().splitlines()[0]
    assert first.startswith("NO DEBE") and "No la retenga" in first, first
    assert "Se da por hecho (no indicado):" in out and "Salvo que:" in out and "Obligaciones:" in out
    assert "orden judicial" in out  # the exception: a judicial warrant
    assert "Entregue a la persona una copia" in out  # Gov. Code § 7283.1(b), in the law's catalog
    assert HOLD_CITE in out and HOLD_RULE in out
    assert "Presumed" not in out and "Duties:" not in out and "Layer by layer" not in out
    brief = stdout_of(runner.invoke(app, ["ask", "-j", SAN_DIEGO, "-e", "sheriff", "-a", "detainer_hold",
                                          "-i", "detainer_request", "--date", "2025-06-01", "--lang", "es", "--brief"]))
    assert brief.startswith("NO DEBE") and "salvo →" in brief
    as_json = json.loads(stdout_of(runner.invoke(app, ["ask", "-j", SAN_DIEGO, "-e", "sheriff", "-a", "detainer_hold",
                                                       "-i", "detainer_request", "--date", "2025-06-01",
                                                       "--lang", "es", "--json"])))
    assert as_json["outcome"] == "prohibited" and as_json["summary"].startswith("No la retenga")


def test_ask_unknown_language_exits_2_naming_the_languages(runner):
    result = runner.invoke(app, ASK_HOLD + ["--lang", "fr"])
    no_crash(result)
    assert result.exit_code == 2
    text = all_output(result)
    assert "--lang" in text and "en, es" in text


def test_ask_json(runner):
    result = runner.invoke(app, ASK_HOLD + ["--json"])
    no_crash(result)
    assert result.exit_code == 0, all_output(result)
    decision = json.loads(stdout_of(result))
    assert decision["outcome"] == "prohibited"
    assert decision["action"] == "detainer_hold"
    assert decision["as_of"] == "2025-06-01"
    assert HOLD_RULE in [c["id"] for c in decision["citations"]]
    cooprules.Decision.model_validate(decision)


def test_ask_unknown_jurisdiction_exits_2(runner):
    args = list(ASK_HOLD)
    args[args.index(SAN_DIEGO)] = "ocd-division/country:us/state:ca/county:san_deigo"
    result = runner.invoke(app, args)
    no_crash(result)
    assert result.exit_code == 2
    text = all_output(result)
    assert "responder.jurisdiction" in text
    assert f"did you mean '{SAN_DIEGO}'" in text
    assert "PROHIBITED" not in text


def test_ask_bad_conviction_flag_exits_2(runner):
    result = runner.invoke(app, ASK_HOLD[:-3] + ["--conviction", "violent_fellony:4"])
    no_crash(result)
    assert result.exit_code == 2
    assert "--conviction" in all_output(result)


def test_ask_unknown_entity_word_is_a_usage_error(runner):
    args = list(ASK_HOLD)
    args[args.index("sheriff")] = "sherif"
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "sherif" in all_output(result)


# ---------------------------------------------------------------- evaluate
def write_jsonl(path: Path, items: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in items), encoding="utf-8")
    return path


def check_good_line(line: dict, req: dict) -> None:
    assert "errors" not in line
    assert line["action"] == req["action"]
    assert line["outcome"] in {o.value for o in cooprules.Outcome}
    assert line["as_of"] == "2025-06-01"


def test_evaluate_jsonl_with_a_bad_line(runner, tmp_path):
    items = [GOOD_LINES[0], GOOD_LINES[1], BAD_LINE, GOOD_LINES[2]]
    path = write_jsonl(tmp_path / "requests.jsonl", items)
    result = runner.invoke(app, ["evaluate", str(path)])
    no_crash(result)
    assert result.exit_code == 1
    lines = [json.loads(x) for x in stdout_of(result).splitlines()]
    assert len(lines) == 4
    check_good_line(lines[0], GOOD_LINES[0])
    check_good_line(lines[1], GOOD_LINES[1])
    check_good_line(lines[3], GOOD_LINES[2])
    assert lines[0]["outcome"] == "prohibited"
    assert HOLD_RULE in [c["id"] for c in lines[0]["citations"]]
    bad = lines[2]
    assert bad["line"] == 3
    assert bad["error"] == "invalid_request"
    assert [e["field"] for e in bad["errors"]] == ["responder.entity"]
    assert bad["errors"][0]["did_you_mean"] == "sheriff"


def test_evaluate_all_good_exits_0(runner, tmp_path):
    path = write_jsonl(tmp_path / "good.jsonl", GOOD_LINES)
    result = runner.invoke(app, ["evaluate", str(path)])
    no_crash(result)
    assert result.exit_code == 0, all_output(result)
    lines = [json.loads(x) for x in stdout_of(result).splitlines()]
    assert len(lines) == 3
    for line, req in zip(lines, GOOD_LINES):
        check_good_line(line, req)
    # the batch path gives the same answers as the single-request path
    for line, req in zip(lines, GOOD_LINES):
        assert line == json.loads(cooprules.evaluate(req).model_dump_json())


def test_evaluate_from_stdin(runner):
    text = "".join(json.dumps(x) + "\n" for x in [GOOD_LINES[0], "not json at all", GOOD_LINES[1]])
    result = runner.invoke(app, ["evaluate", "-"], input=text)
    no_crash(result)
    assert result.exit_code == 1
    lines = [json.loads(x) for x in stdout_of(result).splitlines()]
    assert len(lines) == 3
    check_good_line(lines[0], GOOD_LINES[0])
    assert lines[1]["line"] == 2 and [e["field"] for e in lines[1]["errors"]] == ["request"]
    check_good_line(lines[2], GOOD_LINES[1])


def test_evaluate_as_of_applies_to_every_line(runner):
    text = json.dumps(GOOD_LINES[0]) + "\n"
    result = runner.invoke(app, ["evaluate", "-", "--as-of", "2024-01-02"], input=text)
    assert result.exit_code == 0, all_output(result)
    line = json.loads(stdout_of(result))
    assert line["as_of"] == "2024-01-02" and line["outcome"] == "prohibited"


def test_evaluate_bad_as_of_exits_2(runner):
    result = runner.invoke(app, ["evaluate", "-", "--as-of", "2025-13-01"], input="")
    no_crash(result)
    assert result.exit_code == 2
    assert "--as-of" in all_output(result)


def test_evaluate_missing_file_is_an_error_not_a_crash(runner, tmp_path):
    missing = tmp_path / "no-such-file.jsonl"
    result = runner.invoke(app, ["evaluate", str(missing)])
    no_crash(result)
    assert result.exit_code == 2  # exit 1 means "some lines were invalid"
    assert "no-such-file.jsonl" in all_output(result)


# ---------------------------------------------------------------- provision
@pytest.fixture
def wide_console(monkeypatch):
    """A wide stdout console, so that layout (not content) never cuts a line."""
    monkeypatch.setattr(cli, "out", Console(width=400, soft_wrap=True))


@pytest.fixture
def console_80(monkeypatch):
    """An 80-column stdout console: a plain terminal, and rich's width for a pipe."""
    monkeypatch.setattr(cli, "out", Console(width=80, soft_wrap=True))


def test_provision_shows_cite_and_source(runner, wide_console):
    source = str(cooprules.load_corpus().get(HOLD_RULE).provision.source)
    result = runner.invoke(app, ["provision", HOLD_RULE])
    no_crash(result)
    assert result.exit_code == 0, all_output(result)
    out = stdout_of(result)
    assert out.startswith(HOLD_RULE)
    assert f"Cal. Gov. Code § {HOLD_CITE}" in out
    assert source in out
    assert "detainer_hold" in out and "prohibited" in out
    assert "2018-01-01" in out


def test_provision_source_is_not_cut_at_80_columns(runner, console_80):
    source = str(cooprules.load_corpus().get(HOLD_RULE).provision.source)
    result = runner.invoke(app, ["provision", HOLD_RULE])
    assert result.exit_code == 0
    assert source in stdout_of(result), "the source URL is cut short:\n" + stdout_of(result)


def test_provision_unknown_exits_1(runner):
    result = runner.invoke(app, ["provision", "nonexistent"])
    no_crash(result)
    assert result.exit_code == 1
    assert "no provision 'nonexistent'" in all_output(result)


def test_provision_near_miss_says_did_you_mean(runner):
    result = runner.invoke(app, ["provision", "ca-gov-7284.6-a1Bx"])
    no_crash(result)
    assert result.exit_code == 1
    text = all_output(result)
    assert "did you mean" in text
    assert f"'{HOLD_RULE}'" in text


# ---------------------------------------------------------------- jurisdictions
def test_jurisdictions_search(runner, wide_console):
    result = runner.invoke(app, ["jurisdictions", "--search", "san diego"])
    no_crash(result)
    assert result.exit_code == 0, all_output(result)
    assert SAN_DIEGO in stdout_of(result)
    assert "San Diego County" in stdout_of(result)


def test_jurisdictions_search_ids_are_not_cut_at_80_columns(runner, console_80):
    result = runner.invoke(app, ["jurisdictions", "--search", "san diego"])
    assert result.exit_code == 0
    assert SAN_DIEGO in stdout_of(result), "OCD-IDs are cut short:\n" + stdout_of(result)


def test_jurisdictions_lists_encoded_folders(runner, wide_console):
    result = runner.invoke(app, ["jurisdictions"])
    assert result.exit_code == 0
    out = stdout_of(result)
    assert "ocd-division/country:us/state:ca" in out
    assert "California" in out
    assert "provisions" in out


# ---------------------------------------------------------------- lint
TEST_RULES_EXTRA = """\
  - id: us-test-2
    cite: Test Act § 2
    title: Holds on a judicial warrant
    actions: [detainer_hold]
    effect: permitted
    when: "instrument == 'judicial_warrant' || 'judicial_warrant' in attachments"
    overrides: [{target}]
"""
PROVENANCE = """\
  confidence: confirmed
  checked: {url: "https://example.org/test-act", on: 2026-01-05, what: text}"""


def rules_tree(root: Path, target: str) -> Path:
    return write_rules(root, test_act(TEST_RULES_EXTRA.format(target=target), provenance=PROVENANCE))


def test_lint_clean_tree_exits_0(runner, tmp_path, wide_console):
    root = rules_tree(tmp_path / "rules", "us-test-1")
    result = runner.invoke(app, ["lint", str(root)])
    no_crash(result)
    assert result.exit_code == 0, all_output(result)
    assert "clean" in stdout_of(result)


def test_lint_override_of_missing_id(runner, tmp_path, wide_console):
    root = rules_tree(tmp_path / "rules", "us-test-9")
    result = runner.invoke(app, ["lint", str(root)])
    no_crash(result)
    assert result.exit_code == 1
    out = stdout_of(result)
    finding = next((line for line in out.splitlines() if "us-test-9" in line), None)
    assert finding is not None, out
    assert "test.yaml" in finding
    assert "overrides" in finding
    # the finding names the provision at fault as lint.Finding writes it: file [id] field
    assert "us/test.yaml [us-test-2] overrides" in finding, f"the provision id is missing: {finding!r}"
    assert "1 finding" in out


# ---------------------------------------------------------------- test (scenarios)
SCENARIOS = f"""\
defaults:
  responder: {{jurisdiction: {SAN_DIEGO}, entity: sheriff}}
  requester: ice_ero
  context: {{date: 2025-06-01}}
cases:
  - name: I-247A hold, no convictions
    request:
      action: detainer_hold
      instrument: detainer_request
      subject: {{role: in_custody, convictions: []}}
    expect:
      outcome: prohibited
      citations: [{HOLD_RULE}]
  - name: Deliberately wrong expectation
    request:
      action: detainer_hold
      instrument: detainer_request
      subject: {{role: in_custody, convictions: []}}
    expect:
      outcome: required
"""


def test_scenarios_one_pass_one_fail(runner, tmp_path, wide_console):
    path = tmp_path / "cases.yaml"
    path.write_text(SCENARIOS, encoding="utf-8")
    result = runner.invoke(app, ["test", str(path)])
    no_crash(result)
    assert result.exit_code == 1
    out = stdout_of(result)
    assert "1 passed, 1 failed" in out
    assert "FAIL" in out and "Deliberately wrong expectation" in out
    assert "I-247A hold, no convictions" not in out
    assert "outcome prohibited, expected required" in out


def test_scenarios_all_pass_exits_0(runner, tmp_path, wide_console):
    path = tmp_path / "cases.yaml"
    path.write_text(SCENARIOS.split("  - name: Deliberately")[0], encoding="utf-8")
    result = runner.invoke(app, ["test", str(path)])
    no_crash(result)
    assert result.exit_code == 0, all_output(result)
    assert "1 passed, 0 failed" in stdout_of(result)


def test_scenarios_unreadable_file_exits_2(runner, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(textwrap.dedent("""\
        cases:
          - name: no expectation
            request: {action: detainer_hold}
        """), encoding="utf-8")
    result = runner.invoke(app, ["test", str(path)])
    no_crash(result)
    assert result.exit_code == 2
    assert "broken.yaml" in all_output(result)


def test_unless_lines_name_the_flag_that_changes_the_answer():
    from cooprules.render import unless_flag

    assert unless_flag("subject.proof_of_status_shown", ["true"]) == "--proof-of-status"
    assert unless_flag("subject.minor", ["false"]) == "--adult"
    assert unless_flag("attachments", ["judicial_warrant"]) == "--attachment judicial_warrant"
    assert unless_flag("attachments", ["detainer_request + administrative_warrant_arrest"]) == \
        "--attachment detainer_request --attachment administrative_warrant_arrest"
    assert unless_flag("context.hours_held_past_release", ["48 hours or more"]) == "--hours-held N"


# ---------------------------------------------------------------- polish: jurisdictions, coverage, help texts

def test_jurisdictions_list_says_one_provision_in_the_singular(runner, wide_console):
    out = stdout_of(runner.invoke(app, ["jurisdictions"]))
    counts = [line.rsplit("(", 1)[1] for line in out.splitlines() if line.startswith("ocd-division/")]
    assert "1 provision)" in counts and "1 provisions)" not in counts
    assert all(c == "1 provision)" or c.endswith("provisions)") for c in counts)


def test_jurisdictions_page_and_limit_page_the_list_without_search(runner, wide_console):
    whole = [x for x in stdout_of(runner.invoke(app, ["jurisdictions"])).splitlines() if x.startswith("ocd-division/")]
    second = runner.invoke(app, ["jurisdictions", "--page", "2", "--limit", "5"])
    assert second.exit_code == 0
    lines = stdout_of(second).splitlines()
    assert lines[:5] == whole[5:10]
    assert lines[5] == f"6-10 of {len(whole)} governments with encoded law (page 2 of {-(-len(whole) // 5)}); next page: --page 3"
    past = runner.invoke(app, ["jurisdictions", "--page", "999", "--limit", "5"])
    assert past.exit_code == 1 and "past the last page" in all_output(past)


def test_help_texts_are_plain_and_carry_no_changelog(runner):
    for command in (["coverage"], ["jurisdictions"], ["ledger", "record"], ["ledger", "reports"]):
        text = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).output
        assert "``" not in text and ":func:" not in text, command
    text = runner.invoke(app, ["jurisdictions", "--help"], env={"COLUMNS": "200"}).output
    assert "used to" not in text and "--page" in text
    coverage_help = runner.invoke(app, ["coverage", "--help"], env={"COLUMNS": "200"}).output
    assert "--checks lists each check" in coverage_help and "--periods" in coverage_help
    assert "``--checks``" in cli.coverage.__doc__  # the docstring stays for developers


def test_coverage_periods_count_agrees_in_number_and_shows_rules_paths(runner):
    assert cli._folders_checked(1, 105) == "1 of 105 local folders has"
    assert cli._folders_checked(3, 105) == "3 of 105 local folders have"
    assert cli._folders_checked(0, 1) == "0 of 1 local folder have"
    assert cli._folders_checked(1, 1) == "1 of 1 local folder has"
    result = runner.invoke(app, ["coverage", "--periods"], env={"COLUMNS": "300"})
    part = result.output.split("Local policies over time")[1]
    assert "\n  rules/us/ca/place-los_angeles  every year checked" in part
    assert "rules/us/ca/place-los_angeles" in result.output.split("Local policies over time")[0]  # as the main table
