import json

from sqlalchemy.exc import IntegrityError

from ceasefire.pipeline import IngestRequest, ingest
from ceasefire.store import Store


def test_pipeline_a_document_that_cannot_be_stored_is_quarantined_and_the_batch_goes_on(db, tmp_path, monkeypatch):
    src = tmp_path / "docs.jsonl"
    src.write_text("\n".join(json.dumps({"id": n, "text": f"Russian forces shelled Kherson, report {n}.",
                                         "published": "2025-03-20"}) for n in range(3)))
    store = Store.open(db)
    original = store.save_extraction
    calls = []

    def flaky(raw, extraction, *args):
        calls.append(raw.document.id)
        if len(calls) == 2:
            raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: incidents.id"))
        return original(raw, extraction, *args)

    monkeypatch.setattr(store, "save_extraction", flaky)
    result = ingest(store, IngestRequest(jsonl=str(src)))
    assert len(result.added) == 2 and len(result.errors) == 1
    assert "UNIQUE constraint failed" in result.errors[0] and "\n" not in result.errors[0]
    assert store.counts()["documents"] == 2
    quarantined = store.read(lambda c: c.exec_driver_sql("select source, problem from quarantine").all())
    assert len(quarantined) == 1 and quarantined[0][0] == calls[1]
