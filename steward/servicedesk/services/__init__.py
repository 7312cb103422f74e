"""Every state change of the service desk. See ``tickets`` for the ticket use cases."""
