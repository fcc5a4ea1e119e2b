"""After saving who leads which units, the admin reads a plain sentence naming the person and the units."""

from __future__ import annotations

from tests.app.test_learning_overview import app_config  # noqa: F401 (a fixture)
from tests.app.test_learning_overview import make_leader
from tests.app.test_learning_overview import town  # noqa: F401 (a fixture)


def test_the_saved_message_names_the_units_the_person_now_leads(town, client_for):  # noqa: F811
    _, units, people = town
    admin = client_for(people["admin"])
    response = make_leader(admin, people["leader"], [units["school"], units["ppt"]])
    assert response.status_code == 303
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lagret: Lars Leder leder nå Fjordvik skole og PPT." in html
    response = make_leader(admin, people["leader"], [])
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lagret: Lars Leder leder ingen enheter nå." in html
    assert "Enhetene" not in html
