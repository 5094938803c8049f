"""Synthetic personal data for the rulings demo and the labelled redaction sample: names, identity numbers with
their real check digits (RUC, CURP, RFC, Ecuadorian cédula), phones, e-mails on reserved domains, addresses and
case numbers. Every value is drawn from a seeded random.Random, so the generated files are reproducible; no value
is copied from a real person (e-mail domains are the reserved example.com/.org/.net and *.example).

Used by tools/make_demo_rulings.py and tools/make_redaction_sample.py.
"""

from __future__ import annotations

import random
import unicodedata

GIVEN_F = ["María del Carmen", "Rosa Elvira", "Juana", "Lucía Fernanda", "Ana Sofía", "Gloria", "Teresa",
           "Verónica", "Claudia Patricia", "Margarita", "Yolanda", "Elizabeth", "Karina", "Norma Angélica",
           "Silvia", "Guadalupe", "Beatriz", "Irma", "Leticia", "Maribel", "Paola Andrea", "Diana Marcela",
           "Luz Mery", "Nelly", "Flor de María", "Ximena", "Estefanía", "Rocío", "Alejandra", "Mónica"]
GIVEN_M = ["José Luis", "Juan Carlos", "Luis Alberto", "Miguel Ángel", "Jorge", "Víctor Hugo", "Raúl",
           "Carlos Enrique", "Pedro Pablo", "Francisco Javier", "Jesús", "Manuel", "Rigoberto", "Efraín",
           "Óscar", "Wilmer", "Édgar", "Julio César", "Andrés Felipe", "Segundo", "Alfonso", "Ernesto",
           "Gustavo Adolfo", "Hugo", "Ramiro", "Saúl", "Tomás", "Alonso", "Isidro", "Nicolás"]
SURNAMES = {
    "PE": ["Quispe", "Huamán", "Mamani", "Condori", "Chávez", "Rojas", "Flores", "Vásquez", "Ticona", "Ccori",
           "Sánchez", "Torres", "Paredes", "Huanca", "Villanueva", "Cárdenas", "Salazar", "Espinoza", "Aguilar",
           "Ñahui", "Palomino", "Cahuana", "Inga", "Yupanqui"],
    "MX": ["Hernández", "García", "Martínez", "Soto", "Reyes", "Contreras", "Galindo", "Arámbula", "Ibarra",
           "Corral", "Quiñónez", "Zamora", "Valenzuela", "Ochoa", "Bañuelos", "Rentería", "Simental", "Olvera",
           "Alvarado", "Carrasco", "Gurrola", "Meráz", "Saucedo", "Villarreal"],
    "EC": ["Guamán", "Andrade", "Cevallos", "Zambrano", "Moreira", "Pazmiño", "Tituaña", "Erazo", "Jaramillo",
           "Loor", "Cedeño", "Chiriboga", "Yépez", "Almeida", "Toapanta", "Villacís"],
    "CO": ["Restrepo", "Ospina", "Cardona", "Giraldo", "Mosquera", "Benavides", "Castaño", "Londoño", "Quintero",
           "Arango", "Betancur", "Zuluaga", "Otálora", "Mejía", "Rincón", "Velandia"],
}
COMPANIES = ["Inversiones Santa Lucía", "Transportes El Sauce", "Constructora Río Tunal", "Agroindustrias del Valle",
             "Servicios Generales Mirador", "Distribuidora La Ceiba", "Comercializadora Guadiana",
             "Textiles Andinos", "Minera Cerro Alto", "Panificadora San Judas"]
COMPANY_FORMS = {"PE": ["S.A.C.", "E.I.R.L.", "S.A."], "MX": ["S.A. de C.V.", "S. de R.L. de C.V."],
                 "EC": ["Cía. Ltda.", "S.A."], "CO": ["S.A.S.", "Ltda."]}

