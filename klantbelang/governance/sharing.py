"""What the firm shares with a manufacturer's product developers, and their answers.

A product developer belongs to one provider (``ProviderDeveloper``) and sees only what the firm
chose to share with it: signals it accepted and shared with a summary of its own, and reports it
sent. Counts of clients are frozen when shared and shown only from five clients on.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klantbelang.core.audit import record_audit
from klantbelang.core.roles import Role

from . import privacy
from .models import ProviderDeveloper, Signal, SignalAnswer, developer_provider
from .services import can_triage


def can_link_developers(user) -> bool:
    return user.is_authenticated and user.has_any_role({Role.MANAGER, Role.ADMIN})


@transaction.atomic
def link_developer(*, user, provider, by) -> ProviderDeveloper:
    """Say which provider a product developer works for (replacing an earlier link)."""
    if not can_link_developers(by) or by.firm is None:
        raise PermissionDenied
    errors = {}
    if user.firm != by.firm or not user.has_role(Role.PRODUCT_DEVELOPER):
        errors["user"] = _("Choose a product developer of this firm.")
    if provider.firm_id != by.firm.pk:
        errors["provider"] = _("Choose a provider of this firm.")
    if errors:
        raise ValidationError(errors)
    link = ProviderDeveloper.objects.select_for_update().filter(user=user).first()
    before = link.provider.name if link else None
    if link is None:
        link = ProviderDeveloper(firm=by.firm, user=user)
    link.provider, link.linked_by, link.linked_at = provider, by, timezone.now()
    link.save()
    record_audit(actor=by, action="provider_developer.linked", obj=link,
                 changes={"provider": {"before": before, "after": provider.name}})
    return link


@transaction.atomic
def share_signal(*, signal: Signal, by, summary: str, provider=None) -> Signal:
    """Share an accepted signal with the manufacturer: the summary is what its developers read,
    and the number of clients concerned is frozen as it is now. A product's signal goes to the
    product's provider; a signal about an unmet need to the provider the firm chooses."""
    if not can_triage(by) or by.firm is None or by.firm.pk != signal.firm_id:
        raise PermissionDenied
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    provider = signal.provider if signal.product_id else provider
    errors = {}
    if signal.status != Signal.Status.ACCEPTED:
        errors["summary"] = _("Only an accepted signal can be shared.")
    elif signal.shared_at is not None:
        errors["summary"] = _("This signal was shared already.")
    if provider is None or provider.firm_id != signal.firm_id:
        errors["provider"] = _("Choose the provider to share this signal with.")
    summary = summary.strip()
    if not summary:
        errors["summary"] = _("Write the summary the manufacturer will read.")
    else:
        problems = privacy.identifying_text(firm=signal.firm, text=summary)
        if problems:
            errors["summary"] = problems
    if errors:
        raise ValidationError(errors)
    signal.shared_with, signal.shared_summary, signal.shared_clients = provider, summary[:5000], signal.clients
    signal.shared_by, signal.shared_at = by, timezone.now()
    signal.save(update_fields=["shared_with", "shared_summary", "shared_clients", "shared_by", "shared_at"])
    record_audit(actor=by, action="signal.shared", obj=signal,
                 changes={"shared_with": {"before": None, "after": provider.name}})
    return signal


@transaction.atomic
def answer_signal(*, signal: Signal, by, text: str) -> SignalAnswer:
    """A product developer answers a signal shared with their provider."""
    provider = developer_provider(by)
    signal = Signal.objects.get(pk=signal.pk)  # as shared now, not as passed
    if provider is None or signal.shared_with_id != provider.pk or signal.shared_at is None:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your answer.")})
    problems = privacy.identifying_text(firm=signal.firm, text=text)
    if problems:
        raise ValidationError({"text": problems})
    answer = SignalAnswer.objects.create(signal=signal, text=text[:10000], answered_by=by)
    record_audit(actor=by, action="signal.answered", obj=signal, firm=signal.firm,
                 changes={"answer": {"before": None, "after": answer.pk}})
    return answer
