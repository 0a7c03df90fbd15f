from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField, MultipleFileInput
from notes.models import BODY_MAX, TITLE_MAX, USAGE_NOTE_MAX, AudioPart, Degree, NoteImage, NoteVideo
from notes.services.declarations import VideoDeclarationInput

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


class VideoUploadForm(forms.Form):
    video = forms.FileField(
        label=_("Or add one video"),
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/quicktime,video/webm"}),
        help_text=_("MP4, MOV or WebM, up to %(mb)s MB, %(minutes)s minutes and 4K."),
        error_messages={"required": _("Choose a video file.")},
    )

    def __init__(self, *args: object, max_mb: int = 200, max_minutes: int = 5, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["video"].help_text = self.fields["video"].help_text % {
            "mb": max_mb,
            "minutes": max_minutes,
        }


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

    def __init__(
        self,
        *args: object,
        images: list[NoteImage],
        video: NoteVideo | None = None,
        sources: list[tuple[str, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.images = images
        self.video = video
        if video is not None:
            self._add_video_fields(video, sources or [])
        for image in images:
            self.fields[self.image_field_name(image)] = forms.ChoiceField(
                label=_("Image %(n)s") % {"n": image.position + 1},
                choices=Degree.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def _add_video_fields(self, video: NoteVideo, sources: list[tuple[str, str]]) -> None:
        self.fields["visual_degree"] = forms.ChoiceField(
            label=_("The picture"), choices=Degree.choices, widget=forms.RadioSelect, required=False
        )
        self.fields["visual_tools"] = forms.CharField(
            label=_("Tools for the picture"),
            required=False,
            max_length=700,
            widget=forms.TextInput(attrs={"list": "tool-suggestions", "autocomplete": "off"}),
        )
        if video.has_audio:
            self.fields["audio_degree"] = forms.ChoiceField(
                label=_("The sound"), choices=Degree.choices, widget=forms.RadioSelect, required=False
            )
            self.fields["audio_parts"] = forms.MultipleChoiceField(
                label=_("What AI did in the sound"),
                choices=AudioPart.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields["audio_tools"] = forms.CharField(
                label=_("Tools for the sound"),
                required=False,
                max_length=700,
                widget=forms.TextInput(attrs={"list": "tool-suggestions", "autocomplete": "off"}),
            )
        self.fields["animated_from_own"] = forms.BooleanField(
            label=_("AI-animated from my own artwork"),
            required=False,
            help_text=_("You made the painting or drawing yourself and used AI to make it move."),
        )
        self.fields["animated_from"] = forms.ChoiceField(
            label=_("The artwork it comes from (optional)"),
            choices=[("", _("— not linked —")), *sources],
            required=False,
        )

    def video_input(self) -> VideoDeclarationInput | None:
        """The video's answer from the cleaned form; None for a note without a video."""
        if self.video is None:
            return None
        data = self.cleaned_data
        source = (data.get("animated_from") or "").split(":")
        return VideoDeclarationInput(
            visual_degree=data.get("visual_degree") or None,
            audio_degree=data.get("audio_degree") or None,
            audio_parts=tuple(data.get("audio_parts") or ()),
            visual_tools=tuple(split_list(data.get("visual_tools") or "")),
            audio_tools=tuple(split_list(data.get("audio_tools") or "")),
            animated_from_own=bool(data.get("animated_from_own")),
            animated_from_note=source[1] if len(source) > 1 else None,
            animated_from_image=source[2] if len(source) > 2 else None,
        )

    @staticmethod
    def video_initial(video: NoteVideo) -> dict[str, object]:
        source = ""
        if video.animated_from_image is not None and video.animated_from_note is not None:
            source = f"image:{video.animated_from_note.public_id}:{video.animated_from_image.public_id}"
        elif video.animated_from_note is not None:
            source = f"note:{video.animated_from_note.public_id}"
        return {
            "visual_degree": video.visual_degree,
            "audio_degree": video.audio_degree,
            "audio_parts": list(video.audio_parts),
            "visual_tools": ", ".join(video.visual_tools),
            "audio_tools": ", ".join(video.audio_tools),
            "animated_from_own": video.animated_from_own,
            "animated_from": source,
        }

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
