"""The ledger's own words in English and Spanish, and vocabulary words in plain words
(the web page's labels and catalog: one wording for the whole product)."""

from __future__ import annotations

from typing import Callable

#: English → Spanish for the ledger's pages, reports and PDF.
ES = {
    "Request ledger": "Registro de solicitudes",
    "Sign in": "Iniciar sesión",
    "Sign out": "Cerrar sesión",
    "Account name": "Nombre de la cuenta",
    "Password": "Contraseña",
    "Sign in to the request ledger": "Inicie sesión en el registro de solicitudes",
    "Name or password not recognised.": "Nombre o contraseña no reconocidos.",
    "Too many failed sign-ins: try again later.": "Demasiados intentos fallidos: inténtelo más tarde.",
    "You must sign in to see the request ledger.": "Debe iniciar sesión para ver el registro de solicitudes.",
    "Your form expired; try again.": "Su formulario caducó; inténtelo de nuevo.",
    "Record this request": "Registrar esta solicitud",
    "Records this request, with the answer and its duties, in your office's ledger.":
        "Registra esta solicitud, con la respuesta y sus deberes, en el registro de su oficina.",
    "Requests received": "Solicitudes recibidas",
    "Received": "Recibida",
    "From": "Desde",
    "To": "Hasta",
    "Kind of request": "Tipo de solicitud",
    "Answer": "Respuesta",
    "Any": "Cualquiera",
    "Filter": "Filtrar",
    "No records match.": "Ningún registro coincide.",
    "Paper": "Documento",
    "Disposition": "Resultado",
    "Duties done": "Deberes cumplidos",
    "Recorded by": "Registrada por",
    "Agency reference": "Referencia de la agencia",
    "Corrects": "Corrige",
    "Corrected by a later record": "Corregida por un registro posterior",
    "Duties": "Deberes",
    "Done": "Hecho",
    "Mark done": "Marcar como hecho",
    "What the office did": "Lo que hizo la oficina",
    "complied": "atendida",
    "declined": "rechazada",
    "pending": "pendiente",
    "Save": "Guardar",
    "Citations": "Citas",
    "Presumed": "Se presume",
    "Unless": "Salvo que",
    "Law applied as of": "Ley aplicada a la fecha",
    "Corpus version": "Versión del corpus",
    "Reports": "Informes",
    "Year": "Año",
    "Report": "Informe",
    "Print": "Imprimir",
    "Total": "Total",
    "What the law asks": "Lo que pide la ley",
    "Not in the ledger": "No está en el registro",
    "Office": "Oficina",
    "All offices": "Todas las oficinas",
    "Drawn from the request ledger on": "Obtenido del registro de solicitudes el",
    "Confidence": "Confianza",
    "confirmed": "confirmada",
    "secondary": "fuente secundaria",
    "unconfirmed": "sin confirmar",
    "Not verified against the official text: confirm with counsel before publishing.":
        "No verificado con el texto oficial: confírmelo con la asesoría jurídica antes de publicarlo.",
    "Notes": "Notas",
    "Provisions": "Disposiciones",
    "Figures count requests received in the calendar year (UTC) that were not corrected by a later record. The ledger holds no names or identifiers.":
        "Las cifras cuentan las solicitudes recibidas en el año natural (UTC) que no fueron corregidas por un registro posterior. El registro no guarda nombres ni identificadores.",
    "No report applies to this office.": "Ningún informe se aplica a esta oficina.",
    "Download": "Descargar",
    "Recorded.": "Registrada.",
    "Newer": "Más recientes",
    "Older": "Más antiguas",
    "of": "de",
    "month": "mes",
    "none": "ninguno",
    "Month": "Mes",
    "clerk": "auxiliar",
    "supervisor": "supervisor",
    "auditor": "auditor",
    "Only supervisors and auditors draw reports.": "Solo supervisores y auditores obtienen informes.",
}


def translator(lang: str) -> Callable[[str], str]:
    """``t(text)`` for ``lang`` (English passes through)."""
    if lang != "es":
        return lambda text: text
    return lambda text: ES.get(text, text)


def word(field: str, value: object, lang: str) -> str:
    """A vocabulary word in plain words (``action``, ``instrument``, ``outcome``,
    ``requester``, ``info_type``, ``entity``, ``disposition``) in ``lang``; the word
    itself when there is no label."""
    from ..web import labels
    from ..web.i18n import gettext_for

    _ = gettext_for(lang)
    text = None
    key = str(value)
    if field == "action" and key in labels.ACTIONS:
        text = labels.ACTIONS[key][0]
    elif field == "instrument" and key in labels.INSTRUMENTS:
        text = labels.INSTRUMENTS[key][0]
    elif field == "outcome" and key in labels.OUTCOMES:
        text = labels.OUTCOMES[key]
    elif field == "requester" and key in labels.REQUESTERS:
        text = labels.REQUESTERS[key]
    elif field == "info_type" and key in labels.INFO_TYPES:
        text = labels.INFO_TYPES[key]
    elif field == "entity" and key in labels.ENTITIES:
        text = labels.ENTITIES[key]
    if text is not None:
        return _(text)
    return translator(lang)(key)
