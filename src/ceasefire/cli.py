"""The `ceasefire` command: thin wrappers over the library.

Every bad input ends with a one-line message on stderr naming the input and the problem, and exit status 2.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from pathlib import Path

import click

from ceasefire import __version__
from ceasefire.errors import InputError

EXIT_BAD_INPUT = 2


def _fail(message: str) -> None:
    click.echo(f"ceasefire: {' '.join(message.split())}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def reports_input_errors(fn):
    """Turn InputError into the one-line message and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            _fail(exc.one_line())

    return wrapper


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    from ceasefire.timeparse import parse_iso_date

    return parse_iso_date(value, option)


db_option = click.option("--db", envvar="CEASEFIRE_DB", default=None, metavar="PATH_OR_URL",
                         help="SQLite path or database URL (default: $CEASEFIRE_DB, then ./ceasefire.db).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ceasefire")
def cli() -> None:
    """Ceasefire Monitor: reports of a war in, attributed claims, incidents and ceasefire findings out."""


@cli.command()
@click.argument("file", required=False)
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date that relative dates resolve against "
              "(default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (document, claims, incidents, "
              "contradictions).")
@click.option("--jsonl", "jsonl", metavar="IN.jsonl", help="Read lines {id, text, published, source?, language?} "
              "and print one JSON line per input line, in order.")
@reports_input_errors
def extract(file: str | None, published: str | None, as_json: bool, jsonl: str | None) -> None:
    """Extract claims, incidents and contradictions from FILE or from --jsonl lines (nothing is stored)."""
    from ceasefire.extract import extract_document
    from ceasefire.intake import read_file

    if jsonl:
        if file:
            raise InputError(file, "give either FILE or --jsonl, not both")
        _extract_jsonl(jsonl)
        return
    if not file:
        raise InputError("extract", "missing FILE (or --jsonl IN.jsonl)")
    day = _date(published, "--published") or dt.date.today()
    raw = read_file(file, published=day)
    result = extract_document(raw.document)
    for warning in result.warnings:
        click.echo(f"ceasefire: warning: {file}: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{file}: {len(result.claims)} claims, {len(result.incidents)} incidents, "
               f"{len(result.contradictions)} contradictions")
    for c in result.claims:
        click.echo(f"  claim  [{c.party or '?'}] {c.speaker} ({c.stance}): {c.text[:100]}")
    for i in result.incidents:
        place = i.place.name if i.place else (i.place_mention or "?")
        click.echo(f"  event  {i.when.start if i.when else '?'} {i.type} by {i.actor_party or '?'} at {place}"
                   + (f" x{i.count}" if i.count else "") + (f", {i.fatalities} killed" if i.fatalities else ""))


def _extract_jsonl(path: str) -> None:
    """Stream a JSON-lines file through extraction in batches; bad lines are reported and skipped."""
    from ceasefire.extract import extract_many
    from ceasefire.intake import read_jsonl

    failed = 0
    batch = []

    def flush() -> None:
        docs = [line.document.document for line in batch if line.document is not None]
        results = iter(extract_many(docs)) if docs else iter(())
        for line in batch:
            if line.error:
                out = {"id": line.item_id, "error": line.error, "document": None, "claims": [], "incidents": [],
                       "contradictions": []}
            else:
                result = next(results)
                for warning in result.warnings:
                    click.echo(f"ceasefire: warning: {path}:{line.line_no}: {warning}", err=True)
                out = {"id": line.item_id, **result.to_json_dict()}
            click.echo(json.dumps(out, ensure_ascii=False))
        batch.clear()

    for line in read_jsonl(path):
        if line.error:
            failed += 1
            click.echo(f"ceasefire: {line.error}", err=True)
        batch.append(line)
        if len(batch) >= 256:
            flush()
    flush()
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@cli.command()
@click.argument("inputs", nargs=-1, metavar="PATH|URL...")
@click.option("--jsonl", metavar="FILE", help="A JSON-lines file of documents {id, text, published, source?}.")
@click.option("--format", "dataset_format", metavar="KIND",
              help="Read PATH as a dataset, one document per row: ucdp-csv, acled-csv, telegram-csv (channel posts) or "
                   "telegram-json (a Telegram Desktop export).")
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date for files that do not carry one.")
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True, metavar="N",
              help="Extract in N worker processes (pays from a few hundred documents; for more, see reprocess).")
