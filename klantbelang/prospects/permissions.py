"""Who may do what in the pipeline. Marketing and advisers share one pipeline: marketing brings
prospects in and qualifies them; introductions, agreements and clients are the advisers' work."""

from klantbelang.core.roles import Role

from .models import PIPELINE_ROLES, StageKind

ADVISER_KINDS = {StageKind.INTRODUCTION, StageKind.AGREEMENT, StageKind.WON}


def can_work_pipeline(*, user) -> bool:
    return user.is_authenticated and user.has_any_role(PIPELINE_ROLES)


def can_edit_prospect(*, user, prospect) -> bool:
    """Marketing, managers and admins edit any prospect of the firm; an adviser the prospects
    assigned to them, the ones they brought in, and unassigned ones."""
    if not user.is_authenticated or user.firm is None or user.firm.pk != prospect.firm_id:
        return False
    if user.has_any_role({Role.MARKETING, Role.MANAGER, Role.ADMIN}):
        return True
    return user.has_role(Role.ADVISER) and (prospect.adviser_id in (None, user.pk) or prospect.owner_id == user.pk)


def can_move_to(*, user, kind: str) -> bool:
    if kind in ADVISER_KINDS:
        return user.has_any_role({Role.ADVISER, Role.MANAGER})
    return can_work_pipeline(user=user)


def can_manage_marketing(*, user) -> bool:
    """Sources, campaigns, lost reasons and stage names; training the score."""
    return user.is_authenticated and user.has_any_role({Role.MARKETING, Role.MANAGER, Role.ADMIN})


def can_set_scope(*, user) -> bool:
    """The firm's service scope and advisers' capacity."""
    return user.is_authenticated and user.has_any_role({Role.MANAGER, Role.ADMIN})
