"""The default questionnaires: the access and fairness items of the National Center for State Courts' CourTools
Measure 1 ("Access and Fairness", 2005) for court users, in Spanish first, and a short questionnaire for judges on
the conditions of their work. Each item is answered on a five-point scale (1 totalmente en desacuerdo …
5 totalmente de acuerdo), or left as "no aplica"."""

from __future__ import annotations

from typing import Any


def _item(code: str, section: str, es: str, en: str) -> dict[str, Any]:
    return {"code": code, "section": section, "kind": "likert5", "required": False, "options": [],
            "text": {"es": es, "en": en}}


def _option(code: str, es: str, en: str) -> dict[str, Any]:
    return {"code": code, "text": {"es": es, "en": en}}


COURT_USERS: list[dict[str, Any]] = [
    {**_item("role", "other", "¿Qué lo trajo hoy al juzgado?", "What brought you to the court today?"),
     "kind": "choice",
     "options": [_option(*option) for option in (
         ("party", "Soy parte en un proceso", "I am a party to a case"),
         ("lawyer", "Soy abogado o abogada", "I am a lawyer"),
         ("witness", "Soy testigo", "I am a witness"),
         ("family", "Acompaño a un familiar", "I am with a relative"),
         ("other", "Otro motivo", "Something else"))]},
    _item("finding_court", "access", "Encontrar el juzgado fue fácil.", "Finding the courthouse was easy."),
    _item("forms_clear", "access", "Los formularios que necesité eran claros y fáciles de entender.",
          "The forms I needed were clear and easy to understand."),
    _item("felt_safe", "access", "Me sentí seguro o segura en el juzgado.", "I felt safe in the courthouse."),
    _item("barriers", "access", "El juzgado se esfuerza por eliminar barreras físicas y de idioma.",
          "The court makes reasonable efforts to remove physical and language barriers to service."),
    _item("reasonable_time", "access", "Pude hacer mi trámite en un tiempo razonable.",
          "I was able to get my court business done in a reasonable amount of time."),
    _item("staff_attention", "access", "El personal del juzgado atendió mis necesidades.",
          "Court staff paid attention to my needs."),
    _item("courtesy", "access", "Me trataron con cortesía y respeto.", "I was treated with courtesy and respect."),
    _item("found_office", "access", "Encontré fácilmente la sala u oficina que necesitaba.",
          "I easily found the courtroom or office I needed."),
    _item("website", "access", "La página web del juzgado me fue útil.", "The court's web site was useful."),
    _item("hours", "access", "El horario de atención me facilitó hacer mi trámite.",
          "The court's hours of operation made it easy for me to do my business."),
    _item("fair_handling", "fairness", "La forma en que se trató mi caso fue justa.",
          "The way my case was handled was fair."),
    _item("judge_listened", "fairness", "El juez o la jueza escuchó mi versión antes de decidir.",
          "The judge listened to my side of the story before he or she made a decision."),
    _item("judge_informed", "fairness",
          "El juez o la jueza tenía la información necesaria para decidir bien sobre mi caso.",
          "The judge had the information necessary to make good decisions about my case."),
    _item("equal_treatment", "fairness", "Me trataron igual que a todos los demás.",
          "I was treated the same as everyone else."),
    _item("know_next", "fairness", "Al salir del juzgado, sé qué debo hacer a continuación en mi caso.",
          "As I leave the court, I know what to do next about my case."),
]

JUDGES: list[dict[str, Any]] = [
    _item("workload", "access", "La carga de expedientes me permite estudiar cada caso con el cuidado debido.",
          "My caseload lets me study each case with due care."),
    _item("staff_support", "access", "Cuento con personal suficiente y capacitado.",
          "I have enough trained staff."),
    _item("resources", "access", "Tengo los medios materiales (sistemas, salas, bibliografía) que necesito.",
          "I have the material means (systems, rooms, library) I need."),
    _item("precedent_access", "access", "Puedo consultar con facilidad los precedentes de mi propio juzgado.",
          "I can easily consult the precedents of my own court."),
    _item("independence", "fairness", "Decido mis casos sin presiones externas ni internas.",
          "I decide my cases without outside or inside pressure."),
    _item("hearing_time", "fairness", "Las audiencias me dejan escuchar a las partes lo necesario.",
          "Hearings let me hear the parties as much as needed."),
    _item("reasoning_training", "fairness", "He recibido formación útil sobre motivación de resoluciones.",
          "I have received useful training on the reasoning of rulings."),
]


def default_items(audience: str) -> list[dict[str, Any]]:
    return [dict(item) for item in (COURT_USERS if audience == "court_users" else JUDGES)]
