from klantbelang.core.roles import Role


def can_work_on_case(*, user, case) -> bool:
    """The case team (lead and specialists) works on a case; managers and admins may step in.
    Reviewers review; they do not edit what they judge."""
    if not user.is_authenticated or user.firm != case.firm:
        return False
    if user.pk in case.team_ids():
        return True
    return user.has_any_role({Role.MANAGER, Role.ADMIN})


def can_open_case(*, user) -> bool:
    return user.is_authenticated and user.has_any_role({Role.ADVISER, Role.MANAGER, Role.ADMIN})


def can_review(*, user, case) -> bool:
    """Four-eyes: a reviewer never reviews a case they lead or work on, nor advice they changed
    since its last approval (a manager who stepped in and wrote a recommendation included)."""
    return (user.is_authenticated and user.has_role(Role.REVIEWER) and user.firm == case.firm
            and user.pk not in case.team_ids() and user.pk not in case.editor_ids())
