from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

app_name = "notifications"


@login_required
def inbox(request):  # type: ignore[no-untyped-def]
    return render(request, "core/error.html", {"title": "Inbox", "message": ""})


urlpatterns = [path("", inbox, name="inbox")]
