"""The translation workspace: what is left to translate per language and kind, side-by-side
editing segment by segment (saved without reload through htmx, a plain post without JavaScript),
and the XLIFF/PO export and import. For the Secretariat and translators (everything) and Network
members' focal points (their organisations' content)."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gcmhub.accounts import permissions as roles
from gcmhub.accounts.models import User
from gcmhub.lib.files import content_disposition
from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.lib.params import paginate
from gcmhub.translations import actions, exchange
from gcmhub.translations.forms import ExportForm, ImportForm, SegmentForm
from gcmhub.translations.permissions import kinds_for, translatable
from gcmhub.translations.registry import Kind
from gcmhub.translations.status import (
    STATE_LABELS,
    STATES,
    SUGGESTED,
    TO_DO,
    Segment,
    counts,
    fingerprint,
    segment_of,
    segments,
)

PER_PAGE = 20


def _workspace_user(request):
    if not roles.may_translate(request.user):
        raise PermissionDenied
    return request.user


def _language(code: str) -> str:
    if code not in LANGUAGE_CODES:
        raise Http404("No such language.")
    return code


def _kind(user, key: str) -> Kind:
    for kind in kinds_for(user):
        if kind.key == key:
            return kind
    raise Http404("No such content.")


@login_required
@require_GET
def workspace(request):
    """Counts of what is missing, stale and to review, per kind and language."""
    user = _workspace_user(request)
    rows = []
    totals: dict[str, Counter] = {code: Counter() for code in LANGUAGE_CODES}
    for kind in kinds_for(user):
        found = counts(kind, translatable(kind, user), LANGUAGE_CODES)
        for code, counter in found.items():
            totals[code].update(counter)
        rows.append({"kind": kind, "cells": [(code, found[code]) for code in LANGUAGE_CODES]})
    languages = [(code, language_name(code)) for code in LANGUAGE_CODES]
    return render(
        request,
        "translations/workspace.html",
        {
            "rows": rows,
            "languages": languages,
            "totals": [(code, totals[code]) for code in LANGUAGE_CODES],
            "states": [(state, STATE_LABELS[state]) for state in STATES],
        },
    )


def _objects_for_page(kind: Kind, page_segments: list[Segment]) -> dict:
    pks = {s.pk for s in page_segments}
    return kind.with_labels(kind.model._default_manager.filter(pk__in=pks)).order_by().in_bulk()


def _authors(segments) -> dict:
    """{user id: display name} of the people who made these translations (one query)."""
    ids = {s.by_id for s in segments if s.by_id}
    return {user.pk: user.display_name() for user in User.objects.filter(pk__in=ids)} if ids else {}


def _segment_context(
    segment: Segment, obj, form=None, *, note="", refusal="", saved=False, authors: dict | None = None
) -> dict:
    kind = segment.kind
    if authors is None:
        authors = _authors([segment])
    others = []
    for code in LANGUAGE_CODES:
        if code in (segment.language, segment.source_language):
            continue
        text = getattr(obj, f"{segment.field}_{code}", "") or ""
        if text.strip():
            others.append((code, language_name(code), text))
    if form is None:
        form = SegmentForm(
            initial={
                "text": segment.text,
                "source_fingerprint": fingerprint(segment.source),
                "base_fingerprint": actions.text_fingerprint(segment.text),
            },
            max_length=segment.max_length,
            field_label=str(kind.column(segment.field, segment.language).verbose_name),
        )
    return {
        "segment": segment,
        "object": obj,
        "label": str(obj),
        "field_label": kind.column(segment.field, segment.language).verbose_name,
        "source_language_name": language_name(segment.source_language, in_sentence=True),
        "language_name": language_name(segment.language, in_sentence=True),
        "others": others,
        "form": form,
        "html_id": f"seg-{kind.key.replace('.', '-')}-{segment.pk}-{segment.field}",
        "save_url": reverse("translations:save", args=[segment.language, kind.key, segment.pk, segment.field]),
        "note": note,
        "refusal": refusal,
        "saved": saved,
        "author": authors.get(segment.by_id, "") if segment.by_id else "",
    }


@login_required
@require_GET
def segment_list(request, lang, kind):
    """Side by side: each segment's source left, its translation right."""
    user = _workspace_user(request)
    language = _language(lang)
    kind_ = _kind(user, kind)
    state = request.GET.get("state", "todo")
    if state not in (*STATES, "todo", "all"):
        state = "todo"
    wanted = TO_DO if state == "todo" else STATES if state == "all" else (state,)
    found = [s for s in segments(kind_, translatable(kind_, user), [language]) if s.state in wanted]
    page = paginate(found, PER_PAGE, request.GET.get("page"), count=len(found))
    objects = _objects_for_page(kind_, list(page.object_list))
    authors = _authors(page.object_list)
    items = [
        _segment_context(segment, objects[segment.pk], authors=authors)
        for segment in page.object_list
        if segment.pk in objects
    ]
    filters = [("todo", _("to do")), *((s, STATE_LABELS[s]) for s in STATES), ("all", _("all"))]
    return render(
        request,
        "translations/segments.html",
        {
            "kind": kind_,
            "language": language,
            "language_name": language_name(language, in_sentence=True),
            "items": items,
            "page": page,
            "state": state,
            "filters": filters,
            "total": len(found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def save_segment(request, lang, kind, pk, field):
    """Save one translation. htmx gets the segment back (saved, or refused with the text kept);
    a plain post is redirected to the list, or shown the segment alone with the refusal."""
    user = _workspace_user(request)
    language = _language(lang)
    kind_ = _kind(user, kind)
    if field not in kind_.fields:
        raise Http404("No such field.")
    obj = kind_.with_labels(translatable(kind_, user)).filter(pk=pk).first()
    if obj is None:
        raise Http404("No such content, or not yours to translate.")
    segment = segment_of(kind_, obj, field, language)
    if segment is None:
        raise Http404("This is the source text, or there is nothing to translate.")
    htmx = request.headers.get("HX-Request") == "true"
    if request.method == "GET":
        return render(request, "translations/segment_page.html", _segment_context(segment, obj))
    form = SegmentForm(
        request.POST,
        max_length=segment.max_length,
        field_label=str(kind_.column(field, language).verbose_name),
    )
    status, refusal = 400, ""
    if form.is_valid():
        text = form.cleaned_data["text"]
        try:
            saved, obj = actions.do_translate(
                user=user,
                kind=kind_,
                pk=obj.pk,
                field=field,
                language=language,
                text=text,
                source_fingerprint=form.cleaned_data["source_fingerprint"],
                base_fingerprint=form.cleaned_data["base_fingerprint"],
            )
        except actions.NothingToTranslate:
            raise Http404("This is the source text now.") from None
        except actions.TranslationRefused as refused:
            # Shown as it is now, with what the translator typed kept and the fingerprints moved
            # on, so that saving again is a deliberate choice.
            status, refusal, segment, obj = 409, refused.message, refused.current, refused.obj
            form = SegmentForm(
                {
                    "text": text,
                    "source_fingerprint": fingerprint(segment.source),
                    "base_fingerprint": actions.text_fingerprint(segment.text),
                },
                max_length=segment.max_length,
                field_label=str(kind_.column(field, language).verbose_name),
            )
        else:
            if not htmx:
                messages.success(request, _("Translation saved."))
                return redirect(
                    reverse("translations:segments", args=[language, kind_.key])
                    + f"#seg-{kind_.key.replace('.', '-')}-{pk}-{field}"
                )
            return render(request, "translations/includes/segment.html", _segment_context(saved, obj, saved=True))
    context = _segment_context(segment, obj, form, refusal=refusal)
    if htmx:  # htmx swaps 2xx answers only
        return render(request, "translations/includes/segment.html", context)
    return render(request, "translations/segment_page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def export_view(request, lang):
    user = _workspace_user(request)
    language = _language(lang)
    kinds = kinds_for(user)
    form = ExportForm(
        request.POST or None,
        language=language,
        kinds=kinds,
        source_counts=exchange.exportable(user, kinds, language)[1],
    )
    if request.method == "POST" and form.is_valid():
        chosen = [kind for kind in kinds if kind.key in form.cleaned_data["kinds"]]
        states = (
            (*exchange.EXPORT_STATES, SUGGESTED) if form.cleaned_data["include_suggested"] else exchange.EXPORT_STATES
        )
        filename, content_type, data = exchange.export(
            user, chosen, language, form.cleaned_data["source_language"], form.cleaned_data["format"], states
        )
        response = HttpResponse(data, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = content_disposition(filename)
        return response
    return render(
        request,
        "translations/export.html",
        {"form": form, "language": language, "language_name": language_name(language, in_sentence=True)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request, lang):
    user = _workspace_user(request)
    language = _language(lang)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    error = ""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data["file"].read(exchange.MAX_IMPORT_BYTES + 1)
            try:
                report = exchange.check(user, data, language)
            except exchange.ExchangeError as problem:
                error = str(problem)
            else:
                status = 200
                if report.applicable and (not report.refused or form.cleaned_data["apply_anyway"]):
                    try:
                        exchange.apply(user, report, form.cleaned_data["status"])
                    except exchange.ChangedDuringImport:
                        report.applied = False
                        error = _(
                            "A translation changed while the file was imported: nothing was applied. Import it again."
                        )
    return render(
        request,
        "translations/import.html",
        {
            "form": form,
            "language": language,
            "language_name": language_name(language, in_sentence=True),
            "report": report,
            "error": error,
            "outcome_counts": [
                (exchange.OUTCOME_LABELS[outcome], number) for outcome, number in sorted(report.counts.items())
            ]
            if report
            else [],
        },
        status=status,
    )
