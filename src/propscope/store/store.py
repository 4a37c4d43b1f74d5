"""The store's operations; see :mod:`propscope.store` for the API overview."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Date, Engine, and_, cast, delete, func, literal_column, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from propscope.document import Article
from propscope.errors import BadCorrection, Conflict, InputError, NotFound, StoreError
from propscope.schema import article_from_dict, article_to_dict
from propscope.store import db
from propscope.store.tables import (
    NO_DAY,
    NO_OUTLET,
    AnalysisRow,
    ArticleRow,
    CitationRow,
    ClaimRow,
    CorrectionRow,
    JobItemRow,
    JobRow,
    MatchRow,
    StatsDailyRow,
    StatsDailyTechniqueRow,
    TechniqueCountRow,
    TechniqueSpanRow,
    TokenRow,
    utcnow,
)
from propscope.techniques import TECHNIQUE_NAMES

Role = Literal["reader", "reviewer", "admin"]
ROLES: tuple[str, ...] = ("reader", "reviewer", "admin")
SORTS = ("created", "-created", "date", "-date", "outlet", "-outlet", "title", "-title")
PERIODS = ("none", "day", "week", "month")
TOKEN_PREFIX = "psk_"
MAX_PAGE = 100
_RETRIES = 5


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_day(date: str | None) -> dt.date | None:
    """The calendar day of an article's date (ISO 8601 prefix), or ``None`` if it has none."""
    if not date:
        return None
    try:
        return dt.date.fromisoformat(date.strip()[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Saved:
    article_id: int
    analysis_id: int
    created: bool  # False: this article was already stored with this pipeline signature


@dataclass(slots=True)
class StoredArticle:
    id: int
    article: Article
    analysis: dict[str, Any]  # {id, signature, status, reason, created, components}
    analyses: list[dict[str, Any]]  # every analysis of the article, newest first (without documents)
    source: str | None
    created: dt.datetime


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    outlet: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    technique: str | None = None
    language: str | None = None
    has_match: bool | None = None
    q: str | None = None  # case-insensitive substring of the title or text
    job: str | None = None  # only the articles stored by this batch job (the caller checks who may see it)
    sort: str = "-created"
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True, slots=True)
class StatsQuery:
    by_outlet: bool = True
    period: str = "none"  # none | day | week | month
    outlet: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CorrectionRequest:
    """One reviewer decision. ``target``/``action`` pairs:

    - ``technique``: ``accept``, ``reject``, ``relabel`` (``technique``), ``resize`` (``start``, ``end``),
      ``add`` (``technique``, ``start``, ``end``; no ``index``);
    - ``claim``: ``checkworthy``, ``not_checkworthy``, ``speaker`` (``speaker``);
    - ``match``: ``confirm``, ``reject`` (``index`` is the claim's, ``match_index`` the match's).

    Indexes refer to the lists of the analysis' document (``analysis_id``, default: the current one).
    """

    target: str
    action: str
    index: int | None = None
    match_index: int | None = None
    technique: str | None = None
    start: int | None = None
    end: int | None = None
    speaker: str | None = None
    analysis_id: int | None = None


ACTIONS: dict[str, tuple[str, ...]] = {
    "technique": ("accept", "reject", "relabel", "resize", "add"),
    "claim": ("checkworthy", "not_checkworthy", "speaker"),
    "match": ("confirm", "reject"),
}


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    name: str
    role: str
    created: dt.datetime


@dataclass(slots=True)
class JobItem:
    index: int
    source: str
    status: str
    article_id: int | None = None
    analysis_id: int | None = None
    error: dict[str, str] | None = None


@dataclass(slots=True)
class Job:
    id: str
    owner: str
    status: str
    total: int
    created: dt.datetime
    finished: dt.datetime | None
    settings: dict[str, Any]
    items: list[JobItem] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.status not in ("queued", "running"))

    @property
    def failed(self) -> int:
        return sum(1 for item in self.items if item.status == "error")


