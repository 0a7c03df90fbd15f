"""Demo notes for the embedded default, made through the same services as real ones."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

from accounts.models import User
from notes import services
from notes.models import Note

DEMO_NOTES = [
    # (author index, title, body, topics, declaration degree, text degree, image degrees, tools, usage note)
    (
        0,
        "Morning fog over West Lake",
        "Got up at five for this. The fog lifted in ten minutes.",
        ["travel", "杭州"],
        "none",
        "none",
        ["none", "none"],
        [],
        "",
    ),
    (
        0,
        "A poster for our book club",
        "I drew the layout by hand and let AI paint the background.",
        ["design", "books"],
        "generated",
        "none",
        ["generated"],
        ["Midjourney"],
        "Background painted by Midjourney.",
    ),
    (
        1,
        "Three-day hiking plan for Huangshan",
        "Day 1: Yungu cableway up, sunset at Paiyun Pavilion.\n\n"
        "Day 2: **Xihai Grand Canyon** loop.\n\nDay 3: Lotus Peak and down on foot.",
        ["travel", "hiking"],
        "assisted",
        "assisted",
        ["none", "assisted", "none"],
        ["DeepSeek", "Photoshop"],
        "DeepSeek tidied my notes into a plan; Photoshop removed a crowd from photo 2.",
    ),
    (
        1,
        "Sourdough, week six",
        "Finally an open crumb. 75% hydration, 4 hour bulk.",
        ["food", "baking"],
        "none",
        "none",
        ["none"],
        [],
        "",
    ),
    # Undeclared, but the file carries generator parameters: the platform labels it "suspected".
    (0, "Lighthouse at dusk", "Evening walk along the coast.", ["travel"], "none", "none", ["none"], [], ""),
]

_GENERATED_TITLES = {"Lighthouse at dusk"}


def _generated_picture() -> bytes:
    """A PNG with AUTOMATIC1111-style generation parameters, as a generator front end writes them."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(
        "parameters",
        "lighthouse at dusk, soft light\nNegative prompt: blurry\n"
        "Steps: 28, Sampler: DPM++ 2M, CFG scale: 6, Seed: 1234, Size: 960x720, Model: sdxl_base",
    )
    image = Image.open(io.BytesIO(_picture(7, 0)))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _picture(seed: int, index: int) -> bytes:
    """A small generated landscape so the demo has real images without shipping any."""
    width, height = 960, 720
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    hue = (seed * 47 + index * 91) % 255
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=(int(120 + 100 * t), int(140 + 60 * math.sin(t * 3 + hue)), int(200 - 80 * t)),
        )
    for k in range(3):
        base = height * (0.55 + 0.12 * k)
        points = [
            (x, base - 60 * math.sin((x / width) * math.pi * (1 + k) + hue)) for x in range(0, width + 40, 40)
        ]
        draw.polygon([(0, height), *points, (width, height)], fill=(40 + 30 * k, 70 + 20 * k, 60 + 10 * k))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def demo_notes_create(*, authors: list[User]) -> int:
    """Create the demo notes that do not exist yet; returns how many were created."""
    created = 0
    for seed, (
        author_index,
        title,
        body,
        topics,
        degree,
        text_degree,
        image_degrees,
        tools,
        usage,
    ) in enumerate(DEMO_NOTES):
        author = authors[author_index]
        if Note.objects.filter(author=author, title=title).exists():
            continue
        note = services.note_create(author=author, title=title, body=body, topics=topics)
        images = [
            services.note_image_add(
                note=note,
                acting_user=author,
                data=_generated_picture() if title in _GENERATED_TITLES else _picture(seed, i),
                filename=f"demo-{i + 1}.{'png' if title in _GENERATED_TITLES else 'jpg'}",
            )
            for i in range(len(image_degrees))
        ]
        services.note_declare(
            note=note,
            acting_user=author,
            declaration=services.DeclarationInput(
                degree=degree,
                text_degree=text_degree,
                image_degrees={
                    str(image.public_id): d for image, d in zip(images, image_degrees, strict=True)
                },
                tools=tuple(tools),
                usage_note=usage,
            ),
        )
        services.note_publish(note=note, acting_user=author)
        created += 1
    return created