STREETS = {
    "PE": [("Av.", ["Los Álamos", "Túpac Amaru", "Grau", "Los Próceres", "Huancavelica", "Las Palmeras"]),
           ("Jr.", ["Huallaga", "Ica", "Junín", "Ayacucho", "Cusco", "Las Orquídeas"]),
           ("Calle", ["Los Pinos", "San Martín", "Santa Rosa", "Las Begonias"]),
           ("Psje.", ["Los Jazmines", "San Pedro", "El Carmen"])],
    "MX": [("Calle", ["Zaragoza", "Negrete", "Constitución", "Hidalgo", "Pino Suárez", "Bruno Martínez"]),
           ("Av.", ["20 de Noviembre", "Felipe Pescador", "Universidad", "Domingo Arrieta", "Las Américas"]),
           ("Privada", ["Los Sauces", "Fresnos", "Del Roble"]),
           ("Andador", ["Pirul", "Huizache", "Mezquite"])],
    "EC": [("Av.", ["10 de Agosto", "Amazonas", "Quitumbe Ñan", "Pedro Vicente Maldonado"]),
           ("Calle", ["Bolívar", "García Moreno", "Olmedo", "Rocafuerte"])],
    "CO": [("Carrera", ["45", "7", "13", "68"]), ("Calle", ["26", "80", "53", "100"]),
           ("Diagonal", ["15", "40"]), ("Transversal", ["22", "5"])],
}
NEIGHBOURHOODS = {
    "PE": [("Urb.", "Santa Rosa"), ("A.H.", "Nueva Esperanza"), ("Urb.", "Los Jardines"), ("Asoc.", "Villa Sol")],
    "MX": [("Col.", "Zona Centro"), ("Fracc.", "Jardines de Durango"), ("Col.", "Hipódromo"),
           ("Col.", "José Revueltas"), ("Fracc.", "Huizache II"), ("Col.", "Valle del Sur")],
    "EC": [("sector", "La Magdalena"), ("barrio", "Chillogallo"), ("ciudadela", "Kennedy")],
    "CO": [("barrio", "La Candelaria"), ("barrio", "Belén"), ("barrio", "Chapinero Alto")],
}
CITIES = {"PE": ["distrito de Santiago de Surco, Lima", "Cercado de Arequipa", "distrito de El Tambo, Huancayo",
                 "distrito y provincia de Cusco", "distrito de Independencia, Lima"],
          "MX": ["Durango, Dgo.", "Victoria de Durango, Durango", "Gómez Palacio, Dgo.", "Lerdo, Durango"],
          "EC": ["Quito", "Guayaquil", "Cuenca", "Ambato"],
          "CO": ["Bogotá D.C.", "Medellín", "Cali", "Bucaramanga"]}
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "correo.example", "mail.example", "estudio.example",
                 "abogados.example"]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


class Person:
    """A synthetic person: given names, two surnames, sex, birth date parts and the country whose IDs they hold."""

    def __init__(self, rng: random.Random, country: str, sex: str | None = None):
        self.country = country
        self.sex = sex or rng.choice("FM")
        self.given = rng.choice(GIVEN_F if self.sex == "F" else GIVEN_M)
        first, second = rng.sample(SURNAMES[country], 2)
        self.surname1, self.surname2 = first, second
        self.year = rng.randint(1955, 2003)
        self.month = rng.randint(1, 12)
        self.day = rng.randint(1, 28)

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname1} {self.surname2}"

    def short(self) -> str:
        return f"{self.given.split()[0]} {self.surname1}"


# -- identity numbers ---------------------------------------------------------------------------------------------

def dni(rng: random.Random) -> str:
    return f"{rng.randint(10_000_000, 79_999_999)}"


def ruc(rng: random.Random, company: bool = False, dni_number: str | None = None) -> str:
    """Peruvian RUC: 10 + DNI (natural person) or 20 + 8 digits (company), then the SUNAT modulo-11 digit."""
    body = ("20" + f"{rng.randint(10_000_000, 99_999_999)}") if company else ("10" + (dni_number or dni(rng)))
    weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    check = 11 - sum(int(d) * w for d, w in zip(body, weights)) % 11
    return body + str({10: 0, 11: 1}.get(check, check))


def _first_inner_vowel(word: str) -> str:
    for c in word[1:]:
        if c in "AEIOU":
            return c
    return "X"


def _first_inner_consonant(word: str) -> str:
    for c in word[1:]:
        if c.isalpha() and c not in "AEIOU":
            return "X" if c == "Ñ" else c
    return "X"


def _clean(word: str) -> str:
    return strip_accents(word.replace("ñ", "\0").replace("Ñ", "\0")).replace("\0", "Ñ").upper()


CURP_CHARS = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
# RENAPO and the SAT replace the second letter with X when the first four letters spell a rude word.
INCONVENIENT = set("""BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COGI COJA COJE COJI COJO COLA CULO FALO
    FETO GETA GUEI GUEY JETA JOTO KACA KACO KAGA KAGO KAKA KAKO KOGE KOGI KOJA KOJE KOJI KOJO KOLA KULO LILO LOCA
    LOCO LOKA LOKO MAME MAMO MEAR MEAS MEON MIAR MION MOCO MOKO MULA MULO NACA NACO PEDA PEDO PENE PIPI PITO POPO
    PUTA PUTO QULO RATA ROBA ROBE ROBO RUIN SENO TETA VACA VAGA VAGO VAKA VUEI VUEY WUEI WUEY""".split())


