"""API rate limits counted in each process's memory.

A shared counter in the database would cost a write on every request; with N web workers
the effective limit is at most N times the configured rate, which still stops a runaway
client. Configure with STEWARD_API_RATE.
"""

from django.core.cache import caches
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class UserThrottle(UserRateThrottle):
    cache = caches["throttle"]


class AnonThrottle(AnonRateThrottle):
    cache = caches["throttle"]
