"""The office's approval at the function level: 退回 needs an 意见, 批准 does not; approvers by username;
the draft offered as download links, never server paths."""

from __future__ import annotations

from urllib.parse import quote

from planeval.stages.approval import (
    APPROVE,
    COMMENT,
    NO_COMMENT,
    REJECT,
    assigned,
    base_url,
    decision_of,
    draft_links,
    missing_comment,
)


def test_a_send_back_without_a_comment_is_refused_with_a_chinese_message():
    assert missing_comment([REJECT], {COMMENT: ""}) == NO_COMMENT
    assert missing_comment([REJECT], {COMMENT: "   "}) == NO_COMMENT
    assert missing_comment([REJECT], None) == NO_COMMENT
    assert "“退回”须在“意见”中写明修改要求" in NO_COMMENT


def test_a_send_back_with_a_comment_and_an_approval_without_one_stand():
    assert missing_comment([REJECT], {COMMENT: "请补充滞后指标的原因分析"}) is None
    assert missing_comment([APPROVE], {COMMENT: ""}) is None
    assert missing_comment([APPROVE], None) is None
    approved, comment, who = decision_of(
        {"chosen_options": [REJECT], "params_input": {COMMENT: " 请补充 "}, "responded_by_user": {"name": "office"}}
    )
    assert (approved, comment, who) == (False, "请补充", "office")


def test_approvers_are_named_by_username():
    assert assigned(["office"]) == [{"id": "office", "name": "office"}]


def test_the_draft_is_offered_as_download_links():
    name = "附件3(征求意见稿).xlsx"
    links = draft_links("haian_2025_summary", [f"/srv/var/reports/haian_2025_summary/{name}"], "http://x")
    assert links == [f"[{name}](http://x/planeval/reports/haian_2025_summary/{quote(name)})"]
    assert "/srv/" not in links[0] and "%E9%99%84%E4%BB%B6" in links[0]
    assert base_url({}) == "http://localhost:8080"
    assert base_url({"AIRFLOW__API__BASE_URL": "https://planeval.example/"}) == "https://planeval.example"
