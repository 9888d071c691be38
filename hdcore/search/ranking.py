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
    extra = [c for c in (characters or []) if c not in terms]
    wanted = [*terms, *extra]
    # Each field is counted once per wanted token, as " token " in the padded field, by C
    # loops (map over str.count); the scores below index these counts by the token's place.
    patterns = [f" {t} " for t in wanted]
    docs = [(c, _counts(c.title_tokens, patterns), _counts(c.body_tokens, patterns))
            for c in candidates]
    n = len(docs)
    avg_body = sum(b[1] for _, _, b in docs) / n or 1.0
    avg_title = sum(t[1] for _, t, _ in docs) / n or 1.0
    idf = []
    for i in range(len(wanted)):
        df = sum(1 for _, t, b in docs if t[0][i] or b[0][i])
        idf.append(math.log(1.0 + (n - df + 0.5) / (df + 0.5)) + 0.1)
    n_terms = len(terms)
    total_weight = sum(idf[:n_terms])
    out: list[Ranked] = []
    for cand, (title, title_len), (body, body_len) in docs:
        # The length part of BM25's saturation, once per document (same arithmetic as
        # tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))).
        norm_t = K1 * (1 - B + B * title_len / avg_title)
        norm_b = K1 * (1 - B + B * body_len / avg_body)
        score = 0.0
        covered = 0.0
        in_title = 0
        for i in range(n_terms):
            tf_t, tf_b = title[i], body[i]
            if not (tf_t or tf_b):
                continue
            covered += idf[i]
            in_title += 1 if tf_t else 0
            score += idf[i] * (TITLE_WEIGHT * _saturate(tf_t, norm_t)
                               + _saturate(tf_b, norm_b))
        for i in range(n_terms, len(wanted)):
            score += CHARACTER_WEIGHT * idf[i] * (TITLE_WEIGHT * _saturate(title[i], norm_t)
                                                  + _saturate(body[i], norm_b))
        coverage = covered / total_weight
        score *= coverage * coverage
        if in_title == n_terms:
            score *= 1.5  # every term in the title: most likely what was asked for
        if boost:
            score *= boost.get(cand.doc_id, 1.0)
        out.append(Ranked(cand, round(score, 9)))
    out.sort(key=lambda r: (-r.score, -r.candidate.ref_id))
    return out


def _counts(tokens: str, patterns: list[str]) -> tuple[list[int], int]:
    """How often each pattern (`` token ``) occurs in a field, and the field's length."""
    # str.count over the padded field for each query token keeps ranking a few hundred
    # candidates to a millisecond or two (no full token list is built).
    padded = f" {tokens} "
    return list(map(padded.count, patterns)), (tokens.count(" ") + 1 if tokens else 0)


def _saturate(tf: int, norm: float) -> float:
    if not tf:
        return 0.0
    return tf * (K1 + 1) / (tf + norm)
