"""The daily briefing: what was reported on one day, who says so, in Markdown and HTML.

Every figure comes from stored incidents and claims, and every item names its document.
"""
from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ceasefire.errors import InputError
from ceasefire.records import Claim, Incident
from ceasefire.store import Store


@dataclass(frozen=True)
class DayReport:
    day: dt.date
    incidents: list[Incident]
    claims: list[Claim]
    sources: dict[str, str]

    @property
    def by_party(self) -> Counter:
        return Counter(i.actor_party or "undetermined" for i in self.incidents)

    @property
    def by_type(self) -> Counter:
        return Counter(i.type for i in self.incidents)


def latest_day(store: Store) -> dt.date | None:
    days = [i.when.start for i in store.incidents() if i.when and not i.historical]
    return max(days) if days else None


def day_report(store: Store, day: dt.date) -> DayReport:
    incidents = [i for i in store.incidents(day, day) if not i.historical]
    claims = store.claims(day, day)
    sources = {}
    for doc_id in {i.doc_id for i in incidents} | {c.doc_id for c in claims}:
        doc = store.document(doc_id)
        if doc is not None:
            sources[doc_id] = f"{doc.source or 'unknown source'} ({doc.published or 'undated'}) {doc.title or ''}".strip()
    return DayReport(day, incidents, claims, sources)


def _place(i: Incident) -> str:
    if i.place:
        return f"{i.place.name}" + (f", {i.place.admin1}" if i.place.admin1 else "")
    return i.place_mention or "place not stated"


def render_markdown(r: DayReport) -> str:
    lines = [f"# Ceasefire Monitor daily briefing — {r.day.isoformat()}", ""]
    if not r.incidents and not r.claims:
        lines += ["No incidents or statements were recorded for this day.", ""]
    else:
        parties = ", ".join(f"{p} {n}" for p, n in r.by_party.most_common())
        lines += [f"{len(r.incidents)} incident reports and {len(r.claims)} attributed statements were recorded. "
                  f"Incidents by alleged actor: {parties or 'none'}.", ""]
    if r.incidents:
        lines += ["## Incidents", "", "| type | actor | place | count | killed | source |", "|---|---|---|---|---|---|"]
        for i in r.incidents:
            lines.append(f"| {i.type} | {i.actor_party or 'undetermined'} | {_place(i)} | {i.count or ''} | "
                         f"{i.fatalities if i.fatalities is not None else ''} | {i.doc_id} |")
        lines.append("")
    if r.claims:
        lines += ["## What each side says", ""]
        for c in r.claims:
            lines.append(f"- **{c.speaker}** ({c.party or 'unaffiliated'}, {c.stance}): “{c.text}” [{c.doc_id}]")
        lines.append("")
    lines += ["## Sources", ""] + [f"- `{k}` {v}" for k, v in sorted(r.sources.items())] + [""]
    return "\n".join(lines)


def render_html(r: DayReport) -> str:
    e = html.escape
    rows = "".join(f"<tr><td>{e(i.type)}</td><td>{e(i.actor_party or 'undetermined')}</td><td>{e(_place(i))}</td>"
                   f"<td>{i.count or ''}</td><td>{'' if i.fatalities is None else i.fatalities}</td>"
                   f"<td><code>{e(i.doc_id)}</code></td></tr>" for i in r.incidents)
    claims = "".join(f"<li><b>{e(c.speaker)}</b> ({e(c.party or 'unaffiliated')}, {e(c.stance)}): "
                     f"“{e(c.text)}” <code>{e(c.doc_id)}</code></li>" for c in r.claims)
    sources = "".join(f"<li><code>{e(k)}</code> {e(v)}</li>" for k, v in sorted(r.sources.items()))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ceasefire Monitor — {r.day.isoformat()}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}}
table{{border-collapse:collapse;width:100%;font-size:.9rem}}td,th{{border-bottom:1px solid #ccc;padding:.3rem;text-align:left}}
@media print{{body{{max-width:none}}}}</style></head>
<body><h1>Ceasefire Monitor daily briefing — {r.day.isoformat()}</h1>
<p>{len(r.incidents)} incident reports and {len(r.claims)} attributed statements were recorded.</p>
<h2>Incidents</h2><table><tr><th>type</th><th>actor</th><th>place</th><th>count</th><th>killed</th><th>source</th></tr>{rows}</table>
<h2>What each side says</h2><ul>{claims}</ul>
<h2>Sources</h2><ul>{sources}</ul></body></html>
"""


def write_briefing(store: Store, day: dt.date | None, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write the briefing for `day` (default: the latest day with incidents) and return the files written."""
    day = day or latest_day(store)
    if day is None:
        raise InputError(store.url, "the store holds no incidents yet; ingest documents first")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(out_dir), f"cannot create folder ({exc.strerror})") from None
    report = day_report(store, day)
    written = []
    for fmt in formats:
        path = out_dir / f"briefing-{day.isoformat()}.{fmt}"
        path.write_text(render_markdown(report) if fmt == "md" else render_html(report), encoding="utf-8")
        written.append(path)
    return written
