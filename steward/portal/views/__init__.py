"""Portal pages: the self-service shell (home, report, my tickets, requests, approvals,
knowledge), the public status page and the survey answer page."""
