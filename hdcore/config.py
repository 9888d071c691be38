"""Settings of the help desk, read from the environment (``HELPDESK_*``)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


def default_home() -> Path:
    """Where the embedded database and uploads live: ``$HELPDESK_HOME`` or ``./instance``."""
    return Path(os.environ.get("HELPDESK_HOME", "instance")).resolve()


def _int_env(name: str, default: int) -> int:
    """An integer environment variable; a clear error naming it when it is not one."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


@dataclass
class Settings:
    """What the core needs to run; every interface builds one with :meth:`from_env`."""

    database_url: str = ""
    #: A read-only replica of the database that reports and dashboards read (empty: they
    #: read the database itself).
    reports_database_url: str = ""
    home: Path = field(default_factory=default_home)
    timezone: str = "Asia/Shanghai"
    #: Discover plugins through the ``hdcore.plugins`` entry points.
    discover_plugins: bool = True
    #: Where people reach the web UI; links in e-mails start with it.
    base_url: str = "http://127.0.0.1:5000"
    #: The SMTP server outgoing mail goes through (empty: mail waits in the outbox).
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    #: The sender of notifications (and where replies go), e.g. ``IT HelpDesk <it@corp.cn>``.
    mail_from: str = "IT HelpDesk <helpdesk@helpdesk.local>"
    #: Sending attempts before a message is marked dead and shown to the administrator.
    mail_max_attempts: int = 8
    #: The IMAP mailbox ``helpdesk worker`` polls for requests (empty host: no polling).
    imap_host: str = ""
    #: 0 means the protocol's default (993 with TLS, 143 without).
    imap_port: int = 0
    imap_ssl: bool = True
    imap_user: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    #: Where polled messages are moved once stored (created when missing).
    imap_processed_folder: str = "Processed"
    #: What happens to mail from addresses no active account has: ``hold`` or ``reject``.
    mail_unknown: str = "hold"
    #: Messages one sender may send in an hour before the rest are held (a flood).
    mail_sender_cap: int = 20
    #: Larger incoming messages are refused (and kept for the administrator).
    mail_max_mb: int = 25
    #: Larger attachments are refused.
    attachment_max_mb: int = 20
    #: File name extensions accepted as attachments, separated by commas or spaces (empty: the
    #: documents, images, logs and archives people usually send to IT).
    attachment_extensions: str = ""
    #: Mark the session cookie Secure (sent over HTTPS only) even where the app cannot see
    #: that the browser uses HTTPS (over HTTPS it is always marked).
    secure_cookies: bool = False
    #: Failed sign-ins an account may have before it is locked for ``login_lockout_minutes``.
    login_max_failures: int = 5
    #: Failed sign-ins one address may make (over all accounts) before it is held back.
    login_max_failures_per_ip: int = 20
    #: How long an account (or an address) is held back, and the window failures count in.
    login_lockout_minutes: int = 15
    #: How many reverse proxies (load balancers) stand in front of the web servers and add
    #: ``X-Forwarded-For`` / ``-Proto`` / ``-Host``: their values are then trusted for the
    #: client's address (sign-in lockouts) and the scheme (secure cookies). 0 trusts none.
    proxies: int = 0

    def __post_init__(self) -> None:
        if self.mail_unknown not in ("hold", "reject"):
            raise ValueError(
                f"HELPDESK_MAIL_UNKNOWN must be 'hold' or 'reject', not {self.mail_unknown!r}")
        if self.proxies < 0:
            raise ValueError(f"HELPDESK_PROXIES must be 0 or more, not {self.proxies}")
        if not self.database_url:
            self.database_url = f"sqlite:///{self.home / 'helpdesk.db'}"

    @cached_property
    def secret_key(self) -> str:
        """``HELPDESK_SECRET_KEY``, or one made once and kept in the home folder.

        Kept on disk so sessions and signed mail identifiers survive restarts and every
        process on the host shares it; several hosts must set the variable to one value.
        """
        if os.environ.get("HELPDESK_SECRET_KEY"):
            return os.environ["HELPDESK_SECRET_KEY"]
        path = self.home / "secret_key"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``HELPDESK_DATABASE_URL`` (``HELPDESK_REPORTS_DATABASE_URL`` for a
        replica the reports read), ``HELPDESK_HOME``, ``HELPDESK_TIMEZONE``,
        ``HELPDESK_BASE_URL``, ``HELPDESK_SMTP_HOST``, ``_PORT``, ``_USER``, ``_PASSWORD``,
        ``_STARTTLS`` (1/true/yes), ``HELPDESK_MAIL_FROM`` and ``HELPDESK_MAIL_MAX_ATTEMPTS``;
        mail in: ``HELPDESK_IMAP_HOST``, ``_PORT``, ``_SSL`` (default on), ``_USER``,
        ``_PASSWORD``, ``_FOLDER``, ``_PROCESSED_FOLDER``, ``HELPDESK_MAIL_UNKNOWN`` (hold or
        reject), ``HELPDESK_MAIL_SENDER_CAP`` (per hour) and ``HELPDESK_MAIL_MAX_MB``; security:
        ``HELPDESK_ATTACHMENT_MAX_MB``, ``HELPDESK_ATTACHMENT_EXTENSIONS``,
        ``HELPDESK_SECURE_COOKIES``, ``HELPDESK_LOGIN_MAX_FAILURES``, ``_PER_IP``,
        ``HELPDESK_LOGIN_LOCKOUT_MINUTES``; behind a load balancer: ``HELPDESK_PROXIES``."""
        values: dict[str, object] = {
            "database_url": os.environ.get("HELPDESK_DATABASE_URL", ""),
            "reports_database_url": os.environ.get("HELPDESK_REPORTS_DATABASE_URL", ""),
            "home": default_home(),
            "timezone": os.environ.get("HELPDESK_TIMEZONE", "Asia/Shanghai"),
            "base_url": os.environ.get("HELPDESK_BASE_URL", cls.base_url),
            "smtp_host": os.environ.get("HELPDESK_SMTP_HOST", ""),
            "smtp_port": _int_env("HELPDESK_SMTP_PORT", cls.smtp_port),
            "smtp_user": os.environ.get("HELPDESK_SMTP_USER", ""),
            "smtp_password": os.environ.get("HELPDESK_SMTP_PASSWORD", ""),
            "smtp_starttls": os.environ.get("HELPDESK_SMTP_STARTTLS", "").strip().lower()
            in ("1", "true", "yes", "on"),
            "mail_from": os.environ.get("HELPDESK_MAIL_FROM", cls.mail_from),
            "mail_max_attempts": _int_env("HELPDESK_MAIL_MAX_ATTEMPTS", cls.mail_max_attempts),
            "imap_host": os.environ.get("HELPDESK_IMAP_HOST", "").strip(),
            "imap_port": _int_env("HELPDESK_IMAP_PORT", cls.imap_port),
            "imap_ssl": os.environ.get("HELPDESK_IMAP_SSL", "1").strip().lower()
            not in ("0", "false", "no", "off"),
            "imap_user": os.environ.get("HELPDESK_IMAP_USER", ""),
            "imap_password": os.environ.get("HELPDESK_IMAP_PASSWORD", ""),
            "imap_folder": os.environ.get("HELPDESK_IMAP_FOLDER", "").strip() or cls.imap_folder,
            "imap_processed_folder": os.environ.get("HELPDESK_IMAP_PROCESSED_FOLDER", "").strip()
            or cls.imap_processed_folder,
            "mail_unknown": os.environ.get("HELPDESK_MAIL_UNKNOWN", "").strip().lower()
            or cls.mail_unknown,
            "mail_sender_cap": _int_env("HELPDESK_MAIL_SENDER_CAP", cls.mail_sender_cap),
            "mail_max_mb": _int_env("HELPDESK_MAIL_MAX_MB", cls.mail_max_mb),
            "attachment_max_mb": _int_env("HELPDESK_ATTACHMENT_MAX_MB", cls.attachment_max_mb),
            "attachment_extensions": os.environ.get("HELPDESK_ATTACHMENT_EXTENSIONS", ""),
            "secure_cookies": os.environ.get("HELPDESK_SECURE_COOKIES", "").strip().lower()
            in ("1", "true", "yes", "on"),
            "login_max_failures": _int_env("HELPDESK_LOGIN_MAX_FAILURES",
                                           cls.login_max_failures),
            "login_max_failures_per_ip": _int_env("HELPDESK_LOGIN_MAX_FAILURES_PER_IP",
                                                  cls.login_max_failures_per_ip),
            "login_lockout_minutes": _int_env("HELPDESK_LOGIN_LOCKOUT_MINUTES",
                                              cls.login_lockout_minutes),
            "proxies": _int_env("HELPDESK_PROXIES", cls.proxies),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
