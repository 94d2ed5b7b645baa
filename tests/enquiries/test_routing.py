"""Routing rules: pure decisions, no Django, no database."""

import pytest

from enquiries.routing import (
    CaseFacts,
    Decision,
    RuleSpec,
    decide,
    keyword_matches,
    normalise_text,
    validate_rule,
)


def facts(**kwargs):
    defaults = {
        "service_slug": "highways",
        "text": "",
        "postcode_district": "PR1",
        "channel": "web",
        "resident_flags": frozenset(),
    }
    defaults.update(kwargs)
    return CaseFacts(**defaults)


def rule(id=1, order=10, **kwargs):
    kwargs.setdefault("name", f"Rule {id}")
    kwargs.setdefault("department_slug", f"dept-{id}")
    return RuleSpec(id=id, order=order, **kwargs)


def route(case, rules, service_department="highways", **kwargs):
    return decide(case, rules, service_department_slug=service_department, **kwargs)


# --- ordering -----------------------------------------------------------------------------


def test_first_match_wins_by_order():
    rules = [
        rule(id=1, order=20, services=frozenset({"highways"})),
        rule(id=2, order=10, services=frozenset({"highways"})),
    ]
    assert route(facts(), rules).rule_id == 2


def test_ties_in_order_broken_by_id():
    rules = [
        rule(id=7, order=10, services=frozenset({"highways"})),
        rule(id=3, order=10, services=frozenset({"highways"})),
    ]
    assert route(facts(), rules).rule_id == 3


def test_disabled_rules_are_skipped():
    rules = [
        rule(id=1, order=1, enabled=False, services=frozenset({"highways"})),
        rule(id=2, order=2, services=frozenset({"highways"})),
    ]
    assert route(facts(), rules).rule_id == 2


def test_non_matching_rule_falls_through_to_next():
    rules = [
        rule(id=1, order=1, services=frozenset({"waste"})),
        rule(id=2, order=2, keywords_any=("pothole",)),
    ]
    decision = route(facts(text="Huge pothole on Church Road"), rules)
    assert decision.rule_id == 2
    assert decision.department_slug == "dept-2"


# --- each condition -----------------------------------------------------------------------


def test_service_condition():
    spec = rule(services=frozenset({"waste", "recycling"}))
    assert route(facts(service_slug="waste"), [spec]).rule_id == 1
    assert route(facts(service_slug="highways"), [spec]).rule_id is None
    assert route(facts(service_slug=None), [spec], service_department=None).rule_id is None


def test_keywords_any_is_or():
    spec = rule(keywords_any=("pothole", "sinkhole"))
    assert route(facts(text="A sinkhole opened up"), [spec]).rule_id == 1
    assert route(facts(text="A pothole opened up"), [spec]).rule_id == 1
    assert route(facts(text="A crack opened up"), [spec]).rule_id is None


def test_keywords_none_excludes():
    spec = rule(keywords_any=("bin",), keywords_none=("commercial", "trade waste"))
    assert route(facts(text="My bin was missed"), [spec]).rule_id == 1
    assert route(facts(text="Commercial bin missed"), [spec]).rule_id is None
    assert route(facts(text="Our trade  waste bin missed"), [spec]).rule_id is None


def test_keywords_none_alone_matches_when_absent():
    spec = rule(keywords_none=("complaint",))
    assert route(facts(text="A question"), [spec]).rule_id == 1
    assert route(facts(text="A COMPLAINT"), [spec]).rule_id is None


def test_channel_condition():
    spec = rule(channels=frozenset({"phone", "face_to_face"}))
    assert route(facts(channel="phone"), [spec]).rule_id == 1
    assert route(facts(channel="web"), [spec]).rule_id is None


def test_resident_flags_all_is_and():
    spec = rule(resident_flags_all=frozenset({"vulnerable", "repeat_contact"}))
    both = frozenset({"vulnerable", "repeat_contact", "assisted_digital"})
    assert route(facts(resident_flags=both), [spec]).rule_id == 1
    assert route(facts(resident_flags=frozenset({"vulnerable"})), [spec]).rule_id is None