class Store:
    """Analysed articles, corrections, tokens and jobs in one SQL database (thread-safe)."""

    def __init__(self, url: str | None = None, *, schema: str | None = None, engine: Engine | None = None) -> None:
        self.engine = engine or db.make_engine(url, schema=schema)
        self.url = str(self.engine.url)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(self.engine.execution_options(immediate=True), expire_on_commit=False)
        self.dialect = self.engine.dialect.name

    @classmethod
    def open(cls, url: str | None = None, *, schema: str | None = None, migrate: bool = False) -> Store:
        """The store at ``url``; ``migrate=True`` upgrades it first, else it must be at the newest revision."""
        store = cls(url, schema=schema)
        if migrate:
            db.upgrade(store.engine)
        else:
            db.require_head(store.engine)
        return store

    def close(self) -> None:
        self.engine.dispose()

    def upgrade(self) -> str | None:
        return db.upgrade(self.engine)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._reads() as session:
            try:
                yield session
            except OperationalError as exc:
                raise StoreError(f"database error: {exc.orig}") from exc

    def _write(self, work: Any) -> Any:
        """Run ``work(session)`` in one write transaction, retried when a concurrent writer won a race
        on a unique key (the loser then finds the winner's row)."""
        for attempt in range(_RETRIES):
            try:
                with self._writes() as session, session.begin():
                    return work(session)
            except IntegrityError:
                if attempt == _RETRIES - 1:
                    raise
            except OperationalError as exc:
                if attempt == _RETRIES - 1 or "locked" not in str(exc.orig):
                    raise StoreError(f"database error: {exc.orig}") from exc
        raise StoreError("unreachable")  # pragma: no cover

    # -- articles and analyses -------------------------------------------------------------------
    def save(
        self,
        article: Article,
        signature: str,
        status: str = "ok",
        reason: str | None = None,
        source: str | None = None,
    ) -> Saved:
        """Store an analysed article. The same text analysed by the same pipeline is stored once;
        another signature adds an analysis, which becomes the current one (older ones are kept)."""
        if status not in ("ok", "partial"):
            raise InputError(f"only analysed articles are stored, not status '{status}'")
        document = article_to_dict(article)
        document.pop("text")  # kept once, in articles.text
        day = parse_day(article.date)
        words = len(article.text.split())
        digest = content_hash(article.text)

        def work(session: Session) -> Saved:
            row = session.scalar(select(ArticleRow).where(ArticleRow.content_hash == digest))
            if row is None:
                row = ArticleRow(
                    content_hash=digest, doc_id=article.id, source=source, url=article.url, outlet=article.outlet,
                    date=article.date, day=day, title=article.title, language=article.language, words=words,
                    text=article.text, created=utcnow(),
                )
                session.add(row)
                session.flush()
            existing = session.scalar(
                select(AnalysisRow.id).where(AnalysisRow.article_id == row.id, AnalysisRow.signature == signature)
            )
            if existing is not None:
                return Saved(row.id, existing, False)
            old = list(session.scalars(select(AnalysisRow).where(AnalysisRow.article_id == row.id, AnalysisRow.is_current)))
            for previous in old:
                self._contribute(session, previous, -1)
            if old:
                ids = [previous.id for previous in old]
                session.execute(update(AnalysisRow).where(AnalysisRow.id.in_(ids)).values(is_current=False))
                session.execute(delete(TechniqueCountRow).where(TechniqueCountRow.analysis_id.in_(ids)))
            analysis = AnalysisRow(
                article_id=row.id, signature=signature, status=status, reason=reason, created=utcnow(), is_current=True,
                components=document["components"], document=document, outlet=row.outlet, day=row.day, words=row.words,
                n_techniques=len(article.techniques), n_claims=len(article.claims),
                n_matches=sum(len(c.matches) for c in article.claims), n_citations=len(article.citations),
            )
            session.add(analysis)
            session.flush()
            _add_parts(session, analysis, article)
            session.flush()
            self._contribute(session, analysis, +1)
            return Saved(row.id, analysis.id, True)

        saved: Saved = self._write(work)
        return saved

    def get(self, article_id: int, analysis_id: int | None = None) -> StoredArticle:
        """The article with its current analysis (or the one named); :class:`NotFound` if absent."""
        with self._read() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise NotFound(f"no stored article {article_id}")
            analyses = list(
                session.scalars(
                    select(AnalysisRow).where(AnalysisRow.article_id == article_id).order_by(AnalysisRow.id.desc())
                )
            )
            chosen = next((a for a in analyses if (a.id == analysis_id if analysis_id else a.is_current)), None)
            if chosen is None:
                raise NotFound(f"article {article_id} has no analysis {analysis_id}")
            document = dict(chosen.document)
            document["text"] = row.text
            return StoredArticle(
                id=row.id,
                article=article_from_dict(document),
                analysis=_analysis_summary(chosen),
                analyses=[_analysis_summary(a) for a in analyses],
                source=row.source,
                created=row.created,
            )

    def delete(self, article_id: int) -> None:
        """Delete an article with its analyses and corrections; :class:`NotFound` if absent."""

        def work(session: Session) -> bool:
            for current in session.scalars(select(AnalysisRow).where(AnalysisRow.article_id == article_id, AnalysisRow.is_current)):
                self._contribute(session, current, -1)
            analyses = select(AnalysisRow.id).where(AnalysisRow.article_id == article_id)
            session.execute(update(JobItemRow).where(JobItemRow.article_id == article_id).values(article_id=None, analysis_id=None))
            session.execute(delete(CorrectionRow).where(CorrectionRow.article_id == article_id))
            for table in (TechniqueCountRow, TechniqueSpanRow, MatchRow, ClaimRow, CitationRow):
                session.execute(delete(table).where(table.analysis_id.in_(analyses)))
            session.execute(delete(AnalysisRow).where(AnalysisRow.article_id == article_id))
            return session.execute(delete(ArticleRow).where(ArticleRow.id == article_id)).rowcount > 0

        if not self._write(work):
            raise NotFound(f"no stored article {article_id}")

    def list_articles(self, query: ArticleQuery) -> dict[str, Any]:
        """A page of article summaries with their current analysis, and the total matching the filters."""
        if query.sort not in SORTS:
            raise InputError(f"sort must be one of {', '.join(SORTS)}")
        limit = max(1, min(query.limit, MAX_PAGE))
        conditions: list[Any] = [AnalysisRow.is_current]
        if query.outlet is not None:
            conditions.append(ArticleRow.outlet == query.outlet)
        if query.language is not None:
            conditions.append(ArticleRow.language == query.language)
        if query.date_from is not None:
            conditions.append(ArticleRow.day >= query.date_from)
        if query.date_to is not None:
            conditions.append(ArticleRow.day <= query.date_to)
        if query.has_match is not None:
            conditions.append(AnalysisRow.n_matches > 0 if query.has_match else AnalysisRow.n_matches == 0)
        if query.technique is not None:
            conditions.append(
                AnalysisRow.id.in_(select(TechniqueCountRow.analysis_id).where(TechniqueCountRow.technique == query.technique))
            )
        if query.job is not None:
            conditions.append(ArticleRow.id.in_(select(JobItemRow.article_id).where(JobItemRow.job_id == query.job)))
        if query.q:
            conditions.append(ArticleRow.title.icontains(query.q, autoescape=True) | ArticleRow.text.icontains(query.q, autoescape=True))
        base = select(ArticleRow, AnalysisRow).join(AnalysisRow, AnalysisRow.article_id == ArticleRow.id).where(and_(*conditions))
        column = {"created": ArticleRow.created, "date": ArticleRow.day, "outlet": ArticleRow.outlet, "title": ArticleRow.title}[
            query.sort.lstrip("-")
        ]
        order = column.desc() if query.sort.startswith("-") else column.asc()
        with self._read() as session:
            total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
            rows = session.execute(base.order_by(order, ArticleRow.id.desc()).limit(limit).offset(max(0, query.offset))).all()
        return {
            "total": total,
            "limit": limit,
            "offset": max(0, query.offset),
            "items": [_article_summary(a, an) for a, an in rows],
        }

    def article_ids(self, corrected: str | None = None) -> list[int]:
        """Ids of the stored articles, oldest first; with ``corrected`` (a correction target, or
        ``"any"``), only those that carry such corrections."""
        query = select(ArticleRow.id).order_by(ArticleRow.id)
        if corrected is not None:
            having = select(CorrectionRow.article_id)
            if corrected != "any":
                having = having.where(CorrectionRow.target == corrected)
            query = query.where(ArticleRow.id.in_(having))
        with self._read() as session:
            return list(session.scalars(query))

    def count_articles(self) -> int:
        with self._read() as session:
            return session.scalar(select(func.count(ArticleRow.id))) or 0

    # -- stats -----------------------------------------------------------------------------------
    def stats(self, query: StatsQuery) -> list[dict[str, Any]]:
        """Per outlet and/or period (current analyses only): articles, words, technique spans per 1,000
        words (overall and per technique), claims, matches and cited sources. Articles without a
        date count only when there is no period; those without an outlet have ``outlet`` None."""
        if query.period not in PERIODS:
            raise InputError(f"period must be one of {', '.join(PERIODS)}")

        d, t = StatsDailyRow, StatsDailyTechniqueRow

        def keys(table: Any) -> list[Any]:
            return [table.outlet_key if query.by_outlet else literal_column("''"), self._period(table.day, query.period)]

        def groups(table: Any) -> list[Any]:  # constants stay out of GROUP BY (PostgreSQL refuses them)
            found = [table.outlet_key] if query.by_outlet else []
            return found + ([self._period(table.day, query.period)] if query.period != "none" else [])

        def filters(table: Any) -> list[Any]:
            # undated articles belong to no day, week or month: they count only without a period
            found = [table.day != NO_DAY] if query.period != "none" else []
            if query.outlet is not None:
                found.append(table.outlet_key == query.outlet)
            if query.date_from is not None:
                found.append(table.day >= query.date_from)
            if query.date_to is not None:
                found.append(table.day <= query.date_to)
            return found

        totals = (
            select(*keys(d), func.sum(d.articles), func.sum(d.words), func.sum(d.technique_spans), func.sum(d.claims),
                   func.sum(d.matches), func.sum(d.citations))
            .where(*filters(d))
            .group_by(*groups(d))
            .having(func.sum(d.articles) > 0)
        )
        per_technique = select(*keys(t), t.technique, func.sum(t.n)).where(*filters(t)).group_by(*groups(t), t.technique)
        with self._read() as session:
            rows = session.execute(totals).all()
            techniques = session.execute(per_technique).all()
        by_key: dict[tuple[Any, Any], dict[str, Any]] = {}
        for outlet, period, articles, words, spans, claims, matches, citations in rows:
            words = int(words or 0)
            by_key[(outlet, _iso(period))] = {
                "outlet": outlet if outlet != NO_OUTLET else None,
                "period": _iso(period),
                "articles": int(articles),
                "words": words,
                "technique_spans": int(spans or 0),
                "techniques_per_1000_words": _rate(spans, words),
                "by_technique": {},
                "claims": int(claims or 0),
                "matches": int(matches or 0),
                "cited_sources": int(citations or 0),
            }
        for outlet, period, technique, n in techniques:
            entry = by_key.get((outlet, _iso(period)))
            if entry is not None and n:
                entry["by_technique"][technique] = _rate(n, entry["words"])
        return sorted(by_key.values(), key=lambda e: (e["outlet"] or "", e["period"] or ""))

    def _period(self, day: Any, period: str) -> Any:
        # literal SQL text, never parameters: PostgreSQL must see the same expression in GROUP BY
        if period == "none":
            return literal_column("''")
        if period == "day":
            return day
        if self.dialect == "postgresql":
            return cast(func.date_trunc(literal_column(f"'{period}'"), day), Date)
        if period == "week":  # Monday of the week
            return func.date(day, literal_column("'-6 days'"), literal_column("'weekday 1'"))
        return func.strftime(literal_column("'%Y-%m-01'"), day)

    def _contribute(self, session: Session, analysis: AnalysisRow, sign: int) -> None:
        """Add (``sign`` +1) or take away (-1) a current analysis' counts in the daily stats tables."""
        insert = _upsert_for(self.dialect)
        key = {"outlet_key": analysis.outlet or NO_OUTLET, "day": analysis.day or NO_DAY}
        values = {"articles": sign, "words": sign * analysis.words, "technique_spans": sign * analysis.n_techniques,
                  "claims": sign * analysis.n_claims, "matches": sign * analysis.n_matches, "citations": sign * analysis.n_citations}
        table = StatsDailyRow.__table__
        statement = insert(table).values(**key, **values)
        session.execute(statement.on_conflict_do_update(
            index_elements=list(key), set_={name: table.c[name] + statement.excluded[name] for name in values}))
        techniques = session.execute(
            select(TechniqueCountRow.technique, TechniqueCountRow.n).where(TechniqueCountRow.analysis_id == analysis.id)
        ).all()
        table = StatsDailyTechniqueRow.__table__
        for technique, n in techniques:
            statement = insert(table).values(**key, technique=technique, n=sign * n)
            session.execute(statement.on_conflict_do_update(
                index_elements=[*key, "technique"], set_={"n": table.c.n + statement.excluded.n}))

    # -- corrections -----------------------------------------------------------------------------
    def add_correction(self, article_id: int, request: CorrectionRequest, author: str) -> dict[str, Any]:
        """Record a reviewer's decision with the item before and after it; the analysis itself is
        never changed (it stays what the models produced)."""
        stored = self.get(article_id, request.analysis_id)
        before, after = _apply(stored.article, request)

        def work(session: Session) -> dict[str, Any]:
            row = CorrectionRow(
                article_id=article_id, analysis_id=stored.analysis["id"], target=request.target,
                target_index=request.index, match_index=request.match_index, action=request.action,
                before=before, after=after, author=author, created=utcnow(),
            )
            session.add(row)
            session.flush()
            return _correction_dict(row)

        result: dict[str, Any] = self._write(work)
        return result

    def corrections(self, article_id: int) -> list[dict[str, Any]]:
        with self._read() as session:
            if session.get(ArticleRow, article_id) is None:
                raise NotFound(f"no stored article {article_id}")
            rows = session.scalars(select(CorrectionRow).where(CorrectionRow.article_id == article_id).order_by(CorrectionRow.id))
            return [_correction_dict(row) for row in rows]

    def delete_correction(self, article_id: int, correction_id: int) -> None:
        """Undo a correction (the web app's undo): the row goes; the analysis never changed."""

        def work(session: Session) -> int:
            return session.execute(
                delete(CorrectionRow).where(CorrectionRow.id == correction_id, CorrectionRow.article_id == article_id)
            ).rowcount

        if not self._write(work):
            raise NotFound(f"no correction {correction_id} of article {article_id}")

    # -- tokens ----------------------------------------------------------------------------------
    def create_token(self, name: str, role: str) -> tuple[str, TokenInfo]:
        """A new API token: the token itself is returned once and only its SHA-256 is stored."""
        if role not in ROLES:
            raise InputError(f"role must be one of {', '.join(ROLES)}")
        if not name.strip() or len(name) > 200:
            raise InputError("a token needs a name of 1 to 200 characters")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)

        def work(session: Session) -> TokenInfo:
            if session.scalar(select(TokenRow.id).where(TokenRow.name == name)) is not None:
                raise Conflict(f"a token named '{name}' exists")
            row = TokenRow(name=name, role=role, token_hash=token_hash(token), created=utcnow(), revoked=False)
            session.add(row)
            session.flush()
            return TokenInfo(row.id, row.name, row.role, row.created)

        info: TokenInfo = self._write(work)
        return token, info

    def authenticate(self, token: str) -> TokenInfo | None:
        """The token's holder, or ``None`` for an unknown or revoked token."""
        with self._read() as session:
            row = session.scalar(select(TokenRow).where(TokenRow.token_hash == token_hash(token), TokenRow.revoked.is_(False)))
            return None if row is None else TokenInfo(row.id, row.name, row.role, row.created)

    def revoke_token(self, name: str) -> None:
        def work(session: Session) -> int:
            return session.execute(update(TokenRow).where(TokenRow.name == name).values(revoked=True)).rowcount

        if not self._write(work):
            raise NotFound(f"no token named '{name}'")

    def tokens(self) -> list[TokenInfo]:
        with self._read() as session:
            rows = session.scalars(select(TokenRow).where(TokenRow.revoked.is_(False)).order_by(TokenRow.id))
            return [TokenInfo(r.id, r.name, r.role, r.created) for r in rows]

    # -- jobs ------------------------------------------------------------------------------------
    def create_job(self, owner: str, settings: dict[str, Any], documents: Sequence[tuple[str, dict[str, Any]]]) -> str:
        """A queued job of ``documents`` (source, payload) owned by ``owner``; returns its id."""
        job_id = str(uuid.uuid4())

        def work(session: Session) -> None:
            session.add(JobRow(id=job_id, owner=owner, status="queued", total=len(documents), created=utcnow(), settings=settings))
            session.flush()
            session.add_all(
                JobItemRow(job_id=job_id, idx=i, source=source[:2000], status="queued", payload=payload)
                for i, (source, payload) in enumerate(documents)
            )

        self._write(work)
        return job_id

    def job(self, job_id: str, owner: str | None = None) -> Job:
        """The job with its items; ``owner`` (unless ``None``: an admin) must be the job's owner, else
        it is reported as absent so that one token cannot learn about another's jobs."""
        with self._read() as session:
            row = session.get(JobRow, job_id)
            if row is None or (owner is not None and row.owner != owner):
                raise NotFound(f"no job {job_id}")
            items = session.scalars(select(JobItemRow).where(JobItemRow.job_id == job_id).order_by(JobItemRow.idx))
            return Job(
                row.id, row.owner, row.status, row.total, row.created, row.finished, dict(row.settings),
                [
                    JobItem(
                        i.idx, i.source, i.status, i.article_id, i.analysis_id,
                        {"code": i.error_code, "message": i.error_message or ""} if i.error_code else None,
                    )
                    for i in items
                ],
            )

    def job_payloads(self, job_id: str) -> list[tuple[int, str, dict[str, Any]]]:
        """The documents of a job still to analyse: (index, source, payload)."""
        with self._read() as session:
            rows = session.execute(
                select(JobItemRow.idx, JobItemRow.source, JobItemRow.payload)
                .where(JobItemRow.job_id == job_id, JobItemRow.status == "queued")
                .order_by(JobItemRow.idx)
            ).all()
            return [(idx, source, dict(payload or {})) for idx, source, payload in rows]

    def set_job_status(self, job_id: str, status: str) -> None:
        finished = utcnow() if status == "done" else None
        self._write(lambda s: s.execute(update(JobRow).where(JobRow.id == job_id).values(status=status, finished=finished)))

    def finish_job_item(
        self,
        job_id: str,
        index: int,
        status: str,
        saved: Saved | None = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status, "payload": None}
        if saved is not None:
            values.update(article_id=saved.article_id, analysis_id=saved.analysis_id)
        if error is not None:
            values.update(error_code=error[0], error_message=error[1])
        self._write(
            lambda s: s.execute(update(JobItemRow).where(JobItemRow.job_id == job_id, JobItemRow.idx == index).values(**values))
        )


