"""Writes tests/rulings/redaction_sample.jsonl, the labelled sample on which redaction recall and precision are
measured (format and method: tests/rulings/redaction_sample.md).

    python tools/make_redaction_sample.py        # rewrites the file; same seed, same bytes

Passages are assembled from sentences of ruling prose (Peru, Mexico, Ecuador, Colombia), each personal datum
marked while it is written, so its offsets are exact; look-alikes that are not personal data (amounts, dates, law
and article numbers, the passage's own case number, cited precedents, the judges' names) are marked too.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_ids as ids  # noqa: E402

SEED = 20260716
OUT = Path(__file__).resolve().parent.parent / "tests" / "rulings" / "redaction_sample.jsonl"
CATEGORIES = ("dni", "ruc", "curp", "rfc", "ine_key", "cedula_ec", "cedula_co", "phone", "email", "address",
              "case_number", "person_name")


def P(category: str, value: str) -> str:
    """A personal datum: parsed into a span of `category`."""
    assert category in CATEGORIES
    return f"\x01{category}\x02{value}\x03"


def N(kind: str, value: str) -> str:
    """A look-alike that is not personal data."""
    return f"\x04{kind}\x02{value}\x03"


MARK = re.compile(r"([\x01\x04])([a-z_]+)\x02(.*?)\x03", re.S)


def parse(marked: str) -> tuple[str, list[dict], list[dict]]:
    text, spans, others, pos = "", [], [], 0
    for m in MARK.finditer(marked):
        text += marked[pos:m.start()]
        start = len(text)
        text += m.group(3)
        entry = {"start": start, "end": len(text)}
        if m.group(1) == "\x01":
            spans.append({**entry, "category": m.group(2)})
        else:
            others.append({**entry, "kind": m.group(2)})
        pos = m.end()
    text += marked[pos:]
    assert not re.search(r"[\x01-\x04]", text)
    return text, spans, others


def name_forms(rng: random.Random, p: ids.Person) -> str:
    """A person's name the way rulings write it: plain, upper case, surnames first, broken by a line end."""
    form = rng.random()
    if form < 0.45:
        return P("person_name", p.name)
    if form < 0.6:
        return P("person_name", p.name.upper())
    if form < 0.75:
        return P("person_name", f"{p.surname1.upper()} {p.surname2.upper()}, {p.given}")
    if form < 0.85:
        return P("person_name", p.short())
    parts = p.name.split(" ")
    cut = rng.randint(1, len(parts) - 1)
    return P("person_name", " ".join(parts[:cut]) + "\n" + " ".join(parts[cut:]))


def honorific(p: ids.Person, rng: random.Random) -> str:
    if p.sex == "F":
        return rng.choice(["doña ", "la señora ", "la ciudadana ", "", "la recurrente "])
    return rng.choice(["don ", "el señor ", "el ciudadano ", "", "el recurrente "])


# -- identity forms per category ----------------------------------------------------------------------------------

def dni_form(rng, number):
    return rng.choice([
        f"identificado con DNI {P('dni', number)}", f"identificada con D.N.I. N° {P('dni', ids.dotted(number))}",
        f"con DNI N.° {P('dni', number)}", f"con documento nacional de identidad número {P('dni', number)}",
        f"(DNI {P('dni', number)})", f"con D.N.I. Nro. {P('dni', number)}", f"con DNI\n{P('dni', number)}",
        f"portador del DNI N° {P('dni', number)}-{rng.randint(0, 9)}"])


def ruc_form(rng, number):
    return rng.choice([f"RUC N° {P('ruc', number)}", f"R.U.C. {P('ruc', number)}",
                       f"con Registro Único de Contribuyente número {P('ruc', number)}", f"RUC: {P('ruc', number)}",
                       f"con R.U.C. N.° {P('ruc', number)}"])


def curp_form(rng, value):
    return rng.choice([f"con C.U.R.P. {P('curp', value)}", f"CURP {P('curp', value)}",
                       f"con clave única de registro de población {P('curp', value)}", f"CURP:\n{P('curp', value)}",
                       f"(CURP {P('curp', value.lower() if rng.random() < 0.1 else value)})"])


