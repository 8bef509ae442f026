"""Chinese full-text search over the public catalogue.

Chinese has no spaces, and most search words are two characters long (预算, 公开, 许可), which
SQLite's trigram tokenizer cannot find. So the text is indexed as overlapping character bigrams
(the approach of Lucene's CJK analyzer): 财政预算 → 财政 政预 预算. A query becomes the phrase of
its bigrams, which matches exactly where the query's characters stand side by side. Latin words
and numbers stay whole words. SQLite keeps the tokens in an FTS5 table (ranked by bm25, titles
weighing more); PostgreSQL in a GIN index over ``to_tsvector('simple', ...)`` (which needs a
UTF-8 database, as every Chinese deployment has). One-character queries fall back to LIKE.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from xxgk.disclosure.models import Item, SearchEntry
from xxgk.disclosure.vocab import State

_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_QUERY = 100


@dataclass(frozen=True)
class SearchHit:
    """A published item found by a query, with its rank (smaller is better)."""

    item: Item
    rank: float


def tokens(value: str) -> list[str]:
    """Return the index tokens of ``value``: bigrams of Chinese runs, whole Latin words."""
    normal = unicodedata.normalize("NFKC", value or "").lower()
    out: list[str] = []
    for run in _RUNS.findall(normal):
        if _HAN.match(run) and len(run) > 1:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


def query_terms(query: str) -> list[list[str]]:
    """Return the query's terms (split at spaces), each as its phrase of tokens."""
    terms = []
    for word in unicodedata.normalize("NFKC", query or "")[:MAX_QUERY].split():
        phrase = tokens(word)
        if phrase:
            terms.append(phrase)
    return terms


def index_item(session: Session, item: Item) -> None:
    """Put ``item``'s title and body into the search index (replacing what was there)."""
    entry = session.get(SearchEntry, item.id) if item.id else None
    if entry is None:
        entry = SearchEntry(item_id=item.id)
        session.add(entry)
    entry.title_tokens = " ".join(tokens(f"{item.title} {item.doc_number}"))
    entry.body_tokens = " ".join(tokens(item.body))
    session.flush()


def unindex_item(session: Session, item: Item) -> None:
    """Remove ``item`` from the search index (a withdrawn item is no longer found)."""
    entry = session.get(SearchEntry, item.id)
    if entry is not None:
        session.delete(entry)
        session.flush()


def reindex(session: Session) -> int:
    """Rebuild the index from the published items; return how many were indexed."""
    for entry in session.scalars(select(SearchEntry)):
        session.delete(entry)
    session.flush()
    items = list(session.scalars(select(Item).where(Item.state == State.PUBLISHED.value)))
    for item in items:
        index_item(session, item)
    return len(items)


def search(
    session: Session,
    query: str,
    *,
    unit_ids: list[int] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[SearchHit]:
    """Return the published items matching every term of ``query``, best first."""
    terms = query_terms(query)
    if not terms:
        return []
    if any(len(t) == 1 and len(t[0]) == 1 for t in terms):
        return _like_search(session, query, unit_ids, limit, offset)
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        ranked = _sqlite_ranked(terms)
    elif dialect == "postgresql":
        ranked = _postgres_ranked(terms)
    else:
        return _like_search(session, query, unit_ids, limit, offset)
    rows = (
        select(Item, ranked.c.rank)
        .join(ranked, ranked.c.item_id == Item.id)
        .where(Item.state == State.PUBLISHED.value)
    )
    if unit_ids is not None:
        rows = rows.where(Item.unit_id.in_(unit_ids))
    rows = rows.order_by(ranked.c.rank, Item.published_on.desc(), Item.id.desc())
    return [
        SearchHit(item, float(rank))
        for item, rank in session.execute(rows.limit(limit).offset(offset))
    ]


def _open_end(term: list[str]) -> bool:
    """True when the term ends in one Chinese character, which may begin a longer run in the
    text ("2025年" in "2025年部门预算"): that last token is then matched as a prefix."""
    return len(term) > 1 and len(term[-1]) == 1 and bool(_HAN.match(term[-1]))


def _sqlite_ranked(terms: list[list[str]]):  # type: ignore[no-untyped-def]
    match = " AND ".join(
        '"' + " ".join(term) + '"' + (" *" if _open_end(term) else "") for term in terms
    )
    return (
        select(
            literal_column("disclosure_fts.rowid").label("item_id"),
            literal_column("bm25(disclosure_fts, 5.0, 1.0)").label("rank"),
        )
        .select_from(text("disclosure_fts"))
        .where(text("disclosure_fts MATCH :match").bindparams(match=match))
        .subquery()
    )


def _postgres_ranked(terms: list[list[str]]):  # type: ignore[no-untyped-def]
    phrases = []
    for term in terms:
        words = list(term)
        if _open_end(term):
            words[-1] += ":*"
        phrases.append("(" + " <-> ".join(words) + ")")
    query = func.to_tsquery("simple", " & ".join(phrases))
    document = func.to_tsvector("simple", SearchEntry.title_tokens + " " + SearchEntry.body_tokens)
    title = func.setweight(
        func.to_tsvector("simple", SearchEntry.title_tokens), literal_column("'A'")
    )
    body = func.setweight(
        func.to_tsvector("simple", SearchEntry.body_tokens), literal_column("'D'")
    )
    rank = -func.ts_rank(title.op("||")(body), query)
    return (
        select(SearchEntry.item_id.label("item_id"), rank.label("rank"))
        .where(document.op("@@")(query))
        .subquery()
    )


def _like_search(
    session: Session, query: str, unit_ids: list[int] | None, limit: int, offset: int
) -> list[SearchHit]:
    rows = select(Item).where(Item.state == State.PUBLISHED.value)
    for word in unicodedata.normalize("NFKC", query)[:MAX_QUERY].split():
        like = f"%{word}%"
        rows = rows.where(or_(Item.title.like(like), Item.body.like(like)))
    if unit_ids is not None:
        rows = rows.where(Item.unit_id.in_(unit_ids))
    rows = rows.order_by(Item.published_on.desc(), Item.id.desc()).limit(limit).offset(offset)
    return [SearchHit(item, 0.0) for item in session.scalars(rows)]


def excerpt(body: str, query: str, width: int = 60) -> tuple[str, str, str]:
    """Return (before, match, after) around the first query word in ``body``, for highlighting.

    Templates escape the three parts and wrap the middle in <mark>, so no markup is built here.
    """
    flat = " ".join((body or "").split())
    for word in unicodedata.normalize("NFKC", query or "").split():
        at = flat.find(word)
        if at >= 0:
            start = max(0, at - width // 2)
            end = min(len(flat), at + len(word) + width // 2)
            before = ("…" if start else "") + flat[start:at]
            after = flat[at + len(word) : end] + ("…" if end < len(flat) else "")
            return before, word, after
    return flat[:width] + ("…" if len(flat) > width else ""), "", ""