# -- helpers ---------------------------------------------------------------------------------------
def _upsert_for(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _add_parts(session: Session, analysis: AnalysisRow, article: Article) -> None:
    counts: dict[str, int] = {}
    for i, span in enumerate(article.techniques):
        session.add(TechniqueSpanRow(analysis_id=analysis.id, idx=i, technique=span.technique, start=span.start, end=span.end, score=span.score))
        counts[span.technique] = counts.get(span.technique, 0) + 1
    for technique, n in counts.items():
        session.add(TechniqueCountRow(analysis_id=analysis.id, technique=technique, n=n, outlet=analysis.outlet, day=analysis.day))
    for i, claim in enumerate(article.claims):
        session.add(ClaimRow(analysis_id=analysis.id, idx=i, start=claim.start, end=claim.end, text=claim.text,
                             score=claim.score, speaker=claim.speaker, voice=claim.voice))
        for j, match in enumerate(claim.matches):
            session.add(MatchRow(analysis_id=analysis.id, claim_idx=i, idx=j, kb_id=match.kb_id, claim=match.claim,
                                 url=match.url, similarity=match.similarity, rating=match.rating))
    for i, citation in enumerate(article.citations):
        session.add(CitationRow(analysis_id=analysis.id, idx=i, name=citation.name, domain=citation.domain,
                                reliability=citation.reliability, kind=citation.kind, start=citation.start, end=citation.end))


def _analysis_summary(row: AnalysisRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "signature": row.signature,
        "status": row.status,
        "reason": row.reason,
        "created": row.created.isoformat(),
        "current": row.is_current,
        "components": row.components,
    }


def _article_summary(article: ArticleRow, analysis: AnalysisRow) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "date": article.date,
        "language": article.language,
        "words": article.words,
        "created": article.created.isoformat(),
        "analysis": {
            "id": analysis.id,
            "signature": analysis.signature,
            "status": analysis.status,
            "techniques": analysis.n_techniques,
            "claims": analysis.n_claims,
            "matches": analysis.n_matches,
            "citations": analysis.n_citations,
        },
    }


