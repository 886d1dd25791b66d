from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import CaseNote


@task()
def notify_mentions(*, note_id: int) -> int:
    note = CaseNote.objects.select_related("case", "author").get(pk=note_id)
    for user in note.mentions.all():
        with translation.override(user.language):
            send_mail(_("%(author)s mentioned you in %(case)s") % {"author": note.author, "case": note.case},
                      note.text, None, [user.email])
    return note.mentions.count()
