"""Writes for notes: drafts, images, declarations, publishing, staff decisions and derived effects.

Every change to a note, its images, its declaration or its labels goes through this package; web
views, API views, admin actions and tasks all call these functions.
"""

from notes.services.decisions import STAFF_NOTE_KINDS, comment_remove, note_decide
from notes.services.declarations import (
    DeclarationInput,
    VideoDeclarationInput,
    note_declare,
    note_declare_from_evidence,
)
from notes.services.distribution import distribution_refresh_due, note_distribution_sync
from notes.services.effects import account_decision_effects, note_decision_effects, note_effects_sync
from notes.services.images import (
    note_image_add,
    note_image_alt_set,
    note_image_check_size,
    note_image_download,
    note_image_remove,
)
from notes.services.interactions import comment_create, comment_delete, like_set
from notes.services.notes import note_create, note_delete, note_publish, note_update
from notes.services.traffic import boosts_finish_due, note_feature, note_unfeature, voucher_redeem
from notes.services.videos import (
    note_video_add,
    note_video_check_size,
    note_video_download,
    note_video_remove,
    video_error_text,
)

__all__ = [
    "STAFF_NOTE_KINDS",
    "DeclarationInput",
    "account_decision_effects",
    "boosts_finish_due",
    "comment_create",
    "comment_delete",
    "comment_remove",
    "like_set",
    "distribution_refresh_due",
    "note_distribution_sync",
    "note_feature",
    "note_unfeature",
    "voucher_redeem",
    "note_create",
    "note_decide",
    "note_decision_effects",
    "note_declare",
    "note_declare_from_evidence",
    "note_delete",
    "note_effects_sync",
    "note_image_add",
    "note_image_check_size",
    "note_image_download",
    "note_image_alt_set",
    "note_image_remove",
    "note_publish",
    "note_update",
    "note_video_add",
    "note_video_check_size",
    "note_video_download",
    "note_video_remove",
    "video_error_text",
    "VideoDeclarationInput",
]
