"""Demo notes for the embedded default, made through the same services as real ones."""

from __future__ import annotations

import io
import math
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from appeals.models import CompensationVoucher, Decision
from appeals.services import Statement, appeal_file, decision_reverse
from notes import services
from notes.models import Boost, ImpressionDay, Note, Traffic

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
    # Mass-produced filler: staff reduce its distribution (demo_traffic_create).
    (
        1,
        "10 facts about tea you won't believe",
        "Tea is a drink. Tea is popular. Tea has leaves. Number seven will shock you.",
        ["food"],
        "generated",
        "generated",
        ["generated"],
        ["ChatGPT"],
        "",
    ),
]

# Days before seeding each demo note was published, so the traffic pages have a history.
_PUBLISHED_DAYS_AGO = [26, 21, 17, 12, 8, 5]
# How many readers a demo note had per day, before any bonus (a gentle curve after publishing).
_DAILY_READERS = [40, 55, 35, 25, 30, 20]

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
        # Demo only: back-date publishing so the feed and the traffic pages show a history.
        published = timezone.now() - timedelta(days=_PUBLISHED_DAYS_AGO[seed], hours=seed)
        Note.objects.filter(pk=note.pk).update(
            published_at=published, created_at=published, updated_at=published
        )
        note.refresh_from_db()
        with transaction.atomic():
            services.note_distribution_sync(note=note)
        created += 1
    return created


def _statement(summary: str, facts: str, rule_code: str) -> Statement:
    return Statement(summary=summary, facts=facts, rule_code=rule_code)


def demo_traffic_create(*, authors: list[User], staff: User) -> None:
    """Every traffic case for a newcomer (idempotent): a featured note with a bonus, one with reduced
    reach, one boosted by a voucher from a reversed decision, and 30 days of impressions."""
    mei, sam = authors
    poster = Note.objects.get(author=mei, title="A poster for our book club")
    if not poster.featurings.exists():
        services.note_feature(
            note=poster,
            acting_user=staff,
            reason="Hand-drawn layout with an AI-painted background, declared in full: the kind of AI "
            "creation Sunlight wants more of.",
        )
    tea = Note.objects.get(author=sam, title="10 facts about tea you won't believe")
    services.note_decide(
        note=tea,
        acting_user=staff,
        kind=Decision.Kind.REDUCED_DISTRIBUTION,
        statement=_statement(
            "Distribution of this note is reduced for 30 days.",
            "The note repeats one generated sentence pattern with a click-bait title and adds nothing of "
            "its own.",
            Decision.RuleCode.LOW_QUALITY_AI,
        ),
        ends_at=timezone.now() + timedelta(days=30),
        dedupe_key="demo:tea-reduced",
    )
    reduced = Decision.objects.get(dedupe_key="demo:tea-reduced")
    if not reduced.appeals.exists():
        # An appeal waiting in the staff queue (and counted on the transparency report).
        appeal_file(
            decision=reduced,
            appellant=sam,
            reason="Every fact in the note is sourced and I wrote the text myself; only the title was "
            "suggested by an AI tool.",
        )
    fog = Note.objects.get(author=mei, title="Morning fog over West Lake")
    label = services.note_decide(
        note=fog,
        acting_user=staff,
        kind=Decision.Kind.LABEL_SUSPECTED,
        statement=_statement(
            "A “suspected AI” label was added to this note.",
            "The soft gradients in the photos looked generated to a reviewer.",
            Decision.RuleCode.AI_LABEL_MISSING,
        ),
        dedupe_key="demo:fog-suspected",
    )
    if label.state == Decision.State.IN_FORCE:
        with transaction.atomic():
            Decision.objects.filter(pk=label.pk).update(created_at=timezone.now() - timedelta(days=3))
        label.refresh_from_db()
        decision_reverse(
            decision=label,
            acting_user=staff,
            reason="The creator's original camera files show a real photo: the label was wrong.",
        )
    voucher = CompensationVoucher.objects.filter(decision=label).first()
    if voucher is not None and voucher.redeemed_at is None:
        services.voucher_redeem(voucher_id=voucher.public_id, note_id=fog.public_id, acting_user=mei)
    _demo_impressions([*authors])
    _demo_interactions(mei, sam)
    _demo_bot(mei, sam)


