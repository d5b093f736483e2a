import datetime
import io
import shutil
import stat
import tempfile
from pathlib import Path

import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import TestCase, override_settings

from gcmhub.lib import stash
from gcmhub.test import make_user

PURPOSE = "test-import"


class StashTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sam = make_user("sam-stash@example.org")
        cls.other = make_user("other-stash@example.org")

    def setUp(self):
        self.root = Path(tempfile.mkdtemp(prefix="gcmhub-test-stash-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        overrides = override_settings(UPLOAD_STASH_ROOT=self.root)
        overrides.enable()
        self.addCleanup(overrides.disable)

    def test_it_keeps_an_upload_for_its_uploader(self):
        key = stash.put(self.sam, PURPOSE, b"kind,title\n", filename="plan.csv", extra={"language": "fr"})
        entry = stash.get(self.sam, PURPOSE, key)
        self.assertEqual((entry.data, entry.filename, entry.extra), (b"kind,title\n", "plan.csv", {"language": "fr"}))
        self.assertEqual(len(key), 43)  # 256 random bits

    def test_it_hides_an_upload_from_other_users_and_other_purposes(self):
        key = stash.put(self.sam, PURPOSE, b"data", filename="a.csv")
        with self.assertRaises(stash.StashNotFound):
            stash.get(self.other, PURPOSE, key)
        with self.assertRaises(stash.StashNotFound):
            stash.get(self.sam, "other-import", key)
        self.assertEqual(stash.get(self.sam, PURPOSE, key).data, b"data")

    def test_it_refuses_malformed_keys(self):
        for key in ("", "short", "../../etc/passwd" + "x" * 30, "x" * 42 + "/", None, 12345):
            with self.subTest(key=key), self.assertRaises(stash.StashNotFound):
                stash.get(self.sam, PURPOSE, key)

    def test_it_refuses_anonymous_users_and_bad_purposes(self):
        with self.assertRaises(ValueError):
            stash.put(AnonymousUser(), PURPOSE, b"data", filename="a.csv")
        with self.assertRaises(ValueError):
            stash.put(self.sam, "../media", b"data", filename="a.csv")

    def test_it_refuses_data_over_the_limit(self):
        with self.assertRaises(stash.StashTooLarge):
            stash.put(self.sam, PURPOSE, b"x" * 11, filename="a.csv", max_bytes=10)
        with override_settings(UPLOAD_STASH_MAX_BYTES=5), self.assertRaises(stash.StashTooLarge):
            stash.put(self.sam, PURPOSE, b"x" * 6, filename="a.csv", max_bytes=10)
        self.assertFalse(any(self.root.rglob("*.bin")))

    def test_it_forgets_an_upload_once_it_expires(self):
        key = stash.put(self.sam, PURPOSE, b"data", filename="a.csv")
        with time_machine.travel(datetime.timedelta(seconds=settings.UPLOAD_STASH_MAX_AGE + 60)):
            with self.assertRaises(stash.StashNotFound):
                stash.get(self.sam, PURPOSE, key)
        self.assertFalse(any(self.root.rglob(f"{key}.*")))  # deleted, not only hidden

    def test_it_prunes_expired_entries_with_a_command(self):
        old = stash.put(self.sam, PURPOSE, b"old", filename="a.csv")
        with time_machine.travel(datetime.timedelta(hours=20)):
            recent = stash.put(self.other, "other-import", b"recent", filename="b.csv")
        # A half-written entry (no metadata) goes by the age of its file.
        orphan = self.root / PURPOSE / str(self.sam.pk) / ("y" * 43 + ".bin")
        orphan.write_bytes(b"partial")
        with time_machine.travel(datetime.timedelta(hours=25)):
            out = io.StringIO()
            call_command("prune_upload_stash", stdout=out)
        self.assertIn("2 expired uploads deleted", out.getvalue())
        with self.assertRaises(stash.StashNotFound):
            stash.get(self.sam, PURPOSE, old)
        self.assertEqual(stash.get(self.other, "other-import", recent).data, b"recent")
        self.assertFalse(orphan.exists())

    def test_it_keeps_a_few_uploads_per_user(self):
        with override_settings(UPLOAD_STASH_MAX_PER_USER=2):
            keys = []
            for n in range(3):
                with time_machine.travel(datetime.timedelta(minutes=n)):
                    keys.append(stash.put(self.sam, PURPOSE, b"data", filename=f"{n}.csv"))
            with self.assertRaises(stash.StashNotFound):
                stash.get(self.sam, PURPOSE, keys[0])
            self.assertEqual([stash.get(self.sam, PURPOSE, k).filename for k in keys[1:]], ["1.csv", "2.csv"])

    def test_it_refuses_an_upload_changed_on_disk(self):
        key = stash.put(self.sam, PURPOSE, b"original", filename="a.csv")
        (self.root / PURPOSE / str(self.sam.pk) / f"{key}.bin").write_bytes(b"tampered")
        with self.assertRaises(stash.StashNotFound):
            stash.get(self.sam, PURPOSE, key)

    def test_it_deletes_an_upload(self):
        key = stash.put(self.sam, PURPOSE, b"data", filename="a.csv")
        stash.delete(self.sam, PURPOSE, key)
        with self.assertRaises(stash.StashNotFound):
            stash.get(self.sam, PURPOSE, key)

    def test_it_stores_privately_outside_media(self):
        key = stash.put(self.sam, PURPOSE, b"data", filename="a.csv")
        (path,) = self.root.rglob(f"{key}.bin")
        self.assertNotIn(Path(settings.MEDIA_ROOT).resolve(), path.resolve().parents)
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(path.parent.stat().st_mode), 0o700)
        with self.assertRaises(NotImplementedError):
            stash.get_storage().url(f"{PURPOSE}/{self.sam.pk}/{key}.bin")

    def test_it_refuses_a_folder_inside_the_public_media(self):
        with override_settings(UPLOAD_STASH_ROOT=Path(settings.MEDIA_ROOT) / "stash"):
            with self.assertRaises(ImproperlyConfigured):
                stash.put(self.sam, PURPOSE, b"data", filename="a.csv")
        with override_settings(UPLOAD_STASH_ROOT=Path(settings.MEDIA_ROOT).parent):
            with self.assertRaises(ImproperlyConfigured):
                stash.get_storage()
