"""Old `/media/<stored name>` links (and the CMS's file widgets, which link to MEDIA_URL): the stored
name is mapped to the object that owns it and served through that object's permission check, or
a 404. Nothing under MEDIA_ROOT is served by name alone, so import uploads waiting for
confirmation and anything without an owner are never reachable."""

import posixpath

from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_safe
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from gcmhub.knowledge.views_files import serve_stored_attachment, serve_stored_resource_file
from gcmhub.lib.files import serve_file
from gcmhub.workplan.views_files import serve_stored_evidence, serve_stored_source_document


def _document(request: HttpRequest, name: str):
    """Wagtail's serve view applies the collection's privacy."""
    document = get_document_model().objects.filter(file=name).first()
    if document is None:
        raise Http404
    return redirect(document.url)


def _image(request: HttpRequest, name: str):
    """Wagtail images (and their renditions) have no privacy: they are shown on public pages."""
    image_model = get_image_model()
    item = (
        image_model.get_rendition_model().objects.filter(file=name).first()
        or image_model.objects.filter(file=name).first()
    )
    if item is None:
        raise Http404
    return serve_file(request, item.file, public=True)


# The `upload_to` of each file field, and who answers for its files.
OWNERS = (
    ("resources/", serve_stored_resource_file),
    ("practices/", serve_stored_attachment),
    ("evidence/", serve_stored_evidence),
    ("workplans/", serve_stored_source_document),
    ("documents/", _document),
    ("images/", _image),
    ("original_images/", _image),
)


@require_safe
def legacy_media(request: HttpRequest, name: str):
    name = posixpath.normpath(name)
    if name.startswith(("/", "..")):
        raise Http404
    for prefix, serve in OWNERS:
        if name.startswith(prefix):
            return serve(request, name)
    raise Http404