@db_option
@reports_input_errors
def ingest(inputs: tuple[str, ...], jsonl: str | None, dataset_format: str | None, published: str | None,
           processes: int, db: str | None) -> None:
    """Store documents with their extractions; the same content twice is stored once."""
    from ceasefire.intake import DATASET_FORMATS
    from ceasefire.pipeline import IngestRequest
    from ceasefire.pipeline import ingest as run_ingest
    from ceasefire.store import Store

    if not inputs and not jsonl:
        raise InputError("ingest", "nothing to ingest: give PATH, URL or --jsonl FILE")
    if dataset_format and dataset_format not in DATASET_FORMATS:
        raise InputError("--format", f"unknown dataset format {dataset_format!r}; known: {', '.join(DATASET_FORMATS)}")
    request = IngestRequest(inputs=inputs, jsonl=jsonl, dataset_format=dataset_format,
                            published=_date(published, "--published"), processes=processes)
    store = Store.open(db)
    result = run_ingest(store, request)
    for raw in result.added:
        click.echo(f"added    {raw.document.id}  {raw.document.title or raw.document.source or ''}".rstrip())
    for raw in result.copies:
        click.echo(f"copy     {raw.document.id}  {raw.document.title or raw.document.source or ''}".rstrip())
    for raw in result.skipped:
        click.echo(f"skipped  {raw.document.id}  (already stored)")
    click.echo(f"{len(result.added)} added ({result.claims} claims, {result.incidents} incidents), "
               f"{len(result.copies)} stored as copies of a stored text (not read again), "
               f"{len(result.skipped)} skipped (already stored), {len(result.errors)} not stored (bad input or "
               f"failed extraction, each named on stderr)")
    for error in result.errors:
        click.echo(f"ceasefire: {error}", err=True)
    if result.errors:
        sys.exit(EXIT_BAD_INPUT)


@cli.command()
@click.option("--since", metavar="YYYY-MM-DD", help="First publication day of the documents to read again.")
@click.option("--until", metavar="YYYY-MM-DD", help="Last publication day.")
@click.option("--executor", default="local", show_default=True, metavar="local|dask|dask://HOST:PORT",
              help="Where extraction runs: this process, a Dask LocalCluster of this machine's cores, or a running "
                   "Dask scheduler (its workers need this package installed).")
