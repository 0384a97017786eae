"""Issue 10's hostile rule drafts (``whatif --add``, ``lint``, ``test``), each as the
repro that failed before the fix: a symlink to /dev/zero read until the kernel killed
it, a FIFO that hangs, 100,000 nested parentheses (a Rust panic past ``except
Exception``), YAML nested 50,000 deep (RecursionError) and three nested ``.all`` loops
over 1,000-element lists that never finish. Each must end in a second or so with a
precise error naming the file (and the provision id)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cooprules.cli import app
from cooprules.corpus.conditions import ConditionError, compile_condition
from cooprules.corpus.lint import lint
from cooprules.corpus.loader import MAX_FILE_BYTES, read_yaml_file

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()
BIG = "[" + ",".join(str(i) for i in range(1000)) + "]"
NESTED_ALL = f"{BIG}.all(x, {BIG}.all(y, {BIG}.all(z, x + y + z >= 0)))"


def _within(seconds: float, fn, *args):
    """``fn(*args)`` on a thread; fail (instead of hanging the suite) past ``seconds``."""
    box: dict = {}

    def call():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=call, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box["value"], time.monotonic() - started


def _draft(tmp_path: Path, when: str | None = None, body: str | None = None) -> Path:
    text = (FIXTURES / "draft-san-diego-ordinance.yaml").read_text()
    if when is not None:
        text = text.replace('''"info_type in ['release_date', 'personal_information', 'custody_status']"''', repr(when))
    path = tmp_path / "draft.yaml"
    path.write_text(body if body is not None else text)
    return path


def _whatif(path: Path):
    return runner.invoke(app, ["whatif", "--add", str(path), "--as-of", "2026-06-01"])


# ------------------------------------------------------------------ files that are not files
@pytest.mark.parametrize("kind", ["symlink to /dev/zero", "fifo", "too large"])
def test_whatif_reads_only_small_regular_files(tmp_path, kind):
    path = tmp_path / "draft.yaml"
    if kind == "symlink to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 10))
    res, took = _within(60, _whatif, path)
    assert res.exit_code == 2, res.output
    assert "draft.yaml" in res.output and "Traceback" not in res.output
    assert ("not a regular file" if kind != "too large" else "the limit is") in res.output


def test_lint_and_test_skip_fifos_and_devices(tmp_path):
    root = tmp_path / "rules" / "us"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules" / "us" / "ak", root / "ak")
    (root / "_jurisdiction.yaml").write_text("ocd_id: ocd-division/country:us\nname: United States\nid_prefix: us\n")
    os.mkfifo(root / "ak" / "hang.yaml")
    (root / "ak" / "zero.yaml").symlink_to("/dev/zero")
    findings, took = _within(30, lint, tmp_path / "rules", None, False)
    text = "\n".join(map(str, findings))
    assert "us/ak/hang.yaml" in text and "us/ak/zero.yaml" in text and "not a regular file" in text
    scen = tmp_path / "scen"
    scen.mkdir()
    os.mkfifo(scen / "cases.yaml")
    res, took = _within(60, runner.invoke, app, ["test", str(scen)])
    assert res.exit_code == 2 and "not a regular file" in res.output


# ------------------------------------------------------------------ conditions past the bounds
@pytest.mark.parametrize("when, message", [
    ("(" * 100_000 + "true" + ")" * 100_000, "characters; the limit is"),
    ("(" * 1_000 + "true" + ")" * 1_000, "more than 32 deep"),
    (NESTED_ALL, "the limit is"),
    ("[1,2].all(x, [1,2].all(y, [1,2].all(z, x + y + z >= 0)))", "comprehensions"),
    ("[" + ",".join(["1"] * 200) + "].exists(x, x == 2)", "list literal"),
])
def test_condition_bounds_at_load(when, message):
    with pytest.raises(ConditionError, match=message):
        _within(5, compile_condition, when)


def test_cel_panic_is_a_condition_error(monkeypatch):
    from cooprules.corpus.celbinding import cel

    from cooprules.corpus import conditions

    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass

    def panics(text):
        raise PanicException("Formatting argument out of range")

    monkeypatch.setattr(cel, "compile", panics)
    with pytest.raises(ConditionError, match="CEL parser failed"):
        conditions.compile_condition("subject.minor == true")


@pytest.mark.parametrize("when", ["(" * 100_000 + "true" + ")" * 100_000, NESTED_ALL])
def test_whatif_hostile_condition_named_by_file_and_id(tmp_path, when):
    res, took = _within(120, _whatif, _draft(tmp_path, when=when))
    assert res.exit_code == 2, res.output
    assert "sdcity-draft-1" in res.output and "when" in res.output and "Traceback" not in res.output


def test_yaml_nested_50000_deep(tmp_path):
    deep = "jurisdiction: ocd-division/country:us/state:ca/place:san_diego\nx:\n  " + "- " * 50_000 + "1\n"
    path = _draft(tmp_path, body=deep)
    res, took = _within(60, _whatif, path)
    assert res.exit_code == 2 and "nest" in res.output and "Traceback" not in res.output, res.output
    assert "draft.yaml" in res.output
    middling = tmp_path / "middling.yaml"
    middling.write_text("x:\n  " + "- " * 500 + "1\n")
    from cooprules.errors import CorpusError

    with pytest.raises(CorpusError, match="middling.yaml: YAML nested more than 64 deep"):
        read_yaml_file(middling)
    flow = tmp_path / "flow.yaml"
    flow.write_text("a: " + "[" * 50_000 + "]" * 50_000)
    with pytest.raises(CorpusError, match="flow.yaml"):
        read_yaml_file(flow)


def test_cel_panic_while_evaluating_is_a_condition_error_and_missing_facts_stay_unknown():
    from cooprules.corpus.celbinding import cel

    from cooprules.corpus.conditions import Condition

    class PanicException(BaseException):
        pass

    class Panics:
        def execute(self, ctx):
            raise PanicException("boom")

    broken = Condition("x", Panics(), frozenset(), frozenset(), frozenset())
    with pytest.raises(ConditionError, match="boom"):
        broken.evaluate(cel.Context())
    missing = compile_condition("'judicial_warrant' in attachments")
    assert missing.evaluate(cel.Context()) is None
