"""Search: Chinese and English tokens, both back ends, ranking, snippets, requests for IT only."""

from __future__ import annotations

import pytest

from hdcore import PermissionDenied
from hdcore import services as svc
from hdcore.queries.kb import search_articles
from hdcore.queries.kb_requests import search_requests
from hdcore.search import highlight, query_terms
from hdcore.search.tokenise import document_tokens


def test_chinese_is_cut_into_characters_and_bigrams():
    tokens = document_tokens("打印机卡纸")
    assert {"打印", "印机", "机卡", "卡纸", "打", "纸"} <= set(tokens)
    assert query_terms("打印") == ["打印"]
    assert query_terms("网") == ["网"]  # one character: looked up alone
    assert query_terms("打印机") == ["打印", "印机"]


def test_latin_words_are_lower_cased_and_mixed_text_is_split():
    assert query_terms("VPN") == ["vpn"] == query_terms("ｖｐｎ")
    assert query_terms("ERP登录失败") == ["erp", "登录", "录失", "失败"]
    assert query_terms("How do I reset my password?") == ["reset", "password"]
    assert query_terms("printers") == ["printer"]
    assert query_terms("the") == ["the"]  # a stop word alone is still searched


def test_bigrams_do_not_straddle_particles():
    assert "的打" not in document_tokens("我的打印机")
    assert "怎么" not in query_terms("怎么连接VPN")


def test_snippets_escape_first_then_mark():
    out = highlight("<b>VPN</b> 打印机卡纸了 & more", ["vpn", "打印"])
    assert out == "&lt;b&gt;<mark>VPN</mark>&lt;/b&gt; <mark>打印</mark>机卡纸了 &amp; more"
    assert highlight("Printers jam", ["printer"]) == "<mark>Printers</mark> jam"


def publish(session, people, title, solution, **kw):
    art = svc.create_article(session, people.tech, title=title, solution=solution, **kw)
    return svc.change_article_status(session, people.lead, art.id, "publish")


def test_both_back_ends_find_chinese_inside_words_and_rank(session, people):
    jam = publish(session, people, "打印机卡纸怎么办", "打开前盖，取出卡住的纸张。")
    toner = publish(session, people, "更换墨粉盒", "打印质量变淡时更换墨粉盒。")
    vpn = publish(session, people, "VPN cannot connect from home", "Reinstall the vpn client.")
    erp = publish(session, people, "ERP登录失败", "清除浏览器缓存后重新登录ERP。")

    hits = search_articles(session, people.employee, "打印")
    assert [h.article.id for h in hits] == [jam.id, toner.id]
    assert "<mark>打印</mark>" in hits[0].title_html
    assert [h.article.id for h in search_articles(session, people.employee, "卡纸")] == [jam.id]
    assert [h.article.id for h in search_articles(session, people.employee, "vpn")] == [vpn.id]
    assert search_articles(session, people.employee, "ERP登录失败")[0].article.id == erp.id
    assert search_articles(session, people.employee, "纸")[0].article.id == jam.id
    assert search_articles(session, people.employee, "nothing like this") == []


def test_drafts_and_internal_articles_never_reach_employees(session, people):
    draft = svc.create_article(session, people.tech, title="VPN 草稿", solution="x")
    internal = publish(session, people, "VPN server restart", "Restart it.", visibility="staff")
    public = publish(session, people, "VPN client install", "Install it.")

    assert [h.article.id for h in search_articles(session, people.employee, "vpn")] == [public.id]
    staff = {h.article.id for h in search_articles(session, people.tech, "vpn")}
    assert staff == {public.id, internal.id}
    anything = {h.article.id for h in search_articles(session, people.tech, "vpn", status=None)}
    assert anything == {public.id, internal.id, draft.id}


def test_requests_are_indexed_as_they_change_and_found_by_staff_only(session, people):
    req = svc.submit_request(session, people.employee, category="loan", title="笔记本借用",
                             description="出差需要一台电脑", details={"item": "laptop", "days": 3})
    assert [h.request.id for h in search_requests(session, people.tech, "电脑")] == [req.id]

    svc.update_request(session, people.employee, req.id, expected_version=req.version,
                       title="Projector for the meeting")
    assert search_requests(session, people.tech, "笔记本") == []
    assert [h.request.id for h in search_requests(session, people.tech, "projector")] == [req.id]

    svc.add_comment(session, people.employee, req.id, "Needs an HDMI adapter")
    svc.add_comment(session, people.tech, req.id, "internal: spare cable", internal=True)
    assert [h.request.id for h in search_requests(session, people.tech, "hdmi")] == [req.id]
    assert search_requests(session, people.tech, "spare cable") == []
    assert search_requests(session, people.tech, req.number)[0].request.id == req.id

    with pytest.raises(PermissionDenied):
        search_requests(session, people.employee, "projector")


def test_requests_having_every_term_come_before_newer_partial_matches(session, people):
    def file(title):
        return svc.submit_request(session, people.employee, category="loan", title=title,
                                  details={"item": "laptop", "days": 1})

    both = file("打印机卡纸")
    for n in range(3):
        file(f"打印机没有墨 {n}")  # newer, but only half of the query
    hits = search_requests(session, people.tech, "打印机卡纸")
    assert hits[0].request.id == both.id and len(hits) == 4
