"""Every domain's tables, imported so that SQLModel.metadata (and so Alembic) knows them all."""

from server.auth.models import AccessToken, Device, RoleGrant, User
from server.municipalities.models import Holiday, Municipality, Zone
from server.works.models import ProgressObservation, Work, WorkZone

__all__ = ["AccessToken", "Device", "Holiday", "Municipality", "ProgressObservation", "RoleGrant", "User", "Work",
           "WorkZone", "Zone"]
