"""A reader opens an image's Content Credentials on a computer and a phone, in both languages, and
downloads the original: the file still carries the chain back to the generator."""

from __future__ import annotations

import io
import json

import c2pa
import pytest
from playwright.sync_api import expect

from notes import credentials
from tests.factories import UserFactory
from tests.notes.test_credentials_panel import _published_with
from tests.provenance.test_reader_derivation import generated, sign, uses

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "language", "summary", "history"),
    [
        ("en-US", "en", "Content Credentials of image 1", "cropped, from material made with ExampleGen 1.0."),
        ("zh-CN", "zh-hans", "图片 1 的内容凭证", "裁剪，源自用 ExampleGen 1.0 制作的素材。"),
    ],
)
def test_a_reader_opens_the_credentials_and_downloads_the_chain(
    browser, live_server, artifacts, settings, tmp_path, locale, language, summary, history
):
    chain, key = credentials._dev_certificate(tmp_path / "cert")
    settings.SUNLIGHT_C2PA = {"cert": str(chain), "key": str(key)}
    credentials._load.cache_clear()
    cropped = sign(
        [uses("c2pa.opened", 0), {"action": "c2pa.cropped"}],
        generator="ExampleEditor",
        ingredients=((generated(), "parentOf"),),
    )
    note = _published_with(UserFactory(), cropped)
    for width in (1280, 390):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport={"width": width, "height": 900},
            extra_http_headers={"Accept-Language": language},
            accept_downloads=True,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/notes/{note.public_id}/")
        page.get_by_text(summary).click()
        panel = page.locator("details.credentials")
        expect(panel).to_contain_text(history)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        panel.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"credentials-{language}-{width}.png"), full_page=True)
        with page.expect_download() as download:
            page.locator("a.download").first.click()
        data = download.value.path().read_bytes()
        with c2pa.Reader("image/jpeg", io.BytesIO(data)) as reader:
            report = json.loads(reader.json())
        chain_names = [m["claim_generator_info"][0]["name"] for m in report["manifests"].values()]
        assert sorted(chain_names) == ["ExampleEditor", "ExampleGen", "Sunlight"]
        context.close()
    credentials._load.cache_clear()
