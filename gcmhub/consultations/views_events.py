"""The event pages: the list (upcoming / past, by kind and series), a series, an event, the
registration form, cancellation, one's registrations, the organisers' attendee page with its
exports and announcements, and an event's .ics file.

Who may do what: `permissions_events`. Anonymous readers get the list, series and event pages from
the page cache; those pages show the seats left, so they count registrations (the scope
"eventregistrations", settings.PAGE_CACHE_OWN_SCOPES) — a registration refreshes the event pages
and no other — and they expire when an event shown starts or ends.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from gcmhub import pagecache
from gcmhub.consultations import actions_events
from gcmhub.consultations.forms_events import AnnounceForm, EventFilterForm, RegistrationForm
from gcmhub.consultations.ics import event_ics, ics_filename
from gcmhub.consultations.models import Event, EventSeries, Registration
from gcmhub.consultations.permissions_events import (
    can_announce,
    can_see_online_link,
    can_see_registrants,
    get_event_for_user,
    is_organiser,
    register_refusal,
    registration_of,
)
from gcmhub.lib.i18n import active_language, translated_names
from gcmhub.lib.params import paginate
from gcmhub.lib.tabular import Column, Sheet, csv_response, xlsx_response

# What event pages show: events, speakers and series (consultations), seats (registrations),
# related discussions, resources and organisations.
CACHE_SCOPES = ("consultations", "events", "eventregistrations", "discussiontopics", "knowledge", "taxonomy")
PER_PAGE = 20
EXPORT_FORMATS = ("csv", "xlsx")


def _next_change(now):
    """When a published event next starts or ends: the lists change then. One query."""
    moments = Event.objects.published().aggregate(
        starts=Min("starts_at", filter=Q(starts_at__gt=now)), ends=Min("ends_at", filter=Q(ends_at__gt=now))
    )
    return min((m for m in moments.values() if m is not None), default=None)


# Lists ---------------------------------------------------------------------------------------------


@require_safe
@pagecache.cacheable(scopes=CACHE_SCOPES)
def event_list(request):
    now = timezone.now()
    series_choices = list(EventSeries.objects.order_by("-created_at", "id"))
    form = EventFilterForm(request.GET or None, series_choices=[(s.slug, s.title) for s in series_choices])
    when, kind, series = form.value("when") or "upcoming", form.value("kind"), form.value("series")
    events = Event.objects.published().for_list()
    events = events.upcoming(now) if when == "upcoming" else events.past(now)
    if kind:
        events = events.filter(kind=kind)
    if series:
        events = events.filter(series__slug=series)
    page = paginate(events, PER_PAGE, request.GET.get("page"))
    pagecache.valid_until(request, _next_change(now))
    return render(
        request,
        "consultations/events/list.html",
        {"page": page, "events": list(page.object_list), "form": form, "when": when, "now": now},
    )


@require_safe
@pagecache.cacheable(scopes=CACHE_SCOPES)
def series_detail(request, series):
    series = EventSeries.objects.filter(slug=series).first()
    if series is None:
        raise Http404
    now = timezone.now()
    events = list(Event.objects.published().filter(series=series).for_list().order_by("starts_at", "id"))
    pagecache.valid_until(request, _next_change(now))
    return render(
        request,
        "consultations/events/series.html",
        {
            "series": series,
            "upcoming": [e for e in events if e.ends_at > now],
            "past": [e for e in reversed(events) if e.ends_at <= now],
            "now": now,
        },
    )


# An event --------------------------------------------------------------------------------------------


@require_safe
@pagecache.cacheable(scopes=CACHE_SCOPES)
def event_detail(request, event):
    event = get_event_for_user(request.user, event)
    user = request.user
    now = timezone.now()
    state = event.state(now)
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    event.confirmed_count = confirmed
    waiting = event.registrations.filter(status=Registration.Status.WAITLISTED).count()
    registration = registration_of(user, event)
    questions = []
    if state == "past":
        questions = list(
            event.registrations.exclude(question="")
            .exclude(status=Registration.Status.CANCELLED)
            .order_by("queued_at", "id")
            .values_list("question", flat=True)
        )
    pagecache.valid_until(
        request,
        min((m for m in (event.starts_at, event.ends_at, event.closes_registration_at) if m > now), default=None),
    )
    return render(
        request,
        "consultations/events/detail.html",
        {
            "event": event,
            "state": state,
            "speakers": list(event.speakers.all()),
            "organisers": list(event.organisers.order_by("pk")),
            "topics": list(event.topics.filter(published_at__isnull=False).select_related("space").order_by("pk")),
            "resources": list(
                event.resources.published().only("slug", "source_language", *translated_names("title")).order_by("pk")
            ),
            "notices": list(event.notices.all()[:10]),
            "seats_left": event.seats_left(),
            "waitlist_count": waiting,
            "registration": registration,
            "refusal": register_refusal(user, event, now),
            "show_link": can_see_online_link(user, event),
            "is_organiser": is_organiser(user, event),
            "questions": questions,
            "page_language": active_language(),
        },
    )


@require_safe
def event_calendar(request, event):
    """The event as an .ics file: with the online link for those who may see it."""
    event = get_event_for_user(request.user, event)
    response = HttpResponse(
        event_ics(event, with_link=can_see_online_link(request.user, event)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, ics_filename(event))
    return response


# Registration ------------------------------------------------------------------------------------------


def _answers(form: RegistrationForm) -> actions_events.Answers:
    cleaned = form.cleaned_data
    return actions_events.Answers(
        organisation=cleaned.get("organisation") or "",
        country=cleaned.get("country"),
        role=cleaned.get("role") or "",
        accessibility_needs=cleaned.get("accessibility_needs") or "",
        question=cleaned.get("question") or "",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request, event):
    event = get_event_for_user(request.user, event)
    user = request.user
    registration = registration_of(user, event)
    already = (
        registration if registration is not None and registration.status != Registration.Status.CANCELLED else None
    )
    refusal = register_refusal(user, event)
    status = 200
    initial = {}
    if registration is not None:  # registering again after a cancellation: the earlier answers
        initial = {
            "organisation": registration.organisation,
            "country": registration.country_id,
            "role": registration.role,
            "accessibility_needs": registration.accessibility_needs,
        }
    form = RegistrationForm(request.POST if request.method == "POST" else None, event=event, initial=initial)
    if request.method == "POST":
        if already is not None:
            status = 409
        elif refusal is not None:
            form.is_valid()
            form.add_error(None, refusal)
            status = 400 if user.email_verified else 403
        elif not form.is_valid():
            status = 400
        else:
            try:
                made = actions_events.do_register(event, user, _answers(form))
            except actions_events.AlreadyRegistered as exc:
                already, status = exc.registration, 409
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 400
            else:
                if made.status == Registration.Status.CONFIRMED:
                    messages.success(
                        request,
                        gettext(
                            "You are registered. We have e-mailed you a confirmation with the event for your calendar."
                        ),
                    )
                else:
                    messages.warning(
                        request,
                        gettext(
                            "The event is full: you are on the waitlist. If a seat frees up, it is yours in the "
                            "order of registration and we will e-mail you."
                        ),
                    )
                return redirect(event.get_absolute_url())
    seats_left = event.seats_left()
    return render(
        request,
        "consultations/events/register.html",
        {
            "event": event,
            "form": form,
            "already": already,
            "refusal": refusal,
            "seats_left": seats_left,
            "full": seats_left == 0,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, event):
    event = get_event_for_user(request.user, event)
    registration = registration_of(request.user, event)
    if registration is None or registration.status == Registration.Status.CANCELLED:
        raise Http404
    if request.method == "POST":
        actions_events.do_cancel_registration(registration)
        messages.success(request, gettext("Your registration is cancelled. Thank you for freeing your seat."))
        return redirect("events:mine")
    return render(request, "consultations/events/cancel.html", {"event": event, "registration": registration})


@login_required
@require_safe
def my_registrations(request):
    now = timezone.now()
    rows = list(
        Registration.objects.filter(user=request.user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event__series")
        .order_by("event__starts_at", "event_id")
    )
    return render(
        request,
        "consultations/events/mine.html",
        {
            "upcoming": [r for r in rows if r.event.ends_at > now],
            "past": [r for r in reversed(rows) if r.event.ends_at <= now],
            "now": now,
        },
    )


# The organisers' pages ------------------------------------------------------------------------------


def _get_managed_event(user, slug: str) -> Event:
    event = get_event_for_user(user, slug)
    if not can_see_registrants(user, event):
        raise PermissionDenied
    return event


@login_required
@require_safe
def attendees(request, event):
    event = _get_managed_event(request.user, event)
    registrations = list(event.registrations.select_related("user", "country").order_by("queued_at", "id"))
    groups = {status: [r for r in registrations if r.status == status] for status in Registration.Status.values}
    return render(
        request,
        "consultations/events/attendees.html",
        {
            "event": event,
            "confirmed": groups[Registration.Status.CONFIRMED],
            "waitlisted": groups[Registration.Status.WAITLISTED],
            "cancelled": groups[Registration.Status.CANCELLED],
            "exports": list(event.exports.select_related("user")[:20]),
            "notices": list(event.notices.select_related("actor")[:20]),
            "can_announce": can_announce(request.user, event),
        },
    )


@login_required
@require_safe
def attendees_export(request, event, fmt):
    event = _get_managed_event(request.user, event)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    columns = [
        Column(gettext("Name"), 28),
        Column(gettext("E-mail"), 30),
        Column(gettext("Status"), 16),
        Column(gettext("Organisation"), 30),
        Column(gettext("Country"), 20),
        Column(gettext("Role"), 25),
        Column(gettext("Accessibility needs"), 40),
        Column(gettext("Question for the speakers"), 50),
        Column(gettext("Language"), 10),
        Column(gettext("Registered"), 18),
        Column(gettext("Seat from the waitlist"), 18),
        Column(gettext("Cancelled"), 18),
    ]
    statuses = dict(Registration.Status.choices)
    registrations = list(event.registrations.select_related("user", "country").order_by("queued_at", "id"))
    rows = [
        [
            r.user.full_name or str(r.user),
            r.user.email,
            str(statuses.get(r.status, r.status)),
            r.organisation,
            r.country.name if r.country is not None else "",
            r.role,
            r.accessibility_needs,
            r.question,
            r.language,
            r.created_at,
            r.promoted_at,
            r.cancelled_at,
        ]
        for r in registrations
    ]
    actions_events.do_log_export(event, request.user, fmt, len(rows))
    filename = f"attendees-{event.slug}.{fmt}"
    if fmt == "csv":
        response = csv_response(filename, columns, rows)
    else:
        about = [
            (gettext("Event"), event.title),
            (gettext("Starts"), event.starts_at),
            (gettext("Exported"), timezone.now()),
            (gettext("Exported by"), str(request.user)),
            (gettext("Personal data"), gettext("For the organisers of this event only; every export is logged.")),
        ]
        response = xlsx_response(filename, [Sheet(gettext("Attendees"), columns, rows, wrap=True, about=about)])
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def announce(request, event):
    event = get_event_for_user(request.user, event)
    if not can_announce(request.user, event):
        raise PermissionDenied
    form = AnnounceForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notice = actions_events.do_announce(
                    event, request.user, form.cleaned_data["kind"], form.cleaned_data["note"]
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 400
            else:
                if notice.kind == notice.Kind.CANCELLED:
                    messages.success(
                        request, gettext("The event is cancelled; its registrants and followers are told.")
                    )
                else:
                    messages.success(request, gettext("The change is announced to the registrants and followers."))
                return redirect("events:attendees", event.slug)
        else:
            status = 400
    return render(
        request,
        "consultations/events/announce.html",
        {"event": event, "form": form},
        status=status,
    )
