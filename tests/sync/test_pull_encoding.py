"""A pull page's JSON is made from each item's JSON, serialised once while the page is filled (its size is what
`max_bytes` counts): the phone must receive exactly the page the model describes."""

from __future__ import annotations

import json

from server.auth import service as auth
from server.sync import pull as pulls


def test_the_page_sent_is_the_page_served(committed_database) -> None:
    with committed_database.session_scope() as session:
        actor = auth.authenticate(session, token=auth.issue_token(session, email="coordinacion@vigia.example",
                                                                  device_name="json"))
        page = pulls.pull(session, actor=actor, query=pulls.PullQuery(limit=50), language="es")
    assert len(page.items) == 50 and page.has_more
    sent = json.loads(page.to_json())
    assert sent == page.model_dump(mode="json")
    assert list(sent) == ["protocol", "ok", "removed_scopes", "has_more", "cursor", "reset", "items"]
    # What max_bytes counts is what goes on the wire: each item's bytes in the page as sent.
    assert len(page.to_json()) >= sum(len(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode())
                                      for item in sent["items"])
