"""No request can make a server error: every public URL pattern, requested with hostile input.

The crawler resolves every URL pattern of the site's own apps (taxonomy, work plan, hub, search,
accounts, feeds, the API's GETs; not the CMS or Django's admin, which have their own tests) with
real objects, then requests each one, anonymously and as the Secretariat, with query strings that
once broke a page: huge, negative and exponent numbers, NUL and other control characters, very
long texts, repeated keys, out-of-range periods and dates, invalid UTF-8 percent-escapes. Path
parameters get the same treatment. Any 5xx fails, with the list of every request that made one.
"""

import datetime
from urllib.parse import urlencode

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from gcmhub.knowledge.models import Practice, ToolFeedback
from gcmhub.taxonomy.models import GuidingPrinciple
from gcmhub.test import (
    BaseTestCase,
    make_activity,
    make_assignment,
    make_call,
    make_comment,
    make_event,
    make_objective,
    make_practice,
    make_priority,
    make_resource,
    make_reviewer,
    make_space,
    make_thematic_area,
    make_topic,
    make_workplan,
)

# Parts of the URL tree with their own tests and their own input handling.
SKIPPED_PREFIXES = ("cms/", "django-admin/", "documents/", "i18n/")

# Every query parameter a page, an export, a feed or the API reads.
PARAMETERS = (
    "page", "q", "sort", "period", "objective", "area", "kind", "lead", "participant", "organisation",
    "status", "overdue", "limit", "offset", "region", "country", "type", "year", "language", "publisher",
    "principle", "thematic_area", "scope", "call", "role", "workplan", "mine", "next", "rating", "tool",
    "open", "date", "from", "to", "priority", "activity", "valid_only",
)  # fmt: skip
HOSTILE_VALUES = (
    "99999999999999999999999",  # over 2^63
    "30000000",  # a deep page
    "-1",
    "0",
    "1e23",
    "NaN",
    "١٢",  # non-ASCII digits
    "\x00",
    "a\x07b\x1b[31m",
    "x" * 3000,
    "9999-Q4",
    "0000",
    "2021-02-30",
    "' OR '1'='1",
)
# Pages that take a second or more whatever the query (the API reference, the PDF, the XLSX) get the
# values that reach their code: periods, numbers, NUL; and the repeated, UTF-8 and language queries.
SLOW_PAGES = ("api-v1:openapi-view", "api-v1:openapi-json", "workplan:report_pdf", "workplan:export_xlsx")
SLOW_PAGE_VALUES = ("99999999999999999999999", "\x00", "9999-Q4", "0000")


def hostile_queries(values=HOSTILE_VALUES) -> list[str]:
    queries = [urlencode([(name, value) for name in PARAMETERS]) for value in values]
    queries.append(urlencode([(name, value) for name in (*PARAMETERS, "lang") for value in ("1", "2", "", "fr")]))
    queries.append("&".join(f"{name}=%ff%fe%c3" for name in (*PARAMETERS, "lang")) + "&%ff%fe=1")
    queries += [urlencode({"lang": value}) for value in ("\x00", "x" * 3000, "de", "-1")]
    return queries


