"""CEL conditions: compile once, find the facts each reads, evaluate three-valued.

We use the ``common-expression-language`` binding (the Rust cel crate). Measured on
this machine (see README): about 2 µs per evaluation against a reused context and
80 µs per compile, against about 1,100 µs and 900 µs for the pure-Python
``cel-python``. Both implement CEL's commutative ``&&``/``||``, which absorb an error
on one side when the other side decides: that is what lets a condition that reads an
absent fact come out *undetermined* rather than false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .celbinding import cel

from ..errors import did_you_mean
from . import celtree
from ..vocabulary import MAX_ATTACHMENTS, MAX_CONVICTIONS

_REQUEST_LIST = max(MAX_ATTACHMENTS, MAX_CONVICTIONS)

#: The names a condition may read, with the fields under each (docs/rule-format.md).
ROOTS: dict[str, tuple[str, ...]] = {
    "responder": ("jurisdiction", "entity", "agreement_287g"),
    "requester": (),
    "action": (),
    "info_type": (),
    "instrument": (),
    "attachments": (),
    "subject": (
        "role", "minor", "convictions", "registered_sex_offender", "federal_felony_warrant",
        "final_removal_order", "previously_removed", "consent_given", "proof_of_status_shown", "pending_charge",
    ),
    "context": (
        "location", "purpose", "info_publicly_available", "exigent_circumstances",
        "hours_held_past_release",
    ),
}
#: Fields of the objects inside lists and sub-objects.
ITEM_FIELDS = ("category", "years_ago", "probable_cause_determined")
#: Facts a request may leave out (unknown); the others are always present.
OPTIONAL_FACTS = tuple(
    [f"subject.{f}" for f in ROOTS["subject"]]
    + [f"context.{f}" for f in ROOTS["context"]]
    + ["responder.agreement_287g", "attachments"]
)

_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_PATH = re.compile(r"(?<![\w.])([a-z_][a-z0-9_]*)\s*\.\s*([a-z_][a-z0-9_]*)")
_ATTR = re.compile(r"\.\s*([a-z_][a-z0-9_]*)\b(?!\s*\()")
_MACRO_VARS = re.compile(r"\.\s*(?:exists|all|exists_one|map|filter)\s*\(\s*([a-z_][a-z0-9_]*)\s*,")
_IDENT = re.compile(r"(?<![\w.'\"])([a-z_][a-z0-9_]*)\b(?!\s*\()")
_KEYWORDS = {"true", "false", "null", "in", "has"}

#: Longest condition (characters). The longest in the shipped corpus is under 700.
MAX_CONDITION_CHARS = 4_000
#: Deepest nesting of parentheses, brackets and braces (the corpus: 6).
MAX_CONDITION_DEPTH = 32
#: Deepest nesting of comprehensions (``.all``, ``.exists``, ``.exists_one``, ``.map``,
#: ``.filter``) one inside another's body (the corpus: 1).
MAX_COMPREHENSION_NESTING = 2
#: Most elements of a list literal (the corpus: about ten).
MAX_LIST_LITERAL = 64
#: Bound on the iterations a condition may take, computed at load: each comprehension
#: costs the longest list it can range over (a literal of at most
#: :data:`MAX_LIST_LITERAL`, or a request list of at most
#: :data:`cooprules.vocabulary.MAX_CONVICTIONS` items) to the power of its nesting.
#: With these bounds no condition runs for more than milliseconds, so lint, test and
#: whatif need no timer around an evaluation.
MAX_CONDITION_COST = 100_000
_MACRO_OPEN = re.compile(r"\.\s*(?:exists_one|exists|all|map|filter)\s*\(|[()\[\]{},]")


class ConditionError(ValueError):
    """A condition that does not compile or reads a name the vocabulary lacks."""


@dataclass(frozen=True)
class Condition:
    """A compiled CEL condition.

    ``facts`` are the optional facts it reads (``subject.minor``...);
    ``strings`` and ``numbers`` the literals it compares with (used to choose the
    values to try for a missing fact); ``roots`` the top-level names it reads.
    ``program`` is None for the constant ``true``.
    """

    source: str
    program: Any
    facts: frozenset[str]
    strings: frozenset[str]
    numbers: frozenset[float]
    roots: frozenset[str] = frozenset()
    #: the list facts whose items it counts (``size(...)``, ``filter``, ``map``,
    #: ``exists_one``): missing, they are tried as lists of two items too
    counted: frozenset[str] = frozenset()

    def evaluate(self, ctx: "cel.Context") -> bool | None:
        """True or False, or None when the answer turns on a fact the request lacks.

        Raises ConditionError when the condition fails for any other reason (a type
        error the linter should have caught).
        """
        if self.program is None:
            return True
        try:
            result = self.program.execute(ctx)
        except KeyError:
            return None
        except Exception as exc:  # the binding raises plain errors for missing keys too
            text = str(exc)
            if ("No such key" in text or "no such key" in text or "Undeclared reference" in text
                    or "Undefined variable" in text):
                return None
            raise ConditionError(f"condition {self.source!r} failed: {exc}") from exc
        except BaseException as exc:  # pyo3's PanicException: a defect of the condition, not of the caller
            if type(exc).__name__ != "PanicException":
                raise
            raise ConditionError(f"condition {self.source!r} failed: {str(exc)[:200]}") from None
        if not isinstance(result, bool):
            raise ConditionError(f"condition {self.source!r} gave {result!r}, not true or false")
        return result


def _strip_strings(source: str) -> str:
    return _STRING.sub("''", source)


def check_names(source: str) -> list[str]:
    """Problems with the names a condition reads: unknown roots or fields, each with a
    "did you mean". An empty list means every name is in the vocabulary."""
    code = _strip_strings(source)
    problems = []
    macro_vars = set(_MACRO_VARS.findall(code))
    for ident in _IDENT.findall(code):
        if ident in _KEYWORDS or ident in macro_vars or ident in ROOTS:
            continue
        # an identifier right after a dot is a field, checked below
        problems.append(f"unknown name '{ident}'" + _hint(ident, list(ROOTS)))
    fields = {f for fs in ROOTS.values() for f in fs} | set(ITEM_FIELDS)
    for root, attr in _PATH.findall(code):
        if root in ROOTS and ROOTS[root] and attr not in ROOTS[root]:
            problems.append(f"'{root}' has no field '{attr}'" + _hint(attr, list(ROOTS[root])))
    for attr in _ATTR.findall(code):
        if attr not in fields:
            problems.append(f"unknown field '{attr}'" + _hint(attr, sorted(fields)))
    return sorted(set(problems))


def _hint(word: str, choices: list[str]) -> str:
    guess = did_you_mean(word, choices)
    return f" (did you mean '{guess}'?)" if guess else ""


def check_limits(source: str) -> None:
    """Raise ConditionError when ``source`` is longer, deeper or costlier than the
    bounds above (each message names the bound and the value found), before CEL parses
    it: a draft must not be able to exhaust the parser's stack or run for ever."""
    if len(source) > MAX_CONDITION_CHARS:
        raise ConditionError(f"condition is {len(source):,} characters; the limit is {MAX_CONDITION_CHARS:,}")
    code = _strip_strings(source)
    stack: list[list] = []  # [opener, is_comprehension, commas]
    deepest = nesting = widest = 0
    cost = 0
    for m in _MACRO_OPEN.finditer(code):
        tok = m.group(0)
        if tok == ",":
            if stack:
                stack[-1][2] += 1
            continue
        if tok in ")]}":
            if not stack:
                raise ConditionError(f"CEL syntax error: unbalanced '{tok}'")
            opener, _, commas = stack.pop()
            if opener == "[":
                widest = max(widest, commas + 1)
            continue
        macro = tok.startswith(".")
        stack.append(["(" if macro else tok, macro, 0])
        deepest = max(deepest, len(stack))
        if deepest > MAX_CONDITION_DEPTH:
            raise ConditionError(f"condition nests parentheses and brackets more than {MAX_CONDITION_DEPTH} deep")
        if macro:
            level = sum(1 for s in stack if s[1])
            nesting = max(nesting, level)
            if nesting > MAX_COMPREHENSION_NESTING:
                raise ConditionError(f"condition nests comprehensions (all, exists, exists_one, map, filter) "
                                     f"{nesting} deep; the limit is {MAX_COMPREHENSION_NESTING}")
            cost += max(MAX_LIST_LITERAL, _REQUEST_LIST) ** level
    if widest > MAX_LIST_LITERAL:
        raise ConditionError(f"a list literal of the condition has {widest:,} elements; the limit is {MAX_LIST_LITERAL}")
    if cost > MAX_CONDITION_COST:
        raise ConditionError(f"condition may take about {cost:,} iterations; the limit is {MAX_CONDITION_COST:,} "
                             "(fewer or less nested comprehensions)")


