"""The authority's standard SLA for CPEGs, transcribed from the source document.

Source: Metropolitan Police Authority, Service Level Agreement for Community and
Police Engagement Groups (shared/domain/000_88c35f807792cf7e.txt). Archived
public document. Used by the agreements data migration to seed the standard
SLA template; wording is kept as in the source (line breaks from the PDF
table are joined, hyphenation and stray spaces fixed, "‐" normalised to "-").
"""

INTRODUCTION = (
    "The information below, which has been provided to support the development of "
    "service level agreements, identifies the key activities and areas of policing and "
    "community safety that the CPEG should consider when developing its annual work "
    "programme. It is recognised that there needs to be some scope to reflect local "
    "variations in the areas of concern and for different delivery models and as such, "
    "it is not intended to be prescriptive. However, all CPEGs should seek to address "
    "these outcomes through their planned activities, and not necessarily through the "
    "development of additional activities, and this should be reflected in the SLA."
)

HEADINGS = [
    {
        "key": "publicise",
        "title": "Publicise the group's role, functions and achievements",
        "description": "",
    },
    {
        "key": "core-activities",
        "title": "Deliver community engagement on core MPA activities",
        "description": (
            "so that the CPEG agenda is more inclusive of London-wide priorities and "
            "work programmes to ensure community views are represented in wider areas "
            "of our work\n\n"
            "It is important that the MPA's work programmes are supported by the "
            "engagement activities conducted by CPEGs, but it is recognised that there "
            "is a need for flexibility in how this is delivered in different boroughs "
            "dependent upon local priorities and concerns"
        ),
    },
    {
        "key": "wider-agenda",
        "title": ("Engage with the wider crime and disorder reduction and community safety agenda"),
        "description": "",
    },
    {
        "key": "fit-for-purpose",
        "title": "Ensuring the CPEG is fit for purpose",
        "description": "",
    },
]