def test_all_conditions_must_hold():
    spec = rule(
        services=frozenset({"highways"}),
        keywords_any=("pothole",),
        channels=frozenset({"web"}),
        postcode_districts=frozenset({"PR1"}),
    )
    assert route(facts(text="pothole"), [spec]).rule_id == 1
    assert route(facts(text="pothole", channel="email"), [spec]).rule_id is None
    assert route(facts(text="pothole", postcode_district="PR2"), [spec]).rule_id is None
    assert route(facts(text="crack"), [spec]).rule_id is None


# --- keywords -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keyword", "expected"),
    [
        ("A tree has fallen", "tree", True),
        ("Rubbish in the street", "tree", False),
        ("Trees blocking the path", "tree", False),
        ("Trees blocking the path", "tree*", True),
        ("TREE down!", "tree", True),
        ("The tree's roots", "tree", True),
        ("Water is flooding into house now", "flooding into house", True),
        ("Water is flooding\n into   the house", "flooding into house", False),
        ("Water is Flooding\n into   House", "flooding into house", True),
        ("Flooding, into house", "flooding into house", True),
        ("Floods everywhere", "flood*", True),
        ("Flooded kitchen", "flood*", True),
        ("flood", "flood*", True),
        ("Overflooding", "flood*", False),
        ("Rain is flooding", "rain is flood*", True),
        ("Rain was flooding", "rain is flood*", False),
        ("Fly-tipping on the verge", "fly tipping", True),
        ("Fly tipping on the verge", "fly-tipping", True),
        ("Flytipping on the verge", "fly-tipping", False),
        ("ＦＬＯＯＤ in full-width letters", "flood", True),
        ("STRASSE", "straße", True),
        ("Café on fire", "café", True),
        ("", "flood", False),
        ("flood", "", False),
        ("flood", "***", False),
    ],
)
def test_keyword_matching(text, keyword, expected):
    assert keyword_matches(text, keyword) is expected


def test_normalise_text():
    assert normalise_text("ＦＬＯＯＤ Straße") == "flood strasse"


# --- postcodes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("district", "configured", "expected"),
    [
        ("PR1", {"PR1"}, True),
        ("PR1", {"PR2"}, False),
        ("PR11", {"PR1"}, False),
        ("PR1", {"PR"}, True),
        ("PR26", {"PR"}, True),
        ("P1", {"PR"}, False),
        ("L1", {"L"}, True),
        ("LA1", {"L"}, False),
        ("LA1", {"LA"}, True),
        ("pr1", {"PR1"}, True),
        ("PR1", {"pr"}, True),
        ("PR1 2AB", {"PR1"}, True),  # a whole postcode slipped through
        (None, {"PR"}, False),
        ("", {"PR"}, False),
        ("PR1", {"BB", "PR1"}, True),
    ],
)
def test_postcode_conditions(district, configured, expected):
    spec = rule(postcode_districts=frozenset(configured))
    decision = route(facts(postcode_district=district), [spec])
    assert (decision.rule_id == 1) is expected


def test_postcode_area_reason_mentions_area():
    decision = route(facts(postcode_district="PR5"), [rule(postcode_districts=frozenset({"PR"}))])
    assert decision.matched_on == ("postcode district PR5 (area PR)",)


# --- fallbacks ----------------------------------------------------------------------------


def test_no_match_goes_to_service_department():
    decision = route(facts(), [rule(services=frozenset({"waste"}))])
    assert decision == Decision(
        rule_id=None,
        rule_name=None,
        department_slug="highways",
        priority=None,
        ack_template=None,
        auto_resolve=False,
        standard_answer="",
        reason="No rule matched: sent to the service's department (highways)",
        matched_on=(),
    )


def test_no_match_reason_uses_department_name_when_given():
    decision = route(facts(), [], department_names={"highways": "Highways"})
    assert decision.reason == "No rule matched: sent to the service's department (Highways)"


