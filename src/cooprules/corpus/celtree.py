"""Which facts a CEL condition reads, from its syntax tree rather than its text.

The decision cache keys an answer by the facts the plan's conditions read, so this
reading must be *sound*: every way a condition can reach a fact must be seen. The
condition is parsed with ``lark`` and the CEL grammar of ``cel-python``
(``cel.lark`` beside this module, Apache-2.0); the Rust binding still compiles and
runs it. The reader accepts these access forms and refuses every other way of
reaching ``subject``, ``context`` or ``responder`` (with a message saying what to
write instead):

- ``subject.minor``, ``has(subject.minor)``, ``subject['minor']`` (a string key):
  the fact ``subject.minor``;
- ``attachments``, ``requester``, ``action``, ``instrument``, ``info_type``: read as
  values; ``attachments`` is a fact;
- macros (``exists``, ``all``, ``exists_one``, ``map``, ``filter``) over a fact, with
  a variable not named like a root; inside, the variable's fields are the items' own
  (``category``, ``years_ago``, ``probable_cause_determined``).

Refused: a root read as a whole (``subject == x``, ``(subject).minor``,
``{'a': subject}``), a computed key (``subject[k]``), names with a leading dot,
message construction, and text this grammar cannot parse (the CEL binding may accept
newer syntax such as ``.?field``: the reader then cannot vouch for it).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

#: Comprehension macros: ``list.macro(var, body...)``.
MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})


@dataclass
class Reading:
    """What a condition reads: ``facts`` (``root.field`` or ``attachments``) among the
    optional facts, ``roots`` (top-level names), ``strings`` and ``numbers`` (its
    literals), ``macros`` (the macro names it calls on each fact: fact -> names),
    ``problems`` (each a sentence; empty when the reader could read it all)."""

    facts: set[str] = field(default_factory=set)
    roots: set[str] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)
    macros: dict[str, set[str]] = field(default_factory=dict)
    counted: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _parser():
    """The LALR parser. Building its tables takes most of a second, so lark keeps
    them in a cache file of the user's own (``~/.cache/cooprules``, or none when that
    cannot be written)."""
    import lark

    grammar = (Path(__file__).with_name("cel.lark")).read_text(encoding="utf-8")
    cache: bool | str = False
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cooprules"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.access(folder, os.W_OK) and folder.stat().st_uid == os.getuid():
            cache = str(folder / f"cel-grammar-lark-{lark.__version__}.cache")
    except OSError:
        pass
    return lark.Lark(grammar, parser="lalr", lexer="basic", start="expr", maybe_placeholders=False, priority="invert",
                     propagate_positions=False, cache=cache)


def read(source: str, roots: dict[str, tuple[str, ...]], optional: Iterable[str],
         item_fields: Iterable[str]) -> Reading:
    """Read ``source`` (a CEL condition already within the size limits).

    ``roots``: name -> its fields (empty for a name read as a value); ``optional``:
    the facts a request may leave out; ``item_fields``: fields of list items and
    sub-objects. Returns a :class:`Reading`; a parse failure is one problem."""
    from lark import Token, Tree
    from lark.exceptions import LarkError

    out = Reading()
    try:
        tree = _parser().parse(source)
    except LarkError as exc:
        out.problems.append("the fact reader cannot parse this condition (write it in plain CEL: "
                            f"root.field, macros, literals): {str(exc).splitlines()[0][:160]}")
        return out
    optional = set(optional)
    items = set(item_fields)
    fielded = {r for r, fs in roots.items() if fs}
    known_fields = {f for fs in roots.values() for f in fs} | items

    def name_of(node) -> str | None:
        """The bare identifier a member/primary chain is, else None."""
        while isinstance(node, Tree) and node.data != "ident" and len(node.children) == 1:
            node = node.children[0]
        if isinstance(node, Tree) and node.data == "ident":
            return str(node.children[0])
        return None

    def string_of(node) -> str | None:
        """The value of a string literal (through expression wrappers), else None."""
        while isinstance(node, Tree) and len(node.children) == 1:
            node = node.children[0]
        if isinstance(node, Token) and node.type == "STRING_LIT":
            return _string(str(node))
        return None

    def fact(root: str, name: str, scope: frozenset[str]) -> str | None:
        if name not in roots[root]:
            out.problems.append(f"'{root}' has no field '{name}'")
            return None
        out.roots.add(root)
        path = f"{root}.{name}"
        if path in optional:
            out.facts.add(path)
        return path

    def target_fact(node, scope) -> str | None:
        """The fact a macro's target is (``subject.convictions``), else None."""
        while isinstance(node, Tree) and node.data not in ("member_dot", "ident") and len(node.children) == 1:
            node = node.children[0]
        if isinstance(node, Tree) and node.data == "member_dot":
            base = name_of(node.children[0])
            if base in fielded and base not in scope:
                return f"{base}.{node.children[1]}"
        if name_of(node) == "attachments":
            return "attachments"
        return None

    def visit(node, scope: frozenset[str]) -> None:
        if isinstance(node, Token):
            if node.type == "STRING_LIT" or node.type == "MLSTRING_LIT":
                out.strings.add(_string(str(node)))
            elif node.type in ("INT_LIT", "UINT_LIT", "FLOAT_LIT"):
                out.numbers.add(_number(str(node)))
            return
        kind = node.data
        if kind in ("member_dot", "member_index"):
            base, key = node.children[0], node.children[1]
            root = name_of(base)
            if root in fielded and root not in scope:
                if kind == "member_dot":
                    fact(root, str(key), scope)
                    return
                name = string_of(key)
                if name is None:
                    out.problems.append(f"'{root}[...]' with a computed key: write {root}.FIELD")
                    return
                fact(root, name, scope)
                return
            if kind == "member_index" and target_fact(base, scope) is not None:
                out.counted.add(target_fact(base, scope))  # an item by position
            if kind == "member_dot" and str(key) not in known_fields:
                out.problems.append(f"unknown field '{key}'")
            visit(base, scope)
            if kind == "member_index":
                visit(key, scope)
            return
        if kind == "member_dot_arg":
            base, method = node.children[0], str(node.children[1])
            args = node.children[2].children if len(node.children) > 2 else []
            visit(base, scope)
            if method in MACROS and args:
                var = name_of(args[0])
                if var is None:
                    out.problems.append(f"'.{method}(...)' needs a variable name first")
                    return
                if var in roots:
                    out.problems.append(f"a macro variable may not be named '{var}' (a name of the request)")
                    return
                target = target_fact(base, scope)
                if target is not None:
                    if target in out.macros:  # a second macro over it: items may be told apart
                        out.counted.add(target)
                    out.macros.setdefault(target, set()).add(method)
                for arg in args[1:]:
                    visit(arg, scope | {var})
                return
            if method == "size" and target_fact(base, scope) is not None:  # list.size()
                out.counted.add(target_fact(base, scope))
            for arg in args:
                visit(arg, scope)
            return
        if kind == "ident_arg":
            func = str(node.children[0])
            args = node.children[1].children if len(node.children) > 1 else []
            if func == "size" and args:
                target = target_fact(args[0], scope)
                inner = args[0]
                while isinstance(inner, Tree) and len(inner.children) == 1:
                    inner = inner.children[0]
                if target is None and isinstance(inner, Tree) and inner.data == "member_dot_arg":
                    target = target_fact(inner.children[0], scope)
                if target is not None:
                    out.counted.add(target)
            for arg in args:
                visit(arg, scope)
            return
        if kind in ("dot_ident", "dot_ident_arg"):
            out.problems.append(f"a name with a leading dot ('.{node.children[0]}') is not read; drop the dot")
            return
        if kind == "member_object":
            out.problems.append("message construction (Name{...}) is not allowed in a condition")
            return
        if kind == "ident":
            name = str(node.children[0])
            if name in ("true", "false", "null"):  # literals the lexer took for names
                return
            if name in scope:
                return
            if name in fielded:
                out.problems.append(f"'{name}' read as a whole: write {name}.FIELD (one of "
                                    f"{', '.join(roots[name])})")
                return
            if name in roots:
                out.roots.add(name)
                if name in optional:
                    out.facts.add(name)
                return
            out.problems.append(f"unknown name '{name}'")
            return
        for child in node.children:
            visit(child, scope)

    visit(tree, frozenset())
    # a size() over a macro's result or a filter counts its items too
    for target, names in out.macros.items():
        if names & {"filter", "map", "exists_one"}:
            out.counted.add(target)
    return out


def _string(token: str) -> str:
    body = token
    raw = body[:1] in "rR"
    if raw:
        body = body[1:]
    quote = 3 if body[:3] in ('"""', "'''") else 1
    body = body[quote:-quote]
    if raw or "\\" not in body:
        return body
    try:
        return ast.literal_eval(repr(body).replace("\\\\", "\\"))
    except (ValueError, SyntaxError):
        return body


def _number(token: str) -> float:
    text = token.rstrip("uU")
    try:
        return float(int(text, 0)) if "x" in text.lower() else float(text)
    except ValueError:
        return float("nan")
