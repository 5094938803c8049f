"""Finding personal data in a ruling's original text (docs/rulings.md, "Redaction").

Patterns find identity numbers (with their check digits where the scheme has one: RUC of Peru, cédula of
Ecuador), e-mails, phones, addresses and the case numbers of OTHER cases; person names come from spaCy's
`es_core_news_sm` named entities combined with context rules (a capitalised sequence after "la señora", "el
demandado", "testigo"..., and the "APELLIDOS, Nombre" form). Without spaCy or its model the rules alone find
names (`detector = rules`). Judges' names are public professional data: never a finding. Overlaps are resolved by
priority (identity numbers, e-mail, phone, case number, address, name): a lower-priority finding inside a
higher-priority one is dropped.

A finding is a span [start, end) of the text with a category and a detector; it never copies the text.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Spanish placeholders that replace a confirmed span in a public version
PLACEHOLDERS = {
    "dni": "[DNI]", "ruc": "[RUC]", "curp": "[CURP]", "rfc": "[RFC]", "ine_key": "[CLAVE DE ELECTOR]",
    "cedula_ec": "[CÉDULA]", "cedula_co": "[CÉDULA]", "phone": "[TELÉFONO]", "email": "[CORREO ELECTRÓNICO]",
    "address": "[DIRECCIÓN]", "case_number": "[EXPEDIENTE]", "person_name": "[NOMBRE]", "other": "[DATO PERSONAL]",
}

PRIORITY = ["curp", "ine_key", "rfc", "ruc", "cedula_ec", "cedula_co", "dni", "email", "phone", "case_number",
            "address", "person_name", "other"]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    category: str
    detector: str  # pattern, ner, rules


# ------------------------------------------------------------------------------------------------ check digits


def ruc_valid(digits: str) -> bool:
    """Peru's RUC: 11 digits, a taxpayer-type prefix, SUNAT's modulo-11 check digit."""
    if len(digits) != 11 or not digits.isdigit() or digits[:2] not in {"10", "15", "16", "17", "20"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)))
    check = 11 - total % 11
    check = {10: 0, 11: 1}.get(check, check)
    return check == int(digits[10])


def cedula_ec_valid(digits: str) -> bool:
    """Ecuador's cédula: 10 digits, province 01-24 (30 abroad), third digit below 6, modulo-10 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    if not (1 <= int(digits[:2]) <= 24 or digits[:2] == "30") or int(digits[2]) >= 6:
        return False
    total = 0
    for position, digit in enumerate(digits[:9]):
        product = int(digit) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10 == int(digits[9])


# ------------------------------------------------------------------------------------------------ patterns

_NUM_LABEL = r"(?:\s*(?:N\.?\s?[°º]|N[o.]|No\.?|Nro\.?|núm(?:ero|\.)?|number)\s*[:.]?)?\s*[:]?\s*"
_SP = r"[ \t]*\n?[ \t]*"  # a space that may hold one line break (PDF wraps)

EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
CURP = re.compile(r"\b[A-Z][AEIOUX][A-Z]{2}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[HMX]"
                  r"(?:AS|B[CS]|C[CLMSH]|D[FG]|G[TR]|HG|JC|M[CNS]|N[ETL]|OC|PL|Q[TR]|S[PLR]|T[CSL]|VZ|YN|ZS|NE)"
                  r"[B-DF-HJ-NP-TV-Z]{3}[A-Z\d]\d\b")
INE = re.compile(r"\b[A-Z]{6}\d{8}[HM]\d{3}\b")
RFC = re.compile(r"\b[A-ZÑ&]{3,4}[ -]?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ -]?[A-Z\d]{2}[A\d]\b")
RUC = re.compile(r"(?<![\d.])(?:10|15|16|17|20)\d{9}(?![\d])")
DNI = re.compile(r"(?i:\bD\.?\s?N\.?\s?I\.?|documento nacional de identidad|documento de identidad)"
                 + _NUM_LABEL.replace(r"\s*", _SP)
                 + r"(?P<num>\d{2}\.?\d{3}\.?\d{3})(?!\d)")
CEDULA = re.compile(r"(?P<label>(?i:c[ée]dula(?:\s+de\s+(?:ciudadan[íi]a|identidad|identificaci[óo]n))?"
                    r"|\bC\.\s?[CI]\.|\bC[CI]\b))"
                    + _NUM_LABEL.replace(r"\s*", _SP)
                    + r"(?P<num>\d{1,3}(?:\.\d{3}){1,3}|\d{9}-\d|\d{6,10})(?![\d])")