def rfc_form(rng, value):
    shown = f"{value[:4]}-{value[4:10]}-{value[10:]}" if rng.random() < 0.3 else value
    return rng.choice([f"R.F.C. {P('rfc', shown)}", f"con RFC {P('rfc', shown)}",
                       f"con registro federal de contribuyentes {P('rfc', shown)}",
                       f"RFC con homoclave {P('rfc', shown)}"])


def ine_form(rng, value):
    return rng.choice([f"credencial para votar con clave de elector {P('ine_key', value)}",
                       f"clave de elector {P('ine_key', value)}", f"INE con clave {P('ine_key', value)}",
                       f"credencial del INE, clave de elector:\n{P('ine_key', value)}",
                       f"credencial de elector (clave {P('ine_key', value)})"])


def cedula_ec_form(rng, value):
    shown = f"{value[:9]}-{value[9]}" if rng.random() < 0.35 else value
    return rng.choice([f"con cédula de ciudadanía N° {P('cedula_ec', shown)}", f"C.I. {P('cedula_ec', shown)}",
                       f"portador de la cédula {P('cedula_ec', shown)}",
                       f"con cédula de identidad número {P('cedula_ec', shown)}",
                       f"con cédula\nN.° {P('cedula_ec', shown)}"])


def cedula_co_form(rng, value):
    shown = ids.dotted(value) if rng.random() < 0.6 else value
    return rng.choice([f"identificado con C.C. {P('cedula_co', shown)}",
                       f"con cédula de ciudadanía No. {P('cedula_co', shown)} de {rng.choice(ids.CITIES['CO'])}",
                       f"con la C.C. número {P('cedula_co', shown)}", f"portador de la cédula {P('cedula_co', shown)}",
                       f"C.C.\n{P('cedula_co', shown)}"])


ID_FORMS = {"PE": [("dni", dni_form)], "MX": [("curp", curp_form), ("rfc", rfc_form), ("ine_key", ine_form)],
            "EC": [("cedula_ec", cedula_ec_form)], "CO": [("cedula_co", cedula_co_form)]}


def person_id(rng, country, p: ids.Person, want: str | None = None) -> str:
    """One ID of this person in a written form; for Mexico the category is rotated (CURP, RFC, INE)."""
    category, form = next((c, f) for c, f in ID_FORMS[country] if c == want) if want else rng.choice(ID_FORMS[country])
    cache = p.__dict__.setdefault("ids", {})
    if category in cache:
        return form(rng, cache[category])
    value = cache[category] = {"dni": lambda: ids.dni(rng), "curp": lambda: ids.curp(rng, p), "rfc": lambda: ids.rfc(rng, p),
             "ine_key": lambda: ids.ine_key(rng, p), "cedula_ec": lambda: ids.cedula_ec(rng),
             "cedula_co": lambda: ids.cedula_co(rng)}[category]()
    return form(rng, value)


# -- look-alikes ----------------------------------------------------------------------------------------------------

LAWS = {"PE": ["Ley N° 27444", "Ley N.° 30364", "Decreto Legislativo N° 728", "Ley N° 29497", "Ley 27337"],
        "MX": ["Ley Federal del Trabajo", "artículo 14 de la Constitución Política de los Estados Unidos Mexicanos",
               "Ley 1 de 2020 del Estado de Durango", "artículo 1916 del Código Civil Federal"],
        "EC": ["artículo 76 numeral 7 literal l) de la Constitución", "Ley Orgánica de Garantías Jurisdiccionales",
               "Código Orgánico General de Procesos, artículo 164"],
        "CO": ["Ley 1564 de 2012", "artículo 29 de la Constitución Política", "Decreto 2591 de 1991",
               "Ley 1098 de 2006"]}
PRECEDENTS = {"PE": ["Exp. N° 00728-2008-PHC/TC", "Casación N° 2456-2018-Lima", "Exp. N.° 03943-2006-PA/TC"],
              "MX": ["jurisprudencia 1a./J. 139/2005", "tesis 2a. XXXV/2019", "contradicción de tesis 293/2011"],
              "EC": ["sentencia 1158-17-EP/21", "sentencia 001-10-SIN-CC"],
              "CO": ["sentencia T-025 de 2004", "sentencia C-355 de 2006", "sentencia SU-214 de 2016"]}
