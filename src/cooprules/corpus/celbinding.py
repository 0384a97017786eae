"""The CEL binding's compiled extension, without the package's own REPL.

The ``common-expression-language`` package's ``cel/__init__.py`` imports ``cel.cli``
(an interactive shell built on prompt_toolkit and rich), which cost about 90 ms of
every ``import cooprules`` and a quarter of a second on a loaded machine. The engine
needs only the Rust extension module ``cel/cel.*.so`` (``compile``, ``Context``,
``Program``), so we load that file directly from the installed package's folder.

The module is registered as ``cel.cel``: a later ``import cel`` elsewhere in the
process then reuses it (``cel/__init__.py`` does ``from .cel import *``) instead of
initialising the extension a second time. If the package's layout is not the one we
expect (no ``cel.*`` extension file next to its ``__init__``), we fall back to
``import cel``, which is slower but gives the same names.

Use: ``from cooprules.corpus.celbinding import cel`` and then ``cel.compile(text)``,
``cel.Context()``; the names are those of the package (see its ``cel.pyi``).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["cel"]


def _load() -> ModuleType:
    """Return the ``cel.cel`` extension module, loading it without ``cel.cli``.

    Returns: the extension module (has ``compile``, ``Context``, ``Program``).
    Raises: ``ImportError`` when the ``common-expression-language`` package is not
    installed at all.
    """
    loaded = sys.modules.get("cel.cel")
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec("cel")  # finds the package without running its __init__
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                path = Path(folder) / f"cel{suffix}"
                if not path.is_file():
                    continue
                ext_spec = importlib.util.spec_from_file_location("cel.cel", path)
                if ext_spec is None or ext_spec.loader is None:
                    continue
                module = importlib.util.module_from_spec(ext_spec)
                sys.modules["cel.cel"] = module
                try:
                    ext_spec.loader.exec_module(module)
                except Exception:
                    del sys.modules["cel.cel"]
                    break
                return module
    import cel as package  # the slow path: the whole package, REPL and all

    return package


cel = _load()
