"""The seed annotation scheme: the Constitutional Court of Peru's categories of defective reasoning in judicial
decisions, from its judgment in case 00728-2008-PHC/TC (Llamoja Hilares), fundamento 7, items a) to e), with the
document-level questions an audit of rulings asks.

The definitions follow the judgment's own words (an official text, free to reproduce); the examples are written
for Vigía and are not taken from any real case. `SLUG` names the scheme in every municipality that creates it from
the seed (POST /municipalities/{code}/annotation-schemes/seed).
"""

from __future__ import annotations

from typing import Any

SLUG = "tc-peru-00728-2008"
NAME = "Motivación defectuosa (TC del Perú, exp. 00728-2008-PHC/TC, fundamento 7)"
SOURCE = "https://www.tc.gob.pe/jurisprudencia/2008/00728-2008-HC.html"


# Items with a code are written dict(code=...): the message extractor (server/i18n/extract.py) takes the "code" of a
# dict literal for an error detail's message code, and these codes are not messages.


def _t(es: str, en: str) -> dict[str, str]:
    return {"es": es, "en": en}


DECISIVE = dict(code="decisive", kind="boolean",
            name=_t("¿Es determinante para el fallo?", "Is it decisive for the outcome?"))

LABELS: list[dict[str, Any]] = [
    dict(
        code="apparent_reasoning",
        color="#d62728",
        name=_t("Inexistencia de motivación o motivación aparente", "Non-existent or apparent reasoning"),
        definition=_t(
            "La resolución no da cuenta de las razones mínimas que sustentan la decisión, no responde a las "
            "alegaciones de las partes, o solo intenta dar un cumplimiento formal al mandato de motivar, "
            "amparándose en frases sin ningún sustento fáctico o jurídico (fundamento 7, literal a).",
            "The decision does not state the minimum reasons that support it, does not answer the parties' "
            "arguments, or only formally complies with the duty to give reasons through phrases with no factual "
            "or legal support (ground 7, item a)."),
        examples=[
            _t("«Estando a lo actuado y de conformidad con la ley, se declara infundada la demanda.»",
               "\"In view of the proceedings and in accordance with the law, the claim is dismissed.\""),
            _t("«Los medios probatorios no generan convicción», sin decir cuáles ni por qué.",
               "\"The evidence is not convincing\", without saying which evidence or why."),
        ],
        attributes=[DECISIVE],
    ),
    dict(
        code="internal_reasoning",
        color="#ff7f0e",
        name=_t("Falta de motivación interna del razonamiento", "Lack of internal reasoning"),
        definition=_t(
            "La conclusión no se infiere válidamente de las premisas que el propio juez estableció (invalidez de "
            "la inferencia), o el razonamiento es un discurso confuso, incapaz de transmitir de modo coherente "
            "las razones de la decisión (incoherencia narrativa) (fundamento 7, literal b).",
            "The conclusion does not follow validly from the premises the judge set out (invalid inference), or "
            "the reasoning is a confused discourse unable to convey coherently the reasons for the decision "
            "(narrative incoherence) (ground 7, item b)."),
        examples=[
            _t("Se da por probado que el demandado pagó la deuda y, sin embargo, se le condena a pagarla.",
               "The court finds that the defendant paid the debt and yet orders them to pay it."),
        ],
        attributes=[
            dict(code="dimension", kind="choice",
             name=_t("Dimensión", "Dimension"),
             options=[dict(code="invalid_inference", name=_t("Invalidez de la inferencia", "Invalid inference")),
                         dict(code="narrative_incoherence",
                          name=_t("Incoherencia narrativa", "Narrative incoherence"))]),
            DECISIVE,
        ],
    ),
    dict(
        code="external_justification",
        color="#9467bd",
        name=_t("Deficiencias en la motivación externa (justificación de las premisas)",
                   "Defects of external justification (of the premises)"),
        definition=_t(
            "Las premisas de las que parte el juez no han sido confrontadas o analizadas respecto de su validez "
            "fáctica o jurídica: se asume como cierto un hecho no probado o se aplica una norma sin justificar "
            "que es la aplicable (fundamento 7, literal c).",
            "The premises the judge starts from have not been tested or analysed for their factual or legal "
            "validity: an unproven fact is taken as true, or a rule is applied without justifying that it is the "
            "applicable one (ground 7, item c)."),
        examples=[
            _t("Se afirma que el trabajador abandonó su puesto sin valorar la constancia médica que presentó.",
               "The worker is said to have abandoned their post without weighing the medical certificate they "
               "filed."),
        ],
        attributes=[
            dict(code="premise", kind="choice", name=_t("Premisa afectada", "Premise affected"),
             options=[dict(code="factual", name=_t("Fáctica", "Factual")),
                         dict(code="legal", name=_t("Jurídica", "Legal"))]),
            DECISIVE,
        ],
    ),
    dict(
        code="insufficient_reasoning",
        color="#1f77b4",
        name=_t("Motivación insuficiente", "Insufficient reasoning"),
        definition=_t(
            "Falta el mínimo de motivación exigible atendiendo a las razones de hecho o de derecho indispensables "
            "para asumir que la decisión está debidamente motivada; relevante cuando la ausencia de argumentos "
            "resulta manifiesta a la luz de lo que en sustancia se decide (fundamento 7, literal d).",
            "The minimum reasoning required is missing, given the factual or legal reasons indispensable to hold "
            "that the decision is properly reasoned; relevant when the lack of arguments is manifest in the light "
            "of what is in substance decided (ground 7, item d)."),
        examples=[
            _t("Se fija la pensión de alimentos en un monto sin referirse a las necesidades del menor ni a las "
               "posibilidades del obligado.",
               "Child support is set at an amount without referring to the child's needs or the payer's means."),
        ],
        attributes=[DECISIVE],
    ),
    dict(
        code="incongruent_reasoning",
        color="#2ca02c",
        name=_t("Motivación sustancialmente incongruente", "Substantially incongruent reasoning"),
        definition=_t(
            "La decisión no resuelve las pretensiones de las partes en los términos en que fueron planteadas: "
            "modifica o altera el debate procesal (incongruencia activa) o deja pretensiones sin contestar "
            "(incongruencia omisiva) (fundamento 7, literal e).",
            "The decision does not resolve the parties' claims as they were put: it changes or alters the "
            "subject of the proceedings (active incongruence) or leaves claims unanswered (omissive "
            "incongruence) (ground 7, item e)."),
        examples=[
            _t("La demanda pide la reposición y la sentencia solo se pronuncia sobre la indemnización.",
               "The claim asks for reinstatement and the judgment rules only on compensation."),
        ],
        attributes=[
            dict(code="incongruence", kind="choice", name=_t("Tipo de incongruencia", "Kind of incongruence"),
             options=[dict(code="active", name=_t("Activa", "Active")),
                         dict(code="omissive", name=_t("Omisiva", "Omissive"))]),
            DECISIVE,
        ],
    ),
]

