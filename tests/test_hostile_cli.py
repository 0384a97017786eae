"""Issue 10's findings against ``cooprules evaluate`` and the Python API, each as the
repro that failed before the fix: an integer past Python's digit limit, line
separators inside JSON strings, one bad UTF-8 byte in a file, no streaming, Ctrl-C
and a closed pipe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cooprules
from cooprules.cli import app
from cooprules.errors import RequestError

SRC = Path(__file__).resolve().parents[1] / "src"
EXAMPLE = (SRC / "cooprules" / "examples" / "san_diego_sheriff_detainer.json").read_text().strip()
runner = CliRunner()


def _answers(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def _run(tmp_path: Path, data: bytes) -> tuple[int, list[dict]]:
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    result = runner.invoke(app, ["evaluate", str(path)])
    return result.exit_code, _answers(result.stdout)


def test_long_integer_is_a_request_error_in_python():
    text = EXAMPLE.replace('"hours_held_past_release": 0', '"hours_held_past_release": 1' + "0" * 5000)
    with pytest.raises(RequestError) as exc:
        cooprules.evaluate(text)
    assert "digits" in str(exc.value)
    with pytest.raises(RequestError):
        cooprules.parse_request(json.loads(EXAMPLE) | {"requester": 10 ** 5000})


def test_long_integer_spoils_only_its_line(tmp_path):
    bad = EXAMPLE.replace('"hours_held_past_release": 0', '"hours_held_past_release": 1' + "0" * 5000)
    code, out = _run(tmp_path, f"{EXAMPLE}\n{bad}\n{EXAMPLE}\n".encode())
    assert code == 1 and len(out) == 3
    assert out[0]["outcome"] and out[2]["outcome"]
    assert out[1]["line"] == 2 and out[1]["errors"][0]["field"] == "request"


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\r"])
def test_only_newline_ends_a_line(tmp_path, sep):
    odd = EXAMPLE.replace("san_diego", f"san{sep}diego")  # a raw separator inside a JSON string
    code, out = _run(tmp_path, f"{odd}\n{EXAMPLE}\n".encode())
    assert len(out) == 2, out
    # a control character is not allowed raw in a JSON string; the others are, in an unknown id
    field = "request" if ord(sep) < 0x20 else "responder.jurisdiction"
    assert out[0]["line"] == 1 and out[0]["errors"][0]["field"] == field
    assert out[1]["outcome"] == "prohibited"


def test_bad_utf8_byte_spoils_only_its_line(tmp_path):
    code, out = _run(tmp_path, EXAMPLE.encode() + b"\n" + EXAMPLE.encode().replace(b"jail", b"j\xffil") + b"\n"
                     + EXAMPLE.encode() + b"\r\n")
    assert code == 1 and len(out) == 3
    assert out[0]["outcome"] == out[2]["outcome"] == "prohibited"
    assert out[1]["line"] == 2 and "UTF-8" in out[1]["errors"][0]["message"]


def test_overlong_line_is_answered_and_skipped(tmp_path):
    code, out = _run(tmp_path, b"[" + b"1," * 100_000 + b"1]\n" + EXAMPLE.encode())
    assert len(out) == 2 and out[0]["line"] == 1 and "limit" in out[0]["errors"][0]["message"]
    assert out[1]["outcome"] == "prohibited"


def test_engine_failure_is_answered_on_its_line():
    from cooprules.lines import Line, answer

    class Broken:
        def evaluate_many(self, items, as_of=None):
            raise RuntimeError("batch path broken")

        def evaluate(self, text, as_of=None):
            if "boom" in text:
                raise RuntimeError("defect")
            return cooprules.evaluate(text, as_of)

    lines = [Line(1, EXAMPLE), Line(2, '{"boom": 1}'), Line(3, "{}")]
    out = answer(Broken(), lines)
    assert out[0][0] is True and json.loads(out[0][1])["outcome"] == "prohibited"
    assert json.loads(out[1][1])["error"] == "internal" and json.loads(out[1][1])["line"] == 2
    assert json.loads(out[2][1])["error"] == "invalid_request"


def _cli(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen([sys.executable, "-m", "cooprules.cli", "evaluate", *args], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def test_answers_are_streamed_before_the_input_ends():
    proc = _cli("-")
    try:
        proc.stdin.write(EXAMPLE.encode() + b"\n")
        proc.stdin.flush()
        first = proc.stdout.readline()  # was: nothing until standard input closed
        assert json.loads(first)["outcome"] == "prohibited"
        proc.stdin.write(b"{}\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["line"] == 2
    finally:
        proc.stdin.close()
        assert proc.wait(60) == 1


def test_ctrl_c_keeps_whole_answers():
    proc = _cli("-")
    for _ in range(3):
        proc.stdin.write(EXAMPLE.encode() + b"\n")
    proc.stdin.flush()
    for _ in range(3):
        assert json.loads(proc.stdout.readline())["outcome"]
    proc.send_signal(signal.SIGINT)
    rest = proc.stdout.read()
    assert proc.wait(30) == 130
    assert all(json.loads(line) for line in rest.splitlines())
    err = proc.stderr.read().decode()
    assert "Traceback" not in err and "interrupted: 3 line(s) answered" in err


def test_closed_pipe_stops_quietly(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text((EXAMPLE + "\n") * 20_000)
    proc = _cli(str(path))
    proc.stdin.close()
    assert json.loads(proc.stdout.readline())["outcome"]
    proc.stdout.close()  # like `| head -1`
    started = time.monotonic()
    code = proc.wait(60)
    err = proc.stderr.read().decode()
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert code == 141 and time.monotonic() - started < 30


def _lines_property():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    piece = st.one_of(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")),
                      st.just(EXAMPLE.encode()),
                      st.text(max_size=30).map(lambda t: json.dumps({"responder": t}).encode()),
                      st.sampled_from(["\u2028", "\u2029", "\u0085", "\r", "\x00", "\ufeff"]).map(
                          lambda s: EXAMPLE.replace("jail", "ja" + s + "il").encode()))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(lines=st.lists(piece, min_size=1, max_size=12), final_newline=st.booleans())
    def check(engine, lines, final_newline):
        import io

        from cooprules.lines import answer, batches

        data = b"\n".join(lines) + (b"\n" if final_newline else b"")
        out = [text for batch in batches(io.BytesIO(data), size=5) for _, text in answer(engine, batch)]
        if not final_newline and lines[-1] == b"":
            lines = lines[:-1]  # nothing after the last newline: no line there
        assert len(out) == len(lines)  # one answer per line, whatever the bytes
        for n, (raw, text) in enumerate(zip(lines, out), 1):
            got = json.loads(text)
            assert got.get("line", n) == n
            if raw == EXAMPLE.encode():
                assert got["outcome"] == "prohibited"

    return check


test_every_line_gets_its_own_answer_in_order = _lines_property()
