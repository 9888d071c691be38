"""Text to search tokens: Chinese as single characters and bigrams, Latin as lower-cased words.

The same tokens are written into both back ends' indexes (SQLite FTS5 and PostgreSQL full text)
as space-separated words, so each database only ever matches whole tokens and both find the
same documents: ``打印`` is a token of ``打印机卡纸``, ``VPN`` and ``vpn`` are one token, and
``ERP登录失败`` becomes ``erp 登录 录失 失败``.
"""

from __future__ import annotations

import re
import unicodedata

#: Runs of CJK ideographs (with the extension blocks people's names use).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")

#: Particles that glue a sentence together but name nothing; a bigram is not formed across them.
_PARTICLES = frozenset("的了吗呢吧啊呀么着过")
#: Question words and fillers that would match everything; dropped from queries.
_CJK_STOP = frozenset({
    "怎么", "如何", "为什", "什么", "请问", "一下", "我的", "你好", "谢谢", "可以", "不能",
    "没有", "怎样", "为何", "这个", "那个", "我们", "你们", "他们", "就是", "还是", "已经",
    # Negations and complements ("发不出去", "打不开") that say something fails, not what.
    "不出", "出来", "出去", "不了", "不到", "不上", "不开", "发不", "打不", "连不",
    "登不", "开不", "上不", "收不", "用不", "么办", "一直", "总是", "经常", "突然", "时候",
    "现在", "今天", "问题", "一个",
})
_LATIN_STOP = frozenset({
    "a", "an", "the", "and", "or", "to", "of", "in", "on", "at", "for", "is", "are", "was",
    "be", "it", "its", "my", "me", "i", "we", "you", "your", "can", "cannot", "cant", "how",
    "do", "does", "did", "not", "no", "with", "from", "this", "that", "what", "why", "when",
    "after", "before", "by", "as", "so", "but", "if", "there", "get", "got", "please", "help",
})
#: Longest word kept; longer runs are usually hashes or base64 that nobody searches for.
_MAX_WORD = 40


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case (NFKC folds ＶＰＮ to vpn)."""
    return unicodedata.normalize("NFKC", text or "").lower()


def stem(word: str) -> str:
    """A light English plural folding (printers -> printer), applied to index and query alike."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) \
            and not word.isdigit():
        return word[:-1]
    return word


def _cjk_pieces(run: str) -> list[str]:
    """A CJK run cut at the particles (bigrams never straddle 的 or 了)."""
    pieces, current = [], ""
    for ch in run:
        if ch in _PARTICLES:
            if current:
                pieces.append(current)
            current = ""
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def document_tokens(text: str) -> list[str]:
    """The tokens stored for ``text``: every CJK character and bigram, every Latin word."""
    out: list[str] = []
    for run in _RUN.findall(normalise(text)):
        if _CJK_RUN.match(run):
            for piece in _cjk_pieces(run):
                out.extend(piece)
                out.extend(piece[i:i + 2] for i in range(len(piece) - 1))
        elif len(run) <= _MAX_WORD:
            out.append(stem(run))
    return out


def query_terms(text: str) -> list[str]:
    """The distinct tokens a query looks for, in the order typed.

    A CJK run of one character is looked up as that character; a longer run by its bigrams
    (so ``打印机`` needs ``打印`` and ``印机``, never the loose characters). Question words
    and English stop words are dropped unless nothing else is left.
    """
    terms: list[str] = []
    dropped: list[str] = []
    for run in _RUN.findall(normalise(text)):
        if _CJK_RUN.match(run):
            for piece in _cjk_pieces(run):
                grams = [piece] if len(piece) == 1 else [
                    piece[i:i + 2] for i in range(len(piece) - 1)]
                for g in grams:
                    (dropped if g in _CJK_STOP else terms).append(g)
        elif len(run) <= _MAX_WORD:
            (dropped if run in _LATIN_STOP else terms).append(stem(run))
    chosen = terms or dropped
    return list(dict.fromkeys(chosen))


def is_cjk(token: str) -> bool:
    """Whether ``token`` is made of CJK characters (matched inside words, not at boundaries)."""
    return bool(_CJK_RUN.match(token))


def query_characters(text: str) -> list[str]:
    """The single CJK characters of a query, for ranking only: ``邮箱满了`` finds no ``箱满``,
    but an article with ``满`` in it answers better than one without."""
    chars: list[str] = []
    for run in _RUN.findall(normalise(text)):
        if _CJK_RUN.match(run):
            for piece in _cjk_pieces(run):
                if len(piece) > 1:
                    chars.extend(piece)
    return list(dict.fromkeys(chars))
