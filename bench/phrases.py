"""Small phrase banks for the synthetic web and the synthetic clinic records.

All sentences are written for the benchmark (none come from the reference corpus). They are
templates with {slots}, so pages differ from site to site while each modality keeps the cues
the classifier reads: in-house therapists for kap, an outside therapist for
adjunctive-referral, medical routes only for infusion-only, vague wording for unclear, and an
article's voice for not-a-provider.
"""

from __future__ import annotations

MODALITY_WEIGHTS = {
    "kap": 0.25,
    "adjunctive-referral": 0.2,
    "infusion-only": 0.3,
    "unclear": 0.1,
    "not-a-provider": 0.15,
}

NAME_FIRST = (
    "Cedar", "Juniper", "Harbor", "Summit", "Willow", "Riverstone", "Lakeside", "Prairie", "Canyon",
    "Bluebird", "Northstar", "Evergreen", "Meadow", "Granite", "Copper", "Sunrise", "Tidewater",
    "Highland", "Aspen", "Magnolia", "Oakridge", "Stillwater", "Clearwater", "Redwood", "Silverleaf",
    "Blue Heron", "Foxglove", "Larkspur", "Sandstone", "Pinecrest", "Driftwood", "Kestrel",
)  # fmt: skip
NAME_SECOND = {
    "kap": ("Ketamine Psychotherapy", "Psychedelic Therapy Collective", "Counseling & KAP", "Therapy Center"),
    "adjunctive-referral": ("Ketamine Clinic", "Ketamine & Wellness", "Mood Clinic", "Infusion Partners"),
    "infusion-only": ("Ketamine Infusions", "Infusion Center", "Ketamine Clinic", "IV Ketamine"),
    "unclear": ("Wellness", "Integrative Health", "Health Studio", "Family Medicine"),
    "not-a-provider": ("Mind Journal", "Mental Health News", "Research Digest", "Brain Health Review"),
}
FIRST_NAMES = (
    "Alicia", "Marcus", "Priya", "Daniel", "Rosa", "Owen", "Hannah", "Tobias", "Leah", "Grant",
    "Naomi", "Victor", "Celia", "Andre", "Ingrid", "Felix", "Maya", "Jonah", "Rhea", "Silas",
)  # fmt: skip
LAST_NAMES = (
    "Whitfield", "Okafor", "Lindgren", "Castillo", "Brennan", "Takahashi", "Morrow", "Delgado",
    "Harlan", "Vance", "Pruitt", "Nakamura", "Ellery", "Quinlan", "Soto", "Abernathy",
)  # fmt: skip
STREETS = (
    "Main St", "Oak Avenue", "Elm Street", "Park Blvd", "Cedar Lane", "Broadway", "Market Street",
    "Church St", "Hillcrest Dr", "Commerce Way", "Riverside Drive", "Maple Ave", "Lincoln Rd",
)  # fmt: skip
THERAPIST_CREDENTIALS = ("LCSW", "LPC", "LMFT", "PsyD", "PhD")
PRESCRIBER_CREDENTIALS = ("MD", "DO", "PMHNP", "CRNA")

CONDITION_WORDS = {
    "depression": "depression",
    "anxiety": "anxiety",
    "ptsd": "PTSD",
    "ocd": "OCD",
    "bipolar": "bipolar depression",
    "chronic-pain": "chronic pain",
    "suicidal-ideation": "suicidal thoughts",
    "migraine": "migraine",
    "fibromyalgia": "fibromyalgia",
    "substance-use": "substance use",
    "eating-disorder": "eating disorders",
}

# Explainers: every kind of site has them; they describe ketamine, not the provider.
EXPLAINERS = (
    "Ketamine was developed as an anesthetic decades ago and is still used in operating rooms today.",
    "Researchers continue to study how ketamine acts on glutamate signalling in the brain.",
    "Some people notice a shift in mood within hours or days rather than weeks.",
    "Mild dizziness or nausea can happen and usually fades soon after a session ends.",
    "Ketamine is thought to help the brain form new connections, sometimes called neuroplasticity.",
    "Esketamine is a related molecule that is given as a nasal spray under medical supervision.",
    "Doses used for mood are far lower than the doses used for surgery.",
    "Not everyone responds, and results vary from person to person.",
)