PHONE_LABEL = re.compile(r"(?i:tel[ée]fono|tel[ée]f?\.|\btel\b|celular|cel\.|m[óo]vil|whatsapp|fono|contacto"
                         r"|n[úu]mero)")
PHONE = re.compile(r"(?<![\w/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,3}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,3}(?![\w/-])")
CASE_LONG = re.compile(
    r"(?<![\w-])(?:\d{5}-\d{4}-\d{1,2}-\d{4}-[A-Z]{2}-[A-Z]{2}-\d{2}"  # Peru: 00962-2019-0-1801-JM-FC-01
    r"|\d{5}-\d{4}-\d{5}(?:[A-Z])?"  # Ecuador: 17203-2019-07886
    r"|\d{5}-\d{2}-\d{2}-\d{3}-\d{4}-\d{5}-\d{2}"  # Colombia: radicado 11001-31-03-001-2019-00123-00
    r"|\d{23})(?![\w-])")
CASE_SHORT = re.compile(
    r"(?i:expedientes?|exp\.|proceso|causa|juicio|toca|amparo(?:\s+(?:directo|indirecto|en\s+revisi[óo]n))?"
    r"|radicado|radicaci[óo]n|carpeta(?:\s+de\s+investigaci[óo]n)?|cuaderno|recurso)"
    r"(?:\s+(?:N[°º.o]|No\.?|Nro\.?|n[úu]mero|judicial|penal|civil|laboral))?\s*[:.]?\s*"
    r"(?P<num>[A-Z]{0,4}[-/ ]?\d{1,6}(?:[-/]\d{1,6}){1,6}(?:-[A-Z]{1,5}(?:-\d{1,3})?)?(?:/[A-Z]{1,4})?)(?![\w-])")
PRECEDENT = re.compile(r"(?:/TC|-(?:SIN|SEP|SCN|SIS|SAN|CN|IN|EP)-CC)$|^(?:T|C|SU|A)-\d")  # public case law

STREET = (r"(?:Av(?:enida)?\.?|Avda\.|Jr\.|Jir[óo]n|Calle|Cl\.|Cll\.|Carrera|Cra\.|Kr\.|Transversal|Tv\.|"
          r"Diagonal|Dg\.|Psje\.|Pasaje|Calzada|Calz\.|Blvd\.|Boulevard|Bulevar|Privada|Priv\.|Andador|Carretera|"
          r"Mz\.|Manzana|Prolongaci[óo]n|Prol\.|Callej[óo]n|Urb\.|Urbanizaci[óo]n|Lote|Lt\.|Camino)")
ADDRESS_START = re.compile(r"(?<![\w.])" + STREET + r"(?=[ \t\n]+[\wÁÉÍÓÚÑ#°])")
ADDRESS_PART = re.compile(
    r"(?i:distrito|barrio|sector|colonia|col\.|urb\.|urbanizaci[óo]n|provincia|departamento|dpto\.|depto\.|"
    r"municipio|cant[óo]n|parroquia|interior|int\.|piso|lote|lt\.|mz\.|manzana|c\.\s?p\.|c[óo]digo postal|"
    r"y\s+calle|esquina|esq\.|entre|n[°º]|no\.|km|kil[óo]metro|conjunto|edificio|torre|apto\.|apartamento|"
    r"casa|block|etapa|fraccionamiento|fracc\.|localidad|ciudad|estado|ciudadela|cdla\.)")

ADDRESS_NEXT = re.compile(r",[ \t]*\n?[ \t]*((?:(?i:urb|col|mz|lt|dpto|depto|int|av|jr|cdla|fracc|c\.\s?p|no|n|km|"
                          r"edif|mza|ote|pte|nte|sur|esq|prol|priv|blvd|calz|psje|cra|cl|tv|dg)\.[ \t]*)?"
                          r"[^,.;\n]{1,60})")

