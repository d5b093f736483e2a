"""Wagtail documents: checked by content when uploaded, served with the same headers as every other
uploaded file.

Wagtail's own serve view (`/documents/<id>/<filename>`) finds the document and applies collection
privacy (its `before_serve_document` hook: login or password); `serve_document`, registered after
it, then answers through `gcmhub.lib.files.serve_file`, so documents get the sniffed Content-Type,
`nosniff`, the sandbox policy, private caching in a restricted collection and the configured
FILE_SERVE_METHOD (X-Sendfile, X-Accel-Redirect or a pre-signed object-storage URL).
"""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
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


def serve_document(document, request):
    document_served.send(sender=type(document), instance=document, request=request)
    restricted = document.collection.get_view_restrictions().exists()
    return serve_file(
        request, document.file, public=not restricted, filename=document.filename, etag=document.file_hash or None
    )
