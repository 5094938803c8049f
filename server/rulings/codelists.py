"""The codelists of the judicial-ruling audit: court levels and specialities, judges' assignment roles, team roles,
ruling kinds, matters and outcomes, the states of rulings, texts and redaction findings, the categories of personal
data, the detectors, and the parties' procedural roles and kinds (never a name), each with its words in the
catalogues (server/locales). docs/rulings.md."""

from __future__ import annotations

from enum import Enum

from server import i18n
from server.i18n import N_


class CourtLevel(str, Enum):
    peace = "peace"
    first_instance = "first_instance"
    appeals = "appeals"
    supreme = "supreme"
    constitutional = "constitutional"


class Speciality(str, Enum):
    civil = "civil"
    family = "family"
    labour = "labour"
    criminal = "criminal"
    mixed = "mixed"
    constitutional = "constitutional"
    administrative = "administrative"
    commercial = "commercial"


class AssignmentRole(str, Enum):
    titular = "titular"
    provisional = "provisional"
    supernumerary = "supernumerary"


class TeamRole(str, Enum):
    auditor = "auditor"
    reviewer = "reviewer"
    coordinator = "coordinator"


class RulingKind(str, Enum):
    sentencia = "sentencia"
    auto = "auto"


class Matter(str, Enum):
    civil = "civil"
    family = "family"
    labour = "labour"
    criminal = "criminal"
    constitutional = "constitutional"
    administrative = "administrative"
    commercial = "commercial"


class Outcome(str, Enum):
    upheld = "upheld"
    partially_upheld = "partially_upheld"
    not_upheld = "not_upheld"
    inadmissible = "inadmissible"
    annulled = "annulled"
    conviction = "conviction"
    acquittal = "acquittal"
    dismissed = "dismissed"
    other = "other"


class RulingState(str, Enum):
    imported = "imported"
    in_redaction = "in_redaction"
    published = "published"


class TextKind(str, Enum):
    original = "original"
    public = "public"


class TextSource(str, Enum):
    text = "text"
    pdf = "pdf"
    csv = "csv"
    jsonl = "jsonl"
    redaction = "redaction"  # a public version made from an original by replacing confirmed findings


class FindingState(str, Enum):
    pending = "pending"
    confirmed = "confirmed"
    dismissed = "dismissed"


class FindingCategory(str, Enum):
    dni = "dni"
    ruc = "ruc"
    curp = "curp"
    rfc = "rfc"
    ine_key = "ine_key"
    cedula_ec = "cedula_ec"
    cedula_co = "cedula_co"
    phone = "phone"
    email = "email"
    address = "address"
    case_number = "case_number"
    person_name = "person_name"
    other = "other"


class PartyRole(str, Enum):
    """A party's procedural role in Peru, Mexico, Ecuador and Colombia (never a name: docs/rulings.md)."""

    demandante = "demandante"
    demandado = "demandado"
    actor = "actor"
    promovente = "promovente"
    accionante = "accionante"
    accionado = "accionado"
    quejoso = "quejoso"
    autoridad_responsable = "autoridad_responsable"
    tercero_interesado = "tercero_interesado"
    imputado = "imputado"
    acusado = "acusado"
    procesado = "procesado"
    sentenciado = "sentenciado"
    agraviado = "agraviado"
    victima = "victima"
    denunciante = "denunciante"
    denunciado = "denunciado"
    querellante = "querellante"
    tercero_civil = "tercero_civil"
    ministerio_publico = "ministerio_publico"
    fiscalia = "fiscalia"
    procuraduria = "procuraduria"
    defensoria_publica = "defensoria_publica"
    apelante = "apelante"
    apelado = "apelado"
    recurrente = "recurrente"
    recurrido = "recurrido"
    beneficiario = "beneficiario"
    tercero = "tercero"


class PartyKind(str, Enum):
    person = "person"
    organisation = "organisation"
    state = "state"
    minor = "minor"


class Detector(str, Enum):
    pattern = "pattern"  # regular expressions (with check digits where the identifier has one)
    ner = "ner"  # spaCy es_core_news_sm named entities
    rules = "rules"  # the fallback for names without spaCy: context words and capitalised sequences
    person = "person"  # selected by a team member



