import datetime as dt

import pytest

from ceasefire.adjudicate import adjudicate, apply_reviews, bundled_agreements, load_agreement, readings
from ceasefire.errors import InputError
from ceasefire.records import Event, Evidence, Place, Review, TimeSpan


def _event(day: str, type_: str = "shelling", party: str | None = "RU", admin1: str = "Donetsk", **extra) -> Event:
    d = dt.date.fromisoformat(day)
    return Event(id=f"evt-{day}-{type_}-{party}", type=type_, actor_party=party, when=TimeSpan(start=d, end=d, precision="day"),
                 place=Place(name="X", lat=48.0, lon=37.8, admin1=admin1, country="Ukraine", precision=1),
                 incident_ids=["inc-1"], evidence=[Evidence(doc_id="doc-1", start=0, end=10, text="shelled X")],
                 **extra)


def test_adjudicate_bundled_agreements_load():
    assert {"minsk-2020", "energy-moratorium-2025"} <= set(bundled_agreements())
    minsk = load_agreement("minsk-2020")
    assert minsk.window.start == dt.date(2020, 7, 27) and minsk.window.end == dt.date(2022, 2, 23)
    energy = load_agreement("energy-moratorium-2025")
    assert energy.window.alternative_starts == {"RU": dt.date(2025, 3, 18)}
    assert {c.facilities[0] for c in energy.clauses} == {"oil_refinery", "oil_gas_pipeline_storage", "electricity",
                                                        "nuclear", "hydro"}


@pytest.mark.parametrize("content,problem", [("id: [unclosed", "not valid YAML"), ("id: x\ntitle: y\n", "field")])
def test_adjudicate_bad_agreement_file(tmp_path, content, problem):
    p = tmp_path / "bad.yaml"
    p.write_text(content)
    with pytest.raises(InputError, match=problem):
        load_agreement(str(p))


def test_adjudicate_unknown_agreement():
    with pytest.raises(InputError, match="unknown agreement"):
        load_agreement("no-such-truce")


def test_adjudicate_minsk_window_and_scope():
    minsk = load_agreement("minsk-2020")
    events = [_event("2022-02-20"), _event("2022-02-26"), _event("2022-02-20", admin1="Kharkiv"),
              _event("2020-07-20"), _event("2022-02-21", type_="protest", party=None)]
    found = adjudicate(events, minsk)
    assert [(f.date.isoformat(), f.clause, f.party, f.status) for f in found] == [
        ("2022-02-20", "no-fire", "RU", "alleged")]
    assert "doc-1[0:10]" in found[0].rationale


def test_adjudicate_disputed_start_dates_give_one_finding_that_names_the_readings():
    energy = load_agreement("energy-moratorium-2025")
    early = _event("2025-03-20", type_="energy_strike", party="UA", admin1="Kursk", facility="electricity")
    late = _event("2025-03-28", type_="energy_strike", party="UA", admin1="Kursk", facility="oil_refinery",
                  sources=2)
    assert len(readings(energy, early.when.start)) == 2
    found = adjudicate([early, late], energy)
    by_event = {}
    for f in found:
        by_event.setdefault(f.event_id, []).append(f)
    assert [len(fs) for fs in by_event.values()] == [1, 1]  # one finding per event and clause, never per reading
    (first,), (second,) = by_event[early.id], by_event[late.id]
    assert first.status == "alleged" and [r.in_force for r in first.readings] == [True, False]
    assert "not yet in force if it began on 2025-03-25" in first.basis and "in force if it began on 2025-03-18" \
        in first.basis and "not yet in force" in first.rationale
    assert second.status == "corroborated" and second.basis == "in force" and second.clause == "oil-refineries"
    assert not adjudicate([_event("2025-04-30", type_="energy_strike", facility="electricity")], energy)


def test_adjudicate_undetermined_party_and_disputed_status():
    minsk = load_agreement("minsk-2020")
    found = adjudicate([_event("2021-05-05", party=None, contradicted=True)], minsk)
    assert (found[0].party, found[0].status) == ("undetermined", "disputed")


def test_adjudicate_reviews_apply_in_order():
    minsk = load_agreement("minsk-2020")
    finding = adjudicate([_event("2021-05-05")], minsk)[0]
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    reviews = [Review(id="r1", finding_id=finding.id, reviewer="ana", at=t0, action="confirm", reason="video"),
               Review(id="r2", finding_id=finding.id, reviewer="bo", at=t0 + dt.timedelta(hours=1),
                      action="reattribute", reason="crater analysis", new_party="UA")]
    reviewed = apply_reviews(finding, reviews)
    assert (reviewed.status, reviewed.party) == ("confirmed", "UA")
    assert (finding.status, finding.party) == ("alleged", "RU")  # the original is untouched


def test_adjudicate_geographic_areas(tmp_path):
    square = {"type": "Polygon", "coordinates": [[[37.0, 47.5], [38.5, 47.5], [38.5, 48.5], [37.0, 48.5], [37.0, 47.5]]]}
    text = f"""
id: test-zone
title: A withdrawal zone
source: our own test
parties: {{UA: [ua-armed-forces], RU: [ru-armed-forces]}}
window: {{start: 2021-01-01}}
scope: {{geojson: {square!r}}}
clauses:
  - id: no-fire-in-zone
    text: No fire inside the zone.
    prohibited: [shelling]
    area: {square!r}
""".replace("'", '"')
    p = tmp_path / "zone.yaml"
    p.write_text(text)
    zone = load_agreement(str(p))
    inside, outside = _event("2021-05-05"), _event("2021-05-06")
    outside = outside.model_copy(update={"place": outside.place.model_copy(update={"lat": 49.5})})
    assert [f.event_id for f in adjudicate([inside, outside], zone)] == [inside.id]
