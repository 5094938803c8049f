"""Writes server/demo/rulings.json: the demo of the judicial-ruling audit domain for Victoria de Durango (10005).

    python tools/make_demo_rulings.py        # same seed, same bytes

One judicial district, four courts, six judges (one moves court in June 2025), the 2025 audit project with its team,
34 synthetic rulings (sentencias and autos of civil, family, labour and criminal matters) with full Spanish texts,
each text's personal data marked {start, end, category} for redaction, the two demo auditors' annotations (by quote)
and document answers, and the reviewer's adjudication. Nothing here belongs to a real person or case: names, IDs,
phones, addresses and case numbers are drawn from tools/synthetic_ids.py; e-mails use reserved domains.

How the annotations come about: each ruling is written with a few passages of defective reasoning (the five
categories of the Constitutional Court of Peru, exp. 00728-2008-PHC/TC, fundamento 7) chosen at a rate that depends
on the judge; the reviewer's gold is exactly those passages; each auditor finds most of them, sometimes with another
label or a shorter quote, and now and then marks a sound passage, which gives the 75–85 % agreement of a real team.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_ids as ids  # noqa: E402

SEED = 20250614
OUT = Path(__file__).resolve().parent.parent / "server" / "demo" / "rulings.json"
AUDITOR_A, AUDITOR_B, REVIEWER, COORDINATOR = ("auditor@vigia.example", "auditora2@vigia.example",
                                               "revision@vigia.example", "admin@vigia.example")
LABELS = ("apparent_reasoning", "internal_reasoning", "external_justification", "insufficient_reasoning",
          "incongruent_reasoning")
CONFUSED = {"apparent_reasoning": "insufficient_reasoning", "insufficient_reasoning": "apparent_reasoning",
            "internal_reasoning": "external_justification", "external_justification": "internal_reasoning",
            "incongruent_reasoning": "insufficient_reasoning"}
MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre"]
UNITS = ["", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce",
         "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte", "veintiuno",
         "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho",
         "veintinueve", "treinta", "treinta y uno"]
ORDINALS = ["PRIMERO", "SEGUNDO", "TERCERO", "CUARTO", "QUINTO", "SEXTO", "SÉPTIMO", "OCTAVO", "NOVENO", "DÉCIMO",
            "UNDÉCIMO", "DUODÉCIMO"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

DISTRICT = "Distrito Judicial de Durango"
COURTS = [
    {"key": "civil-1", "name": "Juzgado Primero de lo Civil del Distrito Judicial de Durango",
     "jurisdiction": "Poder Judicial del Estado de Durango", "level": "first_instance", "speciality": "civil",
     "district": DISTRICT, "region": "Durango"},
    {"key": "familiar-2", "name": "Juzgado Segundo de lo Familiar del Distrito Judicial de Durango",
     "jurisdiction": "Poder Judicial del Estado de Durango", "level": "first_instance", "speciality": "family",
     "district": DISTRICT, "region": "Durango"},
    {"key": "laboral", "name": "Tribunal Laboral del Distrito Judicial de Durango",
     "jurisdiction": "Poder Judicial del Estado de Durango", "level": "first_instance", "speciality": "labour",
     "district": DISTRICT, "region": "Durango"},
    {"key": "enjuiciamiento", "name": "Tribunal de Enjuiciamiento del Distrito Judicial de Durango",
     "jurisdiction": "Poder Judicial del Estado de Durango", "level": "first_instance", "speciality": "criminal",
     "district": DISTRICT, "region": "Durango"},
]
# Synthetic judges: public professional data only (title, registry number of their professional licence).
JUDGES = [
    {"key": "bracamontes", "full_name": "Leonor Bracamontes Ayala", "sex": "F",
     "title": "Jueza Primero de lo Civil", "registry_number": "CP-4417203",
     "assignments": [{"court": "civil-1", "role": "titular", "starts_on": "2021-02-01", "ends_on": None}]},
    {"key": "najera", "full_name": "Guillermo Nájera Lozoya", "sex": "M",
     "title": "Juez supernumerario en materia civil", "registry_number": "CP-5530918",
     "assignments": [{"court": "civil-1", "role": "supernumerary", "starts_on": "2025-03-03",
                      "ends_on": "2025-04-30"}]},
    {"key": "villalobos", "full_name": "Ernesto Villalobos Treviño", "sex": "M",
     "title": "Juez Segundo de lo Familiar", "registry_number": "CP-3982251",
     "assignments": [{"court": "familiar-2", "role": "titular", "starts_on": "2019-09-16", "ends_on": None}]},
    {"key": "cisneros", "full_name": "Rodolfo Cisneros Madrigal", "sex": "M",
     "title": "Juez del Tribunal de Enjuiciamiento", "registry_number": "CP-6120457",
     "assignments": [{"court": "laboral", "role": "titular", "starts_on": "2022-10-03", "ends_on": "2025-05-31"},
                     {"court": "enjuiciamiento", "role": "provisional", "starts_on": "2025-06-01", "ends_on": None}]},
    {"key": "escarzaga", "full_name": "Miriam Escárzaga Pulido", "sex": "F",
     "title": "Jueza del Tribunal Laboral", "registry_number": "CP-7004316",
     "assignments": [{"court": "laboral", "role": "titular", "starts_on": "2025-06-01", "ends_on": None}]},
    {"key": "fuentes", "full_name": "Alma Delia Fuentes Carrillo", "sex": "F",
     "title": "Jueza del Tribunal de Enjuiciamiento", "registry_number": "CP-4871190",
     "assignments": [{"court": "enjuiciamiento", "role": "titular", "starts_on": "2020-01-06", "ends_on": None}]},
]
JUDGE = {j["key"]: j for j in JUDGES}
COURT = {c["key"]: c for c in COURTS}

# (judge, court, matter, kind, ruled between) — 34 rulings; Bracamontes has 12 (a notebook above the minimum of 10),
# Villalobos 8 (withheld), Cisneros 3 labour rulings before his move and 2 criminal ones after.
PLAN = ([("bracamontes", "civil-1", "civil", "sentencia")] * 10 + [("bracamontes", "civil-1", "civil", "auto")] * 2
        + [("najera", "civil-1", "civil", "sentencia")] * 2
        + [("villalobos", "familiar-2", "family", "sentencia")] * 6 + [("villalobos", "familiar-2", "family", "auto")] * 2
        + [("cisneros", "laboral", "labour", "sentencia")] * 3
        + [("escarzaga", "laboral", "labour", "sentencia")] * 2 + [("escarzaga", "laboral", "labour", "auto")]
        + [("cisneros", "enjuiciamiento", "criminal", "sentencia")] * 2
        + [("fuentes", "enjuiciamiento", "criminal", "sentencia")] * 3 + [("fuentes", "enjuiciamiento", "criminal", "auto")])
# Imported at the end of the year and still in redaction: (judge, court, matter, kind, ruled on).
IN_REDACTION = [("escarzaga", "laboral", "labour", "sentencia", date(2025, 12, 2)),
                ("fuentes", "enjuiciamiento", "criminal", "sentencia", date(2025, 12, 4))]
# Published and waiting for the team (the auditors' workspace, issue 18): "to_read" ones assigned to both student
# auditors, who have not opened them yet; a "published" one not assigned at all (the reviewer assigns it). Judges
# with no demo notebook, so the notebooks' figures stay as they are. (judge, court, matter, kind, ruled on, stage)
WAITING = [("cisneros", "enjuiciamiento", "criminal", "sentencia", date(2025, 11, 14), "to_read"),
           ("escarzaga", "laboral", "labour", "sentencia", date(2025, 11, 26), "to_read"),
           ("najera", "civil-1", "civil", "sentencia", date(2025, 4, 22), "published")]
# How often each judge's rulings carry a passage of each defect (the notebook shows these differences).
DEFECT_RATES = {
    "bracamontes": {"apparent_reasoning": 0.25, "internal_reasoning": 0.1, "external_justification": 0.15,
                    "insufficient_reasoning": 0.45, "incongruent_reasoning": 0.1},
    "najera": {"apparent_reasoning": 0.5, "internal_reasoning": 0.2, "external_justification": 0.2,
               "insufficient_reasoning": 0.5, "incongruent_reasoning": 0.2},
    "villalobos": {"apparent_reasoning": 0.1, "internal_reasoning": 0.15, "external_justification": 0.35,
                   "insufficient_reasoning": 0.25, "incongruent_reasoning": 0.15},
    "cisneros": {"apparent_reasoning": 0.3, "internal_reasoning": 0.3, "external_justification": 0.2,
                 "insufficient_reasoning": 0.3, "incongruent_reasoning": 0.1},
    "escarzaga": {"apparent_reasoning": 0.1, "internal_reasoning": 0.1, "external_justification": 0.1,
                  "insufficient_reasoning": 0.2, "incongruent_reasoning": 0.1},
    "fuentes": {"apparent_reasoning": 0.15, "internal_reasoning": 0.2, "external_justification": 0.25,
                "insufficient_reasoning": 0.3, "incongruent_reasoning": 0.05},
}

# Published case law the rulings cite (public; the document question "cited_precedents" lists them).
PRECEDENTS = {
    "civil": ["jurisprudencia 1a./J. 44/2014 (10a.)", "tesis 1a. CCCXXVII/2014 (10a.)",
              "jurisprudencia 2a./J. 58/2010", "jurisprudencia I.3o.C. J/60 (9a.)"],
    "family": ["jurisprudencia 1a./J. 191/2005", "tesis 1a. CCCLXXXIX/2014 (10a.)", "jurisprudencia 1a./J. 44/2014 (10a.)",
               "jurisprudencia 1a./J. 12/2017 (10a.)"],
    "labour": ["jurisprudencia 2a./J. 9/2011", "jurisprudencia 2a./J. 27/2021 (11a.)", "jurisprudencia 4a./J. 20/94"],
    "criminal": ["jurisprudencia 1a./J. 35/2017 (10a.)", "tesis 1a. CCXXXVIII/2013 (10a.)",
                 "jurisprudencia 1a./J. 2/2017 (10a.)"],
}


def P(category: str, value: str) -> str:
    return f"\x01{category}\x02{value}\x03"


MARK = re.compile(r"\x01([a-z_]+)\x02(.*?)\x03", re.S)


def parse(marked: str) -> tuple[str, list[dict]]:
    marked = re.sub(r"\.(\x03)\.", r".\1", marked)  # "…Dgo.." where an address ends a sentence
    text, spans, pos = "", [], 0
    for m in MARK.finditer(marked):
        text += marked[pos:m.start()]
        start = len(text)
        text += m.group(2)
        spans.append({"start": start, "end": len(text), "category": m.group(1)})
        pos = m.end()
    return text + marked[pos:], spans


def in_words(day: date) -> str:
    year = {2024: "dos mil veinticuatro", 2025: "dos mil veinticinco"}[day.year]
    return f"{UNITS[day.day]} de {MONTHS[day.month - 1]} de {year}"


def short_date(day: date) -> str:
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def money(rng: random.Random, low: int, high: int) -> str:
    value = rng.randint(low // 100, high // 100) * 100
    return f"${value:,.2f}"


class Party:
    """A synthetic person in the case, with the personal data a ruling would mention about them."""

    def __init__(self, rng: random.Random, sex: str | None = None, foreign: bool = False):
        self.rng = rng
        self.person = ids.Person(rng, "PE" if foreign else "MX", sex)
        self.foreign = foreign
        self.address_value = ids.address(rng, "MX")

    @property
    def f(self) -> bool:
        return self.person.sex == "F"

    def o(self, masculine: str = "o", feminine: str = "a") -> str:
        """Agreement: p.o() -> o/a, p.o("el", "la")."""
        return feminine if self.f else masculine

    def name(self, upper: bool = False) -> str:
        return P("person_name", self.person.name.upper() if upper else self.person.name)

    def short(self) -> str:
        return P("person_name", self.person.short())

    def ident(self) -> str:
        rng, p = self.rng, self.person
        if self.foreign:
            return f"de nacionalidad peruana, identificad{'a' if self.f else 'o'} con D.N.I. N° {P('dni', ids.dni(rng))}"
        return rng.choice([
            f"quien se identificó con credencial para votar con clave de elector {P('ine_key', ids.ine_key(rng, p))}",
            f"con Clave Única de Registro de Población {P('curp', ids.curp(rng, p))}",
            f"con C.U.R.P. {P('curp', ids.curp(rng, p))} y R.F.C. {P('rfc', ids.rfc(rng, p))}",
            f"con registro federal de contribuyentes {P('rfc', ids.rfc(rng, p))}",
            f"identificad{'a' if self.f else 'o'} con credencial del INE, clave de elector "
            f"{P('ine_key', ids.ine_key(rng, p))}"])

    def address(self) -> str:
        return P("address", self.address_value)

    def phone(self) -> str:
        return P("phone", ids.phone(self.rng, "MX"))

    def email(self) -> str:
        return P("email", ids.email(self.rng, self.person))


USED_CASE_NUMBERS: set[str] = set()


def fresh_case_number(rng: random.Random, low: int, high: int, years: list[int]) -> str:
    """An expediente number "number/year" not used by another demo ruling."""
    while True:
        value = f"{rng.randint(low, high)}/{rng.choice(years)}"
        if value not in USED_CASE_NUMBERS:
            USED_CASE_NUMBERS.add(value)
            return value


def fit(text: str, case_type: str) -> str:
    """A pooled passage tagged "type|text" fits only a case of that type; untagged ones fit every case."""
    tag, sep, rest = text.partition("|")
    return (rest if tag == case_type else "") if sep else text


class Ruling:
    """Assembles one ruling: paragraphs (marked personal data), defect passages, sound passages, metadata."""

    def __init__(self, rng: random.Random, number: int, judge: str, court: str, matter: str, kind: str,
                 ruled_on: date):
        self.rng, self.judge, self.court, self.matter, self.kind = rng, JUDGE[judge], COURT[court], matter, kind
        self.ruled_on = ruled_on
        self.paragraphs: list[str] = []
        self.defects: list[tuple[str, str]] = []  # (label, sentence)
        self.sound: list[str] = []  # sentences without personal data an auditor may mark by mistake
        self.precedents: list[str] = []
        self.case_number = ""
        self.outcome = "other"
        self.parties: list[dict] = []
        self.number = number
        self.case_type = ""
        # in_redaction: just imported; annotating: the second auditor has not finished; to_read: assigned, not
        # opened; published: not assigned
        self.stage = "adjudicated"
        self.target = rng.randint(620, 950) if kind == "auto" else rng.choice([rng.randint(700, 1150),
                                                                              rng.randint(1000, 1600)])

    def add(self, text: str, sound: bool = False) -> None:
        self.paragraphs.append(text)
        if sound:
            self.sound.extend(s for s in re.split(r"(?<=[.;])\s+", text) if len(s) > 60 and "\x01" not in s)

    def defect(self, label: str, options: list[str]) -> None:
        options = [fit(o, self.case_type) for o in options if fit(o, self.case_type)]
        if not options:
            return
        sentence = self.rng.choice(options)
        self.defects.append((label, sentence))
        self.paragraphs.append(sentence)

    def cite(self, matter: str) -> str:
        precedent = self.rng.choice([p for p in PRECEDENTS[matter] if p not in self.precedents] or PRECEDENTS[matter])
        if precedent not in self.precedents:
            self.precedents.append(precedent)
        return precedent

    def other_case(self) -> str:
        return P("case_number", ids.case_number(self.rng, "MX"))

    def signature(self) -> str:
        j = self.judge
        who = "la Licenciada" if j["sex"] == "F" else "el Licenciado"
        clerk = self.rng.choice(["la Secretaria de Acuerdos", "el Secretario de Acuerdos", "la Secretaria Proyectista"])
        return self.rng.choice([
            f"NOTIFÍQUESE PERSONALMENTE Y CÚMPLASE. Así, definitivamente juzgando, lo resolvió y firma {who} "
            f"{j['full_name']}, {j['title']} del {DISTRICT}, ante {clerk} que autoriza y da fe.",
            f"Notifíquese. Lo resolvió y firma {who} {j['full_name']}, {j['title']}, quien actúa con {clerk}, "
            f"con quien da fe. Doy fe.",
            f"Así lo sentenció y firma {who} {j['full_name']}, {j['title']}. Firmado electrónicamente "
            f"conforme al Acuerdo General del Pleno del Tribunal Superior de Justicia del Estado."])


# -- pools of passages with defects, per matter ---------------------------------------------------------------------

def defect_pool(matter: str, label: str) -> list[str]:
    who = {"civil": ("la parte actora", "la parte demandada"), "family": ("la promovente", "el demandado"),
           "labour": ("el trabajador actor", "la parte demandada"), "criminal": ("el Ministerio Público", "la defensa")}
    actor, defendant = who[matter]
    pools = {
        "apparent_reasoning": [
            f"Del análisis de las constancias que integran el sumario se advierte que se encuentran satisfechos los "
            f"elementos de la acción, por lo que resulta procedente declararla fundada.",
            f"Valoradas en su conjunto las pruebas ofrecidas, este órgano jurisdiccional estima que {defendant} no "
            f"acreditó los extremos de sus excepciones, por lo que las mismas deben desestimarse.",
            f"Resulta evidente que le asiste la razón a {actor}, pues así se desprende de las pruebas que obran en "
            f"el expediente y que han quedado debidamente relacionadas.",
            f"Atendiendo a las constancias de autos y a las reglas de la lógica y la experiencia, se tiene por "
            f"demostrado el hecho controvertido sin que existan elementos que lo desvirtúen.",
        ],
        "internal_reasoning": {
            "civil": [
                "pago|Si bien quedó acreditado que la parte demandada realizó tres abonos que en conjunto cubren la "
                "suerte principal, ello no es obstáculo para condenarla al pago total de la cantidad reclamada.",
                "arrendamiento|No obstante que la arrendataria exhibió los recibos de los meses reclamados, se tiene por probado "
                "el adeudo de rentas y, por ende, procede la rescisión del contrato.",
            ],
            "family": [
                "Aun cuando el estudio socioeconómico revela que el deudor alimentario carece de empleo formal, se "
                "fija la pensión con base en un ingreso que el propio estudio no acredita.",
                "custodia|Si bien la trabajadora social concluyó que ambos progenitores cuentan con condiciones adecuadas, "
                "de ello se sigue que la custodia debe confiarse exclusivamente al padre.",
            ],
            "labour": [
                "Toda vez que el trabajador no acreditó la existencia del despido que alega, se condena a la "
                "demandada al pago de la indemnización constitucional de tres meses de salario.",
                "Aun cuando la patronal acreditó el pago de las vacaciones del último año, se le condena a cubrirlas "
                "nuevamente por no haber exhibido el recibo de la prima vacacional.",
            ],
            "criminal": [
                "Aun cuando la testigo reconoció en el contrainterrogatorio no haber estado presente el día de los "
                "hechos, su dicho merece pleno valor para tener por demostrada la participación del acusado.",
                "Si bien el perito médico reconoció que las lesiones pudieron producirse por una caída, su dictamen "
                "es suficiente para acreditar que fueron causadas por el acusado.",
            ],
        }[matter],
        "external_justification": {
            "civil": [
                "arrendamiento|Es un hecho notorio que los inmuebles de esa zona de la ciudad se rentan por una cantidad superior "
                "a la pactada, por lo que se toma como base el valor de mercado para cuantificar los daños.",
                "danos|Se tiene por cierto el valor del vehículo señalado en la demanda, pues es criterio de este juzgado "
                "que la estimación del propietario resulta la más cercana a la realidad.",
            ],
            "family": [
                "custodia|Es de explorado derecho que la madre es quien mejor puede atender a los hijos menores de doce años, "
                "por lo que la guarda y custodia debe otorgarse a ella sin mayor análisis.",
                "Es un hecho notorio que los comerciantes del mercado obtienen ingresos superiores a treinta mil "
                "pesos mensuales, cantidad que se toma como base para fijar la pensión alimenticia.",
            ],
            "labour": [
                "Se toma como salario diario el señalado en la demanda, pues es criterio reiterado de este tribunal "
                "que el trabajador conoce mejor que nadie el monto de su salario.",
                "Conforme a la costumbre del ramo, se presume que la jornada era de doce horas "
                "diarias, por lo que procede el pago de tiempo extraordinario.",
            ],
            "criminal": [
                "Es un hecho conocido que quienes cometen este tipo de delitos suelen permanecer en la colonia, por "
                "lo que la sola presencia del acusado en las inmediaciones acredita su participación.",
                "La declaración del agente aprehensor se presume veraz por provenir de un servidor público en "
                "ejercicio de sus funciones, por lo que no requiere ser corroborada.",
            ],
        }[matter],
        "insufficient_reasoning": [
            f"La objeción de documentos planteada por {defendant} resulta improcedente, sin que sea necesario "
            f"mayor análisis.",
            f"Las excepciones opuestas por {defendant} resultan infundadas, pues no desvirtúan la acción intentada.",
            f"El dictamen pericial ofrecido por {defendant} carece de eficacia probatoria y, en consecuencia, no se "
            f"le otorga valor alguno.",
            f"Los alegatos formulados por {defendant} no desvirtúan la conclusión alcanzada, por lo que se "
            f"desestiman en su totalidad.",
            "La prueba testimonial ofrecida no merece valor probatorio, pues no genera convicción en quien resuelve.",
        ],
        "incongruent_reasoning": {
            "civil": [
                "Se condena además a la parte demandada al pago de una indemnización por daño moral por la cantidad "
                "de $50,000.00 (cincuenta mil pesos 00/100 M.N.).",
                "Por lo que hace a la prestación de intereses moratorios reclamada en el inciso c) de la demanda, no "
                "se hace pronunciamiento alguno en la presente resolución.",
            ],
            "family": [
                "custodia|Por lo que hace al régimen de convivencias solicitado en la reconvención, este juzgado se abstiene "
                "de pronunciarse por no ser el momento procesal oportuno.",
                "Se fija además a cargo del demandado una pensión compensatoria a favor de la promovente por el "
                "equivalente a tres salarios mínimos mensuales, durante un año.",
            ],
            "labour": [
                "En cuanto a la prestación relativa al pago de horas extraordinarias, la misma se tiene por "
                "reservada para ser resuelta en ejecución de sentencia.",
                "Se condena además a la demandada a reinstalar al actor en su puesto, en los mismos términos y "
                "condiciones en que lo venía desempeñando.",
            ],
            "criminal": [
                "Se condena además al sentenciado al pago de la reparación del daño moral, cuya cuantificación se "
                "reserva para la etapa de ejecución.",
                "Por lo que hace a la calificativa de ventaja que sostuvo la acusación, este tribunal se abstiene de "
                "pronunciarse por estimarla innecesaria.",
            ],
        }[matter],
    }
    return pools[label]


# -- sound reasoning paragraphs, per matter ------------------------------------------------------------------------

GENERAL_SOUND = [
    "El artículo 14 de la Constitución Política de los Estados Unidos Mexicanos dispone que nadie podrá ser privado "
    "de sus derechos sino mediante juicio seguido ante los tribunales previamente establecidos, en el que se cumplan "
    "las formalidades esenciales del procedimiento. En la especie, las partes fueron emplazadas y oídas, ofrecieron "
    "pruebas, alegaron lo que a su derecho convino y tuvieron oportunidad de impugnar las determinaciones dictadas.",
    "El artículo 16 constitucional impone a toda autoridad el deber de fundar y motivar sus actos, esto es, de "
    "expresar con precisión el precepto legal aplicable al caso y las circunstancias especiales, razones "
    "particulares o causas inmediatas que se hayan tenido en consideración para su emisión, las cuales deben "
    "guardar adecuación con la norma invocada.",
    "Conviene precisar que la valoración de las pruebas se realiza de manera libre y lógica, atendiendo a las "
    "reglas de la sana crítica, y que esta autoridad expresa en cada caso los motivos por los que concede o niega "
    "eficacia a cada medio de convicción, a fin de que las partes conozcan las razones de la decisión.",
    "La carga de la prueba corresponde a quien afirma un hecho, no a quien lo niega, salvo que la negación envuelva "
    "la afirmación expresa de otro hecho; de ahí que corresponda a cada parte demostrar los hechos constitutivos de "
    "su acción o de sus excepciones, según el caso.",
    "No pasa inadvertido que las documentales privadas, por sí solas, solo generan un indicio, que puede adquirir "
    "mayor fuerza cuando se adminicula con otros elementos de prueba que apuntan en el mismo sentido y no se "
    "encuentran desvirtuados por prueba en contrario.",
]
MATTER_SOUND = {
    "civil": [
        "pago|El pagaré es un título de crédito que trae aparejada ejecución, en términos del artículo 170 de la Ley "
        "General de Títulos y Operaciones de Crédito, y contiene la promesa incondicional de pagar una suma "
        "determinada de dinero; su exhibición acredita, salvo prueba en contrario, la existencia de la obligación.",
        "arrendamiento|Para la procedencia de la acción de rescisión de un contrato de arrendamiento, el actor debe demostrar la "
        "existencia del contrato, el incumplimiento de la obligación que se atribuye al arrendatario y que dicho "
        "incumplimiento es de tal entidad que justifica dar por terminada la relación contractual.",
        "usucapion|La prescripción positiva requiere que la posesión sea en concepto de propietario, pacífica, continua y "
        "pública, por el tiempo que la ley señala; la causa generadora de la posesión debe acreditarse, pues de ella "
        "depende que la posesión sea apta para usucapir.",
        "danos|La responsabilidad civil objetiva derivada del uso de mecanismos peligrosos, como los vehículos de motor, no "
        "exige acreditar la culpa de quien los opera, pero sí el daño, el uso del mecanismo y el nexo causal entre "
        "uno y otro, de conformidad con el Código Civil del Estado.",
        "Las copias certificadas de actuaciones judiciales hacen prueba plena respecto de la existencia de los actos "
        "que en ellas se consignan, mas no de la verdad de las afirmaciones que las partes hayan vertido en dichos "
        "actos.",
    ],
    "family": [
        "En toda decisión que afecte a niñas, niños y adolescentes debe atenderse a su interés superior, principio "
        "que obliga a este juzgado a considerar su opinión conforme a su edad y madurez, sus vínculos afectivos, su "
        "estabilidad y las condiciones de cada progenitor para atender sus necesidades.",
        "Los alimentos comprenden la comida, el vestido, la habitación, la atención médica y, tratándose de menores, "
        "los gastos para su educación; se fijan de manera proporcional a la posibilidad de quien debe darlos y a la "
        "necesidad de quien debe recibirlos, conforme al Código Civil del Estado.",
        "La escucha de la persona menor de edad se realizó en un espacio adecuado, con la asistencia de la "
        "psicóloga adscrita, sin la presencia de sus progenitores, y su opinión se toma en cuenta sin que resulte "
        "vinculante para la decisión.",
        "divorcio|El divorcio sin expresión de causa puede solicitarse por cualquiera de los cónyuges sin necesidad de señalar "
        "la razón que lo motiva, bastando la manifestación de voluntad de no querer continuar con el matrimonio y la "
        "presentación de la propuesta de convenio.",
        "El estudio socioeconómico practicado por el área de trabajo social es una prueba técnica cuyo valor depende "
        "de la metodología empleada y de los datos verificados en la visita domiciliaria, los cuales se describen "
        "con detalle en el propio informe.",
    ],
    "labour": [
        "Conforme al artículo 784 de la Ley Federal del Trabajo, corresponde a la parte patronal acreditar la fecha "
        "de ingreso, la antigüedad, la duración de la jornada y el monto del salario cuando exista controversia "
        "sobre ellos, pues es quien tiene la obligación de conservar los documentos relativos.",
        "La relación de trabajo se presume entre quien presta un trabajo personal y quien lo recibe; esa presunción "
        "solo se destruye con prueba en contrario que acredite que la prestación del servicio obedeció a una causa "
        "distinta de la subordinación.",
        "El ofrecimiento de trabajo es de buena fe cuando se propone en las mismas o mejores condiciones que las que "
        "se venían desempeñando y no se contradice con la conducta procesal del patrón; su efecto es revertir la "
        "carga de la prueba del despido al trabajador.",
        "Las constancias de percepciones y los recibos de nómina timbrados ante el Servicio de Administración "
        "Tributaria hacen prueba del salario cuando no son objetados en su autenticidad de contenido y firma.",
    ],
    "criminal": [
        "El principio de presunción de inocencia, en su vertiente de estándar de prueba, exige que la condena se "
        "sustente en pruebas de cargo válidas, suficientes para derrotar la hipótesis de inocencia y las hipótesis "
        "alternativas planteadas por la defensa, más allá de toda duda razonable.",
        "Los datos y medios de prueba desahogados en la audiencia de juicio se valoran de manera libre y lógica, con "
        "estricto apego a los principios de inmediación y contradicción, sin que puedan tomarse en cuenta para el "
        "dictado de la sentencia los que no fueron incorporados en dicha audiencia.",
        "La cadena de custodia es el sistema de control y registro que se aplica al indicio desde su localización "
        "hasta que la autoridad ordena su conclusión; sus irregularidades no anulan por sí mismas el indicio, pero "
        "afectan su valor probatorio según su entidad.",
        "La declaración de la víctima en delitos cometidos sin presencia de testigos adquiere especial relevancia, "
        "siempre que sea coherente, persistente y se encuentre corroborada por datos periféricos que la doten de "
        "verosimilitud.",
    ],
}


MORE_SOUND = [
    "El principio de congruencia exige que la sentencia guarde relación con lo pedido en la demanda y con lo "
    "planteado en la contestación, sin omitir el estudio de alguna pretensión ni resolver cuestiones ajenas a la "
    "litis; el de exhaustividad obliga a examinar todos los puntos controvertidos y todas las pruebas rendidas.",
    "La confesión ficta, derivada de la incomparecencia injustificada a absolver posiciones, genera una presunción "
    "que admite prueba en contrario y cuyo valor depende de que no se encuentre desvirtuada por otros medios de "
    "convicción que obren en el sumario.",
    "El derecho a la tutela judicial efectiva, reconocido en el artículo 17 constitucional, comprende el acceso a "
    "la jurisdicción, el dictado de una resolución fundada en derecho que resuelva el fondo de lo planteado y la "
    "plena ejecución de lo decidido, dentro de los plazos que fijan las leyes.",
    "Las presunciones legales y humanas son medios de prueba que permiten, a partir de un hecho conocido, "
    "averiguar la verdad de otro desconocido; la humana requiere que entre el hecho demostrado y el que se trata "
    "de deducir haya un enlace preciso, más o menos necesario.",
    "Debe recordarse que la prueba testimonial se valora atendiendo a que los testigos hayan conocido por sí "
    "mismos los hechos sobre los que declaran, que sus declaraciones sean claras y precisas, sin dudas ni "
    "reticencias, y que den razón fundada de su dicho.",
    "El documento público hace prueba plena de los hechos legalmente afirmados por la autoridad de que procede; "
    "la parte que pretenda desvirtuarlo debe ofrecer la prueba idónea, pues la sola objeción genérica no basta "
    "para restarle eficacia.",
    "La litis se fija con la demanda y la contestación, de modo que los hechos introducidos con posterioridad, "
    "fuera de los supuestos de hechos supervenientes, no pueden ser materia de análisis en la sentencia sin "
    "afectar el derecho de defensa de la contraparte.",
    "En atención al principio de igualdad procesal, ambas partes tuvieron la misma oportunidad de ofrecer y "
    "objetar pruebas, de alegar y de recurrir las determinaciones que estimaron contrarias a sus intereses, sin "
    "que se advierta alguna violación procesal que deba repararse de oficio.",
    "Con el propósito de facilitar la comprensión de esta resolución por las partes, se precisa que el análisis "
    "seguirá el orden siguiente: primero, la existencia de la relación jurídica; después, el incumplimiento "
    "atribuido; por último, la procedencia y el alcance de las prestaciones reclamadas.",
    "El informe de autoridad, rendido por servidor público en ejercicio de sus funciones y sobre hechos que le "
    "constan por razón de su cargo, tiene el valor de un documento público, salvo que se demuestre su falsedad o "
    "que fue emitido fuera de la esfera de su competencia.",
    "Se precisa que las manifestaciones vertidas por las partes en sus escritos de alegatos no constituyen prueba, "
    "sino la expresión de los argumentos con los que pretenden persuadir al juzgador sobre el mérito de las "
    "pruebas y la procedencia de sus pretensiones.",
    "Es importante destacar que la interpretación de las normas relativas a derechos humanos debe hacerse "
    "favoreciendo en todo tiempo la protección más amplia de las personas, conforme al artículo 1o. "
    "constitucional, lo que incluye el control de convencionalidad ex officio que corresponde a toda autoridad "
    "jurisdiccional.",
]


def evidence(r, matter):
    """Paragraphs describing evidence, with personal data, drawn until the ruling reaches its length."""
    rng = r.rng
    p = lambda sex=None: Party(rng, sex)  # noqa: E731
    common = [
        lambda: (lambda w: f"Obra también en autos la testimonial a cargo de {w.name()}, {w.ident()}, quien "
                 f"manifestó vivir en {w.address()} y conocer a las partes desde hace aproximadamente "
                 f"{rng.randint(3, 20)} años; refirió que le constan los hechos porque los presenció directamente y "
                 f"dio razón suficiente de su dicho, sin que la contraparte lograra desvirtuar su declaración en las "
                 f"repreguntas que le fueron formuladas.")(p()),
        lambda: f"Se desahogó la documental en vía de informe a cargo de la institución bancaria requerida, la cual "
                f"remitió los estados de cuenta solicitados y precisó que los depósitos se realizaron a una cuenta "
                f"cuya titular es {p().name()}; dicho informe no fue objetado por las partes, por lo que se le "
                f"concede valor probatorio pleno respecto de los movimientos que en él se consignan.",
        lambda: f"En cuanto a la documental privada consistente en la impresión de los mensajes de texto enviados "
                f"desde el número {P('phone', ids.phone(rng, 'MX'))}, esta autoridad estima que, al no haber sido "
                f"perfeccionada mediante la pericial en informática, únicamente genera un indicio que debe "
                f"adminicularse con el resto del material probatorio.",
        lambda: f"La parte que ofreció la prueba señaló como domicilio para que se practicara la inspección judicial "
                f"el ubicado en {P('address', ids.address(rng, 'MX'))}; la diligencia se llevó a cabo con la "
                f"asistencia de ambas partes y de sus abogados, y en el acta se hizo constar la descripción del "
                f"lugar, el estado de conservación del inmueble y las fotografías tomadas por la actuaria.",
        lambda: f"Se tiene a la vista la copia certificada de la resolución dictada en el expediente "
                f"{r.other_case()} del índice de otro juzgado, exhibida por la parte demandada para acreditar su "
                f"excepción; sin embargo, de su contenido se advierte que en aquel juicio intervinieron personas "
                f"distintas y que versó sobre una prestación diversa, de modo que no puede producir efectos en "
                f"este procedimiento.",
        lambda: (lambda lawyer: f"El abogado patrocinante de la parte actora, licenciado {lawyer.name()}, solicitó "
                 f"que las notificaciones se le hicieran llegar al correo electrónico {lawyer.email()}, lo que se "
                 f"acordó de conformidad en términos del acuerdo general que regula las notificaciones "
                 f"electrónicas.")(p()),
        lambda: (lambda w: f"La pericial en materia de {rng.choice(['valuación', 'grafoscopía', 'contabilidad', 'psicología'])} "
                 f"estuvo a cargo de {w.name()}, perito designado por la parte oferente, cuyo dictamen se encuentra "
                 f"debidamente fundado en la metodología que describe y en los documentos que tuvo a la vista; el "
                 f"perito de la contraparte no compareció a aceptar el cargo, por lo que se le tuvo por conforme.")(p()),
        lambda: f"En la audiencia, la parte demandada exhibió un comprobante de domicilio a nombre de "
                f"{p().name()}, con el que pretendió acreditar que no vivía en el domicilio en que fue emplazada; "
                f"dicho documento, por ser posterior a la fecha del emplazamiento, no resulta apto para ese fin.",
    ]
    if matter != "criminal":
        return common
    return [common[0], common[2], common[5],
            lambda: f"Se incorporó mediante lectura el registro de la inspección del lugar de los hechos, ubicado en "
                    f"{P('address', ids.address(rng, 'MX'))}, en el que el perito en criminalística describió la "
                    f"iluminación, las vías de acceso y la distancia entre el punto de encuentro y el lugar de la "
                    f"detención, así como las fijaciones fotográficas que se mostraron a los testigos.",
            lambda: (lambda w: f"La defensa presentó como testigo a {w.name()}, {w.ident()}, quien afirmó haber "
                     f"estado con la persona acusada en un lugar distinto a la hora de los hechos; sin embargo, en el "
                     f"contrainterrogatorio no precisó la hora en que se separaron, por lo que su dicho no resulta "
                     f"suficiente para generar una duda razonable.")(p()),
            lambda: f"Obra el informe de la empresa de telefonía sobre la línea {P('phone', ids.phone(rng, 'MX'))}, "
                    f"que ubica el equipo en la zona de los hechos dentro del intervalo señalado por la víctima; el "
                    f"informe fue incorporado por el analista que lo elaboró y sometido a contradicción.",
            lambda: f"La asesora jurídica de la víctima hizo referencia a la carpeta de investigación "
                    f"{r.other_case()}, iniciada por hechos diversos, la cual no fue incorporada al juicio y, por "
                    f"tanto, no puede ser tomada en cuenta para resolver."]


# -- the matters ---------------------------------------------------------------------------------------------------

def write_civil(r: Ruling) -> None:
    rng = r.rng
    a, d = Party(rng), Party(rng)
    r.case_number = fresh_case_number(rng, 180, 1900, [r.filed_on.year])
    kind_of_case = r.case_type = rng.choice(["pago", "arrendamiento", "usucapion", "danos"])
    r.parties = [{"role": "actor", "kind": "person"}, {"role": "demandado", "kind": "person"}]
    if r.kind == "auto":
        r.outcome = rng.choice(["inadmissible", "other"])
        r.add(f"{r.court['name'].upper()}\nEXPEDIENTE: {r.case_number}\n\nVictoria de Durango, Durango, a "
              f"{in_words(r.ruled_on)}.")
        r.add(f"VISTOS para resolver los autos del expediente {r.case_number}, relativo al juicio ordinario civil "
              f"promovido por {a.name()}, {a.ident()}, con domicilio para oír y recibir notificaciones en "
              f"{a.address()}, en contra de {d.name()}, en particular el incidente de "
              f"{'incompetencia por declinatoria' if r.outcome == 'inadmissible' else 'nulidad de actuaciones'} "
              f"planteado por la parte demandada; y")
        r.add("R E S U L T A N D O:")
        r.add(f"PRIMERO.- Por escrito presentado el {short_date(r.ruled_on - timedelta(days=rng.randint(40, 90)))}, "
              f"la parte demandada promovió incidente, argumentando que el emplazamiento se practicó en un domicilio "
              f"distinto al suyo, pues desde hace más de dos años habita en {d.address()}, y que la diligencia se "
              f"entendió con una persona que no reside en el lugar. Ofreció como pruebas la testimonial a cargo de "
              f"{Party(rng).name()} y la documental consistente en un recibo de luz, y señaló como teléfono de "
              f"contacto el {d.phone()}.")
        r.add("SEGUNDO.- Se dio vista a la parte actora, quien manifestó que el emplazamiento se practicó con todas "
              "las formalidades legales y que la actuaria se cercioró de que el demandado habitaba en el domicilio, "
              "según consta en la razón asentada. Desahogadas las pruebas, se citó para dictar la resolución "
              "interlocutoria correspondiente.")
        r.add("C O N S I D E R A N D O:")
        r.add(f"I.- Este juzgado es competente para resolver la incidencia planteada, por ser el que conoce del "
              f"juicio principal, de conformidad con la Ley Orgánica del Poder Judicial del Estado.", sound=True)
        r.add(rng.choice(GENERAL_SOUND), sound=True)
        r.add("II.- El emplazamiento es el acto procesal de mayor importancia en el juicio, pues a través de él se "
              "da a conocer al demandado la existencia de la demanda y se le otorga la oportunidad de defenderse; de "
              "ahí que su práctica deba ajustarse estrictamente a las formalidades que establece el código procesal.",
              sound=True)
        r.add(f"De las constancias se advierte que la actuaria se constituyó en el domicilio señalado en la demanda y "
              f"asentó que se cercioró de que era el del demandado por el dicho de una vecina; sin embargo, el recibo "
              f"de servicios exhibido y la constancia de residencia expedida por el jefe de manzana demuestran que, "
              f"a la fecha de la diligencia, el demandado ya habitaba en otro domicilio. Asimismo, el demandado "
              f"acreditó que otro juzgado lo emplazó en este último domicilio dentro del expediente "
              f"{r.other_case()}.")
        _defects(r)
        r.add("Por lo expuesto y fundado, se")
        r.add("R E S U E L V E:")
        if r.outcome == "inadmissible":
            r.add("PRIMERO.- Es improcedente el incidente planteado por la parte demandada, por haberse promovido "
                  "fuera del plazo legal.\nSEGUNDO.- Continúese el procedimiento en sus términos.")
        else:
            r.add("PRIMERO.- Es procedente el incidente de nulidad de actuaciones promovido por la parte demandada."
                  "\nSEGUNDO.- Se declara nulo el emplazamiento y todo lo actuado con posterioridad, y se ordena "
                  "emplazar nuevamente al demandado en el domicilio acreditado.")
        r.add(r.signature())
        return
    r.outcome = rng.choice(["upheld"] * 5 + ["partially_upheld"] * 2 + ["not_upheld"] * 2)
    amount = money(rng, 40_000, 650_000)
    heading = rng.choice(["R E S U L T A N D O:", "ANTECEDENTES"])
    reasons = rng.choice(["C O N S I D E R A N D O:", "CONSIDERANDOS"])
    title = {"pago": "juicio ejecutivo mercantil", "arrendamiento": "juicio especial de arrendamiento",
             "usucapion": "juicio ordinario civil de prescripción positiva",
             "danos": "juicio ordinario civil de responsabilidad civil"}[kind_of_case]
    r.add(f"{r.court['name'].upper()}\nEXPEDIENTE: {r.case_number}\nJUICIO: {title.upper().removeprefix('JUICIO ')}\n\n"
          f"Victoria de Durango, Durango, a {in_words(r.ruled_on)}.")
    r.add(f"VISTOS para dictar sentencia definitiva en los autos del expediente número {r.case_number}, relativo al "
          f"{title} promovido por {a.name()}, {a.ident()}, con domicilio en {a.address()}, por conducto de su "
          f"apoderado legal, en contra de {d.name()}; y")
    r.add(heading)
    facts = {
        "pago": f"la parte actora reclamó el pago de la cantidad de {amount} como suerte principal, amparada en un "
                f"pagaré suscrito el {short_date(r.ruled_on - timedelta(days=rng.randint(500, 900)))}, así como "
                f"los intereses moratorios pactados a razón del tres por ciento mensual y los gastos y costas del "
                f"juicio; señaló que requirió el pago en diversas ocasiones, la última por mensaje al número "
                f"{d.phone()}, sin obtener respuesta.",
        "arrendamiento": f"la parte actora demandó la rescisión del contrato de arrendamiento del inmueble ubicado en "
                         f"{a.address()}, el pago de doce mensualidades de renta vencidas a razón de "
                         f"{money(rng, 4_000, 12_000)} cada una y la desocupación y entrega del inmueble; manifestó "
                         f"que la parte arrendataria dejó de pagar desde el mes de {rng.choice(MONTHS)} y que le envió "
                         f"requerimientos al correo {d.email()}.",
        "usucapion": f"la parte actora demandó la declaración de que ha operado en su favor la prescripción positiva "
                     f"respecto del inmueble ubicado en {P('address', ids.address(rng, 'MX'))}, que afirma poseer "
                     f"desde hace más de diez años en concepto de propietario, en virtud de un contrato privado de "
                     f"compraventa celebrado con la parte demandada, titular registral del predio.",
        "danos": f"la parte actora reclamó el pago de {amount} por concepto de daños materiales a su vehículo y gastos "
                 f"médicos, derivados del accidente de tránsito ocurrido en el cruce de las avenidas "
                 f"{rng.choice(['20 de Noviembre y Cuauhtémoc', 'Felipe Pescador y Colegio Militar', 'Universidad y Fanny Anitúa'])}, "
                 f"en el que el vehículo conducido por el demandado invadió el carril de circulación contrario.",
    }[kind_of_case]
    r.add(f"PRIMERO.- Por escrito presentado ante la Oficialía de Partes Común el "
          f"{short_date(r.filed_on)}, {facts}")
    r.add(f"SEGUNDO.- Admitida la demanda, se ordenó emplazar a la parte demandada en el domicilio ubicado en "
          f"{d.address()}. {d.short()} compareció a dar contestación, negó los hechos en que se funda la acción y "
          f"opuso las excepciones de {rng.choice(['falta de acción y de derecho', 'pago', 'prescripción', 'oscuridad de la demanda'])}"
          f", además de señalar que existe un juicio anterior entre las mismas partes, radicado con el número "
          f"{r.other_case()}.")
    witness = Party(rng)
    r.add(f"TERCERO.- Abierto el juicio a prueba, se admitieron y desahogaron la confesional a cargo de las partes, "
          f"la testimonial a cargo de {witness.name()}, {witness.ident()}, la documental y la presuncional en su "
          f"doble aspecto; la audiencia de pruebas y alegatos se celebró el {short_date(r.heard_on)}, y se "
          f"citó a las partes para oír sentencia, la que hoy se pronuncia.")
    r.add(reasons)
    r.add("I.- Este juzgado es competente para conocer y resolver el presente asunto, en razón de la materia, la "
          "cuantía y el territorio, pues las partes se sometieron expresamente a la jurisdicción de los tribunales "
          "de esta ciudad y el domicilio de la parte demandada se encuentra dentro del distrito judicial.", sound=True)
    r.add("II.- La vía elegida es la correcta y la personalidad de las partes quedó acreditada en autos con los "
          "documentos exhibidos, los cuales no fueron objetados.", sound=True)
    sound = rng.sample([fit(t, r.case_type) for t in MATTER_SOUND["civil"] if fit(t, r.case_type)], 2) + rng.sample(GENERAL_SOUND, rng.randint(1, 3))
    r.add(f"III.- {sound[0]}", sound=True)
    r.add(f"Sirve de apoyo a lo anterior la {r.cite('civil')}, de rubro conocido, cuyas consideraciones se "
          f"comparten.", sound=True)
    core = {
        "pago": f"exhibió el pagaré base de la acción, el cual no fue objetado en cuanto a su autenticidad. En la "
                f"testimonial, {witness.short()} declaró que estuvo presente cuando se entregó el dinero y que la parte "
                f"demandada le llamó después desde el teléfono {d.phone()} para pedirle que intercediera para obtener "
                f"un plazo mayor",
        "arrendamiento": f"exhibió el contrato de arrendamiento, reconocido por la parte demandada al absolver "
                         f"posiciones. En la testimonial, {witness.short()}, vecino del inmueble, declaró que la "
                         f"arrendataria le comentó en varias ocasiones que no podía pagar la renta y que le "
                         f"pidió prestado su teléfono, el {d.phone()}, para comunicarse con la arrendadora",
        "usucapion": f"exhibió el contrato privado de compraventa y recibos del impuesto predial pagados a su nombre "
                     f"desde hace más de diez años. En la testimonial, {witness.short()}, vecino del predio, declaró "
                     f"que la parte actora habita el inmueble desde que él lo recuerda, que hizo mejoras a la "
                     f"construcción y que todos en la colonia la reconocen como dueña",
        "danos": f"exhibió el parte de accidente elaborado por la Dirección Municipal de Seguridad Pública y el "
                 f"presupuesto de reparación del vehículo. En la testimonial, {witness.short()} declaró que viajaba "
                 f"como acompañante, que el otro vehículo circulaba a exceso de velocidad y que el conductor "
                 f"proporcionó en el lugar el teléfono {d.phone()}",
    }[kind_of_case]
    r.add(f"IV.- En el caso, {a.short()} {core}. Su testimonio es claro, preciso y sin dudas ni reticencias sobre la "
          f"sustancia del hecho, por lo que se le concede valor probatorio.")
    for text in sound[1:]:
        r.add(text, sound=True)
    _defects(r)
    r.add(rng.choice([
        "V.- Respecto de la condena en costas, no se advierte que alguna de las partes haya procedido con temeridad "
        "o mala fe, por lo que cada una soportará las que hubiere erogado.",
        "V.- Toda vez que la parte demandada resultó vencida en juicio, procede condenarla al pago de gastos y "
        "costas, cuya cuantificación se hará en ejecución de sentencia.",
    ]), sound=True)
    r.add("Por lo anteriormente expuesto y fundado, se")
    r.add("R E S U E L V E:")
    result = {"upheld": f"Ha procedido la vía elegida y la parte actora probó su acción, en tanto que la demandada no "
                        f"justificó sus excepciones; en consecuencia, se condena a {d.name()} al cumplimiento de las "
                        f"prestaciones reclamadas.",
              "partially_upheld": "La parte actora probó parcialmente su acción; se condena a la demandada al pago de "
                                  "la suerte principal y se le absuelve del pago de los intereses reclamados.",
              "not_upheld": "La parte actora no probó su acción y la demandada justificó sus excepciones; en "
                            "consecuencia, se absuelve a la demandada de las prestaciones reclamadas."}[r.outcome]
    r.add(f"PRIMERO.- {result}\nSEGUNDO.- Se concede a la parte condenada un plazo de cinco días para el cumplimiento "
          f"voluntario de esta sentencia, apercibida de que en caso contrario se procederá conforme a las reglas de "
          f"la ejecución forzosa.\nTERCERO.- Notifíquese personalmente a las partes.")
    r.add(r.signature())


def write_family(r: Ruling) -> None:
    rng = r.rng
    mother, father = Party(rng, "F"), Party(rng, "M")
    child = Party(rng)
    r.case_number = fresh_case_number(rng, 90, 1400, [r.filed_on.year])
    r.parties = [{"role": "promovente", "kind": "person"}, {"role": "demandado", "kind": "person"},
                 {"role": "beneficiario", "kind": "minor"}]
    subject = r.case_type = rng.choice(["alimentos", "custodia"])
    if r.kind == "auto":
        r.outcome = rng.choice(["other", "inadmissible"])
        r.add(f"{r.court['name'].upper()}\nEXPEDIENTE: {r.case_number}\n\nVictoria de Durango, Durango, a "
              f"{in_words(r.ruled_on)}.")
        r.add(f"Visto el estado que guardan los autos del expediente {r.case_number}, relativo al procedimiento de "
              f"divorcio sin expresión de causa promovido por {mother.name()}, {mother.ident()}, en contra de "
              f"{father.name()}, y en particular el convenio exhibido por las partes para regular las consecuencias "
              f"de la disolución del vínculo matrimonial, se procede a resolver lo siguiente.")
        r.add("ANTECEDENTES")
        r.add(f"1. Las partes comparecieron de manera conjunta el {short_date(r.heard_on)} y ratificaron el convenio "
              f"en todas sus cláusulas, en el que pactan que la hija menor de edad, {child.name()}, quedará bajo la "
              f"guarda y custodia de la madre en el domicilio ubicado en {mother.address()}, con un régimen de "
              f"convivencias con el padre los fines de semana alternos, y una pensión alimenticia del "
              f"{rng.choice(['veinte', 'veinticinco', 'treinta'])} por ciento de las percepciones del deudor.")
        r.add(f"2. El padre manifestó laborar para una empresa de autotransporte y señaló como domicilio "
              f"{father.address()} y como teléfono {father.phone()}; la Agente del Ministerio Público adscrita "
              f"manifestó no tener objeción, salvo por lo que hace a la garantía de los alimentos.")
        r.add("CONSIDERACIONES")
        r.add(rng.choice(MATTER_SOUND["family"][:2]), sound=True)
        r.add(fit(MATTER_SOUND["family"][3], "divorcio"), sound=True)
        r.add("El convenio debe contener, conforme al Código Civil del Estado, la designación de la persona que "
              "tendrá la guarda y custodia, el régimen de visitas y convivencias, el modo de atender las necesidades "
              "de los hijos, la garantía de los alimentos y la forma de administrar los bienes de la sociedad "
              "conyugal durante el procedimiento y hasta que se liquide.", sound=True)
        _defects(r)
        r.add("RESOLUTIVOS")
        if r.outcome == "other":
            r.add("PRIMERO.- Se aprueba el convenio exhibido por las partes, el cual se eleva a la categoría de cosa "
                  "juzgada.\nSEGUNDO.- Se decreta la disolución del vínculo matrimonial. Gírese oficio al Oficial del "
                  "Registro Civil para que realice las anotaciones correspondientes.")
        else:
            r.add("PRIMERO.- No se aprueba el convenio exhibido, por no contener la garantía de los alimentos.\n"
                  "SEGUNDO.- Se previene a las partes para que, en el plazo de cinco días, lo modifiquen en los "
                  "términos precisados.")
        r.add(r.signature())
        return
    r.outcome = rng.choice(["upheld"] * 3 + ["partially_upheld"] * 3 + ["not_upheld"])
    r.add(f"{r.court['name'].upper()}\nEXPEDIENTE: {r.case_number}\n\nVictoria de Durango, Durango, a "
          f"{in_words(r.ruled_on)}.")
    subject_words = {"alimentos": "al juicio oral de alimentos", "custodia": "a la controversia del orden familiar "
                     "sobre alimentos y guarda y custodia"}
    r.add(f"VISTOS para resolver en definitiva los autos del expediente {r.case_number}, relativo "
          f"{subject_words[subject]} promovido por {mother.name()}, {mother.ident()}, por su propio derecho y en "
          f"representación de su {'hija' if child.f else 'hijo'} menor de edad {child.name()}, en contra de "
          f"{father.name()}, {father.ident()}; y")
    r.add("ANTECEDENTES")
    r.add(f"1. Mediante escrito presentado el {short_date(r.filed_on)}, la promovente manifestó que procreó con el "
          f"demandado a {'la' if child.f else 'el'} menor, quien actualmente cuenta con "
          f"{rng.randint(3, 15)} años de edad; que el demandado dejó el domicilio familiar ubicado en "
          f"{mother.address()} y desde entonces no ha cumplido con sus obligaciones, y que actualmente trabaja como "
          f"{rng.choice(['comerciante en el mercado Gómez Palacio', 'chofer de una empresa de transporte', 'empleado de una maquiladora', 'técnico en una empresa de telecomunicaciones'])}.")
    r.add(f"2. Se decretó una pensión alimenticia provisional y se ordenó emplazar al demandado en "
          f"{father.address()}. Al contestar, el demandado se allanó parcialmente, señaló que tiene otra familia y "
          f"que sus ingresos no superan {money(rng, 6_000, 14_000)} mensuales, y pidió ser notificado en el correo "
          f"{father.email()}. Mencionó además el expediente {r.other_case()}, en el que se fijó otra pensión a "
          f"su cargo.")
    r.add(f"3. Se practicaron el estudio socioeconómico en ambos domicilios, la valoración psicológica de las "
          f"partes y la escucha de {'la' if child.f else 'el'} menor, en presencia de la psicóloga adscrita. La "
          f"audiencia de juicio se celebró el {short_date(r.heard_on)}, en la que las partes alegaron y se citó "
          f"para sentencia.")
    r.add("CONSIDERACIONES")
    r.add("PRIMERA. Competencia. Este juzgado es competente para conocer del asunto por tratarse de una controversia "
          "del orden familiar y por encontrarse el domicilio de la persona menor de edad dentro del distrito "
          "judicial.", sound=True)
    sound = rng.sample([t for t in MATTER_SOUND["family"] if fit(t, r.case_type)], 3) + rng.sample(GENERAL_SOUND, rng.randint(1, 2))
    r.add(f"SEGUNDA. Marco jurídico. {sound[0]}", sound=True)
    r.add(f"Resulta aplicable la {r.cite('family')}, que orienta la ponderación del interés superior de la infancia "
          f"en este tipo de controversias.", sound=True)
    grandmother = Party(rng, "F")
    r.add(f"TERCERA. Estudio del caso. En la escucha, {'la' if child.f else 'el'} menor expresó sentirse bien en el "
          f"domicilio materno, que acude a la escuela primaria cercana y que ve a su padre ocasionalmente. La "
          f"abuela materna, {grandmother.name()}, {grandmother.ident()}, declaró que apoya a su hija en el cuidado "
          f"de {'la' if child.f else 'el'} menor por las tardes y que el demandado dejó de aportar desde hace más "
          f"de un año; para localizarla proporcionó el teléfono {grandmother.phone()}.")
    for text in sound[1:]:
        r.add(text, sound=True)
    _defects(r)
    r.add("CUARTA. Alcance de la condena. La pensión que se fija deberá incrementarse en la misma proporción en que "
          "aumente el salario mínimo general, y el deudor deberá garantizarla mediante alguna de las formas que "
          "establece la ley, dentro de los diez días siguientes a que cause ejecutoria esta resolución.", sound=True)
    r.add("Por lo expuesto y fundado, se resuelve conforme a los siguientes")
    r.add("RESOLUTIVOS")
    result = {"upheld": "Se declara procedente la acción intentada por la promovente y se condena al demandado al "
                        "pago de una pensión alimenticia definitiva del treinta por ciento de sus percepciones.",
              "partially_upheld": "Se declara parcialmente procedente la acción; se fija una pensión alimenticia "
                                  "definitiva del veinte por ciento de las percepciones del demandado y se niega el "
                                  "pago de alimentos caídos.",
              "not_upheld": "No se acreditó la acción intentada, por lo que se absuelve al demandado; queda a salvo "
                            "el derecho de la promovente para hacerlo valer en la vía correspondiente."}[r.outcome]
    r.add(f"PRIMERO.- {result}\nSEGUNDO.- Gírese oficio a la fuente de trabajo del deudor para que realice los "
          f"descuentos correspondientes.\nTERCERO.- Notifíquese personalmente.")
    r.add(r.signature())


def write_labour(r: Ruling) -> None:
    rng = r.rng
    worker = Party(rng, foreign=rng.random() < 0.3)
    manager = Party(rng)
    company = ids.company(rng, "MX")
    r.case_number = fresh_case_number(rng, 20, 600, [r.filed_on.year])
    r.parties = [{"role": "actor", "kind": "person"}, {"role": "demandado", "kind": "organisation"}]
    if r.kind == "auto":
        r.outcome = "inadmissible"
        r.add(f"{r.court['name'].upper()}\nEXPEDIENTE LABORAL: {r.case_number}\n\nVictoria de Durango, Durango, a "
              f"{in_words(r.ruled_on)}.")
        r.add(f"Visto el escrito de demanda presentado por {worker.name()}, {worker.ident()}, con domicilio en "
              f"{worker.address()}, teléfono {worker.phone()} y correo electrónico {worker.email()}, en contra de "
              f"{company}, por el que reclama su reinstalación y el pago de salarios caídos, se acuerda:")
        r.add("ANTECEDENTES")
        r.add(f"Único. El actor no exhibió la constancia de no conciliación expedida por el Centro de Conciliación "
              f"Laboral del Estado, ni manifestó encontrarse en alguno de los supuestos de excepción a la instancia "
              f"conciliatoria; señaló únicamente que la solicitud se encuentra en trámite con el folio "
              f"{r.other_case()}.")
        r.add("CONSIDERANDOS")
        r.add("Conforme al artículo 684-B de la Ley Federal del Trabajo, antes de acudir a los tribunales laborales "
              "los trabajadores y patrones deben asistir al Centro de Conciliación correspondiente para solicitar el "
              "inicio del procedimiento de conciliación, salvo en los casos de excepción que la propia ley señala, "
              "entre los que no se encuentra el despido.", sound=True)
        r.add(rng.choice(GENERAL_SOUND), sound=True)
        _defects(r)
        r.add("RESUELVE")
        r.add("PRIMERO.- No se admite la demanda por no haberse agotado la instancia conciliatoria prejudicial.\n"
              "SEGUNDO.- Se dejan a salvo los derechos del actor para que los haga valer una vez que cuente con la "
              "constancia respectiva. Devuélvanse los documentos exhibidos.")
        r.add(r.signature())
        return
    r.outcome = rng.choice(["upheld", "upheld", "partially_upheld", "not_upheld"])
    salary = rng.randint(280, 900)
    r.add(f"{r.court['name'].upper()}\nEXPEDIENTE LABORAL: {r.case_number}\n\nVictoria de Durango, Durango, a "
          f"{in_words(r.ruled_on)}.")
    r.add(f"VISTOS para dictar sentencia en el juicio ordinario laboral {r.case_number}, promovido por "
          f"{worker.name()}, {worker.ident()}, en contra de {company} y de quien resulte responsable de la fuente de "
          f"trabajo; y")
    r.add(rng.choice(["R E S U L T A N D O:", "ANTECEDENTES"]))
    r.add(f"PRIMERO.- {worker.o('El actor', 'La actora')} manifestó que ingresó a laborar el "
          f"{short_date(r.filed_on - timedelta(days=rng.randint(700, 3000)))} como "
          f"{rng.choice(['operador de montacargas', 'ayudante general', 'cajero', 'auxiliar de almacén', 'albañil'])}, "
          f"con un salario diario de ${salary}.00, en una jornada de lunes a sábado, y que el "
          f"{short_date(r.filed_on - timedelta(days=rng.randint(40, 120)))} {manager.o('el encargado', 'la encargada')} de la empresa, "
          f"{manager.name()}, le indicó que estaba despedido sin darle explicación alguna ni aviso por escrito.")
    r.add(f"SEGUNDO.- La demandada negó el despido y afirmó que {worker.o('el actor', 'la actora')} dejó de presentarse a laborar; ofreció el "
          f"trabajo en los mismos términos y condiciones y exhibió recibos de nómina. {worker.o('El actor', 'La actora')} vive en "
          f"{worker.address()} y se le notificó la audiencia preliminar en el teléfono {worker.phone()}.")
    r.add(f"TERCERO.- En la audiencia de juicio, celebrada el {short_date(r.heard_on)}, se desahogaron las "
          f"pruebas admitidas, entre ellas la testimonial de {Party(rng).name()} y la inspección sobre listas de "
          f"asistencia; las partes formularon alegatos y se declaró cerrada la instrucción.")
    r.add(rng.choice(["C O N S I D E R A N D O:", "CONSIDERANDOS"]))
    r.add("I.- Este tribunal es competente para conocer y resolver el presente juicio, en términos del artículo 123, "
          "apartado A, fracción XX, de la Constitución Política de los Estados Unidos Mexicanos y de la Ley Federal "
          "del Trabajo.", sound=True)
    sound = rng.sample(MATTER_SOUND["labour"], 3) + rng.sample(GENERAL_SOUND, rng.randint(1, 2))
    r.add(f"II.- {sound[0]}", sound=True)
    r.add(f"En el mismo sentido, la {r.cite('labour')} establece los requisitos para calificar el ofrecimiento de "
          f"trabajo, los cuales se examinan a continuación.", sound=True)
    for text in sound[1:]:
        r.add(text, sound=True)
    r.add(f"III.- La demandada no exhibió las listas de asistencia del último mes, pese a haber sido requerida, por "
          f"lo que se tienen por presuntivamente ciertos los hechos que {worker.o('el actor', 'la actora')} pretendía acreditar con ellas. "
          f"{manager.o('El testigo', 'La testigo')} de la empresa, {manager.short()}, admitió que {worker.o('el actor', 'la actora')} laboró hasta la fecha señalada en la "
          f"demanda.")
    _defects(r)
    r.add("Por lo expuesto y fundado, se")
    r.add(rng.choice(["R E S U E L V E:", "RESUELVE"]))
    result = {"upheld": "El actor acreditó su acción y la demandada no justificó sus excepciones; se condena a la "
                        "demandada al pago de la indemnización constitucional, salarios vencidos y prestaciones "
                        "devengadas.",
              "partially_upheld": "El actor acreditó parcialmente su acción; se condena a la demandada al pago de "
                                  "vacaciones, prima vacacional y aguinaldo proporcionales, y se le absuelve de la "
                                  "indemnización por despido.",
              "not_upheld": "El actor no acreditó el despido alegado; se absuelve a la demandada de las prestaciones "
                            "reclamadas."}[r.outcome]
    r.add(f"PRIMERO.- {result}\nSEGUNDO.- Notifíquese personalmente a las partes.")
    r.add(r.signature())


def write_criminal(r: Ruling) -> None:
    rng = r.rng
    accused, victim, officer = Party(rng, "M" if rng.random() < 0.85 else "F"), Party(rng), Party(rng)
    r.case_number = fresh_case_number(rng, 30, 800, [r.filed_on.year])
    crime = rng.choice(["robo con violencia", "violencia familiar", "lesiones"] if r.kind == "sentencia" else
                       ["lesiones", "abuso de confianza", "daño en las cosas"])
    r.parties = [{"role": "acusado", "kind": "person"}, {"role": "victima", "kind": "person"},
                 {"role": "ministerio_publico", "kind": "state"}]
    if r.kind == "auto":
        r.outcome = "dismissed"
        r.add(f"{r.court['name'].upper()}\nCAUSA PENAL: {r.case_number}\n\nVictoria de Durango, Durango, a "
              f"{in_words(r.ruled_on)}.")
        r.add(f"VISTOS para resolver sobre la solicitud de sobreseimiento formulada por la defensa de "
              f"{accused.name()}, {accused.ident()}, en la causa penal {r.case_number}, seguida por el hecho que la "
              f"ley señala como delito de {crime}; y")
        r.add("ANTECEDENTES")
        r.add(f"Primero. La víctima, {victim.name()}, con domicilio en {victim.address()}, compareció a la audiencia "
              f"y manifestó que recibió la reparación del daño y que no desea continuar con el proceso; exhibió el "
              f"convenio celebrado ante el facilitador del órgano especializado en mecanismos alternativos, "
              f"registrado con el número {r.other_case()}.")
        r.add("CONSIDERANDOS")
        r.add("El Código Nacional de Procedimientos Penales prevé que el cumplimiento de los acuerdos reparatorios "
              "extingue la acción penal, lo que a su vez actualiza una causa de sobreseimiento, siempre que se trate "
              "de delitos que admiten dicha salida alterna y que el acuerdo se haya celebrado de manera libre e "
              "informada.", sound=True)
        r.add(rng.choice(MATTER_SOUND["criminal"]), sound=True)
        _defects(r)
        r.add("RESUELVE")
        r.add("PRIMERO.- Se decreta el sobreseimiento de la causa por extinción de la acción penal, con efectos de "
              "sentencia absolutoria.\nSEGUNDO.- Se levantan las medidas cautelares impuestas al imputado.")
        r.add(r.signature())
        return
    r.outcome = rng.choice(["conviction", "conviction", "conviction", "acquittal"])
    r.add(f"{r.court['name'].upper()}\nCAUSA PENAL: {r.case_number}\nSENTENCIA DEFINITIVA\n\nVictoria de Durango, "
          f"Durango, a {in_words(r.ruled_on)}.")
    r.add(f"VISTOS para redactar la sentencia definitiva dictada en audiencia de juicio oral dentro de la causa "
          f"penal {r.case_number}, instruida en contra de {accused.name(upper=True)}, {accused.ident()}, por el "
          f"hecho que la ley señala como delito de {crime}, cometido en perjuicio de {victim.name()}.")
    r.add("ANTECEDENTES")
    r.add(f"1. El auto de apertura a juicio oral fue dictado por el Juez de Control, y la audiencia de juicio se "
          f"desarrolló en sesiones sucesivas, la última el {short_date(r.heard_on)}, en la que se emitió el fallo "
          f"y se convocó a las partes a la lectura de esta sentencia.")
    r.add(f"2. El Ministerio Público sostuvo que el día de los hechos, aproximadamente a las "
          f"{rng.randint(7, 22)}:{rng.choice(['00', '15', '30', '45'])} horas, {accused.o('el acusado', 'la acusada')} se encontraba en las "
          f"inmediaciones del domicilio ubicado en {victim.address()}, donde {'abordó a la víctima' if 'robo' in crime or 'lesiones' in crime else 'ocurrieron los hechos materia de la acusación'}"
          f". La defensa sostuvo la inocencia de {accused.o('su representado', 'su representada')} y señaló que {accused.o('el acusado', 'la acusada')} se encontraba en su "
          f"domicilio de {accused.address()}, lo que pretendió acreditar con el testimonio de su hermana, "
          f"{Party(rng, 'F').name()}.")
    r.add("CONSIDERANDOS")
    r.add("PRIMERO. Competencia. Este Tribunal de Enjuiciamiento es competente para resolver, de conformidad con el "
          "Código Nacional de Procedimientos Penales y la Ley Orgánica del Poder Judicial del Estado, por haberse "
          "cometido el hecho dentro del distrito judicial.", sound=True)
    sound = rng.sample(MATTER_SOUND["criminal"], 3) + rng.sample(GENERAL_SOUND, rng.randint(1, 2))
    r.add(f"SEGUNDO. Estándar de prueba. {sound[0]}", sound=True)
    r.add(f"Así lo ha sostenido la Primera Sala de la Suprema Corte de Justicia de la Nación en la "
          f"{r.cite('criminal')}.", sound=True)
    r.add(f"TERCERO. Valoración de la prueba. Declaró {officer.o('el agente', 'la agente')} de investigación {officer.name()}, quien refirió que "
          f"acudió al llamado de auxilio realizado desde el número {victim.phone()}, y que al llegar encontró a la "
          f"víctima con lesiones visibles; el perito médico legista describió las lesiones y su tiempo de sanidad. "
          f"La víctima reconoció {accused.o('al acusado', 'a la acusada')} en la audiencia sin titubeos.")
    for text in sound[1:]:
        r.add(text, sound=True)
    _defects(r)
    if r.outcome == "conviction":
        r.add("CUARTO. Individualización de la pena. Atendiendo a la gravedad del hecho, al grado de culpabilidad "
              "del sentenciado, que se estima mínimo, y a sus circunstancias personales, se impone la pena mínima "
              "prevista para el delito, así como la reparación del daño en los términos solicitados.", sound=True)
    r.add("Por lo expuesto y fundado, se")
    r.add("FALLO")
    result = {"conviction": f"{accused.name(upper=True)} es penalmente responsable del delito de {crime}, por lo que "
                            f"se le impone la pena de prisión precisada en el considerando cuarto y se le condena a "
                            f"la reparación del daño.",
              "acquittal": f"Se dicta sentencia absolutoria a favor de {accused.name(upper=True)}, por no haberse "
                           f"acreditado más allá de toda duda razonable su participación en el hecho; se ordena su "
                           f"inmediata libertad."}[r.outcome]
    r.add(f"PRIMERO.- {result}\nSEGUNDO.- Las partes cuentan con diez días para interponer recurso de apelación.")
    r.add(r.signature())


def _words(r: Ruling) -> int:
    return len(parse("\n\n".join(r.paragraphs))[0].split())


def _fill(r: Ruling) -> None:
    """Evidence and reasoning paragraphs until the ruling reaches the length drawn for it."""
    matter = [fit(t, r.case_type) for t in MATTER_SOUND[r.matter]]
    pool = [("evidence", make) for make in evidence(r, r.matter)] + \
        [("sound", text) for text in MORE_SOUND + [t for t in matter if t] if text not in r.paragraphs]
    r.rng.shuffle(pool)
    picked: list[tuple[str, object]] = []
    words = _words(r)
    while pool and words < r.target:
        kind, item = pool.pop()
        if kind == "evidence":
            item = item()
        picked.append((kind, item))
        words += len(str(item).split())
    for kind, item in sorted(picked, key=lambda entry: entry[0] != "evidence"):
        r.add(item, sound=kind == "sound")


def _defects(r: Ruling) -> None:
    """Writes this ruling's defective passages, at the judge's rates (at most three per ruling)."""
    _fill(r)
    rates = DEFECT_RATES[r.judge["key"]]
    chosen = [label for label in LABELS if r.rng.random() < rates[label]][:3]
    for label in chosen:
        r.defect(label, defect_pool(r.matter, label))


WRITERS = {"civil": write_civil, "family": write_family, "labour": write_labour, "criminal": write_criminal}


# -- the auditors ----------------------------------------------------------------------------------------------------

def clause(rng: random.Random, sentence: str) -> str:
    """The part an auditor sometimes selects instead of the whole sentence: up to the first comma, if long enough."""
    head = sentence.split(",")[0]
    return head if len(head) >= 40 and rng.random() < 0.25 else sentence


COMMENTS = {
    "apparent_reasoning": ["No dice cuáles pruebas ni por qué.", "Fórmula genérica, sirve para cualquier caso.",
                           "No hay razones, solo la conclusión."],
    "internal_reasoning": ["La conclusión contradice la premisa.", "De lo acreditado no se sigue la condena."],
    "external_justification": ["La premisa no está probada en autos.", "Presume un hecho sin prueba."],
    "insufficient_reasoning": ["Descarta el argumento sin explicarlo.", "Falta el análisis de la prueba.",
                               "No responde a lo planteado por la parte."],
    "incongruent_reasoning": ["Resuelve algo que no se pidió.", "Deja sin resolver una pretensión."],
}


def annotate(rng: random.Random, r: Ruling, text: str, skill: float) -> list[dict]:
    out = []
    for label, sentence in r.defects:
        if rng.random() > skill:
            continue
        chosen = label if rng.random() < 0.88 else CONFUSED[label]
        quote = clause(rng, sentence)
        item = {"exact": quote, "label": chosen}
        if rng.random() < 0.45:
            item["comment"] = rng.choice(COMMENTS[chosen])
        out.append(item)
    if r.sound and rng.random() < 0.25:
        sentence = rng.choice(r.sound)
        if text.count(sentence) == 1:
            out.append({"exact": sentence, "label": rng.choice(["insufficient_reasoning", "apparent_reasoning",
                                                                 "external_justification"])})
    return out


NEIGHBOUR = {"upheld": "partially_upheld", "partially_upheld": "upheld", "not_upheld": "partially_upheld",
             "inadmissible": "other", "other": "inadmissible", "conviction": "conviction", "acquittal": "dismissed",
             "dismissed": "acquittal"}


def answers(rng: random.Random, truth: dict, accuracy: float) -> dict:
    out = dict(truth)
    if rng.random() > accuracy:
        out["outcome"] = NEIGHBOUR[truth["outcome"]]
    if rng.random() > accuracy + 0.05:
        out["time_to_ruling_reasonable"] = not truth["time_to_ruling_reasonable"]
    if truth["cited_precedents"] and rng.random() > accuracy:
        out["cited_precedents"] = truth["cited_precedents"][:-1]
    if rng.random() > accuracy - 0.05:
        out["departs_from_own_precedent"] = rng.choice(
            [v for v in ("yes", "no", "not_applicable") if v != truth["departs_from_own_precedent"]])
    return out


def main() -> None:
    rng = random.Random(SEED)
    rulings = []
    modal: dict[tuple[str, str], Counter[str]] = {}
    plan = list(PLAN)
    # Dates: ruled through 2025, each judge's in order; a judge only rules in a court while assigned to it.
    windows = {("cisneros", "laboral"): (date(2025, 1, 13), date(2025, 5, 23)),
               ("cisneros", "enjuiciamiento"): (date(2025, 6, 16), date(2025, 11, 21)),
               ("escarzaga", "laboral"): (date(2025, 6, 9), date(2025, 11, 28)),
               ("najera", "civil-1"): (date(2025, 3, 10), date(2025, 4, 25))}
    for number, (judge, court, matter, kind) in enumerate(plan, 1):
        low, high = windows.get((judge, court), (date(2025, 1, 20), date(2025, 11, 28)))
        ruled = low + timedelta(days=rng.randint(0, (high - low).days))
        if ruled.weekday() >= 5:
            ruled -= timedelta(days=ruled.weekday() - 4)
        r = Ruling(rng, number, judge, court, matter, kind, ruled)
        r.heard_on = ruled - timedelta(days=rng.randint(3, 45) if kind == "sentencia" else rng.randint(1, 15))
        r.filed_on = r.heard_on - timedelta(days=rng.randint(60, 420) if kind == "sentencia" else rng.randint(20, 90))
        WRITERS[matter](r)
        rulings.append(r)
    # Two more rulings, just imported: their personal data still to be found and confirmed (the demo runs the
    # detector on them), written with their own random stream so the others stay as they are.
    extra = random.Random(SEED + 7)
    for number, (judge, court, matter, kind, ruled) in enumerate(IN_REDACTION, len(plan) + 1):
        r = Ruling(extra, number, judge, court, matter, kind, ruled)
        r.heard_on = ruled - timedelta(days=extra.randint(3, 30))
        r.filed_on = r.heard_on - timedelta(days=extra.randint(90, 300))
        WRITERS[matter](r)
        r.stage = "in_redaction"
        rulings.append(r)
    # And the rulings waiting for the team, with their own stream too.
    waiting = random.Random(SEED + 11)
    for number, (judge, court, matter, kind, ruled, stage) in enumerate(WAITING, len(plan) + len(IN_REDACTION) + 1):
        r = Ruling(waiting, number, judge, court, matter, kind, ruled)
        r.heard_on = ruled - timedelta(days=waiting.randint(3, 30))
        r.filed_on = r.heard_on - timedelta(days=waiting.randint(90, 300))
        WRITERS[matter](r)
        r.stage = stage
        rulings.append(r)
    rulings.sort(key=lambda r: r.ruled_on)
    annotating = max((r for r in rulings if r.judge["key"] == "fuentes" and r.kind == "sentencia"
                      and r.stage == "adjudicated"),
                     key=lambda r: r.ruled_on)
    annotating.stage = "annotating"
    out_rulings = []
    agreement = Counter()
    for r in rulings:
        text, personal = parse("\n\n".join(r.paragraphs))
        if r.stage in ("in_redaction", "to_read", "published"):  # nothing annotated yet
            assert r.stage == "in_redaction" or 600 <= len(text.split()) <= 2500, (r.case_number, len(text.split()))
            out_rulings.append({
                "case_number": r.case_number, "kind": r.kind, "matter": r.matter, "outcome": r.outcome,
                "court": r.court["key"], "judges": [{"judge": r.judge["key"], "role": "ponente"}],
                "filed_on": r.filed_on.isoformat(), "heard_on": r.heard_on.isoformat(),
                "ruled_on": r.ruled_on.isoformat(), "parties": r.parties, "words": len(text.split()),
                "stage": r.stage, "text": text, "personal_data": personal})
            continue
        words = len(text.split())
        assert 600 <= words <= 2500, (r.case_number, r.matter, r.kind, words)
        for _, sentence in r.defects:
            assert text.count(sentence) == 1, sentence
        key = (r.judge["key"], r.matter)
        earlier = modal.setdefault(key, Counter())
        departs = "not_applicable" if not earlier else \
            ("no" if r.outcome == earlier.most_common(1)[0][0] else "yes")
        earlier[r.outcome] += 1
        truth = {"outcome": r.outcome, "time_to_ruling_reasonable": (r.ruled_on - r.filed_on).days <= 365,
                 "cited_precedents": list(r.precedents), "departs_from_own_precedent": departs}
        ann_a = annotate(rng, r, text, 0.92)
        ann_b = annotate(rng, r, text, 0.86)
        for item in ann_a + ann_b:
            assert text.count(item["exact"]) == 1, item
        gold = [{"exact": sentence, "label": label} for label, sentence in r.defects]
        labels_a = {i["label"] for i in ann_a}
        labels_b = {i["label"] for i in ann_b}
        for label in LABELS:
            agreement[(label in labels_a) == (label in labels_b)] += 1
        item = {
            "case_number": r.case_number, "kind": r.kind, "matter": r.matter, "outcome": r.outcome,
            "court": r.court["key"], "judges": [{"judge": r.judge["key"], "role": "ponente"}],
            "filed_on": r.filed_on.isoformat(), "heard_on": r.heard_on.isoformat(),
            "ruled_on": r.ruled_on.isoformat(), "parties": r.parties, "words": words,
            "stage": r.stage, "text": text, "personal_data": personal,
            "annotations": {AUDITOR_A: ann_a, AUDITOR_B: ann_b},
            "answers": {AUDITOR_A: answers(rng, truth, 0.9), AUDITOR_B: answers(rng, truth, 0.85)},
            "adjudication": {"by": REVIEWER, "spans": gold, "answers": truth},
        }
        if r.stage == "annotating":  # the second auditor is halfway: no answers yet, nothing to adjudicate
            item["answers"][AUDITOR_B] = {}
            del item["adjudication"]
        out_rulings.append(item)
    case_numbers = Counter(r["case_number"] for r in out_rulings)
    assert max(case_numbers.values()) == 1, case_numbers.most_common(3)
    document = {
        "_comment": "Demo of the judicial-ruling audit domain (Victoria de Durango, 10005), written by "
                    "tools/make_demo_rulings.py (fixed seed). Synthetic: no real person, judge or case. "
                    "personal_data are {start, end, category} on the original text; annotations are by quote on "
                    "the public (redacted) text, which they never overlap with personal data.",
        "municipality": "10005",
        "courts": COURTS,
        "judges": [{k: v for k, v in j.items() if k != "sex"} for j in JUDGES],
        "project": {
            "name": "Auditoría social de sentencias, Distrito Judicial de Durango, 2025",
            "description": "Seguimiento durante 2025 de las sentencias y autos de seis personas juzgadoras del "
                           "Distrito Judicial de Durango por el equipo de auditoría social universitaria: "
                           "recopilación, anonimización, doble anotación de la motivación conforme a las categorías "
                           "del Tribunal Constitucional del Perú (exp. 00728-2008-PHC/TC) y cuadernos de decisiones "
                           "por persona juzgadora.",
            "period_starts_on": "2025-01-01", "period_ends_on": "2025-12-31",
            "team": [{"email": AUDITOR_A, "role": "auditor"}, {"email": AUDITOR_B, "role": "auditor"},
                     {"email": REVIEWER, "role": "reviewer"}, {"email": COORDINATOR, "role": "coordinator"}],
        },
        # Both are reviewed and published: Bracamontes's with its figures (12 rulings, above the minimum of 10)
        # and her reply beside it; Villalobos's withheld (8 rulings), the public reading why.
        "notebooks": [
            {"judge": "bracamontes", "period_starts_on": "2025-01-01", "period_ends_on": "2025-12-31",
             "review_note": "Cifras verificadas contra la adjudicación de las 12 resoluciones.",
             "reply": {"signed_as": "Leonor Bracamontes Ayala, Jueza Primero de lo Civil del Distrito Judicial de "
                                    "Durango",
                       "text": "Agradezco al equipo de auditoría social la lectura de mis resoluciones. Respecto de "
                               "la motivación insuficiente señalada en algunas de ellas, preciso que las objeciones "
                               "de documentos se resolvieron conforme al criterio del tribunal de alzada vigente en "
                               "ese momento; tomo nota de la observación para explicitar en lo sucesivo las razones "
                               "de cada desestimación. Los plazos entre la presentación de la demanda y la "
                               "sentencia reflejan la carga de trabajo del juzgado durante 2025, que se informó al "
                               "Consejo de la Judicatura."}},
            {"judge": "villalobos", "period_starts_on": "2025-01-01", "period_ends_on": "2025-12-31",
             "review_note": "Menos resoluciones que el mínimo: se publica como reservado."},
        ],
        "rulings": out_rulings,
    }
    OUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    words = [r["words"] for r in out_rulings]
    print("stages", dict(Counter(r["stage"] for r in out_rulings)))
    print(f"{len(out_rulings)} rulings, words {min(words)}–{max(words)} (total {sum(words)}), personal data "
          f"{dict(Counter(p['category'] for r in out_rulings for p in r['personal_data']))}, "
          f"label agreement {agreement[True] / sum(agreement.values()):.2f}, "
          f"defects {dict(Counter(s['label'] for r in out_rulings for s in r.get('adjudication', {}).get('spans', [])))}, "
          f"per judge {dict(Counter(r['judges'][0]['judge'] for r in out_rulings if r['stage'] != 'in_redaction'))}")


if __name__ == "__main__":
    main()
