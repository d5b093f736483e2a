"""Who may change what in the work plan. Shared by pages, the admin and the API.

Reading is public. Writes:
- a Network member focal point posts status updates on activities its organisation leads;
- a focal point of a participating organisation adds notes on its own contribution;
- the Secretariat can do everything (edit, import, fix deadlines, see all digests).
"""

from gcmhub.accounts import permissions as roles


def can_post_status(user, activity) -> bool:
    """Reads `activity.leads` (prefetch `involvements` and `priority__involvements`)."""
    if roles.is_secretariat(user):
        return True
    org_ids = roles.focal_point_organisation_ids(user)
    return bool(org_ids) and any(org.pk in org_ids for org in activity.leads)


def can_add_note(user, activity) -> bool:
    """Participants (and leads) may describe their own contribution."""
    if can_post_status(user, activity):
        return True
    org_ids = roles.focal_point_organisation_ids(user)
    return bool(org_ids) and any(org.pk in org_ids for org in activity.participants)


def organisations_for_note(user, activity) -> list:
    """The organisations on whose behalf the user may write a note on this activity."""
    org_ids = roles.focal_point_organisation_ids(user)
    return [org for org in (*activity.leads, *activity.participants) if org.pk in org_ids]


def can_edit_activity(user, activity=None) -> bool:
    return roles.is_secretariat(user)


def can_import_workplan(user) -> bool:
    return roles.is_secretariat(user)


def can_fix_deadlines(user) -> bool:
    return roles.is_secretariat(user)


def can_see_all_digests(user) -> bool:
    return roles.is_secretariat(user)


def note_organisations(user, activity) -> list:
    """The organisations a note may be written for: the user's own among the activity's leads and
    participants; the Secretariat may write for any of them. Reads `activity.leads`/`participants`."""
    if roles.is_secretariat(user):
        seen, orgs = set(), []
        for org in (*activity.leads, *activity.participants):
            if org.pk not in seen:
                seen.add(org.pk)
                orgs.append(org)
        return orgs
    return organisations_for_note(user, activity)


def status_organisation(user, activity):
    """The lead organisation a status update is posted for: the first of the user's own, else None
    (the Secretariat posting for no organisation)."""
    org_ids = roles.focal_point_organisation_ids(user)
    return next((org for org in activity.leads if org.pk in org_ids), None)


def can_see_deadlines(user) -> bool:
    """Any signed-in user may open "my deadlines"; it lists only their organisations' activities."""
    return bool(user and user.is_authenticated)


def can_view_update(user, update) -> bool:
    """Status updates and contribution notes, and their evidence, are public like the whole work plan."""
    return True


def can_view_source_document(user) -> bool:
    """The document a plan was imported from is the Secretariat's working copy."""
    return roles.is_secretariat(user)
