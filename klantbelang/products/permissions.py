from klantbelang.core.roles import Role


def can_manage_shelf(*, user) -> bool:
    """Managers and admins curate the firm's product shelf (imports); everyone in the firm reads it."""
    return user.is_authenticated and user.has_any_role({Role.MANAGER, Role.ADMIN})


def can_match(*, user) -> bool:
    """Advisers match; reviewers and managers re-run a match to check an advice."""
    return user.is_authenticated and user.has_any_role({Role.ADVISER, Role.REVIEWER, Role.MANAGER})
