import json
import re

from django.test import TestCase

from gcmhub.api.snapshot import committed_schema_text
from gcmhub.test import BaseTestCase

DOCS = "/api/v1/docs"


def operation_section(html: str, anchor: str) -> str:
    start = html.index(f'<section class="api-operation" id="{anchor}">')
    return html[start : html.index("</section>", start)]


class DocsPageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.schema = json.loads(committed_schema_text())

    def get_html(self, query: str = "", **headers) -> str:
        response = self.client.get(DOCS + query, headers=headers)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_documents_every_operation_in_each_language(self):
        for lang in ("en", "fr", "es"):
            with self.subTest(lang=lang):
                response = self.client.get(f"{DOCS}?lang={lang}")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Language"], lang)
                html = response.content.decode()
                self.assertIn(f'<html lang="{lang}"', html)
                self.assertEqual(html.count("<h1"), 1)
                for path, operations in self.schema["paths"].items():
                    for method in operations:
                        self.assertIn(
                            f"{method.upper()}</span> <code>{path}</code></h3>", html, f"{method} {path} missing"
                        )

    def test_it_loads_nothing_from_outside_the_site_and_no_swagger(self):
        html = self.get_html()
        sources = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]+)"', html)
        self.assertIn("/static/api/docs.css", sources)
        external = [s for s in sources if s.startswith(("http:", "https:", "//"))]
        self.assertEqual(external, [])
        self.assertNotIn("swagger", html.lower())

    def test_it_lists_the_parameters_of_get_activities(self):
        section = operation_section(self.get_html(), "op-workplan-list-activities")
        self.assertIn("Parameters of GET /api/v1/activities</caption>", section)
        for name in (
            "limit",
            "offset",
            "workplan",
            "lead",
            "participant",
            "objective",
            "kind",
            "status",
            "overdue",
            "period",
            "q",
            "lang",
        ):
            self.assertIn(f'<th scope="row"><code>{name}</code></th>', section)
        self.assertIn("<code>boolean | null</code>", section)
        self.assertIn("<code>on_track</code>", section)  # allowed values of status
        self.assertIn("Default: <code>50</code>", section)
        self.assertIn("Lead organisation: slug, name or acronym in any language", section)
        self.assertIn("Participating organisation, as for <code>lead</code>.", section)  # Markdown code span

    def test_it_resolves_the_response_schema_one_level_deep(self):
        section = operation_section(self.get_html(), "op-workplan-list-activities")
        self.assertIn("Fields of ActivityList</caption>", section)
        self.assertIn('<th scope="row"><code>count</code></th>', section)
        self.assertIn('<th scope="row"><code>items</code></th>', section)
        self.assertIn("<code>array[ActivityOut]</code>", section)
        self.assertIn("Fields of ActivityOut:", section)
        self.assertIn('<li><code>deadline_text</code> <code class="api-type">string</code>', section)
        self.assertIn('<li><code>leads</code> <code class="api-type">array[OrganisationRef]</code>', section)
        self.assertIn('<th scope="row"><code>400</code></th>', section)

    def test_it_documents_the_body_token_and_example_of_a_write(self):
        section = operation_section(self.get_html(), "op-workplan-post-status-update")
        self.assertIn("API token required", section)
        self.assertIn("Request body fields of POST /api/v1/activities/{id}/updates</caption>", section)
        for name in ("status", "percent_complete", "narrative", "evidence_links"):
            self.assertIn(f'<th scope="row"><code>{name}</code></th>', section)
        for status in ("201", "400", "401", "403", "404"):
            self.assertIn(f'<th scope="row"><code>{status}</code></th>', section)
        self.assertIn("curl -X POST http://testserver/api/v1/activities/1/updates \\\n", section)
        self.assertIn("Authorization: Bearer &lt;token&gt;", section)
        self.assertIn("&quot;status&quot;: &quot;on_track&quot;", section)

    def test_it_gives_public_reads_a_curl_example_without_token(self):
        section = operation_section(self.get_html("?lang=es"), "op-taxonomy-get-country")
        self.assertIn(
            '<pre class="api-code"><code>curl &#x27;http://testserver/api/v1/countries/MAR?lang=es&#x27;</code>',
            section,
        )
        self.assertNotIn("Bearer", section)

    def test_it_marks_the_english_schema_text_in_other_languages(self):
        summary = "List and filter activities"
        self.assertIn(f"<p>{summary}</p>", self.get_html("?lang=en"))
        for lang in ("fr", "es"):
            self.assertIn(f'<p lang="en">{summary}</p>', self.get_html(f"?lang={lang}"))

    def test_it_follows_accept_language_without_lang(self):
        html = self.get_html(accept_language="fr-FR,fr;q=0.9")
        self.assertIn('<html lang="fr"', html)
        self.assertIn("countries/MAR?lang=fr", html)

    def test_it_rejects_an_unknown_language(self):
        response = self.client.get(f"{DOCS}?lang=de")
        self.assertEqual(response.status_code, 400)
        self.assertIn("lang", response.json()["errors"])

    def test_it_introduces_tokens_errors_pagination_and_languages(self):
        html = self.get_html()
        self.assertIn('href="/en/accounts/tokens/"', html)
        self.assertIn("<code>Authorization: Bearer &lt;token&gt;</code>", html)
        for status in ("400", "401", "403", "404", "405"):
            self.assertIn(f'<th scope="row"><code>{status}</code></th>', html)
        self.assertIn('<code>{"count": …, "items": […]}</code>', html)
        self.assertIn("<code>?lang=fr</code>", html)
        self.assertIn('href="/api/v1/openapi.json"', html)

    def test_it_links_the_table_of_contents_and_the_languages(self):
        html = self.get_html("?lang=es")
        toc = html[html.index('<nav class="api-toc"') : html.index("</nav>", html.index('<nav class="api-toc"'))]
        self.assertIn('aria-label="', toc)
        self.assertEqual(toc.count('href="#op-'), sum(len(ops) for ops in self.schema["paths"].values()))
        self.assertIn('href="#op-workplan-list-activities"', toc)
        self.assertIn('id="op-workplan-list-activities"', html)
        self.assertIn('href="/api/v1/docs?lang=fr" hreflang="fr"', html)
        self.assertIn('<span aria-current="true" lang="es">', html)

    def test_its_tables_have_captions_and_header_scopes(self):
        html = self.get_html()
        self.assertGreater(html.count("<table"), 20)
        self.assertEqual(html.count("<table"), html.count("<caption"))
        self.assertEqual(re.findall(r"<th(?:\s(?![^>]*\bscope=)[^>]*)?>", html), [])


class DocsQueriesTestCase(BaseTestCase):
    def test_it_uses_no_queries_for_anonymous_visitors(self):
        self.client.get(DOCS)  # the schema is built once per process
        for lang in ("en", "fr", "es"):
            with self.subTest(lang=lang), self.assertNumQueries(0):
                self.client.get(f"{DOCS}?lang={lang}")

    def test_it_uses_a_constant_number_of_queries_when_signed_in(self):
        self.login(self.sam)
        self.client.get(DOCS)
        for lang in ("en", "fr", "es"):
            with self.subTest(lang=lang), self.assertNumQueries(3):
                self.client.get(f"{DOCS}?lang={lang}")