def compile_condition(source: str) -> Condition:
    """Compile ``source`` once. Raises ConditionError for a syntax error, an unknown
    name (with a "did you mean"), or a condition past the bounds of
    :func:`check_limits`; a panic of the CEL parser is a ConditionError too."""
    text = source.strip()
    check_limits(text)
    problems = check_names(text)
    if problems:
        raise ConditionError("; ".join(problems))
    if text == "true":
        return Condition(text, None, frozenset(), frozenset(), frozenset())
    try:
        program = cel.compile(text)
    except Exception as exc:
        raise ConditionError(f"CEL syntax error: {exc}") from None
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise ConditionError(f"CEL parser failed on this condition: {str(exc)[:200]}") from None
    # the facts it reads come from its syntax tree (corpus/celtree.py), never its text:
    # the decision cache is keyed by them, so a form the reader cannot vouch for is refused
    found = celtree.read(text, ROOTS, OPTIONAL_FACTS, ITEM_FIELDS)
    if found.problems:
        raise ConditionError("; ".join(dict.fromkeys(found.problems)))
    roots = frozenset(v for v in program.variables() if v in ROOTS)
    if roots != found.roots:  # the two parsers disagree: trust neither
        raise ConditionError(f"the fact reader saw the names {sorted(found.roots)} where CEL saw {sorted(roots)}; "
                             "write the condition in plain root.field form")
    return Condition(text, program, frozenset(found.facts), frozenset(found.strings),
                     frozenset(n for n in found.numbers if n == n), roots, frozenset(found.counted))
