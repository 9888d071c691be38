"""A request's history as people read it: who did what, in whole sentences, with labelled facts.

Each event of the log becomes a :class:`HistoryEntry`: a sentence that follows the actor's name
("added a task: Back up the data"), the facts it carried labelled as the step's schema labels
them and formatted for people (times in the viewer's zone, choices by their label, Yes/No,
lists joined), and the free text it carried (a solution, a question). Every sentence is one
translatable string with placeholders, never pieces glued together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, fields

from hdcore import Channel, Comment, Event, Priority, ServiceRequest, Task, User
from web.context import host
from web.formatting import enum_label, join_phrases, join_words, parse_time, stored_text, when

#: Step fields shown as a block of text under the line, not as a labelled fact.
TEXT_KEYS = ("resolution", "message")
#: Step fields the requester reads on steps other people took (they are written for them).
PUBLIC_KEYS = ("reason", *TEXT_KEYS)
#: Data the log keeps for its own use, never shown.
HIDDEN_KEYS = ("transition", "automatic", "comment_id", "internal", "engagement_id")


@dataclass
class HistoryEntry:
    """One line of the history: the event, who did it and how it reads."""

    event: Event
    actor: User | None
    comment: Comment | None = None
    #: What the actor did, the sentence after their name.
    text: str = ""
    #: Facts the event carried, as ``(label, value)``.
    facts: list[tuple[str, str]] = field(default_factory=list)
    #: Whole sentences under the line ("Reason: …").
    remarks: list[str] = field(default_factory=list)
    #: Free text the event carried (a solution, a question), shown as written.
    notes: list[str] = field(default_factory=list)


@dataclass
class Names:
    """What the sentences need to name: people, groups and tasks by id."""

    users: Mapping[int, User]
    groups: Mapping[int, str]
    tasks: Mapping[int, Task]

    def person(self, user_id: Any) -> str:
        """A person's full name (empty when unknown)."""
        user = self.users.get(user_id) if isinstance(user_id, int) else None
        return user.full_name if user is not None else ""

    def group(self, group_id: Any) -> str:
        """A group's name (empty when unknown)."""
        return self.groups.get(group_id, "") if isinstance(group_id, int) else ""


# -- values ---------------------------------------------------------------------------------


def _label(f: fields.Field, name: str) -> str:
    return str(f.metadata.get("label") or name.replace("_", " ").capitalize())


def _choice(f: fields.Field, value: Any) -> Any:
    choices = {str(v): str(lbl) for v, lbl in f.metadata.get("choices", [])}
    return choices.get(str(value), value)


@lru_cache(maxsize=512)
def schema_fields(schema_cls: type[Schema]) -> Mapping[str, fields.Field]:
    """The fields of a step's or category's schema, by name in its order.

    Read once per schema class (making a schema costs more than describing the step): the
    fields are fixed when the plugin's schema is defined; their labels stay lazy, so they
    still read in each viewer's language.
    """
    return dict(schema_cls().fields)


def _row(schema_cls: type[Schema], row: Mapping[str, Any]) -> str:
    """One record of a table field ("Mainboard · FRU 5B20W · 1")."""
    parts = [format_value(f, row.get(name)) for name, f in schema_fields(schema_cls).items()]
    return " · ".join(p for p in parts if p)