def _demo_interactions(mei: User, sam: User) -> None:
    """A conversation under the featured poster, and a few likes (written once)."""
    poster = Note.objects.get(author=mei, title="A poster for our book club")
    if poster.comments.exists():
        return
    services.comment_create(
        note=poster, author=sam, body="The painted background is lovely. Which prompt did you use?"
    )
    services.comment_create(
        note=poster, author=mei, body="Thanks! Mostly “ink wash, soft morning light”, then I cropped."
    )
    services.like_set(note=poster, user=sam, liked=True)
    hiking = Note.objects.get(author=sam, title="Three-day hiking plan for Huangshan")
    services.like_set(note=hiking, user=mei, liked=True)


def _demo_impressions(authors: list[User]) -> None:
    """Thirty days of daily impressions per demo note (sample history, written once), split by source
    the way the traffic task would have counted them."""
    today = timezone.localdate()
    notes = list(Note.objects.filter(author__in=authors, state=Note.State.PUBLISHED).order_by("published_at"))
    if ImpressionDay.objects.filter(note__in=notes).exists():
        return
    rows = []
    for index, note in enumerate(notes):
        start = timezone.localtime(note.published_at).date()
        readers = _DAILY_READERS[index % len(_DAILY_READERS)]
        boost = note.boosts.filter(state=Boost.State.ACTIVE).first()
        delivered = 0
        for offset in range(30):
            day = today - timedelta(days=29 - offset)
            if day < start:
                continue
            age = (day - start).days
            base = max(3, int(readers * (0.6 + 0.4 * math.cos(age / 3.0)) * 0.93**age))
            bonus = int(base * (note.weight - 1)) if note.traffic == Traffic.BONUS else 0
            organic = max(1, int(base * note.weight)) if note.weight < 1 else base
            boosted = 0
            if boost is not None and day >= timezone.localtime(boost.started_at).date() - timedelta(days=1):
                boosted = 30 + 7 * (offset % 4)
                delivered += boosted
            rows.append(ImpressionDay(note=note, day=day, organic=organic, bonus=bonus, boost=boosted))
        if boost is not None and delivered:
            Boost.objects.filter(pk=boost.pk).update(delivered=min(delivered, boost.target - 1))
    ImpressionDay.objects.bulk_create(rows)


def _demo_bot(mei: User, sam: User) -> None:
    """An account that behaves like a bot — the same comment seconds after each note, through the API,
    every ten minutes — so the staff queue has an automation case and a report to work on."""
    from notes.models import AutomationCase, Client, Comment
    from notes.services.cases import automation_scan
    from notes.services.reports import report_file

    bot, created = User.objects.get_or_create(
        email="growth-bot@demo.sunlight.test", defaults={"display_name": "Growth Hacks 24/7"}
    )
    if created:
        bot.set_unusable_password()
        bot.save(update_fields=["password"])
    if not Comment.objects.filter(author=bot).exists():
        notes = list(Note.objects.filter(author__in=[mei, sam], state=Note.State.PUBLISHED).order_by("pk"))
        start = timezone.now() - timedelta(hours=6)
        for index in range(24):
            note = notes[index % len(notes)]
            comment = services.comment_create(
                note=note,
                author=bot,
                body="Great post! Follow me for more amazing content!",
                client=Client.API,
            )
            # Demo only: spread the comments over six hours, each seconds after a note it "reacts" to.
            at = start + timedelta(seconds=index * 600 + (index % 3) * 0.7)
            Comment.objects.filter(pk=comment.pk).update(created_at=at)
            Note.objects.filter(pk=note.pk).update(
                published_at=min(note.published_at, at - timedelta(seconds=4))
            )
            note.published_at = min(note.published_at, at - timedelta(seconds=4))
    if not AutomationCase.objects.filter(account=bot).exists():
        automation_scan()
    if not bot.reports_against.exists():
        report_file(
            reporter=mei,
            subject_type="account",
            subject_id=bot.public_id,
            category="ai_managed_account",
            comment="The same comment under every note, a few seconds after it appears.",
        )


PAINTING_TITLE = "Cranes in clouds, gongbi on silk"
VIDEO_TITLE = "The cranes take flight"


