#!/usr/bin/env python
"""Same as the ``steward`` command, for those used to Django."""

from steward.config.cli import main

if __name__ == "__main__":
    main()