OUTPUTS = [
    {
        "code": "public-meetings",
        "heading": None,
        "output": "Hold at least 4 public meetings/events per annum",
        "outcomes": (
            "Community is consulted on and engaged in relevant issues; improved "
            "awareness of MPA role; all partners in community safety have an "
            "accessible community engagement mechanism available to them; community "
            "confidence is increased through openness/transparency and communication "
            "of appropriate messages from a variety of community safety partners"
        ),
        "in_practice": "See service standards guidance (Activity 3)",
        "activity_refs": [3],
        "measure": "count",
        "annual_target": 4,
    },
    {
        "code": "sla-monitoring",
        "heading": None,
        "output": "Sign up to SLA and take part in quarterly monitoring process",
        "outcomes": (
            "Clarity on expected deliverables/outcomes; early identification of "
            "barriers to delivery and appropriate support from MPA"
        ),
        "in_practice": "See service standards guidance (Activity 5)",
        "activity_refs": [5],
        "measure": "yes_no",
        "annual_target": None,
    },
    {
        "code": "newsletters",
        "heading": "publicise",
        "output": "Publish and disseminate at least 4 newsletters",
        "outcomes": (
            "Communities are informed of, and engaged with, key issues; joint messages "
            "(with key partners) are disseminated"
        ),
        "in_practice": (
            "It is important for CPEGs to develop a range of mechanisms to engage with "
            "their local communities in addition to public meetings. Effectively "
            "publicising the group's work is also important for maintaining and "
            "developing the group membership.\n\n"
            "Newsletters are a key mechanism for keeping in touch with those who do "
            "not/cannot attend meetings and can play a role in keeping communities "
            "informed about policing and community safety, which supports the "
            "development of increased public confidence"
        ),
        "activity_refs": [],
        "measure": "count",
        "annual_target": 4,
    },
    {
        "code": "annual-report",
        "heading": "publicise",
        "output": "Publish and disseminate annual report",
        "outcomes": (
            "The group demonstrates its achievements/outcomes and effectiveness; "
            "communities are informed of, and engaged with, the group's work"
        ),
        "in_practice": (
            "The annual report is an important document, providing a mechanism for "
            "publicising the group's achievements to the wider community, which can "
            "have added benefits of increasing the group's reputation and encouraging "
            "new members. It is also a useful tool for the group to review its work to "
            "date and to plan for the forthcoming year."
        ),
        "activity_refs": [],
        "measure": "count",
        "annual_target": 1,
    },
    {
        "code": "policing-plan-consultation",
        "heading": "core-activities",
        "output": "Annual Policing Plan Consultation",
        "outcomes": "Increased response rates",
        "in_practice": "See service standards guidance (Activity 1)",
        "activity_refs": [1],
        "measure": "yes_no",
        "annual_target": None,
    },
    {
        "code": "budget-consultation",
        "heading": "core-activities",
        "output": "Annual Budget Consultation",
        "outcomes": "Increased response rates",
        "in_practice": "See service standards guidance (Activity 2)",
        "activity_refs": [2],
        "measure": "yes_no",
        "annual_target": None,
    },
    {
        "code": "stop-and-search",
        "heading": "core-activities",
        "output": "Develop/Maintain Stop & Search Monitoring Group",
        "outcomes": (
            "Stop & search is monitored/greater openness and transparency through "
            "public reports; increased community confidence"
        ),
        "in_practice": "See service standards guidance (Activity 11)",
        "activity_refs": [11],
        "measure": "yes_no",
        "annual_target": None,
    },
    {
        "code": "custody-visiting",
        "heading": "core-activities",
        "output": "Independent Custody Visiting Scheme",
        "outcomes": (
            "Increased openness/transparency; increased awareness of ICV scheme; increased community confidence"
        ),
        "in_practice": "See service standards guidance (Activity 12)",
        "activity_refs": [12],
        "measure": "yes_no",
        "annual_target": None,
    },
    {
        "code": "olympics",
        "heading": "core-activities",
        "output": ("Olympics - Facilitate Olympics Engagement Team Consultation On Olympics Policing"),
        "outcomes": (
            "Increased openness/transparency on issues related to policing of Olympics "
            "- e.g. abstractions; impact on other service delivery etc.,; community "
            "views/concerns are taken into account in the planning processes"
        ),
        "in_practice": (
            "The Olympics engagement team will be engaging with CPEGs on three levels "
            "(i) through an LCP2 Chair's Meeting, (ii) through presentations in host "
            "boroughs and (iii) through indirect mechanisms in other boroughs, such as "
            "briefing notes and information sheets. All CPEGs should engage with this "
            "important matter, but at the appropriate level"
        ),
        "activity_refs": [],
        "measure": "narrative",
        "annual_target": None,
    },
    {
        "code": "counter-terrorism",
        "heading": "core-activities",
        "output": ("Counter-Terrorism - Facilitate Ct Engagement Team Consultation On Ct"),
        "outcomes": (
            "Increased openness/transparency on issues related to CT issues; community views/concerns are understood"
        ),
        "in_practice": (
            "The counter terrorism engagement team will be engaging with communities "
            "to varying degrees dependent on the borough, ranging from briefing notes "
            "to presentations at public meetings. All CPEGs should engage with this "
            "important matter, but at the appropriate level"
        ),
        "activity_refs": [],
        "measure": "narrative",
        "annual_target": None,
    },
    {
        "code": "policing-pledge",
        "heading": "core-activities",
        "output": "Policing Pledge/Confidence",
        "outcomes": (
            "Greater openness/transparency about delivery of the pledge; increased "
            "community confidence (through either demonstrable delivery of the pledge "
            "or discussion of appropriate action to address concerns)"
        ),
        "in_practice": (
            "This is a key performance target for the MPS and is very closely related "
            "to the role CPEGs play in increasing public confidence. Borough "
            "commanders are required to monitor this performance target and should be "
            "able to include this in their regular performance reports to public "
            "meetings"
        ),
        "activity_refs": [],
        "measure": "narrative",
        "annual_target": None,
    },
    {
        "code": "dsvb-hate-crime",
        "heading": "core-activities",
        "output": "Domestic & Sexual Violence Board & Hate Crime Forum",
        "outcomes": (
            "Community views are represented through scrutiny process; confidence in "
            "policing of these issues is increased through feedback of ongoing work "
            "etc.,"
        ),
        "in_practice": (
            "The Domestic & Sexual Violence Board (DVSB) and Hate Crime Forum (HCF) "
            "scrutinise the MPS response to victims of domestic and sexual violence "
            "and hate crime to secure continuous improvement in the MPS’ response and "
            "disseminate best practice across the 32 Borough Operational Command "
            "Units. These are key performance areas for the MPS and are key drivers of "
            "community confidence in policing. All CPEGs should be engaging with these "
            "important matters. For the DVSB, CPEGs will be notified of, and may "
            "attend, the borough meetings. For the HCF, CPEGs may be asked to engage "
            "in various ways, either through attendance at forum meetings or through "
            "briefings notes"
        ),
        "activity_refs": [],
        "measure": "narrative",
        "annual_target": None,
    },
    {
        "code": "met-forward",
        "heading": "core-activities",
        "output": (
            "Respond to Met Forward programmes as they arise - e.g. SNT; gangs; dogs "
            "as weapons; civil liberties; estates/finance"
        ),
        "outcomes": (
            "CPEG agenda more inclusive of London-wide priorities and work programmes "
            "to ensure community views are represented"
        ),
        "in_practice": (
            "Periodically a specific issue may arise on which the Authority would wish "
            "to consult London's communities. This might be done through various "
            "means, including LCP2 meetings, borough presentations and surveys. All "
            "CPEGs should engage with these matters to ensure local views are fed into "
            "the strategic processes"
        ),
        "activity_refs": [],
        "measure": "narrative",
        "annual_target": None,
    },
    {
        "code": "two-way-engagement",
        "heading": "wider-agenda",
        "output": "Develop Two-Way Mechanisms For Engagement & Consultation",
        "outcomes": (
            "CPEG develops/maintains a more central role as an engagement mechanism in "
            "the community safety arena; CPEG engagement activity is better aligned "
            "and relevant to other local activities; community views are fed into "
            "strategic assessments"
        ),
        "in_practice": "See service standards guidance (Activity 14 & 15)",
        "activity_refs": [14, 15],
        "measure": "narrative",
        "annual_target": None,
    },
    {
        "code": "membership-review",
        "heading": "fit-for-purpose",
        "output": "Keep Membership Under Regular Review",
        "outcomes": (
            "CPEG members are active, engaged and representative of their communities; "
            "consultation outputs are more representative of all London's communities; "
            "CPEG is properly constituted and more effective"
        ),
        "in_practice": (
            "It is good practice to review membership at least annually to ensure "
            "members are still relevant and engaged and to ensure that the CPEG is "
            "representative of the local community. The terms of membership, such as "
            "the need for regular attendance and feed back to constituent communities, "
            "should be covered in the CPEG constitution"
        ),
        "activity_refs": [],
        "measure": "count",
        "annual_target": 1,
    },
    {
        "code": "diversity-monitoring",
        "heading": "fit-for-purpose",
        "output": "Diversity Monitoring & Engagement Of Under-Represented Groups",
        "outcomes": (
            "CPEG can evidence the level of representation across the membership; "
            "consultation outputs are more representative of all London's communities; "
            "MPA is able to provide appropriate support in ensuring wider "
            "representation on CPEGs as necessary"
        ),
        "in_practice": (
            "It is important that both the MPA and the CPEGs conducting engagement on "
            "its behalf reach out to all London's communities, so that their views can "
            "be adequately represented. The monitoring of diversity amongst the CPEG "
            "executive and its wider membership is an important means for identifying "
            "whether there are some sections of the community whose voices may not be "
            "represented. This data can then be used as necessary to help the CPEG "
            "consider ways to broaden its appeal to a more diverse audience."
        ),
        "activity_refs": [],
        "measure": "yes_no",
        "annual_target": None,
    },
    {
        "code": "executive-training",
        "heading": "fit-for-purpose",
        "output": ("Ensuring The CPEG Executive/Administrator Is Enabled To Deliver Requirements"),
        "outcomes": ("CPEG is empowered to deliver community engagement and SLA requirements"),
        "in_practice": (
            "The CPEG executive committee should consider their skills and experience "
            "and whether these are sufficient to meet the requirements of their roles. "
            "Similar consideration should also be given to the training and "
            "development of the group administrator. Training requirements should be "
            "identified and met on this basis. See service standards guidance for "
            "further information"
        ),
        "activity_refs": [],
        "measure": "narrative",
        "annual_target": None,
    },
    {
        "code": "finances",
        "heading": "fit-for-purpose",
        "output": (
            "Develop The CPEG's Ability To Manage Its Financial Resources Effectively "
            "And To Access Alternative Funding Streams And Support"
        ),
        "outcomes": (
            "CPEG is able to continually develop its role and functions and is "
            "empowered to deliver community engagement and SLA requirements"
        ),
        "in_practice": (
            "It is important for all publicly funded bodies to have due regard to "
            "value for money and this has become even more relevant in these difficult "
            "financial times. All CPEGs should seek to ensure that their funding is "
            "used appropriately and effectively. CPEGs should also seek to develop "
            "their ability to access alternative funding and resourcing opportunities, "
            "e.g. using volunteer bureau services to address skills gaps or providing "
            "additional engagement services to CDRP partners to provide an additional "
            "income stream"
        ),
        "activity_refs": [],
        "measure": "narrative",
        "annual_target": None,
    },
]
