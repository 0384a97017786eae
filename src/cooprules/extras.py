"""Which optional part of the install (a pip "extra") a missing module belongs to.

``pip install cooprules`` gives the engine and the core commands (``ask``,
``evaluate``, ``provision``, ``jurisdictions``, ``lint``, ``test``); the rest comes
with extras declared in ``pyproject.toml``: ``web`` (serve, card, train), ``analysis``
(evaluate-table, matrix, what-if, diff, history), ``map``, ``dask``, ``ledger``, and
``all``. A command run without its extra stops with :func:`missing_extra_message`
(exit 2) instead of a traceback.
"""

from __future__ import annotations

#: Top-level module name -> the extra that installs it.
EXTRA_OF: dict[str, str] = {
    "fastapi": "web", "starlette": "web", "uvicorn": "web", "jinja2": "web", "babel": "web", "fpdf": "web",
    "fastapi_offline": "web", "httptools": "web",
    "polars": "analysis", "pyarrow": "analysis", "numpy": "analysis",
    "matplotlib": "map",
    "dask": "dask", "distributed": "dask",
    "sqlalchemy": "ledger", "alembic": "ledger", "argon2": "ledger", "psycopg": "ledger", "platformdirs": "ledger",
}


#: Commands whose extra includes others (``map`` needs ``analysis`` too): the extra to
#: name whatever module of it is missing.
COMMAND_EXTRA: dict[str, str] = {"map": "map"}


def extra_for(exc: BaseException, command: str | None = None) -> str | None:
    """The extra that provides the module ``exc`` failed to import (or ``command``'s
    own extra, :data:`COMMAND_EXTRA`), or ``None`` when ``exc`` is not a
    ``ModuleNotFoundError`` for a module of an extra."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return None
    extra = EXTRA_OF.get(exc.name.split(".")[0])
    if extra is None:
        return None
    return COMMAND_EXTRA.get(command or "", extra)


def missing_extra_message(exc: ModuleNotFoundError, command: str = "this command",
                          name: str | None = None) -> str | None:
    """A one-paragraph message for a command (shown as ``command``; ``name`` the
    sub-command's name) that needs an extra that is not installed (``None`` when
    ``exc`` is not about an extra's module)."""
    extra = extra_for(exc, name)
    if extra is None:
        return None
    return (f"{command} needs the '{extra}' extra, which is not installed (missing module '{exc.name}').\n"
            f"Install it with:  pip install 'cooprules[{extra}]'   (or 'cooprules[all]' for everything)")