CURRENCY = {"PE": "S/", "MX": "$", "EC": "USD", "CO": "$"}
MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre"]


def amount(rng, country):
    value = rng.randint(800, 250_000)
    return N("amount", f"{CURRENCY[country]} {value:,}.00".replace(",", "," if country != "CO" else "."))


def a_date(rng):
    return N("date", f"{rng.randint(1, 28)} de {rng.choice(MONTHS)} de {rng.randint(2019, 2025)}")


def law(rng, country):
    return N("law", rng.choice(LAWS[country]))


def precedent(rng, country):
    return N("cited_precedent", rng.choice(PRECEDENTS[country]))


# -- passages -------------------------------------------------------------------------------------------------------

def passage(rng: random.Random, country: str, index: int) -> dict:
    own = ids.case_number(rng, country)
    judge = ids.Person(rng, country)
    judges = [judge.name]
    a, b, w = ids.Person(rng, country), ids.Person(rng, country), ids.Person(rng, country)
    firm = ids.company(rng, country)
    sentences: list[str] = []
    opener = rng.choice([
        f"En el expediente N° {N('own_case_number', own)}, seguido por {honorific(a, rng)}{name_forms(rng, a)}, "
        f"{person_id(rng, country, a)}, contra {honorific(b, rng)}{name_forms(rng, b)}, "
        f"{person_id(rng, country, b)}, sobre {rng.choice(['alimentos', 'desalojo', 'indemnización', 'divorcio por causal', 'pago de beneficios sociales', 'obligación de dar suma de dinero'])}.",
        f"VISTOS: los autos del proceso {N('own_case_number', own)}, promovido por {name_forms(rng, a)} "
        f"{person_id(rng, country, a)} en contra de {name_forms(rng, b)}, {person_id(rng, country, b)}; "
        f"con domicilio procesal en {P('address', ids.address(rng, country))}.",
        f"La demandante {name_forms(rng, a)}, {person_id(rng, country, a)}, con domicilio real en "
        f"{P('address', ids.address(rng, country))}, interpone demanda que se tramita bajo el número "
        f"{N('own_case_number', own)} ante este juzgado.",
    ])
    sentences.append(opener)
    pool = [
        lambda: f"Se notificó al emplazado en {P('address', ids.address(rng, country))}, según la cédula de "
                f"notificación de fecha {a_date(rng)}, la cual obra a fojas {N('folio', str(rng.randint(12, 480)))}.",
        lambda: f"La parte actora señaló como teléfono de contacto el {P('phone', ids.phone(rng, country))} y como "
                f"correo electrónico {P('email', ids.email(rng, a))}, donde solicita ser notificada.",
        lambda: f"Declaró como testigo {honorific(w, rng)}{name_forms(rng, w)}, {person_id(rng, country, w)}, "
                f"{'vecina' if w.sex == 'F' else 'vecino'} del lugar, quien refirió haber presenciado los hechos el {a_date(rng)}.",
        lambda: f"Obra en autos la constancia de trabajo expedida por {N('company', firm)}, "
                f"{ruc_form(rng, ids.ruc(rng, company=True))}, por la que se acredita una remuneración mensual de "
                f"{amount(rng, country)}." if country == "PE" else
                f"Obra en autos la constancia de trabajo expedida por {N('company', firm)}, que acredita una "
                f"percepción mensual de {amount(rng, country)}, depositada a nombre de {name_forms(rng, b)}.",
        lambda: f"El demandado refiere que existe otro proceso entre las mismas partes, el expediente "
                f"{P('case_number', ids.case_number(rng, country))}, en trámite ante otro juzgado, lo que no se "
                f"acredita con copia certificada alguna.",
        lambda: f"Conforme a lo dispuesto en {law(rng, country)} y al criterio de {precedent(rng, country)}, la "
                f"motivación de las resoluciones judiciales constituye una garantía del justiciable.",
        lambda: f"Mediante escrito de fecha {a_date(rng)}, {honorific(b, rng)}{name_forms(rng, b)} comunicó su "
                f"nuevo domicilio, sito en {P('address', ids.address(rng, country))}, y el número "
                f"{P('phone', ids.phone(rng, country))}.",
        lambda: f"Se ordena remitir copias al correo institucional del abogado patrocinante, "
                f"{P('email', ids.email(rng, ids.Person(rng, country)))}, y al de la parte contraria, "
                f"{P('email', ids.email(rng, b))}.",
        lambda: f"La liquidación de pensiones devengadas asciende a {amount(rng, country)}, calculada desde el "
                f"{a_date(rng)}, conforme al informe del especialista legal.",
        lambda: f"Acumúlese al presente el cuaderno del expediente {P('case_number', ids.case_number(rng, country))}, "
                f"por existir conexidad, y téngase presente lo resuelto en el proceso "
                f"{P('case_number', ids.case_number(rng, country))}.",
        lambda: f"Firma la presente {rng.choice(['la jueza', 'la magistrada'] if judge.sex == 'F' else ['el juez', 'el magistrado'])} "
                f"{N('judge_name', judge.name)}, por licencia del titular, ante el secretario que da fe.",
        lambda: (lambda child: f"{'La hija' if child.sex == 'F' else 'El hijo'} menor de edad, "
                 f"{name_forms(rng, child)}, {person_id(rng, country, child)}, reside con su madre en "
                f"{P('address', ids.address(rng, country))}.")(ids.Person(rng, country)),
        lambda: f"Según el artículo {N('article', str(rng.randint(2, 480)))} del código adjetivo, el plazo es de "
                f"{N('number', str(rng.choice([3, 5, 10, 15, 30])))} días hábiles; el recurso se presentó fuera de "
                f"plazo, el {a_date(rng)}.",
        lambda: f"La empleadora {N('company', firm)} no exhibió las planillas; su representante, "
                f"{name_forms(rng, w)}, {person_id(rng, country, w)}, fijó como teléfono el "
                f"{P('phone', ids.phone(rng, country))}.",
    ]
    for make in rng.sample(pool, rng.randint(5, 8)):
        sentences.append(make())
    if country == "MX":  # every Mexican passage carries each of the three IDs at least once
        extra = ids.Person(rng, "MX")
        sentences.append(f"Comparece también {name_forms(rng, extra)}, {curp_form(rng, ids.curp(rng, extra))}, "
                         f"{rfc_form(rng, ids.rfc(rng, extra))} y {ine_form(rng, ids.ine_key(rng, extra))}.")
    if country == "PE":
        sentences.append(f"Con RUC de persona natural {P('ruc', ids.ruc(rng, dni_number=ids.dni(rng)))}, el "
                         f"demandado emite recibos por honorarios desde el {a_date(rng)}.")
    closing = rng.choice([
        f"Por estos fundamentos, se resuelve conforme a ley. {'Jueza' if judge.sex == 'F' else 'Juez'}: {N('judge_name', judge.name.upper())}.",
        f"Regístrese y notifíquese. — {N('judge_name', judge.name)}, {'Jueza' if judge.sex == 'F' else 'Juez'}.",
        "Así lo resolvió y firma el juzgado, en la fecha indicada.",
    ])
    sentences.append(closing)
    separator = rng.choice([" ", "\n", "\n\n"])
    text, spans, others = parse(separator.join(sentences))
    return {"id": f"{country.lower()}-{index:03d}", "country": country, "text": text, "own_case_number": own,
            "judges": judges, "spans": spans, "not_personal": others}


def main() -> None:
    rng = random.Random(SEED)
    plan = ["PE"] * 24 + ["MX"] * 24 + ["EC"] * 14 + ["CO"] * 14
    rng.shuffle(plan)
    counters: Counter[str] = Counter()
    passages = []
    for i, country in enumerate(plan, 1):
        counters[country] += 1
        passages.append(passage(rng, country, counters[country]))
    totals = Counter(s["category"] for p in passages for s in p["spans"])
    missing = {c: totals[c] for c in CATEGORIES if totals[c] < 30}
    assert not missing, f"fewer than 30 of {missing}"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        for p in passages:
            out.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"{len(passages)} passages, spans: {dict(sorted(totals.items()))}, look-alikes: "
          f"{dict(Counter(o['kind'] for p in passages for o in p['not_personal']))}")


if __name__ == "__main__":
    main()
