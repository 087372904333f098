"""Field reports: a monitor's structured observation, posted to the API, stored as a document of kind
`field-report` and read without language rules — its fields are the incident.

The document's text is a plain English sentence made from the fields (what the briefing and the event page show
and what the incident's evidence span covers); its raw bytes are the report as posted, attachments by sha256.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ceasefire.errors import InputError
from ceasefire.intake.files import make_document
from ceasefire.records import Extraction, Incident, Place, RawDocument, Span, TimeSpan, content_id

CONTENT_TYPE = "application/x-field-report"
MAX_ATTACHMENTS_BYTES = 3 * 1024 * 1024  # decoded; the request as a whole is capped by the server


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200, examples=["crater-north.jpg"])
    content_type: str = Field("application/octet-stream", max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$")
    content_base64: str = Field(description="the file, base64-encoded")

    def content(self) -> bytes:
        try:
            return base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InputError(f"attachment {self.name!r}", "content_base64 is not base64") from None


class FieldReport(BaseModel):
    """One observation by the team's own monitors."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "what": "shelling", "place": "Avdiivka", "lat": 48.139, "lon": 37.743, "observed_at": "2025-03-20T14:20:00+02:00",
        "mode": "heard", "direction": "from the south-east", "count": 12, "party": None,
        "observer": "patrol 3", "notes": "impacts 2-3 km away, no damage seen"}]})
    what: str = Field(description="the incident type, as the codebook names it (shelling, armed_clash, "
                                  "drone_strike, missile_strike, air_strike, property_destruction …)")
    place: str | None = Field(None, max_length=200, description="a place name (geocoded when no coordinates)")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    observed_at: dt.datetime | dt.date
    mode: str = Field("seen", pattern=r"^(seen|heard|seen_and_heard)$")
    direction: str | None = Field(None, max_length=200, description='where from or to: "from the south-east"')
    count: int | None = Field(None, ge=0, le=100_000, description="how many (explosions, rounds, drones …)")
    fatalities: int | None = Field(None, ge=0, le=100_000)
    injured: int | None = Field(None, ge=0, le=100_000)
    party: str | None = Field(None, pattern=r"^(UA|RU|US|NATO|EU|UN|OTHER)$",
                              description="the party the observers hold responsible, if they can tell")
    facility: str | None = Field(None, max_length=40, description="facility category hit, if any (electricity …)")
    observer: str | None = Field(None, max_length=200, description="team or call sign (default: the token's label)")
    notes: str | None = Field(None, max_length=4000)
    attachments: list[Attachment] = Field(default_factory=list, max_length=20)

    @field_validator("what")
    @classmethod
    def _known_type(cls, value: str) -> str:
        from ceasefire.extract.taxonomy import INCIDENT_TYPES

        if value not in INCIDENT_TYPES:
            raise ValueError(f"unknown incident type; one of {', '.join(sorted(INCIDENT_TYPES))}")
        return value

    @model_validator(mode="after")
    def _somewhere(self) -> FieldReport:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if self.lat is None and not self.place:
            raise ValueError("say where: lat and lon, or a place name")
        return self


def _region_of(lat: float, lon: float) -> str | None:
    """The bundled boundary region a point lies in (Crimea and Sevastopol as Ukraine's)."""
    from ceasefire.adjudicate import point_in_polygon
    from ceasefire.publish.charts import regions

    for feature in regions():
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        if any(point_in_polygon(lon, lat, poly) for poly in polygons):
            return feature["properties"]["name"]
    return None


def _place(report: FieldReport, day: dt.date) -> tuple[Place, str]:
    if report.lat is not None:
        name = report.place or f"{report.lat:.4f}, {report.lon:.4f}"
        country = None
        region = _region_of(report.lat, report.lon)
        return Place(name=name, lat=report.lat, lon=report.lon, admin1=region, country=country, precision=1,
                     mention=report.place), "coordinates reported by the observers"
    from ceasefire.geo.geocode import default_geocoder

    resolution = default_geocoder().locate_text(report.place, day)
    if resolution.place is None:
        raise InputError(f"place {report.place!r}", f"not found in the gazetteer ({resolution.reason}); "
                                                     "give lat and lon")
    return resolution.place, "place name reported by the observers, geocoded"


def _clock(report: FieldReport) -> str | None:
    """The local time observed, with its offset where given ("14:20+02:00")."""
    if not isinstance(report.observed_at, dt.datetime):
        return None
    return report.observed_at.timetz().isoformat(timespec="minutes")


def _sentence(report: FieldReport, observer: str, where: str, day: dt.date) -> str:
    how = {"seen": "saw", "heard": "heard", "seen_and_heard": "saw and heard"}[report.mode]
    what = report.what.replace("_", " ")
    counted = f"{report.count} x {what}" if report.count is not None else what
    clock = f" at {_clock(report)}" if _clock(report) else ""
    parts = [f"Field report: {observer} {how} {counted} at {where} on {day.isoformat()}{clock}"]
    if report.direction:
        parts.append(f", {report.direction}")
    if report.party:
        parts.append(f"; the observers hold {report.party} responsible")
    sentence = "".join(parts) + "."
    harm = [f"{n} {label}" for n, label in ((report.fatalities, "killed"), (report.injured, "injured")) if n]
    if harm:
        sentence += f" Casualties: {', '.join(harm)}."
    return sentence


def field_report_document(report: FieldReport, observer: str) -> tuple[RawDocument, Extraction, list[dict]]:
    """The report as a document, its one incident, and its attachments as rows (sha256, name, type, bytes)."""
    from ceasefire.extract.taxonomy import acled_labels

    files, total = [], 0
    for attachment in report.attachments:
        content = attachment.content()
        total += len(content)
        if total > MAX_ATTACHMENTS_BYTES:
            raise InputError("attachments", f"more than {MAX_ATTACHMENTS_BYTES} bytes in all")
        files.append({"sha256": hashlib.sha256(content).hexdigest(), "name": attachment.name,
                      "content_type": attachment.content_type, "size": len(content), "data": content})
    day = report.observed_at.date() if isinstance(report.observed_at, dt.datetime) else report.observed_at
    place, place_reason = _place(report, day)
    where = f"{place.name} ({place.lat:.4f}, {place.lon:.4f})"
    headline = _sentence(report, observer, where, day)
    text = headline + (f"\n\nNotes: {report.notes}" if report.notes else "")
    posted = report.model_dump(mode="json", exclude={"attachments"})
    posted["observer"] = observer
    posted["attachments"] = [{k: f[k] for k in ("sha256", "name", "content_type", "size")} for f in files]
    raw = json.dumps(posted, ensure_ascii=False, sort_keys=True).encode("utf-8")
    document = make_document(raw, text, source=f"Field report ({observer})", title=headline[:200], published=day,
                             retrieved=dt.datetime.now(dt.timezone.utc), language="en", content_type=CONTENT_TYPE)
    doc = document.document
    event_type, sub = acled_labels(report.what, report.party)
    incident = Incident(
        id=content_id("inc", doc.id, 0), doc_id=doc.id, type=report.what, acled_event_type=event_type,
        acled_sub_event_type=sub, actor=report.party, actor_party=report.party,
        actor_basis="stated" if report.party else None, count=report.count, fatalities=report.fatalities,
        injured=report.injured, facility=report.facility, place_mention=report.place or where, place=place,
        place_reason=place_reason, when=TimeSpan(start=day, end=day, precision="day", clock=_clock(report)),
        span=Span(start=0, end=len(headline), text=headline))
    return document, Extraction(document=doc, incidents=[incident]), files
