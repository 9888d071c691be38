"""Demo data of surveys and evaluations: closing questions, the requesters' answers, a periodic
survey with answers, and a closed evaluation cycle over the demo's history."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import services as svc
from hdcore.errors import HelpdeskError
from hdcore.models import (
    ANY_CATEGORY,
    Evaluation,
    RequestMetrics,
    SurveyResponse,
    User,
    utcnow,
)
from hdcore.services.base import company_timezone

COMMENTS = {
    1: "等了很久才有人处理。", 2: "问题解决了，但沟通不够及时。", 3: "还可以。",
    4: "处理得很快，谢谢！", 5: "非常专业，一次就解决了。",
}
REVIEWS = {
    5: "响应迅速，解决质量高，用户评价很好。继续保持。",
    4: "整体表现良好；紧急请求的首次响应还可以更快。",
    3: "完成了本期工作量；请关注重开率和按时解决率。",
}


def seed_analytics(session: Session, seed: int = 20261201) -> None:
    """Add the surveys' and evaluations' demo data to a freshly loaded demo."""
    rng = random.Random(seed)
    users = {u.username: u for u in session.scalars(select(User))}
    admin, manager = users["admin"], users["chen.jie"]
    yesno = svc.save_category_question(session, admin, None, ANY_CATEGORY, {
        "text": "处理人员是否清楚地说明了解决方法？", "kind": "yesno", "position": 1})
    speed = svc.save_category_question(session, admin, None, ANY_CATEGORY, {
        "text": "您对处理速度的评价", "kind": "rating", "position": 2})
    _answer_closing_surveys(session, rng, yesno.id, speed.id)
    _periodic_survey(session, rng, admin, list(users.values()))
    _evaluation_cycle(session, rng, manager)


def _answer_closing_surveys(session: Session, rng: random.Random, yesno: int,
                            speed: int) -> None:
    pending = list(session.scalars(select(SurveyResponse).where(
        SurveyResponse.request_id.is_not(None), SurveyResponse.answered_at.is_(None))
        .order_by(SurveyResponse.id)))
    for row in pending:
        if rng.random() < 0.25:
            continue  # not everyone answers
        score = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 10, 12])[0]
        user = session.get(User, row.user_id)
        try:
            svc.answer_request_survey(session, user, row.request_id, score, COMMENTS[score], {
                f"q{yesno}": "1" if score >= 3 else rng.choice("01"),
                f"q{speed}": str(max(1, min(5, score + rng.choice((-1, 0, 0, 1))))),
            })
        except HelpdeskError:
            continue  # rated already on the request's page: the survey asked nothing more


def _periodic_survey(session: Session, rng: random.Random, admin: User,
                     people: list[User]) -> None:
    survey = svc.save_survey(session, admin, None, {
        "title": "2026 年第四季度 IT 服务满意度调查",
        "description": "请花两分钟告诉我们您对 IT 服务的看法。", "audience": "all"})
    overall = svc.add_survey_question(session, admin, survey.id, {
        "text": "您对 IT 服务的总体满意度", "kind": "rating", "required": True})
    channel = svc.add_survey_question(session, admin, survey.id, {
        "text": "您最常用哪种方式联系 IT？", "kind": "choice",
        "choices": "服务门户\n电话\n电子邮件\n当面"})
    wish = svc.add_survey_question(session, admin, survey.id, {
        "text": "您希望 IT 在哪些方面改进？", "kind": "text"})
    svc.send_survey(session, admin, survey.id)
    wishes = ["希望打印机故障能更快处理。", "知识库的文章很有用。", "新员工电脑准备得再早一点。",
              "周末也能有人值班就好了。"]
    for user in people:
        if user.role != "employee" or not user.is_active or rng.random() < 0.4:
            continue
        answers = {f"q{overall.id}": str(rng.choices([2, 3, 4, 5], weights=[1, 3, 6, 5])[0]),
                   f"q{channel.id}": str(rng.randrange(4))}
        if rng.random() < 0.4:
            answers[f"q{wish.id}"] = rng.choice(wishes)
        svc.answer_survey(session, user, survey.id, answers)


def _evaluation_cycle(session: Session, rng: random.Random, manager: User) -> None:
    first = session.scalar(select(RequestMetrics.created_at).order_by(RequestMetrics.created_at)
                           .limit(1))
    if first is None:
        return
    zone = company_timezone(session)
    today = utcnow().astimezone(zone).date()
    start = first.astimezone(zone).date()
    end = max(start, today - timedelta(days=1))
    cycle = svc.create_cycle(session, manager, name="上期考核", kind="custom",
                             starts_on=start, ends_on=end)
    for ev in list(cycle.evaluations):
        evaluation = session.get(Evaluation, ev.id)
        assert evaluation is not None
        view = svc.evaluation_view(session, manager, evaluation.id)
        if not view.figures["opened"]:
            continue  # nothing to judge: left as a draft for the manager
        score = rng.choice([3, 4, 4, 5])
        svc.save_evaluation(session, manager, evaluation.id,
                            {"score": str(score), "comments": REVIEWS[score]}, close=True)
