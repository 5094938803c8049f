"""Texts a person reads: Spanish first, English available through Accept-Language.

Error codes are stable English identifiers; the message shown with them comes from this catalogue.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, TypeVar

Language = Literal["es", "en"]
DEFAULT_LANGUAGE: Language = "es"

MESSAGES: dict[str, dict[str, str]] = {
    # committees (comités de contraloría social)
    "committee_not_found": {"es": "No existe ese comité en este municipio.",
                            "en": "There is no such committee in this municipality."},
    "committee_name_taken": {"es": "Ya existe un comité llamado {name}.", "en": "A committee named {name} exists."},
    "committee_transition_not_allowed": {
        "es": "Un comité {current} no puede quedar {to}.",
        "en": "A committee that is {current} cannot become {to}.",
    },
    "committee_already_in_state": {
        "es": "El comité ya está {current}.",
        "en": "The committee is already {current}.",
    },
    "committee_date_in_future": {"es": "La fecha no puede ser futura.", "en": "The date cannot be in the future."},
    "committee_date_before_previous_step": {
        "es": "La fecha es anterior a la del paso previo ({previous}).",
        "en": "The date is before the previous step's ({previous}).",
    },
    "committee_document_required": {
        "es": "Este paso necesita su documento (acta).", "en": "This step needs its document (minutes).",
    },
    "committee_registration_required": {
        "es": "Para registrar el comité indique su número de registro.",
        "en": "To register the committee give its registration number.",
    },
    "committee_certificate_required": {
        "es": "Para registrar el comité adjunte la foto de la constancia de registro.",
        "en": "To register the committee attach the photo of its registration certificate.",
    },
    "committee_reason_required": {
        "es": "Indique el motivo de la disolución.", "en": "Give the reason for the dissolution.",
    },
    "committee_registration_taken": {
        "es": "El número de registro {number} ya pertenece a otro comité.",
        "en": "Registration number {number} belongs to another committee.",
    },
    "committee_closed": {
        "es": "El comité está {state}: ya no cambia su integración.",
        "en": "The committee is {state}: its membership no longer changes.",
    },
    "committee_photo_not_found": {
        "es": "No existe esa foto en este municipio; súbala primero.",
        "en": "There is no such photo in this municipality; upload it first.",
    },
    "committee_user_not_found": {"es": "No existe esa cuenta.", "en": "There is no such account."},
    "committee_work_not_found": {
        "es": "No existe esa obra en este municipio.", "en": "There is no such work in this municipality.",
    },
    "committee_member_not_found": {
        "es": "No existe ese integrante en este comité.", "en": "There is no such member in this committee.",
    },
    "committee_member_exists": {"es": "Ese integrante ya está registrado.", "en": "That member already exists."},
    "committee_member_already_ended": {
        "es": "La participación de ese integrante ya terminó el {end_on}.",
        "en": "That member's membership already ended on {end_on}.",
    },
    "committee_member_end_before_start": {
        "es": "La fecha de término es anterior al inicio ({start_on}).",
        "en": "The end date is before the start ({start_on}).",
    },
    "committee_training_not_found": {"es": "No existe esa capacitación.", "en": "There is no such training."},
    "committee_training_exists": {"es": "Esa capacitación ya está registrada.", "en": "That training exists."},
    "committee_meeting_not_found": {
        "es": "No existe esa reunión en este comité.", "en": "There is no such meeting in this committee.",
    },
    "committee_meeting_exists": {"es": "Esa reunión ya está registrada.", "en": "That meeting exists."},
    "committee_agreement_not_found": {
        "es": "No existe ese acuerdo en este comité.", "en": "There is no such agreement in this committee.",
    },
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
    "database_unavailable": {
        "es": "El servicio no puede atender en este momento: la base de datos no responde o está ocupada. Intente "
              "de nuevo en {seconds} segundos.",
        "en": "The service cannot answer right now: the database is not responding or is busy. Try again in "
              "{seconds} seconds.",
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
        "es": "La solicitud es demasiado grande: el máximo es {limit:MB}.",
        "en": "The request is too large: the maximum is {limit:MB}.",
    },
    "validation_error": {
        "es": "Algunos datos no son válidos; revise los detalles.",
        "en": "Some of the data is not valid; see the details.",
    },
    "invalid_host": {"es": "Este servidor no atiende el host {host}.", "en": "This server does not serve host {host}."},
    "conflict": {"es": "La operación choca con el estado actual.", "en": "The operation conflicts with the current state."},
    # odd input (server.edge) and unique keys (server.app, integrity_error)
    "nul_character": {
        "es": "El texto contiene un carácter nulo (\\u0000), que no se admite.",
        "en": "The text holds a NUL character (\\u0000), which is not accepted.",
    },
    "int64_range": {
        "es": "Debe ser un número entero entre {min} y {max}.",
        "en": "Must be a whole number between {min} and {max}.",
    },
    "already_exists": {
        "es": "Ya existe un registro con ese valor.",
        "en": "A record with that value already exists.",
    },
    "id_taken": {
        "es": "Ese identificador ya pertenece a otro registro, con otros datos.",
        "en": "That id already belongs to another record, with other data.",
    },
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
    "follow_up_rate_limited": {
        "es": "Demasiados intentos con folios o códigos equivocados. Intente de nuevo en {minutes} minutos.",
        "en": "Too many attempts with wrong folios or codes. Try again in {minutes} minutes.",
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
    # complaints
    "complaint_not_found": {"es": "No existe esa queja en este municipio.", "en": "There is no such complaint in this municipality."},
    "unknown_category": {
        "es": "No existe la categoría {code} en este municipio; consulte la lista de categorías.",
        "en": "There is no category {code} in this municipality; see the list of categories.",
    },
    "complaint_id_taken": {
        "es": "Ya hay una queja con ese identificador, enviada desde otro dispositivo o con otro contenido. "
              "Si es una queja nueva, envíela con un identificador nuevo.",
        "en": "A complaint with that id was already filed, from another device or with other content. "
              "If this is a new complaint, send it with a new id.",
    },
    "anonymous_required": {
        "es": "Sin iniciar sesión, la queja se presenta de forma anónima: envíe anonymous: true.",
        "en": "Without signing in, a complaint is filed anonymously: send anonymous: true.",
    },
    "unknown_attribute": {"es": "La categoría no tiene el dato adicional {code}.", "en": "The category has no attribute {code}."},
    "attribute_required": {"es": "Falta el dato adicional {code}.", "en": "The attribute {code} is required."},
    "attribute_single_value": {"es": "El dato {code} admite un solo valor.", "en": "The attribute {code} takes one value."},
    "attribute_value_unknown": {"es": "Valor no válido para el dato {code}.", "en": "Invalid value for the attribute {code}."},
    "complaint_not_open": {"es": "La queja ya no está abierta.", "en": "The complaint is no longer open."},
    "own_complaint": {"es": "No puede apoyar su propia queja.", "en": "You cannot support your own complaint."},
    "supporter_key_required": {
        "es": "Sin iniciar sesión, su aplicación debe enviar la clave con que su dispositivo apoya quejas (una "
        "clave que el dispositivo conserva).",
        "en": "Without signing in, your app must send the key your device supports complaints with (a key the "
        "device keeps).",
    },
    "follow_up_not_found": {
        "es": "No encontramos una queja con ese folio y código.",
        "en": "We found no complaint with that folio and code.",
    },
    "not_the_reporter": {
        "es": "Solo quien presentó la queja puede hacer esto (con su cuenta, o con folio y código).",
        "en": "Only whoever filed the complaint can do this (signed in, or with folio and code).",
    },
    "transition_not_allowed": {
        "es": "Una queja {current} no puede pasar a {target}.",
        "en": "A complaint that is {current} cannot be {target}.",
    },
    # a move to the state the complaint is already in (lead, issue 13)
    "transition_to_same_state": {
        "es": "La queja ya está {current}.",
        "en": "The complaint is already {current}.",
    },
    "public_answer_required": {
        "es": "Para pasar a «{state}» escriba la respuesta pública (o elija una plantilla).",
        "en": "Moving to «{state}» needs a public answer (or a template).",
    },
    "outcome_required": {
        "es": "Indique si la queja resultó fundada o infundada.",
        "en": "Say whether the complaint was upheld or not upheld.",
    },
    "referred_to_required": {
        "es": "Indique la autoridad competente a la que se turna la queja.",
        "en": "Name the competent body the complaint is referred to.",
    },
    "already_extended": {"es": "El plazo ya se prorrogó una vez.", "en": "The term was already extended once."},
    "extension_too_long": {
        "es": "La prórroga no puede exceder el plazo original de {term} días hábiles.",
        "en": "The extension cannot exceed the original term of {term} business days.",
    },
    "assignee_not_staff": {
        "es": "Solo se puede asignar a personal de la contraloría de este municipio.",
        "en": "Complaints can only be assigned to this municipality's comptrollers.",
    },
    "category_exists": {"es": "Ya existe la categoría {code}.", "en": "The category {code} already exists."},
    "category_not_found": {"es": "No existe la categoría {code}.", "en": "There is no category {code}."},
    "unknown_kind": {
        "es": "Tipo desconocido: «{value}»; use queja, denuncia, solicitud de información o sugerencia.",
        "en": "Unknown kind: '{value}'; use complaint, report of wrongdoing, information request or suggestion.",
    },
    "photo_not_in_complaint": {"es": "Esa foto no es de esta queja.", "en": "That photo does not belong to this complaint."},
    "template_not_found": {"es": "No existe esa plantilla.", "en": "There is no such template."},
    "cannot_merge_into": {
        "es": "No se puede acumular a esa queja (es la misma o ya está acumulada a otra).",
        "en": "Cannot merge into that complaint (it is the same one or already merged into another).",
    },
    "invalid_date": {"es": "Fecha no válida: {value} (use AAAA-MM-DD).", "en": "Invalid date: {value} (use YYYY-MM-DD)."},
    "invalid_timezone": {"es": "Zona horaria desconocida: {value}.", "en": "Unknown time zone: {value}."},
    "invalid_geometry": {"es": "La geometría no es válida: {reason}.", "en": "The geometry is not valid: {reason}."},
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
        "es": "La posición [{value}] tiene la latitud fuera de rango: parece que llegó primero la latitud, como "
        "la muestran los mapas. Envíe primero la longitud y después la latitud.",
        "en": "The position [{value}] has its latitude out of range: it looks like latitude came first, as maps "
        "show it. Send longitude first, then latitude.",
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
    # audit log
    "audit_altered": {
        "es": "La entrada {seq} fue alterada: su hash no coincide con su contenido.",
        "en": "Entry {seq} was altered: its hash does not match its content.",
    },
    "audit_removed": {
        "es": "Falta la entrada {seq}: la bitácora salta a la entrada {found}.",
        "en": "Entry {seq} is missing: the log jumps to entry {found}.",
    },
    "audit_relinked": {
        "es": "La entrada {seq} está desenlazada: su prev_hash no es el hash de la entrada anterior.",
        "en": "Entry {seq} is re-linked: its prev_hash is not the hash of the previous entry.",
    },
    "audit_head_truncated": {
        "es": "La cabeza de la cadena indica la entrada {head_seq}, pero la bitácora termina en la {last_seq}: "
        "faltan entradas al final.",
        "en": "The chain's head names entry {head_seq}, but the log ends at entry {last_seq}: entries are missing "
        "at the end.",
    },
    "audit_head_hash": {
        "es": "La cabeza de la cadena no coincide con su última entrada ({seq}).",
        "en": "The chain's head does not match its last entry ({seq}).",
    },
    "audit_head_missing": {
        "es": "La cadena tiene {count} entradas pero no tiene cabeza.",
        "en": "The chain has {count} entries but no head.",
    },
    "audit_beyond_head": {
        "es": "La entrada {seq} está más allá de la cabeza de la cadena (entrada {head_seq}).",
        "en": "Entry {seq} lies beyond the chain's head (entry {head_seq}).",
    },
    # `vigia verify-log`, one line per chain
    "audit_cli_ok": {
        "es": "{code}: íntegra, {count} entradas, cabeza {hash}",
        "en": "{code}: ok, {count} entries, head {hash}",
    },
    "audit_cli_broken": {
        "es": "{code}: ROTA en la entrada {seq}: {reason} ({why})",
        "en": "{code}: BROKEN at entry {seq}: {reason} ({why})",
    },
    "audit_why_altered": {"es": "el hash no coincide con su contenido", "en": "hash does not match its content"},
    "audit_why_removed": {"es": "falta: hay un hueco en la secuencia", "en": "missing: a gap in the sequence"},
    "audit_why_relinked": {
        "es": "prev_hash no es el hash de la entrada anterior",
        "en": "prev_hash is not the previous entry's hash",
    },
    "audit_why_head_mismatch": {
        "es": "la cabeza no coincide con la última entrada",
        "en": "the head does not match the last entry",
    },
    # --- issue 13, "Publication policy (privacy)": moderation of complaints and photos (server/complaints/
    # moderation.py, server/media), docs/privacy.md; one block, kept together
    "moderation_empty": {
        "es": "Indique qué decide: sobre el texto de la queja, sobre alguna de sus fotos, o sobre ambos.",
        "en": "Say what you decide: on the complaint's text, on one of its photos, or on both.",
    },
    "moderation_restricted": {
        "es": "Esta queja es una denuncia o su autor pidió confidencialidad: su texto y sus fotos no se publican. "
              "Solo puede mantenerlos reservados.",
        "en": "This complaint is a report of wrongdoing or its author asked for confidentiality: its text and "
              "photos are not published. You can only keep them private.",
    },
    "moderation_public_text_required": {
        "es": "Para publicar con tachaduras escriba el texto que leerá el público, sin nombres, domicilios ni "
              "teléfonos.",
        "en": "To publish with blackouts, write the text the public will read, without names, addresses or "
              "phone numbers.",
    },
    "moderation_boxes_required": {
        "es": "Para publicar la foto con tachaduras marque al menos un recuadro.",
        "en": "To publish the photo with blackouts, mark at least one box.",
    },
    "moderation_boxes_only_with_blackout": {
        "es": "Los recuadros solo se usan al publicar con tachaduras.",
        "en": "Boxes are only used when publishing with blackouts.",
    },
    "publication_report_never_at_once": {
        "es": "El texto de una denuncia nunca se publica de inmediato: siempre lo revisa una persona y el público "
              "solo ve su categoría, colonia, estado y fechas.",
        "en": "The text of a report of wrongdoing is never published at once: a person always reviews it, and "
              "the public sees only its category, neighbourhood, state and dates.",
    },
    "photo_of_complaint": {
        "es": "Esta foto es parte de una queja: decida su publicación desde la moderación de la queja.",
        "en": "This photo belongs to a complaint: decide on it in the complaint's moderation.",
    },
    "open311_confidential_value": {
        "es": "Para pedir confidencialidad envíe true; si no la pide, false o nada.",
        "en": "To ask for confidentiality send true; otherwise false, or leave it out.",
    },
    # --- end of the block for issue 13's publication policy
    # photos (server/media)
    "photo_too_large": {
        "es": "La foto pesa {size:MB} y el máximo es {limit:MB}; envíela con menor resolución o más compresión.",
        "en": "The photo is {size:MB} and the maximum is {limit:MB}; send it at a lower resolution or more "
        "compressed.",
    },
    "not_an_image": {
        "es": "El archivo no es una imagen que podamos leer; envíe una foto {accepted}.",
        "en": "The file is not an image we can read; send a {accepted} photo.",
    },
    "photo_type_not_allowed": {
        "es": "El archivo es una imagen {found}, que no se admite; envíe una foto {accepted}.",
        "en": "The file is a {found} image, which is not accepted; send a {accepted} photo.",
    },
    "corrupt_image": {
        "es": "La imagen está dañada o incompleta (¿se cortó el envío?); vuelva a enviarla.",
        "en": "The image is damaged or incomplete (was the upload cut off?); send it again.",
    },
    "image_too_many_pixels": {
        "es": "La imagen tiene más de {limit} millones de píxeles, el máximo; redúzcala antes de enviarla.",
        "en": "The image has more than {limit} million pixels, the maximum; make it smaller before sending it.",
    },
    "photo_not_found": {"es": "No existe esa foto en este municipio.", "en": "There is no such photo in this municipality."},
    "photo_id_taken": {
        "es": "El identificador {id} ya pertenece a otra foto; envíe esta sin identificador o con uno nuevo.",
        "en": "The id {id} already belongs to another photo; send this one without an id or with a new one.",
    },
    "photo_variant_pending": {
        "es": "La copia de {variant} px de esta foto todavía se está preparando; vuelva a pedirla en {seconds} "
        "segundos.",
        "en": "The {variant} px copy of this photo is still being made; ask again in {seconds} seconds.",
    },
    "photo_variant_failed": {
        "es": "No se pudieron preparar las copias públicas de esta foto; si vuelve a ocurrir, avise a la "
        "contraloría municipal.",
        "en": "The public copies of this photo could not be made; if it happens again, tell the municipal "
        "comptroller's office.",
    },
    "photo_variant_not_found": {
        "es": "No hay copia de {variant} px de esta foto (hay: {available}).",
        "en": "There is no {variant} px copy of this photo (there are: {available}).",
    },
    "redaction_outside_photo": {
        "es": "El rectángulo {index} se sale de la foto, que mide {width} × {height} píxeles.",
        "en": "Rectangle {index} extends outside the photo, which is {width} × {height} pixels.",
    },
    # complaint statistics
    "until_before_since": {
        "es": "La fecha final ({until}) es anterior a la inicial ({since}).",
        "en": "The end date ({until}) is before the start date ({since}).",
    },
    "no_zone": {"es": "Sin zona", "en": "No zone"},
    "kind_complaint": {"es": "Queja", "en": "Complaint"},
    "kind_report": {"es": "Denuncia", "en": "Report of wrongdoing"},
    "kind_information_request": {"es": "Solicitud de información", "en": "Information request"},
    "kind_suggestion": {"es": "Sugerencia", "en": "Suggestion"},
    # --- issue 13, "Figures that do not mislead": what each statistic counts (server/complaints/stats.py), the
    # public committee report (server/inspections/report.py); one block, kept together
    "stats_time_to_first_response": {
        "es": "Días hábiles desde que se recibió cada caso hasta su primera respuesta (mediana y el tiempo en que "
        "se respondió el 90 % de los casos; también en días naturales). Solo cuenta los casos ya respondidos; se "
        "indica aparte cuántos siguen sin respuesta y cuántos terminaron sin ella (por ejemplo, desistidos).",
        "en": "Business days from the receipt of each case to its first answer (the median, and the time within "
        "which 90% of cases were answered; also in calendar days). Only cases already answered count; how many "
        "are still unanswered and how many ended without an answer (for example, withdrawn) is given apart.",
    },
    "stats_time_to_resolution": {
        "es": "Días hábiles desde que se recibió cada caso hasta su resolución (fundada o infundada) vigente "
        "(mediana y el tiempo en que se resolvió el 90 %; también en días naturales). Solo cuenta los casos "
        "resueltos; se indica aparte cuántos siguen en trámite y cuántos terminaron sin resolución "
        "(improcedentes, turnados a otra autoridad, desistidos o acumulados).",
        "en": "Business days from the receipt of each case to the resolution (upheld or not upheld) that stands "
        "(the median, and the time within which 90% were resolved; also in calendar days). Only resolved cases "
        "count; how many are still in progress and how many ended without a resolution (inadmissible, referred "
        "to another authority, withdrawn or merged) is given apart.",
    },
    "stats_answered_on_time": {
        "es": "De los casos cuyo plazo ya se cumplió o que ya tuvieron respuesta, la parte que recibió su primera "
        "respuesta a más tardar el día en que vencía su plazo. Cuentan como tardíos los respondidos después y "
        "los que seguían sin respuesta al vencer el plazo. No se cuentan todavía los que siguen sin respuesta "
        "dentro de su plazo, ni los que terminaron sin respuesta antes de que venciera.",
        "en": "Of the cases whose term has run out or that have been answered, the share that got a first answer "
        "on or before the last day of their term. Cases answered later and cases still without an answer when "
        "their term ran out count as late. Cases still unanswered within their term do not count yet, nor those "
        "that ended without an answer before their term ran out.",
    },
    "stats_resolved_on_time": {
        "es": "De los casos resueltos o cuyo plazo ya venció sin resolución, la parte resuelta a más tardar el día "
        "en que vencía su plazo (con la prórroga, si se concedió). Cuentan como tardíos los resueltos después y "
        "los que siguen en trámite con el plazo vencido. No se cuentan todavía los que están dentro de su plazo o "
        "esperan una aclaración, ni los que terminaron sin resolución.",
        "en": "Of the cases resolved or whose term ran out without a resolution, the share resolved on or before "
        "the last day of their term (with the extension, if granted). Cases resolved later and cases still in "
        "progress past their term count as late. Cases within their term or waiting for a clarification do not "
        "count yet, nor those that ended without a resolution.",
    },
    # the committee's report (informe), internal and public versions (server/inspections/report.py)
    "report_title": {"es": "Informe del comité de contraloría social", "en": "Social audit committee report"},
    "report_public_version": {"es": "Versión pública", "en": "Public version"},
    "report_internal": {"es": "Versión interna del comité", "en": "Committee's internal version"},
    "report_internal_warning": {
        "es": "Esta versión es para el comité y la contraloría: muestra los hallazgos tal como se escribieron y "
        "no debe publicarse. Para difundir el informe use la versión pública: {path}",
        "en": "This version is for the committee and the comptroller's office: it shows the findings as they were "
        "written and must not be published. To share the report use the public version: {path}",
    },
    "report_public_note": {
        "es": "Versión pública: no incluye datos de contacto de los integrantes, ni el nombre de quien no autorizó "
        "publicarlo. El texto de un hallazgo se publica solo a través de la queja que originó, cuando la "
        "contraloría revisa y publica ese texto; de las denuncias y quejas confidenciales solo se muestran el tema, "
        "el estado y las fechas. Solo aparecen las fotografías ya revisadas y publicadas.",
        "en": "Public version: it does not include members' contact data, nor the name of anyone who did not "
        "consent to publish it. A finding's text is published only through the complaint it became, once the "
        "comptroller's office reviews and publishes that text; of reports of wrongdoing and confidential "
        "complaints only the category, status and dates are shown. Only photographs already reviewed and "
        "published appear.",
    },
    "report_period": {"es": "Periodo: del {since} al {until}", "en": "Period: {since} to {until}"},
    "report_date": {"es": "{day} de {month} de {year}", "en": "{day} {month} {year}"},
    "report_month_1": {"es": "enero", "en": "January"},
    "report_month_2": {"es": "febrero", "en": "February"},
    "report_month_3": {"es": "marzo", "en": "March"},
    "report_month_4": {"es": "abril", "en": "April"},
    "report_month_5": {"es": "mayo", "en": "May"},
    "report_month_6": {"es": "junio", "en": "June"},
    "report_month_7": {"es": "julio", "en": "July"},
    "report_month_8": {"es": "agosto", "en": "August"},
    "report_month_9": {"es": "septiembre", "en": "September"},
    "report_month_10": {"es": "octubre", "en": "October"},
    "report_month_11": {"es": "noviembre", "en": "November"},
    "report_month_12": {"es": "diciembre", "en": "December"},
    "report_committee_kind_works": {"es": "Comité de obra", "en": "Public works committee"},
    "report_committee_kind_program": {"es": "Comité de programa social", "en": "Social programme committee"},
    "report_committee_kind_participatory_budget": {"es": "Comité de vigilancia del presupuesto participativo",
                                                   "en": "Participatory budget oversight committee"},
    "report_state": {"es": "Situación del comité: {state}", "en": "Committee status: {state}"},
    "report_registration": {"es": "Registro número {number}", "en": "Registration number {number}"},
    "report_program": {"es": "Programa que vigila: {program}", "en": "Programme it watches: {program}"},
    "report_works": {"es": "Obras que vigila", "en": "Works it watches"},
    "report_no_works": {"es": "Vigila un programa, no obras en particular.",
                        "en": "It watches a programme, not particular works."},
    "report_members": {"es": "Integrantes en funciones", "en": "Serving members"},
    "report_member_unnamed": {"es": "Integrante (no autorizó publicar su nombre)",
                              "en": "Member (did not consent to publish their name)"},
    "report_no_members": {"es": "El comité no tiene integrantes en funciones.",
                          "en": "The committee has no serving members."},
    "report_col_name": {"es": "Nombre", "en": "Name"},
    "report_col_role": {"es": "Cargo", "en": "Role"},
    "report_summary": {"es": "Resumen del periodo", "en": "Summary of the period"},
    "report_col_visits": {"es": "Visitas", "en": "Visits"},
    "report_col_findings": {"es": "Hallazgos", "en": "Findings"},
    "report_col_meetings": {"es": "Reuniones", "en": "Meetings"},
    "report_col_agreements": {"es": "Acuerdos", "en": "Agreements"},
    "report_col_agreements_done": {"es": "Acuerdos cumplidos", "en": "Agreements done"},
    "report_col_agreements_overdue": {"es": "Acuerdos vencidos", "en": "Agreements overdue"},
    "report_col_complaints": {"es": "Quejas presentadas", "en": "Complaints filed"},
    "report_findings_by_severity": {"es": "Hallazgos por gravedad", "en": "Findings by severity"},
    "report_progress": {"es": "Avance observado por obra", "en": "Progress observed per work"},
    "report_col_work": {"es": "Obra", "en": "Work"},
    "report_col_official": {"es": "Avance oficial", "en": "Official progress"},
    "report_col_observed": {"es": "Último avance observado", "en": "Latest observed progress"},
    "report_col_gap": {"es": "Diferencia (puntos)", "en": "Difference (points)"},
    "report_no_visits": {"es": "Sin visitas en el periodo.", "en": "No visits in the period."},
    "report_visits": {"es": "Visitas y hallazgos", "en": "Visits and findings"},
    "report_visit_line": {"es": "Avance observado: {observed}", "en": "Progress observed: {observed}"},
    "report_photos": {"es": "Fotografías", "en": "Photographs"},
    "report_photos_public": {"es": "{total}, de ellas {published} publicadas",
                             "en": "{total}, {published} of them published"},
    "report_col_finding": {"es": "Hallazgo", "en": "Finding"},
    "report_col_severity": {"es": "Gravedad", "en": "Severity"},
    "report_col_complaint": {"es": "Queja", "en": "Complaint"},
    "report_no_findings": {"es": "Sin hallazgos.", "en": "No findings."},
    "report_finding_text_withheld": {
        "es": "Texto no publicado: se publica con la queja que originó, cuando la contraloría lo revisa.",
        "en": "Text not published: it is published with the complaint it became, once the comptroller's office "
        "reviews it.",
    },
    "report_complaints": {"es": "Quejas presentadas a partir de hallazgos", "en": "Complaints filed from findings"},
    "report_col_folio": {"es": "Folio", "en": "Case number"},
    "report_col_category": {"es": "Tema", "en": "Category"},
    "report_col_received": {"es": "Recibida", "en": "Received"},
    "report_col_state": {"es": "Estado", "en": "Status"},
    "report_col_text": {"es": "Texto", "en": "Text"},
    "report_text_pending": {"es": "Pendiente de revisión por la contraloría",
                            "en": "Awaiting review by the comptroller's office"},
    "report_none": {"es": "Ninguna.", "en": "None."},
    "report_sign_chair": {"es": "Presidencia del comité", "en": "Committee chair"},
    "report_sign_secretary": {"es": "Secretaría del comité", "en": "Committee secretary"},
    "report_sign_comptroller": {"es": "Contraloría municipal", "en": "Municipal comptroller's office"},
    # Open311 GeoReport v2 (server/open311)
    "open311_not_found": {
        "es": "Esa dirección no existe en la API Open311 de Vigía; las rutas están en /docs.",
        "en": "That address does not exist in Vigía's Open311 API; the routes are listed at /docs.",
    },
    "open311_format_unknown": {
        "es": "Formato no admitido: .{format}; use .json o .xml.",
        "en": "Unsupported format: .{format}; use .json or .xml.",
    },
    "open311_form_required": {
        "es": "Envíe los datos como formulario: application/x-www-form-urlencoded o multipart/form-data.",
        "en": "Send the data as a form: application/x-www-form-urlencoded or multipart/form-data.",
    },
    "open311_form_invalid": {"es": "El formulario no es válido: {reason}.", "en": "The form is not valid: {reason}."},
    "open311_api_key_required": {
        "es": "Falta api_key. Pida una a la administración de Vigía (se emite con «vigia issue-token»).",
        "en": "api_key is missing. Ask Vigía's administrators for one (issued with 'vigia issue-token').",
    },
    "open311_api_key_invalid": {
        "es": "El api_key no es válido; revise que esté completo o pida uno nuevo.",
        "en": "The api_key is not valid; check that it is complete or ask for a new one.",
    },
    "open311_api_key_expired": {
        "es": "El api_key expiró; pida uno nuevo a la administración de Vigía.",
        "en": "The api_key has expired; ask Vigía's administrators for a new one.",
    },
    "open311_api_key_revoked": {
        "es": "El api_key fue revocado o su cuenta está desactivada; pida uno nuevo a la administración de Vigía.",
        "en": "The api_key was revoked or its account is disabled; ask Vigía's administrators for a new one.",
    },
    "open311_jurisdiction_required": {
        "es": "Indique jurisdiction_id: la clave del municipio (por ejemplo {example}). Este servidor atiende varios "
        "municipios; la lista está en /api/v1/municipalities.",
        "en": "Send jurisdiction_id: the municipality code (for example {example}). This server serves several "
        "municipalities; they are listed at /api/v1/municipalities.",
    },
    "open311_request_not_found": {
        "es": "No existe la solicitud {id} en este municipio (use el folio o el identificador UUID).",
        "en": "There is no request {id} in this municipality (use the folio or the UUID).",
    },
    "open311_status_unknown": {
        "es": "status admite «open», «closed» o ambos separados por coma; llegó «{value}».",
        "en": "status takes open, closed or both separated by a comma; got '{value}'.",
    },
    "open311_end_before_start": {
        "es": "end_date es anterior a start_date.",
        "en": "end_date is before start_date.",
    },
    "open311_range_too_long": {
        "es": "Entre start_date y end_date caben como máximo {days} días; divida la consulta.",
        "en": "start_date and end_date may be at most {days} days apart; split the query.",
    },
    "open311_too_many_ids": {
        "es": "Pida como máximo {max} solicitudes por consulta.",
        "en": "Ask for at most {max} requests per query.",
    },
    "open311_service_code_required": {
        "es": "Falta: elija un servicio de services.json.",
        "en": "Missing: choose a service from services.json.",
    },
    "open311_location_required": {
        "es": "Faltan lat y long: Vigía necesita las coordenadas de un punto dentro del municipio.",
        "en": "lat and long are missing: Vigía needs the coordinates of a point inside the municipality.",
    },
    "open311_address_only": {
        "es": "Vigía no ubica direcciones sin coordenadas: envíe lat y long de un punto dentro del municipio "
        "(address_string se guarda como referencia del lugar).",
        "en": "Vigía does not locate addresses without coordinates: send lat and long of a point inside the "
        "municipality (address_string is kept as a description of the place).",
    },
    "open311_not_a_number": {"es": "Debe ser un número.", "en": "Must be a number."},
    "open311_description_required": {
        "es": "Describa el problema en al menos {min} caracteres.",
        "en": "Describe the problem in at least {min} characters.",
    },
    "open311_too_long": {"es": "Admite como máximo {max} caracteres.", "en": "Takes at most {max} characters."},
    "open311_media_url_invalid": {
        "es": "Debe ser una dirección http:// o https://.",
        "en": "Must be an http:// or https:// address.",
    },
    "open311_attribute_number": {"es": "El dato {code} debe ser un número.", "en": "The attribute {code} must be a number."},
    "open311_attribute_datetime": {
        "es": "El dato {code} debe ser una fecha y hora ISO 8601.",
        "en": "The attribute {code} must be an ISO 8601 date and time.",
    },
    "open311_invalid_value": {"es": "{reason}", "en": "{reason}"},
    "open311_outcome_upheld": {"es": "fundada", "en": "upheld"},
    "open311_outcome_not_upheld": {"es": "infundada", "en": "not upheld"},
    "open311_notice_due": {
        "es": "La {agency} debe responder a más tardar el {due}.",
        "en": "The {agency} must answer by {due}.",
    },
    "open311_notice_clarification": {
        "es": "Se pidió una aclaración a quien presentó la queja; mientras llega, el plazo de respuesta está en pausa.",
        "en": "The person who filed the complaint was asked to clarify it; until they do, the answer term is paused.",
    },
    "open311_notice_filed": {
        "es": "Su queja quedó registrada con el folio {folio}. La {agency} debe responder a más tardar el {due}. "
        "Código de seguimiento (solo se muestra esta vez): {code}. Con el folio y este código puede consultarla, "
        "agregar información o desistirse.",
        "en": "Your complaint was filed with folio {folio}. The {agency} must answer by {due}. Follow-up code "
        "(shown only this once): {code}. With the folio and this code you can follow it, add information or "
        "withdraw it.",
    },
    "open311_notice_repeated": {
        "es": "Esta solicitud ya se había recibido con el folio {folio}; no se registró otra vez.",
        "en": "This request had already been received with folio {folio}; it was not filed again.",
    },
    # inspection checklists (cédulas de vigilancia) and visits
    "form_not_found": {"es": "No existe esa cédula de vigilancia.", "en": "No such inspection checklist."},
    "form_version_not_found": {"es": "No existe esa versión de la cédula.", "en": "No such checklist version."},
    "form_key_taken": {"es": "Ya existe una cédula con la clave {key}.", "en": "A checklist with key {key} exists."},
    "form_draft_exists": {
        "es": "Esta cédula ya tiene una versión en borrador: edítela o publíquela antes de crear otra.",
        "en": "This checklist already has a draft version: edit or publish it before creating another.",
    },
    "form_version_published": {
        "es": "La versión {version} ya está publicada y no puede cambiar; cree una versión nueva.",
        "en": "Version {version} is published and cannot change; create a new version.",
    },
    "form_version_draft": {
        "es": "Esa versión de la cédula aún no está publicada.",
        "en": "That checklist version is not published yet.",
    },
    "form_definition_invalid": {
        "es": "La definición de la cédula tiene errores; vea los detalles.",
        "en": "The checklist definition has errors; see the details.",
    },
    "question_id_repeated": {"es": "La clave de pregunta «{question}» está repetida.",
                             "en": "The question key '{question}' is repeated."},
    "question_options_missing": {
        "es": "La pregunta «{question}» es de opción y no tiene opciones.",
        "en": "The question '{question}' is a choice without options.",
    },
    "question_options_repeated": {
        "es": "La pregunta «{question}» repite una clave de opción.",
        "en": "The question '{question}' repeats an option key.",
    },
    "question_options_not_allowed": {
        "es": "La pregunta «{question}» no es de opción: no lleva opciones.",
        "en": "The question '{question}' is not a choice: it takes no options.",
    },
    "question_range_invalid": {
        "es": "En la pregunta «{question}» el mínimo es mayor que el máximo.",
        "en": "In the question '{question}' the minimum exceeds the maximum.",
    },
    "question_range_not_allowed": {
        "es": "La pregunta «{question}» no es numérica: no lleva mínimo ni máximo.",
        "en": "The question '{question}' is not a number: it takes no minimum or maximum.",
    },
    "question_condition_not_earlier": {
        "es": "La pregunta «{question}» depende de «{other}», que no es una pregunta anterior.",
        "en": "The question '{question}' depends on '{other}', which is not an earlier question.",
    },
    "question_condition_value": {
        "es": "La pregunta «{question}» depende de un valor que la pregunta «{other}» no puede tomar.",
        "en": "The question '{question}' depends on a value the question '{other}' cannot take.",
    },
    "answers_invalid": {
        "es": "Las respuestas no corresponden a la cédula; vea los detalles.",
        "en": "The answers do not fit the checklist; see the details.",
    },
    "answer_unknown_question": {
        "es": "La cédula no tiene una pregunta con la clave «{question}».",
        "en": "The checklist has no question with the key '{question}'.",
    },
    "answer_to_hidden_question": {
        "es": "La pregunta «{question}» no aplica según las respuestas anteriores: déjela sin responder.",
        "en": "The question '{question}' does not apply given the earlier answers: leave it unanswered.",
    },
    "answer_required": {
        "es": "Falta responder la pregunta «{question}».",
        "en": "The question '{question}' needs an answer.",
    },
    "answer_wrong_type": {
        "es": "La pregunta «{question}» espera {expected}.",
        "en": "The question '{question}' expects {expected}.",
    },
    "answer_option_unknown": {
        "es": "«{value}» no es una respuesta de la pregunta «{question}», que espera {expected}.",
        "en": "'{value}' is not an answer to the question '{question}', which expects {expected}.",
    },
    "answer_out_of_range": {
        "es": "La pregunta «{question}» espera {expected}.",
        "en": "The question '{question}' expects {expected}.",
    },
    "answer_too_long": {
        "es": "La respuesta a la pregunta «{question}» pasa de {limit} caracteres.",
        "en": "The answer to the question '{question}' is longer than {limit} characters.",
    },
    "answer_bad_date": {
        "es": "La pregunta «{question}» espera una fecha (AAAA-MM-DD).",
        "en": "The question '{question}' expects a date (YYYY-MM-DD).",
    },
    "answer_photo_unknown": {
        "es": "La respuesta a la pregunta «{question}» no es una foto de este municipio; súbala primero.",
        "en": "The answer to the question '{question}' is not a photo of this municipality; upload it first.",
    },
    "answer_point_invalid": {
        "es": "La pregunta «{question}» espera un punto en el mapa (GeoJSON con longitud y latitud).",
        "en": "The question '{question}' expects a point on the map (GeoJSON with longitude and latitude).",
    },
    "answer_point_outside": {
        "es": "El punto de la pregunta «{question}» está fuera de {municipality}.",
        "en": "The point of the question '{question}' lies outside {municipality}.",
    },
    "visit_not_found": {"es": "No existe esa visita.", "en": "No such visit."},
    "visit_id_taken": {
        "es": "Ese identificador ya corresponde a otra visita.",
        "en": "That id already belongs to another visit.",
    },
    "visit_not_a_member": {
        "es": "Solo un integrante activo del comité (o la coordinación) puede registrar visitas de este comité.",
        "en": "Only an active member of the committee (or a coordinator) may record its visits.",
    },
    "visit_member_inactive": {
        "es": "Esa persona no es integrante activa del comité en la fecha de la visita.",
        "en": "That person is not an active member of the committee on the visit's date.",
    },
    "visit_work_not_watched": {
        "es": "El comité no vigila esa obra.",
        "en": "The committee does not watch that work.",
    },
    "visit_in_future": {"es": "La fecha de la visita está en el futuro.", "en": "The visit's date is in the future."},
    "finding_not_found": {"es": "No existe ese hallazgo.", "en": "No such finding."},
    "finding_needs_point": {
        "es": "La visita no tiene ubicación GPS; no se puede presentar la queja desde este hallazgo.",
        "en": "The visit has no GPS point; the complaint cannot be filed from this finding.",
    },
    "invalid_period": {
        "es": "El periodo no es válido: la fecha final debe ser posterior a la inicial y abarcar a lo más {days} días.",
        "en": "Invalid period: the end must follow the start and span at most {days} days.",
    },
    "finding_needs_account": {
        "es": "La persona integrante no tiene cuenta: la queja debe presentarla ella o la coordinación.",
        "en": "The member has no account: the complaint must be filed by them or a coordinator.",
    },
    # observatories
    "observatory_not_found": {"es": "No encontramos ese observatorio ciudadano.", "en": "Citizen observatory not found."},
    "observatory_name_taken": {
        "es": "Ya existe un observatorio llamado «{name}» en este municipio.",
        "en": "There is already an observatory called '{name}' in this municipality.",
    },
    "observatory_work_unknown": {
        "es": "La obra {id} no existe en este municipio.",
        "en": "Work {id} does not exist in this municipality.",
    },
    "observatory_program_invalid": {
        "es": "El nombre del programa debe tener entre 2 y 200 caracteres.",
        "en": "A program name must have between 2 and 200 characters.",
    },
    "observatory_member_not_found": {"es": "No encontramos a ese integrante del observatorio.",
                                     "en": "Observatory member not found."},
    "observatory_user_unknown": {"es": "Esa cuenta de usuario no existe.", "en": "That user account does not exist."},
    "accreditation_not_found": {"es": "No encontramos esa acreditación.", "en": "Accreditation not found."},
    "accreditation_number_taken": {
        "es": "El número de acreditación {number} ya está asignado en este municipio.",
        "en": "Accreditation number {number} is already assigned in this municipality.",
    },
    "accreditation_already_revoked": {"es": "Esa acreditación ya estaba revocada.",
                                      "en": "That accreditation was already revoked."},
    "accreditation_required": {
        "es": "Su acreditación como contralor ciudadano en este observatorio venció o fue revocada (o aún no está "
        "vigente); sin una acreditación vigente no puede publicar hallazgos ni registrar observaciones.",
        "en": "Your accreditation as citizen comptroller in this observatory has expired or been revoked (or is "
        "not valid yet); without a valid accreditation you cannot publish findings or record observations.",
    },
    "indicator_not_found": {"es": "No encontramos ese indicador.", "en": "Indicator not found."},
    "indicator_key_taken": {
        "es": "El observatorio ya tiene un indicador con la clave {key}.",
        "en": "The observatory already has an indicator with key {key}.",
    },
    "official_source_staff_only": {
        "es": "Solo el personal del municipio registra cifras oficiales; use la fuente observatory o citizen.",
        "en": "Only municipal staff record official figures; use source observatory or citizen.",
    },
    "observatory_finding_not_found": {"es": "No encontramos ese hallazgo.", "en": "Finding not found."},
    "future_publication": {"es": "La fecha de publicación no puede ser futura.",
                           "en": "The publication date cannot be in the future."},
    "evidence_unknown": {
        "es": "La evidencia {kind} {id} no existe en este municipio.",
        "en": "Evidence {kind} {id} does not exist in this municipality.",
    },
    # offline sync (server/sync)
    "device_required": {
        "es": "Indique el dispositivo en el encabezado Vigia-Device (el id del dispositivo con que inició sesión).",
        "en": "Name the device in the Vigia-Device header (the id of the device you signed in from).",
    },
    "device_mismatch": {
        "es": "Este token es de otro dispositivo; inicie sesión desde este dispositivo.",
        "en": "This token belongs to another device; sign in from this device.",
    },
    "cursor_invalid": {
        "es": "El cursor no es válido; sincronice desde el principio (sin cursor).",
        "en": "The cursor is not valid; sync from the beginning (without a cursor).",
    },
    "mutation_invalid": {"es": "El cambio no tiene la forma esperada; revise los detalles.",
                         "en": "The change is not in the expected shape; see the details."},
    "intent_unknown": {"es": "Tipo de cambio desconocido; los conocidos son: {known}.",
                       "en": "Unknown kind of change; the known ones are: {known}."},
    "mutation_id_reused": {
        "es": "Ese id de cambio ya se usó para otro cambio; cada cambio necesita un id nuevo.",
        "en": "That change id was already used for another change; each change needs a new id.",
    },
    "attachment_id_taken": {"es": "Ese id de foto ya se declaró para otro registro.",
                            "en": "That photo id was already declared for another record."},
    "attachment_not_declared": {
        "es": "Esa foto no se declaró para ese registro; envíe primero el registro (push) y luego la foto.",
        "en": "That photo was not declared for that record; push the record first, then upload the photo.",
    },
    "upload_record_invalid": {"es": "El registro debe ser «complaint:<id>» o «visit:<id>».",
                              "en": "The record must be 'complaint:<id>' or 'visit:<id>'."},
    "upload_attachment_invalid": {"es": "El id de la foto debe ser un UUID.", "en": "The photo id must be a UUID."},
    "upload_sha256_invalid": {"es": "El sha256 debe tener 64 caracteres hexadecimales.",
                              "en": "The sha256 must be 64 hexadecimal characters."},
    # photo uploads over tus (server/sync/uploads.py)
    "tus_version_unsupported": {
        "es": "Envíe el encabezado Tus-Resumable: {version} (la versión del protocolo tus que habla este servidor).",
        "en": "Send the header Tus-Resumable: {version} (the tus protocol version this server speaks).",
    },
    "upload_length_invalid": {"es": "Upload-Length debe ser el tamaño del archivo en bytes (un entero).",
                              "en": "Upload-Length must be the file's size in bytes (an integer)."},
    "upload_too_large": {
        "es": "El archivo pesa {length:MB}; el máximo para una foto es {limit:MB}.",
        "en": "The file is {length:MB}; a photo may be at most {limit:MB}.",
    },
    "upload_metadata_invalid": {
        "es": "Upload-Metadata debe ser una lista de pares «clave valor-en-base64» separados por comas.",
        "en": "Upload-Metadata must be a comma-separated list of 'key base64-value' pairs.",
    },
    "upload_offset_invalid": {"es": "Upload-Offset debe ser un entero de bytes.",
                              "en": "Upload-Offset must be a whole number of bytes."},
    "upload_offset_mismatch": {
        "es": "El envío empieza en el byte {offset}, pero el servidor tiene {expected}; pregunte con HEAD y "
        "continúe desde ahí.",
        "en": "The request starts at byte {offset}, but the server holds {expected}; ask with HEAD and go on "
        "from there.",
    },
    "upload_exceeds_length": {"es": "Estos bytes pasan del final del archivo declarado en Upload-Length.",
                              "en": "These bytes go past the end of the file declared in Upload-Length."},
    "upload_checksum_unsupported": {
        "es": "El algoritmo {algorithm} no se admite en Upload-Checksum; use uno de: {accepted}.",
        "en": "The algorithm {algorithm} is not accepted in Upload-Checksum; use one of: {accepted}.",
    },
    "upload_checksum_invalid": {"es": "Upload-Checksum debe ser «algoritmo suma-en-base64».",
                                "en": "Upload-Checksum must be 'algorithm base64-digest'."},
    "upload_checksum_mismatch": {
        "es": "Estos bytes no coinciden con su suma {algorithm} (¿se dañaron en el camino?); no se guardaron, "
        "vuelva a enviarlos.",
        "en": "These bytes do not match their {algorithm} checksum (damaged on the way?); they were not kept, "
        "send them again.",
    },
    "upload_hash_mismatch": {
        "es": "El archivo completo no coincide con el sha256 declarado; se descartó. Vuelva a subir la foto "
        "desde el principio.",
        "en": "The whole file does not match the declared sha256; it was discarded. Upload the photo again from "
        "the start.",
    },
    "upload_not_found": {"es": "No encontramos esa subida.", "en": "Upload not found."},
    "upload_expired": {
        "es": "Esa subida caducó sin terminarse; empiece una nueva.",
        "en": "That upload expired before it was finished; start a new one.",
    },
    "sync_edit_noted": {
        "es": "La queja ya había avanzado cuando llegó su cambio; lo agregamos como información a la queja.",
        "en": "The complaint had moved on when your change arrived; it was added to the complaint as information.",
    },
    "meeting_not_found": {"es": "No encontramos esa reunión.", "en": "Meeting not found."},
    # ---- issue 13, "Messages a person understands": words instead of codes (this block is that part's) ----
    "point_in_other_municipality": {
        "es": "El punto está en {other} ({other_code}), no en {municipality}. Si el lugar es correcto, regístrelo "
        "en el municipio de {other}.",
        "en": "The point is in {other} ({other_code}), not in {municipality}. If the place is right, file it in "
        "the municipality of {other}.",
    },
    "text_blank": {
        "es": "Este campo no puede estar vacío ni tener solo espacios.",
        "en": "This field cannot be empty or hold only spaces.",
    },
    "text_too_short": {
        "es": "Debe tener al menos {min_length} {min_length:carácter|caracteres}, sin contar los espacios del "
        "principio y del final.",
        "en": "Must have at least {min_length} {min_length:character|characters}, not counting spaces at the "
        "start and the end.",
    },
    # A complaint's state as it reads after "Una queja ..." / "A complaint that is ..." (complaint_is_*) and after
    # "... no puede pasar a" / "... cannot be moved to" (complaint_to_*): transition_not_allowed.
    "complaint_is_received": {"es": "recibida", "en": "received"},
    "complaint_is_needs_clarification": {"es": "en espera de aclaración", "en": "awaiting clarification"},
    "complaint_is_admitted": {"es": "admitida", "en": "admitted"},
    "complaint_is_inadmissible": {"es": "improcedente", "en": "inadmissible"},
    "complaint_is_referred": {"es": "turnada a otra autoridad", "en": "referred to another body"},
    "complaint_is_under_investigation": {"es": "en investigación", "en": "under investigation"},
    "complaint_is_extended": {"es": "en investigación con prórroga", "en": "under investigation with an extension"},
    "complaint_is_resolved": {"es": "resuelta", "en": "resolved"},
    "complaint_is_closed": {"es": "concluida", "en": "closed"},
    "complaint_is_reopened": {"es": "reabierta", "en": "reopened"},
    "complaint_is_withdrawn": {"es": "desistida", "en": "withdrawn"},
    "complaint_to_received": {"es": "recibida", "en": "received"},
    "complaint_to_needs_clarification": {"es": "espera de aclaración", "en": "awaiting clarification"},
    "complaint_to_admitted": {"es": "admitida", "en": "admitted"},
    "complaint_to_inadmissible": {"es": "improcedente", "en": "inadmissible"},
    "complaint_to_referred": {"es": "turnada", "en": "referred"},
    "complaint_to_under_investigation": {"es": "investigación", "en": "under investigation"},
    "complaint_to_extended": {"es": "prórroga", "en": "extended"},
    "complaint_to_resolved": {"es": "resuelta", "en": "resolved"},
    "complaint_to_closed": {"es": "concluida", "en": "closed"},
    "complaint_to_reopened": {"es": "reabierta", "en": "reopened"},
    "complaint_to_withdrawn": {"es": "desistida", "en": "withdrawn"},
    # A committee's state after "Un comité ..." / "El comité está ..." (committee_is_*) and after "... no puede
    # quedar" / "... cannot become" (committee_to_*): committee_transition_not_allowed, committee_closed.
    "committee_is_draft": {"es": "en borrador", "en": "a draft"},
    "committee_is_constituted": {"es": "constituido", "en": "constituted"},
    "committee_is_registered": {"es": "registrado", "en": "registered"},
    "committee_is_active": {"es": "en funciones", "en": "active"},
    "committee_is_concluded": {"es": "concluido", "en": "concluded"},
    "committee_is_dissolved": {"es": "disuelto", "en": "dissolved"},
    "committee_to_draft": {"es": "en borrador", "en": "a draft"},
    "committee_to_constituted": {"es": "constituido", "en": "constituted"},
    "committee_to_registered": {"es": "registrado", "en": "registered"},
    "committee_to_active": {"es": "en funciones", "en": "active"},
    "committee_to_concluded": {"es": "concluido", "en": "concluded"},
    "committee_to_dissolved": {"es": "disuelto", "en": "dissolved"},
    "answer_point_swapped": {
        "es": "El punto de la pregunta «{question}» parece tener la latitud y la longitud intercambiadas: envíe "
        "primero la longitud y después la latitud.",
        "en": "The point of the question '{question}' seems to have latitude and longitude swapped: send "
        "longitude first, then latitude.",
    },
    "answer_point_elsewhere": {
        "es": "El punto de la pregunta «{question}» está en {other} ({other_code}), no en {municipality}.",
        "en": "The point of the question '{question}' is in {other} ({other_code}), not in {municipality}.",
    },
    # Checks of a schema as a whole (server.errors.value_error): Pydantic's value_error, in words.
    "modification_needs_value": {"es": "Una modificación de valor necesita el nuevo valor del contrato.",
                                 "en": "A value modification needs the contract's new value."},
    "planned_period_reversed": {"es": "La fecha de inicio programada es posterior a la de término programada.",
                                "en": "The planned start is after the planned end."},
    "actual_period_reversed": {"es": "La fecha de inicio real es posterior a la de término real.",
                               "en": "The actual start is after the actual end."},
    "progress_needs_a_figure": {"es": "Indique el avance físico, el financiero o ambos.",
                                "en": "Give the physical progress, the financial progress or both."},
    "financial_progress_official_only": {"es": "El avance financiero solo lo reporta la fuente oficial.",
                                         "en": "Only the official source reports financial progress."},
    "risk_unknown": {"es": "Señal de riesgo desconocida: {value}; use una de: {codes}.",
                     "en": "Unknown risk signal: {value}; use one of: {codes}."},
    "order_unknown": {"es": "Orden desconocido: {value}; use uno de: {codes}.",
                      "en": "Unknown order: {value}; use one of: {codes}."},
    "codelist_unknown": {"es": "«{value}» no está en la lista {name} de OC4IDS; use uno de: {codes}.",
                         "en": "'{value}' is not in the OC4IDS {name} codelist; use one of: {codes}."},
    "codelist_unknown_long": {"es": "«{value}» no está en la lista {name} de OC4IDS.",
                              "en": "'{value}' is not in the OC4IDS {name} codelist."},
    "agreement_one_owner": {
        "es": "Indique a la persona integrante responsable o escriba el nombre de quien se encarga, no las dos cosas.",
        "en": "Name the member in charge or write the name of whoever is in charge, not both.",
    },
    # Words of enumerations (server.i18n.register_words): shown in validation errors, accepted as input.
    "committee_kind_works": {"es": "Comité de obra", "en": "Works committee"},
    "committee_kind_program": {"es": "Comité de programa social", "en": "Social program committee"},
    "committee_kind_participatory_budget": {"es": "Comité de presupuesto participativo",
                                            "en": "Participatory budget committee"},
    "member_role_chair": {"es": "Presidencia", "en": "Chair"},
    "member_role_secretary": {"es": "Secretaría", "en": "Secretary"},
    "member_role_member_at_large": {"es": "Vocal", "en": "Member at large"},
    "member_role_social_comptroller": {"es": "Contraloría social", "en": "Social comptroller"},
    "sex_F": {"es": "Mujer", "en": "Woman"},
    "sex_M": {"es": "Hombre", "en": "Man"},
    "sex_X": {"es": "Otro", "en": "Other"},
    "agreement_pending": {"es": "Pendiente", "en": "Pending"},
    "agreement_done": {"es": "Cumplido", "en": "Done"},
    "agreement_cancelled": {"es": "Cancelado", "en": "Cancelled"},
    "severity_low": {"es": "Baja", "en": "Low"},
    "severity_medium": {"es": "Media", "en": "Medium"},
    "severity_high": {"es": "Alta", "en": "High"},
    "severity_critical": {"es": "Crítica", "en": "Critical"},
    "outcome_upheld": {"es": "Fundada", "en": "Upheld"},
    "outcome_not_upheld": {"es": "Infundada", "en": "Not upheld"},
    "source_official": {"es": "Oficial", "en": "Official"},
    "source_committee": {"es": "Comité", "en": "Committee"},
    "source_observatory": {"es": "Observatorio", "en": "Observatory"},
    "source_citizen": {"es": "Ciudadanía", "en": "Citizens"},
    # Priorities of a complaint (accepted as input too: "alta", "urgente").
    "priority_low": {"es": "Baja", "en": "Low"},
    "priority_normal": {"es": "Normal", "en": "Normal"},
    "priority_high": {"es": "Alta", "en": "High"},
    "priority_urgent": {"es": "Urgente", "en": "Urgent"},
    # --- issue 13, "small things the apps need": point → municipality, /auth/me, visits far from their work,
    # follow-up codes and links (one block, kept together)
    "place_not_served": {
        "es": "Vigía no atiende ese lugar todavía. Revise el punto o consulte la lista de municipios atendidos.",
        "en": "Vigía does not serve that place yet. Check the point or see the list of municipalities served.",
    },
    "place_looks_swapped": {
        "es": "Vigía no atiende ese lugar, pero el punto caería en {municipality} con la latitud y la longitud "
        "intercambiadas: envíe primero la longitud (lon) y después la latitud (lat).",
        "en": "Vigía does not serve that place, but the point would fall in {municipality} with latitude and "
        "longitude swapped: send longitude (lon) first, then latitude (lat).",
    },
    # /auth/me: the committees and observatories a person belongs to, in words
    "membership_role_chair": {"es": "Presidencia", "en": "Chair"},
    "membership_role_secretary": {"es": "Secretaría", "en": "Secretary"},
    "membership_role_member_at_large": {"es": "Vocal", "en": "Member at large"},
    "membership_role_social_comptroller": {"es": "Contralor social", "en": "Social comptroller"},
    "membership_committee_draft": {"es": "En preparación", "en": "Being formed"},
    "membership_committee_constituted": {"es": "Constituido", "en": "Constituted"},
    "membership_committee_registered": {"es": "Registrado", "en": "Registered"},
    "membership_committee_active": {"es": "En funciones", "en": "Active"},
    "membership_committee_concluded": {"es": "Concluido", "en": "Concluded"},
    "membership_committee_dissolved": {"es": "Disuelto", "en": "Dissolved"},
    "membership_observatory_citizen_comptroller": {"es": "Contralor ciudadano acreditado",
                                                   "en": "Accredited citizen comptroller"},
    "membership_observatory_member": {"es": "Integrante del observatorio", "en": "Observatory member"},
    "membership_accreditation_valid": {"es": "Acreditación vigente", "en": "Accreditation in force"},
    "membership_accreditation_expired": {"es": "Acreditación vencida", "en": "Accreditation expired"},
    "membership_accreditation_revoked": {"es": "Acreditación revocada", "en": "Accreditation revoked"},
    "membership_accreditation_not_yet_valid": {"es": "Acreditación todavía no vigente",
                                               "en": "Accreditation not yet in force"},
    "membership_accreditation_none": {"es": "Sin acreditación", "en": "No accreditation"},
    # inspection visits: far from their work, and the complaint a finding becomes
    "visit_far_from_work": {
        "es": "La visita se registró a {distance} de la obra «{work}», más lejos de los {limit} m que esperamos. "
        "Se guardó de todos modos; revise que eligió la obra correcta y que el GPS del teléfono tenía buena señal.",
        "en": "The visit was recorded {distance} from the work «{work}», farther than the {limit} m we expect. "
        "It was saved anyway; check that you chose the right work and that the phone's GPS had a good signal.",
    },
    "finding_complaint_origin": {
        "es": "Hallazgo de la visita del comité «{committee}» a la obra «{work}» del {day}. Gravedad: {severity}.",
        "en": "Finding of the visit of the committee «{committee}» to the work «{work}» on {day}. Severity: "
        "{severity}.",
    },
    "finding_severity_low": {"es": "baja", "en": "low"},
    "finding_severity_medium": {"es": "media", "en": "medium"},
    "finding_severity_high": {"es": "alta", "en": "high"},
    "finding_severity_critical": {"es": "crítica", "en": "critical"},
    # follow-up links
    "follow_up_link_invalid": {
        "es": "Este enlace de seguimiento no es válido. Revise que lo copió completo, o consulte su queja con el "
        "folio y el código de seguimiento.",
        "en": "This follow-up link is not valid. Check that you copied all of it, or follow your complaint with its "
        "folio and follow-up code.",
    },
    "follow_up_link_expired": {
        "es": "Este enlace de seguimiento ya venció (vale {days} días). Pida uno nuevo con el folio y el código de "
        "seguimiento de su queja.",
        "en": "This follow-up link has expired (it is valid for {days} days). Ask for a new one with your "
        "complaint's folio and follow-up code.",
    },
    # --- end of the block for issue 13's small things
    # issue 15 (field app)
    "anonymous_device_forbidden": {
        "es": "Este teléfono está inscrito sin cuenta: solo puede presentar quejas anónimas, agregarles fotos e "
              "información, retirarlas y consultarlas. Para lo demás, inicie sesión.",
        "en": "This phone is enrolled without an account: it can only file anonymous complaints, add photos and "
              "information to them, withdraw them and follow them. Sign in for anything else.",
    },
    "anonymous_device_rate_limited": {
        "es": "Demasiados teléfonos inscritos desde esta conexión. Intente de nuevo en {minutes} minutos.",
        "en": "Too many phones enrolled from this connection. Try again in {minutes} minutes.",
    },
}

# Pydantic's error types, rendered in each language; `ctx` values fill the placeholders (an enumeration's codes
# become its words, server.errors). Counts agree in number: "al menos 1 elemento", "al menos 2 elementos".
VALIDATION_MESSAGES: dict[str, dict[str, str]] = {
    "missing": {"es": "Este campo es obligatorio.", "en": "This field is required."},
    "blank": {"es": "Este campo no puede estar vacío ni tener solo espacios.",
              "en": "This field cannot be empty or only spaces."},
    "extra_forbidden": {"es": "Este campo no se admite.", "en": "This field is not accepted."},
    "string_type": {"es": "Debe ser texto.", "en": "Must be text."},
    "string_too_short": {
        "es": "Debe tener al menos {min_length} {min_length:carácter|caracteres}.",
        "en": "Must have at least {min_length} {min_length:character|characters}.",
    },
    "string_too_long": {
        "es": "Debe tener como máximo {max_length} {max_length:carácter|caracteres}.",
        "en": "Must have at most {max_length} {max_length:character|characters}.",
    },
    "string_pattern_mismatch": {"es": "No tiene el formato esperado.", "en": "Does not have the expected format."},
    "int_type": {"es": "Debe ser un número entero.", "en": "Must be a whole number."},
    "int_parsing": {"es": "Debe ser un número entero.", "en": "Must be a whole number."},
    "int_from_float": {"es": "Debe ser un número entero, sin decimales.", "en": "Must be a whole number, without decimals."},
    "float_type": {"es": "Debe ser un número.", "en": "Must be a number."},
    "float_parsing": {"es": "Debe ser un número.", "en": "Must be a number."},
    "finite_number": {"es": "Debe ser un número finito.", "en": "Must be a finite number."},
    "bool_type": {"es": "Debe ser verdadero o falso.", "en": "Must be true or false."},
    "bool_parsing": {"es": "Debe ser verdadero o falso.", "en": "Must be true or false."},
    "greater_than": {"es": "Debe ser mayor que {gt}.", "en": "Must be greater than {gt}."},
    "greater_than_equal": {"es": "Debe ser mayor o igual que {ge}.", "en": "Must be greater than or equal to {ge}."},
    "less_than": {"es": "Debe ser menor que {lt}.", "en": "Must be less than {lt}."},
    "less_than_equal": {"es": "Debe ser menor o igual que {le}.", "en": "Must be less than or equal to {le}."},
    "literal_error": {"es": "Debe ser uno de estos valores: {expected}.", "en": "Must be one of these values: {expected}."},
    "enum": {"es": "Debe ser uno de estos valores: {expected}.", "en": "Must be one of these values: {expected}."},
    "uuid_type": {"es": "Debe ser un identificador UUID.", "en": "Must be a UUID."},
    "uuid_parsing": {"es": "Debe ser un identificador UUID.", "en": "Must be a UUID."},
    "date_type": {"es": "Debe ser una fecha AAAA-MM-DD.", "en": "Must be a YYYY-MM-DD date."},
    "date_parsing": {"es": "Debe ser una fecha AAAA-MM-DD.", "en": "Must be a YYYY-MM-DD date."},
    "date_from_datetime_parsing": {"es": "Debe ser una fecha AAAA-MM-DD.", "en": "Must be a YYYY-MM-DD date."},
    "date_from_datetime_inexact": {"es": "Debe ser una fecha AAAA-MM-DD, sin hora.",
                                   "en": "Must be a YYYY-MM-DD date, without a time."},
    "datetime_type": {"es": "Debe ser una fecha y hora ISO 8601.", "en": "Must be an ISO 8601 date and time."},
    "datetime_parsing": {"es": "Debe ser una fecha y hora ISO 8601.", "en": "Must be an ISO 8601 date and time."},
    "datetime_from_date_parsing": {"es": "Debe ser una fecha y hora ISO 8601.",
                                   "en": "Must be an ISO 8601 date and time."},
    "timezone_aware": {"es": "La fecha y hora debe indicar su zona horaria (p. ej. -06:00).",
                       "en": "The date and time must give its time zone (e.g. -06:00)."},
    "list_type": {"es": "Debe ser una lista.", "en": "Must be a list."},
    "set_type": {"es": "Debe ser una lista.", "en": "Must be a list."},
    "dict_type": {"es": "Debe ser un objeto.", "en": "Must be an object."},
    "model_type": {"es": "Debe ser un objeto.", "en": "Must be an object."},
    "model_attributes_type": {"es": "Debe ser un objeto.", "en": "Must be an object."},
    "too_short": {
        "es": "Debe tener al menos {min_length} {min_length:elemento|elementos}.",
        "en": "Must have at least {min_length} {min_length:item|items}.",
    },
    "too_long": {
        "es": "Debe tener como máximo {max_length} {max_length:elemento|elementos}.",
        "en": "Must have at most {max_length} {max_length:item|items}.",
    },
    "json_invalid": {"es": "No es JSON válido.", "en": "Not valid JSON."},
    "json_type": {"es": "No es JSON válido.", "en": "Not valid JSON."},
    "value_error": {"es": "{error}", "en": "{error}"},
    "decimal_max_places": {
        "es": "Debe tener como máximo {decimal_places} {decimal_places:decimal|decimales}.",
        "en": "Must have at most {decimal_places} {decimal_places:decimal place|decimal places}.",
    },
    "decimal_max_digits": {
        "es": "Debe tener como máximo {max_digits} {max_digits:dígito|dígitos}.",
        "en": "Must have at most {max_digits} {max_digits:digit|digits}.",
    },
    "decimal_parsing": {"es": "Debe ser un número.", "en": "Must be a number."},
    "decimal_type": {"es": "Debe ser un número.", "en": "Must be a number."},
    "url_parsing": {"es": "Debe ser una dirección web válida.", "en": "Must be a valid web address."},
    "url_scheme": {"es": "Debe ser una dirección http:// o https://.", "en": "Must be an http:// or https:// address."},
    "value_not_email": {"es": "Debe ser una dirección de correo válida.", "en": "Must be a valid email address."},
}
# Spanish alone, as other modules read it.
VALIDATION_MESSAGES_ES: dict[str, str] = {kind: texts["es"] for kind, texts in VALIDATION_MESSAGES.items()}


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


@dataclass(frozen=True)
class Words:
    """A message parameter written in both languages (a state, a kind, a question's expected answer): the
    message shows the one it is rendered in. Raise sites pass `term("complaint_is_admitted")` or
    `Words(es=..., en=...)` instead of a code."""

    es: str
    en: str

    def in_(self, language: str) -> str:
        return self.en if language == "en" else self.es

    def __str__(self) -> str:
        return self.es


def term(code: str) -> Words:
    """The catalogue entry `code` as a parameter for another message."""
    texts = MESSAGES[code]
    return Words(es=texts["es"], en=texts["en"])


def megabytes(size: object) -> str:
    """A size in bytes as people read it, in MB (of 1,048,576 bytes) rounded up to a tenth: "15 MB", "1.5 MB",
    "15.1 MB" for a byte more than 15 MB (so a file over a limit never reads as the limit); text is left as is."""
    if isinstance(size, bool) or not isinstance(size, (int, float)):
        return str(size)
    tenths = math.ceil(size * 10 / 1_048_576)
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"


class _Formatter(string.Formatter):
    """str.format with two specs of our own: `{limit:MB}` shows a size in bytes as megabytes, and
    `{count:elemento|elementos}` picks the singular when the number is 1 (the number itself goes in its own
    placeholder: "al menos {count} {count:elemento|elementos}")."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "MB":
            return megabytes(value)
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if _is_one(value) else many
        return super().format_field(value, format_spec)


def _is_one(value: Any) -> bool:
    try:
        return float(value) == 1
    except (TypeError, ValueError):
        return False


FORMATTER = _Formatter()


def fill(template: str, language: Language = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """`template` with its placeholders filled (Words in `language`; a pair `x_es`, `x_en` fills `{x}` in each
    language); the template as it is if one is missing."""
    resolved = {key: value.in_(language) if isinstance(value, Words) else value for key, value in params.items()}
    for key in [key for key in params if key.endswith("_es") and f"{key[:-3]}_en" in params]:
        resolved.setdefault(key[:-3], params[f"{key[:-3]}_{'en' if language == 'en' else 'es'}"])
    try:
        return FORMATTER.format(template, **resolved)
    except (KeyError, IndexError, ValueError):
        return template


def placeholders(template: str) -> set[str]:
    """The names of the placeholders of a template (without their format specs)."""
    return {name for _, name, _, _ in FORMATTER.parse(template) if name}


def translate(code: str, language: Language = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message for `code` in `language`, with its placeholders filled; the code itself if unknown."""
    texts = MESSAGES.get(code)
    if texts is None:
        return code
    return fill(texts.get(language) or texts[DEFAULT_LANGUAGE], language, **params)


def json_problem(exc: Exception) -> Words:
    """Where a JSON text breaks, in words: "revise la línea 1, columna 11" (the parser explains in English only)."""
    if isinstance(exc, UnicodeDecodeError):
        return Words(es="no está escrito en UTF-8", en="it is not written in UTF-8")
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is None or column is None:
        return Words(es="no se puede leer", en="it cannot be read")
    return Words(es=f"revise la línea {line}, columna {column}", en=f"check line {line}, column {column}")


# ------------------------------------------------------------------------------------------------ enumerations

E = TypeVar("E", bound=Enum)
# Enumerations whose members have words in the catalogue (`{prefix}{value}`): they accept those words as input
# (`member_by_words`), and a validation error lists the words instead of the codes (server.errors).
ENUM_WORDS: dict[frozenset[str], str] = {}


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces, no underscores: "Solicitud de Información" == "solicitud_de_informacion"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s_\-]+", " ", bare).strip().lower()


def register_words(enum: type[Enum], prefix: str, *, aliases: dict[str, str] | None = None) -> None:
    """Declare that `enum`'s members have words in the catalogue under `prefix` + value: a validation error lists
    the words, and the enumeration accepts them as input (its `_missing_`, which Pydantic honours), unless it
    defines its own `_missing_`. `aliases` adds other words people use ({"borrador": "draft"})."""
    ENUM_WORDS[frozenset(str(member.value) for member in enum)] = prefix
    if "_missing_" not in vars(enum):
        extra = {_plain(word): code for word, code in (aliases or {}).items()}

        def _missing_(cls: type[Enum], value: object) -> Enum | None:
            return member_by_words(cls, value, prefix, extra=extra)

        enum._missing_ = classmethod(_missing_)  # type: ignore[method-assign,assignment]


def member_by_words(enum: type[E], value: object, prefix: str, *, extra: dict[str, str] | None = None) -> E | None:
    """The member of `enum` that `value` names in words (Spanish or English, any case, with or without accents),
    or by its code written differently ("Denuncia", "information request"); None if it names none. For an
    Enum's `_missing_`, so every schema that takes the enumeration accepts the words."""
    if not isinstance(value, str):
        return None
    wanted = _plain(value)
    if not wanted:
        return None
    for member in enum:
        texts = MESSAGES.get(f"{prefix}{member.value}", {})
        names = {str(member.value), texts.get("es", ""), texts.get("en", "")}
        if wanted in {_plain(name) for name in names if name}:
            return member
    code = (extra or {}).get(wanted)
    return enum(code) if code is not None else None


def enum_words(codes: list[str], language: Language) -> str | None:
    """The words of a registered enumeration's codes, "queja, denuncia o sugerencia"; None if not registered."""
    prefix = ENUM_WORDS.get(frozenset(codes))
    if prefix is None:
        return None
    names = [MESSAGES[f"{prefix}{code}"][language].lower() for code in codes if f"{prefix}{code}" in MESSAGES]
    if len(names) != len(codes):
        return None
    return join_words(names, language)


def join_words(names: list[str], language: Language) -> str:
    """"a, b o c" / "a, b or c"."""
    if len(names) < 2:
        return "".join(names)
    last = " or " if language == "en" else (" u " if _plain(names[-1]).startswith("o") else " o ")
    return ", ".join(names[:-1]) + last + names[-1]