OFFERS = {
    "kap": (
        "Our licensed therapists prepare you for each ketamine session and stay with you throughout the experience.",
        "We offer ketamine-assisted psychotherapy in individual and group formats here in {city}.",
        "Integration sessions with our therapists help you make sense of what surfaced during the medicine session.",
        "Our team of psychotherapists works alongside a prescribing physician on every treatment plan.",
        "Group KAP sessions meet on {weekday} evenings in our {city} office.",
        "Each journey is guided by a trained therapist from our team who remains in the room with you.",
        "We provide preparation sessions, a dosing session with sublingual lozenges, and integration therapy.",
        "Our clinicians lead a six-week KAP program for {condition} and {condition2}.",
    ),
    "adjunctive-referral": (
        "We administer ketamine infusions and work closely with your therapist to support lasting change.",
        "After your infusion series you return to your referring provider for ongoing psychotherapy.",
        "Patients must be under the care of a licensed therapist before starting treatment with us.",
        "We do not offer psychotherapy; we coordinate with your existing mental health provider instead.",
        "Our nurses keep in touch with your therapist throughout the series of infusions.",
        "We offer IV ketamine for {condition} and send a summary to the clinician who referred you.",
        "Your own therapist remains at the centre of your care while we provide the medical treatment.",
    ),
    "infusion-only": (
        "We offer IV ketamine infusions in a calm, medically supervised setting in {city}.",
        "Our anesthesiologists administer each infusion and monitor your vital signs the entire time.",
        "We also provide Spravato esketamine nasal spray at our {city} clinic.",
        "A typical series is six infusions over two to three weeks, followed by boosters as needed.",
        "Intramuscular ketamine injections are available for patients who prefer not to have an IV.",
        "We treat {condition}, {condition2} and {condition3} with physician-supervised ketamine infusions.",
        "Our infusion suites have reclining chairs, warm blankets and noise-cancelling headphones.",
    ),
    "unclear": (
        "Ketamine may be an option for some people who have not found relief elsewhere.",
        "Ketamine treatment is one of the options we offer at our {city} practice.",
        "Ask us whether ketamine could fit into your wellness plan.",
        "We believe in whole-person care and take time to listen to every patient.",
        "Call our office to learn more about the treatments we discuss with patients.",
        "Our providers stay current with new approaches to {condition}.",
    ),
    "not-a-provider": (
        "This article explains what current research says about ketamine for {condition}.",
        "Our writers interviewed several clinicians about the rise of ketamine clinics across the country.",
        "This content is for educational purposes and is not medical advice.",
        "According to a study published in a psychiatric journal, response rates varied widely.",
        "Listen to this week's podcast episode on psychedelic medicine and {condition}.",
        "The research team followed study participants for six months after treatment.",
    ),
}

CONDITION_SENTENCES = (
    "We treat {condition}, {condition2} and {condition3}.",
    "Ketamine care here is most often sought for {condition} and {condition2}.",
    "Conditions we help with include {condition} and {condition2}.",
)
GENERAL = (
    "Our {city} office is a short walk from public transit and has free parking behind the building.",
    "We keep our schedule flexible, with early morning and evening appointments most weeks.",
    "Every first visit starts with a conversation about your history, your goals and your questions.",
    "We accept several insurance plans for consultations and provide superbills for the rest.",
    "Comfort matters: rooms are quiet, lighting is soft and you can bring a favourite playlist.",
    "We take privacy seriously and never share your information without your written consent.",
    "Friends and family are welcome in the waiting room, and a ride home is required after treatment.",
    "Questions about cost, timing or safety are welcome at any point, before or after you begin.",
)
TESTIMONIALS = (
    "I finally felt like myself again after years of trying everything else.",
    "The staff were kind and patient and explained each step before it happened.",
    "It was not a miracle, but it gave me enough room to start doing the work.",
    "The space felt calm and I never felt rushed or judged.",
    "My partner noticed the difference before I did.",
)
FAQ = (
    ("How long does a visit take?", "Most visits take between one and two hours including time to rest afterwards."),
    ("Can I drive home?", "No. Please arrange a ride, since coordination can be affected for the rest of the day."),
    ("Is ketamine addictive?", "At the doses used here the risk is low, and it is checked at every visit."),
    ("Do I need a referral?", "A referral helps but is not always needed; we review your records at consultation."),
    ("What should I eat beforehand?", "Avoid food for four hours and clear liquids for two hours before you arrive."),
    ("Will insurance pay for it?", "Coverage varies; we give you the paperwork to ask your plan for reimbursement."),
)
PRICES = (
    "A single session is ${price}, and a series of six is ${series}.",
    "Consultations cost ${consult} and are credited toward your first treatment.",
    "We offer a sliding scale for a limited number of patients each month.",
)
BLOG_TITLES = (
    "What to expect in your first weeks",
    "Five questions to ask before starting ketamine",
    "Why integration matters",
    "Ketamine and the science of mood",
    "Preparing for a calm session",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Saturday")