def _painting() -> Image.Image:
    """A hand-painted look: silk-coloured ground, ink mountains, two cranes (white with red crowns)."""
    width, height = 960, 540
    image = Image.new("RGB", (width, height), (232, 218, 186))
    draw = ImageDraw.Draw(image)
    for k in range(3):
        base = height * (0.62 + 0.1 * k)
        points = [
            (x, base - 70 * math.sin(x / width * math.pi * (1.5 + k))) for x in range(0, width + 30, 30)
        ]
        draw.polygon([(0, height), *points, (width, height)], fill=(120 - 30 * k, 128 - 30 * k, 118 - 30 * k))
    return image


def _crane(draw: ImageDraw.ImageDraw, x: float, y: float, flap: float) -> None:
    wing = 38 * flap
    draw.polygon([(x - 60, y - wing), (x, y), (x + 60, y - wing), (x, y + 8)], fill=(250, 250, 246))
    draw.line([(x - 40, y + 4), (x + 46, y + 2)], fill=(30, 30, 30), width=4)
    draw.ellipse([x + 42, y - 4, x + 52, y + 6], fill=(200, 30, 30))


def _painting_jpeg() -> bytes:
    image = _painting()
    draw = ImageDraw.Draw(image)
    _crane(draw, 300, 180, 0.6)
    _crane(draw, 520, 140, 0.9)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _animated_painting(seconds: int = 4, fps: int = 24) -> bytes:
    """The painting brought to life: the cranes fly across and beat their wings (an MP4, with PyAV)."""
    import tempfile
    from pathlib import Path

    import av

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cranes.mp4"
        with av.open(str(path), mode="w", format="mp4") as out:
            stream = out.add_stream("libx264", rate=fps, options={"crf": "26", "preset": "veryfast"})
            stream.width, stream.height, stream.pix_fmt = 960, 540, "yuv420p"
            for index in range(seconds * fps):
                t = index / fps
                frame = _painting()
                draw = ImageDraw.Draw(frame)
                _crane(draw, 120 + 90 * t, 200 - 12 * t, abs(math.sin(t * 5)))
                _crane(draw, 340 + 80 * t, 150 - 8 * t, abs(math.sin(t * 5 + 1)))
                for packet in stream.encode(av.VideoFrame.from_image(frame)):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        return path.read_bytes()


def demo_video_create(*, author: User) -> int:
    """A hand-painted note and the video AI-animated from it (the platform's model use of AI)."""
    if Note.objects.filter(author=author, title=VIDEO_TITLE).exists():
        return 0
    from django.core.files.base import ContentFile

    painting = services.note_create(
        author=author,
        title=PAINTING_TITLE,
        body="Painted by hand in the Song-dynasty meticulous style: mineral colours on silk, three weeks.",
        topics=["painting", "gongbi"],
    )
    image = services.note_image_add(
        note=painting, acting_user=author, data=_painting_jpeg(), filename="cranes.jpg"
    )
    services.note_declare(
        note=painting,
        acting_user=author,
        declaration=services.DeclarationInput(
            degree="none", text_degree="none", image_degrees={str(image.public_id): "none"}
        ),
    )
    services.note_publish(note=painting, acting_user=author)
    note = services.note_create(
        author=author,
        title=VIDEO_TITLE,
        body="My painting of the cranes, made to move with AI: the cranes fly through the clouds.",
        topics=["painting", "gongbi", "animation"],
    )
    data = _animated_painting()
    services.note_video_add(
        note=note, acting_user=author, upload=ContentFile(data, "cranes.mp4"), filename="cranes.mp4"
    )
    # Without a broker the tasks ran after the commit above; with one, the worker will have made the
    # rendition by the time anyone looks (the declaration does not wait for it).
    services.note_declare(
        note=note,
        acting_user=author,
        declaration=services.DeclarationInput(
            degree="generated",
            text_degree="none",
            tools=("Kling",),
            usage_note="I painted the picture by hand; Kling animated it.",
            video=services.VideoDeclarationInput(
                visual_degree="generated",
                audio_degree="none",
                visual_tools=("Kling",),
                animated_from_own=True,
                animated_from_note=str(painting.public_id),
                animated_from_image=str(image.public_id),
            ),
        ),
    )
    try:
        services.note_publish(note=note, acting_user=author)
    except Exception:
        return 1
    return 2
