"""hdcore: the help desk's core (requests, tasks, workflow, plugins), free of any web framework.

Plugins import only the names exported here (and their own modules).
"""

from hdcore import signals
from hdcore.app import HelpDesk
from hdcore.clock import now
from hdcore.config import Settings
from hdcore.errors import (
    CategoryDisabled,
    Conflict,
    HelpdeskError,
    NotFound,
    PermissionDenied,
    PluginError,
    TransitionRefused,
    ValidationFailed,
)
from hdcore.hookspecs import hookimpl
from hdcore.host import PluginHost
from hdcore.i18n import lazy_gettext, use_locale
from hdcore.models import (
    Base,
    Channel,
    Comment,
    Department,
    Event,
    Group,
    Priority,
    Role,
    ServiceRequest,
    Task,
    TaskStatus,
    User,
    Vendor,
    VendorEngagement,
)
from hdcore.plugin import HelpdeskPlugin
from hdcore.plugin_types import (
    CategorySpec,
    Permission,
    RouteSuggestion,
    SampleRequest,
    VendorKind,
)
from hdcore.plugin_versions import StateMove
from hdcore.workflow import (
    ASSIGNEE,
    DEPARTMENT_HEAD,
    REQUESTER,
    STAFF,
    SUPERVISORS,
    State,
    StateKind,
    TaskTemplate,
    Transition,
    TransitionContext,
    Workflow,
    WorkflowContribution,
)

__version__ = "0.1.0"

__all__ = [
    "ASSIGNEE",
    "DEPARTMENT_HEAD",
    "REQUESTER",
    "STAFF",
    "SUPERVISORS",
    "Base",
    "CategoryDisabled",
    "CategorySpec",
    "Channel",
    "Comment",
    "Conflict",
    "Department",
    "Event",
    "Group",
    "HelpDesk",
    "HelpdeskError",
    "HelpdeskPlugin",
    "NotFound",
    "Permission",
    "PermissionDenied",
    "PluginError",
    "PluginHost",
    "Priority",
    "Role",
    "RouteSuggestion",
    "SampleRequest",
    "ServiceRequest",
    "Settings",
    "State",
    "StateKind",
    "StateMove",
    "Task",
    "TaskStatus",
    "TaskTemplate",
    "Transition",
    "TransitionContext",
    "TransitionRefused",
    "User",
    "ValidationFailed",
    "Vendor",
    "VendorEngagement",
    "VendorKind",
    "Workflow",
    "WorkflowContribution",
    "hookimpl",
    "lazy_gettext",
    "now",
    "signals",
    "use_locale",
]
