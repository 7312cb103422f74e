"""The service-desk pages agents and managers work in: the queue, the ticket workspace, the
new-ticket form and the settings pages."""
