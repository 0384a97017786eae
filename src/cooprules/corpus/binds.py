"""A provision's ``binds``: named classes of entity words, expanded at load, and the
lint check that a hand-picked part of a class says why (DESIGN.md, "The office asked";
VOCABULARY.md, "Named classes of entities").

    >>> expand_binds(["local_law_enforcement_agency", "state_agency"])[0][:3]
    (<Entity.sheriff: 'sheriff'>, <Entity.police: 'police'>, <Entity.jail: 'jail'>)
"""

from __future__ import annotations

from typing import Iterable

from ..vocabulary import ENTITY_CLASSES, Entity

_WORDS = {e.value: e for e in Entity}


def allowed_names() -> list[str]:
    """Every name a ``binds`` list may hold: the class names, then the entity words."""
    return sorted(ENTITY_CLASSES) + [e.value for e in Entity]


def expand_binds(names: Iterable[object]) -> tuple[tuple[Entity, ...], tuple[str, ...]]:
    """Expand a written ``binds`` list (class names and entity words, in any order).

    Returns ``(words, classes)``: the entity words it stands for, without repeats, in
    the order first met, and the class names used. Raises ValueError naming the
    unknown name, the nearest allowed one and every allowed name.
    """
    from ..errors import did_you_mean

    words: list[Entity] = []
    classes: list[str] = []
    for raw in names:
        name = raw.value if isinstance(raw, Entity) else raw
        if not isinstance(name, str):
            raise ValueError(f"binds: {name!r} is not a name; allowed: {', '.join(allowed_names())}")
        if name in ENTITY_CLASSES:
            classes.append(name)
            members = ENTITY_CLASSES[name]
        elif name in _WORDS:
            members = (_WORDS[name],)
        else:
            guess = did_you_mean(name, allowed_names())
            raise ValueError(f"'{name}' is neither an entity word nor a named class"
                             + (f" (did you mean '{guess}'?)" if guess else "")
                             + f"; allowed: {', '.join(allowed_names())}")
        for m in members:
            if m not in words:
                words.append(m)
    return tuple(words), tuple(classes)


def hand_picked_part(words: Iterable[Entity], classes: Iterable[str]) -> str | None:
    """The named class of which a ``binds`` list is a hand-picked strict part, or None.

    ``words`` are the expanded words, ``classes`` the class names written. The list
    is a hand-picked part of class C when some of its words were written one by one
    (not through a class), all its words lie in C, and C has words it leaves out. The
    smallest such class is returned (the most telling one).
    """
    bound = set(words)
    via_classes = {w for c in classes for w in ENTITY_CLASSES[c]}
    if not bound - via_classes:
        return None
    found = [(len(members), name) for name, members in ENTITY_CLASSES.items()
             if name not in classes and bound < set(members)]
    return min(found)[1] if found else None


def check_binds(provisions) -> list:
    """Lint (``cooprules lint``): every provision whose ``binds`` is a hand-picked
    strict part of a named class and carries no ``binds_note``. ``provisions`` are
    :class:`~cooprules.corpus.loader.CompiledProvision`; returns lint ``Finding``s
    naming the file, the provision id and the field ``binds``. Generated provisions
    (287(g) agreements: they bind the one office that signed) are not checked."""
    from .lint import Finding

    out = []
    for cp in provisions:
        p = cp.provision
        if p.binds == "all" or p.binds_note or p.source_kind.value == "agreement":
            continue
        part = hand_picked_part(p.binds, p.binds_classes)
        if part:
            missing = [w.value for w in ENTITY_CLASSES[part] if w not in p.binds]
            out.append(Finding(cp.file, f"binds only part of the class {part} (leaves out {', '.join(missing)}): "
                                        f"write the class the text names, or add a binds_note saying why", cp.id,
                               "binds"))
    return out
