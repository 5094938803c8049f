"""What the redaction detector (redaction.py) matches: the check digits of Peru's RUC and Ecuador's cédula, the
regular expressions for identity numbers, e-mails, phones, case numbers, addresses and person names (with the
context words that announce a name and the words that are never one), and two small text helpers."""

from __future__ import annotations

import re
import unicodedata

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


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace(",", " ").split())


def only_digits(text: str) -> str:
    return re.sub(r"\D", "", text)