@click.option("--workers", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Worker processes of the LocalCluster (default: the machine's cores).")
@click.option("--restart", is_flag=True, help="Abandon an unfinished run of other days and begin this one.")
@db_option
@reports_input_errors
def reprocess(since: str | None, until: str | None, executor: str, workers: int | None, restart: bool,
              db: str | None) -> None:
    """Extract stored documents again after a rule or model change, then refresh events and findings.

    Resumable: a run that was killed continues where it stopped when the same command is given again."""
    from ceasefire.reprocess import ReprocessRequest
    from ceasefire.reprocess import reprocess as run_reprocess
    from ceasefire.store import Store

    request = ReprocessRequest(since=_date(since, "--since"), until=_date(until, "--until"), executor=executor,
                               workers=workers, restart=restart)
    if request.since and request.until and request.since > request.until:
        raise InputError("--since", f"{since} is after --until {until}")
    result = run_reprocess(Store.open(db), request)
    counts = result.outcomes
    resumed = f" (resumed; {result.before:,} done before)" if result.resumed else ""
    click.echo(f"run {result.run_id}{resumed}: {sum(counts.values()):,} documents read again in "
               f"{result.seconds:.1f} s: {counts['changed']:,} changed, {counts['same']:,} unchanged, "
               f"{counts['failed']:,} failed (old extraction kept)")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the agreements as JSON.")
@reports_input_errors
def agreements(as_json: bool) -> None:
    """List the bundled ceasefire agreements (use one with --agreement NAME, or give a YAML file)."""
    from ceasefire.adjudicate import bundled_agreements, held_by, load_agreement, readings

    loaded = [load_agreement(name) for name in bundled_agreements()]
    if as_json:
        click.echo(json.dumps([a.model_dump(mode="json") for a in loaded], ensure_ascii=False, indent=2))
        return
    for a in loaded:
        disputed = bool(a.window.alternative_starts)
        starts = "; ".join(f"starts {r.start.isoformat()}" + (f" ({held_by(r)})" if disputed else "")
                           for r in readings(a, a.window.start))
        scope = ", ".join(a.scope.admin1) or "all territory"
        click.echo(f"{a.id:<24} {a.title}\n{'':<24} {starts}; ends {a.window.end or 'open'}; scope: {scope}; "
                   f"{len(a.clauses)} clauses")


@cli.command()
@db_option
@click.option("--agreement", "agreement_name", required=True, metavar="NAME|FILE", help="Agreement to judge against.")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of findings.")
@click.option("--min-party-confidence", type=click.FloatRange(0, 1), default=None, metavar="X",
              help="Only findings whose alleged party was read with at least this calibrated confidence.")
@click.option("--stated-only", is_flag=True, help="Only findings whose party the reports state (no inference).")
@reports_input_errors
def findings(db: str | None, agreement_name: str, start: str | None, end: str | None, as_json: bool,
             min_party_confidence: float | None, stated_only: bool) -> None:
    """Judge the stored events clause by clause against an agreement and list the findings (events are brought
    up to date first if a run left them behind)."""
    from ceasefire.adjudicate import load_agreement
    from ceasefire.pipeline import adjudicate_store, bring_up_to_date
    from ceasefire.store import Store

    first, last = _date(start, "--from"), _date(end, "--to")
    store = Store.open(db)
    agreement = load_agreement(agreement_name, store.agreements())
    bring_up_to_date(store)
    adjudicate_store(store, agreement)
    rows = store.findings(agreement.id, first, last)
    if min_party_confidence is not None:
        rows = [f for f in rows if (f.party_confidence or 0.0) >= min_party_confidence]
    if stated_only:
        rows = [f for f in rows if f.actor_basis == "stated"]
    if as_json:
        click.echo(json.dumps([f.model_dump(mode="json") for f in rows], ensure_ascii=False, indent=2))
        return
    for f in rows:
        place = f"{f.place.name}, {f.place.admin1}" if f.place and f.place.admin1 else (f.place.name if f.place else "?")
        inferred = f" ({f.actor_basis.replace('_', ' ')})" if f.actor_basis and f.actor_basis != "stated" else ""
        readings = "" if f.basis == "in force" else f"  [{f.basis}]"
        click.echo(f"{f.date}  {f.clause:<26} {f.party + inferred:<12} {f.status:<13} {f.grade or '':<3} {place}"
                   f"  [{f.id}]{readings}")
    click.echo(f"{len(rows)} findings under {agreement.id}")


@cli.command()
@db_option
@click.argument("finding_id")
@click.option("--action", type=click.Choice(["confirm", "dispute", "reattribute", "not_a_violation", "comment"]),
              required=True, help="What the analyst decides.")
@click.option("--reviewer", required=True, help="Who decides (name or initials).")
@click.option("--reason", required=True, help="Why: cited in the audit trail.")
@click.option("--party", "new_party", help="With --action reattribute: the party now held responsible.")
@reports_input_errors
def review(db: str | None, finding_id: str, action: str, reviewer: str, reason: str, new_party: str | None) -> None:
    """Record an analyst's review of a finding (appended to the audit trail; nothing is overwritten)."""
    from ceasefire.records import Review, content_id
    from ceasefire.store import Store

    if action == "reattribute" and not new_party:
        raise InputError("--party", "reattribute needs the party now held responsible")
    at = dt.datetime.now(dt.timezone.utc)
    record = Review(id=content_id("rev", finding_id, reviewer, at.isoformat()), finding_id=finding_id,
                    reviewer=reviewer, at=at, action=action, reason=reason, new_party=new_party)
    store = Store.open(db)
    store.add_review(record)
    current = next((f for f in store.findings() if f.id == finding_id), None)
    click.echo(f"recorded {record.id}: {finding_id} is now {current.status if current else '?'}, "
               f"party {current.party if current else '?'}")


@cli.command()
@db_option
@click.argument("target", metavar="COPY.db")
@reports_input_errors
def backup(db: str | None, target: str) -> None:
    """A consistent copy of a SQLite store, taken while it is in use (every table: documents, events, findings,
    reviews, subscriptions, deliveries, quarantine). A PostgreSQL store is backed up with pg_dump."""
    from ceasefire.store import Store

    Store.open(db).backup(Path(target))
    click.echo(f"wrote {target}")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print counts as one JSON object.")
@reports_input_errors
def status(db: str | None, as_json: bool) -> None:
    """Counts of documents, claims, incidents, events and findings in the store."""
    from ceasefire.store import Store

    store = Store.open(db)
    counts = store.counts()
    quarantined = store.quarantined()
    if as_json:
        click.echo(json.dumps({**counts, "quarantined": quarantined, "schema_version": store.schema_version()}))
        return
    from ceasefire.store import shown

    click.echo(f"store: {shown(store.url)} (schema v{store.schema_version()})")
    for name, n in counts.items():
        click.echo(f"  {name.replace('_', ' '):<18}{n:>8}")
    click.echo(f"  {'quarantined':<18}{quarantined:>8}" + ("  (see `ceasefire quarantine list`)" if quarantined
                                                           else ""))


@cli.group(name="quarantine")
def quarantine_group() -> None:
    """Documents set aside because they could not be extracted or stored: list, show and retry them."""


@quarantine_group.command(name="list")
@db_option
@click.option("--all", "include_resolved", is_flag=True, help="Also entries that a retry resolved.")
@reports_input_errors
def quarantine_list(db: str | None, include_resolved: bool) -> None:
    """One line per quarantined document: id, when, problem."""
    from ceasefire.store import Store

    entries = Store.open(db).quarantine_entries(include_resolved)
    for e in entries:
        state = "resolved" if e["resolved_at"] else ("retryable" if e["retryable"] else "kept as a note only")
        click.echo(f"{e['id']:>5}  {e['at']:%Y-%m-%d %H:%M}  {state:<10}  {e['problem']}")
    waiting = sum(e["resolved_at"] is None for e in entries)
    click.echo(f"{waiting} in quarantine" + (f", {len(entries) - waiting} resolved" if include_resolved else ""))


@quarantine_group.command(name="show")
@db_option
@click.argument("entry_id", type=int)
@reports_input_errors
def quarantine_show(db: str | None, entry_id: int) -> None:
    """A quarantined document's problem and the document itself (its metadata and the start of its text)."""
    from ceasefire.errors import InputError
    from ceasefire.store import Store

    store = Store.open(db)
    entry = next((e for e in store.quarantine_entries(True) if e["id"] == entry_id), None)
    if entry is None:
        raise InputError(str(entry_id), "no such quarantine entry")
    click.echo(f"problem: {entry['problem']}\nat: {entry['at']}\nresolved: {entry['resolved_at'] or 'no'}")
    for _, raw in store.quarantined_documents([entry_id], include_resolved=True):
        doc = raw.document
        click.echo(f"document: {doc.id} from {doc.source or 'unknown source'}, published {doc.published or '?'}, "
                   f"language {doc.language}, {len(doc.text)} characters\n\n{doc.text[:600]}")


@quarantine_group.command(name="retry")
@db_option
@click.argument("entry_ids", type=int, nargs=-1)
@reports_input_errors
def quarantine_retry(db: str | None, entry_ids: tuple[int, ...]) -> None:
    """Extract and store quarantined documents again (all, or the ids given), after a fix."""
    from ceasefire.pipeline import retry_quarantined
    from ceasefire.store import Store

    result = retry_quarantined(Store.open(db), list(entry_ids) or None)
    for problem in result.errors:
        click.echo(f"ceasefire: still quarantined: {problem}", err=True)
    click.echo(f"{len(result.added)} stored, {len(result.skipped)} already stored, {len(result.errors)} still failing")
    if result.errors:
        sys.exit(EXIT_BAD_INPUT)


@cli.command()
@db_option
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Reporting day (default: the latest day with events).")
@click.option("--agreement", metavar="NAME|FILE", help="Agreement whose clauses the briefing tallies.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "pdf"]), multiple=True,
              help="Output format(s), repeatable; default md and html (pdf needs the 'pdf' extra).")
@click.option("--out", "out_dir", default="out", show_default=True, metavar="DIR", help="Folder to write into.")
@click.option("--cutoff", default="19:30", show_default=True, metavar="HH:MM", help="End of the reporting day.")
@click.option("--tz", "timezone", default="Europe/Kyiv", show_default=True, help="Time zone of the cut-off.")
@reports_input_errors
def brief(db: str | None, day: str | None, agreement: str | None, fmt: tuple[str, ...], out_dir: str, cutoff: str,
          timezone: str) -> None:
    """Write the daily briefing for one reporting day into DIR."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from ceasefire.pipeline import adjudicate_store, bring_up_to_date
    from ceasefire.publish.brief import ReportingDay, latest_day, write_briefing
    from ceasefire.adjudicate import load_agreement
    from ceasefire.store import Store

    try:
        cut = dt.time.fromisoformat(cutoff)
        ZoneInfo(timezone)
    except (ValueError, ZoneInfoNotFoundError):
        raise InputError(f"--cutoff {cutoff} --tz {timezone}", "expected HH:MM and a time zone such as Europe/Kyiv") \
            from None
    store = Store.open(db)
    bring_up_to_date(store)
    if agreement:
        adjudicate_store(store, load_agreement(agreement, store.agreements()))
    when = _date(day, "--date") or latest_day(store)
    if when is None:
        from ceasefire.store import shown

        raise InputError(shown(store.url), "the store holds no events yet; ingest documents first")
    paths = write_briefing(store, ReportingDay(when, cut, timezone), Path(out_dir), fmt or ("md", "html"),
                           agreement)
    for p in paths:
        click.echo(f"wrote {p}")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--get", "get_path", metavar="PATH", help="Print the response to one GET request (as a viewer) and exit.")
@click.option("--allow-remote", is_flag=True,
              help="Serve on an address other machines can reach (put TLS in front: tokens travel in headers and "
                   "cookies).")
@click.option("--rate-limit", default=1200, show_default=True, type=click.IntRange(0),
              help="API requests per minute per client address and worker (0: no limit).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (one per core serves the most requests).")
@reports_input_errors
def serve(db: str | None, host: str, port: int, get_path: str | None, allow_remote: bool, rate_limit: int,
          workers: int) -> None:
    """Serve the dashboard and the API (OpenAPI at /openapi.json), on this machine only unless --allow-remote.
    Every page and route needs a token: `ceasefire token create --role viewer|analyst|admin`."""
    import ipaddress

    from ceasefire.access import Principal, has_tokens
    from ceasefire.api.app import create_app
    from ceasefire.api.security import current_principal
    from ceasefire.errors import InputError
    from ceasefire.store import Store

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not allow_remote:
        raise InputError(f"--host {host}", "not this machine's loopback address; serving other machines needs "
                                           "--allow-remote (with TLS in front)")
    store = Store.open(db)
    hosts = None if allow_remote else ["127.0.0.1", "localhost", "[::1]", "testserver"]
    app = create_app(store, allowed_hosts=hosts, rate_limit=rate_limit)
    if get_path:
        from fastapi.testclient import TestClient

        # Whoever can run this command can read the store directly: the request goes in as a viewer.
        app.dependency_overrides[current_principal] = lambda: Principal("cli", "viewer", "serve --get")
        response = TestClient(app).get(get_path)
        click.echo(response.text)
        if response.status_code >= 400:
            sys.exit(1)
        return
    import uvicorn

    if not has_tokens(store):
        shown_db = f" --db {db}" if db else ""
        click.echo(f"no access token exists yet: create one with `ceasefire token create --role analyst{shown_db}` "
                   "and sign in with it")
    click.echo(f"serving the dashboard on http://{host}:{port}/ and the API on http://{host}:{port}/api/ "
               "(Ctrl-C to stop)")
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    from ceasefire.store import resolve_db

    os.environ.update(CEASEFIRE_DB=resolve_db(db), CFM_RATE_LIMIT=str(rate_limit),
                      CFM_ALLOWED_HOSTS=",".join(hosts or []))
    uvicorn.run("ceasefire.api.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="warning")


@cli.group(name="source")
def source_group() -> None:
    """The sources the team follows: feeds, pages, folders, channel exports, dataset files (see `watch`)."""


@source_group.command(name="add")
@db_option
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(["rss", "atom", "url", "telegram-export", "acled-csv",
                                                          "ucdp-csv", "directory"]), help="What the location holds.")
@click.option("--location", required=True, metavar="URL|PATH", help="A feed's or page's URL, or a file or folder.")
@click.option("--every", default="15m", show_default=True, metavar="INTERVAL", help="How often: 90s, 15m, 1h, 1d.")
@click.option("--grade", metavar="A-F", help="Its Admiralty reliability grade (default: data/sources.yaml decides "
                                             "by name and web host).")
@click.option("--party", metavar="PARTY", help="The party it speaks for (a ministry, a general staff): UA, RU, ...; "
                                               "none for a wire service or a monitor.")
@click.option("--language", metavar="CODE", help="Its language (en, uk, ru); default: detected per document.")
@click.option("--local", is_flag=True, help="Its URL may be on this machine or its network (a mirror, a test).")
@reports_input_errors
def source_add(db: str | None, name: str, kind: str, location: str, every: str, grade: str | None,
               party: str | None, language: str | None, local: bool) -> None:
    """Follow a source: `ceasefire watch` reads it every INTERVAL."""
    from ceasefire.sources import make_source, shown_every
    from ceasefire.store import Store

    source = make_source(name, kind, location, every, grade, party, language, local)
    Store.open(db).add_source(source)
    click.echo(f"following {source.name} ({source.kind}, every {shown_every(source.every_seconds)}): "
               f"{source.location}")


@source_group.command(name="list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the sources with their health as JSON.")
@reports_input_errors
def source_list(db: str | None, as_json: bool) -> None:
    """One line per followed source with its health: last success, last error, documents added."""
    from ceasefire.sources import shown_every
    from ceasefire.store import Store

    sources = Store.open(db).sources()
    if as_json:
        click.echo(json.dumps([s.model_dump(mode="json", exclude={"etag", "last_modified"}) for s in sources]))
        return
    for s in sources:
        h = s.health
        state = "disabled" if not s.enabled else "failing" if h.failures else "ok" if h.last_success_at else "new"
        ok = f"{h.last_success_at:%Y-%m-%d %H:%M}" if h.last_success_at else "never"
        click.echo(f"{s.name:<28} {s.kind:<15} every {shown_every(s.every_seconds):<5} {state:<8} "
                   f"{h.documents_added:>7} docs  last ok {ok}"
                   + (f"  last error: {h.last_error}" if h.failures else ""))
    click.echo(f"{len(sources)} source{'s' if len(sources) != 1 else ''} followed")


@source_group.command(name="show")
@db_option
@click.argument("name")
@reports_input_errors
def source_show(db: str | None, name: str) -> None:
    """Everything about one followed source."""
    from ceasefire.sources import shown_every
    from ceasefire.store import Store

    found = Store.open(db).sources(name)
    if not found:
        raise InputError(name, "no such source (see `ceasefire source list`)")
    s = found[0]
    for label, value in [("name", s.name), ("kind", s.kind), ("location", s.location),
                         ("every", shown_every(s.every_seconds)), ("grade", s.grade or "by data/sources.yaml"),
                         ("party", s.party or "none"), ("language", s.language or "detected"),
                         ("local", "yes" if s.local else "no"), ("enabled", "yes" if s.enabled else "no"),
                         ("added", s.created_at), *s.health.model_dump().items()]:
        click.echo(f"{label.replace('_', ' ') + ':':<18}{'-' if value is None else value}")


def _switch(db: str | None, name: str, enabled: bool) -> None:
    from ceasefire.store import Store

    if not Store.open(db).update_source(name, actor="cli", enabled=int(enabled)):
        raise InputError(name, "no such source (see `ceasefire source list`)")
    click.echo(f"{'enabled' if enabled else 'disabled'} {name}")


@source_group.command(name="disable")
@db_option
@click.argument("name")
@reports_input_errors
def source_disable(db: str | None, name: str) -> None:
    """Stop polling a source (kept, with its health and documents)."""
    _switch(db, name, False)


@source_group.command(name="enable")
@db_option
@click.argument("name")
@reports_input_errors
def source_enable(db: str | None, name: str) -> None:
    """Poll a disabled source again."""
    _switch(db, name, True)


@source_group.command(name="remove")
@db_option
@click.argument("name")
@reports_input_errors
def source_remove(db: str | None, name: str) -> None:
    """Stop following a source; the documents read from it stay."""
    from ceasefire.store import Store

    if not Store.open(db).remove_source(name):
        raise InputError(name, "no such source (see `ceasefire source list`)")
    click.echo(f"removed {name} (its documents stay)")


@cli.command()
@db_option
@click.option("--once", is_flag=True, help="Poll the sources that are due now, once, and stop.")
@reports_input_errors
def watch(db: str | None, once: bool) -> None:
    """Poll the followed sources on their schedules until stopped (SIGTERM or Ctrl-C), one log line per poll."""
    import signal
    import threading

    from ceasefire.store import Store
    from ceasefire.watch import watch as run_watch

    store = Store.open(db)
    if not store.sources():
        click.echo("ceasefire: no source is followed yet: add one with `ceasefire source add`", err=True)
    stop = threading.Event()

    def ask_to_stop(signum, _frame) -> None:
        click.echo(f"watch: {signal.Signals(signum).name}: stopping after the document being stored", err=True)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, ask_to_stop)
    polls = run_watch(store, stop, once=once, log=lambda line: click.echo(line))
    click.echo(f"watch: stopped after {polls} poll{'s' if polls != 1 else ''}", err=True)


@cli.group(name="token")
def token_group() -> None:
    """Bearer tokens for the API and the dashboard: create, list, revoke."""


@token_group.command(name="create")
@db_option
@click.option("--role", type=click.Choice(["viewer", "analyst", "admin"]), required=True,
              help="viewer reads; analyst also reviews findings and submits field reports; admin also manages "
                   "agreements, subscriptions and tokens.")
@click.option("--label", default="", help="Whose token this is (shown in the audit trail), e.g. a name.")
@reports_input_errors
def token_create(db: str | None, role: str, label: str) -> None:
    """Create a token; it is printed once, as the last word of the output, and only its hash is kept."""
    from ceasefire.access import create_token
    from ceasefire.store import Store

    info, token = create_token(Store.open(db), role, label)
    click.echo(f"token {info.id} ({info.role}, {info.label}) created; it is shown only now, keep it secret:")
    click.echo(token)


@token_group.command(name="list")
@db_option
@reports_input_errors
def token_list(db: str | None) -> None:
    """Every token: id, role, label, when created and revoked (never the token itself)."""
    from ceasefire.access import tokens
    from ceasefire.store import Store

    for t in tokens(Store.open(db)):
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        click.echo(f"{t.id}  {t.role:<7} {state:<22} created {t.created_at:%Y-%m-%d %H:%M}  {t.label}")


@token_group.command(name="revoke")
@db_option
@click.argument("token_id")
@reports_input_errors
def token_revoke(db: str | None, token_id: str) -> None:
    """Revoke a token by its id (from `token list`); it stops working at once."""
    from ceasefire.access import revoke_token
    from ceasefire.store import Store

    info = revoke_token(Store.open(db), token_id)
    click.echo(f"token {info.id} ({info.role}, {info.label}) revoked")


@cli.command()
@db_option
@click.option("--out", "out_dir", default="out", show_default=True, metavar="DIR", help="Folder for the briefing.")
@reports_input_errors
def demo(db: str | None, out_dir: str) -> None:
    """Ingest the bundled demo corpus and write a daily briefing from it."""
    from ceasefire.fixtures import DEMO_BRIEFING_DAY, build_demo
    from ceasefire.publish.brief import write_briefing
    from ceasefire.store import Store

    store = Store.open(db)
    result = build_demo(store)
    counts = store.counts()
    click.echo(f"demo corpus: {len(result.added)} documents added, {len(result.skipped)} already stored; the store "
               f"now holds {counts['documents']} documents, {counts['claims']} claims, {counts['incidents']} incidents")
    for error in result.errors:
        click.echo(f"ceasefire: {error}", err=True)
    paths = write_briefing(store, DEMO_BRIEFING_DAY, Path(out_dir), ("md", "html"), "energy-moratorium-2025")
    click.echo(f"daily briefing for {DEMO_BRIEFING_DAY}: {', '.join(str(p) for p in paths)}")
    click.echo(f"open {paths[-1].resolve().as_uri()} in a browser, or read {paths[0]} as text")
    shown_db = db or "ceasefire.db"
    click.echo(f"dashboard with the demo data: `ceasefire token create --role analyst --db {shown_db}`, then "
               f"`ceasefire serve --db {shown_db}` and open http://127.0.0.1:8000/ (sign in with the token)")
    if result.errors:
        sys.exit(EXIT_BAD_INPUT)


@cli.group()
def alerts() -> None:
    """Alert subscriptions (signed webhooks, email) and their delivery log."""


@alerts.command(name="subscribe")
@db_option
@click.option("--webhook", metavar="URL", help="POST signed JSON alerts to URL.")
@click.option("--secret", help="Shared secret for the webhook's HMAC-SHA256 signature (16+ characters).")
@click.option("--email", metavar="ADDRESS", help="Send alerts by email (SMTP from CFM_SMTP_HOST/PORT/SENDER).")
@click.option("--agreement", help="Only findings under this agreement.")
@click.option("--clause", help="Only this clause id.")
@click.option("--party", help="Only findings against this party (UA, RU, undetermined …).")
@click.option("--region", help="Only findings in this region (admin1, e.g. Donetsk).")
@click.option("--status", help="Only this status (alleged, corroborated, confirmed, disputed).")
@click.option("--min-grade", help="Only events graded this well or better, e.g. B3.")
@reports_input_errors
def alerts_subscribe(db, webhook, secret, email, agreement, clause, party, region, status, min_grade) -> None:
    """Subscribe a webhook or an email address to findings."""
    from ceasefire.publish.alerts import AlertFilter, subscribe
    from ceasefire.store import Store

    if bool(webhook) == bool(email):
        raise InputError("alerts subscribe", "give exactly one of --webhook URL or --email ADDRESS")
    sub = subscribe(Store.open(db), "webhook" if webhook else "email", webhook or email, secret,
                    AlertFilter(agreement=agreement, clause=clause, party=party, region=region, status=status,
                                min_grade=min_grade))
    click.echo(f"subscribed {sub.id} ({sub.kind} {sub.target})")


@alerts.command(name="list")
@db_option
@reports_input_errors
def alerts_list(db: str | None) -> None:
    """List active subscriptions."""
    from ceasefire.publish.alerts import subscriptions
    from ceasefire.store import Store

    for sub in subscriptions(Store.open(db)):
        wanted = ", ".join(f"{k}={v}" for k, v in sub.filter.model_dump().items() if v) or "all findings"
        click.echo(f"{sub.id}  {sub.kind:<7} {sub.target}  ({wanted})")


@alerts.command(name="send")
@db_option
@reports_input_errors
def alerts_send(db: str | None) -> None:
    """Deliver findings that match subscriptions and were not delivered before."""
    from ceasefire.publish.alerts import send_alerts
    from ceasefire.store import Store

    report = send_alerts(Store.open(db))
    click.echo(f"{report.delivered} delivered, {report.failed} failed, {report.skipped} already delivered")
    if report.failed:
        sys.exit(1)


@alerts.command(name="log")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the log as JSON.")
@reports_input_errors
def alerts_log(db: str | None, as_json: bool) -> None:
    """Every delivery attempt, oldest first."""
    from ceasefire.publish.alerts import delivery_log
    from ceasefire.store import Store

    rows = delivery_log(Store.open(db))
    if as_json:
        click.echo(json.dumps(rows, default=str, indent=2))
        return
    for r in rows:
        click.echo(f"{r['at']}  {r['outcome']:<9} attempt {r['attempt']}  {r['subscription_id']} {r['finding_id']}  "
                   f"{r['detail']}")


@cli.command(name="export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "acled", "jsonl"]), required=True,
              help="csv, geojson, acled (ACLED's columns) or jsonl (a full dump that `import` reads back).")
@click.option("--what", type=click.Choice(["events", "findings", "claims"]), default="events", show_default=True,
              help="Records to export (csv and geojson).")
@click.option("--agreement", metavar="NAME", help="Only findings under this agreement.")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day.")
@click.option("--out", "out_file", metavar="FILE", help="Write to FILE instead of standard output.")
@reports_input_errors
def export_cmd(db: str | None, fmt: str, what: str, agreement: str | None, start: str | None, end: str | None,
               out_file: str | None) -> None:
    """Export events, findings or claims; or the whole store as JSON lines."""
    from ceasefire.publish import exports
    from ceasefire.store import Store

    store = Store.open(db)
    filters = exports.ExportFilter(agreement, _date(start, "--from"), _date(end, "--to"))
    if fmt == "jsonl":
        text = "".join(line + "\n" for line in exports.dump(store))
    elif fmt == "acled":
        text = exports.to_acled(store, filters)
    elif fmt == "geojson":
        text = exports.to_geojson(store, what, filters) + "\n"
    else:
        text = exports.to_csv(store, what, filters)
    if out_file:
        try:
            if fmt == "jsonl":  # the dump holds subscription secrets: readable by its owner only, new or not
                Path(out_file).touch(mode=0o600)
                Path(out_file).chmod(0o600)
            Path(out_file).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(out_file, f"cannot write ({exc.strerror})") from None
        click.echo(f"wrote {out_file}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command(name="import")
@db_option
@click.argument("dump_file", metavar="FILE.jsonl")
@reports_input_errors
def import_cmd(db: str | None, dump_file: str) -> None:
    """Import a JSON-lines dump made by `export --format jsonl`: all or nothing — every bad line is named and then
    nothing is imported; rows the store already has are kept."""
    from ceasefire.publish.exports import DumpError, load
    from ceasefire.store import Store

    path = Path(dump_file)
    if not path.exists():
        raise InputError(dump_file, "no such file")
    if path.is_dir():
        raise InputError(dump_file, "is a folder, not a dump file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(dump_file, f"cannot read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(dump_file, "empty file: nothing to import")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{dump_file}:{line}", "not UTF-8 text") from None
    # Split on newlines only: str.splitlines() also splits at U+2028 and other separators that a dump keeps
    # unescaped inside a report's text.
    try:
        counts = load(Store.open(db), content.split("\n"), dump_file)
    except DumpError as exc:
        for bad in exc.bad:
            click.echo(f"ceasefire: {' '.join(str(bad).split())}", err=True)
        raise
    click.echo(", ".join(f"{n} {table}" for table, n in counts.items()) or "nothing new")


@cli.group(name="eval")
def eval_group() -> None:
    """Score extraction and geocoding on human-coded data."""


def _print_report(report, as_json: bool, show_errors: int) -> None:
    click.echo(report.to_json() if as_json else report.summary())
    for line in report.errors[:show_errors]:
        click.echo(line)


@eval_group.command(name="acled")
@click.argument("csv_file", metavar="FILE.csv")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "show_errors", type=int, default=0, metavar="N", help="Also print N wrong rows.")
@reports_input_errors
def eval_acled(csv_file: str, as_json: bool, show_errors: int) -> None:
    """Score incident extraction against an ACLED-format CSV (input: notes; answer: the coded columns)."""
    from ceasefire.evaluate import score_acled

    _print_report(score_acled(Path(csv_file)), as_json, show_errors)


@eval_group.command(name="geocode")
@click.argument("csv_file", metavar="FILE.csv")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--limit", type=int, default=0, help="Score only the first N rows.")
@click.option("--errors", "show_errors", type=int, default=0, metavar="N", help="Also print N wrong rows.")
@reports_input_errors
def eval_geocode(csv_file: str, as_json: bool, limit: int, show_errors: int) -> None:
    """Score geocoding of free-text descriptions against coded coordinates and oblasts."""
    from ceasefire.evaluate import score_geocode

    _print_report(score_geocode(Path(csv_file), limit=limit), as_json, show_errors)


@eval_group.command(name="ucdp")
@click.argument("csv_file", metavar="FILE.csv")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "show_errors", type=int, default=0, metavar="N", help="Also print N wrong rows.")
@reports_input_errors
def eval_ucdp(csv_file: str, as_json: bool, show_errors: int) -> None:
    """Score geocoding of UCDP GED place descriptions and deaths stated in its headlines."""
    from ceasefire.evaluate import score_ucdp

    _print_report(score_ucdp(Path(csv_file)), as_json, show_errors)


@eval_group.command(name="monitor")
@click.argument("jsonl_file", metavar="FILE.jsonl")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "show_errors", type=int, default=0, metavar="N", help="Also print N wrong rows.")
@reports_input_errors
def eval_monitor(jsonl_file: str, as_json: bool, show_errors: int) -> None:
    """Score monitors' tallies per region (ceasefire violations, explosions) against recorded counts."""
    from ceasefire.evaluate import score_monitor_counts

    _print_report(score_monitor_counts(Path(jsonl_file)), as_json, show_errors)


@eval_group.command(name="statements")
@click.argument("jsonl_file", metavar="FILE.jsonl", default="tests/check/statements_uk.jsonl")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "show_errors", type=int, default=0, metavar="N",
              help="Also print N wrong statements (of the tuning part only).")
@reports_input_errors
def eval_statements(jsonl_file: str, as_json: bool, show_errors: int) -> None:
    """Score the reading of our own annotated Ukrainian and Russian official statements (counts, parties, oblasts)."""
    from ceasefire.evaluate_statements import score_statements

    _print_report(score_statements(Path(jsonl_file)), as_json, show_errors)


@eval_group.command(name="passages")
@click.argument("jsonl_file", metavar="FILE.jsonl", default="tests/check/passages.jsonl")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "show_errors", type=int, default=0, metavar="N",
              help="Also print N wrong passages (of the tuning part only).")
