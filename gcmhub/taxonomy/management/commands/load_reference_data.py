from django.core.management.base import BaseCommand

from gcmhub.taxonomy.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Load the GCM reference data shipped with gcmhub: the 23 objectives, the 10 guiding principles, "
        "the 5 thematic areas, UN M49 regions and sub-regions, countries (ISO 3166, names from CLDR) and "
        "organisations. Idempotent: creates what is missing and fills empty fields, keeping edits made in "
        "the CMS unless --overwrite is given. Never deletes anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true", help="Reset every loaded field to the shipped value.")

    def handle(self, *args, overwrite=False, **options):
        load_reference_data(stdout=self.stdout, overwrite=overwrite)
