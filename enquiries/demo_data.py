"""Demo catalogue for ``manage.py seed_demo``: plain data, kept apart so the command stays small.

Northmoor County Council is fictional; it sits in a two-tier area (district councils collect bins),
so some services exist only to point people to the right place. Phone numbers are in Ofcom's
drama range (07700 900xxx), email addresses are at example.com/example.org, and postcodes use the
PR, LA, BB and FY districts with made-up inward codes.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any

COUNCIL_DOMAIN = "northmoor.example"
EMERGENCY_NOTE = "If someone is in immediate danger, call 999."

# --- Departments and topics -----------------------------------------------------------------------

DEPARTMENTS: list[dict[str, Any]] = [
    {"slug": "highways", "name": "Highways and Transport"},
    {"slug": "waste", "name": "Waste and Recycling"},
    {"slug": "flood-risk", "name": "Flood Risk and Drainage"},
    {"slug": "countryside", "name": "Countryside and Rights of Way"},
    {"slug": "adult-social-care", "name": "Adult Social Care"},
    {"slug": "childrens-services", "name": "Children's Services"},
    {"slug": "education", "name": "Education (admissions and school transport)"},
    {"slug": "libraries", "name": "Libraries and Culture"},
    {"slug": "registration", "name": "Registration Service"},
    {"slug": "trading-standards", "name": "Trading Standards"},
    {"slug": "complaints", "name": "Customer Feedback and Complaints"},
    {"slug": "triage", "name": "Triage", "is_triage": True},
]
for _dept in DEPARTMENTS:
    _dept.setdefault("is_triage", False)
    _dept.setdefault("email", f"{_dept['slug']}@{COUNCIL_DOMAIN}")

TOPICS: list[dict[str, Any]] = [
    {
        "slug": "roads-and-travel",
        "name": "Roads and travel",
        "description": "Potholes, street lights, road signs, gritting and bus passes.",
    },
    {
        "slug": "bins-recycling-and-waste",
        "name": "Bins, recycling and waste",
        "description": "Recycling centres, fly-tipping and where to go about bin collections.",
    },
    {
        "slug": "flooding",
        "name": "Flooding",
        "description": "Flooding from streams, ditches and roads, and blocked drains.",
    },
    {
        "slug": "countryside",
        "name": "Countryside",
        "description": "Footpaths, bridleways, stiles and gates.",
    },
    {
        "slug": "adult-social-care",
        "name": "Adult social care",
        "description": "Care and support for adults, and reporting worries about an adult.",
    },
    {
        "slug": "children-and-families",
        "name": "Children and families",
        "description": "Support for families and reporting worries about a child.",
    },
    {
        "slug": "schools-and-education",
        "name": "Schools and education",
        "description": "School places, school transport, free school meals and term dates.",
    },
    {
        "slug": "libraries",
        "name": "Libraries",
        "description": "Joining the library, lost items and local history.",
    },
    {
        "slug": "births-deaths-and-ceremonies",
        "name": "Births, deaths and ceremonies",
        "description": "Registering a birth or death, certificates and giving notice to marry.",
    },
    {
        "slug": "business-and-consumer-protection",
        "name": "Business and consumer protection",
        "description": "Problems with traders, doorstep crime and underage sales.",
    },
    {
        "slug": "blue-badges-and-parking",
        "name": "Blue Badges and parking",
        "description": "Applying for a Blue Badge and reporting badge misuse.",
    },
    {
        "slug": "complaints-and-feedback",
        "name": "Complaints and feedback",
        "description": "Complaints, compliments and asking for information we hold.",
    },
]
for _order, _topic in enumerate(TOPICS, start=1):
    _topic["order"] = _order * 10

# --- Reusable question fragments ------------------------------------------------------------------

Q_WHERE = {
    "name": "location_detail",
    "personal": True,
    "label": "Exactly where is it?",
    "type": "location",
    "required": True,
    "hint": "For example, outside number 12 or by the bus stop on the corner.",
}
Q_ROAD_OR_PAVEMENT = {
    "name": "road_or_pavement",
    "label": "Is it in the road or on the pavement?",
    "type": "choice",
    "choices": ["In the road", "On the pavement", "On a cycle lane", "Not sure"],
    "required": True,
}

# --- Services -------------------------------------------------------------------------------------
# sla_days are working days from receipt. "questions" are validated by
# enquiries.questions.validate_question_schema when the command saves them.

SERVICES: list[dict[str, Any]] = [
    # Roads and travel
    {
        "slug": "report-a-pothole",
        "name": "Report a pothole",
        "topic": "roads-and-travel",
        "department": "highways",
        "summary": "Tell us about a pothole or damaged road surface on a council road.",
        "description": (
            "Use this to report potholes, sunken or broken road surfaces and damaged pavements on "
            "roads the county council looks after. An inspector will check it and decide how "
            "quickly it needs repairing. Motorways and some major A-roads are looked after by "
            "National Highways instead."
        ),
        "what_happens_next": (
            "An inspector will visit within 10 working days. Defects that meet our repair "
            "standard are fixed within 28 days, or sooner if they are dangerous."
        ),
        "not_council_note": (
            "For motorways and trunk roads (such as the M6 or A585 at Fleetwood), contact "
            "National Highways on 0300 123 5000."
        ),
        "keywords": "pothole, road surface, crack, sunken road, damaged pavement, trip hazard",
        "sla_days": 10,
        "default_priority": "normal",
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "depth",
                "label": "How deep is it?",
                "type": "choice",
                "choices": [
                    "Less than 4cm (about the height of a matchbox)",
                    "4cm to 10cm",
                    "Deeper than 10cm",
                    "Not sure",
                ],
                "required": True,
            },
            Q_ROAD_OR_PAVEMENT,
            {
                "name": "size",
                "label": "How wide is it?",
                "type": "choice",
                "choices": ["Smaller than a dinner plate", "Bigger than a dinner plate"],
            },
        ],
    },
    {
        "slug": "report-a-dangerous-road-defect",
        "name": "Report a dangerous pothole or road defect",
        "topic": "roads-and-travel",
        "department": "highways",
        "summary": "Report a pothole, hole or broken cover that could cause an accident now.",
        "description": (
            "Use this if a hole, missing drain cover or collapsed road surface is an immediate "
            "danger to people or vehicles, for example on a bend, at a crossing or deeper than "
            "10cm. We aim to make it safe within 2 working days, and within 2 hours out of hours "
            "if you call us."
        ),
        "what_happens_next": (
            "A highways crew will make the defect safe, often with a temporary repair or "
            "barriers, and a permanent repair will follow."
        ),
        "not_council_note": (
            "If it has just caused an accident or someone is hurt, call 999. Out of hours, "
            "call our emergency highways line on 0300 123 6701."
        ),
        "keywords": "dangerous pothole, missing drain cover, collapsed road, sinkhole, emergency",
        "sla_days": 2,
        "default_priority": "high",
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "hazard_type",
                "label": "What is the danger?",
                "type": "choice",
                "choices": [
                    "Deep pothole",
                    "Missing or broken drain cover",
                    "Road surface has collapsed",
                    "Something else",
                ],
                "required": True,
            },
            Q_ROAD_OR_PAVEMENT,
            {
                "name": "accident_happened",
                "label": "Has anyone been hurt or a vehicle damaged?",
                "type": "yes_no",
            },
        ],
    },
    {
        "slug": "report-a-street-light-fault",
        "name": "Report a street light fault",
        "topic": "roads-and-travel",
        "department": "highways",
        "summary": "Tell us about a street light that is out, flickering or on during the day.",
        "description": (
            "Report street lights, lit signs and bollards that are not working, flashing, on all "
            "day or damaged. Each column has a number on a small plate: it helps us find the "
            "right light quickly."
        ),
        "what_happens_next": (
            "Most faults are fixed within 10 working days. If the electricity supply is at "
            "fault we pass it to the network operator, which can take longer."
        ),
        "not_council_note": (
            "If a column is knocked down or wires are exposed, call us on 0300 123 6701 or "
            "the Electricity North West emergency line on 105."
        ),
        "keywords": "street lamp, lamp post, light out, flickering light, lighting column",
        "sla_days": 10,
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "light_number",
                "label": "Light number (on the column)",
                "type": "text",
                "hint": "Usually on a small plate about 2 metres up, for example NM-1042.",
                "max_length": 20,
            },
            {
                "name": "fault",
                "label": "What is wrong with the light?",
                "type": "choice",
                "choices": [
                    "Not working at night",
                    "Flickering or flashing",
                    "On during the day",
                    "Damaged or leaning column",
                ],
                "required": True,
            },
        ],
    },
    {
        "slug": "report-a-blocked-drain",
        "name": "Report a blocked drain or gully",
        "topic": "flooding",
        "department": "highways",
        "summary": "Report a blocked road drain (gully) or grate that is causing standing water.",
        "description": (
            "Road gullies are the drains at the side of the road. Tell us if one is blocked, "
            "smells, has a broken grate, or is causing water to pond on the road or pavement. "
            "Sewers and drains from houses belong to United Utilities."
        ),
        "what_happens_next": (
            "A gully tanker crew will clear it within 10 working days, sooner if water is "
            "affecting property."
        ),
        "not_council_note": (
            "For blocked sewers, or sewage coming out of a manhole, contact United Utilities "
            "on 0345 672 3723."
        ),
        "keywords": "gully, grid, grate, drain blocked, standing water, puddle",
        "sla_days": 10,
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "water_on_road",
                "label": "Is water standing on the road or pavement?",
                "type": "yes_no",
                "required": True,
            },
            {
                "name": "grate_damaged",
                "label": "Is the metal grate broken or missing?",
                "type": "yes_no",
            },
        ],
    },
    {
        "slug": "report-a-damaged-road-sign",
        "name": "Report a damaged road sign",
        "topic": "roads-and-travel",
        "department": "highways",
        "summary": "Report a road sign, bollard or railing that is damaged, missing or dirty.",
        "description": (
            "Tell us about traffic signs, street name plates, bollards, railings and road "
            "markings that are damaged, hidden, missing or hard to read."
        ),
        "what_happens_next": (
            "We will inspect within 10 working days. Safety-critical signs such as stop or give "
            "way signs are replaced first."
        ),
        "keywords": "sign, street name plate, bollard, railing, road markings, knocked over",
        "sla_days": 10,
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "sign_type",
                "label": "What kind of sign is it?",
                "type": "choice",
                "choices": [
                    "Stop or give way sign",
                    "Speed limit sign",
                    "Direction sign",
                    "Street name plate",
                    "Bollard or railing",
                    "Other",
                ],
                "required": True,
            },
        ],
    },
    {
        "slug": "report-overgrown-vegetation",
        "name": "Report an overgrown hedge, tree or verge",
        "topic": "roads-and-travel",
        "department": "highways",
        "summary": "Report hedges, trees or weeds blocking a road, pavement, sign or sightline.",
        "description": (
            "Owners must keep hedges and trees from blocking the road or pavement. Tell us where "
            "vegetation is blocking a footway, hiding a sign or making it hard to see at a "
            "junction. We will ask the owner to cut it back, or do it ourselves on council land."
        ),
        "what_happens_next": (
            "We will inspect within 10 working days. If the hedge is on private land we write to "
            "the owner, who then has 14 days to cut it back."
        ),
        "keywords": "hedge, overhanging branches, tree, weeds, verge, sightline",
        "sla_days": 10,
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "blocking",
                "label": "What is it blocking?",
                "type": "choice",
                "choices": [
                    "The pavement",
                    "The view at a junction",
                    "A road sign or street light",
                    "The road",
                ],
                "required": True,
            },
        ],
    },
    {
        "slug": "report-a-dead-animal",
        "name": "Report a dead animal on the road",
        "topic": "roads-and-travel",
        "department": "highways",
        "summary": "Report a dead animal on a county road that is a hazard to drivers.",
        "description": (
            "We remove dead animals such as deer, badgers and foxes from the carriageway of "
            "county roads where they are a danger to traffic. We cannot remove pets' bodies from "
            "private land."
        ),
        "what_happens_next": (
            "We aim to remove it within 2 working days. If it is a pet with a collar or "
            "microchip we will try to tell the owner."
        ),
        "not_council_note": (
            "Your district council clears dead animals from pavements and town centre streets. "
            "For a deer or large animal blocking a fast road, call 999."
        ),
        "keywords": "dead animal, deer, badger, fox, cat, roadkill",
        "sla_days": 2,
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "animal",
                "label": "What kind of animal is it?",
                "type": "choice",
                "choices": ["Deer", "Badger", "Fox", "Cat or dog", "Bird", "Other or not sure"],
            },
        ],
    },
    {
        "slug": "winter-gritting-question",
        "name": "Ask about winter gritting",
        "topic": "roads-and-travel",
        "department": "highways",
        "summary": "Find out which roads we grit, and how to ask for a grit bin.",
        "description": (
            "We grit about 1,200 miles of priority routes when ice or snow is forecast: main "
            "roads, bus routes and roads to hospitals and schools. We cannot grit every road."
        ),
        "keywords": "grit, gritting, salt, ice, snow, grit bin",
        "sla_days": 5,
        "default_priority": "low",
        "is_simple_query": True,
        "standard_answer": (
            "We grit priority routes (A and B roads, bus routes, and roads to hospitals, fire "
            "stations and large schools) whenever the road surface is forecast to freeze. You can "
            "see the routes on our gritting map. Quieter estate roads are not gritted, but grit "
            "bins are placed on steep hills and sharp bends: we check and refill them before "
            "winter. To ask for a new grit bin, tell us the exact location and we will assess it "
            "against our criteria in the spring."
        ),
    },
    {
        "slug": "apply-for-a-dropped-kerb",
        "name": "Apply for a dropped kerb",
        "topic": "roads-and-travel",
        "department": "highways",
        "summary": "Apply to have the kerb lowered so you can drive onto your property.",
        "description": (
            "You need our permission to drive across a pavement or verge. We check the "
            "driveway is deep enough to park on safely, then either build it ourselves or "
            "approve an accredited contractor. There is a fee for the assessment."
        ),
        "what_happens_next": (
            "We will assess your application within 20 working days and send you a quote."
        ),
        "keywords": "dropped kerb, vehicle crossing, driveway, crossover",
        "sla_days": 20,
        "default_priority": "low",
        "questions": [
            {
                "name": "planning_needed",
                "label": "Is the property on a classified road (A, B or C road)?",
                "type": "yes_no",
                "hint": "If it is, you will also need planning permission.",
            },
            {
                "name": "driveway_depth",
                "label": "How deep is the space where you will park?",
                "type": "choice",
                "choices": ["Less than 4.8 metres", "4.8 metres or more", "Not sure"],
            },
        ],
    },
    {
        "slug": "older-persons-bus-pass",
        "name": "Apply for or replace an older person's bus pass",
        "topic": "roads-and-travel",
        "department": "highways",
        "summary": "Apply for a free bus pass if you have reached State Pension age.",
        "description": (
            "Residents who have reached State Pension age can travel free on local buses in "
            "England after 9:30am on weekdays and all day at weekends. We can also replace a "
            "lost, stolen or damaged pass."
        ),
        "what_happens_next": "Your pass will be posted within 10 working days.",
        "keywords": "bus pass, concessionary travel, ENCTS, free travel, pensioner",
        "sla_days": 10,
        "default_priority": "low",
    },
    # Bins, recycling and waste
    {
        "slug": "recycling-centre-question",
        "name": "Ask about a household waste recycling centre",
        "topic": "bins-recycling-and-waste",
        "department": "waste",
        "summary": "Opening times, what you can take, and booking a visit to a recycling centre.",
        "description": (
            "We run 15 household waste recycling centres (tips) across Northmoor. They are free "
            "for household waste from residents. Some items, such as rubble and plasterboard, "
            "have a small charge."
        ),
        "keywords": "tip, dump, recycling centre, HWRC, opening times, booking",
        "sla_days": 5,
        "default_priority": "low",
        "is_simple_query": True,
        "standard_answer": (
            "Recycling centres are open every day from 8am to 4pm (8am to 7pm from April to "
            "September), except 25 and 26 December and 1 January. You do not need to book a car "
            "visit. You can bring most household waste, garden waste, electricals, batteries and "
            "paint. Rubble, soil and plasterboard cost £3 a bag. Vans and trailers need a free "
            "permit."
        ),
    },
    {
        "slug": "van-and-trailer-permit",
        "name": "Apply for a van or trailer permit for a recycling centre",
        "topic": "bins-recycling-and-waste",
        "department": "waste",
        "summary": "Get a free permit to bring household waste to a recycling centre in a van.",
        "description": (
            "Residents using a van, pick-up or large trailer need a permit to use a recycling "
            "centre. This stops businesses dumping trade waste for free. Each permit allows 12 "
            "visits a year."
        ),
        "what_happens_next": "We will email your permit within 10 working days.",
        "keywords": "van permit, trailer, pickup, recycling centre",
        "sla_days": 10,
        "default_priority": "low",
        "questions": [
            {
                "name": "vehicle_registration",
                "personal": True,
                "label": "Vehicle registration number",
                "type": "text",
                "required": True,
                "max_length": 10,
            },
            {
                "name": "vehicle_type",
                "label": "What type of vehicle is it?",
                "type": "choice",
                "choices": ["Van", "Pick-up", "Trailer longer than 2 metres"],
                "required": True,
            },
        ],
    },
    {
        "slug": "bulky-waste-collection",
        "name": "Bulky waste collection",
        "topic": "bins-recycling-and-waste",
        "department": "waste",
        "summary": "Find out how to get large items like sofas and fridges collected.",
        "description": (
            "In Northmoor, bulky waste collections are run by your district council, not the "
            "county council. You can also take large items to a recycling centre for free."
        ),
        "not_council_note": (
            "Bulky waste collections are arranged by your district council (for example Preston, "
            "Lancaster, Blackburn or Fylde). Contact them directly to book a collection."
        ),
        "keywords": "bulky waste, sofa, fridge, mattress, furniture collection",
        "sla_days": 5,
        "default_priority": "low",
        "is_simple_query": True,
        "standard_answer": (
            "Bulky waste collections are run by your district council, so we cannot book one "
            "for you. Search for your district council's bulky waste service, or take the items "
            "to any of our recycling centres for free. Charities such as the British Heart "
            "Foundation collect good-quality furniture."
        ),
    },
    {
        "slug": "missed-bin-collection",
        "name": "Missed bin collection",
        "topic": "bins-recycling-and-waste",
        "department": "waste",
        "summary": "Find out who to contact when your bin was not emptied.",
        "description": (
            "Household bin collections are run by district councils in Northmoor. The county "
            "council deals with the waste after it has been collected."
        ),
        "not_council_note": (
            "Report a missed bin to your district council: we cannot arrange a return visit."
        ),
        "keywords": "missed bin, bin not emptied, wheelie bin, collection day",
        "sla_days": 5,
        "default_priority": "low",
        "is_simple_query": True,
        "standard_answer": (
            "Bin collections are run by your district council, so please report a missed bin to "
            "them. Most district councils ask you to leave the bin out and report it within 2 "
            "working days of your collection day."
        ),
    },
    {
        "slug": "report-fly-tipping-on-a-road",
        "name": "Report fly-tipping on a public road",
        "topic": "bins-recycling-and-waste",
        "department": "waste",
        "summary": "Report rubbish dumped on a county road, lay-by or verge.",
        "description": (
            "Fly-tipping is illegal dumping of waste. Tell us about rubbish dumped on a road, "
            "lay-by or verge, especially if it is blocking the road or could be hazardous. Do "
            "not touch bags, drums or anything that might contain chemicals, needles or asbestos."
        ),
        "what_happens_next": (
            "We will clear it within 5 working days, sooner if it blocks the road, and look for "
            "evidence of who dumped it."
        ),
        "not_council_note": (
            "Fly-tipping on private land is the landowner's responsibility. Your district council "
            "clears fly-tipping in most town streets and parks."
        ),
        "keywords": "fly tipping, dumped rubbish, dumping, lay-by, tyres, mattress",
        "sla_days": 5,
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "waste_type",
                "label": "What has been dumped?",
                "type": "choice",
                "choices": [
                    "Household bags",
                    "Furniture or mattresses",
                    "Building rubble",
                    "Tyres",
                    "Drums, chemicals or possible asbestos",
                    "Other",
                ],
                "required": True,
            },
            {
                "name": "amount",
                "label": "How much is there?",
                "type": "choice",
                "choices": [
                    "A single bag or item",
                    "A car boot load",
                    "A small van load",
                    "A lorry load or more",
                ],
            },
            {"name": "seen_dumping", "label": "Did you see who dumped it?", "type": "yes_no"},
        ],
    },
    # Flooding
    {
        "slug": "report-flooding-from-a-watercourse",
        "name": "Report flooding from a stream, ditch or culvert",
        "topic": "flooding",
        "department": "flood-risk",
        "summary": "Report flooding from an ordinary watercourse, such as a stream or ditch.",
        "description": (
            "As the Lead Local Flood Authority we deal with flooding from ordinary watercourses "
            "(streams, brooks, ditches and culverts), surface water and groundwater. Tell us if "
            "water is flooding land, roads or buildings, or a culvert or trash screen is blocked."
        ),
        "what_happens_next": (
            "A flood risk officer will contact you within 5 working days. If property has "
            "flooded we will investigate the cause and may publish a flood investigation report."
        ),
        "not_council_note": (
            "If there is a danger to life, call 999. For flooding from a main river or the sea, "
            "call the Environment Agency Floodline on 0345 988 1188."
        ),
        "keywords": "flood, flooding, stream, brook, ditch, culvert, watercourse",
        "sla_days": 5,
        "default_priority": "high",
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "water_inside",
                "label": "Is water inside a building?",
                "type": "yes_no",
                "required": True,
            },
            {"name": "started_on", "label": "When did it start?", "type": "date"},
            {
                "name": "source",
                "label": "Where is the water coming from?",
                "type": "choice",
                "choices": [
                    "A stream or brook",
                    "A ditch",
                    "A culvert or pipe",
                    "Water running off fields",
                    "Not sure",
                ],
            },
        ],
    },
    {
        "slug": "report-flooding-on-a-road",
        "name": "Report flooding on a road or pavement",
        "topic": "flooding",
        "department": "flood-risk",
        "summary": "Report water on a road or pavement that is not draining away.",
        "description": (
            "Tell us about roads, pavements and footpaths that flood after rain or where water "
            "is not draining away. If a single drain is blocked, use report a blocked drain."
        ),
        "what_happens_next": (
            "We will inspect within 5 working days and put up flood signs if the road is unsafe."
        ),
        "not_council_note": "If a vehicle is stuck in flood water with people inside, call 999.",
        "keywords": "flooded road, water on road, road closed, surface water",
        "sla_days": 5,
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "passable",
                "label": "Can cars still get through?",
                "type": "choice",
                "choices": ["Yes, with care", "Only larger vehicles", "No, the road is blocked"],
                "required": True,
            },
            {"name": "started_on", "label": "When did it start?", "type": "date"},
        ],
    },
    {
        "slug": "ordinary-watercourse-consent",
        "name": "Apply for ordinary watercourse consent",
        "topic": "flooding",
        "department": "flood-risk",
        "summary": "Get consent before building a culvert, bridge or dam on a stream or ditch.",
        "description": (
            "You need our consent before you build anything that could affect the flow of an "
            "ordinary watercourse, such as a culvert, weir, bridge or pipe outfall. We have 2 "
            "months by law to decide."
        ),
        "what_happens_next": "We will decide within 8 weeks of receiving the full fee.",
        "keywords": "land drainage consent, culvert, watercourse works, Land Drainage Act",
        "sla_days": 40,
        "default_priority": "low",
    },
    # Countryside
    {
        "slug": "report-a-right-of-way-obstruction",
        "name": "Report a blocked footpath or bridleway",
        "topic": "countryside",
        "department": "countryside",
        "summary": "Report a public footpath, bridleway or byway that is blocked or overgrown.",
        "description": (
            "Tell us about anything that stops you using a public right of way: locked gates, "
            "fences, crops, overgrowth, aggressive animals or missing bridges. It helps to give "
            "the path number from the definitive map."
        ),
        "what_happens_next": (
            "A rights of way officer will assess it within 20 working days and ask the "
            "landowner to clear it."
        ),
        "keywords": "footpath, bridleway, byway, right of way, PROW, blocked path, locked gate",
        "sla_days": 20,
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "path_number",
                "label": "Path number, if you know it",
                "type": "text",
                "hint": "For example, Lancaster FP 14.",
                "max_length": 40,
            },
            {
                "name": "obstruction",
                "label": "What is blocking the path?",
                "type": "choice",
                "choices": [
                    "Locked or tied gate",
                    "Fence or wall",
                    "Crops or ploughing",
                    "Overgrowth",
                    "Fallen tree",
                    "Missing or broken bridge",
                    "Something else",
                ],
                "required": True,
            },
        ],
    },
    {
        "slug": "report-a-damaged-stile-or-gate",
        "name": "Report a damaged stile, gate or footpath sign",
        "topic": "countryside",
        "department": "countryside",
        "summary": "Report a broken stile, gate, footbridge or fingerpost on a public path.",
        "description": (
            "We maintain signs and bridges on public rights of way, and help landowners repair "
            "stiles and gates. Tell us what is damaged and where."
        ),
        "what_happens_next": "We will inspect within 20 working days.",
        "keywords": "stile, kissing gate, fingerpost, waymark, footbridge",
        "sla_days": 20,
        "default_priority": "low",
        "is_location_based": True,
        "questions": [Q_WHERE],
    },
    # Adult social care
    {
        "slug": "report-a-concern-about-an-adult",
        "name": "Report abuse or neglect of an adult",
        "topic": "adult-social-care",
        "department": "adult-social-care",
        "summary": "Tell us if you are worried an adult is being abused, neglected or exploited.",
        "description": (
            "Abuse can be physical, emotional, sexual, financial or neglect, and can happen at "
            "home, in a care home or anywhere else. You do not need proof: tell us what you "
            "know and we will decide what to do. You can stay anonymous."
        ),
        "what_happens_next": (
            "A social worker will look at what you have told us the same working day and "
            "decide whether to make safeguarding enquiries."
        ),
        "not_council_note": EMERGENCY_NOTE,
        "keywords": "safeguarding, abuse, neglect, vulnerable adult, exploitation, scam",
        "sla_days": 1,
        "default_priority": "urgent",
        "questions": [
            {
                "name": "person_aware",
                "label": "Does the person know you are contacting us?",
                "type": "yes_no",
            },
            {
                "name": "relationship",
                "label": "How do you know the person?",
                "type": "choice",
                "choices": [
                    "Family member",
                    "Friend or neighbour",
                    "Professional or carer",
                    "I am the person",
                    "Other",
                ],
                "required": True,
            },
        ],
    },
    {
        "slug": "ask-for-a-care-needs-assessment",
        "name": "Ask for a care needs assessment",
        "topic": "adult-social-care",
        "department": "adult-social-care",
        "summary": "Ask us to assess what help you, or someone you care for, needs at home.",
        "description": (
            "A needs assessment looks at what you find difficult day to day and what would help, "
            "such as equipment, adaptations or care at home. It is free. Carers can also ask for "
            "a carer's assessment."
        ),
        "what_happens_next": "Someone from the adult social care team will call you within 10 "
        "working days to talk about your situation.",
        "keywords": "care assessment, home care, carer, equipment, adaptations, Care Act",
        "sla_days": 10,
        "questions": [
            {
                "name": "for_whom",
                "label": "Who is the assessment for?",
                "type": "choice",
                "choices": ["Me", "Someone I care for", "A friend or relative"],
                "required": True,
            },
            {"name": "lives_alone", "label": "Does the person live alone?", "type": "yes_no"},
        ],
    },
    # Children and families
    {
        "slug": "report-a-concern-about-a-child",
        "name": "Report a concern about a child",
        "topic": "children-and-families",
        "department": "childrens-services",
        "summary": "Tell us if you are worried a child is being harmed or is at risk of harm.",
        "description": (
            "Our children's social care front door (the Multi-Agency Safeguarding Hub) decides "
            "what help a child needs. Tell us what you have seen or heard, even if you are not "
            "sure. You can stay anonymous."
        ),
        "what_happens_next": (
            "A social worker will review your report the same working day. We may not be able to "
            "tell you what happens next, to protect the child's privacy."
        ),
        "not_council_note": EMERGENCY_NOTE,
        "keywords": "safeguarding, child protection, MASH, worried about a child, neglect",
        "sla_days": 1,
        "default_priority": "urgent",
        "questions": [
            {
                "name": "child_age",
                "label": "How old is the child, roughly?",
                "type": "choice",
                "choices": ["Under 5", "5 to 11", "12 to 17", "Not sure"],
            },
            {
                "name": "relationship",
                "label": "How do you know the child?",
                "type": "choice",
                "choices": ["Family member", "Neighbour", "Professional", "Other"],
                "required": True,
            },
        ],
    },
    {
        "slug": "early-help-for-families",
        "name": "Ask for early help for your family",
        "topic": "children-and-families",
        "department": "childrens-services",
        "summary": "Get support with parenting, behaviour, money worries or family changes.",
        "description": (
            "Early help is free, voluntary support for families who are finding things hard, "
            "before problems get bigger. A family support worker will talk with you about what "
            "would help."
        ),
        "what_happens_next": "A family support worker will contact you within 10 working days.",
        "keywords": "family support, parenting, early help, family hub",
        "sla_days": 10,
        "default_priority": "normal",
    },
    # Schools and education
    {
        "slug": "school-admissions-question",
        "name": "Ask about school admissions",
        "topic": "schools-and-education",
        "department": "education",
        "summary": "Questions about applying for a school place, offers, waiting lists or appeals.",
        "description": (
            "We coordinate applications for primary and secondary school places, including "
            "in-year moves. Ask us about deadlines, catchment areas, waiting lists and how to "
            "appeal."
        ),
        "what_happens_next": "An admissions officer will reply within 10 working days.",
        "keywords": "school place, admissions, appeal, waiting list, catchment, in-year transfer",
        "sla_days": 10,
        "questions": [
            {
                "name": "phase",
                "label": "Which type of school place is it about?",
                "type": "choice",
                "choices": [
                    "Starting primary school (Reception)",
                    "Moving to secondary school (Year 7)",
                    "Changing school during the year",
                    "Sixth form",
                ],
                "required": True,
            },
            {
                "name": "child_year_group",
                "personal": True,
                "label": "Child's current year group",
                "type": "text",
                "max_length": 20,
            },
        ],
    },
    {
        "slug": "apply-for-home-to-school-transport",
        "name": "Apply for home to school transport",
        "topic": "schools-and-education",
        "department": "education",
        "summary": "Apply for free school transport if your child lives too far from school.",
        "description": (
            "Children may get free transport to their nearest suitable school if they live more "
            "than 2 miles away (under 8) or 3 miles away (8 to 16), if the route is unsafe to "
            "walk, or because of special educational needs or low income."
        ),
        "what_happens_next": (
            "We will decide within 20 working days and post a bus pass if your child is eligible."
        ),
        "keywords": "school bus, school transport, travel pass, taxi, SEND transport",
        "sla_days": 20,
        "questions": [
            {
                "name": "school_name",
                "personal": True,
                "label": "Name of the school",
                "type": "text",
                "required": True,
                "max_length": 120,
            },
            {
                "name": "reason",
                "label": "Why are you applying?",
                "type": "choice",
                "choices": [
                    "We live beyond the walking distance",
                    "The walking route is not safe",
                    "Special educational needs or disability",
                    "Low income",
                ],
                "required": True,
            },
            {"name": "start_date", "label": "When is transport needed from?", "type": "date"},
        ],
    },
    {
        "slug": "apply-for-free-school-meals",
        "name": "Apply for free school meals",
        "topic": "schools-and-education",
        "department": "education",
        "summary": "Check if your child can get free school meals and apply.",
        "description": (
            "Children can get free school meals if you get certain benefits, such as Universal "
            "Credit with household earnings under £7,400 a year. Infants in Reception to Year 2 "
            "get free meals anyway, but applying still earns their school extra funding."
        ),
        "what_happens_next": "We will check eligibility and tell you and the school within "
        "10 working days.",
        "keywords": "free school meals, FSM, pupil premium, Universal Credit",
        "sla_days": 10,
        "default_priority": "low",
    },
    {
        "slug": "school-term-dates",
        "name": "School term and holiday dates",
        "topic": "schools-and-education",
        "department": "education",
        "summary": "Find term dates and inset days for community schools in Northmoor.",
        "description": (
            "We set term dates for community and voluntary controlled schools. Academies and "
            "voluntary aided schools may set their own, so check with the school."
        ),
        "keywords": "term dates, half term, holidays, inset day, training day",
        "sla_days": 5,
        "default_priority": "low",
        "is_simple_query": True,
        "standard_answer": (
            "Term dates for community schools are published on our website for the next 2 years. "
            "Each school also has 5 training (inset) days, which it sets itself: ask the school "
            "for these. Academies may have different dates. Taking a child out of school in term "
            "time needs the head teacher's agreement."
        ),
    },
    # Libraries
    {
        "slug": "library-membership",
        "name": "Join the library or ask about membership",
        "topic": "libraries",
        "department": "libraries",
        "summary": "Join Northmoor Libraries for free and borrow books, eBooks and audiobooks.",
        "description": (
            "Anyone who lives, works or studies in Northmoor can join the library for free. "
            "Members can borrow up to 20 items at a time, use computers free for 2 hours a day, "
            "and download eBooks, audiobooks and magazines."
        ),
        "keywords": "join library, library card, PIN, eBooks, borrow",
        "sla_days": 5,
        "default_priority": "low",
        "is_simple_query": True,
        "standard_answer": (
            "You can join online and start using eBooks and eAudiobooks straight away, then "
            "collect your card from any library by showing proof of your address. Children can "
            "join from birth. If you have forgotten your PIN, any library can reset it, or use "
            "the 'Forgotten PIN' link on the catalogue. There are no late fines on children's "
            "books."
        ),
        "questions": [
            {
                "name": "member_type",
                "label": "Who is the membership for?",
                "type": "choice",
                "choices": ["An adult", "A child", "A group or school"],
            }
        ],
    },
    {
        "slug": "lost-or-damaged-library-item",
        "name": "Tell us about a lost or damaged library item",
        "topic": "libraries",
        "department": "libraries",
        "summary": "Tell us if you have lost or damaged something you borrowed.",
        "description": (
            "If you lose or damage a library item, tell us so we can stop overdue reminders. "
            "We will tell you the replacement charge, which you can pay online or at any library."
        ),
        "what_happens_next": "We will reply within 10 working days with any charge.",
        "keywords": "lost book, damaged book, replacement charge, overdue",
        "sla_days": 10,
        "default_priority": "low",
    },
    {
        "slug": "local-history-enquiry",
        "name": "Ask the archives for a local history search",
        "topic": "libraries",
        "department": "libraries",
        "summary": "Ask Northmoor Archives to search records about a place, family or building.",
        "description": (
            "Northmoor Archives holds parish registers, maps, school records and council records "
            "going back 800 years. Our staff can answer short questions for free and carry out "
            "longer research for a fee."
        ),
        "what_happens_next": "An archivist will reply within 20 working days.",
        "keywords": "archives, family history, genealogy, parish register, old maps",
        "sla_days": 20,
        "default_priority": "low",
    },
    # Births, deaths and ceremonies
    {
        "slug": "book-a-birth-registration",
        "name": "Book an appointment to register a birth",
        "topic": "births-deaths-and-ceremonies",
        "department": "registration",
        "summary": "Book an appointment to register a baby's birth. You must do this within "
        "42 days.",
        "description": (
            "Births in England must be registered within 42 days in the district where the baby "
            "was born. Appointments are at register offices in Preston, Lancaster, Blackpool and "
            "Blackburn. Bring your baby's red book if you have it."
        ),
        "what_happens_next": "We will confirm your appointment within 5 working days.",
        "keywords": "register a birth, birth certificate, new baby, registrar",
        "sla_days": 5,
        "questions": [
            {
                "name": "date_of_birth",
                "label": "Baby's date of birth",
                "type": "date",
                "required": True,
            },
            {
                "name": "office",
                "label": "Which register office would you like?",
                "type": "choice",
                "choices": ["Preston", "Lancaster", "Blackpool", "Blackburn"],
                "required": True,
            },
            {
                "name": "parents_married",
                "label": "Were the parents married or in a civil partnership at the birth?",
                "type": "yes_no",
                "hint": "If not, both parents must attend for both names to go on the register.",
            },
        ],
    },
    {
        "slug": "book-a-death-registration",
        "name": "Book an appointment to register a death",
        "topic": "births-deaths-and-ceremonies",
        "department": "registration",
        "summary": "Book an appointment to register a death. You should do this within 5 days.",
        "description": (
            "A death in England should be registered within 5 days. The doctor or medical "
            "examiner will send us the medical certificate of cause of death before your "
            "appointment. We are sorry for your loss."
        ),
        "what_happens_next": "We will call you within 2 working days to book the appointment.",
        "keywords": "register a death, death certificate, bereavement, Tell Us Once",
        "sla_days": 2,
        "default_priority": "high",
    },
    {
        "slug": "order-a-certificate",
        "name": "Order a copy of a birth, death or marriage certificate",
        "topic": "births-deaths-and-ceremonies",
        "department": "registration",
        "summary": "Order a certified copy of a certificate registered in Northmoor.",
        "description": (
            "We can issue certified copies of births, deaths, marriages and civil partnerships "
            "registered in Northmoor. A standard certificate costs £12.50. For events registered "
            "elsewhere, order from the General Register Office."
        ),
        "what_happens_next": "We will post the certificate within 10 working days.",
        "keywords": "certificate copy, birth certificate, marriage certificate, GRO",
        "sla_days": 10,
        "default_priority": "low",
        "questions": [
            {
                "name": "certificate_type",
                "label": "Which certificate do you need?",
                "type": "choice",
                "choices": ["Birth", "Death", "Marriage", "Civil partnership"],
                "required": True,
            },
            {
                "name": "event_date",
                "label": "Date of the event",
                "type": "date",
                "hint": "An approximate date is fine.",
            },
            {
                "name": "registered_name",
                "personal": True,
                "label": "Full name on the certificate",
                "type": "text",
                "required": True,
                "max_length": 200,
            },
        ],
    },
    {
        "slug": "give-notice-of-marriage",
        "name": "Give notice of marriage or civil partnership",
        "topic": "births-deaths-and-ceremonies",
        "department": "registration",
        "summary": "Book an appointment to give legal notice before you marry or form a civil "
        "partnership.",
        "description": (
            "You must give notice at least 29 days before your ceremony, in the district where "
            "you live. Both of you need an appointment and must bring proof of name, age, "
            "nationality and address."
        ),
        "what_happens_next": "We will offer you an appointment within 10 working days.",
        "keywords": "notice of marriage, wedding, civil partnership, registrar",
        "sla_days": 10,
        "default_priority": "low",
    },
    # Business and consumer protection
    {
        "slug": "trading-standards-consumer-complaint",
        "name": "Complain about a trader",
        "topic": "business-and-consumer-protection",
        "department": "trading-standards",
        "summary": "Get advice about a problem with something you bought or a service you paid "
        "for.",
        "description": (
            "Trading Standards investigates traders who break the law, such as selling unsafe "
            "or counterfeit goods or misleading customers. For advice about getting your money "
            "back, contact the Citizens Advice consumer helpline, which passes reports to us."
        ),
        "what_happens_next": (
            "We record every report and use it to decide which traders to investigate. We "
            "cannot take up individual disputes or get refunds."
        ),
        "not_council_note": (
            "For consumer advice, call the Citizens Advice consumer helpline on 0808 223 1133 "
            "(Monday to Friday, 9am to 5pm). It will pass your complaint to us."
        ),
        "keywords": "trading standards, faulty goods, refund, counterfeit, scam, trader",
        "sla_days": 10,
        "questions": [
            {
                "name": "trader_name",
                "label": "Name of the trader or business",
                "type": "text",
                "required": True,
                "max_length": 200,
            },
            {
                "name": "purchase_type",
                "label": "How did you buy it?",
                "type": "choice",
                "choices": ["In a shop", "Online", "At my home", "By phone"],
            },
            {
                "name": "amount_paid",
                "label": "How much did you pay?",
                "type": "text",
                "max_length": 20,
            },
        ],
    },
    {
        "slug": "report-doorstep-crime",
        "name": "Report a rogue trader or doorstep crime",
        "topic": "business-and-consumer-protection",
        "department": "trading-standards",
        "summary": "Report cold callers, rogue builders or anyone pressuring people at their door.",
        "description": (
            "Doorstep criminals often target older people, offering unneeded roof or driveway "
            "work at inflated prices. Report them so we can act quickly, often the same day, and "
            "help recover money."
        ),
        "what_happens_next": "An officer will contact you within 2 working days.",
        "not_council_note": (
            "If the trader is at the door now, or is taking someone to the bank, call 999."
        ),
        "keywords": "rogue trader, cold caller, doorstep, roofer, driveway, scam",
        "sla_days": 2,
        "default_priority": "high",
    },
    {
        "slug": "report-underage-sales",
        "name": "Report underage sales",
        "topic": "business-and-consumer-protection",
        "department": "trading-standards",
        "summary": "Report a shop selling alcohol, vapes, knives or fireworks to under-18s.",
        "description": (
            "It is illegal to sell alcohol, tobacco, vapes, knives, fireworks and some other "
            "products to children. Your report helps us decide where to carry out test "
            "purchases."
        ),
        "what_happens_next": "We use reports to plan test purchases; we may not contact you.",
        "keywords": "underage, vapes, alcohol, knives, fireworks, test purchase",
        "sla_days": 20,
        "default_priority": "low",
    },
    # Blue Badges and parking
    {
        "slug": "apply-for-a-blue-badge",
        "name": "Apply for a Blue Badge",
        "topic": "blue-badges-and-parking",
        "department": "adult-social-care",
        "summary": "Apply for a Blue Badge if you have a disability or health condition that "
        "affects your mobility.",
        "description": (
            "A Blue Badge lets you park closer to where you need to go. You may get one "
            "automatically, for example if you get the higher rate of the mobility part of "
            "Disability Living Allowance, or after an assessment. A badge costs £10."
        ),
        "what_happens_next": (
            "We will decide within 30 working days. We may ask for more evidence or invite you "
            "to a mobility assessment."
        ),
        "keywords": "blue badge, disabled parking, parking permit, mobility",
        "sla_days": 30,
        "questions": [
            {
                "name": "applying_for",
                "label": "Who are you applying for?",
                "type": "choice",
                "choices": ["Myself", "Someone else", "An organisation"],
                "required": True,
            },
            {
                "name": "benefit",
                "label": "Does the person get one of these benefits?",
                "type": "choice",
                "choices": [
                    "PIP with 8 points or more for moving around",
                    "Higher rate mobility DLA",
                    "War Pensioners' Mobility Supplement",
                    "None of these",
                ],
                "required": True,
            },
            {"name": "renewal", "label": "Is this a renewal?", "type": "yes_no"},
        ],
    },
    {
        "slug": "report-blue-badge-misuse",
        "name": "Report Blue Badge misuse",
        "topic": "blue-badges-and-parking",
        "department": "adult-social-care",
        "summary": "Report someone using a Blue Badge that is not theirs, fake or out of date.",
        "description": (
            "Using someone else's badge when they are not in the car, or a copied or expired "
            "badge, is a criminal offence. Tell us the vehicle registration, badge number if "
            "you saw it, and where it was parked."
        ),
        "what_happens_next": "Our counter fraud team will investigate. We may not contact you.",
        "keywords": "blue badge fraud, misuse, fake badge, disabled bay",
        "sla_days": 20,
        "default_priority": "low",
        "is_location_based": True,
        "questions": [
            Q_WHERE,
            {
                "name": "vehicle_registration",
                "personal": True,
                "label": "Vehicle registration number",
                "type": "text",
                "max_length": 10,
            },
        ],
    },
    # Complaints and feedback
    {
        "slug": "complaint-about-a-council-service",
        "name": "Make a complaint about a council service",
        "topic": "complaints-and-feedback",
        "department": "complaints",
        "summary": "Complain if we got something wrong, were too slow, or treated you unfairly.",
        "description": (
            "Tell us what went wrong and what you would like us to do to put it right. We "
            "answer complaints within 20 working days. If you are still unhappy, you can ask "
            "the Local Government and Social Care Ombudsman to look at it."
        ),
        "what_happens_next": (
            "We will acknowledge your complaint within 5 working days and reply in full within "
            "20 working days."
        ),
        "keywords": "complaint, complain, unhappy, poor service, ombudsman",
        "sla_days": 20,
        "questions": [
            {
                "name": "service_area",
                "label": "Which service is your complaint about?",
                "type": "choice",
                "choices": [
                    "Roads and travel",
                    "Recycling centres",
                    "Adult social care",
                    "Children's services",
                    "Schools and transport",
                    "Libraries",
                    "Registration",
                    "Something else",
                ],
                "required": True,
            },
            {
                "name": "outcome_wanted",
                "personal": True,
                "label": "What would you like us to do?",
                "type": "text",
                "max_length": 1000,
            },
        ],
    },
    {
        "slug": "give-a-compliment",
        "name": "Give a compliment",
        "topic": "complaints-and-feedback",
        "department": "complaints",
        "summary": "Tell us when a member of staff or a service did something well.",
        "description": (
            "We pass every compliment on to the team and the person named. It helps us learn "
            "what works."
        ),
        "what_happens_next": "We will pass your compliment on within 10 working days.",
        "keywords": "compliment, thank you, praise, feedback",
        "sla_days": 10,
        "default_priority": "low",
    },
    {
        "slug": "freedom-of-information-request",
        "name": "Make a Freedom of Information request",
        "topic": "complaints-and-feedback",
        "department": "complaints",
        "summary": "Ask for information the council holds. We must reply within 20 working days.",
        "description": (
            "Anyone can ask for recorded information we hold under the Freedom of Information "
            "Act or Environmental Information Regulations. Check our publication scheme first: "
            "the answer may already be published."
        ),
        "what_happens_next": "We will reply within 20 working days, as the law requires.",
        "keywords": "FOI, freedom of information, EIR, information request",
        "sla_days": 20,
        "default_priority": "normal",
    },
    {
        "slug": "subject-access-request",
        "name": "Ask for the personal information we hold about you",
        "topic": "complaints-and-feedback",
        "department": "complaints",
        "summary": "Make a subject access request for a copy of your personal data.",
        "description": (
            "Under data protection law you can ask for a copy of the personal information we "
            "hold about you. We will need to check your identity. There is no charge."
        ),
        "what_happens_next": "We will reply within one calendar month of confirming your identity.",
        "keywords": "subject access request, SAR, personal data, GDPR, data protection",
        "sla_days": 20,
    },
]

# --- Routing rules --------------------------------------------------------------------------------
# First match wins; keywords are whole words or phrases, comma-separated; "flood*" is a wildcard.

#: Words in the resident's own description that make a pothole sound dangerous ("deep" is not one:
#: a resident's "deep" is answered by the depth question).
POTHOLE_DANGER_WORDS = (
    "dangerous, injury, injured, fell, tripped, accident, burst tyre, damaged my car, "
    "cyclist came off"
)

SAFEGUARDING_WORDS = (
    "abuse, abused, abusing, neglect, neglected, harm, harmed, exploited, exploitation"
)

CHILD_WORDS = "child, children, baby, toddler, pupil, son, daughter, grandson, granddaughter"

ROUTING_RULES: list[dict[str, Any]] = [
    {
        "name": "Safeguarding words about a child: Children's Services, urgent",
        "order": 10,
        "keywords_any": (
            "child abuse, child neglect, neglected child, neglecting the children, "
            "children are being harmed, child is being harmed, child at risk, children at risk, "
            "hitting the children, hurting the children, grooming"
        ),
        "department": "childrens-services",
        "priority": "urgent",
    },
    {
        # The child-concern form's labels ("How old is the child?") used to keep the adult rule
        # off it; rules now read only the resident's words, so the form says it instead.
        "name": "Safeguarding words on a child concern: Children's Services, urgent",
        "order": 15,
        "services": ["report-a-concern-about-a-child"],
        "keywords_any": SAFEGUARDING_WORDS,
        "department": "childrens-services",
        "priority": "urgent",
    },
    {
        "name": "Safeguarding words about an adult: Adult Social Care, urgent",
        "order": 20,
        "keywords_any": SAFEGUARDING_WORDS,
        "keywords_none": CHILD_WORDS,
        "department": "adult-social-care",
        "priority": "urgent",
    },
    {
        "name": "Flooding into a home: Flood Risk, high priority",
        "order": 30,
        "services": [
            "report-flooding-from-a-watercourse",
            "report-flooding-on-a-road",
            "report-a-blocked-drain",
        ],
        "keywords_any": (
            "inside house, inside the house, inside my house, flooding into, coming into, "
            "into the house, into my house, into our house, into the kitchen, under the door, "
            "garage is flooded, ground floor"
        ),
        "department": "flood-risk",
        "priority": "high",
    },
    {
        # The resident's answer, not a keyword: the label "How deep is it?" is on every pothole.
        "name": "Pothole deeper than 10cm: high priority",
        "order": 39,
        "services": ["report-a-pothole"],
        "answer_conditions": {"depth": ["Deeper than 10cm"]},
        "priority": "high",
    },
    {
        "name": "Pothole that sounds dangerous: high priority",
        "order": 40,
        "services": ["report-a-pothole"],
        "keywords_any": POTHOLE_DANGER_WORDS,
        "priority": "high",
    },
    {
        # The option the resident picked (keywords no longer search the options offered).
        "name": "Fly-tipping of drums, chemicals or asbestos: high priority",
        "order": 44,
        "services": ["report-fly-tipping-on-a-road"],
        "answer_conditions": {"waste_type": ["Drums, chemicals or possible asbestos"]},
        "priority": "high",
    },
    {
        "name": "Fly-tipping that may be hazardous: high priority",
        "order": 45,
        "services": ["report-fly-tipping-on-a-road"],
        "keywords_any": "asbestos, needles, syringes, chemical*, drums, gas cylinder*",
        "priority": "high",
    },
    {
        "name": "Doorstep crime in progress: urgent",
        "order": 50,
        "services": ["report-doorstep-crime", "trading-standards-consumer-complaint"],
        "keywords_any": "at the door now, still there, taking her to the bank, "
        "taking him to the bank, right now",
        "department": "trading-standards",
        "priority": "urgent",
    },
    {
        "name": "Winter gritting question: standard answer",
        "order": 60,
        "services": ["winter-gritting-question"],
        "keywords_none": "accident, crash, fell, injured, injury, emergency",
        "auto_resolve": True,
        "standard_answer": next(
            s["standard_answer"] for s in SERVICES if s["slug"] == "winter-gritting-question"
        ),
    },
    {
        "name": "Library membership question: standard answer",
        "order": 70,
        "services": ["library-membership"],
        "keywords_none": "complaint, complain, charge, fine, lost, stolen, damaged",
        "auto_resolve": True,
        "standard_answer": next(
            s["standard_answer"] for s in SERVICES if s["slug"] == "library-membership"
        ),
    },
    {
        "name": "Complaint by email: Customer Feedback and Complaints",
        "order": 80,
        "channels": ["email"],
        "keywords_any": "complaint, complain, complaining, formal complaint, ombudsman",
        "department": "complaints",
    },
]

# --- Staff ----------------------------------------------------------------------------------------

GROUPS = ["contact_centre", "front_desk", "caseworker", "manager", "admin", "analyst"]

STAFF: list[dict[str, Any]] = [
    {
        "username": "agent",
        "first_name": "Amira",
        "last_name": "Hussain",
        "groups": ["contact_centre"],
        "role": "Contact centre agent",
        "member_of": ["triage"],
    },
    {
        "username": "frontdesk",
        "first_name": "Gareth",
        "last_name": "Jones",
        "groups": ["front_desk"],
        "role": "Front desk (Northmoor Town Hall)",
        "member_of": ["triage"],
    },
    {
        "username": "highways.officer",
        "first_name": "Tom",
        "last_name": "Whitfield",
        "groups": ["caseworker"],
        "role": "Caseworker, Highways",
        "member_of": ["highways"],
    },
    {
        "username": "waste.officer",
        "first_name": "Nadia",
        "last_name": "Begum",
        "groups": ["caseworker"],
        "role": "Caseworker, Waste and Recycling",
        "member_of": ["waste"],
    },
    {
        "username": "socialcare.officer",
        "first_name": "Grace",
        "last_name": "Adebayo",
        "groups": ["caseworker"],
        "role": "Caseworker, Adult Social Care",
        "member_of": ["adult-social-care"],
    },
    {
        "username": "children.officer",
        "first_name": "Megan",
        "last_name": "Fairhurst",
        "groups": ["caseworker"],
        "role": "Caseworker, Children's Services",
        "member_of": ["childrens-services"],
    },
    {
        "username": "flood.officer",
        "first_name": "Owen",
        "last_name": "Rigby",
        "groups": ["caseworker"],
        "role": "Caseworker, Flood Risk",
        "member_of": ["flood-risk"],
    },
    {
        "username": "countryside.officer",
        "first_name": "Heather",
        "last_name": "Lund",
        "groups": ["caseworker"],
        "role": "Caseworker, Rights of Way",
        "member_of": ["countryside"],
    },
    {
        "username": "education.officer",
        "first_name": "Sanjay",
        "last_name": "Mistry",
        "groups": ["caseworker"],
        "role": "Caseworker, Admissions and Transport",
        "member_of": ["education"],
    },
    {
        "username": "libraries.officer",
        "first_name": "Ruth",
        "last_name": "Gornall",
        "groups": ["caseworker"],
        "role": "Caseworker, Libraries",
        "member_of": ["libraries"],
    },
    {
        "username": "registrar",
        "first_name": "Elaine",
        "last_name": "Sharples",
        "groups": ["caseworker"],
        "role": "Registrar",
        "member_of": ["registration"],
    },
    {
        "username": "tradingstandards.officer",
        "first_name": "Marcus",
        "last_name": "Okoro",
        "groups": ["caseworker"],
        "role": "Caseworker, Trading Standards",
        "member_of": ["trading-standards"],
    },
    {
        "username": "complaints.officer",
        "first_name": "Bethan",
        "last_name": "Rees",
        "groups": ["caseworker"],
        "role": "Caseworker, Complaints",
        "member_of": ["complaints"],
    },
    {
        "username": "highways.manager",
        "first_name": "Carol",
        "last_name": "Singleton",
        "groups": ["manager"],
        "role": "Manager, Highways and Flood Risk",
        "member_of": ["highways", "flood-risk"],
        "manager_of": ["highways", "flood-risk"],
    },
    {
        "username": "admin",
        "first_name": "Sam",
        "last_name": "Okonjo",
        "groups": ["admin"],
        "role": "Administrator (Django admin)",
        "is_staff": True,
        "is_superuser": True,
    },
    {
        "username": "analyst",
        "first_name": "Nadia",
        "last_name": "Okoro",
        "groups": ["analyst"],
        "role": "Performance analyst (insight figures only)",
    },
]
for _user in STAFF:
    _user.setdefault("email", f"{_user['username']}@{COUNCIL_DOMAIN}")
    _user.setdefault("member_of", [])
    _user.setdefault("manager_of", [])
    _user.setdefault("is_staff", False)
    _user.setdefault("is_superuser", False)

# --- Places ---------------------------------------------------------------------------------------
# Services that take an address outside the county (someone moving in applies before they move).
ACCEPTS_OUTSIDE_AREA = frozenset({"apply-for-a-blue-badge"})

# Real postcode districts, invented inward codes; towns with rough centre coordinates.

TOWNS: list[dict[str, Any]] = [
    {"town": "Preston", "districts": ["PR1", "PR2"], "lat": 53.7632, "lon": -2.7031},
    {"town": "Fulwood", "districts": ["PR2"], "lat": 53.7860, "lon": -2.7040},
    {"town": "Bamber Bridge", "districts": ["PR5"], "lat": 53.7260, "lon": -2.6600},
    {"town": "Chorley", "districts": ["PR7"], "lat": 53.6530, "lon": -2.6320},
    {"town": "Leyland", "districts": ["PR25"], "lat": 53.6920, "lon": -2.6970},
    {"town": "Lancaster", "districts": ["LA1"], "lat": 54.0466, "lon": -2.8007},
    {"town": "Morecambe", "districts": ["LA3", "LA4"], "lat": 54.0700, "lon": -2.8640},
    {"town": "Carnforth", "districts": ["LA5"], "lat": 54.1290, "lon": -2.7670},
    {"town": "Blackburn", "districts": ["BB1", "BB2"], "lat": 53.7480, "lon": -2.4820},
    {"town": "Clitheroe", "districts": ["BB7"], "lat": 53.8710, "lon": -2.3930},
    {"town": "Burnley", "districts": ["BB11"], "lat": 53.7890, "lon": -2.2480},
    {"town": "Blackpool", "districts": ["FY1", "FY4"], "lat": 53.8175, "lon": -3.0357},
    {"town": "Fleetwood", "districts": ["FY7"], "lat": 53.9250, "lon": -3.0100},
    {"town": "Lytham St Annes", "districts": ["FY8"], "lat": 53.7500, "lon": -2.9900},
]

STREETS = [
    "Ribble Lane",
    "Moor Road",
    "Chapel Street",
    "Station Road",
    "Church Lane",
    "Mill Brow",
    "Heather Close",
    "Fellside View",
    "Canal Walk",
    "Quarry Road",
    "Lune Street",
    "Garstang Road",
    "Beech Grove",
    "Meadowcroft",
    "Brook Street",
    "Pendle View",
    "School Lane",
    "Victoria Road",
    "Moss Lane",
    "Hollins Road",
    "Bowland Drive",
    "Wyre Avenue",
    "Sandy Lane",
    "Highfield Road",
    "Cedar Crescent",
    "Marsh Lane",
    "Kirkgate",
    "Towngate",
    "Whinney Brow",
    "Longmoor Lane",
]
LANDMARKS = [
    "the bus stop",
    "the primary school",
    "the zebra crossing",
    "the Co-op",
    "the war memorial",
    "the junction with {other}",
    "number {house}",
    "the post box",
    "the entrance to the park",
    "the church",
    "the railway bridge",
    "the pharmacy",
]
OFFICES = [
    "Northmoor Town Hall",
    "Lancaster Library help point",
    "Preston Customer Service Centre",
    "Blackpool Central Library help point",
    "Chorley Library help point",
    "Clitheroe Library help point",
]
PARTNER_APP = "FixMyStreet (partner API)"

# Inward codes: a digit then two letters, never C, I, K, M, O or V.
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# --- Residents ------------------------------------------------------------------------------------

RESIDENT_NAMES = [
    "Siân O'Brien-Ng",
    "Zoë Kowalczyk",
    "Łukasz Nowak",
    "Aoife Ní Bhriain",
    "Chidi Okafor",
    "Priya Patel",
    "Margaret Thornber",
    "John Cowell",
    "Fatima Begum",
    "Mohammed Iqbal",
    "Amelia Hargreaves",
    "Oliver Whittaker",
    "Gráinne Murphy",
    "Björn Halvorsen",
    "José Martínez",
    "Renée Dubois",
    "Tomasz Wiśniewski",
    "Agnieszka Zielińska",
    "Oluwaseun Adeyemi",
    "Ngozi Eze",
    "Kwame Mensah",
    "Ama Owusu",
    "Rajesh Sharma",
    "Anjali Mistry",
    "Harpreet Kaur",
    "Gurpreet Singh Sandhu",
    "Ayesha Khan",
    "Imran Hussain",
    "Bilal Ahmed",
    "Nasreen Akhtar",
    "Wei Chen",
    "Mei Ling Wong",
    "Thanh Nguyen",
    "Hiroshi Tanaka",
    "Eleanor Pilkington",
    "George Haworth",
    "Jack Sutcliffe",
    "Emily Ashworth",
    "Sophie Entwistle",
    "Harry Crompton",
    "Isla McKenzie",
    "Callum MacLeod",
    "Eilidh Fraser",
    "Rhys Pritchard",
    "Ffion Evans",
    "Cerys Morgan",
    "Dylan Hughes",
    "Niamh O'Connor",
    "Ciarán Byrne",
    "Patrick Doyle",
    "Bernadette Kelly",
    "Dorothy Holden",
    "Arthur Bamber",
    "Edith Catterall",
    "Frank Fazackerley",
    "Joan Rawcliffe",
    "Kenneth Lonsdale",
    "Brenda Hesketh",
    "Derek Walmsley",
    "Pauline Singleton",
    "Stephen Cornthwaite",
    "Karen Bretherton",
    "David Gregson",
    "Susan Parkinson",
    "Michael Threlfall",
    "Julie Dewhurst",
    "Andrew Shuttleworth",
    "Claire Mercer",
    "Mark Eccleston",
    "Rachel Tomlinson",
    "Lauren Cross",
    "Jordan Bailey",
    "Chloe Richardson",
    "Ryan Atherton",
    "Megan Wilcock",
    "Liam Kershaw",
    "Jessica Bolton",
    "Daniel Nuttall",
    "Hannah Birtwistle",
    "Thomas Aspinall",
    "Grace Ogden",
    "Joshua Marsden",
    "Ava Pickup",
    "Noah Greenhalgh",
    "Mia Fairclough",
    "Elijah Brown",
    "Olivia Taylor-Smith",
    "Leo Wood",
    "Freya Clegg",
    "Arlo Dickinson",
    "Ifeoma Nwosu",
    "Abdi Hassan",
    "Hodan Warsame",
    "Yusuf Demir",
    "Elif Yılmaz",
    "Dimitrios Papadopoulos",
    "Andreea Popescu",
    "Mihai Ionescu",
    "Jūratė Kazlauskienė",
    "Gintaras Petrauskas",
    "Ana Šimić",
    "Kateřina Dvořáková",
    "Sinéad Gallagher",
    "Ruairí Ó Néill",
    "Marie-Claire Léger",
    "François Moreau",
    "Søren Nielsen",
    "Magdalena Król",
    "Paweł Lewandowski",
    "Adaeze Obi",
    "Tunde Bakare",
    "Samira El-Amin",
    "Omar Farouk",
    "Deepak Chauhan",
    "Sunita Rao",
    "Lakshmi Iyer",
    "Kofi Boateng",
    "Rosa Fernández",
    "Matteo Russo",
    "Hélène Garnier",
]

_ASCII_EXTRA = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "đ": "d",
        "Đ": "D",
    }
)


def ascii_slug(text: str) -> str:
    """An email-safe local part: Django's validator accepts only ASCII there."""
    plain = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    kept = "".join(ch if ch.isalnum() or ch in ".-" else "" for ch in plain.replace(" ", "."))
    return kept.strip(".-")


