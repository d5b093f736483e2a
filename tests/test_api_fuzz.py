"""Fuzzing the API from its own OpenAPI document (schemathesis), in-process and bounded in time.

Schemathesis reads `/api/v1/openapi.json` from the app itself (WSGI, no network) and, for every
operation, sends valid and invalid requests (path, query and body values generated from the
schemas) anonymously and with a Secretariat token. Every answer must be:

- no server error (5xx);
- a status code the document lists for that operation;
- JSON, and conforming to the schema documented for that status.

Reproducible and bounded: Hypothesis derandomised (a fixed seed), no example database, a fixed
number of examples per operation, generation mode and identity (FUZZ_EXAMPLES, 10: about 1,200
requests, 60 s on the 2-core development machine). Set FUZZ_EXAMPLES=200 to search harder locally.
"""

import datetime
import logging
import os

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gcmhub.api.tests.base import ApiTestCase
from gcmhub.knowledge.models import Practice, ToolFeedback
from gcmhub.test import make_call, make_country, make_practice, make_resource

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


class InProcessApp:
    """Django's WSGI handler, minus the per-request connection clean-up that would close the test
    transaction's connection (as Django's own test client does)."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            return self.handler(environ, start_response)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


class ApiFuzzTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        mexico = make_country("MX", "MEX", name_en="Mexico", m49="484")
        cls.resource = make_resource(objectives=[cls.obj1], publishers=[cls.iom], countries=[mexico])
        cls.tool = make_resource(title_en="A tool", kind="tool")
        ToolFeedback.objects.create(resource=cls.tool, rating=4, how_used="=HYPERLINK(1)", language="en")
        cls.call = make_call(objectives=[cls.obj2])
        cls.practice = make_practice(
            cls.sam,
            status=Practice.Status.PUBLISHED,
            objectives=[cls.obj1],
            published_at=datetime.datetime(2023, 2, 1, tzinfo=datetime.UTC),
        )
        cls.draft = make_practice(cls.sam, title="Draft")

    def setUp(self):
        super().setUp()
        # Thousands of refused requests: keep Django's "Bad Request"/"Not Found" warnings out of the
        # output (server errors are still logged, and fail the test).
        request_logger = logging.getLogger("django.request")
        self.addCleanup(request_logger.setLevel, request_logger.level)
        request_logger.setLevel(logging.ERROR)
        self.schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", InProcessApp())
        self.token = self.token_for(self.sam)

    def fuzz(self, operation, mode: GenerationMode, headers: dict) -> list[str]:
        failures: list[str] = []

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except (AssertionError, FailureGroup) as exc:  # every failure is reported, not only the first
                failures.append(f"{operation.label} [{mode.value}, {'token' if headers else 'anonymous'}]: {exc}")

        run()
        return failures

    def test_it_answers_every_generated_request_as_documented(self):
        failures = []
        operations = [result.ok() for result in self.schema.get_all_operations()]
        self.assertGreater(len(operations), 25)
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for headers in ({}, {"Authorization": f"Bearer {self.token}"}):
                    failures += self.fuzz(operation, mode, headers)
        unique = list(dict.fromkeys(f[:2000] for f in failures))
        self.assertEqual(unique, [], f"{len(unique)} failures:\n\n" + "\n\n".join(unique[:20]))
