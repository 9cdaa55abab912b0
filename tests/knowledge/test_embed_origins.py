"""BW_EMBED_ORIGINS: which sites may show the chat widget (the frame-ancestors of /embed, and only of /embed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from knowledge.api import content_security_policy, create_app
from knowledge.feedback import FeedbackStore
from knowledge.settings import Settings, checked_origins


def ancestors(policy: str) -> str:
    """The frame-ancestors directive of a Content-Security-Policy."""
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def test_origins_are_read_normalised_and_without_duplicates() -> None:
    settings = Settings.from_env({"BW_EMBED_ORIGINS": " https://www.example.nl/, HTTP://127.0.0.1:8081 ,,"
                                                      "https://www.example.nl,https://[::1]:9000"})
    assert settings.embed_origins == ("https://www.example.nl", "http://127.0.0.1:8081", "https://[::1]:9000")
    assert Settings.from_env({}).embed_origins == ()


@pytest.mark.parametrize("bad", [
    "www.example.nl", "https://www.example.nl/chat", "https://*.example.nl", "*", "'self'", "ftp://example.nl",
    "https://example.nl; script-src *", "https://example.nl https://other.nl", "https://example.nl:port",
])
def test_anything_but_an_origin_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="BW_EMBED_ORIGINS"):
        checked_origins(bad)
    with pytest.raises(ValueError):
        Settings.from_env({"BW_EMBED_ORIGINS": f"https://ok.example.nl,{bad}"})


def test_only_the_embedded_chat_may_be_framed_by_the_origins() -> None:
    settings = Settings(embed_origins=("https://www.example.nl",))
    assert ancestors(content_security_policy(settings)) == "frame-ancestors 'self'"
    assert ancestors(content_security_policy(settings, embed=True)) == "frame-ancestors 'self' https://www.example.nl"
    assert ancestors(content_security_policy(Settings(), embed=True)) == "frame-ancestors 'self'"
    closed = Settings(frame_ancestors="'none'", embed_origins=("https://www.example.nl",))
    assert ancestors(content_security_policy(closed, embed=True)) == "frame-ancestors https://www.example.nl"
    assert ancestors(content_security_policy(closed)) == "frame-ancestors 'none'"


def test_embed_page_headers(fake_service: Any, fake_settings: Settings, tmp_path: Path) -> None:
    settings = fake_settings.with_(embed_origins=("https://www.example.nl",))
    with TestClient(create_app(settings, fake_service, FeedbackStore(tmp_path / "f.sqlite"))) as client:
        embed = client.get("/embed")
        assert embed.status_code == 200
        assert 'id="chat-log"' in embed.text and "/static/chat.js" in embed.text and "/static/embed.js" in embed.text
        assert "{{" not in embed.text  # the municipality and sources are filled in
        assert ancestors(embed.headers["content-security-policy"]) == "frame-ancestors 'self' https://www.example.nl"
        for path in ("/", "/kcc", "/static/widget.js", "/api/documents"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert ancestors(response.headers["content-security-policy"]) == "frame-ancestors 'self'", path
        # The API stays same-origin: no CORS headers for another site, and its preflight is not granted.
        answer = client.post("/api/answer", json={"question": "Wat kost dienstverlening?"},
                             headers={"Origin": "https://www.example.nl"})
        assert "access-control-allow-origin" not in answer.headers
        preflight = client.options("/api/chat", headers={"Origin": "https://www.example.nl",
                                                        "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers
