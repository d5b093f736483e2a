"""The notification centre, following, preferences and the one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gcmhub.accounts.models import User
from gcmhub.lib import params
from gcmhub.notifications import actions
from gcmhub.notifications.describe import describe
from gcmhub.notifications.digest import ALL_KINDS, read_unsubscribe_token
from gcmhub.notifications.forms import PreferencesForm
from gcmhub.notifications.models import Frequency, Notification
from gcmhub.notifications.registry import FOLLOWABLE, KINDS, followable_model, may_follow

PAGE_SIZE = 30
MAX_PAGE = 200


def _back(request, fallback: str):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_GET
def centre(request):
    rows = Notification.objects.filter(user=request.user).order_by("read_at", "-created_at", "-id")
    if request.GET.get("show") == "unread":
        rows = rows.filter(read_at__isnull=True)
    number = params.page_number(request.GET.get("page"), last=MAX_PAGE)
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    context = {
        "page": page,
        "shown": describe(page.object_list),
        "unread_only": request.GET.get("show") == "unread",
        "unread": Notification.objects.filter(user=request.user).unread().count(),
    }
    return render(request, "notifications/centre.html", context)


@login_required
@require_GET
def open_notification(request, notification_id: int):
    """Follow a notification's link, marking it read."""
    notification = Notification.objects.filter(pk=notification_id, user=request.user).first()
    if notification is None:
        raise Http404
    [shown] = describe([notification])
    actions.do_mark_read(request.user, [notification.pk])
    return redirect(shown.url or "notifications:centre")


@login_required
@require_POST
def mark_read(request):
    ids = [int(value) for value in request.POST.getlist("id")[:PAGE_SIZE] if value.isdigit()]
    count = actions.do_mark_read(request.user, ids if ids else None)
    if not ids:
        messages.success(request, _("Every notification is marked read."))
    elif count:
        messages.success(request, _("Marked read."))
    return _back(request, "notifications:centre")


@login_required
@require_POST
def follow(request):
    """Follow or stop following an object: `target` is "<app_label.model>:<id>", `action` follow or unfollow."""
    key, _separator, pk = (request.POST.get("target") or "").partition(":")
    model = followable_model(key)
    if model is None or not pk.isdigit() or len(pk) > 12:
        return HttpResponseBadRequest(_("This cannot be followed."))
    obj = model._default_manager.filter(pk=int(pk)).first()
    if obj is None or not may_follow(request.user, obj):
        raise Http404
    if request.POST.get("action") == "unfollow":
        actions.do_unfollow(request.user, obj)
        messages.success(request, _("You no longer follow this %(kind)s.") % {"kind": FOLLOWABLE[key]})
    else:
        actions.do_follow(request.user, obj)
        messages.success(
            request,
            _("You follow this %(kind)s: what happens to it appears in your notifications.")
            % {"kind": FOLLOWABLE[key]},
        )
    fallback = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "notifications:centre"
    return _back(request, fallback)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.user, request.POST)
        if form.is_valid():
            actions.do_set_preferences(request.user, form.chosen())
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(request.user)
    followed = describe_follows(request.user)
    return render(request, "notifications/preferences.html", {"form": form, "followed": followed})


def describe_follows(user) -> list[dict]:
    """What the user follows, with names and addresses (one query per kind of object)."""
    from collections import defaultdict

    from gcmhub.notifications.models import Follow

    by_type = defaultdict(list)
    for row in Follow.objects.filter(user=user).select_related("content_type"):
        by_type[row.content_type].append(row.object_id)
    followed = []
    for content_type, pks in by_type.items():
        key = f"{content_type.app_label}.{content_type.model}"
        model = content_type.model_class()
        if model is None or key not in FOLLOWABLE:
            continue
        for obj in model._default_manager.filter(pk__in=pks):
            url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
            followed.append({"kind": FOLLOWABLE[key], "label": str(obj), "url": url, "target": f"{key}:{obj.pk}"})
    return sorted(followed, key=lambda item: (str(item["kind"]), item["label"].lower()))


@csrf_exempt  # RFC 8058: mail clients post the one-click unsubscribe without a form of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """A link in every notification e-mail: GET shows what it stops and a button, POST stops it."""
    found = read_unsubscribe_token(token) if len(token) < 500 else None
    user = User.objects.filter(pk=found[0], is_active=True).first() if found else None
    if found is None or user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    kind = found[1]
    label = _("all e-mails of notifications") if kind == ALL_KINDS else KINDS[kind].label
    if request.method == "POST":
        if kind == ALL_KINDS:
            actions.do_set_preferences(user, dict.fromkeys(KINDS, Frequency.NEVER))
        else:
            actions.do_unsubscribe(user, kind)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=204)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})
