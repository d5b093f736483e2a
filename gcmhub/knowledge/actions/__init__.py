"""The Hub's write side, by subject. Views, the API, the CMS hooks and the importers call these
actions with cleaned values (small dataclasses or typed arguments), never with forms.

- `submissions`: practices, from draft to submission, updates of a published practice, withdrawal;
- `resources`: the library's proposals and the Hub team's decisions;
- `feedback`: feedback on the Network's tools;
- the peer review of practices is `gcmhub.knowledge.review` (screening, reviewers, decisions).

Every e-mail is a task in `gcmhub.knowledge.tasks`, enqueued on commit.
"""
