"""Downloads of the Hub's uploaded files: a resource's files and a practice's attachments.

A file is public once its resource or practice is published; before that only those who may see
the draft (`permissions.can_view_resource` / `can_view_practice`) get it, and everyone else a 404,
as for the draft's page. `gcmhub.lib.files.serve_file` sends the bytes and the safe headers.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from gcmhub.knowledge.models import PracticeAttachment, ResourceFile
from gcmhub.knowledge.permissions import can_view_practice, can_view_resource
from gcmhub.lib.files import serve_file

_ANONYMOUS = AnonymousUser()


@require_safe
def resource_file(request: HttpRequest, pk: int, filename: str):
    item = get_object_or_404(ResourceFile.objects.select_related("resource"), pk=pk)
    if item.filename != filename or not can_view_resource(request.user, item.resource):
        raise Http404
    return serve_file(request, item.file, public=can_view_resource(_ANONYMOUS, item.resource))


@require_safe
def practice_attachment(request: HttpRequest, pk: int, filename: str):
    item = get_object_or_404(PracticeAttachment.objects.select_related("practice"), pk=pk)
    if item.filename != filename or not can_view_practice(request.user, item.practice):
        raise Http404
    return serve_file(request, item.file, public=can_view_practice(_ANONYMOUS, item.practice))


def serve_stored_resource_file(request: HttpRequest, name: str):
    """A resource file by its stored name (old /media/ links), with the same check."""
    for item in ResourceFile.objects.filter(file=name).select_related("resource"):
        if can_view_resource(request.user, item.resource):
            return serve_file(request, item.file, public=can_view_resource(_ANONYMOUS, item.resource))
    raise Http404


def serve_stored_attachment(request: HttpRequest, name: str):
    """An attachment by its stored name (old /media/ links). An update of a published practice
    shares its original's files, so the name may belong to several practices: any one the user may
    see will do, and the file is public if any of them is."""
    items = list(PracticeAttachment.objects.filter(file=name).select_related("practice"))
    visible = [item for item in items if can_view_practice(request.user, item.practice)]
    if not visible:
        raise Http404
    public = any(can_view_practice(_ANONYMOUS, item.practice) for item in items)
    return serve_file(request, visible[0].file, public=public)
