"""Every scenario case under tests/scenarios/, through the single-request path and the
batch path: the outcome, citations, duties and missing facts each case names."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooprules.scenarios import check, load_scenarios

SCENARIOS = Path(__file__).parent / "scenarios"
CASES = load_scenarios(SCENARIOS)


def test_there_are_scenarios_for_each_seed_jurisdiction():
    """The seed corpus promises at least 15 cases each for federal, California, Los
    Angeles, San Diego County and LAUSD."""
    by_folder: dict[str, int] = {}
    for case in CASES:
        folder = str(Path(case.file).parent)
        by_folder[folder] = by_folder.get(folder, 0) + 1
    for folder in ["scenarios/us", "scenarios/us/ca", "scenarios/us/ca/place-los_angeles",
                   "scenarios/us/ca/county-san_diego", "scenarios/us/ca/school_district-los_angeles_unified"]:
        assert by_folder.get(folder, 0) >= 15, (folder, by_folder)


@pytest.fixture(scope="module")
def batch(engine):
    return engine.evaluate_many([c.request for c in CASES])


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c.label for c in CASES])
def test_scenario(engine, batch, index):
    case = CASES[index]
    single = engine.evaluate(case.request)
    problems = check(case, single)
    assert not problems, "\n".join(problems)
    assert batch[index] == single, "batch and single-request paths disagree"
