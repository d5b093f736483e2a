"""Wagtail documents: checked by content when uploaded, served with the same headers as every other
uploaded file.

`serve` answers at Wagtail's own document address (`/documents/<id>/<filename>`, what
`Document.url` gives with WAGTAILDOCS_SERVE_METHOD="serve_view") and does what Wagtail's view does
first: the filename must match, and every `before_serve_document` hook runs, among them Wagtail's
collection privacy (login, groups or password). Then, instead of Wagtail's sendfile (Content-Type
guessed from the name, no Cache-Control; and a streamed answer from a hook is ignored by Wagtail's
view), `gcmhub.lib.files.serve_file` sends it: the sniffed Content-Type, `nosniff`, the sandbox
policy, private caching in a restricted collection, and the configured FILE_SERVE_METHOD
(X-Sendfile, X-Accel-Redirect or a pre-signed object-storage URL).
"""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.forms import BaseDocumentForm
from wagtail.documents.models import document_served

from gcmhub.lib.files import serve_file
from gcmhub.lib.filetypes import check_upload


class DocumentForm(BaseDocumentForm):
    """The CMS document form (single and multiple upload): a new file must be what its name says."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            check_upload(upload, settings.WAGTAILDOCS_EXTENSIONS)
        return upload


@require_safe
def serve(request, document_id: int, document_filename: str):
    document = get_object_or_404(get_document_model().objects.select_related("collection"), id=document_id)
    if document.filename != document_filename:
        raise Http404
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(document, request)
        if isinstance(result, HttpResponseBase):
            return result
    document_served.send(sender=type(document), instance=document, request=request)
    restricted = document.collection.get_view_restrictions().exists()
    return serve_file(
        request, document.file, public=not restricted, filename=document.filename, etag=document.file_hash or None
    )