@reports_input_errors
def eval_passages(jsonl_file: str, as_json: bool, show_errors: int) -> None:
    """Score extraction on our own hand-annotated passages (attacker, non-events, stance, contradictions …)."""
    from ceasefire.evaluate_passages import score_passages

    _print_report(score_passages(Path(jsonl_file)), as_json, show_errors)


@eval_group.command(name="calibrate")
@click.argument("csv_files", nargs=-1, required=True, metavar="FILE.csv|FILE.jsonl...")
@click.option("--out", "out", default=None, metavar="FILE.json",
              help="Where to write the table (default: the package's data/calibration.json).")
@reports_input_errors
def eval_calibrate(csv_files: tuple[str, ...], out: str | None) -> None:
    """Calibrate per-field confidence on the tuning parts of ACLED-format files (incidents) and annotated passages
    (claims); see extract/confidence.py."""
    from ceasefire.evaluate import calibrate

    target = Path(out) if out else Path(__file__).with_name("data") / "calibration.json"
    table = calibrate([Path(f) for f in csv_files])
    target.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    click.echo(f"wrote {target}")


@eval_group.command(name="replay")
@click.argument("csv_file", metavar="FILE.csv")
@click.option("--agreement", "agreement_name", required=True, metavar="NAME|FILE", help="Agreement to replay.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@reports_input_errors
def eval_replay(csv_file: str, agreement_name: str, as_json: bool) -> None:
    """Replay human-coded events (ACLED format) against an agreement: violations per party vs the coded counts."""
    from ceasefire.evaluate import score_replay

    report = score_replay(Path(csv_file), agreement_name)
    click.echo(report.to_json() if as_json else report.summary())


def main() -> None:
    cli(prog_name="ceasefire")


if __name__ == "__main__":
    main()
