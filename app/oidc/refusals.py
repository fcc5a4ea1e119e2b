"""What a person reads when a provider login does not let them in: a title and a message per reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.oidc import accounts

CANCELLED = "cancelled"
FAILED = "failed"
UNAVAILABLE = "unavailable"

# reason -> (title, message, HTTP status); messages take the provider's name as %(provider)s.
REFUSALS = {
    CANCELLED: (
        _l("Innloggingen ble avbrutt"),
        _l("Innloggingen hos %(provider)s ble avbrutt eller ikke fullført. Du er ikke logget inn."),
        400,
    ),
    FAILED: (
        _l("Innloggingen mislyktes"),
        _l(
            "Vi kunne ikke fullføre innloggingen med %(provider)s. Det kan skje hvis innloggingen tok for "
            "lang tid, ble startet i en annen fane eller nettleser, eller ikke kunne bekreftes. Prøv igjen."
        ),
        400,
    ),
    UNAVAILABLE: (
        _l("Innloggingstjenesten svarer ikke"),
        _l(
            "Vi får ikke kontakt med %(provider)s akkurat nå. Prøv igjen om litt, eller logg inn med passord."
        ),
        502,
    ),
    accounts.NOT_ADMITTED: (
        _l("Organisasjonen din har ikke tilgang til Laget"),
        _l(
            "Du er logget inn hos %(provider)s, men organisasjonen din har ikke fått tilgang til Laget med "
            "denne innloggingen. Ta kontakt med en administrator i kommunen din hvis du skal ha tilgang."
        ),
        403,
    ),
    accounts.AMBIGUOUS: (
        _l("Innloggingen passer for flere organisasjoner"),
        _l(
            "Innloggingen din hos %(provider)s passer for mer enn én organisasjon i Laget, så vi vet ikke "
            "hvor du hører til. Be en administrator i kommunen din om hjelp."
        ),
        403,
    ),
    accounts.UNVERIFIED_EMAIL_IN_USE: (
        _l("Innloggingen kan ikke kobles til kontoen din"),
        _l(
            "Det finnes allerede en konto i Laget med e-postadressen din, men %(provider)s har ikke "
            "bekreftet adressen. Derfor kobler vi ikke innloggingen til kontoen. Logg inn med e-post og "
            "passord, eller be en administrator om hjelp."
        ),
        403,
    ),
    accounts.OTHER_ORGANISATION: (
        _l("Kontoen hører til en annen organisasjon"),
        _l(
            "Kontoen din i Laget hører til en annen organisasjon enn den innloggingen hos %(provider)s "
            "gir tilgang til. Be en administrator i kommunen din om hjelp."
        ),
        403,
    ),
    accounts.ALREADY_LINKED: (
        _l("Kontoen er koblet til en annen innlogging"),
        _l(
            "Kontoen med e-postadressen din er allerede koblet til en annen bruker hos %(provider)s. "
            "Be en administrator i kommunen din om hjelp."
        ),
        403,
    ),
    accounts.INACTIVE: (
        _l("Kontoen er deaktivert"),
        _l("Kontoen din i Laget er deaktivert. Be en administrator i kommunen din om hjelp."),
        403,
    ),
}
