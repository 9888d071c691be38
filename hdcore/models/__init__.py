"""The core's tables. Importing this package registers them all on ``Base.metadata``."""

from hdcore.models.api import ApiToken
from hdcore.models.attachment import Attachment
from hdcore.models.base import Base, JSONType, UTCDateTime, utcnow
from hdcore.models.event import AppendOnlyError, Event
from hdcore.models.mail import InboundMessage, MailStatus
from hdcore.models.notify import (
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
)
from hdcore.models.org import (
    ROLE_LABELS,
    SUPERVISORS,
    Department,
    Group,
    Role,
    User,
    group_membership,
)
from hdcore.models.request import (
    Channel,
    Comment,
    Priority,
    ServiceRequest,
    Task,
    TaskStatus,
    task_dependency,
)
from hdcore.models.resources import (
    SKILL_LEVELS,
    Leave,
    RoleCapacity,
    Skill,
    StaffCapacity,
    UserSkill,
)
from hdcore.models.routing import RoutingPointer, RoutingRule, RoutingSetting
from hdcore.models.sla import (
    ANY_CATEGORY,
    SlaCalendar,
    SlaCalendarDay,
    SlaFiredAction,
    SlaPolicy,
    SlaReminderPolicy,
)
from hdcore.models.system import PluginState, Sequence
from hdcore.models.vendor import Vendor, VendorEngagement

__all__ = [
    "ANY_CATEGORY",
    "ROLE_LABELS",
    "SKILL_LEVELS",
    "SUPERVISORS",
    "ApiToken",
    "AppendOnlyError",
    "Attachment",
    "Base",
    "Channel",
    "Comment",
    "Department",
    "Event",
    "Group",
    "InboundMessage",
    "JSONType",
    "Leave",
    "MailStatus",
    "Notification",
    "NotificationPreference",
    "OutboxMessage",
    "OutboxStatus",
    "PluginState",
    "Priority",
    "Role",
    "RoleCapacity",
    "RoutingPointer",
    "RoutingRule",
    "RoutingSetting",
    "Sequence",
    "ServiceRequest",
    "Skill",
    "SlaCalendar",
    "SlaCalendarDay",
    "SlaFiredAction",
    "SlaPolicy",
    "SlaReminderPolicy",
    "StaffCapacity",
    "Task",
    "TaskStatus",
    "UTCDateTime",
    "User",
    "UserSkill",
    "Vendor",
    "VendorEngagement",
    "group_membership",
    "task_dependency",
    "utcnow",
]