def _four(word: str) -> str:
    return word[0] + "X" + word[2:] if word in INCONVENIENT else word


def curp(rng: random.Random, p: Person, state: str = "DG") -> str:
    """CURP with RENAPO's check digit (weights 18..2 over the first 17 characters)."""
    s1, s2, g = _clean(p.surname1), _clean(p.surname2), _clean(p.given.split()[0])
    body = _four((s1[0] + _first_inner_vowel(s1) + s2[0] + g[0]).replace("Ñ", "X"))
    body += f"{p.year % 100:02d}{p.month:02d}{p.day:02d}" + ("M" if p.sex == "F" else "H") + state
    body += _first_inner_consonant(s1) + _first_inner_consonant(s2) + _first_inner_consonant(g)
    body += str(rng.randint(0, 9)) if p.year < 2000 else rng.choice("ABCDEFGH")
    total = sum(CURP_CHARS.index(c) * (18 - i) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


RFC_VALUES = {**{str(i): i for i in range(10)}, **{c: 10 + i for i, c in enumerate("ABCDEFGHIJKLMN")}, "&": 24,
              **{c: 25 + i for i, c in enumerate("OPQRSTUVWXYZ")}, " ": 37, "Ñ": 38}


def rfc(rng: random.Random, p: Person) -> str:
    """RFC of a natural person (13 characters) with the SAT modulo-11 check digit."""
    s1, s2, g = _clean(p.surname1), _clean(p.surname2), _clean(p.given.split()[0])
    body = _four(s1[0] + _first_inner_vowel(s1) + s2[0] + g[0]) + f"{p.year % 100:02d}{p.month:02d}{p.day:02d}"
    body += "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ123456789") for _ in range(2))
    total = sum(RFC_VALUES[c] * (13 - i) for i, c in enumerate(body))
    remainder = total % 11
    check = "0" if remainder == 0 else ("A" if 11 - remainder == 10 else str(11 - remainder))
    return body + check


def ine_key(rng: random.Random, p: Person, state: int = 10) -> str:
    """INE clave de elector: 6 letters from the surnames and name, birth date, state (10 = Durango), sex, 3 digits."""
    def two(word: str) -> str:
        word = _clean(word)
        consonants = [c for c in word if c not in "AEIOU"]
        vowels = [c for c in word[1:] if c in "AEIOU"]
        return (word[0] if word[0] not in "AEIOU" else consonants[0] if consonants else "X") + \
            (vowels[0] if vowels and word[0] not in "AEIOU" else (consonants[1] if len(consonants) > 1 else "X"))
    letters = (two(p.surname1) + two(p.surname2) + two(p.given.split()[0])).replace("Ñ", "X")
    return (letters + f"{p.year % 100:02d}{p.month:02d}{p.day:02d}{state:02d}" + ("M" if p.sex == "F" else "H")
            + f"{rng.randint(0, 999):03d}")


def cedula_ec(rng: random.Random) -> str:
    """Ecuadorian cédula: province 01–24, third digit < 6, modulo-10 check digit (coefficients 2,1,2,1...)."""
    body = f"{rng.randint(1, 24):02d}{rng.randint(0, 5)}" + "".join(str(rng.randint(0, 9)) for _ in range(6))
    total = 0
    for i, d in enumerate(body):
        v = int(d) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return body + str((10 - total % 10) % 10)


def cedula_co(rng: random.Random) -> str:
    """Colombian cédula de ciudadanía: 8 or 10 digits (no check digit)."""
    return str(rng.choice([rng.randint(10_000_000, 99_999_999), rng.randint(1_000_000_000, 1_199_999_999)]))


def dotted(number: str) -> str:
    """45678912 -> 45.678.912 (the way IDs are often printed)."""
    out = ""
    for i, c in enumerate(reversed(number)):
        if i and i % 3 == 0:
            out = "." + out
        out = c + out
    return out


# -- contact data ---------------------------------------------------------------------------------------------------