# person names ---------------------------------------------------------------------------------------------
_UP = "A-ZÁÉÍÓÚÑÜ"
_LO = "a-záéíóúñü"
_CAP = rf"[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?"
_CAPS = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})?"
_PART = r"(?:de|del|de la|de los|la|y|vda\. de|viuda de)"
_NAME_SEP = r"[ \t]*\n?[ \t]*"
NAME = rf"(?:{_CAP}|{_CAPS})(?:{_NAME_SEP}(?:{_PART}{_NAME_SEP})?(?:{_CAP}|{_CAPS})){{1,5}}"
INVERTED = rf"{_CAPS}(?:{_NAME_SEP}{_CAPS}){{0,3}},[ \t]+{_CAP}(?:[ \t]+{_CAP})?"
NAME_CUE = re.compile(
    r"(?i:\b(?:se[ñn]or(?:a|ita)?|sr\.|sra\.|srta\.|don|do[ñn]a|d\.|testigos?|demandantes?|demandad[oa]s?|"
    r"actor(?:a)?|accionantes?|agraviad[oa]s?|imputad[oa]s?|acusad[oa]s?|procesad[oa]s?|sentenciad[oa]s?|"
    r"v[íi]ctimas?|menor(?:es)?|ni[ñn][oa]s?|adolescentes?|representante|apoderad[oa]|trabajador(?:a)?|"
    r"c[óo]nyuge|esposa|esposo|hij[oa]s?|madre|padre|promovid[oa] por|en contra de|contra|de nombre|"
    r"denunciante|ofendid[oa]|quejos[oa]|tercer[oa]|perito|abogad[oa]|licenciad[oa]|lic\.|ing\.|"
    r"heredero|causante|occis[oa]|finad[oa]|ciudadan[oa]|el\s+(?:ciudadano|se[ñn]or)|ante\s+m[íi]|"
    r"suscrit[oa]|compareci[óo]|comparece(?:\s+tambi[ée]n)?|manifest[óo]|declar[óo]|refiri[óo]|conviviente|"
    r"concubin[oa]|recurrentes?|a nombre de|seguid[oa] por|interpuest[oa] por|solicitante|progenitor(?:a)?|"
    r"emplazad[oa]|codemandad[oa]|litisconsorte|beneficiari[oa])\b)"
    r"(?:[ \t]+menor(?:es)?\s+de\s+edad)?[ \t]*,?[ \t]*\n?[ \t]*"
    r"(?:(?:el|la|los|las|don|do[ñn]a|se[ñn]or(?:a)?|sr\.|sra\.|ciudadan[oa])[ \t]+)?")
NAME_AFTER_CUE = re.compile(rf"(?:{INVERTED}|{NAME})")
INVERTED_ANY = re.compile(rf"(?<![\w{_UP}])(?:{INVERTED})")
NOT_NAME_WORDS = {
    "ley", "código", "codigo", "artículo", "articulo", "juzgado", "sala", "corte", "tribunal", "poder", "judicial",
    "ministerio", "público", "publico", "república", "republica", "estado", "constitución", "constitucion",
    "sentencia", "auto", "expediente", "fallo", "vistos", "considerando", "considerandos", "resuelve", "antecedentes",
    "calle", "avenida", "jirón", "jiron", "distrito", "provincia", "departamento", "municipio", "colonia", "sector",
    "barrio", "fiscalía", "fiscalia", "defensoría", "defensoria", "procuraduría", "procuraduria", "sunat", "reniec",
    "instituto", "nacional", "dirección", "direccion", "secretaría", "secretaria", "juez", "jueza", "magistrado",
    "magistrada", "doctor", "doctora", "civil", "penal", "laboral", "familia", "primera", "segunda", "tercera",
    "primero", "tercero", "superior", "suprema", "federal", "sociedad", "empresa", "banco", "caja",
    "municipalidad", "gobierno", "regional", "s.a.", "s.a.c.", "cía.", "ltda.", "s.a", "sac", "srl", "s.r.l.",
    "eirl", "e.i.r.l.", "s.a.s.", "regístrese", "registrese", "notifíquese", "notifiquese", "cúmplase", "cumplase",
    "por", "tanto", "lima", "callao", "durango", "quito", "guayaquil", "bogotá", "bogota", "cuenca", "méxico",
    "mexico", "perú", "peru", "ecuador", "colombia", "dni", "ruc", "curp", "rfc", "ine", "cédula", "cedula",
    "fundada", "infundada", "improcedente", "nula", "declara", "declaro", "declárese", "primer", "único", "unico",
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "agosto", "septiembre", "setiembre", "octubre",
    "noviembre", "diciembre", "textiles", "constructora", "transportes", "comercial", "industrias", "servicios",
    "inversiones", "corporación", "corporacion", "grupo", "asociación", "asociacion", "cooperativa", "fondo",
    "seguro", "social", "salud", "hospital", "clínica", "clinica", "universidad", "colegio", "escuela",
    "andinos", "consejo", "ejecutivo", "oficina", "registro", "registros", "notaría", "notaria", "general",
    "orgánico", "organico", "procesal", "procesos", "penitenciario", "especializado", "mixto", "paz", "letrado",
    "sentenciador", "colegiado", "unipersonal", "apelaciones", "casación", "casacion", "amparo", "hábeas",
    "habeas", "corpus", "data", "cumplimiento", "nulidad", "resolución", "resolucion", "decreto", "oficio",
    "ltda", "panificadora", "distribuidora", "minera", "generales", "legislativo", "garantías", "garantias",
    "jurisdiccionales", "cercado", "palacio", "revueltas", "mirador", "cerro",
}
COMPANY_SUFFIX = re.compile(r"^\s*(?:S\.?\s?A\.?(?:\s?C\.?)?|S\.?\s?R\.?\s?L\.?|E\.?I\.?R\.?L\.?|Cía\.|Ltda\.|"
                            r"S\.?\s?A\.?\s?S\.?|S\.?\s?C\.?|A\.?\s?C\.?|S\.? de R\.?L\.?)", re.IGNORECASE)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace(",", " ").split())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# ------------------------------------------------------------------------------------------------ detectors


