"""The core's tables. Importing this package registers them all on ``Base.metadata``."""

from hdcore.models.attachment import Attachment
from hdcore.models.base import Base, JSONType, UTCDateTime, utcnow
from hdcore.models.event import AppendOnlyError, Event
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
from hdcore.models.system import PluginState, Sequence
from hdcore.models.vendor import Vendor, VendorEngagement

__all__ = [
    "ROLE_LABELS",
    "SUPERVISORS",
    "AppendOnlyError",
    "Attachment",
    "Base",
    "Channel",
    "Comment",
    "Department",
    "Event",
    "Group",
    "JSONType",
    "PluginState",
    "Priority",
    "Role",
    "Sequence",
    "ServiceRequest",
    "Task",
    "TaskStatus",
    "UTCDateTime",
    "User",
    "Vendor",
    "VendorEngagement",
    "group_membership",
    "task_dependency",
    "utcnow",
]
