"""Forms of the discussion pages. They check types and bounds, and the comment's text with the same
rule the actions apply (`actions.check_body`); the actions take the cleaned values, never a form."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gcmhub.consultations.actions import check_body
from gcmhub.consultations.models import (
    ATTACHMENT_EXTENSIONS,
    COMMENT_MAX_CHARS,
    Appeal,
    Membership,
    ModerationAction,
    Question,
    Reason,
)
from gcmhub.lib.concurrency import VersionedFormMixin
from gcmhub.lib.filetypes import check_upload
from gcmhub.lib.forms import field_of
from gcmhub.lib.i18n import Language, active_language

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024  # 10 MB per file
MAX_ATTACHMENTS = 3
NOTE_MAX_CHARS = 2000
QUOTE_MAX_CHARS = 2000


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type="file" multiple>`; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _checked_files(files: list) -> list:
    """The uploads if each is of an allowed type by its content and not too big (ValidationError)."""
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            gettext("Attach at most %(count)s files to a comment.") % {"count": MAX_ATTACHMENTS}, code="count"
        )
    errors = []
    for uploaded in files:
        if uploaded.size > MAX_ATTACHMENT_SIZE:
            errors.append(
                ValidationError(
                    gettext("“%(name)s” is %(size)s; a file may be up to %(max)s."),
                    params={
                        "name": uploaded.name,
                        "size": filesizeformat(uploaded.size),
                        "max": filesizeformat(MAX_ATTACHMENT_SIZE),
                    },
                    code="file_size",
                )
            )
            continue
        try:
            check_upload(uploaded, ATTACHMENT_EXTENSIONS)
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return files


class BodyField(forms.CharField):
    """The comment's text, checked as `actions.check_body` checks it (empty, too long, links only).
    The browser's own limit is a little above ours so that a pasted text is cut by no one: the
    message says how long it is."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your comment"))
        kwargs.setdefault("strip", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value or not value.strip():
            raise ValidationError(gettext("Write something before posting."), code="empty")
        return check_body(value)


class CommentForm(forms.Form):
    """A comment on a topic or a reply (the parent is in the address), in a language the author
    chooses; it may answer one of the moderators' questions, quote a comment, carry files."""

    body = BodyField()
    language = forms.ChoiceField(
        label=_("Language of your comment"),
        help_text=_("Readers see your comment marked with this language."),
    )
    question = forms.TypedChoiceField(label=_("It answers the question"), coerce=int, required=False, empty_value=None)
    quote_of = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=10**12)
    quote = forms.CharField(
        label=_("Quoted text"),
        required=False,
        max_length=QUOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Keep only the part you answer."),
    )
    attachments = MultipleFileField(
        label=_("Attach files"),
        required=False,
        help_text=_("Up to 3 files of 10 MB each: PDF, Word, Excel, PowerPoint, OpenDocument, JPEG, PNG, text or CSV."),
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": ",".join(f".{extension}" for extension in ATTACHMENT_EXTENSIONS)}
        ),
    )

    def __init__(self, *args, questions=(), reply=False, quoting=False, **kwargs):
        """`questions`: the topic's (a list the page has read already); a reply answers none."""
        super().__init__(*args, **kwargs)
        field_of(self, "language", forms.ChoiceField).choices = Language.choices
        body = self.fields["body"]
        body.widget.attrs["maxlength"] = str(COMMENT_MAX_CHARS + 2000)
        body.help_text = gettext("Up to %(count)s characters. Links are welcome beside your own words.") % {
            "count": number_format(COMMENT_MAX_CHARS, force_grouping=True)
        }
        self.initial.setdefault("language", active_language())
        self.questions: dict[int, Question] = {} if reply else {q.pk: q for q in questions}
        if self.questions:
            field_of(self, "question", forms.ChoiceField).choices = [
                ("", gettext("No question in particular")),
                *((pk, q.text) for pk, q in self.questions.items()),
            ]
        else:
            del self.fields["question"]
        if not quoting:
            del self.fields["quote"]
            del self.fields["quote_of"]

    def clean_question(self) -> Question | None:
        pk = self.cleaned_data.get("question")
        return self.questions.get(pk) if pk is not None else None

    def clean_attachments(self) -> list:
        return _checked_files(self.cleaned_data.get("attachments") or [])

    def clean(self):
        super().clean()
        # Files cannot be put back into a re-displayed form: say so instead of losing them silently.
        if self.errors and self.files.get(self.add_prefix("attachments")) and "attachments" not in self.errors:
            self.add_error(
                "attachments", gettext("Please choose your files again: the form had errors, so they were not saved.")
            )
        return self.cleaned_data


class EditCommentForm(VersionedFormMixin, forms.Form):
    body = BodyField()


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What breaks the code of conduct?"), choices=Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything the moderators should know"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# A moderator's decisions, as the form offers them (the log names what was done: "Hidden").
DECISION_LABELS = {
    ModerationAction.Kind.APPROVE: _("Approve: publish it"),
    ModerationAction.Kind.REFUSE: _("Refuse: it is not published"),
    ModerationAction.Kind.HIDE: _("Hide it"),
    ModerationAction.Kind.RESTORE: _("Restore it"),
    ModerationAction.Kind.REDACT: _("Edit out personal data"),
    ModerationAction.Kind.DISMISS_FLAGS: _("Dismiss the flags: it stays as it is"),
}


def _reason_field(required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Reason from the code of conduct"),
        choices=[("", _("Choose a reason")), *Reason.choices],
        required=required,
        help_text=_("Needed to hide, refuse or edit out personal data: the author is told this reason."),
    )


class ModerateForm(VersionedFormMixin, forms.Form):
    """A moderator's decision on a comment; `decisions` are the ones its status allows."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reason = _reason_field(required=False)
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the decision, in the log too."),
    )
    body = forms.CharField(
        label=_("The comment without the personal data"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only for “edit out personal data”: the earlier text is not kept."),
    )

    def __init__(self, *args, decisions=(), needs_reason=(), **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "decision", forms.ChoiceField).choices = [(kind, DECISION_LABELS[kind]) for kind in decisions]
        self.needs_reason = tuple(needs_reason)

    def clean(self):
        super().clean()
        decision = self.cleaned_data.get("decision")
        if decision in self.needs_reason and not self.cleaned_data.get("reason"):
            self.add_error("reason", gettext("Choose the reason from the code of conduct."))
        if decision == ModerationAction.Kind.REDACT:
            try:
                self.cleaned_data["body"] = check_body(self.cleaned_data.get("body") or "")
            except ValidationError as error:
                self.add_error("body", error)
        return self.cleaned_data


class RestrictForm(forms.Form):
    reason = _reason_field(required=True)
    note = forms.CharField(
        label=_("Note to the person"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for no end date; it can be lifted at any time."),
    )


class LiftForm(forms.Form):
    note = forms.CharField(label=_("Note for the log"), required=False, max_length=4000)


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should the decision be reviewed?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Another moderator reads it and decides. You may appeal a decision once."),
    )


class DecideAppealForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Appeal.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note to the appellant"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of their account"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
