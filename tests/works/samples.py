"""Works with every kind of field and every geometry type, for the import and export tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from server.auth import service as auth
from server.auth.actor import Actor
from server.works import service
from server.works.models import ProgressCreate, Work, WorkCreate
from tests.factories import municipality, token_for

STAFF = "contraloria@vigia.example"


def staff(session: Session, email: str = STAFF) -> Actor:
    """The actor behind a demo comptroller's token."""
    return auth.authenticate(session, token=token_for(session, email, "intercambio"))


def _square(lon: float, lat: float, side: float = 0.002) -> list[list[list[float]]]:
    return [[[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]]]


# All inside Victoria de Durango (municipality 10005), around Zona Centro.
GEOMETRIES = {
    "Polygon": {"type": "Polygon", "coordinates": _square(-104.6690, 24.0290)},
    "Point": {"type": "Point", "coordinates": [-104.6657, 24.0277]},
    "LineString": {"type": "LineString", "coordinates": [[-104.6700, 24.0250], [-104.6600, 24.0260]]},
    "MultiPoint": {"type": "MultiPoint", "coordinates": [[-104.6650, 24.0270], [-104.6600, 24.0300]]},
    "MultiLineString": {"type": "MultiLineString", "coordinates": [
        [[-104.6700, 24.0200], [-104.6650, 24.0210]], [[-104.6640, 24.0220], [-104.6600, 24.0230]]]},
    "MultiPolygon": {"type": "MultiPolygon", "coordinates": [_square(-104.6690, 24.0400), _square(-104.6600,
                                                                                                  24.0400)]},
}

FULL = {
    "identifier": "EXP-01",
    "title": "Rehabilitación del mercado Gómez Palacio",
    "description": "Sustitución de techumbre, instalaciones eléctricas y sanitarias del mercado.",
    "purpose": "Condiciones seguras para 120 locatarios y sus clientes.",
    "status": "implementation",
    "type": "rehabilitation",
    "sector": ["economy", "governance"],
    "budget_amount": "4250000.50",
    "currency": "MXN",
    "funding_source": "FISM-DF 2026",
    "program": "Programa Anual de Obra Pública 2026",
    "parties": [
        {"id": "MX-RFC-CGU0101011A1", "name": "Constructora del Guadiana, S.A. de C.V.", "roles": ["supplier"],
         "identifier": {"scheme": "MX-RFC", "id": "CGU0101011A1"}},
        {"name": "Banobras", "roles": ["funder"]},
        {"name": "Comité de Contraloría Social del mercado", "roles": ["independentMonitor"]},
    ],
    "contract_number": "DOP-LP-012/2026",
    "contract_value": "3980000.00",
    "contract_modifications": [
        {"date": "2026-05-10", "type": "value", "description": "Obra extraordinaria en la red sanitaria",
         "new_value": "4210000.00"},
        {"id": "CM-2", "date": "2026-06-01", "type": "duration", "description": "Ampliación del plazo por lluvias",
         "new_end_date": "2026-10-31"},
        {"date": "2026-06-15", "type": "scope", "description": "Se añade la rampa de acceso"},
    ],
    "planned_start": "2026-03-02",
    "planned_end": "2026-09-30",
    "actual_start": "2026-03-09",
    "documents": [
        {"id": "EXP-01-D1", "documentType": "contractSigned", "title": "Contrato firmado",
         "url": "https://transparencia.durango.example/obras/EXP-01/contrato.pdf", "datePublished": "2026-03-01"},
        {"documentType": "physicalProgressReport", "title": "Informe de avance de junio"},
    ],
    "completion": {"end_date": "2026-10-31", "final_value": "4210000", "final_scope": "partial",
                   "final_scope_details": "Sin la segunda etapa de cocinas."},
    "location_description": "Calle 5 de Febrero esquina con Zaragoza, Zona Centro",
}


def rich_works(session: Session, actor: Actor) -> list[Work]:
    """EXP-01 with every field (and progress history), and one more work per other geometry type."""
    demo = municipality(session)
    works = []
    for number, kind in enumerate(GEOMETRIES, start=1):
        if number == 1:
            values = {**FULL, "geometry": GEOMETRIES[kind]}
        else:
            values = {"identifier": f"EXP-0{number}", "title": f"Obra de prueba con geometría {kind}",
                      "status": "preparation", "geometry": GEOMETRIES[kind]}
        works.append(service.create(session, actor=actor, municipality=demo, data=WorkCreate(**values)))
    works.append(service.create(session, actor=actor, municipality=demo, data=WorkCreate(
        identifier="EXP-07", title="Obra sin lugar todavía", status="identification")))
    for observed, physical, financial, source in ((date(2026, 5, 1), 20, 25, "official"),
                                                  (date(2026, 6, 1), 35, None, "official"),
                                                  (date(2026, 6, 20), 30, None, "committee")):
        service.add_progress(session, actor=actor, municipality=demo, work_id=works[0].id, data=ProgressCreate(
            observed_on=observed, physical_pct=physical, financial_pct=financial, source=source))
    session.flush()
    return works