def _identity_numbers(text: str) -> list[Found]:
    found: list[Found] = []
    for match in CURP.finditer(text):
        found.append(Found(match.start(), match.end(), "curp", "pattern"))
    for match in INE.finditer(text):
        found.append(Found(match.start(), match.end(), "ine_key", "pattern"))
    for match in RFC.finditer(text):
        found.append(Found(match.start(), match.end(), "rfc", "pattern"))
    for match in RUC.finditer(text):
        if ruc_valid(match.group()):
            found.append(Found(match.start(), match.end(), "ruc", "pattern"))
    for match in DNI.finditer(text):
        found.append(Found(match.start("num"), match.end("num"), "dni", "pattern"))
    for match in CEDULA.finditer(text):
        label = match.group("label").replace(" ", "").lower()
        number = match.group("num")
        digits = _digits(number)
        if cedula_ec_valid(digits) and "." not in number and label not in {"c.c.", "cc"}:
            category = "cedula_ec"
        elif label in {"c.i.", "ci"} and len(digits) == 10:
            category = "cedula_ec"
        elif 6 <= len(digits) <= 10 and "-" not in number:
            category = "cedula_co"
        else:
            continue
        found.append(Found(match.start("num"), match.end("num"), category, "pattern"))
    return found


def _emails(text: str) -> list[Found]:
    return [Found(m.start(), m.end(), "email", "pattern") for m in EMAIL.finditer(text)]


def _phones(text: str) -> list[Found]:
    found = []
    for match in PHONE.finditer(text):
        digits = _digits(match.group())
        if not 7 <= len(digits) <= 13:
            continue
        before = text[max(0, match.start() - 60):match.start()]
        labelled = PHONE_LABEL.search(before) is not None
        grouped = re.search(r"[\s.()-]", match.group().strip()) is not None
        mobile = (len(digits) == 9 and digits[0] == "9") or (len(digits) == 10 and digits[:2] == "09")
        if re.fullmatch(r"(?:19|20)\d{2}", digits[-4:]) and "-" in match.group() and not labelled:
            continue  # 5962-2016: a case number, not a phone
        id_label = re.search(r"(?i)(?:dni|ruc|c[ée]dula|c\.[ci]\.)\W*$", before)
        money = re.search(r"[$/]|S/\s*$", before[-4:])
        if labelled or (mobile and not id_label) or (
                grouped and len(digits) >= 9 and "." not in match.group() and not money):
            found.append(Found(match.start(), match.end(), "phone", "pattern"))
    return found