def url_patterns(patterns=None, namespace=""):
    """(namespaced name, pattern text, converter kwargs) of every named pattern we serve."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, dict(getattr(pattern.pattern, "converters", {}))


class HostileRequestTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(1)
        cls.area = make_thematic_area(1)
        cls.principle = GuidingPrinciple.objects.create(code="a", order=1, name_en="People-centred")
        cls.plan = make_workplan(slug="wp")
        cls.priority = make_priority(cls.plan, leads=[cls.iom], objectives=[cls.objective], thematic_area=cls.area)
        cls.activity = make_activity(
            cls.priority,
            periods=[(datetime.date(2021, 4, 1), datetime.date(2021, 6, 30))],
            leads=[cls.iom],
            text_en="Bell \x07 in a title",
        )
        cls.resource = make_resource(title_en='=HYPERLINK("http://example.org")', objectives=[cls.objective])
        cls.tool = make_resource(title_en="A tool", kind="tool")
        ToolFeedback.objects.create(resource=cls.tool, rating=3, how_used="=1+1", language="en")
        cls.call = make_call(objectives=[cls.objective])
        cls.practice = make_practice(cls.alice, status=Practice.Status.PUBLISHED, objectives=[cls.objective])
        cls.submitted = make_practice(cls.alice, status=Practice.Status.SUBMITTED)
        cls.reviewer = make_reviewer()
        cls.assignment = make_assignment(cls.submitted, cls.reviewer)
        cls.space = make_space(slug="review")
        cls.topic = make_topic(cls.space, slug="mobility", questions=["Which agreements worked?"])
        cls.comment = make_comment(cls.topic, cls.alice, '=HYPERLINK("http://example.org")')
        from gcmhub.consultations.models import EventSeries

        cls.series = EventSeries.objects.create(slug="imrf", source_language="en", title_en="Before the IMRF")
        cls.event = make_event(slug="session", series=cls.series, managers=[cls.sam], title_en="Bell \x07 session")
        cls.event.registrations.create(user=cls.alice, status="confirmed", organisation='=HYPERLINK("x")')

    def sample_kwargs(self, name: str, kwargs: list[str]) -> dict:
        """Real objects for a pattern's parameters, so each view runs its whole code."""
        short = name.rpartition(":")[2]
        slugs = {
            "resource": self.resource.slug,
            "resource_decide": self.resource.slug,
            "resource_feedback": self.tool.slug,
            "feedback_tool": self.tool.slug,
            "call": self.call.slug,
            "get_call": self.call.slug,
            "get_resource": self.resource.slug,
            "get_organisation": self.iom.slug,
            "get_workplan": self.plan.slug,
            "list_priorities": self.plan.slug,
            "organisation": self.iom.slug,
        }
        ids = {
            "get_priority": self.priority.pk,
            "withdraw_assignment": self.assignment.pk,
            "review_assignment": self.assignment.pk,
            "import_report": 1,
            "attachment_delete": 1,
            **dict.fromkeys(
                ("comment", "reply", "edit", "delete", "flag", "history", "moderate", "thread"), self.comment.pk
            ),
        }
        values = {
            "plan": self.plan.slug,
            "priority": self.priority.slug,
            "organisation": self.iom.slug,
            "slug": slugs.get(
                short, self.submitted.slug if short in ("screen", "assign", "decide") else self.practice.slug
            ),
            "number": 1,
            "code": self.principle.code,
            "iso3": self.morocco.iso3,
            "token": "no-such-token",
            "uidb64": "MQ",
            "fmt": "csv",
            "user_id": self.reviewer.pk,
            "id": ids.get(short, self.activity.pk),
            "pk": ids.get(short, self.activity.pk),
            "filename": "file.pdf",
            "key": "no-such-key",
            "document_id": 1,
            "document_filename": "file.pdf",
            "name": "resources/no/such.pdf",
            "lang": "en",
            "kind": "workplan.activity",
            "field": "text",
            "space": self.space.slug,
            "topic": self.topic.slug,
            "event": self.event.slug,
            "series": self.series.slug,
            "notification_id": 1,
        }
        return {kwarg: values[kwarg] for kwarg in kwargs}

    def hostile_paths(self, name: str, converters: dict) -> list[str]:
        """The pattern with each parameter in turn replaced by a value its converter lets through."""
        paths = []
        kwargs = list(converters)
        for kwarg, converter in converters.items():
            converter = type(converter).__name__
            if converter == "IdConverter":
                values = ["999999999999999999"]
            elif converter == "SlugConverter":
                values = ["a" * 300]
            else:
                values = ["\x00", "x" * 300, "a\x07b", "..", "PLACEHOLDER-UTF8"]
            for value in values:
                path = reverse(name, kwargs={**self.sample_kwargs(name, kwargs), kwarg: value})
                paths.append(path.replace("PLACEHOLDER-UTF8", "%ff%fe%c3"))
        return paths

    def crawl(self, user=None) -> tuple[int, list[str]]:
        if user is not None:
            self.client.force_login(user)
        self.client.raise_request_exception = False
        queries, slow_page_queries = hostile_queries(), hostile_queries(SLOW_PAGE_VALUES)
        errors, count = [], 0
        with translation.override("en"):
            for name, converters in url_patterns():
                base = reverse(name, kwargs=self.sample_kwargs(name, list(converters)))
                urls = [f"{base}?{query}" for query in (slow_page_queries if name in SLOW_PAGES else queries)]
                if user is None and converters:
                    urls += self.hostile_paths(name, converters)
                for url in urls:
                    response = self.client.get(url)
                    count += 1
                    if response.status_code >= 500:
                        errors.append(
                            f"{response.status_code} GET {url[:300]} ({'anonymous' if user is None else user})"
                        )
        return count, errors

    def test_it_answers_hostile_requests_without_server_errors_anonymously(self):
        count, errors = self.crawl()
        self.assertGreater(count, 2000)
        self.assertEqual(errors, [], f"{len(errors)} server errors:\n" + "\n".join(errors[:50]))

    def test_it_answers_hostile_requests_without_server_errors_when_signed_in(self):
        count, errors = self.crawl(self.sam)
        self.assertGreater(count, 2000)
        self.assertEqual(errors, [], f"{len(errors)} server errors:\n" + "\n".join(errors[:50]))
