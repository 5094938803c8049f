"""Every domain's tables, imported so that SQLModel.metadata (and so Alembic) knows them all."""

from server.audit.models import AuditEntry, AuditHead
from server.auth.models import AccessToken, Device, RoleGrant, User
from server.complaints.models import (
    Category,
    Complaint,
    ComplaintNote,
    ComplaintPhoto,
    ComplaintUpdate,
    DeadlineRule,
    ResponseTemplate,
    Support,
)
from server.media.models import Photo
from server.municipalities.models import Holiday, Municipality, Zone
from server.open311.models import Submission
from server.works.models import ProgressObservation, Work, WorkZone

__all__ = [
    "AccessToken", "AuditEntry", "AuditHead", "Category", "Complaint", "ComplaintNote", "ComplaintPhoto",
    "ComplaintUpdate", "DeadlineRule", "Device", "Holiday", "Municipality", "Photo", "ProgressObservation",
    "ResponseTemplate", "RoleGrant", "Submission", "Support", "User", "Work", "WorkZone", "Zone",
]
