"""Differential run over random small corpora (the semantics, not the law): random
provisions in three layers (federal, California, Fresno County) with random effects,
conditions, exceptions (acyclic), exceptions to exceptions, ``preempts_lower``, binds
and contested binds; random requests on each; engine against the reference model.

    PYTHONPATH=src python benchmarks/differential_corpora.py --corpora 200 --requests 50
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import tempfile
import time
from pathlib import Path

import yaml

from cooprules import Engine, load_corpus
from cooprules.reference import Reference, differences

CONDITIONS = ["subject.minor", "!subject.minor", "subject.consent_given", "context.exigent_circumstances",
              "context.hours_held_past_release >= 48", "context.location == 'school'",
              "'judicial_warrant' in attachments",
              "subject.convictions.exists(c, c.category == 'violent_felony' && c.years_ago <= 5)",
              "size(subject.convictions) >= 2", "subject.minor && subject.consent_given",
              "subject.consent_given || context.location == 'jail'"]
LAYERS = [("", "ocd-division/country:us", "us", "Federal"),
          ("ca", "ocd-division/country:us/state:ca", "ca", "California"),
          ("ca/county-fresno", "ocd-division/country:us/state:ca/county:fresno", "fresno", "County of Fresno")]


def write_corpus(root: Path, rnd: random.Random) -> None:
    """A random corpus of 3 to 9 provisions on ``interview_access`` under ``root``."""
    ids: list[str] = []
    for folder, ocd, prefix, name in LAYERS:
        d = root / "us" / folder if folder else root / "us"
        d.mkdir(parents=True, exist_ok=True)
        (d / "_jurisdiction.yaml").write_text(yaml.safe_dump({"ocd_id": ocd, "name": name, "id_prefix": prefix}))
        provisions = []
        for i in range(rnd.randint(1, 3)):
            pid = f"{prefix}-p{i}"
            p = {"id": pid, "cite": f"Fixture {prefix} § {i}", "title": f"Random provision {i}",
                 "actions": ["interview_access"],
                 "effect": rnd.choice(["prohibited", "permitted", "required", "permitted"])}
            if rnd.random() < 0.7:
                p["when"] = rnd.choice(CONDITIONS)
            targets = [t for t in ids if rnd.random() < 0.3]
            if targets:
                p["overrides"] = targets
            if p["effect"] == "permitted" and rnd.random() < 0.3:
                p["preempts_lower"] = True
            if rnd.random() < 0.15:
                p["binds_contested"] = ["sheriff"]
                p["binds"] = ["police"]
            provisions.append(p)
            ids.append(pid)
        doc = {"document": {"title": f"{name} fixture", "cite": f"Fixture ({prefix})",
                            "source": f"https://example.org/{prefix}", "source_kind": "statute",
                            "effective_from": "2018-01-01", "binds": ["sheriff", "police"],
                            "binds_note": "A random test fixture."},
               "provisions": provisions}
        (d / "fixture.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


def request(rnd: random.Random) -> dict:
    q = {"responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:fresno",
                       "entity": rnd.choice(["sheriff", "police"])},
         "requester": "ice_ero", "action": "interview_access", "instrument": "written_request",
         "subject": {}, "context": {"date": "2021-06-01"}}
    if rnd.random() < 0.5:
        q["subject"]["minor"] = rnd.random() < 0.5
    if rnd.random() < 0.5:
        q["subject"]["consent_given"] = rnd.random() < 0.5
    if rnd.random() < 0.5:
        q["subject"]["convictions"] = [{"category": rnd.choice(["violent_felony", "misdemeanor"]),
                                        "years_ago": rnd.choice([2, 8])} for _ in range(rnd.randint(0, 2))]
    if rnd.random() < 0.5:
        q["context"]["exigent_circumstances"] = rnd.random() < 0.5
    if rnd.random() < 0.5:
        q["context"]["hours_held_past_release"] = rnd.choice([0, 48])
    if rnd.random() < 0.5:
        q["context"]["location"] = rnd.choice(["school", "jail", "public_place"])
    if rnd.random() < 0.5:
        q["attachments"] = rnd.choice([[], ["judicial_warrant"], ["court_order"]])
    if rnd.random() < 0.3:
        q["presume"] = False
    return q


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=int, default=200)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    base = Engine()
    kinds: collections.Counter[str] = collections.Counter()
    first: dict[str, str] = {}
    compared = 0
    start = time.perf_counter()
    for n in range(args.corpora):
        with tempfile.TemporaryDirectory() as tmp:
            write_corpus(Path(tmp), rnd)
            corpus = load_corpus(tmp)
            engine = Engine(corpus=corpus, registry=base.registry, agreements=base.agreements)
            ref = Reference(corpus, base.registry, base.agreements)
            for _ in range(args.requests):
                q = request(rnd)
                compared += 1
                for kind, detail in differences(engine.evaluate(q), ref, q):
                    kinds[kind] += 1
                    if kind not in first:
                        rules = "\n".join(p.read_text() for p in sorted(Path(tmp).rglob("fixture.yaml")))
                        first[kind] = f"{detail}\n    request: {json.dumps(q)}\n{rules}"
    print(f"corpora: {args.corpora}, requests compared: {compared:,}, "
          f"time {time.perf_counter() - start:,.1f} s; disagreements: {sum(kinds.values()):,}")
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count:,}\n    e.g. {first[kind]}")


if __name__ == "__main__":
    main()
