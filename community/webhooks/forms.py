from django import forms
from django.utils.translation import gettext_lazy as _

from community.webhooks.catalog import EndpointRole, event_choices


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Where the worker sends each event, as an HTTPS POST. Private and loopback addresses "
            "are refused unless the settings allow them; redirects are not followed."
        ),
    )
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False, help_text=_("e.g. “CRM”.")
    )
    role = forms.ChoiceField(
        label=_("Speaks for"),
        choices=EndpointRole.choices,
        help_text=_(
            "The endpoint receives only what this role sees on the site: a visitor's endpoint "
            "hears only of public ideas and comments; themes need a product manager or an "
            "administrator, complaints a moderator or an administrator."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=event_choices, widget=forms.CheckboxSelectMultiple
    )
