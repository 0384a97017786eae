"""A slim core: `import cooprules` loads no optional dependency and not the CEL
package's REPL; every dependency has an upper bound; a command without its extra says
which extra to install; `serve` says where it is and warns beyond loopback; the API
documentation is served from packaged files."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = str(ROOT / "src")


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"})


def test_import_cooprules_loads_no_optional_dependency_nor_the_cel_repl():
    res = _python("import sys, cooprules; print(' '.join(sorted(sys.modules)))")
    assert res.returncode == 0, res.stderr
    loaded = set(res.stdout.split())
    for heavy in ("pydantic", "cel", "cel.cli", "prompt_toolkit", "polars", "pyarrow", "fastapi", "matplotlib",
                  "dask", "yaml", "rich"):
        assert heavy not in loaded, heavy


def test_the_engine_runs_on_the_cel_extension_alone_and_import_cel_still_works():
    res = _python("import sys, cooprules\n"
                  "d = cooprules.evaluate({'responder': {'jurisdiction': 'ocd-division/country:us/state:tx', "
                  "'entity': 'jail'}, 'requester': 'ice_ero', 'action': 'detainer_hold', "
                  "'instrument': 'detainer_request'})\n"
                  "print(d.outcome.value, 'cel.cli' in sys.modules, 'prompt_toolkit' in sys.modules)\n"
                  "import cel; print(cel.compile('1 + 2').execute(cel.Context()))")
    assert res.returncode == 0, res.stderr
    first, second = res.stdout.splitlines()
    assert first.split()[1:] == ["False", "False"] and first.split()[0] in ("required", "permitted", "conditional")
    assert second == "3"


def test_every_dependency_has_an_upper_bound_and_the_core_is_small():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += [s for s in extra if not s.startswith("cooprules[")]
    for spec in specs:
        assert "<" in spec, spec
    core = {re.split(r"[\[<>=]", s)[0].lower() for s in project["dependencies"]}
    assert core == {"pydantic", "pyyaml", "common-expression-language", "typer", "rich", "rapidfuzz", "lark"}
    extras = project["optional-dependencies"]
    assert {"web", "analysis", "map", "dask", "ledger", "all"} <= set(extras)
    assert project["scripts"]["cooprules"] == "cooprules.cli:main"


@pytest.mark.parametrize("args, extra", [
    (["serve", "--port", "1"], "web"),
    (["card", "-j", "ocd-division/country:us/state:tx", "-e", "jail"], "web"),
    (["evaluate-table", "in.csv", "--out", "o.csv"], "analysis"),
    (["map", "--scenario", "detainer-no-convictions", "--out", "m.png"], "map"),
])
def test_a_command_without_its_extra_names_the_extra(args, extra):
    block = ("import sys\n"
             "for m in ('polars', 'pyarrow', 'numpy', 'fastapi', 'starlette', 'uvicorn', 'jinja2', 'babel', 'fpdf',"
             " 'matplotlib', 'dask', 'distributed'):\n"
             "    sys.modules[m] = None\n"
             "from cooprules.cli import main\n"
             "sys.argv = ['cooprules'] + sys.argv[1:]\n"
             "main()\n")
    res = _python(block, *args)
    assert res.returncode == 2, res.stderr
    assert f"pip install 'cooprules[{extra}]'" in res.stderr and "Traceback" not in res.stderr


def test_serve_says_where_it_is_and_warns_beyond_loopback():
    from cooprules.api.server import is_loopback, startup_lines

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("192.168.1.4")
    lines = startup_lines("127.0.0.1", 8123, "abc123")
    text = "\n".join(t for t, _ in lines)
    assert "http://127.0.0.1:8123/" in text and "http://127.0.0.1:8123/docs" in text and "abc123" in text
    assert not any(w for _, w in lines)
    warned = [t for t, w in startup_lines("0.0.0.0", 8123, "abc123") if w]
    assert len(warned) == 1 and "other machines" in warned[0]


def test_docs_pages_name_no_outside_address(engine):
    from fastapi.testclient import TestClient

    from cooprules.api import create_app

    client = TestClient(create_app(engine))
    for path in ("/docs", "/redoc"):
        res = client.get(path)
        assert res.status_code == 200 and "text/html" in res.headers["content-type"]
        assert not re.search(r"(src|href)=\"(https?:)?//", res.text), res.text
    js = client.get("/docs/assets/redoc.standalone.js")
    assert js.status_code == 200 and b"cdn.redoc.ly" not in js.content
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/..%2Fcore.py").status_code == 404
    assert client.get("/docs/assets/core.py").status_code == 404


SLIM = ("import sys\n"
        "for m in ('polars', 'pyarrow', 'numpy', 'fastapi', 'starlette', 'uvicorn', 'jinja2', 'babel', 'fpdf',"
        " 'fastapi_offline', 'httptools', 'matplotlib', 'dask', 'distributed', 'sqlalchemy', 'alembic', 'argon2',"
        " 'psycopg', 'platformdirs'):\n"
        "    sys.modules[m] = None\n"
        "from cooprules.cli import main\n"
        "sys.argv = ['cooprules'] + sys.argv[1:]\n"
        "main()\n")


def test_coverage_and_lint_run_in_a_slim_install():
    res = _python(SLIM, "coverage")
    assert res.returncode == 0, res.stderr
    assert "hand-written total" in res.stdout and "extra" not in res.stderr
    res = _python(SLIM, "lint")
    assert res.returncode == 0, res.stderr
    assert "lint: clean" in res.stdout
    assert "translation check (rules/locale/) needs Babel" in res.stderr and "Traceback" not in res.stderr


def test_an_answer_in_spanish_without_babel_names_the_extra():
    res = _python(SLIM, "ask", "-j", "ocd-division/country:us/state:tx/county:harris", "-e", "jail", "-a",
                  "detainer_hold", "-i", "detainer_request", "--lang", "es")
    assert res.returncode == 2 and "pip install 'cooprules[web]'" in res.stderr and "Traceback" not in res.stderr


def test_the_warning_beyond_loopback_says_who_signs_in():
    from cooprules.api.server import startup_lines

    warned = next(t for t, w in startup_lines("0.0.0.0", 8123, "abc123") if w)
    assert "no sign-in" not in warned and "without signing in" in warned and "no TLS" in warned
    assert "request ledger" in warned and "passwords and tokens" in warned  # the ledger is installed here
