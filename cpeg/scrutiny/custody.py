"""The London custody visiting panels and their suites, from MOPAC's custody
map (ICV handbook, c. 2019, "Appendix A – Custody Map London", as listed in
shared/data/NOTES.md section 7). British Transport Police and Border Force
suites named there are left out: the scheme's London panels visit the Met's.
Which suite is 24/7 and which a contingency is uncertain in the source, so
every suite is seeded as in use; officers correct it in the admin.
"""

from django.utils.text import slugify

# Panel name -> (borough slugs, suites)
PANELS = {
    "Barnet": (["barnet"], ["Colindale"]),
    "Brent and Harrow": (["brent", "harrow"], ["Wembley"]),
    "Bromley": (["bromley"], ["Bromley"]),
    "Camden": (["camden"], ["Holborn", "Kentish Town"]),
    "Croydon": (["croydon"], ["Croydon"]),
    "Ealing": (["ealing"], ["Acton"]),
    "Enfield": (["enfield"], ["Edmonton"]),
    "Greenwich": (["greenwich"], ["Plumstead"]),
    "Hackney and Tower Hamlets": (["hackney", "tower-hamlets"], ["Stoke Newington", "Bethnal Green"]),
    "Haringey": (["haringey"], ["Wood Green"]),
    "Havering and Redbridge": (["havering", "redbridge"], ["Romford", "Ilford"]),
    "Hillingdon": (["hillingdon"], ["Heathrow"]),
    "Hounslow": (["hounslow"], ["Hounslow"]),
    "Islington": (["islington"], ["Islington"]),
    "Kingston": (["kingston-upon-thames"], ["Kingston"]),
    "Lambeth": (["lambeth"], ["Brixton"]),
    "Lewisham": (["lewisham"], ["Lewisham"]),
    "Merton": (["merton", "sutton"], ["Sutton"]),
    "Newham and Barking and Dagenham": (["newham", "barking-and-dagenham"], ["Forest Gate", "Freshwharf (Barking)"]),
    "Southwark": (["southwark"], ["Walworth Road", "Peckham"]),
    "Waltham Forest": (["waltham-forest"], ["Leyton"]),
    "Wandsworth": (["wandsworth"], ["Wandsworth"]),
    "Westminster": (["westminster"], ["Belgravia", "West End Central", "Charing Cross"]),
}


def load_panels(borough_model, panel_model, suite_model) -> int:
    """Create each panel and suite if missing; safe to run again."""
    boroughs = {slugify(b.name): b for b in borough_model.objects.all()}
    count = 0
    for name, (slugs, suites) in PANELS.items():
        panel, _ = panel_model.objects.get_or_create(name=name)
        panel.boroughs.add(*[boroughs[s] for s in slugs if s in boroughs])
        for suite in suites:
            suite_model.objects.get_or_create(panel=panel, name=suite)
            count += 1
    return count
