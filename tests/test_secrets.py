from __future__ import annotations

from generator.secrets import Scrubber, fingerprint, mask

KEY = "sk-ant-api03-" + "A1b2C3d4" * 11 + "wXyZ"


def test_mask_shows_prefix_last_four_and_fingerprint_only() -> None:
    shown = mask(KEY)
    assert shown == f"sk-ant-api03-…wXyZ (sha256:{fingerprint(KEY)})"
    assert KEY[13:30] not in shown


def test_short_values_show_almost_nothing() -> None:
    assert mask("abcdefgh").startswith("ab…")
    assert "abcdefgh" not in mask("abcdefgh")
    assert mask("") == "(empty)"


def test_scrubber_replaces_secret_and_its_stripped_form() -> None:
    scrub = Scrubber([f'"{KEY}"\n'])
    out = scrub(f"got {KEY} and again {KEY}")
    assert KEY not in out
    assert out.count("wXyZ (sha256:") == 2
