"""The plugin's own tests, with the help desk's plugin test kit (installed with the help desk:
the fixtures ``session``, ``people``, ``browser`` and the contract classes need no conftest)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hr_onboarding.models import OnboardingSetup
from hr_onboarding.schemas import office_today
from sqlalchemy import select

from hdcore import TransitionRefused
from hdcore import services as svc
from hdcore.testing.contract import PluginContract
from web.testing import WebPluginContract


class TestContract(PluginContract):
    plugin_name = "hr_onboarding"


class TestWebContract(WebPluginContract):
    plugin_name = "hr_onboarding"


def test_a_newcomer_is_set_up_and_the_request_closed(session, people):
    start = (office_today() + timedelta(days=10)).isoformat()
    req = svc.submit_request(session, people.employee, category="hr_onboarding",
                             title="New hire: Mary Lin",
                             details={"employee_name": "Mary Lin", "start_date": start,
                                      "department": "Finance", "needs_erp_account": True})
    svc.assign(session, people.lead, req.id, assignee=people.tech2.username)
    svc.transition(session, people.tech2, req.id, "start", {})
    svc.transition(session, people.tech2, req.id, "provision", {})
    keys = {t.template for t in req.tasks}
    assert keys == {"mailbox", "erp_account", "pc_order", "pc_setup", "hand_over"}
    setup = session.scalar(select(OnboardingSetup).where(OnboardingSetup.request_id == req.id))
    assert set(setup.tasks) == keys
    with pytest.raises(TransitionRefused):
        svc.transition(session, people.tech2, req.id, "hand_over",
                       {"ready_on": office_today().isoformat()})
    while open_tasks := [t for t in req.tasks if t.is_open and not t.blocked_by]:
        for task in open_tasks:
            svc.complete_task(session, people.admin, task.id, note="Done.")
    svc.transition(session, people.tech2, req.id, "hand_over",
                   {"ready_on": office_today().isoformat()})
    svc.transition(session, people.employee, req.id, "close", {})
    assert req.status == "closed" and setup.ready_on == office_today()
