from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField, MultipleFileInput
from notes.models import BODY_MAX, TITLE_MAX, USAGE_NOTE_MAX, Degree, NoteImage

TOOL_SUGGESTIONS = [
    "ChatGPT",
    "DeepSeek",
    "Doubao (豆包)",
    "Kimi",
    "Qwen (通义千问)",
    "ERNIE Bot (文心一言)",
    "Midjourney",
    "Stable Diffusion",
    "DALL·E",
    "Adobe Firefly",
    "Photoshop Generative Fill",
    "Jimeng (即梦)",
    "Kling (可灵)",
]


def split_list(value: str) -> list[str]:
    """Topics and tools are typed as one line: split on commas, 、, ， or #."""
    for separator in ("，", "、", "#"):
        value = value.replace(separator, ",")
    return [item.strip() for item in value.split(",") if item.strip()]


class NoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, *italic*, lists, links and quotes."),
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=500,
        help_text=_("Separate topics with commas, e.g. travel, food."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # No maxlength: the browser would cut a pasted title silently. A counter shows the limit and
        # the server refuses a longer title with its length.
        attrs = self.fields["title"].widget.attrs
        attrs.pop("maxlength", None)
        attrs["data-counter"] = str(TITLE_MAX)

    def clean_topics(self) -> list[str]:
        return split_list(self.cleaned_data["topics"])


class ImageUploadForm(forms.Form):
    images = MultipleFileField(
        label=_("Add images"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP, up to 20 MB each, at most 9 images per note."),
        error_messages={"required": _("Choose at least one image.")},
    )


class DeclarationForm(forms.Form):
    """Every answer starts empty: nothing here is ever pre-selected for the creator."""

    degree = forms.ChoiceField(
        label=_("Did AI take part in this note?"), choices=Degree.choices, widget=forms.RadioSelect
    )
    text_degree = forms.ChoiceField(
        label=_("The text"), choices=Degree.choices, widget=forms.RadioSelect, required=False
    )
    tools = forms.CharField(
        label=_("AI tools used"),
        required=False,
        max_length=700,
        widget=forms.TextInput(attrs={"list": "tool-suggestions", "autocomplete": "off"}),
        help_text=_("Separate tools with commas."),
    )
    usage_note = forms.CharField(
        label=_("How AI was used (optional)"),
        required=False,
        max_length=USAGE_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, images: list[NoteImage], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.images = images
        for image in images:
            self.fields[self.image_field_name(image)] = forms.ChoiceField(
                label=_("Image %(n)s") % {"n": image.position + 1},
                choices=Degree.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    @staticmethod
    def image_field_name(image: NoteImage) -> str:
        return f"image_{image.public_id.hex}"

    def image_fields(self) -> list[tuple[NoteImage, forms.BoundField]]:
        return [(image, self[self.image_field_name(image)]) for image in self.images]

    def clean_tools(self) -> list[str]:
        return split_list(self.cleaned_data["tools"])

    def collect_image_degrees(self) -> dict[str, str]:
        return {
            str(image.public_id): self.cleaned_data.get(self.image_field_name(image)) or ""
            for image in self.images
        }
