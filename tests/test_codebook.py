"""The incident taxonomy as data (data/codebook.yaml): one sentence of our own per definition, and the loaders."""
import pytest

from ceasefire.extract import extract_text
from ceasefire.extract.lexicon import LIST_KEYS, load_lexicon
from ceasefire.extract.taxonomy import codebook, load_codebook

# One sentence per type of the codebook, written for this test, with the ACLED sub-event type it must give.
DEFINITIONS = {
    "intercept": ("Ukrainian air defence shot down nine Russian drones over Poltava region.", "Disrupted weapons use"),
    "settlement_captured": ("Russian forces captured the village of Novopil after heavy fighting.",
                            "Non-state actor overtakes territory"),
    "withdrawal": ("Ukrainian troops entered Kozacha Lopan after Russian units withdrew from it without a fight.",
                   "Non-violent transfer of territory"),
    "base_established": ("Russian forces set up a headquarters in a school in Hola Prystan.",
                         "Headquarters or base established"),
    "agreement": ("Russia and Ukraine carried out a prisoner exchange near the Belarusian border.", "Agreement"),
    "protest": ("Residents of Kherson held a rally against the occupation.", "Peaceful protest"),
    "abduction": ("Russian soldiers took a teacher from her home in Nova Kakhovka to an unknown location.",
                  "Abduction/forced disappearance"),
    "civilian_harm": ("A Russian soldier shot dead a cyclist on the road outside Bucha.", "Attack"),
    "arrest": ("The SBU arrested a man in Lviv who was passing coordinates to Russian intelligence.", "Arrests"),
    "armed_clash": ("Russian and Ukrainian forces clashed near Robotyne.", "Armed clash"),
    "grenade": ("A soldier threw a hand grenade into a checkpoint shelter near Avdiivka.", "Grenade"),
    "remote_explosive": ("A civilian car ran over a landmine near Izium.", "Remote explosive/landmine/IED"),
    "air_strike": ("Russian aircraft dropped glide bombs on Kupiansk.", "Air/drone strike"),
    "drone_strike": ("A Ukrainian FPV drone hit a Russian truck near Oleshky.", "Air/drone strike"),
    "missile_strike": ("Russian forces struck Dnipro with an Iskander missile.", "Shelling/artillery/missile attack"),
    "shelling": ("Russian artillery shelled Nikopol on Monday.", "Shelling/artillery/missile attack"),
    "ceasefire_violation": ("Russia said Ukraine violated the ceasefire near Hornal on Monday.", None),
    "property_destruction": ("Russian soldiers looted shops and homes in Trostianets.",
                             "Looting/property destruction"),
    "group_activity": ("Movement of forces: Russian forces redeployed two brigades from Kherson to Zaporizhia.",
                       "Change to group/activity"),
    "other_development": ("Ukrainian investigators found a mass grave near Izium.", "Other"),
}


def test_codebook_every_type_has_a_definition_and_a_test_sentence():
    assert set(codebook().types) - {"generic"} == set(DEFINITIONS)
    for entry in codebook().types.values():
        assert len(entry.definition) > 20


@pytest.mark.parametrize("kind", sorted(DEFINITIONS))
def test_codebook_definition(kind):
    text, sub = DEFINITIONS[kind]
    inc = extract_text(text, "2024-06-10").incidents[0]
    assert inc.acled_sub_event_type == sub, (kind, inc.type)


def test_codebook_loader_refuses_bad_data():
    good = {"types": {"shelling": {"acled": ["E", "S"], "definition": "Guns fire.", "strength": 1,
                                   "cues": ["shelled"]}}, "note_labels": {}, "weapons": {}}
    assert load_codebook(good).types["shelling"].cues.search("They shelled it")
    with pytest.raises(ValueError, match="bad cue pattern"):
        load_codebook({**good, "types": {"x": {**good["types"]["shelling"], "cues": ["(unclosed"]}}})
    with pytest.raises(ValueError, match="unknown types"):
        load_codebook({**good, "note_labels": {"raid": "nonexistent"}})


def test_lexicon_loader_refuses_two_stances_for_one_verb():
    lists = {k: [] for k in LIST_KEYS}
    assert load_lexicon({"speech_verbs": {"assert": ["say"]}, **lists}).stance_of("say") == "assert"
    with pytest.raises(ValueError, match="two stances"):
        load_lexicon({"speech_verbs": {"assert": ["say"], "deny": ["say"]}, **lists})
    with pytest.raises(ValueError, match="lacks"):
        load_lexicon({"speech_verbs": {}})
