from klantbelang.core.roles import Role


def can_create_client(*, user) -> bool:
    return user.is_authenticated and user.has_any_role({Role.ADVISER, Role.MANAGER, Role.ADMIN})


def can_edit_profile(*, user, client) -> bool:
    """Advisers who may see the client, managers and admins edit; the client edits their own
    household in the portal. Reviewers read only (four-eyes means not touching the file). An erased
    household is read-only for everyone."""
    if not user.is_authenticated or user.firm != client.firm or client.erased_at is not None:
        return False
    if client.portal_user_id == user.pk and user.has_role(Role.CLIENT):
        return True
    if user.has_any_role({Role.MANAGER, Role.ADMIN}):
        return True
    return user.has_role(Role.ADVISER) and (
        client.responsible_adviser_id == user.pk
        or (client.team_id is not None and client.team.members.filter(pk=user.pk).exists()))


def can_invite_client(*, user, client) -> bool:
    return can_edit_profile(user=user, client=client) and not user.has_role(Role.CLIENT)


def can_plan(*, user) -> bool:
    """Staff who work on client files compute plans; marketing, product developers and clients (whose
    own plan is on their household's page) do not post arbitrary households."""
    return user.is_authenticated and user.has_any_role({Role.ADVISER, Role.REVIEWER, Role.MANAGER, Role.ADMIN})


def can_replan(*, user) -> bool:
    """Re-planning the whole book under another year's figures writes a profile version for every
    household whose needs change: the firm's managers and administrators decide that."""
    return user.is_authenticated and user.firm is not None and user.has_any_role({Role.MANAGER, Role.ADMIN})
