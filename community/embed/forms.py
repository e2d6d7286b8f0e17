from typing import Any

from ideas.forms import IdeaForm

FORM_ID = "embed-idea"


class EmbedIdeaForm(IdeaForm):
    """The site's idea form, its fields tied to the form by id (`form=`), so that the similar
    ideas, each with its own vote form, can sit between the title and the description without
    nesting forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["form"] = FORM_ID
        self.fields["body"].widget.attrs["rows"] = 4
