"""The core's tables. Importing this package registers them all on ``Base.metadata``."""

from hdcore.models.api import ApiToken
from hdcore.models.assets import (
    Asset,
    AssetHistory,
    AssetStatus,
    AssetType,
    CounterDefinition,
    CounterKind,
    CounterReading,
    RequestAsset,
    ThresholdFiring,
    ThresholdMode,
    ThresholdRule,
)
from hdcore.models.attachment import Attachment
from hdcore.models.base import Base, JSONType, UTCDateTime, utcnow
from hdcore.models.evaluation import Evaluation, EvaluationCycle
from hdcore.models.event import AppendOnlyError, Event
from hdcore.models.forum import GENERAL_BOARD, ForumPost, ForumThread
from hdcore.models.kb import (
    ArticleStatus,
    KbArticle,
    KbArticleVersion,
    KbAttachment,
    KbDeflection,
    KbVote,
    Visibility,
)
from hdcore.models.mail import InboundMessage, MailStatus
from hdcore.models.metrics import RequestMetrics
from hdcore.models.notify import (
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
)
from hdcore.models.org import (
    ROLE_LABELS,
    STAFF_ROLES,
    SUPERVISORS,
    Department,
    Group,
    Role,
    User,
    group_membership,
)
from hdcore.models.plugin_versions import PluginVersion
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
from hdcore.models.search import SearchDoc
from hdcore.models.security import LoginThrottle, ThrottleKind
from hdcore.models.sla import (
    ANY_CATEGORY,
    SlaCalendar,
    SlaCalendarDay,
    SlaFiredAction,
    SlaPolicy,
    SlaReminderPolicy,
)
from hdcore.models.surveys import (
    QUESTION_KIND_LABELS,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from hdcore.models.system import ConfigStamp, PluginState, Sequence
from hdcore.models.vendor import Vendor, VendorContact, VendorContract, VendorEngagement

__all__ = [
    "ANY_CATEGORY",
    "GENERAL_BOARD",
    "QUESTION_KIND_LABELS",
    "ROLE_LABELS",
    "SKILL_LEVELS",
    "STAFF_ROLES",
    "SUPERVISORS",
    "ApiToken",
    "AppendOnlyError",
    "ArticleStatus",
    "Asset",
    "AssetHistory",
    "AssetStatus",
    "AssetType",
    "Attachment",
    "Base",
    "Channel",
    "Comment",
    "ConfigStamp",
    "CounterDefinition",
    "CounterKind",
    "CounterReading",
    "Department",
    "Evaluation",
    "EvaluationCycle",
    "Event",
    "ForumPost",
    "ForumThread",
    "Group",
    "InboundMessage",
    "JSONType",
    "KbArticle",
    "KbArticleVersion",
    "KbAttachment",
    "KbDeflection",
    "KbVote",
    "Leave",
    "LoginThrottle",
    "MailStatus",
    "Notification",
    "NotificationPreference",
    "OutboxMessage",
    "OutboxStatus",
    "PluginState",
    "PluginVersion",
    "Priority",
    "QuestionKind",
    "RequestAsset",
    "RequestMetrics",
    "Role",
    "RoleCapacity",
    "RoutingPointer",
    "RoutingRule",
    "RoutingSetting",
    "SearchDoc",
    "Sequence",
    "ServiceRequest",
    "Skill",
    "SlaCalendar",
    "SlaCalendarDay",
    "SlaFiredAction",
    "SlaPolicy",
    "SlaReminderPolicy",
    "StaffCapacity",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "Task",
    "TaskStatus",
    "ThresholdFiring",
    "ThresholdMode",
    "ThresholdRule",
    "ThrottleKind",
    "UTCDateTime",
    "User",
    "UserSkill",
    "Vendor",
    "VendorContact",
    "VendorContract",
    "VendorEngagement",
    "Visibility",
    "group_membership",
    "task_dependency",
    "utcnow",
]
