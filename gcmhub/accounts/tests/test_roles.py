from django.contrib.auth.models import Group
from django.urls import reverse

from gcmhub.accounts import actions
from gcmhub.accounts.groups import SECRETARIAT_GROUP
from gcmhub.accounts.models import Role
from gcmhub.accounts.permissions import is_secretariat
from gcmhub.test import BaseTestCase, make_role, make_user


class RoleListTestCase(BaseTestCase):
    url = reverse("accounts:roles")

    def test_it_sends_anonymous_users_to_login(self):
        r = self.client.get(self.url)
        self.assertRedirects(r, f"{reverse('accounts:login')}?next={self.url}", fetch_redirect_response=False)

    def test_it_is_forbidden_to_everyone_but_the_secretariat(self):
        for user in (self.alice, self.fatima, self.ines, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_lists_users_and_their_active_roles(self):
        self.login(self.sam)
        r = self.client.get(self.url)
        self.assertContains(r, "Fatima State")
        self.assertContains(r, "Member State focal point")
        self.assertContains(r, reverse("accounts:user_roles", args=[self.ines.pk]))

    def test_it_searches_by_name_or_email(self):
        self.login(self.sam)
        r = self.client.get(self.url, {"q": "fatima@"})
        self.assertEqual([u.pk for u in r.context["page"]], [self.fatima.pk])
        r = self.client.get(self.url, {"q": "reviewer"})
        self.assertEqual([u.pk for u in r.context["page"]], [self.rita.pk])

    def test_it_filters_by_role(self):
        self.login(self.sam)
        r = self.client.get(self.url, {"role": Role.Kind.NETWORK_FOCAL_POINT})
        self.assertEqual({u.pk for u in r.context["page"]}, {self.ines.pk, self.oscar.pk})
        r = self.client.get(self.url, {"role": "none"})
        self.assertEqual([u.pk for u in r.context["page"]], [self.alice.pk])

    def test_it_ignores_revoked_roles_in_the_filter(self):
        role = self.rita.roles.get()
        actions.do_revoke_role(role=role, revoked_by=self.sam)
        self.login(self.sam)
        r = self.client.get(self.url, {"role": Role.Kind.REVIEWER})
        self.assertEqual(list(r.context["page"]), [])

    def test_it_paginates(self):
        for i in range(30):
            make_user(f"bulk{i:02d}@example.org", full_name=f"Bulk {i:02d}")
        self.login(self.sam)
        r = self.client.get(self.url, {"page": 2})
        self.assertEqual(len(r.context["page"]), 36 - 25)
        self.assertContains(r, 'aria-current="page"')

    def test_it_runs_a_constant_number_of_queries(self):
        self.login(self.sam)
        # session, user, sam's roles, count, page of users, their active roles (with organisation/country)
        with self.assertNumQueries(6):
            self.client.get(self.url)
        for i in range(10):
            user = make_user(f"more{i}@example.org")
            make_role(user, Role.Kind.NETWORK_FOCAL_POINT, organisation=self.ohchr)
            make_role(user, Role.Kind.MEMBER_STATE_FOCAL_POINT, country=self.morocco)
        with self.assertNumQueries(6):
            self.client.get(self.url)


class UserRolesTestCase(BaseTestCase):
    def url(self, user):
        return reverse("accounts:user_roles", args=[user.pk])

    def test_it_sends_anonymous_users_to_login(self):
        r = self.client.get(self.url(self.alice))
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith(reverse("accounts:login")))
        r = self.client.post(self.url(self.alice), {"action": "grant", "kind": Role.Kind.REVIEWER})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(self.alice.roles.exists())

    def test_it_is_forbidden_to_everyone_but_the_secretariat(self):
        for user in (self.alice, self.fatima, self.ines, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url(self.alice)).status_code, 403)
                r = self.client.post(self.url(self.alice), {"action": "grant", "kind": Role.Kind.REVIEWER})
                self.assertEqual(r.status_code, 403)
        self.assertFalse(self.alice.roles.exists())

    def test_it_404s_for_an_unknown_user(self):
        self.login(self.sam)
        self.assertEqual(self.client.get(reverse("accounts:user_roles", args=[999999])).status_code, 404)

    def test_it_refuses_other_methods(self):
        self.login(self.sam)
        self.assertEqual(self.client.delete(self.url(self.alice)).status_code, 405)

    def test_it_grants_a_focal_point_role(self):
        self.login(self.sam)
        r = self.client.post(
            self.url(self.alice),
            {"action": "grant", "kind": Role.Kind.NETWORK_FOCAL_POINT, "organisation": self.iom.pk},
        )
        self.assertRedirects(r, self.url(self.alice), fetch_redirect_response=False)
        role = self.alice.roles.get()
        self.assertEqual(role.organisation, self.iom)
        self.assertEqual(role.granted_by, self.sam)
        self.assertIsNotNone(role.granted_at)

    def test_it_drops_a_scope_the_role_does_not_use(self):
        self.login(self.sam)
        self.client.post(
            self.url(self.alice), {"action": "grant", "kind": Role.Kind.REVIEWER, "organisation": self.iom.pk}
        )
        self.assertIsNone(self.alice.roles.get().organisation)

    def test_it_shows_constraint_errors_on_the_form(self):
        self.login(self.sam)
        r = self.client.post(self.url(self.alice), {"action": "grant", "kind": Role.Kind.NETWORK_FOCAL_POINT})
        self.assertContains(r, "Choose the organisation this person is the focal point for.", status_code=400)
        self.assertContains(r, 'class="error-summary"', status_code=400)
        # The chosen kind stays selected.
        self.assertContains(r, '<option value="network_focal_point" selected>', status_code=400)
        r = self.client.post(self.url(self.alice), {"action": "grant", "kind": Role.Kind.MEMBER_STATE_FOCAL_POINT})
        self.assertContains(r, "Choose the country this person is the focal point for.", status_code=400)
        self.assertFalse(self.alice.roles.exists())

    def test_it_refuses_a_duplicate_role(self):
        self.login(self.sam)
        r = self.client.post(
            self.url(self.ines),
            {"action": "grant", "kind": Role.Kind.NETWORK_FOCAL_POINT, "organisation": self.iom.pk},
        )
        self.assertContains(r, "already holds this role", status_code=400)
        self.assertEqual(self.ines.roles.count(), 1)

    def test_it_revokes_a_role_and_keeps_the_history(self):
        role = self.ines.roles.get()
        self.login(self.sam)
        r = self.client.post(self.url(self.ines), {"action": "revoke", "role": role.pk})
        self.assertRedirects(r, self.url(self.ines), fetch_redirect_response=False)
        role.refresh_from_db()
        self.assertIsNotNone(role.revoked_at)
        self.assertEqual(role.revoked_by, self.sam)
        self.assertFalse(Role.objects.active().filter(user=self.ines).exists())

        r = self.client.get(self.url(self.ines))
        self.assertEqual(r.context["revoked_roles"], [role])
        self.assertContains(r, "Sam Secretariat")

    def test_it_404s_for_a_role_of_someone_else_or_already_revoked(self):
        self.login(self.sam)
        r = self.client.post(self.url(self.alice), {"action": "revoke", "role": self.ines.roles.get().pk})
        self.assertEqual(r.status_code, 404)
        r = self.client.post(self.url(self.alice), {"action": "revoke", "role": "nonsense"})
        self.assertEqual(r.status_code, 404)
        self.assertIsNone(self.ines.roles.get().revoked_at)

    def test_it_refuses_to_revoke_ones_own_secretariat_role(self):
        self.login(self.sam)
        r = self.client.post(self.url(self.sam), {"action": "revoke", "role": self.sam.roles.get().pk})
        self.assertContains(r, "cannot revoke your own Secretariat role", status_code=400)
        self.assertIsNone(self.sam.roles.get().revoked_at)

    def test_it_rejects_an_unknown_action(self):
        self.login(self.sam)
        self.assertEqual(self.client.post(self.url(self.alice), {"action": "explode"}).status_code, 400)


