"""The EU DSA Transparency Database's statement format: allowed values and validation rules.

Plain Python, no Django. Transcribed from the official repository
``digital-services-act/transparency-database``: ``app/Models/Statement.php`` (the allowed values),
``app/Http/Requests/StatementStoreRequest.php`` and ``app/Services/GroupedSubmissionsService.php``
(the rules the API applies to each statement, including the multiple-statements endpoint), and the
API documentation page (``resources/docs/api-documentation.md``: the current category and keyword
lists, the batch limit of 100 statements per call, the error responses). ``validate`` returns the
errors the database would give, so a statement that would be refused is never sent.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

# The multiple-statements endpoint takes between 1 and 100 statements per call.
BATCH_MAX = 100

DECISION_VISIBILITIES = (
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
)
DECISION_MONETARIES = (
    "DECISION_MONETARY_SUSPENSION",
    "DECISION_MONETARY_TERMINATION",
    "DECISION_MONETARY_OTHER",
)
DECISION_PROVISIONS = (
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
)
DECISION_ACCOUNTS = ("DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED")
ACCOUNT_TYPES = ("ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE")
DECISION_GROUNDS = ("DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT")
YES_NO = ("Yes", "No")
CONTENT_TYPES = (
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
)
STATEMENT_CATEGORIES = (
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
)
KEYWORDS = (
    "KEYWORD_ANIMAL_HARM",
    "KEYWORD_ADULT_SEXUAL_MATERIAL",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
    "KEYWORD_BIOMETRIC_DATA_BREACH",
    "KEYWORD_BULLYING_AGAINST_GIRLS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
    "KEYWORD_COORDINATED_HARM",
    "KEYWORD_COPYRIGHT_INFRINGEMENT",
    "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_CYBER_HARASSMENT",
    "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
    "KEYWORD_CYBER_INCITEMENT",
    "KEYWORD_CYBER_STALKING",
    "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
    "KEYWORD_DATA_FALSIFICATION",
    "KEYWORD_DEFAMATION",
    "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_DISCRIMINATION",
    "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
    "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
    "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
    "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_HATE_SPEECH",
    "KEYWORD_HIDDEN_ADVERTISEMENT",
    "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING",
    "KEYWORD_ILLEGAL_ORGANIZATIONS",
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
    "KEYWORD_INAUTHENTIC_ACCOUNTS",
    "KEYWORD_INAUTHENTIC_LISTINGS",
    "KEYWORD_INAUTHENTIC_USER_REVIEWS",
    "KEYWORD_INCITEMENT_AGAINST_WOMEN",
    "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_LANGUAGE_REQUIREMENTS",
    "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
    "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
    "KEYWORD_MISSING_PROCESSING_GROUND",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    "KEYWORD_NONCOMPLIANCE_PRICING",
    "KEYWORD_NUDITY",
    "KEYWORD_PATENT_INFRINGEMENT",
    "KEYWORD_PHISHING",
    "KEYWORD_PROHIBITED_PRODUCTS",
    "KEYWORD_PYRAMID_SCHEMES",
    "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
    "KEYWORD_RISK_PUBLIC_HEALTH",
    "KEYWORD_SELF_MUTILATION",
    "KEYWORD_STALKING",
    "KEYWORD_SUICIDE",
    "KEYWORD_TERRORIST_CONTENT",
    "KEYWORD_TRADE_SECRET_INFRINGEMENT",
    "KEYWORD_TRADEMARK_INFRINGEMENT",
    "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    "KEYWORD_UNLAWFUL_SALE_ANIMALS",
    "KEYWORD_UNSAFE_CHALLENGES",
    "KEYWORD_UNSAFE_PRODUCTS",
    "KEYWORD_VIOLATION_EU_LAW",
    "KEYWORD_VIOLATION_NATIONAL_LAW",
    "KEYWORD_OTHER",
)
SOURCE_TYPES = (
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
)
AUTOMATED_DECISIONS = (
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
)
# EuropeanCountriesService::EUROPEAN_COUNTRY_CODES: the EU and the EEA (Greece is GR).
EEA_COUNTRY_CODES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS",
    "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip

FIELDS = frozenset(
    {
        "decision_visibility",
        "decision_visibility_other",
        "decision_monetary",
        "decision_monetary_other",
        "decision_provision",
        "decision_account",
        "account_type",
        "decision_ground",
        "decision_ground_reference_url",
        "illegal_content_legal_ground",
        "illegal_content_explanation",
        "incompatible_content_ground",
        "incompatible_content_explanation",
        "incompatible_content_illegal",
        "content_type",
        "content_type_other",
        "category",
        "category_addition",
        "category_specification",
        "category_specification_other",
        "territorial_scope",
        "content_language",
        "content_date",
        "application_date",
        "end_date_account_restriction",
        "end_date_monetary_restriction",
        "end_date_service_restriction",
        "end_date_visibility_restriction",
        "decision_facts",
        "source_type",
        "source_identity",
        "automated_detection",
        "automated_decision",
        "puid",
        "content_id",
    }
)
END_DATES = (
    "end_date_account_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_visibility_restriction",
)
PUID = re.compile(r"[a-zA-Z0-9\-_]+")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The rules' date bounds: content from 2000, decisions from 2020, nothing after 2038-01-01.
CONTENT_FROM, APPLIED_FROM, LAST_DAY = date(2000, 1, 1), date(2020, 1, 1), date(2038, 1, 1)


def _day(value: object) -> date | None:
    """A ``Y-m-d`` date with leading zeroes (PHP's ``date_format:Y-m-d``), or None."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def validate(statement: dict) -> dict[str, list[str]]:
    """The errors the Transparency Database would report for one statement, by field; empty if valid."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    def present(field: str) -> bool:
        value = statement.get(field)
        return value not in (None, "", [])

    for field in sorted(set(statement) - FIELDS):
        fail(field, "Not a field of the statement API.")

    def one_of(field: str, allowed: tuple[str, ...], *, required: bool = False) -> None:
        if not present(field):
            if required:
                fail(field, f"The {field} field is required.")
            return
        if statement[field] not in allowed:
            fail(field, f"The selected {field} is invalid.")

    def all_of(field: str, allowed: tuple[str, ...], *, required: bool = False) -> None:
        value = statement.get(field)
        if not present(field):
            if required:
                fail(field, f"The {field} field is required.")
            return
        if not isinstance(value, list) or any(item not in allowed for item in value):
            fail(field, f"The selected {field} is invalid.")

    def text(field: str, limit: int, *, required: bool = False) -> None:
        value = statement.get(field)
        if not present(field):
            if required:
                fail(field, f"The {field} field is required.")
            return
        if not isinstance(value, str):
            fail(field, f"The {field} field must be a string.")
        elif len(value) > limit:
            fail(field, f"The {field} field must not be greater than {limit} characters.")

    def only_if(field: str, condition: bool, limit: int) -> None:
        """``required_if`` + ``exclude_unless``: required when ``condition`` holds, else dropped unread."""
        if condition:
            text(field, limit, required=True)

    # At least one kind of restriction (required_without_all on the four decision fields).
    restrictions = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
    if not any(present(field) for field in restrictions):
        for field in restrictions:
            fail(field, f"The {field} field is required when none of the other restrictions are present.")
    all_of("decision_visibility", DECISION_VISIBILITIES)
    visibility = statement.get("decision_visibility") or []
    only_if("decision_visibility_other", "DECISION_VISIBILITY_OTHER" in visibility, 500)
    one_of("decision_monetary", DECISION_MONETARIES)
    only_if("decision_monetary_other", statement.get("decision_monetary") == "DECISION_MONETARY_OTHER", 500)
    one_of("decision_provision", DECISION_PROVISIONS)
    one_of("decision_account", DECISION_ACCOUNTS)
    one_of("account_type", ACCOUNT_TYPES)

    one_of("decision_ground", DECISION_GROUNDS, required=True)
    ground = statement.get("decision_ground")
    illegal, incompatible = (
        ground == "DECISION_GROUND_ILLEGAL_CONTENT",
        ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    )
    only_if("illegal_content_legal_ground", illegal, 500)
    only_if("illegal_content_explanation", illegal, 2000)
    only_if("incompatible_content_ground", incompatible, 500)
    only_if("incompatible_content_explanation", incompatible, 2000)
    if incompatible:
        one_of("incompatible_content_illegal", YES_NO)
    if present("decision_ground_reference_url"):
        url = statement["decision_ground_reference_url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            fail("decision_ground_reference_url", "The decision_ground_reference_url must be a valid URL.")

    all_of("content_type", CONTENT_TYPES, required=True)
    only_if("content_type_other", "CONTENT_TYPE_OTHER" in (statement.get("content_type") or []), 500)
    one_of("category", STATEMENT_CATEGORIES, required=True)
    all_of("category_addition", STATEMENT_CATEGORIES)
    all_of("category_specification", KEYWORDS)
    text("category_specification_other", 500)
    all_of("territorial_scope", EEA_COUNTRY_CODES)
    if present("content_language"):
        language = statement["content_language"]
        if not (
            isinstance(language, str) and len(language) == 2 and language.isalpha() and language.isupper()
        ):
            fail("content_language", "The content_language must be an upper-case ISO 639-1 code.")

    def dated(field: str, earliest: date | None, *, required: bool = False) -> date | None:
        if not present(field):
            if required:
                fail(field, f"The {field} field is required.")
            return None
        day = _day(statement[field])
        if day is None:
            fail(field, f"The {field} does not match the format YYYY-MM-DD.")
            return None
        if earliest is not None and day < earliest:
            fail(field, f"The {field} must be a date after or equal to {earliest.isoformat()}.")
        if day > LAST_DAY:
            fail(field, f"The {field} must be a date before or equal to {LAST_DAY.isoformat()}.")
        return day

    dated("content_date", CONTENT_FROM, required=True)
    applied = dated("application_date", APPLIED_FROM, required=True)
    for field in END_DATES:
        end = dated(field, None)
        if end is not None and applied is not None and end < applied:
            fail(field, f"The {field} must be a date after or equal to application_date.")

    text("decision_facts", 5000, required=True)
    one_of("source_type", SOURCE_TYPES, required=True)
    text("source_identity", 500)
    one_of("automated_detection", YES_NO, required=True)
    one_of("automated_decision", AUTOMATED_DECISIONS, required=True)
    text("puid", 500, required=True)
    if isinstance(statement.get("puid"), str) and statement["puid"] and not PUID.fullmatch(statement["puid"]):
        fail("puid", "The puid may contain only letters, digits, hyphens and underscores.")
    return errors


def excluded(statement: dict) -> list[str]:
    """Fields the database drops unread (``exclude_unless``/``excludeIf``): given where they do not apply.
    Not an error there, but a statement that carries them says something nobody will read."""
    ground = statement.get("decision_ground")
    conditions = {
        "decision_visibility_other": "DECISION_VISIBILITY_OTHER"
        in (statement.get("decision_visibility") or []),
        "decision_monetary_other": statement.get("decision_monetary") == "DECISION_MONETARY_OTHER",
        "content_type_other": "CONTENT_TYPE_OTHER" in (statement.get("content_type") or []),
        "illegal_content_legal_ground": ground == "DECISION_GROUND_ILLEGAL_CONTENT",
        "illegal_content_explanation": ground == "DECISION_GROUND_ILLEGAL_CONTENT",
        "incompatible_content_ground": ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_explanation": ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_illegal": ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    }
    return sorted(field for field, applies in conditions.items() if not applies and field in statement)


def validate_batch(statements: list[dict]) -> dict[str, dict[str, list[str]]]:
    """Errors for a whole export or submission, keyed ``statement_<index>`` as the API reports them;
    a ``puid`` used twice is an error on every statement after the first."""
    errors: dict[str, dict[str, list[str]]] = {}
    seen: set[str] = set()
    for index, statement in enumerate(statements):
        found = validate(statement)
        puid = statement.get("puid")
        if isinstance(puid, str):
            if puid in seen:
                found.setdefault("puid", []).append("The platform identifier is not unique.")
            seen.add(puid)
        if found:
            errors[f"statement_{index}"] = found
    return errors
