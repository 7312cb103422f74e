"""Every environment variable Steward reads, in one place.

docs/administration/configuration.md lists the same names; a test keeps the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

VARIABLES: dict[str, str] = {
    "STEWARD_DATA_DIR": "Folder for the SQLite database, attachments, backups and secrets.",
    "STEWARD_DATABASE_URL": (
        "Unset: SQLite in the data folder. postgres://user@host/db: PostgreSQL."
    ),
    "STEWARD_SECRET_KEY": "Signing key. Unset: generated once into the data folder.",
    "STEWARD_DEBUG": "1 to show tracebacks. Never in production.",
    "STEWARD_ALLOWED_HOSTS": "Comma-separated host names the web server answers to.",
    "STEWARD_CSRF_TRUSTED_ORIGINS": (
        "Comma-separated origins (scheme://host) allowed to POST forms."
    ),
    "STEWARD_SECURE_COOKIES": "1 to mark cookies Secure and redirect to HTTPS (behind TLS).",
    "STEWARD_BASE_URL": "Public URL of the service, used in e-mails and QR codes.",
    "STEWARD_EMAIL_HOST": (
        "SMTP server for outgoing mail. Unset: mail is written to the data folder."
    ),
    "STEWARD_EMAIL_PORT": "SMTP port (default 25).",
    "STEWARD_EMAIL_USER": "SMTP user name.",
    "STEWARD_EMAIL_PASSWORD": "SMTP password.",
    "STEWARD_EMAIL_TLS": "1 for STARTTLS.",
    "STEWARD_EMAIL_FROM": "From address of outgoing mail.",
    "STEWARD_INBOUND_DOMAIN": "Mail domain of the inbound listener (approval replies).",
    "STEWARD_SERVICEDESK_ADDRESSES": (
        "Comma-separated service-desk addresses: mail to them opens or answers tickets; the "
        "first is the Reply-To of ticket mail."
    ),
    "STEWARD_SERVICEDESK_DEFAULT_ORG": (
        "Organisation (by name) of new senders whose domain matches none. Unset: quarantined."
    ),
    "STEWARD_IMAP_HOST": "IMAP server polled for service-desk mail. Unset: no polling.",
    "STEWARD_IMAP_PORT": "IMAP port (default 993 with ssl, else 143).",
    "STEWARD_IMAP_USER": "IMAP user name.",
    "STEWARD_IMAP_PASSWORD": "IMAP password.",
    "STEWARD_IMAP_SECURITY": "ssl (default), starttls or none.",
    "STEWARD_IMAP_FOLDER": "Mailbox folder polled (default INBOX).",
    "STEWARD_IMAP_DONE_FOLDER": "Folder taken mail is moved to. Unset: it is only marked seen.",
    "STEWARD_IMAP_INTERVAL": "Seconds between two polls by the worker (default 60).",
    "STEWARD_MAX_UPLOAD_MB": "Largest attachment or request body accepted, in megabytes.",
    "STEWARD_API_RATE": "API requests per minute per user (DRF throttle), e.g. 600/min.",
    "STEWARD_WEB_WORKERS": "Worker processes of `steward serve` (default: 2 x cores + 1).",
    "STEWARD_LOG_LEVEL": "Log level (INFO by default).",
    "STEWARD_DEMO_SCALE": (
        "Size of the service-desk and assets demo data (1 = ~20,000 tickets and ~1,500 "
        "devices, 0.01 = ~200 tickets)."
    ),
    "STEWARD_ADMIN_PASSWORD": "Password used by `steward createadmin` instead of a prompt.",
    "STEWARD_IMPORT_MAX_ROWS": "Most rows one CSV/XLSX import may hold (default 10000).",
    "STEWARD_IMPORT_MAX_MB": "Largest CSV/XLSX import file, in megabytes (default 10).",
    "STEWARD_INVENTORY_MAX_MB": "Largest inventory request from an agent, in megabytes (16).",
    "STEWARD_INVENTORY_MAX_XML_MB": "Largest decompressed inventory XML, in megabytes (32).",
    "STEWARD_INVENTORY_KEEP_MB": "Raw bytes a quarantined inventory keeps, in megabytes (2).",
}


def get(name: str, default: str = "") -> str:
    if name not in VARIABLES:
        raise KeyError(f"{name} is not a documented Steward setting")
    return os.environ.get(name, default)


def flag(name: str, default: bool = False) -> bool:
    value = get(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def listing(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in get(name, default).split(",") if item.strip()]


def data_dir() -> Path:
    path = Path(get("STEWARD_DATA_DIR", "var")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """The configured key, or one generated into the data folder on first run."""
    configured = get("STEWARD_SECRET_KEY")
    if configured:
        return configured
    key_file = folder / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
