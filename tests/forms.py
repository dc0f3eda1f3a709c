"""What the forms of the app send, for tests that post them."""


def campaign_form_data(campaign=None, **overrides):
    data = {
        "name": "Kylään 2027",
        "slug": "kylaan-2027",
        "starts_on": "2027-03-01",
        "ends_on": "2027-04-11",
        "grace_days": 7,
        "visit_definition": "Tunti asiakkaan luona, enimmäkseen kuunnellen.",
        "description": "Lähdetään kylään!",
        "min_minutes": 60,
        "weight_visit": "1",
        "weight_idea": "3",
        "weight_accepted": "2",
        "per_capita": "on",
        "min_unit_size": 3,
        "visit_target_per_unit": "",
        "client_email_retention_days": 365,
    }
    if campaign is not None:
        data |= {
            "name": campaign.name,
            "slug": campaign.slug,
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "make_current": "on" if campaign.is_current else "",
        }
    return data | overrides
