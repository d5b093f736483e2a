"""Downloads of a topic's documents and of comments' attachments: whoever may read the topic (and,
for a comment not published, its author and moderators) gets the file, everyone else a 404.
`gcmhub.lib.files.serve_file` sends the bytes with the safe headers; a file is cacheable by shared
caches only when anonymous readers may see it."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from gcmhub.consultations.models import CommentAttachment, TopicAttachment
from gcmhub.consultations.permissions import can_read_topic, can_see_comment
from gcmhub.lib.files import serve_file

_ANONYMOUS = AnonymousUser()


@require_safe
def topic_attachment(request: HttpRequest, pk: int, filename: str):
    item = get_object_or_404(TopicAttachment.objects.select_related("topic__space"), pk=pk)
    if item.filename != filename or not can_read_topic(request.user, item.topic):
        raise Http404
    return serve_file(request, item.file, public=can_read_topic(_ANONYMOUS, item.topic))


@require_safe
def comment_attachment(request: HttpRequest, pk: int, filename: str):
    item = get_object_or_404(CommentAttachment.objects.select_related("comment__topic__space"), pk=pk)
    if item.filename != filename or not can_see_comment(request.user, item.comment):
        raise Http404
    return serve_file(request, item.file, public=can_see_comment(_ANONYMOUS, item.comment))
