"""The HTML report of ``cooprules history detainers``: one self-contained page."""

from __future__ import annotations

import html

import polars as pl

_EXPLAIN = """Each record is one detainer or notification request ICE prepared (FY2015, October 2014 to July 2015).
The <b>legal answer</b> is what cooprules gives under the law in force on the record's prepare date, for the
government that runs the facility (county jail: the sheriff; city jail: the police; state prison: the state's
corrections department). The records say nothing about the person's convictions or pending charges, nor what papers
came with the detainer, and nothing is presumed about them (the requests are made with <code>presume: false</code>):
where the law turns on such a fact the answer is <i>conditional</i>, and the possible outcomes and the facts it turns
on are listed. (A user of the guided page is given presumed values instead: no convictions, nothing attached; here
that would call a hold prohibited even for a person whose convictions let the agency hold them.) <b>Declined</b> means
ICE recorded "Detainer Declined by LEA"; <b>booked</b> means "Booked into Detention" (ICE took custody); <b>open</b>
means no lift reason was recorded. Federal and contract facilities, and names that could not be matched, are kept and
counted as unmapped."""

def source_label(source: str) -> str:
    """How the report names its records file: the shipped sample by name, a URL as
    given, any other path by its file name only (a local folder says nothing to a
    reader and may say too much about the machine)."""
    from .detainers import DEFAULT_FILE

    if source == DEFAULT_FILE:
        return "the FY2015 sample shipped with cooprules (ice_detainers_fy2015_sample.csv.gz)"
    if source.startswith(("http://", "https://")):
        return source
    from pathlib import Path

    return Path(source).name


def _turns_on(recs: pl.DataFrame) -> str:
    cond = recs.filter(pl.col("outcome") == "conditional")
    if cond.is_empty():
        return "<p>No answer was conditional: the law gave one answer whatever the records lack.</p>"
    from ..engine.explain import fact_noun

    counts = cond.group_by("depends_on").len().sort(["len", "depends_on"], descending=[True, False])
    items = "".join(
        f"<li>{html.escape(', '.join(fact_noun(f) for f in (d or '').split(';') if f) or '(not said)')}: "
        f"{n:,} record{'s' if n != 1 else ''}</li>" for d, n in counts.iter_rows())
    return f"<p>{cond.height:,} answers are conditional; each turns on the facts listed (the Parquet output, column <code>depends_on</code>, names them per record):</p><ul>{items}</ul>"


def _table(df: pl.DataFrame, limit: int | None = None) -> str:
    rows = df.head(limit) if limit else df
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in rows.columns)
    body = []
    for r in rows.iter_rows():
        cells = "".join(f"<td>{'' if v is None else html.escape(str(v))}</td>" for v in r)
        body.append(f"<tr>{cells}</tr>")
    more = f"<p>… {df.height - rows.height} more rows in the Parquet output.</p>" if limit and df.height > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _rate(df: pl.DataFrame) -> str:
    return f"{df['ocd_id'].is_not_null().sum() / df.height:.1%}" if df.height else "n/a"


def render_html(history, path: str, source: str, engine) -> None:
    """Write the report for ``history`` (a :class:`~.detainers.History`) to ``path``."""
    from .detainers import date_range

    recs = history.records
    first, last = date_range(history)
    methods = recs.group_by("match").len().sort("len", descending=True).rename({"len": "records"})
    unmapped = (recs.filter(pl.col("ocd_id").is_null()).group_by("detainer_detention_facility", "state", "match").len()
                .sort("len", descending=True).rename({"len": "records"}))
    states = history.by_state().with_columns(pl.col("state").fill_null("(no state)"))
    focus = states.filter(pl.col("state").is_in(["CALIFORNIA", "TEXAS"]))
    facilities = history.by_facility().filter(pl.col("ocd_id").is_not_null())
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Detainers FY2015: law against practice</title>
<style>
body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}} h1{{font-size:1.5rem}} h2{{font-size:1.2rem;margin-top:2rem}}
table{{border-collapse:collapse;font-size:.8rem}} th,td{{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}}
th{{background:#f3f3f3;position:sticky;top:0}} .big{{font-size:1.1rem}} p{{max-width:60rem}}
</style></head><body>
<h1>ICE detainers, FY2015: the legal answer beside what the agencies did</h1>
<p class="big">{recs.height:,} records from {html.escape(source_label(source))}, prepared {first} to {last}.
Facility mapping: <b>{history.match_rate:.1%}</b> of records mapped to the government that runs the facility
({int(recs['ocd_id'].is_not_null().sum()):,} mapped, {int(recs['ocd_id'].is_null().sum()):,} unmapped and kept);
{_rate(recs.filter(pl.col('state').is_not_null()))} of the records that name a state.
In <i>legal answers</i>, <code>permitted|prohibited</code> is a conditional answer: permitted or prohibited
depending on facts the records lack.</p>
<p>{_EXPLAIN}</p>
{_turns_on(recs)}
<p>Law applied as of each record's date; corpus {engine.corpus.version}. Not legal advice: each answer cites its
provisions (see the Parquet output, column <code>citations</code>).</p>
<h2>California and Texas</h2>{_table(focus)}
<h2>How facilities were mapped</h2>{_table(methods)}
<h2>By state</h2>{_table(states)}
<h2>By facility (mapped)</h2>{_table(facilities, 400)}
<h2>Unmapped facilities</h2>{_table(unmapped, 150)}
</body></html>
"""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(page)
