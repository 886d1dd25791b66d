"""Fetching one object for a user: through ``visible_to(user)``, so another firm's object, or one
the user may not see, is a 404 and never a 403 that would reveal that it exists."""

from django.db import models
from django.shortcuts import get_object_or_404


def access(model: type[models.Model], *, user, pk, queryset: models.QuerySet | None = None):
    base = queryset if queryset is not None else model.objects.all()
    return get_object_or_404(base.visible_to(user), pk=pk)