def phone(rng: random.Random, country: str) -> str:
    d = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))  # noqa: E731
    if country == "PE":
        return rng.choice([f"9{d(2)} {d(3)} {d(3)}", f"9{d(8)}", f"(01) {d(3)}-{d(4)}", f"+51 9{d(2)} {d(3)} {d(3)}",
                           f"(054) {d(6)}"])
    if country == "MX":
        return rng.choice([f"618 {d(3)} {d(4)}", f"(618) {d(3)}-{d(4)}", f"+52 618 {d(3)} {d(4)}",
                           f"871{d(7)}", f"618-{d(3)}-{d(2)}-{d(2)}"])
    if country == "EC":
        return rng.choice([f"09{d(8)}", f"099 {d(3)} {d(4)}", f"(02) {d(3)}-{d(4)}", f"+593 9{d(2)} {d(3)} {d(3)}"])
    return rng.choice([f"3{d(2)} {d(3)} {d(4)}", f"+57 3{d(2)} {d(7)}", f"(601) {d(3)} {d(4)}", f"31{d(8)}"])


def email(rng: random.Random, p: Person) -> str:
    given = strip_accents(p.given.split()[0]).lower()
    s1 = strip_accents(p.surname1).lower().replace("ñ", "n")
    s2 = strip_accents(p.surname2).lower().replace("ñ", "n")
    local = rng.choice([f"{given}.{s1}", f"{given[0]}{s1}{s2[0]}", f"{s1}_{given}{rng.randint(1, 99)}",
                        f"{given}{s1[:3]}{p.year % 100:02d}", f"{given[0]}.{s1}.{s2}"])
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def address(rng: random.Random, country: str) -> str:
    kind, names = rng.choice(STREETS[country])
    street = rng.choice(names)
    if country == "CO":
        return f"{kind} {street} # {rng.randint(2, 120)}-{rng.randint(10, 99)}, {rng.choice(NEIGHBOURHOODS['CO'])[0]} " \
               f"{rng.choice(NEIGHBOURHOODS['CO'])[1]}, {rng.choice(CITIES['CO'])}"
    if country == "EC":
        hood = rng.choice(NEIGHBOURHOODS["EC"])
        return f"{kind} {street} N{rng.randint(10, 80)}-{rng.randint(10, 200)} y calle {rng.choice(['Lizardo García', 'Veintimilla', 'Ulloa', 'Rumipamba'])}, " \
               f"{hood[0]} {hood[1]}, {rng.choice(CITIES['EC'])}"
    hood = rng.choice(NEIGHBOURHOODS[country])
    number = rng.choice([f"N° {rng.randint(100, 2999)}", f"{rng.randint(100, 2999)}", f"número {rng.randint(100, 2999)}",
                         f"Mz. {rng.choice('ABCDEFGH')} Lt. {rng.randint(1, 30)}"])
    if country == "MX":
        number = rng.choice([f"{rng.randint(100, 999)} {rng.choice(['Ote.', 'Pte.', 'Sur', 'Nte.'])}",
                             f"número {rng.randint(100, 2999)}", f"#{rng.randint(100, 999)}",
                             f"{rng.randint(100, 999)}, interior {rng.randint(1, 9)}"])
    return f"{kind} {street} {number}, {hood[0]} {hood[1]}, {rng.choice(CITIES[country])}"


def case_number(rng: random.Random, country: str) -> str:
    if country == "PE":
        return rng.choice([
            f"{rng.randint(100, 9999):05d}-{rng.randint(2015, 2024)}-0-{rng.choice(['1801', '0401', '1001', '1501'])}-"
            f"{rng.choice(['JR', 'JP', 'JM'])}-{rng.choice(['CI', 'FC', 'LA', 'PE'])}-{rng.randint(1, 12):02d}",
            f"{rng.randint(100, 9999)}-{rng.randint(2016, 2024)}"])
    if country == "MX":
        return rng.choice([f"{rng.randint(10, 2400)}/{rng.randint(2016, 2024)}",
                           f"{rng.randint(10, 999)}/{rng.randint(2016, 2024)}-{rng.choice(['II', 'IV', 'F', 'C'])}"])
    if country == "EC":
        return f"{rng.choice(['17203', '09332', '01283', '18334'])}-{rng.randint(2016, 2024)}-{rng.randint(1, 9999):05d}"
    return f"{rng.choice(['11001', '05001', '76001'])}-{rng.randint(31, 41)}-{rng.randint(3, 89):02d}-" \
           f"{rng.randint(1, 9):03d}-{rng.randint(2016, 2024)}-{rng.randint(1, 999):05d}-00"


def company(rng: random.Random, country: str) -> str:
    return f"{rng.choice(COMPANIES)} {rng.choice(COMPANY_FORMS[country])}"
