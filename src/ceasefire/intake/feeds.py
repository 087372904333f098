"""RSS and Atom feeds (feedparser): one document per entry.

An entry's document is its title and its text (the full content where the feed carries it, else the summary), with
its link, author and publication day (the entry's own, else the day the feed was retrieved, and which it was). Its
external id is the feed's and the entry's, so that an entry the publisher corrects is a new version of the same
document. The raw bytes kept as evidence are the entry's fields as the feed gave them, as JSON.
"""
from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterator

import feedparser

from ceasefire.errors import InputError
from ceasefire.intake.datasets import RowProblem
from ceasefire.intake.files import make_document, refuse_nul
from ceasefire.intake.pages import html_to_text
from ceasefire.records import RawDocument


def read_feed(raw: bytes, url: str, retrieved: dt.datetime, feed_id: str) -> Iterator[RawDocument | RowProblem]:
    """The entries of a feed as documents (an entry without text is passed over; one that is not text is named as
    a problem and the rest go on).

    Raises:
        InputError: the bytes are not an RSS or Atom feed.
    """
    parsed = feedparser.parse(raw, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        problem = " ".join(str(parsed.get("bozo_exception") or "").split())[:200]
        raise InputError(url, f"not an RSS or Atom feed{f' ({problem})' if problem else ''}")
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"{url}: entry {number}"
        title = " ".join(entry.get("title", "").split())
        body = (entry.get("content") or [{}])[0].get("value") or entry.get("summary", "")
        text, _ = html_to_text(body) if "<" in body else (body.strip(), None)
        text = "\n".join(part for part in (title, text) if part)
        if not text.strip():
            continue
        try:
            refuse_nul(where, text=text, link=entry.get("link"), id=entry.get("id"))
        except InputError as exc:
            yield RowProblem(error=exc.one_line())
            continue
        stamp = entry.get("published_parsed") or _updated(entry)
        day = dt.date(*stamp[:3]) if stamp else None
        evidence = {key: entry.get(key) for key in ("id", "link", "title", "author", "published", "summary")
                    if entry.get(key)}
        if entry.get("content"):
            evidence["content"] = body
        key = entry.get("id") or entry.get("link") or title
        yield make_document(json.dumps(evidence, ensure_ascii=False, sort_keys=True).encode("utf-8"), text,
                            published=day or retrieved.date(), published_basis="feed entry" if day else "retrieval time",
                            title=title or None, author=entry.get("author") or None, url=entry.get("link") or url,
                            content_type="application/x-feed-entry", retrieved=retrieved,
                            external_id=f"feed:{feed_id}/{key}"[:2000])


def _updated(entry) -> tuple | None:
    """The entry's last update, where it gives no publication time (feedparser warns of its old mapping between the
    two keys on each access)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return entry.get("updated_parsed")
