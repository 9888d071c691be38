"""The labelled query set: recall and ranking on SQLite and PostgreSQL, and the same answers.

``articles.json`` holds a realistic knowledge base (Chinese, English, mixed) and
``queries.json`` the questions people ask with the articles that answer them: every one of
them must be among the first results, and where one is the ``best`` it must come first.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from hdcore import HelpDesk, Settings, migrate
from hdcore import services as svc
from hdcore.queries.kb import search_articles

HERE = Path(__file__).parent
ARTICLES = json.loads((HERE / "articles.json").read_text(encoding="utf-8"))
QUERIES = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))
#: Every relevant article must be among this many first results.
TOP = 5


def load_corpus(session: Session) -> dict[str, int]:
    """The articles written by a technician and published by the lead; key -> id."""
    tech = svc.create_user(session, None, username="li.na", full_name="Li Na",
                           role="technician", password="demo")
    lead = svc.create_user(session, None, username="wang.fang", full_name="Wang Fang",
                           role="lead", password="demo")
    ids = {}
    for a in ARTICLES:
        art = svc.create_article(session, tech, title=a["title"], symptom=a["symptom"],
                                 cause=a["cause"], solution=a["solution"],
                                 category=a["category"], tags=a["tags"])
        svc.change_article_status(session, lead, art.id, "publish")
        ids[a["key"]] = art.id
    return ids


def answers(session: Session, reader: object) -> dict[str, list[int]]:
    """Each query's ranked article ids."""
    return {q["query"]: [h.article.id for h in search_articles(session, reader, q["query"],
                                                              limit=TOP)]
            for q in QUERIES}


def check(ids: dict[str, int], found: dict[str, list[int]]) -> list[str]:
    """What the answers get wrong, one line per miss."""
    by_id = {v: k for k, v in ids.items()}
    misses = []
    for q in QUERIES:
        got = found[q["query"]]
        names = [by_id.get(i, "?") for i in got]
        for key in q["relevant"]:
            if ids[key] not in got:
                misses.append(f"{q['query']!r}: {key} not in the first {TOP}: {names}")
        best = q.get("best")
        if best and (not got or got[0] != ids[best]):
            misses.append(f"{q['query']!r}: {best} should come first: {names}")
    return misses


def test_the_set_is_big_enough():
    assert len(ARTICLES) >= 60 and len(QUERIES) >= 40
    languages = {"zh": 0, "en": 0, "mixed": 0}
    for q in QUERIES:
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in q["query"])
        has_latin = any(ch.isascii() and ch.isalpha() for ch in q["query"])
        languages["mixed" if has_cjk and has_latin else "zh" if has_cjk else "en"] += 1
    assert min(languages.values()) >= 5, languages
    keys = {a["key"] for a in ARTICLES}
    assert all(set(q["relevant"]) <= keys for q in QUERIES)


def test_recall_and_ranking(session):
    ids = load_corpus(session)
    reader = SimpleNamespace(is_active=True, is_staff=False, role="employee")
    assert check(ids, answers(session, reader)) == []


@pytest.mark.postgres
def test_sqlite_and_postgresql_give_the_same_answers(postgres_url, plugins, tmp_path):
    found = []
    for url in (f"sqlite:///{tmp_path}/corpus.db", postgres_url):
        hd = HelpDesk(Settings(database_url=url, home=tmp_path, discover_plugins=False),
                      plugins=plugins)
        try:
            migrate.upgrade(hd)
            with hd.session_scope() as s:
                ids = load_corpus(s)
                reader = SimpleNamespace(is_active=True, is_staff=False, role="employee")
                by_id = {v: k for k, v in ids.items()}
                found.append({q: [by_id[i] for i in got]
                              for q, got in answers(s, reader).items()})
        finally:
            hd.dispose()
    assert found[0] == found[1]
