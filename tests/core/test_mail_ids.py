"""Signed Message-IDs: replies find their request; forged or foreign identifiers do not."""

from hdcore.mail.ids import is_ours, make_message_id, request_of


def test_reply_headers_lead_back_to_the_request():
    mid = make_message_id("s3cret", 42, "desk.example.com")
    assert mid.startswith("<hd.42.") and mid.endswith("@desk.example.com>")
    refs = f"<CAF=abc@mail.gmail.com> {mid} <other@outlook.com>"
    assert request_of("s3cret", refs) == 42
    assert is_ours("s3cret", mid)


def test_forged_or_foreign_identifiers_are_ignored():
    mid = make_message_id("s3cret", 42)
    forged = mid.replace("hd.42.", "hd.43.")
    assert request_of("s3cret", forged) is None
    assert request_of("another-secret", mid) is None
    assert request_of("s3cret", "<20260101.abc@foxmail.com>") is None
    assert request_of("s3cret", None) is None
