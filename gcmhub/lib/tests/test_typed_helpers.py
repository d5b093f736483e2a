"""The small helpers that let mypy see what Django's dynamic API hides (decision 1101)."""

from django import forms
from django.test import SimpleTestCase

from gcmhub.lib.display import show
from gcmhub.lib.forms import field_of


class _Form(forms.Form):
    kind = forms.ChoiceField(choices=[("a", "A")])
    name = forms.CharField()


class FieldOfTests(SimpleTestCase):
    def test_it_returns_the_form_s_own_field_instance(self):
        form = _Form()
        field = field_of(form, "kind", forms.ChoiceField)
        field.choices = [("b", "B")]
        self.assertEqual(list(form.fields["kind"].choices), [("b", "B")])

    def test_it_refuses_a_field_of_another_class(self):
        with self.assertRaisesMessage(TypeError, "_Form.name is a CharField, not a ChoiceField"):
            field_of(_Form(), "name", forms.ChoiceField)


class ShowTests(SimpleTestCase):
    def test_it_sets_values_for_the_template_as_attributes(self):
        class Thing:
            pass

        thing = Thing()
        show(thing, url="/a/", label="A")
        self.assertEqual((thing.url, thing.label), ("/a/", "A"))
