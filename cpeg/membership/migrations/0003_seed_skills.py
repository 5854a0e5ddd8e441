"""The authority's starting skill list (membership.choices.SEED_SKILLS)."""

from django.db import migrations

SKILLS = (
    ("Chairing meetings", "Running a public meeting: agenda, time, fair hearing, decisions recorded"),
    ("Finance and budgeting", "Keeping accounts, budgets and the funding application and returns"),
    ("Safeguarding", "Keeping children and adults at risk safe at meetings and events"),
    ("Data protection", "Handling members' personal data under UK GDPR, including equality monitoring"),
    ("Engagement methods", "Reaching people who do not come to meetings: surveys, events, outreach"),
    ("Equality and diversity", "Widening membership; the Equality Act 2010"),
    ("Writing reports and newsletters", "Plain English reports, newsletters and the annual report"),
    ("Holding police to account", "Scrutiny of local policing: questions, stop and search, custody"),
)


def seed(apps, schema_editor):
    skill = apps.get_model("membership", "Skill")
    for position, (name, description) in enumerate(SKILLS, start=1):
        skill.objects.get_or_create(name=name, defaults={"description": description, "position": position})


class Migration(migrations.Migration):
    dependencies = [("membership", "0002_skills_audit_and_other_funding")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