def test_no_match_and_no_service_goes_to_triage():
    decision = route(facts(service_slug=None), [], service_department=None)
    assert decision.department_slug == "triage"
    assert decision.reason == "No rule matched and no service: sent to the triage queue"


def test_custom_triage_slug():
    decision = route(
        facts(service_slug=None), [], service_department=None, triage_department_slug="contact"
    )
    assert decision.department_slug == "contact"


def test_service_without_department_goes_to_triage():
    decision = route(facts(service_slug="misc"), [], service_department=None)
    assert decision.department_slug == "triage"
    assert "service misc has no department" in decision.reason


def test_rule_without_department_keeps_its_actions_but_uses_service_department():
    spec = rule(
        keywords_any=("urgent",), department_slug=None, priority="urgent", ack_template="ack-urgent"
    )
    decision = route(facts(text="This is urgent"), [spec], department_names={"highways": "Roads"})
    assert decision.rule_id == 1
    assert decision.department_slug == "highways"
    assert decision.priority == "urgent"
    assert decision.ack_template == "ack-urgent"
    assert "service's (Roads)" in decision.reason


def test_rule_without_department_and_no_service_goes_to_triage():
    spec = rule(channels=frozenset({"phone"}), department_slug="", priority="high")
    decision = route(facts(service_slug=None, channel="phone"), [spec], service_department=None)
    assert decision.department_slug == "triage"
    assert decision.priority == "high"
    assert "triage queue" in decision.reason


# --- reasons ------------------------------------------------------------------------------


def test_reason_names_rule_and_matched_conditions():
    spec = RuleSpec(
        id=4,
        name="Flooding – urgent words",
        order=1,
        services=frozenset({"flooding-drainage"}),
        keywords_any=("sewage", "flooding into house"),
        postcode_districts=frozenset({"PR1"}),
        department_slug="drainage",
        priority="urgent",
    )
    decision = route(
        facts(service_slug="flooding-drainage", text="Water is FLOODING into house!"),
        [spec],
    )
    assert decision.reason == (
        'Rule "Flooding – urgent words" (#4) matched: service is flooding-drainage; '
        'text mentions "flooding into house"; postcode district PR1'
    )
    assert decision.matched_on == (
        "service is flooding-drainage",
        'text mentions "flooding into house"',
        "postcode district PR1",
    )
    assert (decision.rule_id, decision.rule_name) == (4, "Flooding – urgent words")
    assert (decision.department_slug, decision.priority) == ("drainage", "urgent")


def test_reason_shows_word_that_matched_a_wildcard():
    decision = route(facts(text="Floods again"), [rule(keywords_any=("flood*",))])
    assert decision.matched_on == ('text mentions "floods" (flood*)',)


def test_reason_mentions_exclusions_channel_and_flags():
    spec = rule(
        keywords_none=("trade",),
        channels=frozenset({"phone"}),
        resident_flags_all=frozenset({"vulnerable"}),
    )
    decision = route(
        facts(channel="phone", resident_flags=frozenset({"vulnerable", "repeat_contact"})), [spec]
    )
    assert decision.matched_on == (
        'text does not mention "trade"',
        "channel is phone",
        "resident is flagged vulnerable",
    )


def test_reason_for_catch_all_rule():
    decision = route(facts(), [rule(name="Everything")])
    assert decision.reason.startswith('Rule "Everything" (#1) matched: it has no conditions')


# --- auto-resolve -------------------------------------------------------------------------


def test_auto_resolve_with_answer():
    spec = rule(keywords_any=("opening hours",), auto_resolve=True, standard_answer="9 to 5.")
    decision = route(facts(text="What are your opening hours?"), [spec])
    assert decision.auto_resolve is True
    assert decision.standard_answer == "9 to 5."