WORDS = [  # the words of the codelists (server/locales), looked up by a name built at run time
    N_("court_level_peace"), N_("court_level_first_instance"), N_("court_level_appeals"), N_("court_level_supreme"),
    N_("court_level_constitutional"),
    N_("speciality_civil"), N_("speciality_family"), N_("speciality_labour"), N_("speciality_criminal"),
    N_("speciality_mixed"), N_("speciality_constitutional"), N_("speciality_administrative"),
    N_("speciality_commercial"),
    N_("assignment_role_titular"), N_("assignment_role_provisional"), N_("assignment_role_supernumerary"),
    N_("team_role_auditor"), N_("team_role_reviewer"), N_("team_role_coordinator"),
    N_("ruling_kind_sentencia"), N_("ruling_kind_auto"),
    N_("matter_civil"), N_("matter_family"), N_("matter_labour"), N_("matter_criminal"), N_("matter_constitutional"),
    N_("matter_administrative"), N_("matter_commercial"),
    N_("outcome_upheld"), N_("outcome_partially_upheld"), N_("outcome_not_upheld"), N_("outcome_inadmissible"),
    N_("outcome_annulled"), N_("outcome_conviction"), N_("outcome_acquittal"), N_("outcome_dismissed"),
    N_("outcome_other"),
    N_("ruling_state_imported"), N_("ruling_state_in_redaction"), N_("ruling_state_published"),
    N_("text_kind_original"), N_("text_kind_public"),
    N_("finding_state_pending"), N_("finding_state_confirmed"), N_("finding_state_dismissed"),
    N_("finding_category_dni"), N_("finding_category_ruc"), N_("finding_category_curp"), N_("finding_category_rfc"),
    N_("finding_category_ine_key"), N_("finding_category_cedula_ec"), N_("finding_category_cedula_co"),
    N_("finding_category_phone"), N_("finding_category_email"), N_("finding_category_address"),
    N_("finding_category_case_number"), N_("finding_category_person_name"), N_("finding_category_other"),
    N_("party_kind_person"), N_("party_kind_organisation"), N_("party_kind_state"), N_("party_kind_minor"),
    N_("party_role_demandante"), N_("party_role_demandado"), N_("party_role_actor"), N_("party_role_promovente"),
    N_("party_role_accionante"), N_("party_role_accionado"), N_("party_role_quejoso"),
    N_("party_role_autoridad_responsable"), N_("party_role_tercero_interesado"), N_("party_role_imputado"),
    N_("party_role_acusado"), N_("party_role_procesado"), N_("party_role_sentenciado"), N_("party_role_agraviado"),
    N_("party_role_victima"), N_("party_role_denunciante"), N_("party_role_denunciado"),
    N_("party_role_querellante"), N_("party_role_tercero_civil"), N_("party_role_ministerio_publico"),
    N_("party_role_fiscalia"), N_("party_role_procuraduria"), N_("party_role_defensoria_publica"),
    N_("party_role_apelante"), N_("party_role_apelado"), N_("party_role_recurrente"), N_("party_role_recurrido"),
    N_("party_role_beneficiario"), N_("party_role_tercero"),
]

i18n.register_words(CourtLevel, "court_level_")
i18n.register_words(Speciality, "speciality_")
i18n.register_words(AssignmentRole, "assignment_role_")
i18n.register_words(TeamRole, "team_role_")
i18n.register_words(RulingKind, "ruling_kind_")
i18n.register_words(Matter, "matter_")
i18n.register_words(Outcome, "outcome_")
i18n.register_words(RulingState, "ruling_state_")
i18n.register_words(TextKind, "text_kind_")
i18n.register_words(FindingState, "finding_state_")
i18n.register_words(FindingCategory, "finding_category_")
i18n.register_words(PartyKind, "party_kind_")
# The feminine forms are taken too ("demandada"); "Ministerio Público" and "víctima" are their words already.
i18n.register_words(PartyRole, "party_role_", aliases={
    "demandada": "demandado", "accionada": "accionado", "quejosa": "quejoso", "imputada": "imputado",
    "acusada": "acusado", "procesada": "procesado", "sentenciada": "sentenciado", "agraviada": "agraviado",
    "denunciada": "denunciado", "apelada": "apelado", "recurrida": "recurrido", "beneficiaria": "beneficiario",
    "fiscal": "fiscalia"})
