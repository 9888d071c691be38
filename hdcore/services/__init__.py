"""The use cases: one function each, taking the session and the acting user.

Every interface (web, API, CLI, mail, worker) goes through these; each writes its change and
its history in one transaction and raises a :mod:`hdcore.errors` error otherwise.
"""

from hdcore.services.access import (
    can_view,
    can_work_task,
    require_view,
    visible_requests,
    works_on,
)
from hdcore.services.assignment import assign
from hdcore.services.attachments import Upload, add_attachment, open_attachment
from hdcore.services.base import company_timezone, get_request, get_task, host_of, service
from hdcore.services.conversation import add_comment, escalate, rate
from hdcore.services.directory import (
    authenticate,
    change_password,
    create_department,
    create_group,
    create_user,
    delete_group,
    group_usage,
    set_password,
    set_preferences,
    timezone_names,
    update_department,
    update_group,
    update_user,
    user_query,
    valid_timezone,
)
from hdcore.services.plugins import set_plugin_enabled, set_plugin_settings
from hdcore.services.requests import submit_request, update_request
from hdcore.services.task_batch import add_tasks
from hdcore.services.tasks import (
    TASK_ACTIONS,
    add_task,
    cancel_task,
    complete_task,
    start_task,
    transition_task,
    update_task,
)
from hdcore.services.vendors import (
    create_vendor,
    current_engagement,
    engage_vendor,
    find_vendor,
    update_engagement,
    vendors_of_kind,
)
from hdcore.services.workflow import (
    available_transitions,
    cancel,
    close,
    force_close,
    reopen,
    resolve,
    transition,
)

__all__ = [
    "TASK_ACTIONS",
    "Upload",
    "add_attachment",
    "add_comment",
    "add_task",
    "add_tasks",
    "assign",
    "authenticate",
    "available_transitions",
    "can_view",
    "can_work_task",
    "cancel",
    "cancel_task",
    "change_password",
    "close",
    "company_timezone",
    "complete_task",
    "create_department",
    "create_group",
    "create_user",
    "create_vendor",
    "current_engagement",
    "delete_group",
    "engage_vendor",
    "escalate",
    "find_vendor",
    "force_close",
    "get_request",
    "get_task",
    "group_usage",
    "host_of",
    "open_attachment",
    "rate",
    "reopen",
    "require_view",
    "resolve",
    "service",
    "set_password",
    "set_plugin_enabled",
    "set_plugin_settings",
    "set_preferences",
    "start_task",
    "submit_request",
    "timezone_names",
    "transition",
    "transition_task",
    "update_department",
    "update_engagement",
    "update_group",
    "update_request",
    "update_task",
    "update_user",
    "user_query",
    "valid_timezone",
    "vendors_of_kind",
    "visible_requests",
    "works_on",
]
