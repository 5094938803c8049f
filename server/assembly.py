"""Vigía put together: what the domains register with each other and with the change log when a process starts.

The web app (server.app.create_app), the command line (server.cli.main, and so `vigia worker`) and the tests call
`assemble()` before they touch the database; it is idempotent. The core (server/db/, server/tracking.py) and the
change log (server/sync/capture.py) import no domain: this is the one module that names them all.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_assembled = False


def assemble() -> None:
    """Register every domain's pullable records with the change log, and the hooks domains lend each other."""
    global _assembled
    if _assembled:
        return
    with _lock:
        if _assembled:
            return
        from server import api
        from server.annotations import changes as annotation_changes
        from server.annotations import service as annotations
        from server.auth import anonymous, me
        from server.auth.actor import refuse_anonymous_device, require_user
        from server.auth.http import resolve_actor
        from server.committees import changes as committee_changes
        from server.committees import service as committees
        from server.complaints import changes as complaint_changes
        from server.complaints import moderation
        from server.complaints import service as complaints
        from server.inspections import changes as inspection_changes
        from server.media import owners
        from server.municipalities import service as municipalities
        from server.notebooks import changes as notebook_changes
        from server.observatories import service as observatories
        from server.rulings import publishing
        from server.sync import capture
        from server.works import changes as work_changes
        from server.works import service as works

        api.on_caller(api.Caller(resolve=resolve_actor, require=require_user,  # who calls each endpoint
                                 refuse_anonymous_device=refuse_anonymous_device))
        capture.register(*work_changes.PULLABLE, *inspection_changes.PULLABLE, *committee_changes.PULLABLE,
                         *complaint_changes.PULLABLE, *notebook_changes.PULLABLE, *annotation_changes.PULLABLE)
        municipalities.on_zones_changed(works.zones_changed)  # zone imports re-link works, refresh their cards
        me.on_memberships("committees", committees.memberships_of)  # /auth/me lists them
        me.on_memberships("observatories", observatories.memberships_of)
        owners.on_decided_elsewhere(moderation.photo_complaints)  # a complaint's photo is moderated with it
        anonymous.on_forget(complaints.forget_reporters)  # a pruned anonymous phone's complaints stay, unlinked
        publishing.on_public_version(annotations.reanchor_on_public_version)  # annotations follow a new public text
        _assembled = True