def format_value(f: fields.Field, value: Any) -> str:
    """A stored value of field ``f`` written for people (empty when there is nothing to say)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(f, fields.Boolean) or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(f, fields.List) and isinstance(value, list):
        inner = f.inner
        if isinstance(inner, fields.Nested):
            nested = inner.nested
            nested_cls = nested if isinstance(nested, type) else type(nested)
            return join_phrases(_row(nested_cls, r) for r in value if isinstance(r, dict))
        return join_words(format_value(inner, v) for v in value)
    if isinstance(value, dict):
        return ""
    if f.metadata.get("choices"):
        return str(_choice(f, value))
    if isinstance(f, fields.DateTime | fields.Date) or parse_time(value) is not None:
        return when(value, "short")
    return str(value)


def step_facts(schema_cls: type[Schema] | None, data: Mapping[str, Any],
               keys: Iterable[str] | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """The labelled facts and the free texts of a step's data, in the schema's order.

    ``keys`` limits them to those fields (the requester's view of other people's steps).
    """
    if schema_cls is None:
        return [], []
    allowed = set(keys) if keys is not None else None
    facts: list[tuple[str, str]] = []
    notes: list[str] = []
    for name, f in schema_fields(schema_cls).items():
        if name not in data or name in HIDDEN_KEYS or (allowed is not None
                                                        and name not in allowed):
            continue
        text = format_value(f, data[name])
        if not text:
            continue
        if name in TEXT_KEYS:
            notes.append(text)
        else:
            facts.append((_label(f, name), text))
    return facts, notes


# -- sentences ------------------------------------------------------------------------------


def _who(person: str, group: str) -> str:
    if person and group:
        return _("%(person)s (%(group)s)", person=person, group=group)
    return person or group


def _new(changes: Mapping[str, Any], key: str) -> Any:
    pair = changes.get(key)
    return pair[1] if isinstance(pair, list | tuple) and len(pair) == 2 else None


def _assigned(entry: HistoryEntry, names: Names, internal: bool, automatic: bool) -> None:
    ev = entry.event
    person = names.person(_new(ev.changes, "assignee_id")) or str(ev.data.get("assignee_name")
                                                                  or "")
    group = names.group(_new(ev.changes, "group_id")) or str(ev.data.get("group_name") or "")
    who = _who(person, group)
    if automatic:
        entry.text = (_("assigned the request automatically to %(who)s", who=who) if who
                      else _("assigned the request automatically"))
    elif ev.actor_id is not None and _new(ev.changes, "assignee_id") == ev.actor_id:
        entry.text = _("took the request")
    elif person:
        entry.text = _("assigned the request to %(who)s", who=who)
    elif group:
        entry.text = _("passed the request to the group %(group)s", group=group)
    elif "assignee_id" in ev.changes or "group_id" in ev.changes:
        entry.text = _("took the request off everyone's list")
    else:
        entry.text = _("assigned the request")
    if internal:
        _reason(entry, ev.data)
        for key, label in (("rule", _("Rule")), ("policy", _("Policy"))):
            if ev.data.get(key):
                entry.facts.append((label, str(ev.data[key])))


def _reason(entry: HistoryEntry, data: Mapping[str, Any]) -> None:
    if data.get("reason"):
        entry.remarks.append(_("Reason: %(reason)s", reason=str(data["reason"])))


def _transition(entry: HistoryEntry, req: ServiceRequest, internal: bool) -> None:
    ev = entry.event
    wf = host().workflow(req.category)
    old, new = (ev.changes.get("status") or [None, None])[:2]
    labels = {s: _state(req.category, s) for s in (old, new)}
    t = wf.transition(str(ev.data.get("transition", "")))
    if ev.actor_id is None and t is not None:  # the system's own step (an automatic close)
        entry.text = _("%(step)s (%(old)s → %(new)s)", step=str(t.label), old=labels[old],
                       new=labels[new])
    elif ev.data.get("automatic") or t is None:
        entry.text = _("moved the request from “%(old)s” to “%(new)s” automatically",
                       old=labels[old], new=labels[new])
    elif old == new:
        entry.text = _("took the step “%(step)s”", step=str(t.label))
    else:
        entry.text = _("took the step “%(step)s”: %(old)s → %(new)s", step=str(t.label),
                       old=labels[old], new=labels[new])
    own_step = ev.actor_id is not None and ev.actor_id == req.requester_id
    keys = None if internal or own_step else PUBLIC_KEYS
    facts, notes = step_facts(t.schema if t is not None else None, ev.data, keys)
    entry.facts.extend(facts)
    entry.notes.extend(notes)


def _state(category: str, status: Any) -> str:
    try:
        return str(host().workflow(category).state(str(status)).label)
    except KeyError:
        return str(status or "")


def _task(entry: HistoryEntry, names: Names) -> None:
    ev = entry.event
    task = names.tasks.get(ev.task_id) if ev.task_id is not None else None
    title = stored_text(str(ev.data.get("title", "")), bool(task is not None and task.template))
    action = ev.kind.removeprefix("task_")
    sentences: dict[str, Callable[[], str]] = {
        "created": lambda: _("added a task: %(title)s", title=title),
        "start": lambda: _("started the task “%(title)s”", title=title),
        "complete": lambda: _("completed the task “%(title)s”", title=title),
        "cancel": lambda: _("cancelled the task “%(title)s”", title=title),
        "reopen": lambda: _("reopened the task “%(title)s”", title=title),
    }
    entry.text = sentences.get(action, lambda: _("changed the task “%(title)s”", title=title))()
    if action == "created":
        who = _who(names.person(ev.data.get("assignee_id")), names.group(ev.data.get("group_id")))
        if who:
            entry.facts.append((_("Assigned to"), who))
    for key, label in (("assignee_id", _("Assigned to")), ("group_id", _("Group"))):
        if key in ev.changes and action == "updated":
            value = _new(ev.changes, key)
            entry.facts.append((label, (names.person(value) if key == "assignee_id"
                                        else names.group(value)) or _("nobody")))
    if "due_at" in ev.changes and action == "updated":
        entry.facts.append((_("Due"), when(_new(ev.changes, "due_at"), "short") or "—"))
    if ev.data.get("note"):
        entry.remarks.append(_("Note: %(note)s", note=str(ev.data["note"])))


#: The facts of a vendor's record, in order, each with its label (translated when shown).
_ENGAGEMENT_FACTS: dict[str, Callable[[], str]] = {
    "reference": lambda: _("Reference"),
    "promised_response_at": lambda: _("Response promised by"),
    "responded_at": lambda: _("Responded at"),
    "promised_completion_at": lambda: _("Completion promised by"),
    "completed_at": lambda: _("Completed at"),
    "status": lambda: _("Status"),
}
_ENGAGEMENT_STATUSES: dict[str, Callable[[], str]] = {
    "open": lambda: _("Open"), "done": lambda: _("Done"), "cancelled": lambda: _("Cancelled"),
}


def _vendor(entry: HistoryEntry) -> None:
    ev = entry.event
    vendor = str(ev.data.get("vendor") or "")
    if ev.kind == "vendor_engaged":
        entry.text = (_("called in the vendor %(vendor)s", vendor=vendor) if vendor
                      else _("called in a vendor"))
        values = ev.data
    else:
        entry.text = (_("updated the record of the vendor %(vendor)s", vendor=vendor) if vendor
                      else _("updated a vendor's record"))
        values = {k: _new(ev.changes, k) for k in ev.changes}
    for key, label in _ENGAGEMENT_FACTS.items():
        value = values.get(key)
        if value in (None, ""):
            continue
        if key == "status":
            status = _ENGAGEMENT_STATUSES.get(str(value))
            text = status() if status is not None else str(value)
        else:
            text = when(value, "short") if key.endswith("_at") else str(value)
        entry.facts.append((label(), text))


def _updated(entry: HistoryEntry, req: ServiceRequest) -> None:
    ev = entry.event
    labels: list[str] = []
    plain = {"title": _("Title"), "description": _("Description"), "priority": _("Priority")}
    for key, label in plain.items():
        if key in ev.changes:
            labels.append(label)
    if "details" in ev.changes:
        old, new = (ev.changes["details"] + [None, None])[:2]
        old, new = old or {}, new or {}
        schema = host().request_schema(req.category)
        for name, f in schema_fields(schema).items():
            if old.get(name) != new.get(name):
                labels.append(_label(f, name))
    entry.text = (_("edited the request: %(fields)s", fields=join_words(labels)) if labels
                  else _("edited the request"))
    if "priority" in ev.changes:
        old_p, new_p = ev.changes["priority"][:2]
        entry.facts.append((_("Priority"), _("%(old)s → %(new)s", old=_priority(old_p),
                                             new=_priority(new_p))))


def _priority(value: Any) -> str:
    return enum_label(Priority, str(value))


def _escalation(entry: HistoryEntry) -> None:
    ev = entry.event
    level = _new(ev.changes, "escalation_level")
    level = level if isinstance(level, int) else ev.data.get("level")
    going_down = ev.kind in ("deescalated", "de_escalated")
    if going_down:
        entry.text = (_("lowered the escalation to level %(n)d", n=level) if level
                      else _("ended the escalation"))
    elif ev.actor_id is None:
        entry.text = (_("escalated the request automatically to level %(n)d", n=level)
                      if isinstance(level, int) else _("escalated the request automatically"))
    else:
        entry.text = (_("escalated the request to level %(n)d", n=level)
                      if isinstance(level, int) else _("escalated the request"))
    _reason(entry, ev.data)
    if going_down and ev.data.get("note"):  # what the lead or manager wrote when lowering it
        entry.remarks.append(_("Note: %(note)s", note=str(ev.data["note"])))


def _created(entry: HistoryEntry, req: ServiceRequest) -> None:
    data = entry.event.data
    channel = enum_label(Channel, str(data.get("channel") or req.channel))
    if data.get("on_behalf"):
        entry.text = _("entered the request for %(name)s (%(channel)s)",
                       name=req.requester.full_name, channel=channel)
    elif (data.get("channel") or "web") != "web":
        entry.text = _("filed the request (%(channel)s)", channel=channel)
    else:
        entry.text = _("filed the request")


def _time_target(entry: HistoryEntry) -> None:
    """A warning that a time target is close (the SLA sweep's events)."""
    data = entry.event.data
    target = str(data.get("target") or data.get("kind") or "")
    due = when(data.get("due_at") or data.get("due"), "short")
    if target.startswith("response") and due:
        entry.text = _("warned that the first answer is due %(when)s", when=due)
    elif target.startswith("resol") and due:
        entry.text = _("warned that the solution is due %(when)s", when=due)
    else:
        entry.text = _("warned that a time target is close")


def describe(entry: HistoryEntry, req: ServiceRequest, names: Names, *, internal: bool) -> None:
    """Fill in how ``entry`` reads (its sentence, facts, remarks and notes)."""
    ev = entry.event
    kind = ev.kind
    if kind == "created":
        _created(entry, req)
    elif kind in ("assigned", "auto_assigned"):
        _assigned(entry, names, internal, automatic=kind == "auto_assigned"
                  or bool(ev.data.get("automatic")))
    elif kind == "route_suggested":
        who = _who(str(ev.data.get("assignee") or ""), str(ev.data.get("group") or ""))
        entry.text = (_("suggested giving it to %(who)s", who=who) if who
                      else _("suggested where it should go"))
        if ev.data.get("reason"):
            entry.remarks.append(_("Why: %(reason)s", reason=str(ev.data["reason"])))
    elif kind == "transition":
        _transition(entry, req, internal)
    elif kind == "comment":
        entry.text = (_("wrote an internal note") if entry.comment is not None
                      and entry.comment.internal else _("wrote"))
    elif kind in ("escalated", "deescalated", "de_escalated"):
        _escalation(entry)
    elif kind == "rated":
        score = _new(ev.changes, "rating")
        stars = "★" * score + "☆" * (5 - score) if isinstance(score, int) else ""
        entry.text = _("rated the service %(stars)s", stars=stars)
        if ev.data.get("comment"):
            entry.notes.append(str(ev.data["comment"]))
    elif kind == "updated":
        _updated(entry, req)
    elif kind.startswith("task_"):
        _task(entry, names)
    elif kind in ("vendor_engaged", "vendor_updated"):
        _vendor(entry)
    elif kind == "vendor_overdue":
        from hdcore.vendors.overdue import reason as overdue_reason

        entry.text = _("escalated overdue vendor work to the technician")
        entry.notes.append(overdue_reason(dict(ev.data)))
    elif kind == "asset_linked":
        entry.text = _("named the equipment %(tag)s", tag=str(ev.data.get("asset") or ""))
    elif kind == "asset_unlinked":
        entry.text = _("took the equipment %(tag)s off the request",
                       tag=str(ev.data.get("asset") or ""))
    elif kind == "asset_threshold":
        reading = "{:,}".format(ev.data.get("value") or 0)
        entry.text = _("opened the request by itself: %(rule)s (%(tag)s at %(value)s)",
                       rule=str(ev.data.get("rule") or ""), tag=str(ev.data.get("asset") or ""),
                       value=reading)
    elif kind == "attachment":
        entry.text = _("attached the file %(name)s", name=str(ev.data.get("filename") or ""))
    elif kind == "sla_warning":
        _time_target(entry)
    elif kind == "state_moved":  # a plugin's new version removed the state (plugin_versions)
        old, new = (ev.changes.get("status") or [None, None])[:2]
        entry.text = _("moved the request from “%(old)s” to “%(new)s”: version %(version)s of "
                       "the service category no longer has that state",
                       old=_state(req.category, old), new=_state(req.category, new),
                       version=str(ev.data.get("version", "")))
        _reason(entry, ev.data)
    elif kind in ("sla_breached", "breached"):
        entry.text = _("recorded that a time target was missed")
    elif kind == "reminder_sent":
        entry.text = _("reminded the requester to confirm that the request is solved")
    elif kind in ("auto_closed", "closed_automatically"):
        entry.text = _("closed the request automatically: the requester did not answer")
    else:
        entry.text = _("recorded a change to the request")
    if kind not in ("transition", "assigned", "auto_assigned", "escalated", "deescalated",
                    "de_escalated", "route_suggested") and kind.startswith(("sla_", "auto_",
                                                                           "reminder")):
        _reason(entry, ev.data)
    if ev.data.get("message") and kind != "transition":
        entry.notes.append(str(ev.data["message"]))
