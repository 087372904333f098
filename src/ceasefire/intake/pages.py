"""Web pages reduced to their main text: trafilatura keeps the article and drops menus, footers and
related-story lists; its title, author and date come from the page's own metadata.

A page trafilatura finds no main text in (a bare list of paragraphs, a hostile tree) is read as all its visible
text instead, so that nothing readable is lost.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from html.parser import HTMLParser

import trafilatura

# trafilatura logs each page it finds little text in; a poll of a hundred pages would flood the log.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

# The publication date is taken from the page's metadata (meta tags, JSON-LD, <time>, the URL), never guessed from
# dates in its text: a story about 24 February 2022 was not published that day.
_DATE_FROM_METADATA = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True)
class PageText:
    text: str
    title: str | None = None
    author: str | None = None
    published: dt.date | None = None  # from the page's metadata, where it gives one


def read_page(html: str, url: str | None = None) -> PageText:
    """The main text of a page with its title, author and publication date."""
    try:
        # favor_precision: what a page hides (<noscript>, frames) and what surrounds the article stay out.
        found = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                            include_tables=True, favor_precision=True,
                                            date_extraction_params=_DATE_FROM_METADATA)
    except Exception:  # noqa: BLE001 - a tree lxml cannot build (nesting, broken encodings): read it plainly
        found = None
    if found is None or not (found.text or "").strip():
        text, title = html_to_text(html)
        return PageText(text=text, title=title)
    return PageText(text=_tidy(found.text), title=found.title or None, author=found.author or None,
                    published=_day(found.date))


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


class _TextFromHTML(HTMLParser):
    """Visible text of an HTML page: scripts, styles and other hidden parts are dropped."""

    SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
             "header", "footer", "blockquote", "pre", "table", "ul", "ol", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self.SKIP:
            self._skip_depth += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self.SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """All the visible text of a page, one paragraph a line, and its title."""
    parser = _TextFromHTML()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = "\n".join(line for line in lines if line)
    title = " ".join("".join(parser.title_parts).split()) or None
    return text, title
