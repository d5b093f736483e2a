from gcmhub.knowledge.models import Resource
from gcmhub.test import BaseTestCase, make_resource


class ProposalWithoutProposerTestCase(BaseTestCase):
    def test_it_lists_an_imported_proposal_without_a_proposer(self):
        make_resource(
            title_en="Imported toolkit on labour migration", status=Resource.Status.PROPOSED, proposed_by=None
        )
        self.login(self.sam)
        response = self.client.get("/en/hub/resources/proposals/")
        self.assertContains(response, "Imported toolkit on labour migration")
        self.assertContains(response, "Imported,")