def postcode_for(district: str, rng: random.Random) -> str:
    return (
        f"{district} {rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    )


def residents() -> list[dict[str, Any]]:
    """About 120 residents, the same every run (seeded), so the command can upsert them."""
    rng = random.Random(2026)
    people = []
    for i, full_name in enumerate(RESIDENT_NAMES):
        place = TOWNS[i % len(TOWNS)]
        district = place["districts"][i % len(place["districts"])]
        street = STREETS[(i * 7) % len(STREETS)]
        house = rng.randint(1, 180)
        if i % 9 == 4:
            address = f"Flat {rng.randint(1, 12)}, {street.split()[0]} Court, {street}, "
            address += place["town"]
        else:
            address = f"{house} {street}, {place['town']}"
        email = f"{ascii_slug(full_name)}@{'example.com' if i % 3 else 'example.org'}"
        phone = f"07700 900{i:03d}"
        if i % 11 == 5:
            email = ""  # phone only: often older residents who ring us
        if i % 7 == 3 and email:
            phone = ""  # email only; nobody is left with neither
        flags = []
        if i % 17 == 6:
            flags.append("vulnerable")
        if i % 29 == 13:
            flags.append("needs_interpreter")
        preferred = "email"
        if phone and (i % 5 == 2 or not email):
            preferred = "sms"
        if i % 23 == 22:
            preferred = "none"
        people.append(
            {
                "full_name": full_name,
                "email": email,
                "phone": phone,
                "address": address,
                "postcode": postcode_for(district, rng),
                "preferred_channel": preferred,
                "consent_updates": preferred != "none",
                "flags": flags,
                "town": place["town"],
            }
        )
    return people


# --- Case content ---------------------------------------------------------------------------------
# Placeholders: {road}, {other}, {town}, {landmark}. Several templates per service keep the
# demo from looking machine-made; a few deliberately trip the routing rules above.

CASE_TEMPLATES: dict[str, dict[str, Any]] = {
    "report-a-pothole": {
        "weight": 14,
        "templates": [
            (
                "Pothole on {road} near {landmark}",
                "There is a pothole on {road}, {town}, just by {landmark}. It has been getting "
                "bigger since the frost and cars are swerving round it.",
            ),
            (
                "Deep pothole outside {landmark}, {road}",
                "Very deep pothole in the middle of the lane on {road}. My car hit it last night "
                "and it damaged my car: the tyre burst. Someone will have an accident.",
                {"depth": "Deeper than 10cm", "road_or_pavement": "In the road"},
            ),
            (
                "Several potholes along {road}",
                "The stretch of {road} between {landmark} and the junction with {other} has at "
                "least five potholes. The surface is breaking up.",
            ),
            (
                "Broken pavement on {road}",
                "Pavement slabs are lifted and cracked on {road} near {landmark}. My mum tripped "
                "there last week. It is a real problem with pushchairs and wheelchairs.",
                {"road_or_pavement": "On the pavement"},
            ),
            (
                "Pothole reported again on {road}",
                "This pothole on {road} was patched in the summer but the repair has broken up "
                "again. It is about the size of a dinner plate.",
            ),
        ],
        "answers": {
            "location_detail": [
                "by {landmark}",
                "outside number {house}",
                "at the junction with {other}",
            ]
        },
        "notes": [
            "Inspected: defect 60mm deep, meets intervention level. Works order raised.",
            "Inspected: 30mm, below intervention level. Added to resurfacing list for {road}.",
            "Gang scheduled for permanent repair; temporary fill done on site.",
        ],
        "resolutions": [
            "We have repaired the pothole on {road}. Thank you for reporting it.",
            "Our inspector checked {road}. The defect is below the depth we repair, but we "
            "have added the road to our resurfacing programme.",
        ],
    },
    "report-a-dangerous-road-defect": {
        "weight": 4,
        "templates": [
            (
                "Missing drain cover on {road}",
                "The metal cover is missing from a drain on {road}, {town}, right by {landmark}. "
                "It is a big open hole in the road.",
            ),
            (
                "Road collapsed on {road}",
                "Part of the road surface on {road} has sunk about 20cm near {landmark}. Traffic "
                "is driving on the wrong side to avoid it.",
            ),
            (
                "Very deep hole on the bend on {road}",
                "A hole has opened on the bend on {road}. A cyclist came off there this morning.",
            ),
        ],
        "answers": {"location_detail": ["by {landmark}", "on the bend near {landmark}"]},
        "notes": [
            "Crew attended within 2 hours; area coned and made safe.",
            "Temporary repair done; permanent repair booked.",
        ],
        "resolutions": ["We have made the road safe on {road} and a permanent repair is booked."],
    },
    "report-a-street-light-fault": {
        "weight": 9,
        "templates": [
            (
                "Street light out on {road}",
                "The street light outside {landmark} on {road} has not worked for about a week. "
                "It is very dark walking home.",
            ),
            (
                "Light flickering on {road}",
                "Street light on {road}, {town} keeps flashing on and off all night.",
            ),
            (
                "Street light on all day, {road}",
                "The lamp near {landmark} on {road} is on all day as well as at night.",
            ),
            (
                "Several lights out on {road}",
                "Three lights in a row are out on {road} between {landmark} and {other}.",
            ),
        ],
        "answers": {
            "light_number": ["NM-{n4}", "{n4}", "NM {n4}A"],
            "location_detail": ["outside number {house}", "by {landmark}"],
        },
        "notes": [
            "Lantern replaced.",
            "Fault in supply cable: passed to Electricity North West (ref ENW-{n4}).",
        ],
        "resolutions": ["The street light on {road} has been repaired."],
    },
    "report-a-blocked-drain": {
        "weight": 6,
        "templates": [
            (
                "Blocked gully on {road}",
                "The drain by {landmark} on {road} is full of leaves and silt. Every time it "
                "rains there is a big puddle across the road.",
            ),
            (
                "Drain blocked, water coming under the door on {road}",
                "The road drain outside our house on {road} is blocked. In heavy rain water runs "
                "off the road and is coming into the house under the door.",
            ),
            (
                "Broken drain grate on {road}",
                "The grate over the gully near {landmark} on {road} is cracked and rocking.",
            ),
        ],
        "answers": {"location_detail": ["outside number {house}", "by {landmark}"]},
        "notes": [
            "Gully cleansed by tanker crew; running freely.",
            "Gully jetted; collapsed connection found, repair ordered.",
        ],
        "resolutions": ["We have cleared the blocked drain on {road}."],
    },
    "report-a-damaged-road-sign": {
        "weight": 4,
        "templates": [
            (
                "Give way sign knocked down at {road}",
                "The give way sign at the junction of {road} and {other} has been knocked flat.",
            ),
            (
                "Street name sign missing on {road}",
                "The street name plate at the end of {road}, {town} is missing. Delivery drivers "
                "cannot find us.",
            ),
            (
                "Speed limit sign hidden by hedge, {road}",
                "The 30 sign on {road} is hidden behind a hedge and graffiti.",
            ),
        ],
        "answers": {"location_detail": ["at the junction with {other}", "by {landmark}"]},
        "notes": ["Sign replaced.", "Sign cleaned and hedge cut back."],
        "resolutions": ["The sign on {road} has been replaced."],
    },
    "report-overgrown-vegetation": {
        "weight": 5,
        "templates": [
            (
                "Hedge blocking pavement on {road}",
                "A hedge on {road} has grown right across the pavement near {landmark}. I have to "
                "walk in the road with my pushchair.",
            ),
            (
                "Can't see at the junction of {road} and {other}",
                "Bushes on the corner block the view for drivers pulling out of {road}.",
            ),
            (
                "Branches hiding street light on {road}",
                "Tree branches have grown round the street light outside {landmark}.",
            ),
        ],
        "answers": {"location_detail": ["by {landmark}", "at the junction with {other}"]},
        "notes": [
            "Private hedge: section 154 letter sent to owner.",
            "Council verge: added to cutting programme.",
        ],
        "resolutions": ["The hedge on {road} has been cut back."],
    },
    "report-a-dead-animal": {
        "weight": 3,
        "templates": [
            (
                "Dead deer on {road}",
                "A dead deer is lying on the carriageway on {road} near "
                "{landmark}, {town}. Cars are braking hard to avoid it.",
            ),
            ("Dead badger on {road}", "Dead badger in the road on {road}."),
            ("Dead cat on {road}", "There is a dead cat by the kerb on {road}. It has a collar."),
        ],
        "answers": {"location_detail": ["by {landmark}", "outside number {house}"]},
        "notes": ["Removed by highways crew."],
        "resolutions": ["We have removed the animal from {road}."],
    },
    "winter-gritting-question": {
        "weight": 3,
        "templates": [
            (
                "Will {road} be gritted?",
                "Can you tell me whether {road} in {town} is on a gritting route? "
                "It is very steep.",
            ),
            (
                "Grit bin request for {road}",
                "Could we have a grit bin at the top of {road}? It gets icy every winter.",
            ),
            ("Gritting routes question", "Which roads around {town} do you grit when it snows?"),
        ],
        "answers": {},
        "resolutions": ["We have sent you details of our gritting routes."],
    },
    "apply-for-a-dropped-kerb": {
        "weight": 2,
        "templates": [
            (
                "Dropped kerb for {house} {road}",
                "I would like a dropped kerb outside my house on {road} so I can park on "
                "the drive.",
            ),
            (
                "Dropped kerb application",
                "We are applying for a vehicle crossing at our home in "
                "{town}. The drive is already paved.",
            ),
        ],
        "answers": {},
        "notes": ["Site visit done; driveway depth OK. Quote sent."],
        "resolutions": ["We have approved your dropped kerb and sent a quote."],
    },
    "older-persons-bus-pass": {
        "weight": 3,
        "templates": [
            (
                "Lost my bus pass",
                "I have lost my bus pass, I think on the bus into {town}. Can I have a new one?",
            ),
            (
                "Bus pass application",
                "I reach State Pension age next month and would like to apply for a bus pass.",
            ),
            ("Bus pass photo problem", "My renewal letter says my photo was not accepted."),
        ],
        "answers": {},
        "resolutions": ["Your bus pass has been posted to you."],
    },
    "recycling-centre-question": {
        "weight": 4,
        "templates": [
            (
                "Can I take plasterboard to the tip?",
                "We are doing up the kitchen. Can I take plasterboard to the {town} recycling "
                "centre, and is there a charge?",
            ),
            ("Recycling centre opening times", "What time does the {town} tip close on Sundays?"),
            (
                "Taking an old fridge to the tip",
                "Can I bring a fridge freezer to the recycling centre in my car?",
            ),
        ],
        "answers": {},
        "resolutions": ["We have answered your question about the recycling centre."],
    },
    "van-and-trailer-permit": {
        "weight": 2,
        "templates": [
            (
                "Van permit for recycling centre",
                "I have a small van which I use for personal "
                "things only. I need a permit to take garden waste to the tip.",
            ),
            ("Trailer permit please", "Applying for a permit for my box trailer."),
        ],
        "answers": {"vehicle_registration": ["PN19 XKD", "LA68 RTV", "FY21 BNE", "PO17 WZA"]},
        "resolutions": ["We have emailed your van permit."],
    },
    "bulky-waste-collection": {
        "weight": 2,
        "templates": [
            (
                "Collect an old sofa",
                "Please can you collect an old three-piece suite from {road}, {town}?",
            ),
            ("Mattress collection", "How do I get rid of two old mattresses?"),
        ],
        "answers": {},
        "resolutions": [
            "Bulky waste collections are run by your district council: we have "
            "sent you their details."
        ],
    },
    "missed-bin-collection": {
        "weight": 2,
        "templates": [
            ("Bin not emptied on {road}", "Our grey bin was not emptied on {road} this week."),
            ("Recycling missed again", "The blue bin has been missed for the second week."),
        ],
        "answers": {},
        "resolutions": [
            "Bin collections are run by your district council: we have sent you their details."
        ],
    },
    "report-fly-tipping-on-a-road": {
        "weight": 6,
        "templates": [
            (
                "Fly-tipping in lay-by on {road}",
                "Someone has dumped about ten black bags and an old mattress in the lay-by on "
                "{road} outside {town}.",
            ),
            (
                "Rubble dumped on verge, {road}",
                "A pile of building rubble and plasterboard has been tipped on the verge on {road} "
                "near {landmark}. It is partly in the road.",
            ),
            (
                "Tyres dumped on {road}",
                "About twenty tyres have been dumped at the side of {road}.",
            ),
            (
                "Possible asbestos dumped on {road}",
                "Broken corrugated sheets dumped on {road}. They look like asbestos.",
                {"waste_type": "Drums, chemicals or possible asbestos"},
            ),
        ],
        "answers": {"location_detail": ["in the lay-by", "by {landmark}"]},
        "notes": [
            "Cleared by waste crew; bags searched, evidence passed to enforcement.",
            "Specialist contractor booked for asbestos removal.",
        ],
        "resolutions": ["We have cleared the dumped waste on {road}."],
    },
    "report-flooding-from-a-watercourse": {
        "weight": 5,
        "templates": [
            (
                "Brook overflowing on {road}",
                "The brook behind {road} has burst its banks and is flooding the gardens.",
            ),
            (
                "Stream flooding into the house, {road}",
                "The stream that runs under {road} is blocked and water is coming into the house "
                "under the back door. The kitchen is under 5cm of water.",
                {"water_inside": True, "source": "A stream or brook"},
            ),
            (
                "Culvert blocked near {landmark}",
                "The grid over the culvert near {landmark} on {road} is blocked with branches.",
            ),
        ],
        "answers": {"location_detail": ["behind number {house}", "by {landmark}"]},
        "notes": [
            "Flood risk officer visited; trash screen cleared by contractor.",
            "Property flooded internally: section 19 investigation opened.",
        ],
        "resolutions": ["We have cleared the blockage and will monitor the watercourse."],
    },
    "report-flooding-on-a-road": {
        "weight": 4,
        "templates": [
            ("Flooding on {road}", "{road} floods every time it rains heavily near {landmark}."),
            (
                "Road under water at {road}",
                "Water is across both lanes of {road} in {town}. Cars are getting stuck.",
                {"passable": "No, the road is blocked"},
            ),
        ],
        "answers": {"location_detail": ["by {landmark}", "at the dip near {landmark}"]},
        "notes": ["Flood signs put out. Drainage survey requested."],
        "resolutions": ["We have cleared the drainage on {road}."],
    },
    "ordinary-watercourse-consent": {
        "weight": 1,
        "templates": [
            (
                "Consent to culvert ditch at {road}",
                "We want to pipe 6 metres of the ditch at "
                "the front of our property on {road} to make an access.",
            ),
        ],
        "answers": {},
        "notes": ["Fee received; awaiting drawings."],
        "resolutions": ["We have granted consent, with conditions."],
    },
    "report-a-right-of-way-obstruction": {
        "weight": 4,
        "templates": [
            (
                "Footpath blocked by locked gate near {town}",
                "The public footpath from {road} across the fields has a new locked gate with "
                "barbed wire over it.",
            ),
            (
                "Bridleway overgrown off {road}",
                "The bridleway from the end of {road} is completely overgrown with brambles.",
            ),
            (
                "Field ploughed over footpath",
                "The footpath across the field behind {road} has been ploughed and not reinstated.",
            ),
        ],
        "answers": {"path_number": ["Lancaster FP 14", "Chorley FP 7", "Ribble Valley BW 3", ""]},
        "notes": [
            "Landowner contacted; gate to be unlocked.",
            "Notice served on landowner to reinstate path.",
        ],
        "resolutions": ["The path is open again. Thank you for telling us."],
    },
    "report-a-damaged-stile-or-gate": {
        "weight": 2,
        "templates": [
            ("Broken stile off {road}", "The stile on the footpath from {road} has a broken step."),
            (
                "Fingerpost down near {town}",
                "The footpath sign at the end of {road} has fallen over.",
            ),
        ],
        "answers": {"location_detail": ["at the end of {road}", "by {landmark}"]},
        "notes": ["Ranger replaced step."],
        "resolutions": ["We have repaired it."],
    },
    "report-a-concern-about-an-adult": {
        "weight": 3,
        "templates": [
            (
                "Worried about my neighbour",
                "My elderly neighbour on {road} seems to be neglected. The house is very cold and "
                "I have not seen anyone bring food in for days.",
            ),
            (
                "Concern about my aunt's carer",
                "I think my aunt's carer is taking money from her purse. She is 88 and confused.",
            ),
            (
                "Man seems to be being exploited",
                "A vulnerable man on {road} has people staying at his flat who I think are using "
                "it to sell drugs.",
            ),
        ],
        "answers": {},
        "notes": [
            "Duty social worker reviewed; safeguarding enquiry opened.",
            "Welfare visit completed with police.",
        ],
        "resolutions": [
            "Thank you for telling us. We have looked into your concern and taken action."
        ],
    },
    "ask-for-a-care-needs-assessment": {
        "weight": 4,
        "templates": [
            (
                "Help at home for my dad",
                "My dad is 84 and struggling with stairs and washing since his fall.",
            ),
            ("Carer's assessment", "I care for my wife who has dementia and I am exhausted."),
            (
                "Assessment request, worried about neglect",
                "My brother lives alone on {road} and I am worried about neglect: he is not eating "
                "and the flat is in a bad state.",
            ),
        ],
        "answers": {},
        "notes": ["Initial call done; occupational therapy referral made."],
        "resolutions": ["We have completed the assessment and agreed a support plan."],
    },
    "report-a-concern-about-a-child": {
        "weight": 2,
        "templates": [
            (
                "Worried about children next door",
                "The children next door, I think about 6 and 9, seem to be left on their own most "
                "evenings. I hear them crying late at night.",
            ),
            (
                "Concern about a pupil",
                "I am a sports coach and a child in my group has told me "
                "something worrying about home.",
            ),
        ],
        "answers": {},
        "notes": ["MASH screening completed; referred to early help."],
        "resolutions": ["Thank you for telling us. We have looked into your concern."],
    },
    "early-help-for-families": {
        "weight": 2,
        "templates": [
            (
                "Support with my son's behaviour",
                "My son is 11 and his behaviour at home has got very difficult since his dad left.",
            ),
            (
                "Family hub support",
                "We have just moved to {town} and need help with money and nursery.",
            ),
        ],
        "answers": {},
        "notes": ["Family support worker allocated."],
        "resolutions": ["A family support worker is now working with you."],
    },
    "school-admissions-question": {
        "weight": 5,
        "templates": [
            (
                "In-year school place in {town}",
                "We are moving to {road}, {town} next month. How do I apply for a place at the "
                "local primary?",
            ),
            ("Waiting list position", "How far up the waiting list is my daughter for St Mary's?"),
            ("School appeal deadline", "When is the deadline to appeal our secondary offer?"),
        ],
        "answers": {"child_year_group": ["Year 3", "Year 6", "Reception", "Year 9"]},
        "notes": ["Application logged; offer letter to follow."],
        "resolutions": ["We have answered your admissions question."],
    },
    "apply-for-home-to-school-transport": {
        "weight": 4,
        "templates": [
            (
                "School transport application",
                "My son starts at {town} High School in September. "
                "We live 4 miles away and there is no bus.",
            ),
            (
                "Transport for child with SEND",
                "My daughter has an EHCP and needs transport to her special school.",
            ),
        ],
        "answers": {
            "school_name": [
                "{town} High School",
                "St Cuthbert's RC Primary",
                "Moorside Academy",
                "Brookfield Special School",
            ],
            "start_date": ["{soon}"],
        },
        "notes": ["Distance checked: 3.9 miles. Eligible."],
        "resolutions": ["Your child is eligible for school transport. A pass is in the post."],
    },
    "apply-for-free-school-meals": {
        "weight": 2,
        "templates": [
            ("Free school meals application", "I have just started getting Universal Credit."),
        ],
        "answers": {},
        "resolutions": ["Your child is eligible for free school meals from Monday."],
    },
    "school-term-dates": {
        "weight": 1,
        "templates": [("Half term dates", "When is February half term this year?")],
        "answers": {},
        "resolutions": ["We have sent you the term dates."],
    },
    "library-membership": {
        "weight": 3,
        "templates": [
            ("Joining the library", "How do I join the library and can I get eBooks?"),
            ("Forgotten library PIN", "I have forgotten the PIN for my library card."),
            ("Library card for my baby", "Can my 6 month old have a library card?"),
        ],
        "answers": {},
        "resolutions": ["We have sent you information about library membership."],
    },
    "lost-or-damaged-library-item": {
        "weight": 2,
        "templates": [
            ("Dog chewed library book", "Our dog has chewed the corner of a library book."),
            ("Lost library book", "I think I left a library book on the bus."),
        ],
        "answers": {},
        "resolutions": ["We have removed the item from your account; a £7.99 charge applies."],
    },
    "local-history-enquiry": {
        "weight": 1,
        "templates": [
            (
                "History of a house on {road}",
                "Do you have old maps or records for {road}, {town}? Our house is dated 1860.",
            ),
            (
                "Family history: baptism records",
                "I am looking for my great-grandmother's baptism in {town} in about 1890.",
            ),
        ],
        "answers": {},
        "resolutions": ["Our archivist has sent you what we found."],
    },
    "book-a-birth-registration": {
        "weight": 4,
        "templates": [
            (
                "Register our baby's birth",
                "Our baby girl was born at Royal Preston Hospital. We would like an appointment.",
            ),
            (
                "Birth registration appointment",
                "Please can we book to register our son's birth at Lancaster?",
            ),
        ],
        "answers": {},
        "resolutions": ["Your appointment is booked. We look forward to seeing you."],
    },
    "book-a-death-registration": {
        "weight": 2,
        "templates": [
            (
                "Register my father's death",
                "My father died at home yesterday. The GP has issued the certificate.",
            ),
            ("Death registration appointment", "I need to register my mum's death."),
        ],
        "answers": {},
        "resolutions": ["Your appointment is booked. We are sorry for your loss."],
    },
    "order-a-certificate": {
        "weight": 3,
        "templates": [
            (
                "Copy of birth certificate",
                "I need a copy of my birth certificate for a passport application.",
            ),
            (
                "Marriage certificate copy",
                "Please send a copy of our marriage certificate. We "
                "married at {town} register office.",
            ),
        ],
        "answers": {
            "registered_name": ["{name}"],
            "event_date": ["1987-06-13", "2009-08-22", "1964-03-02", "2015-05-30"],
        },
        "resolutions": ["Your certificate has been posted."],
    },
    "give-notice-of-marriage": {
        "weight": 1,
        "templates": [
            (
                "Notice of marriage",
                "We are getting married in June at a venue near {town}. When can we give notice?",
            )
        ],
        "answers": {},
        "resolutions": ["Your notice appointment is booked."],
    },
    "trading-standards-consumer-complaint": {
        "weight": 3,
        "templates": [
            (
                "Faulty car from dealer",
                "The used car I bought from a dealer in {town} broke "
                "down after a week and they will not help.",
            ),
            (
                "Counterfeit goods at market",
                "A stall at {town} market is selling fake designer trainers.",
            ),
            (
                "Online shop not delivering",
                "I paid for a sofa 3 months ago and it has not "
                "arrived. The company does not answer.",
            ),
        ],
        "answers": {
            "trader_name": ["Northmoor Motors Ltd", "Quick Sofas Direct", "Market stall"],
            "amount_paid": ["£3,450", "£899", "£60"],
        },
        "resolutions": [
            "We have recorded your report and sent you the Citizens Advice "
            "consumer helpline details."
        ],
    },
    "report-doorstep-crime": {
        "weight": 2,
        "templates": [
            (
                "Rogue roofers on {road}",
                "Men in a white van told my neighbour on {road} her roof "
                "was loose and charged £4,000 for a day's work.",
            ),
            (
                "Cold callers on {road} right now",
                "Two men are going door to door on {road} "
                "offering driveway work. They are still there.",
            ),
        ],
        "answers": {},
        "notes": ["Officer attended with police; trader advised and money being recovered."],
        "resolutions": ["We have dealt with the trader. Thank you for reporting it."],
    },
    "report-underage-sales": {
        "weight": 1,
        "templates": [
            ("Vapes sold to teenagers", "The shop on {road} is selling vapes to school children.")
        ],
        "answers": {},
        "resolutions": ["Thank you: we will use this to plan test purchases."],
    },
    "apply-for-a-blue-badge": {
        "weight": 5,
        "templates": [
            ("Blue Badge application", "I have COPD and cannot walk more than 50 metres."),
            ("Blue Badge renewal", "My badge runs out next month. I get PIP."),
            (
                "Blue Badge for my son",
                "My son is 4 and has autism; he has no sense of danger near roads.",
            ),
        ],
        "answers": {},
        "notes": ["Evidence requested from GP.", "Mobility assessment booked."],
        "resolutions": ["Your Blue Badge application has been approved."],
    },
    "report-blue-badge-misuse": {
        "weight": 1,
        "templates": [
            (
                "Blue Badge misuse at {landmark}",
                "The same car parks in the disabled "
                "bay at {landmark} every day with a badge but the badge holder is never "
                "with them.",
            )
        ],
        "answers": {"vehicle_registration": ["PK16 HYT", "BL20 FRA"]},
        "resolutions": ["Thank you: our counter fraud team is investigating."],
    },
    "complaint-about-a-council-service": {
        "weight": 4,
        "templates": [
            (
                "Complaint: pothole not fixed",
                "I reported the pothole on {road} two months ago and nothing has happened.",
            ),
            (
                "Complaint about recycling centre staff",
                "A member of staff at the {town} tip was very rude to me.",
            ),
            (
                "Complaint: school transport late",
                "The school taxi has been late every day this week.",
            ),
        ],
        "answers": {
            "outcome_wanted": ["Fix it and explain why it took so long.", "An apology.", ""]
        },
        "notes": ["Stage 1 investigation: service manager asked for response."],
        "resolutions": ["We have investigated your complaint and sent you our response."],
    },
    "give-a-compliment": {
        "weight": 2,
        "templates": [
            (
                "Thank you to the gritting crews",
                "Thank you to the gritter drivers who kept {road} open during the snow.",
            ),
            (
                "Great help at the library",
                "The staff at {town} library helped me apply for my "
                "pension online. They were so patient.",
            ),
        ],
        "answers": {},
        "resolutions": ["Thank you: we have passed your compliment on."],
    },
    "freedom-of-information-request": {
        "weight": 2,
        "templates": [
            (
                "FOI: pothole compensation claims",
                "Please tell me how many pothole compensation "
                "claims you received in each of the last 3 years.",
            ),
            (
                "FOI: spending on agency social workers",
                "Please provide total spending on agency social workers in 2024-25.",
            ),
        ],
        "answers": {},
        "resolutions": ["We have sent you the information you asked for."],
    },
    "subject-access-request": {
        "weight": 1,
        "templates": [
            (
                "Subject access request",
                "Please send me all the information you hold "
                "about me, including my social care records.",
            )
        ],
        "answers": {},
        "resolutions": ["We have sent you your records securely."],
    },
}

# Emails that arrive in the general mailbox with no service chosen: triage, or a rule places them.
UNSORTED_EMAILS: list[dict[str, Any]] = [
    {
        "summary": "Formal complaint about the roadworks on {road}",
        "description": "I wish to make a formal complaint. The temporary lights on {road} have "
        "been there for six weeks with nobody working.",
    },
    {
        "summary": "Complaint about how my mum's care was handled",
        "description": "I am complaining about the way my mum's care package was arranged after "
        "she came out of hospital.",
    },
    {
        "summary": "Question about my council tax",
        "description": "Why has my council tax gone up this year?",
        "district_matter": True,
    },
    {
        "summary": "Noise from the pub on {road}",
        "description": "The pub on {road} plays loud music until 2am every weekend.",
        "district_matter": True,
    },
    {
        "summary": "Planning application next door",
        "description": "How do I object to my neighbour's extension?",
        "district_matter": True,
    },
    {
        "summary": "Bus shelter glass smashed on {road}",
        "description": "The glass in the bus shelter near {landmark} on {road} has been smashed "
        "and is all over the pavement.",
        "transfer_to": "highways",
    },
    {
        "summary": "Footpath sign missing near {town}",
        "description": "The footpath sign at the end of {road} has gone, and walkers keep getting "
        "lost in the fields.",
        "transfer_to": "countryside",
    },
]
DISTRICT_MATTER_REPLY = (
    "This is dealt with by your district council, not the county council. We have sent you "
    "their contact details."
)

DEPARTMENT_NOTES = [
    "Called the resident to confirm details.",
    "Checked previous cases at this location: none open.",
    "Waiting for a contractor's date.",
]
# What an officer asks, and what the resident says back; "place" questions suit location reports.
AWAITING_QUESTIONS: list[dict[str, Any]] = [
    {
        "place": True,
        "ask": "Could you send us a photo, and tell us exactly where it is?",
        "reply": "Photo attached. It is directly outside number {house}.",
    },
    {
        "place": True,
        "ask": "Please can you confirm the nearest house number or landmark?",
        "reply": "It is right by {landmark}.",
    },
    {
        "place": False,
        "ask": "We need a copy of proof of address before we can go ahead.",
        "reply": "I have attached a recent council tax bill.",
    },
    {
        "place": False,
        "ask": "Could you tell us a good time to call you back?",
        "reply": "Any weekday after 2pm is fine.",
    },
]
CHASERS = [
    "Resident rang for an update.",
    "Any news on this? It is still a problem.",
    "I reported this weeks ago and have heard nothing.",
]
REOPEN_REASONS = [
    "The problem has come back.",
    "The repair has not lasted: it is as bad as before.",
    "I have not had the answer you said you had sent.",
]
