"""Issue 11: events and findings a monitoring team can publish."""
import datetime as dt
import json

from ceasefire.adjudicate import load_agreement
from ceasefire.pipeline import IngestRequest, adjudicate_store, ingest, reconcile_store
from ceasefire.records import Review, content_id
from ceasefire.store import Store

MORATORIUM = load_agreement("energy-moratorium-2025")


def _ingest(store, tmp_path, name, text, published, source):
    path = tmp_path / f"{name}.jsonl"
    path.write_text(json.dumps({"id": name, "text": text, "published": published, "source": source}))
    return ingest(store, IngestRequest(jsonl=str(path)))


def _findings(store):
    return adjudicate_store(store, MORATORIUM, reconcile_store(store))


def test_issue_11_a_second_report_of_a_reviewed_strike_joins_it_and_keeps_the_review(tmp_path):
    store = Store.open(str(tmp_path / "t.db"))
    _ingest(store, tmp_path, "a", "Russian drones struck an electricity substation in Kharkiv on Wednesday, "
            "Ukraine's energy ministry said.", "2025-03-27", "Ukrainian Energy Ministry")
    (finding,) = _findings(store)
    store.add_review(Review(id=content_id("rev", finding.id, "t"), finding_id=finding.id, reviewer="analyst",
                            at=dt.datetime(2025, 3, 28, tzinfo=dt.timezone.utc), action="confirm", reason="photos"))
    _ingest(store, tmp_path, "b", "A Russian drone attack hit a power substation in Kharkiv on Wednesday, "
            "the regional governor said.", "2025-03-27", "Kharkiv regional administration")
    after = _findings(store)
    assert [(f.id, f.status) for f in after] == [(finding.id, "confirmed")]  # one act, one finding, still reviewed
    assert store.counts()["events"] == 1


def test_issue_11_a_re_ingest_changes_nothing(tmp_path):
    store = Store.open(str(tmp_path / "t.db"))
    text = "Ukrainian drones hit an oil depot in Bryansk region overnight, the Russian Defence Ministry said."
    _ingest(store, tmp_path, "a", text, "2025-03-29", "Russian Ministry of Defence")
    before = [(f.id, f.event_id) for f in _findings(store)]
    assert _ingest(store, tmp_path, "a", text, "2025-03-29", "Russian Ministry of Defence").added == []
    assert [(f.id, f.event_id) for f in _findings(store)] == before and len(before) == 1