@pytest.mark.parametrize("answer", ["", "   \n"])
def test_auto_resolve_without_answer_is_not_auto(answer):
    spec = rule(keywords_any=("opening hours",), auto_resolve=True, standard_answer=answer)
    decision = route(facts(text="opening hours"), [spec])
    assert decision.auto_resolve is False
    assert decision.standard_answer == ""
    assert decision.department_slug == "dept-1"
    assert "no standard answer" in decision.reason


def test_unknown_priority_at_decision_time_is_dropped_with_reason():
    decision = route(facts(), [rule(priority="critical")])
    assert decision.priority is None
    assert 'unknown priority "critical"' in decision.reason


def test_priority_is_normalised():
    assert route(facts(), [rule(priority=" High ")]).priority == "high"


# --- construction conveniences ------------------------------------------------------------


def test_specs_and_facts_accept_lists_and_sets():
    spec = RuleSpec(
        id=1,
        name="x",
        order=1,
        services=["highways"],
        keywords_any=["pothole"],
        channels="web",
        department_slug="roads",
    )
    assert spec.services == frozenset({"highways"})
    assert spec.keywords_any == ("pothole",)
    assert spec.channels == frozenset({"web"})
    case = CaseFacts("highways", "pothole", "PR1", "web", {"vulnerable"})
    assert case.resident_flags == frozenset({"vulnerable"})
    assert route(case, [spec]).rule_id == 1
    hash(spec), hash(case)


def test_decide_accepts_any_sequence_and_does_not_mutate():
    rules = (rule(id=2, order=2), rule(id=1, order=1))
    assert route(facts(), rules).rule_id == 1
    assert [r.id for r in rules] == [2, 1]


# --- validate_rule ------------------------------------------------------------------------


def test_valid_rule_has_no_problems():
    spec = rule(
        services=frozenset({"highways"}),
        keywords_any=("pothole", "flood*"),
        postcode_districts=frozenset({"PR1", "PR", "L", "EC1A", "M1"}),
        channels=frozenset({"web", "face_to_face"}),
        priority="high",
    )
    assert validate_rule(spec) == []


def test_validate_auto_resolve_without_answer():
    problems = validate_rule(rule(keywords_any=("x",), auto_resolve=True, standard_answer=" "))
    assert any("standard answer" in p for p in problems)


def test_validate_unknown_priority():
    problems = validate_rule(rule(keywords_any=("x",), priority="critical"))
    assert any('Unknown priority "critical"' in p for p in problems)


def test_validate_empty_rule_warns():
    problems = validate_rule(rule())
    assert any(p.startswith("Warning:") and "matches every case" in p for p in problems)


def test_validate_rule_with_no_actions_warns():
    problems = validate_rule(rule(keywords_any=("x",), department_slug=None))
    assert any(p.startswith("Warning:") and "changes nothing" in p for p in problems)


@pytest.mark.parametrize("bad", ["PR1 2AB", "123", "PRR1", "P-1", "", "PR1AA"])
def test_validate_malformed_postcode_district(bad):
    problems = validate_rule(rule(postcode_districts=frozenset({bad})))
    assert any("Postcode district" in p and "not valid" in p for p in problems)


def test_validate_unknown_channel():
    problems = validate_rule(rule(channels=frozenset({"fax"})))
    assert any('Unknown channel "fax"' in p for p in problems)


def test_validate_keyword_problems():
    problems = validate_rule(rule(keywords_any=("", "!!!", "fl*od", "a*")))
    assert any("empty keyword" in p for p in problems)
    assert any('"!!!" has no letters' in p for p in problems)
    assert any('"fl*od"' in p and "only allowed once, at the end" in p for p in problems)
    assert any(p.startswith("Warning:") and '"a*"' in p for p in problems)


def test_validate_keyword_both_wanted_and_excluded():
    problems = validate_rule(rule(keywords_any=("Flood",), keywords_none=("flood",)))
    assert any("both a keyword and an excluded word" in p for p in problems)


def test_validate_name_required():
    problems = validate_rule(rule(name=" ", keywords_any=("x",)))
    assert any("needs a name" in p for p in problems)
