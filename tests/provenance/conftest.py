from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import require

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "provenance"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    require(FIXTURES.is_dir(), f"the shared provenance fixtures are not at {FIXTURES}")
    return FIXTURES
