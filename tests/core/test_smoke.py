"""A first walk through a request's life on the core."""

from hdcore import services as svc


def test_life_of_a_loan(session, people):
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 3})
    assert req.number.startswith("SR-") and req.status == "new"
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    svc.transition(session, people.tech, req.id, "hand_over", {"asset_tag": "PC-001"})
    for task in req.tasks:
        svc.complete_task(session, people.tech, task.id)
    svc.transition(session, people.tech, req.id, "returned")
    svc.resolve(session, people.tech, req.id, "Returned in good order")
    svc.close(session, people.employee, req.id)
    assert req.status == "closed"
