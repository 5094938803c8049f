"""The auditors' workspace in the field app (docs/pwa.md "The auditors' workspace")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.audit.conftest import open_workspace, select_text

pytestmark = pytest.mark.timeout(240)


def test_smoke(auditor_phone, fresh_assignment):
    page = auditor_phone.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    open_workspace(page)
    expect(page.get_by_role("heading", name="Mis asignaciones")).to_be_visible()
    page.screenshot(path="/tmp/field-list.png", full_page=True)
    page.get_by_role("link", name=fresh_assignment.case_number).first.click()
    expect(page.get_by_role("region", name="Texto de la resolución")).to_be_visible()
    page.screenshot(path="/tmp/field-annotate.png")
    print(messages)
