"""The SLA/OLA engine: business calendars, clocks, warnings, breaches and escalations."""


def register() -> None:
    return None
