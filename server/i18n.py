"""Texts a person reads: Spanish first, English available through Accept-Language.

Error codes are stable English identifiers; the message shown with them comes from this catalogue.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["es", "en"]
DEFAULT_LANGUAGE: Language = "es"

MESSAGES: dict[str, dict[str, str]] = {
    # generic HTTP
    "not_found": {"es": "No encontramos lo que busca.", "en": "Not found."},
    "route_not_found": {"es": "Esa dirección no existe en la API.", "en": "That address does not exist in the API."},
    "method_not_allowed": {
        "es": "Esa dirección no acepta el método {method}.",
        "en": "That address does not accept the {method} method.",
    },
    "internal_error": {
        "es": "Ocurrió un error inesperado. Si persiste, comparta el identificador {request_id} con soporte.",
        "en": "Something went wrong on our side. If it persists, share the id {request_id} with support.",
    },
    "invalid_json": {
        "es": "El cuerpo de la solicitud no es JSON válido: {reason}.",
        "en": "The request body is not valid JSON: {reason}.",
    },
    "unsupported_media_type": {
        "es": "Envíe el cuerpo como application/json.",
        "en": "Send the body as application/json.",
    },
    "unsupported_media_type_of": {
        "es": "Tipo de contenido no admitido; envíe uno de: {accepted}.",
        "en": "Unsupported content type; send one of: {accepted}.",
    },
    "empty_body": {"es": "El cuerpo de la solicitud está vacío.", "en": "The request body is empty."},
    "body_too_large": {
        "es": "La solicitud es demasiado grande (máximo {limit} bytes).",
        "en": "The request is too large (at most {limit} bytes).",
    },
    "validation_error": {
        "es": "Algunos datos no son válidos; revise los detalles.",
        "en": "Some of the data is not valid; see the details.",
    },
    "invalid_host": {"es": "Este servidor no atiende el host {host}.", "en": "This server does not serve host {host}."},
    "conflict": {"es": "La operación choca con el estado actual.", "en": "The operation conflicts with the current state."},
    "http_error": {"es": "La solicitud no pudo atenderse.", "en": "The request could not be served."},
    # auth
    "auth_required": {"es": "Inicie sesión para continuar.", "en": "Please sign in to continue."},
    "token_invalid": {
        "es": "La sesión no es válida; inicie sesión de nuevo.",
        "en": "The session is not valid; please sign in again.",
    },
    "token_expired": {
        "es": "La sesión expiró; inicie sesión de nuevo.",
        "en": "The session has expired; please sign in again.",
    },
    "token_revoked": {
        "es": "Esta sesión fue cerrada o el dispositivo fue dado de baja; inicie sesión de nuevo.",
        "en": "This session was closed or the device was revoked; please sign in again.",
    },
    "forbidden": {
        "es": "Su cuenta no tiene permiso para esta acción en este municipio.",
        "en": "Your account is not allowed to do this in this municipality.",
    },
    "login_failed": {"es": "Correo o contraseña incorrectos.", "en": "Wrong email or password."},
    "login_locked": {
        "es": "Demasiados intentos fallidos. Intente de nuevo en {minutes} minutos.",
        "en": "Too many failed attempts. Try again in {minutes} minutes.",
    },
    "account_disabled": {"es": "Esta cuenta está desactivada.", "en": "This account is disabled."},
    "device_revoked": {
        "es": "Este dispositivo fue dado de baja; regístrelo como uno nuevo.",
        "en": "This device was revoked; enrol it as a new one.",
    },
    "device_taken": {
        "es": "Ese identificador de dispositivo pertenece a otra cuenta.",
        "en": "That device id belongs to another account.",
    },
    "email_taken": {"es": "Ya existe una cuenta con ese correo.", "en": "An account with that email already exists."},
    "cannot_demote_self": {
        "es": "No puede quitarse a sí mismo el rol de administración; pídalo a otra persona administradora.",
        "en": "You cannot remove your own admin role; ask another administrator.",
    },
    "role_not_in_municipality": {
        "es": "El rol {role} no puede darse a nivel nacional; indique un municipio.",
        "en": "The {role} role cannot be national; name a municipality.",
    },
    # municipalities and geography
    "municipality_not_found": {
        "es": "No existe el municipio con clave {code}.",
        "en": "There is no municipality with code {code}.",
    },
    "user_not_found": {"es": "No existe esa cuenta en este municipio.", "en": "There is no such account in this municipality."},
    "device_not_found": {"es": "No existe ese dispositivo en su cuenta.", "en": "There is no such device on your account."},
    "holiday_exists": {
        "es": "El {date} ya es día inhábil en este municipio.",
        "en": "{date} is already a holiday in this municipality.",
    },
    "holiday_not_found": {"es": "El {date} no es día inhábil aquí.", "en": "{date} is not a holiday here."},
    "invalid_date": {"es": "Fecha no válida: {value} (use AAAA-MM-DD).", "en": "Invalid date: {value} (use YYYY-MM-DD)."},
    "invalid_timezone": {"es": "Zona horaria desconocida: {value}.", "en": "Unknown time zone: {value}."},
    "invalid_geometry": {"es": "La geometría no es válida: {reason_es}.", "en": "The geometry is not valid: {reason_en}."},
    "geometry_type_not_allowed": {
        "es": "Se esperaba una geometría de tipo {allowed}; llegó {got}.",
        "en": "Expected a geometry of type {allowed}; got {got}.",
    },
    "coordinate_out_of_range": {
        "es": "Coordenada fuera de rango ({value}): la longitud va de -180 a 180 y la latitud de -90 a 90.",
        "en": "Coordinate out of range ({value}): longitude goes from -180 to 180 and latitude from -90 to 90.",
    },
    "point_outside_municipality": {
        "es": "El punto está fuera del municipio de {municipality}.",
        "en": "The point lies outside the municipality of {municipality}.",
    },
    "coordinates_look_swapped": {
        "es": "La posición [{value}] tiene la latitud fuera de rango; parece que llegó latitud, longitud: "
        "en GeoJSON va primero la longitud y después la latitud.",
        "en": "The position [{value}] has its latitude out of range; it looks like latitude, longitude: "
        "GeoJSON puts longitude first, then latitude.",
    },
    "not_a_feature_collection": {
        "es": "Se esperaba un GeoJSON FeatureCollection con una lista de features.",
        "en": "Expected a GeoJSON FeatureCollection with a list of features.",
    },
    "zone_needs_code_and_name": {
        "es": "Cada zona necesita properties.code y properties.name.",
        "en": "Every zone needs properties.code and properties.name.",
    },
    "geometry_outside_municipality": {
        "es": "La geometría sale del municipio de {municipality}.",
        "en": "The geometry extends outside the municipality of {municipality}.",
    },
    "work_not_found": {"es": "No existe esa obra en este municipio.", "en": "There is no such work in this municipality."},
    "work_identifier_taken": {
        "es": "Ya existe una obra con el número {identifier} en este municipio.",
        "en": "A work numbered {identifier} already exists in this municipality.",
    },
    "stale_version": {
        "es": "Alguien modificó este registro mientras usted lo editaba (versión {current}, usted envió {sent}). "
        "Revise la versión actual y vuelva a intentarlo.",
        "en": "Someone changed this record while you were editing it (version {current}, you sent {sent}). "
        "Review the current version and try again.",
    },
    "invalid_cursor": {"es": "El cursor de paginación no es válido.", "en": "The pagination cursor is not valid."},
    "invalid_bbox": {
        "es": "bbox debe ser oeste,sur,este,norte en grados, con oeste < este y sur < norte.",
        "en": "bbox must be west,south,east,north in degrees, with west < east and south < north.",
    },
    "future_observation": {
        "es": "La fecha de observación no puede ser futura.",
        "en": "The observation date cannot be in the future.",
    },
    "coordinates_swapped": {
        "es": "El punto está fuera de {municipality}, pero caería dentro si se intercambian latitud y longitud: "
        "envíe primero la longitud y después la latitud.",
        "en": "The point is outside {municipality}, but would fall inside with latitude and longitude swapped: "
        "send longitude first, then latitude.",
    },
    # imports and exports of the works register
    "missing": {"es": "Este dato es obligatorio.", "en": "This value is required."},
    "expected_object": {"es": "Se esperaba un objeto JSON.", "en": "Expected a JSON object."},
    "expected_list": {"es": "Se esperaba una lista.", "en": "Expected a list."},
    "not_oc4ids_package": {
        "es": "El JSON no es un paquete de proyectos OC4IDS: falta la lista «projects».",
        "en": "The JSON is not an OC4IDS project package: the 'projects' list is missing.",
    },
    "invalid_instant": {
        "es": "Fecha no válida: {value} (use ISO 8601, p. ej. 2026-03-01T00:00:00-06:00).",
        "en": "Invalid date: {value} (use ISO 8601, e.g. 2026-03-01T00:00:00-06:00).",
    },
    "multiple_contracts": {
        "es": "El proyecto tiene {count} procesos de contratación; Vigía registra un contrato por obra: "
        "divida el proyecto en varias obras.",
        "en": "The project has {count} contracting processes; Vigía records one contract per work: "
        "split the project into several works.",
    },
    "mixed_locations": {
        "es": "Las ubicaciones tienen geometrías de tipos distintos ({types}); Vigía guarda una geometría por obra.",
        "en": "The locations have geometries of different types ({types}); Vigía keeps one geometry per work.",
    },
    "duplicate_identifier": {
        "es": "La obra {identifier} ya aparece en la fila {row}; cada número de obra va una sola vez.",
        "en": "Work {identifier} already appears in row {row}; each work number goes only once.",
    },
    "not_a_csv": {
        "es": "El archivo no es texto CSV; si es una hoja de Excel, guárdela como «CSV UTF-8 (delimitado por "
        "comas)».",
        "en": "The file is not CSV text; if it is an Excel workbook, save it as 'CSV UTF-8 (comma delimited)'.",
    },
    "missing_columns": {
        "es": "Faltan columnas obligatorias: {columns}.",
        "en": "Required columns are missing: {columns}.",
    },
    "missing_column": {"es": "Falta la columna {column}.", "en": "The {column} column is missing."},
    "duplicate_column": {
        "es": "Las columnas «{first}» y «{second}» dicen lo mismo ({column}); deje solo una.",
        "en": "Columns '{first}' and '{second}' mean the same ({column}); keep only one.",
    },
    "too_many_cells": {
        "es": "La fila tiene {count} celdas y el encabezado {expected}: revise que los textos con comas o punto "
        "y coma (p. ej. un monto 1,234.50) estén entre comillas.",
        "en": "The row has {count} cells and the header {expected}: check that texts with commas or semicolons "
        "(e.g. an amount 1,234.50) are quoted.",
    },
    "invalid_amount": {
        "es": "Monto no válido: {value} (use p. ej. 1234567.89, 1,234,567.89 o $1,234,567.89).",
        "en": "Invalid amount: {value} (use e.g. 1234567.89, 1,234,567.89 or $1,234,567.89).",
    },
    "invalid_day": {
        "es": "Fecha no válida: {value} (use AAAA-MM-DD o DD/MM/AAAA).",
        "en": "Invalid date: {value} (use YYYY-MM-DD or DD/MM/YYYY).",
    },
    "unknown_status": {
        "es": "Estatus desconocido: {value}. Use un código OC4IDS ({codes}) o una de estas palabras: {words}.",
        "en": "Unknown status: {value}. Use an OC4IDS code ({codes}) or one of these words: {words}.",
    },
    "unknown_type": {
        "es": "Tipo de obra desconocido: {value}. Use un código OC4IDS ({codes}) o una de estas palabras: {words}.",
        "en": "Unknown type of work: {value}. Use an OC4IDS code ({codes}) or one of these words: {words}.",
    },
    "invalid_wkt": {
        "es": "No se puede leer la geometría WKT «{value}» (p. ej. POINT (-104.6657 24.0277)).",
        "en": "Cannot read the WKT geometry '{value}' (e.g. POINT (-104.6657 24.0277)).",
    },
    "invalid_coordinate": {
        "es": "Coordenada no válida: {value} (use grados decimales, p. ej. 24.0277).",
        "en": "Invalid coordinate: {value} (use decimal degrees, e.g. 24.0277).",
    },
    "incomplete_point": {
        "es": "Indique la latitud y la longitud, las dos.",
        "en": "Give both latitude and longitude.",
    },
    "latlon_swapped": {
        "es": "La latitud y la longitud parecen intercambiadas: el punto caería dentro de {municipality} si se "
        "cambian de columna.",
        "en": "Latitude and longitude look swapped: the point would fall inside {municipality} if they changed "
        "columns.",
    },
    "geometry_conflict": {
        "es": "La columna wkt y las columnas latitud y longitud describen lugares distintos; deje solo una.",
        "en": "The wkt column and the latitude and longitude columns describe different places; keep only one.",
    },
    "rfc_without_contractor": {
        "es": "Hay RFC pero no contratista: escriba también el nombre del contratista.",
        "en": "There is a tax id but no contractor: write the contractor's name too.",
    },
}

# Pydantic's error types, rendered in Spanish; `ctx` values fill the placeholders.
VALIDATION_MESSAGES_ES: dict[str, str] = {
    "missing": "Este campo es obligatorio.",
    "extra_forbidden": "Este campo no se admite.",
    "string_type": "Debe ser texto.",
    "string_too_short": "Debe tener al menos {min_length} caracteres.",
    "string_too_long": "Debe tener como máximo {max_length} caracteres.",
    "string_pattern_mismatch": "No tiene el formato esperado.",
    "int_type": "Debe ser un número entero.",
    "int_parsing": "Debe ser un número entero.",
    "float_type": "Debe ser un número.",
    "float_parsing": "Debe ser un número.",
    "bool_type": "Debe ser verdadero o falso.",
    "bool_parsing": "Debe ser verdadero o falso.",
    "greater_than": "Debe ser mayor que {gt}.",
    "greater_than_equal": "Debe ser mayor o igual que {ge}.",
    "less_than": "Debe ser menor que {lt}.",
    "less_than_equal": "Debe ser menor o igual que {le}.",
    "literal_error": "Debe ser uno de: {expected}.",
    "enum": "Debe ser uno de: {expected}.",
    "uuid_type": "Debe ser un identificador UUID.",
    "uuid_parsing": "Debe ser un identificador UUID.",
    "date_type": "Debe ser una fecha AAAA-MM-DD.",
    "date_parsing": "Debe ser una fecha AAAA-MM-DD.",
    "date_from_datetime_parsing": "Debe ser una fecha AAAA-MM-DD.",
    "datetime_type": "Debe ser una fecha y hora ISO 8601.",
    "datetime_parsing": "Debe ser una fecha y hora ISO 8601.",
    "list_type": "Debe ser una lista.",
    "dict_type": "Debe ser un objeto.",
    "model_type": "Debe ser un objeto.",
    "too_short": "Debe tener al menos {min_length} elementos.",
    "too_long": "Debe tener como máximo {max_length} elementos.",
    "json_invalid": "No es JSON válido.",
    "value_error": "{error}",
    "decimal_max_places": "Debe tener como máximo {decimal_places} decimales.",
    "decimal_max_digits": "Debe tener como máximo {max_digits} dígitos.",
    "decimal_parsing": "Debe ser un número.",
}


def negotiate(accept_language: str | None) -> Language:
    """Pick Spanish or English from an Accept-Language header; Spanish unless English is preferred."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for _, _, tag in sorted(ranked):
        if tag in ("es", "en"):
            return tag  # type: ignore[return-value]
    return DEFAULT_LANGUAGE


def translate(code: str, language: Language = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message for `code` in `language`, with its placeholders filled; the code itself if unknown."""
    texts = MESSAGES.get(code)
    if texts is None:
        return code
    template = texts.get(language) or texts[DEFAULT_LANGUAGE]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
