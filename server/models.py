"""Every domain's tables, imported so that SQLModel.metadata (and so Alembic) knows them all."""

from server.annotations.models import (
    Annotation,
    AnnotationAssignment,
    AnnotationScheme,
    AnnotationSchemeVersion,
    DocumentAnswer,
)
from server.answer_cache import AnswerVersion
from server.audit.models import AuditEntry, AuditHead
from server.auth.models import AccessToken, Device, RoleGrant, User
from server.committees.models import (
    Agreement,
    Committee,
    CommitteeEvent,
    CommitteeWork,
    Meeting,
    MeetingAttendance,
    Member,
    Training,
    TrainingAttendance,
)
from server.complaints.models import (
    Category,
    Complaint,
    ComplaintNote,
    ComplaintPhoto,
    ComplaintUpdate,
    DeadlineRule,
    FolioCounter,
    ResponseTemplate,
    Support,
)
from server.inspections.models import FormTemplate, FormVersion, Visit, VisitFinding, VisitPhoto
from server.limits import RateLimit
from server.media.models import Photo
from server.municipalities.models import Holiday, Municipality, Zone
from server.observatories.models import (
    Accreditation,
    Indicator,
    IndicatorObservation,
    Observatory,
    ObservatoryFinding,
    ObservatoryMember,
    ObservatoryWork,
)
from server.notebooks.models import (
    Notebook,
    NotebookReply,
    ReplyInvitation,
    Survey,
    SurveyResponse,
    SurveyVersion,
)
from server.open311.models import Submission
from server.rulings.models import (
    AuditProject,
    AuditTeamMember,
    Court,
    Judge,
    JudgeAssignment,
    RedactionFinding,
    Ruling,
    RulingJudge,
    RulingText,
)
from server.sync.models import Attachment, Change, Clock, Horizon, Mutation, Upload
from server.works.models import ProgressObservation, Work, WorkCard, WorkZone

__all__ = [
    "FormTemplate", "FormVersion", "Visit", "VisitFinding", "VisitPhoto",
    "Agreement", "Committee", "CommitteeEvent", "CommitteeWork", "Meeting", "MeetingAttendance", "Member",
    "Training", "TrainingAttendance",
    "AccessToken", "AnswerVersion", "AuditEntry", "AuditHead", "Category", "Complaint", "ComplaintNote",
    "ComplaintPhoto", "ComplaintUpdate", "DeadlineRule", "Device", "FolioCounter", "Holiday", "Municipality", "Photo",
    "ProgressObservation",
    "ResponseTemplate", "RoleGrant", "Submission", "Support", "User", "Work", "WorkCard", "WorkZone", "Zone",
    "Accreditation", "Indicator", "IndicatorObservation", "Observatory", "ObservatoryFinding", "ObservatoryMember",
    "ObservatoryWork",
    "Attachment", "Change", "Clock", "Horizon", "Mutation", "Upload",
    "RateLimit",
    "AuditProject", "AuditTeamMember", "Court", "Judge", "JudgeAssignment", "RedactionFinding", "Ruling",
    "RulingJudge", "RulingText",
    "Annotation", "AnnotationAssignment", "AnnotationScheme", "AnnotationSchemeVersion", "DocumentAnswer",
]