def _normal_case(number: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", number.upper()).lstrip("0")


def _case_numbers(text: str, own: Iterable[str]) -> list[Found]:
    own_keys = {_normal_case(number) for number in own if number}
    found = []
    spans: list[tuple[int, int]] = []
    for match in CASE_LONG.finditer(text):
        spans.append((match.start(), match.end()))
    for match in CASE_SHORT.finditer(text):
        number = match.group("num").strip()
        start = match.start("num") + (len(match.group("num")) - len(match.group("num").lstrip()))
        if not re.search(r"\d", number) or len(_digits(number)) < 4:
            continue
        spans.append((start, match.end("num")))
    seen = set()
    for start, end in sorted(spans):
        number = text[start:end]
        if PRECEDENT.search(number) or (start, end) in seen:
            continue
        if _normal_case(number) in own_keys:
            continue
        seen.add((start, end))
        found.append(Found(start, end, "case_number", "pattern"))
    return found


def _addresses(text: str) -> list[Found]:
    found = []
    for match in ADDRESS_START.finditer(text):
        start = match.start()
        end = match.end()
        # the street: up to the first comma, full stop or semicolon (at most 80 characters)
        street = re.match(r"[^,.;:\n]*(?:\n[^,.;:\n]*)?", text[end:end + 80])
        end += len(street.group()) if street else 0
        # the following parts: ", barrio X", ", distrito de Y", ", Lima"
        for _ in range(6):
            part = ADDRESS_NEXT.match(text, end)
            if part is None:
                break
            words = part.group(1).strip()
            first = words.split(" ")[0] if words else ""
            if not words:
                break
            if ADDRESS_PART.match(words) or (first[:1].isupper() and len(words.split()) <= 4
                                              and not re.search(r"\b(?:con|portador|identificad|quien|según|segun|"
                                                                r"el|la|de fecha|mediante|DNI|RUC|CURP|RFC)\b",
                                                                words)) or re.match(r"\d", words):
                end = part.end()
            else:
                break
        # "y calle X" continues the street
        end_text = text[start:end].rstrip(" \t\n")
        if len(end_text) >= 8:
            found.append(Found(start, start + len(end_text), "address", "pattern"))
    return found


def _is_judge(name: str, judges: list[set[str]]) -> bool:
    tokens = set(_plain(name).split()) - {"de", "del", "la", "y", "los"}
    return bool(tokens) and any(tokens <= judge or (len(tokens & judge) >= 2 and len(judge) >= 2
                                                     and judge <= tokens) for judge in judges)


def _clean_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a candidate to a plausible person name: no digits, 2-7 words, not an institution or place."""
    span = text[start:end]
    if re.search(r"\d|@", span):
        return None
    words = re.findall(r"[\wÁÉÍÓÚÑÜáéíóúñü.]+", span)
    names = [w for w in words if w.lower() not in {"de", "del", "la", "los", "y", "vda.", "viuda"}]
    if len(names) < 2 or len(names) > 7:
        return None
    if any(w.endswith(".") or len(w) == 1 for w in names):  # abbreviations: D.N.I., S.A., N.
        return None
    if any(w.lower().strip(".") in NOT_NAME_WORDS or w.lower() in NOT_NAME_WORDS for w in names):
        return None
    if not all(w[:1].isupper() for w in names):
        return None
    if COMPANY_SUFFIX.match(text[end:end + 12]):
        return None
    return start, end


def _names_by_rules(text: str) -> list[Found]:
    found = []
    for cue in NAME_CUE.finditer(text):
        match = NAME_AFTER_CUE.match(text, cue.end())
        if match:
            span = _clean_name(text, match.start(), match.end())
            if span:
                found.append(Found(*span, "person_name", "rules"))
    for match in INVERTED_ANY.finditer(text):
        span = _clean_name(text, match.start(), match.end())
        if span:
            found.append(Found(*span, "person_name", "rules"))
    return found


_NLP: list[Any] = []
_NLP_LOCK = threading.Lock()
_NLP_MISSING = object()


def ner_model() -> Any | None:
    """spaCy's es_core_news_sm (tagger and parser left out), loaded once; None when spaCy or the model is absent
    (then the rules alone find names). The model declares spaCy < 3.2 and loads under 3.8 with warning W095,
    silenced here."""
    if not _NLP:
        with _NLP_LOCK:
            if not _NLP:
                try:
                    with warnings.catch_warnings():
                        warnings.filterwarnings("ignore", message=r".*\[W095\]")
                        warnings.filterwarnings("ignore", category=DeprecationWarning)
                        warnings.filterwarnings("ignore", category=UserWarning, module=r"spacy.*")
                        import spacy

                        model = spacy.load("es_core_news_sm", exclude=["parser", "lemmatizer", "morphologizer",
                                                                       "attribute_ruler", "senter"])
                except Exception as exc:  # ImportError, OSError (model not installed), a broken model
                    log.warning("spaCy es_core_news_sm not available (%s): person names by rules only", exc)
                    model = _NLP_MISSING
                _NLP.append(model)
    return None if _NLP[0] is _NLP_MISSING else _NLP[0]


def _names_by_ner(text: str, nlp: Any) -> list[Found]:
    found = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning)
        doc = nlp(text)
    for entity in doc.ents:
        if entity.label_ not in {"PER", "MISC"}:
            continue
        # drop leading words that are not part of a name ("La demandante MIGUEL PAZMIÑO")
        tokens = [t for t in entity]
        while tokens and not (tokens[0].text[:1].isupper() and tokens[0].text.lower() not in NOT_NAME_WORDS
                              and tokens[0].text.lower() not in {"la", "el", "los", "las", "don", "doña"}):
            tokens = tokens[1:]
        if not tokens:
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        span = _clean_name(text, start, end)
        if span:
            found.append(Found(*span, "person_name", "ner"))
    return found


def _resolve(found: list[Found]) -> list[Found]:
    """Drop exact duplicates and any finding overlapping one of higher priority (or a longer one of the same
    category)."""
    rank = {category: position for position, category in enumerate(PRIORITY)}
    ordered = sorted(found, key=lambda f: (rank.get(f.category, 99), -(f.end - f.start), f.start))
    kept: list[Found] = []
    for finding in ordered:
        if any(finding.start < other.end and other.start < finding.end for other in kept):
            continue
        kept.append(finding)
    return sorted(kept, key=lambda f: (f.start, f.end))


def detect(text: str, *, own_case_numbers: Iterable[str] = (), judge_names: Iterable[str] = (),
           use_ner: bool = True) -> list[Found]:
    """The personal data in `text`, by start. `own_case_numbers`: the ruling's own expediente (not a finding);
    `judge_names`: public professional data (not findings). `use_ner=False` forces the rules fallback."""
    judges = [set(_plain(name).split()) - {"de", "del", "la", "y", "los"} for name in judge_names if name.strip()]
    found = [*_identity_numbers(text), *_emails(text), *_phones(text), *_case_numbers(text, own_case_numbers),
             *_addresses(text)]
    names = _names_by_rules(text)
    nlp = ner_model() if use_ner else None
    if nlp is not None:
        names += _names_by_ner(text, nlp)
    names = [f for f in names if not _is_judge(text[f.start:f.end], judges)]
    # a name from NER and rules on the same words: keep the wider span once, as found by NER
    return _resolve(found + _merge_names(names))


def _merge_names(names: list[Found]) -> list[Found]:
    merged: list[Found] = []
    for finding in sorted(names, key=lambda f: (f.start, -f.end)):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            detector = "ner" if "ner" in (last.detector, finding.detector) else last.detector
            merged[-1] = Found(last.start, max(last.end, finding.end), "person_name", detector)
        else:
            merged.append(finding)
    return merged


@dataclass(frozen=True)
class Placed:
    """A placeholder in a redacted text: [start, end) there, and the span [original_start, original_end) of the
    original it replaces (code points both)."""

    start: int
    end: int
    category: str
    placeholder: str
    original_start: int
    original_end: int


def redact(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """`text` with each span replaced by its category's Spanish placeholder; overlapping spans become one (the
    placeholder of the first)."""
    return redact_placed(text, spans)[0]


def redact_placed(text: str, spans: Iterable[tuple[int, int, str]]) -> tuple[str, list[Placed]]:
    """`redact`, and where each placeholder landed in the redacted text."""
    merged: list[list[Any]] = []
    for start, end, category in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, category])
    out = []
    placed = []
    position = 0
    length = 0
    for start, end, category in merged:
        out.append(text[position:start])
        length += start - position
        placeholder = PLACEHOLDERS.get(category, PLACEHOLDERS["other"])
        out.append(placeholder)
        placed.append(Placed(length, length + len(placeholder), category, placeholder, start, end))
        length += len(placeholder)
        position = end
    out.append(text[position:])
    return "".join(out), placed
