"""A busy discussion's page: the first replies of each comment, the rest a "continue this thread"
away, written by consultations/render.py with everything from users escaped."""

from django.urls import reverse

from gcmhub.consultations.threads import MAX_REPLIES
from gcmhub.test import BaseTestCase, make_comment, make_topic


class BusyThreadTests(BaseTestCase):
    def test_each_comment_shows_its_first_replies_and_counts_the_others(self):
        topic = make_topic()
        first = make_comment(topic, self.alice, "First point.")
        replies = [make_comment(topic, self.fatima, f"Reply {n}.", parent=first) for n in range(MAX_REPLIES + 3)]
        make_comment(topic, self.ines, "Deep answer.", parent=replies[-1])
        response = self.client.get(topic.get_absolute_url())
        for n in range(MAX_REPLIES):
            self.assertContains(response, f"Reply {n}.")
        self.assertNotContains(response, f"Reply {MAX_REPLIES}.")
        self.assertNotContains(response, "Deep answer.")
        thread = reverse("consultations:thread", args=[topic.space.slug, topic.slug, first.pk])
        self.assertContains(response, f'<a href="{thread}">Continue this thread (4 replies)</a>')
        page = self.client.get(thread)  # the thread's page shows them all
        self.assertContains(page, f"Reply {MAX_REPLIES + 2}.")
        self.assertContains(page, "Deep answer.")

    def test_what_users_write_is_escaped(self):
        topic = make_topic()
        self.alice.full_name = "<b>Alice</b>"
        self.alice.save()
        make_comment(topic, self.alice, '<script>alert("x")</script>\n\nSecond paragraph', quote="<img src=x>")
        response = self.client.get(topic.get_absolute_url())
        self.assertNotContains(response, "<script>alert")
        self.assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")
        self.assertContains(response, "<p>Second paragraph</p>")
        self.assertContains(response, "&lt;b&gt;Alice&lt;/b&gt;")
        self.assertNotContains(response, "<img src=x>")
