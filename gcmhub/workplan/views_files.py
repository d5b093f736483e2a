"""Downloads of the work plan's uploaded files: evidence attached to status updates (public like the
updates) and the document a plan was imported from (the Secretariat only; a 404 for anyone else)."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from gcmhub.lib.files import filename_of, serve_file
from gcmhub.workplan.models import StatusUpdate, WorkPlan
from gcmhub.workplan.permissions import can_view_source_document, can_view_update

_ANONYMOUS = AnonymousUser()


@require_safe
def evidence(request: HttpRequest, pk: int, filename: str):
    update = get_object_or_404(StatusUpdate.objects.exclude(evidence_file=""), pk=pk)
    if update.evidence_filename != filename or not can_view_update(request.user, update):
        raise Http404
    return serve_file(request, update.evidence_file, public=can_view_update(_ANONYMOUS, update))


@require_safe
def source_document(request: HttpRequest, slug: str, filename: str):
    plan = get_object_or_404(WorkPlan.objects.exclude(source_document=""), slug=slug)
    if filename_of(plan.source_document.name) != filename or not can_view_source_document(request.user):
        raise Http404
    return serve_file(request, plan.source_document, public=False)


def serve_stored_evidence(request: HttpRequest, name: str):
    """An evidence document by its stored name (old /media/ links), with the same check."""
    for update in StatusUpdate.objects.filter(evidence_file=name):
        if can_view_update(request.user, update):
            return serve_file(request, update.evidence_file, public=can_view_update(_ANONYMOUS, update))
    raise Http404


def serve_stored_source_document(request: HttpRequest, name: str):
    """A plan's source document by its stored name (old /media/ links): the Secretariat only."""
    plan = WorkPlan.objects.filter(source_document=name).first()
    if plan is None or not can_view_source_document(request.user):
        raise Http404
    return serve_file(request, plan.source_document, public=False)
