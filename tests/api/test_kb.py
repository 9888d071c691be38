"""``/api/v1/kb/articles``: ranked search with snippets, reading, writing with If-Match."""

from __future__ import annotations

from hdcore import services as svc
from tests.api.conftest import assert_error


def published(session, people, title, solution, **kw):
    art = svc.create_article(session, people.tech, title=title, solution=solution, **kw)
    return svc.change_article_status(session, people.lead, art.id, "publish")


def test_search_is_ranked_with_snippets_and_only_what_the_caller_may_see(api, session, people):
    jam = published(session, people, "打印机卡纸", "打开前盖取出纸张")
    toner = published(session, people, "墨粉不足", "打印发白时更换墨粉")
    internal = published(session, people, "打印服务器", "重启服务", visibility="staff")
    svc.create_article(session, people.tech, title="打印草稿", solution="x")

    body = api("employee").get("kb/articles?q=打印").get_json()
    assert [a["id"] for a in body["items"]] == [jam.id, toner.id]
    assert body["total"] == 2 and body["items"][0]["title_html"] == "<mark>打印</mark>机卡纸"
    assert "<mark>打印</mark>" in body["items"][1]["snippet_html"]

    staff = api("tech").get("kb/articles?q=打印").get_json()
    assert {a["id"] for a in staff["items"]} == {jam.id, toner.id, internal.id}
    drafts = api("tech").get("kb/articles?status=draft").get_json()
    assert [a["title"] for a in drafts["items"]] == ["打印草稿"]
    assert api("employee").get("kb/articles?status=draft").get_json()["total"] == 2

    assert api("employee").get(f"kb/articles/{jam.id}").status_code == 200
    assert_error(api("employee").get(f"kb/articles/{internal.id}"), 404)
    assert_error(api().get("kb/articles"), 401)


def test_staff_write_and_the_lead_publishes_with_if_match(api, people):
    resp = api("tech").post("kb/articles", {"title": "VPN 809", "solution": "<i>重启</i>",
                                            "tags": ["vpn"]})
    assert resp.status_code == 201 and resp.headers["ETag"] == '"1"'
    art = resp.get_json()
    assert art["status"] == "draft" and art["solution"] == "<i>重启</i>"
    assert resp.headers["Location"].endswith(f"/kb/articles/{art['id']}")
    path = f"kb/articles/{art['id']}"

    assert_error(api("employee").post("kb/articles", {"title": "x", "solution": "y"}), 403)
    assert_error(api("tech").patch(path, {"title": "x"}), 428)
    error = assert_error(api("tech").post("kb/articles", {"title": "t", "solution": "s",
                                                          "category": "nope"}), 422)
    assert "category" in error["fields"]

    resp = api("tech").patch(path, {"title": "VPN 错误 809"}, headers={"If-Match": '"1"'})
    assert resp.status_code == 200 and resp.headers["ETag"] == '"2"'
    assert_error(api("tech").patch(path, {"title": "y"}, headers={"If-Match": '"1"'}), 409)
    assert_error(api("tech").patch(path, {"status": "published"},
                                   headers={"If-Match": '"2"'}), 403)
    resp = api("lead").patch(path, {"status": "published"}, headers={"If-Match": '"2"'})
    assert resp.get_json()["status"] == "published"
    assert api("employee").get(path).get_json()["title"] == "VPN 错误 809"
