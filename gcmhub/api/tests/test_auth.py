from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from gcmhub.api.auth import token_user
from gcmhub.test import BaseTestCase


class TokenUserTests(BaseTestCase):
    def test_it_reads_the_owner_of_the_accepted_token(self):
        request = RequestFactory().post("/api/v1/activities/1/updates")
        request.auth = SimpleNamespace(user=self.fatima)
        self.assertEqual(token_user(request), self.fatima)

    def test_it_refuses_a_request_that_no_token_authorised(self):
        for auth in (None, SimpleNamespace(user=None)):
            with self.subTest(auth=auth):
                request = RequestFactory().post("/api/v1/activities/1/updates")
                if auth is not None:
                    request.auth = auth
                with self.assertRaises(PermissionDenied):
                    token_user(request)
