"""The final order of the candidates, computed in Python so that both back ends agree.

BM25 over two fields (the title counts three times the body), with the document frequencies
taken within the candidates, then weighted by how much of the query a document covers: an
article that has every term of ``打印机卡纸`` comes before one that only mentions ``打印``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hdcore.search.backends import Candidate

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0
#: How much a single character of the query counts against a whole term.
CHARACTER_WEIGHT = 0.25


@dataclass(frozen=True)
class Ranked:
    """A candidate with its score (higher is better)."""

    candidate: Candidate
    score: float


def rank(candidates: list[Candidate], terms: list[str],
         boost: dict[int, float] | None = None,
         characters: list[str] | None = None) -> list[Ranked]:
    """``candidates`` ordered by relevance to ``terms`` (ties: the newer document first).

    ``boost`` multiplies the score of some documents (by doc id), e.g. those of the category
    the person is filing in. ``characters`` (single CJK characters of the query) add a little
    to documents containing them, without counting as terms found.
    """
    if not candidates or not terms:
        return []
    wanted = [*terms, *(c for c in (characters or []) if c not in terms)]
    docs = [(c, _counts(c.title_tokens, wanted), _counts(c.body_tokens, wanted))
            for c in candidates]
    n = len(docs)
    avg_body = sum(b.length for _, _, b in docs) / n or 1.0
    avg_title = sum(t.length for _, t, _ in docs) / n or 1.0
    idf = {}
    extra = [c for c in (characters or []) if c not in terms]
    for term in [*terms, *extra]:
        df = sum(1 for _, t, b in docs if t[term] or b[term])
        idf[term] = math.log(1.0 + (n - df + 0.5) / (df + 0.5)) + 0.1
    total_weight = sum(idf[t] for t in terms)
    out: list[Ranked] = []
    for cand, title, body in docs:
        score = 0.0
        covered = 0.0
        in_title = 0
        for term in terms:
            tf_t, tf_b = title[term], body[term]
            if not (tf_t or tf_b):
                continue
            covered += idf[term]
            in_title += 1 if tf_t else 0
            score += idf[term] * (
                TITLE_WEIGHT * _saturate(tf_t, title.length, avg_title)
                + _saturate(tf_b, body.length, avg_body))
        for char in extra:
            score += CHARACTER_WEIGHT * idf[char] * (
                TITLE_WEIGHT * _saturate(title[char], title.length, avg_title)
                + _saturate(body[char], body.length, avg_body))
        coverage = covered / total_weight
        score *= coverage * coverage
        if in_title == len(terms):
            score *= 1.5  # every term in the title: most likely what was asked for
        if boost:
            score *= boost.get(cand.doc_id, 1.0)
        out.append(Ranked(cand, round(score, 9)))
    out.sort(key=lambda r: (-r.score, -r.candidate.ref_id))
    return out


class _Counts(dict[str, int]):
    """How often each wanted term occurs in a document field, and the field's length."""

    length: int = 0

    def __missing__(self, key: str) -> int:
        return 0


def _counts(tokens: str, wanted: list[str]) -> _Counts:
    # Counting only the query's terms with str.count (no full token list) keeps ranking 200
    # candidates to a millisecond or two.
    padded = f" {tokens} "
    out = _Counts({t: padded.count(f" {t} ") for t in wanted})
    out.length = tokens.count(" ") + 1 if tokens else 0
    return out


def _saturate(tf: int, length: int, average: float) -> float:
    if not tf:
        return 0.0
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