# The rulings outcome codelist (server/rulings/codelists.py, Outcome) with its Spanish words.
OUTCOMES = [
    ("upheld", "Fundada", "Upheld"), ("partially_upheld", "Fundada en parte", "Partially upheld"),
    ("not_upheld", "Infundada", "Not upheld"), ("inadmissible", "Improcedente", "Inadmissible"),
    ("annulled", "Nula", "Annulled"), ("conviction", "Condenatoria", "Conviction"),
    ("acquittal", "Absolutoria", "Acquittal"), ("dismissed", "Sobreseimiento", "Dismissed"),
    ("other", "Otro", "Other"),
]

QUESTIONS: list[dict[str, Any]] = [
    dict(code="outcome", kind="choice", required=True,
     text=_t("¿Cuál es el sentido del fallo?", "What is the outcome of the ruling?"),
     options=[dict(code=code, name=_t(es, en)) for code, es, en in OUTCOMES]),
    dict(code="time_to_ruling_reasonable", kind="boolean", required=True,
     text=_t("¿El tiempo entre la presentación de la demanda y la resolución es razonable según los plazos "
                "legales? (compare las fechas del expediente)",
                "Is the time between filing and the ruling reasonable under the legal deadlines? (compare the "
                "case's dates)")),
    dict(code="cited_precedents", kind="list",
     text=_t("Precedentes y jurisprudencia que cita la resolución (uno por elemento, p. ej. «STC 00728-2008-PHC/TC»)",
                "Precedents and case law the ruling cites (one per item, e.g. \"STC 00728-2008-PHC/TC\")")),
    dict(code="departs_from_own_precedent", kind="choice", required=True,
     text=_t("¿La resolución se aparta de decisiones anteriores del mismo juez en casos similares?",
                "Does the ruling depart from the same judge's earlier decisions in similar cases?"),
     options=[dict(code="yes", name=_t("Sí", "Yes")), dict(code="no", name=_t("No", "No")),
                 dict(code="not_applicable", name=_t("No aplica", "Not applicable"))]),
]


def definition() -> dict[str, Any]:
    """The seed scheme's first version, as stored (a fresh copy each call)."""
    import copy

    return copy.deepcopy({"labels": LABELS, "questions": QUESTIONS})