def _correction_dict(row: CorrectionRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "article_id": row.article_id,
        "analysis_id": row.analysis_id,
        "target": row.target,
        "index": row.target_index,
        "match_index": row.match_index,
        "action": row.action,
        "before": row.before,
        "after": row.after,
        "author": row.author,
        "created": row.created.isoformat(),
    }


def _rate(count: Any, words: int) -> float:
    return round(1000.0 * float(count or 0) / words, 3) if words else 0.0


def _iso(value: Any) -> str | None:
    if value is None or value == "" or value == NO_DAY:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def _apply(article: Article, request: CorrectionRequest) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The target item before and after the correction; :class:`BadCorrection` if it does not fit."""
    actions = ACTIONS.get(request.target)
    if actions is None:
        raise BadCorrection(f"target must be one of {', '.join(ACTIONS)}")
    if request.action not in actions:
        raise BadCorrection(f"a {request.target} correction is one of {', '.join(actions)}")

    def pick(items: Sequence[Any], what: str, index: int | None) -> Any:
        if index is None or not 0 <= index < len(items):
            raise BadCorrection(f"{what} index {index} is not in the analysis (it has {len(items)})")
        return items[index]

    def span(technique: str | None, start: int | None, end: int | None) -> dict[str, Any]:
        if technique is None or technique not in TECHNIQUE_NAMES:
            raise BadCorrection(f"technique must be one of the PTC names: {', '.join(TECHNIQUE_NAMES)}")
        if start is None or end is None or not 0 <= start < end <= len(article.text):
            raise BadCorrection(f"a span needs 0 <= start < end <= {len(article.text)}")
        return {"technique": technique, "start": start, "end": end, "text": article.text[start:end]}

    if request.target == "technique":
        if request.action == "add":
            return None, span(request.technique, request.start, request.end)
        item = pick(article.techniques, "technique span", request.index)
        before = {"technique": item.technique, "start": item.start, "end": item.end, "score": item.score,
                  "text": article.text[item.start : item.end]}
        if request.action == "accept":
            return before, dict(before)
        if request.action == "reject":
            return before, None
        if request.action == "relabel":
            return before, span(request.technique, item.start, item.end)
        return before, span(item.technique, request.start, request.end)
    if request.target == "claim":
        item = pick(article.claims, "claim", request.index)
        before = {"text": item.text, "start": item.start, "end": item.end, "score": item.score,
                  "speaker": item.speaker, "checkworthy": True}
        if request.action == "speaker":
            if not request.speaker or len(request.speaker) > 500:
                raise BadCorrection("a speaker correction needs a speaker of 1 to 500 characters")
            return before, {**before, "speaker": request.speaker}
        return before, {**before, "checkworthy": request.action == "checkworthy"}
    claim = pick(article.claims, "claim", request.index)
    match = pick(claim.matches, "match", request.match_index)
    before = {"claim": claim.text, "kb_id": match.kb_id, "kb_claim": match.claim, "similarity": match.similarity}
    return before, {**before, "confirmed": request.action == "confirm"}
