"""The conventions DESIGN.md sets for every encoder, applied once by the loader.

Complying with a judicial warrant is never ``prohibited`` by a state or local layer
(DESIGN.md, "Conventions"). A state or local provision that forbids what a warrant can
command (holding a person, handing a person over, an arrest, letting agents in) is
therefore read as not reaching a request that comes on, or
with, a judicial warrant: the loader adds that clause to its ``when``, so every path
(the answer, ``unless``, the reference model, lint) sees the same condition, and
``cooprules provision ID`` shows it. Where the provision also forbids actions no warrant
commands (a status question, a 287(g) agreement), the clause spares only the
commanded ones. A provision whose ``when`` already names
``judicial_warrant`` is left as its encoder wrote it. Whether complying is then
``required`` or only ``permitted`` follows the sources (a federal provision, or the
state's own exception, with its citation).

    >>> from cooprules.corpus.schema import Provision
    >>> p = Provision.model_validate({"id": "x-1", "cite": "Test Code § 1", "title": "No holds",
    ...     "actions": ["detainer_hold"], "effect": "prohibited", "when": "true",
    ...     "jurisdiction": "ocd-division/country:us/state:tx", "source": "https://example.org/",
    ...     "source_kind": "statute", "binds": "all", "effective_from": "2017-01-01"})
    >>> with_conventions(p).when
    "(true) && !(instrument == 'judicial_warrant' || 'judicial_warrant' in attachments)"
"""

from __future__ import annotations

from .schema import Effect, Provision

#: What a judicial warrant can command of an office (vocabulary actions).
WARRANT_ACTIONS = frozenset({"detainer_hold", "custody_transfer", "civil_immigration_arrest",
                             "criminal_immigration_arrest", "facility_access"})
# (not information_sharing: an arrest warrant does not order a disclosure; records
# ordered by a court are the sources' own court-order exceptions)
#: A request that comes on, or with, a judicial warrant (CEL).
ON_JUDICIAL_WARRANT = "(instrument == 'judicial_warrant' || 'judicial_warrant' in attachments)"
#: The federal layer's jurisdiction: the convention binds state and local layers only.
FEDERAL = "ocd-division/country:us"


def with_conventions(prov: Provision) -> Provision:
    """``prov`` as the engine reads it: a state or local ``prohibited`` provision on an
    action in :data:`WARRANT_ACTIONS` whose ``when`` does not name ``judicial_warrant``
    gets ``&& !`` :data:`ON_JUDICIAL_WARRANT` (DESIGN.md, Conventions); every other
    provision comes back unchanged. Never raises."""
    if prov.effect is not Effect.prohibited or prov.jurisdiction == FEDERAL:
        return prov
    commanded = sorted({a.value for a in prov.actions} & WARRANT_ACTIONS)
    if not commanded or "judicial_warrant" in prov.when:
        return prov
    if len(commanded) < len(prov.actions):  # only the actions a warrant can command are spared
        spared = "action in [" + ", ".join(f"'{a}'" for a in commanded) + f"] && {ON_JUDICIAL_WARRANT}"
        return prov.model_copy(update={"when": f"({prov.when}) && !({spared})"})
    return prov.model_copy(update={"when": f"({prov.when}) && !{ON_JUDICIAL_WARRANT}"})


__all__ = ["ON_JUDICIAL_WARRANT", "WARRANT_ACTIONS", "with_conventions"]
