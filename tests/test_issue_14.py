"""Issue 14: the API and the dashboard's server side — every route for every role (401, 403, 2xx), cursor pages,
filters shared with the dashboard, problem details, tokens, the audit trail, reviews, field reports, agreements,
subscriptions, sign-in with anti-forgery checks, rate limits and the migration that added it all."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from ceasefire.access import authenticate, create_token, form_key, tokens
from ceasefire.api.app import create_app
from ceasefire.api.security import CSRF_HEADER, SESSION_COOKIE
from ceasefire.fixtures import build_demo
from ceasefire.store import Store, migrations, queries, schema
from conftest import BACKENDS, store_location

ROLES = ("viewer", "analyst", "admin")


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory):
    """The demo store with one token per role, and an unauthenticated client."""
    store = Store.open(store_location(request, request.param, tmp_path_factory.mktemp("demo"), "demo"))
    build_demo(store)
    issued = {role: create_token(store, role, f"{role} tester")[1] for role in ROLES}
    app = create_app(store, rate_limit=0)
    return {"store": store, "tokens": issued, "client": TestClient(app), "app": app}


def as_role(demo, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo['tokens'][role]}"}


def _ids(store: Store) -> dict[str, str]:
    event = next(e for e in store.events() if e.incident_ids and e.claim_ids) if any(
        e.claim_ids for e in store.events()) else store.events()[0]
    finding = store.findings()[0]
    incident = store.incidents()[0]
    claim = store.claims()[0]
    return {"event": event.id, "finding": finding.id, "incident": incident.id, "claim": claim.id,
            "doc": incident.doc_id, "day": str(finding.date)}


# (method, path template, least role) for every read route; the writes are below with their bodies.
READS = [
    ("GET", "/api/status", "viewer"), ("GET", "/api/documents", "viewer"), ("GET", "/api/documents/{doc}", "viewer"),
    ("GET", "/api/documents/{doc}/copies", "viewer"),
    ("GET", "/api/claims", "viewer"), ("GET", "/api/claims/{claim}", "viewer"),
    ("GET", "/api/incidents", "viewer"), ("GET", "/api/incidents/{incident}", "viewer"),
    ("GET", "/api/events", "viewer"), ("GET", "/api/events/{event}", "viewer"),
    ("GET", "/api/map?from={day}&to={day}", "viewer"), ("GET", "/api/timeline?from={day}&to={day}", "viewer"),
    ("GET", "/api/boundaries", "viewer"), ("GET", "/api/frontline?on={day}", "viewer"),
    ("GET", "/api/findings", "viewer"), ("GET", "/api/findings/{finding}", "viewer"),
    ("GET", "/api/review-queue", "viewer"), ("GET", "/api/reviews", "viewer"),
    ("GET", "/api/agreements", "viewer"), ("GET", "/api/agreements/energy-moratorium-2025", "viewer"),
    ("GET", "/api/sources", "viewer"), ("GET", "/api/briefings", "viewer"),
    ("GET", "/api/briefings/2025-03-20.md", "viewer"),
    ("GET", "/api/subscriptions", "admin"), ("GET", "/api/tokens", "admin"), ("GET", "/api/audit", "admin"),
]
FIELD_REPORT = {"what": "shelling", "lat": 48.1390, "lon": 37.7430, "place": "Avdiivka",
                "observed_at": "2025-03-20T14:20:00+02:00", "mode": "heard", "direction": "from the south-east",
                "count": 12, "observer": "patrol 3"}
AGREEMENT = {"id": "local-truce-test", "title": "A local truce (test)", "source": "our own test",
             "parties": {"UA": ["ua-armed-forces"], "RU": ["ru-armed-forces"]},
             "window": {"start": "2025-03-01", "end": "2025-04-30"},
             "clauses": [{"id": "no-shelling", "text": "No shelling.", "prohibited": ["shelling"]}]}
WRITES = [
    ("POST", "/api/findings/{finding}/reviews", "analyst", {"action": "comment", "reason": "route test"}),
    ("POST", "/api/field-reports", "analyst", FIELD_REPORT),
    ("POST", "/api/agreements", "admin", AGREEMENT),
    ("POST", "/api/subscriptions", "admin", {"kind": "email", "target": "desk@example.org"}),
    ("DELETE", "/api/subscriptions/sub-0000000000000000", "admin", None),
    ("POST", "/api/tokens", "admin", {"role": "viewer", "label": "route test"}),
    ("DELETE", "/api/tokens/00000000", "admin", None),
]


def _call(client, method, path, headers=None, body=None):
    return client.request(method, path, headers=headers or {}, json=body)


def test_issue_14_every_route_is_in_the_matrix_below(demo):
    spec = demo["client"].get("/openapi.json").json()
    routes = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    listed = {(m, p.split("?")[0]) for m, p, *_ in READS + WRITES}
    listed = {(m, p.replace("{doc}", "{doc_id}").replace("{claim}", "{claim_id}")
               .replace("{incident}", "{incident_id}").replace("{event}", "{event_id}")
               .replace("{finding}", "{finding_id}").replace("energy-moratorium-2025", "{agreement_id}")
               .replace("2025-03-20.md", "{day}.{fmt}").replace("sub-0000000000000000", "{subscription_id}")
               .replace("00000000", "{token_id}")) for m, p in listed}
    assert routes == listed


@pytest.mark.parametrize("method,path,least,body", [r + (None,) for r in READS] + WRITES,
                         ids=lambda x: x if isinstance(x, str) else None)
def test_issue_14_no_token_401_wrong_role_403_right_role_answers(demo, method, path, least, body):
    client, url = demo["client"], path.format(**_ids(demo["store"]))
    anonymous = _call(client, method, url, body=body)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.json()["status"] == 401 and anonymous.json()["title"] == "Unauthorized"
    bad = _call(client, method, url, {"Authorization": "Bearer cfm_00000000_forged"}, body)
    assert bad.status_code == 401
    for role in ROLES:
        response = _call(client, method, url, as_role(demo, role), body)
        if ROLES.index(role) < ROLES.index(least):
            assert response.status_code == 403, role
            assert least in response.json()["detail"]
        elif method == "DELETE":  # the ids above do not exist: the role is let through to a clear 400
            assert response.status_code == 400 and response.json()["detail"], role
        else:
            assert response.status_code in (200, 201, 202), (role, response.text[:300])


def test_issue_14_cursor_pages_walk_every_event_once_in_order(demo):
    client, headers = demo["client"], as_role(demo, "viewer")
    seen, url = [], "/api/events?limit=7"
    while url:
        page = client.get(url, headers=headers).json()
        assert len(page["items"]) <= 7
        seen += [e["id"] for e in page["items"]]
        url = page["next"]
        assert (url is None) == (page["next_cursor"] is None)
    assert seen == [e.id for e in demo["store"].events()]
    for resource in ("documents", "claims", "incidents", "findings"):
        first = client.get(f"/api/{resource}?limit=5", headers=headers).json()
        second = client.get(f"/api/{resource}?limit=5&cursor={first['next_cursor']}", headers=headers).json()
        assert not {x["id"] for x in first["items"]} & {x["id"] for x in second["items"]}, resource
    bad = client.get("/api/events?cursor=not-a-cursor", headers=headers)
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    assert "cursor" in bad.json()["detail"]
    for params in ({"limit": 0}, {"limit": 1001}, {"from": "2025-13-01"}, {"bbox": "1,2,3"}, {"to": "0001-01-01"},
                   {"from": "9999-12-31"},
                   {"from": "2025-03-20", "to": "2025-03-01"}, {"status": "nonsense"}):
        response = client.get("/api/events", params=params, headers=headers)
        assert response.status_code in (400, 422), params
        assert response.headers["content-type"] == "application/problem+json"


def test_issue_14_filters_select_what_they_name(demo):
    client, headers, store = demo["client"], as_role(demo, "viewer"), demo["store"]

    def events(**params):
        return client.get("/api/events", params={"limit": 1000, **params}, headers=headers).json()["items"]

    everything = events()
    assert {e["actor_party"] for e in events(party="RU")} == {"RU"}
    assert all(e["actor_party"] is None for e in events(party="undetermined"))
    donetsk = events(region="Donetsk")
    assert donetsk and all(e["place"]["admin1"] == "Donetsk" for e in donetsk)
    boxed = events(bbox="37,47.5,39,49")
    assert boxed and all(37 <= e["place"]["lon"] <= 39 and 47.5 <= e["place"]["lat"] <= 49 for e in boxed)
    inferred = events(basis="inferred")
    assert inferred and all(e["actor_basis"].startswith("inferred") for e in inferred)
    assert len(events(basis="stated")) + len(inferred) <= len(everything)
    day = dt.date(2025, 3, 19)
    on_day = events(**{"from": str(day), "to": str(day)})
    assert on_day and all(dt.date.fromisoformat(e["when"]["start"]) <= day <= dt.date.fromisoformat(e["when"]["end"])
                          for e in on_day)
    assert {e["id"] for e in on_day} == {e.id for e in store.events() if e.when.start <= day <= e.when.end}
    confident = events(min_confidence=0.9)
    assert all(e["party_confidence"] >= 0.9 for e in confident) and len(confident) < len(everything)
    disputed = client.get("/api/findings", params={"status": "disputed"}, headers=headers).json()["items"]
    assert disputed and {f["status"] for f in disputed} == {"disputed"}
    with_disputed = {e["id"] for e in events(status="disputed")}
    assert with_disputed == {f["event_id"] for f in disputed}
    found = events(q="pokrovsk", **{"from": "2025-03-01", "to": "2025-03-31"})
    assert found and all("pokrovsk" in json.dumps(e).lower() for e in found)
    # A text search reads every record of its range: it needs a range, of at most a month.
    for params in ({"q": "pokrovsk"}, {"q": "x", "from": "2025-01-01", "to": "2025-03-01"}):
        refused = client.get("/api/events", params=params, headers=headers)
        assert refused.status_code == 400 and "text search" in refused.json()["detail"]
    # The map's markers are the same selection as the list.
    features = client.get("/api/map", params={"party": "RU"}, headers=headers).json()["features"]
    assert {f["properties"]["id"] for f in features} == {e["id"] for e in events(party="RU") if e["place"]}


def test_issue_14_event_detail_holds_every_report_claim_and_finding(demo):
    store, headers = demo["store"], as_role(demo, "viewer")
    event = next(e for e in store.events() if e.contradicted)
    body = demo["client"].get(f"/api/events/{event.id}", headers=headers).json()
    assert {i["id"] for i in body["incidents"]} == set(event.incident_ids)
    assert set(event.claim_ids) <= {c["id"] for c in body["claims"]}
    assert {c["id"] for c in body["claims"] + body["denials"]} >= set(event.denied_by)
    assert {f["event_id"] for f in body["findings"]} <= {event.id}
    for incident in body["incidents"]:
        document = body["documents"][incident["doc_id"]]
        assert document["text"][incident["span"]["start"]:incident["span"]["end"]] == incident["span"]["text"]
    missing = demo["client"].get("/api/events/evt-0000000000000000", headers=headers)
    assert missing.status_code == 404 and missing.json()["detail"] == "no event evt-0000000000000000"


def test_issue_14_a_review_is_audited_changes_the_status_and_leaves_the_queue(demo):
    client, store = demo["client"], demo["store"]
    queue = client.get("/api/review-queue", headers=as_role(demo, "viewer")).json()
    assert queue, "the demo has findings awaiting review"
    order = {"corroborated": 0, "disputed": 1, "alleged": 2}
    assert [order[f["status"]] for f in queue] == sorted(order[f["status"]] for f in queue)
    target = queue[0]
    response = client.post(f"/api/findings/{target['id']}/reviews", headers=as_role(demo, "analyst"),
                           json={"action": "reattribute", "reason": "crater analysis", "new_party": "UA"})
    assert response.status_code == 201
    response = client.post(f"/api/findings/{target['id']}/reviews", headers=as_role(demo, "analyst"),
                           json={"action": "dispute", "reason": "second source retracted"})
    detail = client.get(f"/api/findings/{target['id']}", headers=as_role(demo, "viewer")).json()
    assert detail["finding"]["status"] == "disputed" and detail["finding"]["party"] == "UA"
    assert [r["action"] for r in detail["reviews"]][-2:] == ["reattribute", "dispute"]
    actions = [(a["action"], a["actor"]) for a in detail["audit"]]
    analyst_id = authenticate(store, demo["tokens"]["analyst"]).token_id
    assert ("review.dispute", f"token:{analyst_id} (analyst tester)") in actions
    assert ("review.reattribute", f"token:{analyst_id} (analyst tester)") in actions
    assert all(a["at"] for a in detail["audit"])
    # The status column follows the review: filters and the queue see the decision.
    disputed = client.get("/api/findings", params={"status": "disputed", "party": "UA"},
                          headers=as_role(demo, "viewer")).json()["items"]
    assert target["id"] in {f["id"] for f in disputed}
    again = client.get("/api/review-queue", headers=as_role(demo, "viewer")).json()
    assert target["id"] not in {f["id"] for f in again}
    refused = client.post(f"/api/findings/{target['id']}/reviews", headers=as_role(demo, "analyst"),
                          json={"action": "reattribute", "reason": "no party given"})
    assert refused.status_code == 400 and "new_party" in refused.json()["detail"]


def test_issue_14_field_reports_enter_the_pipeline_as_the_teams_own_observation(demo):
    client, store = demo["client"], demo["store"]
    photo = b"\x89PNG not really a picture"
    report = {**FIELD_REPORT, "observed_at": "2025-03-21T09:05:00+02:00", "count": 7,
              "attachments": [{"name": "crater.png", "content_type": "image/png",
                               "content_base64": base64.b64encode(photo).decode()}]}
    response = client.post("/api/field-reports", headers=as_role(demo, "analyst"), json=report)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["stored"] and body["attachments"] == [hashlib.sha256(photo).hexdigest()]
    document = store.document(body["document_id"])
    assert document.content_type == "application/x-field-report" and document.source == "Field report (patrol 3)"
    assert "heard 7 x shelling at Avdiivka" in document.text
    (incident,) = [i for i in store.incidents_of({document.id})]
    assert (incident.place.lat, incident.place.lon, incident.place.admin1) == (48.139, 37.743, "Donetsk")
    assert incident.when.start == dt.date(2025, 3, 21) and incident.when.clock == "09:05+02:00"
    event = next(e for e in store.events() if incident.id in e.incident_ids)
    assert event.reliability == "A"
    stored = store.read(lambda c: c.execute(text("SELECT name, size FROM attachments WHERE doc_id = :d"),
                                            {"d": document.id}).all())
    assert [tuple(r) for r in stored] == [("crater.png", len(photo))]
    # By place name alone: geocoded.
    named = client.post("/api/field-reports", headers=as_role(demo, "analyst"),
                        json={"what": "drone_strike", "place": "Kramatorsk", "observed_at": "2025-03-21",
                              "mode": "seen"}).json()
    placed = store.incidents_of({named["document_id"]})[0].place
    assert placed.name == "Kramatorsk" and placed.admin1 == "Donetsk"
    # Posting the same report twice stores it once.
    assert client.post("/api/field-reports", headers=as_role(demo, "analyst"), json=report).json()["stored"] is False
    for bad, status in (({**FIELD_REPORT, "what": "picnic"}, 422), ({"what": "shelling", "observed_at": "2025-03-21"}, 422),
                        ({**FIELD_REPORT, "lat": 48.0, "lon": None}, 422),
                        ({**FIELD_REPORT, "attachments": [{"name": "x", "content_base64": "***"}]}, 400),
                        ({"what": "shelling", "place": "Nowhereville Zzz", "observed_at": "2025-03-21"}, 400)):
        response = client.post("/api/field-reports", headers=as_role(demo, "analyst"), json=bad)
        assert response.status_code == status, (bad, response.text)
        assert response.headers["content-type"] == "application/problem+json"


def test_issue_14_an_admins_agreement_is_judged_and_a_bundled_one_cannot_be_replaced(demo):
    client, store = demo["client"], demo["store"]
    truce = {**AGREEMENT, "id": "local-truce-2"}
    assert client.post("/api/agreements", headers=as_role(demo, "admin"), json=truce).status_code == 202
    judged = client.get("/api/findings", params={"agreement": "local-truce-2", "limit": 1000},
                        headers=as_role(demo, "viewer")).json()["items"]
    shelling = [e for e in store.events() if e.type == "shelling" and dt.date(2025, 3, 1) <= e.when.start]
    assert judged and {f["event_id"] for f in judged} <= {e.id for e in shelling}
    assert "local-truce-2" in {a["id"] for a in client.get("/api/agreements", headers=as_role(demo, "viewer")).json()}
    bundled = client.post("/api/agreements", headers=as_role(demo, "admin"), json={**AGREEMENT, "id": "minsk-2020"})
    assert bundled.status_code == 409
    assert client.post("/api/agreements", headers=as_role(demo, "admin"), json={"id": "x"}).status_code == 422


def test_issue_14_subscriptions_and_tokens_through_the_api_are_audited(demo):
    client, admin = demo["client"], as_role(demo, "admin")
    made = client.post("/api/subscriptions", headers=admin, json={
        "kind": "webhook", "target": "https://alerts.example.org/hook", "secret": "s" * 20,
        "filter": {"party": "RU"}}).json()
    assert "secret" not in made and made["filter"]["party"] == "RU"
    assert made["id"] in {s["id"] for s in client.get("/api/subscriptions", headers=admin).json()}
    assert client.delete(f"/api/subscriptions/{made['id']}", headers=admin).status_code == 204
    assert made["id"] not in {s["id"] for s in client.get("/api/subscriptions", headers=admin).json()}
    bad = client.post("/api/subscriptions", headers=admin, json={"kind": "email", "target": "x", "filter": {"x": 1}})
    assert bad.status_code == 400
    new = client.post("/api/tokens", headers=admin, json={"role": "analyst", "label": "new desk"}).json()
    assert new["token"].startswith("cfm_") and new["role"] == "analyst"
    assert client.get("/api/status", headers={"Authorization": f"Bearer {new['token']}"}).status_code == 200
    listed = client.get("/api/tokens", headers=admin).json()
    assert new["id"] in {t["id"] for t in listed} and not any("token" in t for t in listed)
    assert client.delete(f"/api/tokens/{new['id']}", headers=admin).json()["revoked_at"]
    assert client.get("/api/status", headers={"Authorization": f"Bearer {new['token']}"}).status_code == 401
    trail = {(a["action"], a["target"]) for a in client.get("/api/audit", headers=admin,
                                                            params={"limit": 1000}).json()}
    assert {("subscription.create", f"subscription:{made['id']}"), ("subscription.remove", f"subscription:{made['id']}"),
            ("token.create", f"token:{new['id']}"), ("token.revoke", f"token:{new['id']}")} <= trail


def test_issue_14_token_commands_print_once_store_only_a_hash_and_revoke(db, backend, run_cli):
    made = run_cli("token", "create", "--role", "analyst", "--label", "Olena", "--db", db)
    assert made.exit_code == 0
    token = made.stdout.split()[-1]
    assert token.startswith("cfm_")
    store = Store.open(db)
    assert authenticate(store, token).role == "analyst"
    dump = run_cli("export", "--db", db, "--format", "jsonl").stdout
    secret = token.split("_", 2)[2]  # "cfm_<id>_<secret>": the secret itself may hold "_"
    assert '"table": "tokens"' in dump and secret not in dump
    if backend == "sqlite":  # and nowhere in the file, free pages included
        with open(db, "rb") as fh:
            stored = fh.read()
        assert token.encode() not in stored and secret.encode() not in stored
    listed = run_cli("token", "list", "--db", db).stdout
    (info,) = tokens(store)
    assert info.id in listed and "Olena" in listed and "active" in listed and token not in listed
    assert run_cli("token", "revoke", info.id, "--db", db).exit_code == 0
    assert authenticate(store, token) is None and "revoked" in run_cli("token", "list", "--db", db).stdout
    again = run_cli("token", "revoke", info.id, "--db", db)
    assert again.exit_code == 2 and "revoked already" in again.stderr
    assert run_cli("token", "create", "--role", "root", "--db", db).exit_code == 2


def test_issue_14_serve_says_how_to_make_a_token_when_none_exists(db, new_db, tmp_path, run_cli, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    assert "ceasefire token create --role analyst" in run_cli("serve", "--db", db).stdout
    run_cli("token", "create", "--role", "viewer", "--db", db)
    assert "token create" not in run_cli("serve", "--db", db).stdout
    assert "token create --role analyst" in run_cli("demo", "--db", new_db("d"),
                                                    "--out", str(tmp_path / "out")).stdout


def test_issue_14_sign_in_sets_a_strict_cookie_and_forms_need_their_anti_forgery_value(demo):
    app, store = demo["app"], demo["store"]
    browser = TestClient(app, follow_redirects=False)
    assert browser.get("/").status_code == 303 and browser.get("/").headers["location"].startswith("/login")
    failed = browser.post("/login", data={"token": "cfm_nope_nope", "next": "/"})
    assert failed.status_code == 401 and "not valid" in failed.text
    token = demo["tokens"]["analyst"]
    signed = browser.post("/login", data={"token": token, "next": "//evil.example/"})
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and token in cookie
    browser.cookies.set(SESSION_COOKIE, token)
    finding = queries.review_queue(store, queries.Filters())[0]
    page = browser.get("/review").text
    assert form_key(token) in page and finding.id in page
    form = {"action": "comment", "reason": "looked at it", "back": "/review"}
    assert browser.post(f"/review/{finding.id}", data=form).status_code == 403  # no anti-forgery value
    assert browser.post(f"/review/{finding.id}", data={**form, "csrf": "0" * 64}).status_code == 403
    foreign = browser.post(f"/review/{finding.id}", data={**form, "csrf": form_key(token)},
                           headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    done = browser.post(f"/review/{finding.id}", data={**form, "csrf": form_key(token)},
                        headers={"Origin": "http://testserver"})
    assert done.status_code == 303 and done.headers["location"].startswith("/review?done=")
    assert store.reviews(finding.id)[-1].reason == "looked at it"
    crowded = browser.post(f"/review/{finding.id}", data={f"f{n}": "x" for n in range(30)})
    assert crowded.status_code == 400
    assert browser.get("/?day=9999-12-31").status_code == 400
    wrong = browser.post(f"/review/{finding.id}", data={**form, "action": "delete", "csrf": form_key(token)})
    assert wrong.status_code == 400 and "review action" in wrong.text and "text/html" in wrong.headers["content-type"]
    # The API through the cookie: writes need the X-CSRF-Token header.
    url = f"/api/findings/{finding.id}/reviews"
    assert browser.post(url, json={"action": "comment", "reason": "via cookie"}).status_code == 403
    ok = browser.post(url, json={"action": "comment", "reason": "via cookie"}, headers={CSRF_HEADER: form_key(token)})
    assert ok.status_code == 201
    viewer = TestClient(app, follow_redirects=False, cookies={SESSION_COOKIE: demo["tokens"]["viewer"]})
    as_viewer = viewer.post(f"/review/{finding.id}", data={**form, "csrf": form_key(demo["tokens"]["viewer"])})
    assert as_viewer.status_code == 403 and "analyst" in as_viewer.text
    out = browser.post("/logout", data={"csrf": form_key(token)})
    assert out.status_code == 303 and SESSION_COOKIE in out.headers["set-cookie"]


def test_issue_14_pages_answer_and_briefings_download(demo):
    client, headers = demo["client"], as_role(demo, "viewer")
    event = demo["store"].events()[-1]
    for page in ("/", "/?party=RU&basis=inferred", "/review", "/briefings", f"/events/{event.id}",
                 "/briefings/2025-03-20"):
        response = client.get(page, headers=headers)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html"), page
    assert client.get("/events/evt-nope", headers=headers).status_code == 404
    for fmt, kind, start in (("md", "text/markdown", b"# "), ("html", "text/html", b"<!doctype"),
                             ("pdf", "application/pdf", b"%PDF")):
        response = client.get(f"/api/briefings/2025-03-20.{fmt}", headers=headers)
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
        assert response.content.startswith(start) and "attachment" in response.headers["content-disposition"]
    for static in ("/static/app.css", "/static/map.js", "/static/vendor/leaflet/leaflet.js",
                   "/static/vendor/markercluster/leaflet.markercluster.js"):
        assert client.get(static).status_code == 200, static


def test_issue_14_the_api_limits_each_client_rate(db):
    store = Store.open(db)
    _, token = create_token(store, "viewer", "busy")
    client = TestClient(create_app(store, rate_limit=60), headers={"Authorization": f"Bearer {token}"})
    answers = [client.get("/api/status").status_code for _ in range(12)]
    assert answers[:10] == [200] * 10 and answers[-1] == 429
    limited = client.get("/api/status")
    assert limited.headers["retry-after"] == "1" and limited.json()["title"] == "Too Many Requests"
    assert client.get("/static/app.css").status_code == 200  # pages' files are not counted


def test_issue_14_migration_8_fills_the_filter_columns_of_an_older_store(new_db, monkeypatch):
    db = new_db("old", migrated=False)
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:7])
    old = Store.open(db)
    event = {"id": "evt-1", "type": "shelling", "when": {"start": "2025-03-20", "end": "2025-05-01",
                                                         "precision": "range"},
             "incident_ids": [], "actor_party": "RU", "actor_basis": "inferred_from_line_of_contact",
             "party_confidence": 0.7, "place": {"name": "Avdiivka", "lat": 48.1, "lon": 37.7, "admin1": "Donetsk"}}
    finding = {"id": "fnd-1", "event_id": "evt-1", "agreement_id": "a", "clause": "c", "party": "RU",
               "status": "alleged", "confidence": 0.35, "rationale": "r", "date": "2025-03-20",
               "place": event["place"]}

    def write(conn):
        conn.execute(text("INSERT INTO events (id, type, when_start, when_end, actor_party, lat, lon, data) VALUES "
                          "('evt-1', 'shelling', '2025-03-20', '2025-05-01', 'RU', 48.1, 37.7, :d)"),
                     {"d": json.dumps(event)})
        conn.execute(text("INSERT INTO findings (id, event_id, agreement_id, clause, party, status, date, data) "
                          "VALUES ('fnd-1', 'evt-1', 'a', 'c', 'RU', 'alleged', '2025-03-20', :d)"),
                     {"d": json.dumps(finding)})
        conn.execute(text("INSERT INTO reviews (id, finding_id, reviewer, at, action, data) VALUES "
                          "('rev-1', 'fnd-1', 'me', '2025-03-21 10:00:00', 'confirm', :d)"),
                     {"d": json.dumps({"id": "rev-1", "finding_id": "fnd-1", "reviewer": "me",
                                       "at": "2025-03-21T10:00:00", "action": "confirm", "reason": "seen"})})

    old.write(write)
    assert old.schema_version() == 7
    monkeypatch.undo()
    store = Store.open(db)
    assert store.schema_version() == migrations.current_version()  # 8 and every later one
    row = store.read(lambda c: c.execute(text("SELECT admin1, party_confidence, actor_basis, long_span FROM events"
                                              )).one())
    assert tuple(row) == ("Donetsk", 0.7, "inferred_from_line_of_contact", 1)
    row = store.read(lambda c: c.execute(text("SELECT admin1, confidence, status FROM findings")).one())
    assert tuple(row) == ("Donetsk", 0.35, "confirmed")
    # The long event is found on a day in the middle of its span.
    inside = queries.map_features(store, queries.Filters(start=dt.date(2025, 4, 20), end=dt.date(2025, 4, 20)))
    assert [f["properties"]["id"] for f in inside] == ["evt-1"]
    assert schema.LONG_SPAN_DAYS == 14


@pytest.mark.parametrize("demo", ["sqlite"], indirect=True)  # SQLite's statistics: PostgreSQL keeps its own
def test_issue_14_a_refresh_leaves_the_planner_statistics_for_the_day_query(demo):
    store = demo["store"]
    indexes = store.read(lambda c: {r[0] for r in c.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'events'"))})
    assert {"ix_events_day", "ix_events_when"} <= indexes
    day = dt.date(2025, 3, 19)
    plan = store.read(lambda c: " | ".join(r[-1] for r in c.exec_driver_sql(
        "EXPLAIN QUERY PLAN " + str(queries.select(schema.events.c.id).where(queries._event_window(day, day)).compile(
            compile_kwargs={"literal_binds": True})))))
    assert "ix_events_long" in plan and "SCAN" not in plan, plan


def test_issue_14_workers_build_the_app_from_the_environment(db, monkeypatch):
    from ceasefire.api.app import app_from_environment

    store = Store.open(db)
    _, token = create_token(store, "viewer", "worker")
    monkeypatch.setenv("CEASEFIRE_DB", db)
    monkeypatch.setenv("CFM_RATE_LIMIT", "60")
    monkeypatch.setenv("CFM_ALLOWED_HOSTS", "127.0.0.1,testserver")
    client = TestClient(app_from_environment(), headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/status").status_code == 200
    assert client.get("/api/status", headers={"host": "elsewhere.example"}).status_code == 400
    assert [client.get("/api/status").status_code for _ in range(12)][-1] == 429


def test_issue_14_the_map_opens_on_the_week_up_to_the_latest_placed_event(demo):
    store = demo["store"]
    latest = max(e.when.start for e in store.events() if e.place)
    assert latest < max(e.when.start for e in store.events())  # the demo's last event has no place
    page = demo["client"].get("/", headers=as_role(demo, "viewer")).text
    assert f"Events from {latest - dt.timedelta(days=6)} to {latest}" in page