class SecretariatAdminAccessTestCase(BaseTestCase):
    def test_granting_the_secretariat_role_opens_the_admin(self):
        role = actions.do_grant_role(user=self.alice, kind=Role.Kind.SECRETARIAT, granted_by=self.sam)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_staff)
        self.assertTrue(self.alice.groups.filter(name=SECRETARIAT_GROUP).exists())
        self.assertTrue(self.alice.has_perm("wagtailadmin.access_admin"))
        self.assertTrue(self.alice.has_perm("taxonomy.change_organisation"))
        self.assertTrue(self.alice.has_perm("workplan.add_activity"))
        self.assertTrue(is_secretariat(self.alice))

        self.login(self.alice)
        self.assertEqual(self.client.get("/cms/").status_code, 200)

        actions.do_revoke_role(role=role, revoked_by=self.sam)
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.is_staff)
        self.assertFalse(self.alice.groups.exists())
        self.assertFalse(is_secretariat(self.alice))
        self.assertEqual(self.client.get("/cms/").status_code, 302)

    def test_the_group_exists_after_migrate(self):
        group = Group.objects.get(name=SECRETARIAT_GROUP)
        codenames = set(group.permissions.values_list("codename", flat=True))
        self.assertIn("access_admin", codenames)
        self.assertIn("delete_country", codenames)
        self.assertIn("change_priority", codenames)

    def test_a_superuser_keeps_staff_status(self):
        boss = make_user("boss@example.org", is_superuser=True, is_staff=True)
        role = actions.do_grant_role(user=boss, kind=Role.Kind.SECRETARIAT, granted_by=self.sam)
        actions.do_revoke_role(role=role, revoked_by=self.sam)
        boss.refresh_from_db()
        self.assertTrue(boss.is_staff)

    def test_the_check_constraint_backs_the_action(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            actions.do_grant_role(user=self.alice, kind=Role.Kind.NETWORK_FOCAL_POINT, granted_by=self.sam)
