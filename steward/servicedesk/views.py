"""The agent pages live in ``steward.servicedesk.ui`` (queue, workspace, create, config);
this module names them for ``urls.py``."""

from steward.servicedesk.ui import config, create, queue, workspace

__all__ = ["config", "create", "queue", "workspace"]
