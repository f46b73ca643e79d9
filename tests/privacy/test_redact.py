"""Personal data found on the text as Whisper writes it (spoken digits, spoken addresses, spelled
names), tagged in the transcript and its words, with evidence that never holds a value."""

from __future__ import annotations

import json

import pytest

from linguaflow.privacy import detect, redact, spoken
from linguaflow.speech.types import Segment, Transcript


@pytest.mark.parametrize(("said", "written"), [
    ("My number is five five five, one two three, four five six seven.", "My number is 555-123-4567."),
    ("call me on double four, oh seven nine", "call me on 44-079"),
    ("email john dot smith at example dot com please", "email john.smith@example.com please"),
    ("reach me at mary.jones at acme.co.uk.", "reach me at mary.jones@acme.co.uk."),
    ("j o h n at gmail dot com", "john@gmail.com"),
    ("It is S-M-I-T-H, John.", "It is SMITH, John."),
    ("card 4111 1111 1111 1111 thanks", "card 4111-1111-1111-1111 thanks"),
    ("it is 604 Nero, 1 Nero 9", "it is 604-0-1-0-9"),  # "zero" misheard among digits
    ("write to lee.ann. at brightmail.com.and", "write to lee.ann@brightmail.com.and"),  # a period and a word run on
    ("it is 4, free 2, 6 and 345-I-N-8, 7-0-1", "it is 4-3-2-6 and 34598-701"),  # "three", "nine" misheard
])
def test_spoken_forms_are_written_out(said, written):
    assert spoken.normalise(said).text == written


@pytest.mark.parametrize("text", ["we met at the office at nine", "see you at two dot thirty", "I have two kids.",
                                  "The dot on the map is at the station.", "Nero fiddled while Rome burned.", "Entry is free 2 days a week.",
                                  "It ended. At home.com we rest."])
def test_ordinary_speech_is_left_as_it_is(text):
    assert spoken.normalise(text).text == text


def test_spans_map_back_onto_the_words_as_said():
    said = "Call five five five, one two three, four five six seven. Thanks."
    written = spoken.normalise(said)
    start = written.text.index("555")
    a, b = written.original_span(start, start + len("555-123-4567"))
    assert said[a:b] == "five five five, one two three, four five six seven"


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Hi, this is Maria Lopez calling.", "person", "Maria Lopez"),
    ("My callback number is four one five, seven three nine, two zero four six.", "phone",
     "four one five, seven three nine, two zero four six"),
    ("Email john dot smith at example dot com please.", "email", "john dot smith at example dot com"),
    ("My card is 4539 1488 0343 6467 and it expires soon.", "card", "4539 1488 0343 6467"),
    ("The IBAN is GB29 NWBK 6016 1331 9268 19, thanks.", "account", "GB29 NWBK 6016 1331 9268 19"),
    ("My account number is four seven one two eight eight three nine.", "account", "four seven one two eight eight three nine"),
    ("My social is 536-22-8726.", "national_id", "536-22-8726"),
    ("I was born on 4 March 1985.", "birth_date", "4 March 1985"),
    ("I live at 12 Baker Street, London.", "location", "12 Baker Street"),
    # as Whisper writes them: an IBAN or NI number known by its shape with no context word, an
    # address whose name Whisper split from a domain it ran "at" into, an IBAN read with misheard words
    ("Rent from ES 4500182-532-27002-0159-4867 arrives monthly.", "account", "ES 4500182-532-27002-0159-4867"),
    ("The contractor said it is WL-05-82-63, thanks.", "national_id", "WL-05-82-63"),
    ("In the notes, add Andali underscore atyahoo.com to the list.", "email", "Andali underscore atyahoo.com"),
    ("His address is Dmitry underscore Malka madoutlook.com.", "email", "Dmitry underscore Malka madoutlook.com"),
    ("Right, my Ivan is GB, 0.8, me UKB, 2.0.0.4, 1.573, 8.2.9.1, 6.4", "account", "GB, 0.8, me UKB, 2.0.0.4, 1.573, 8.2.9.1, 6.4"),
    # the words that name a person's policy, claim or membership; a social read with no word at all
    ("Your policy number is PX-3377-1290.", "account", "PX-3377-1290"),
    ("Okay, 518204377 and that's me.", "national_id", "518204377"),
    ("It's TM40917C on the letter.", "national_id", "TM40917C"),  # an NI number with a digit lost
    ("Deliver it to 27 Foxglove Rise, please.", "location", "27 Foxglove Rise"),
    ("Send it to 88 Marwick Tollen, Sacramento.", "location", "88 Marwick Tollen"),  # a number and a name before a town
    ("She is in apartment 12b now.", "location", "apartment 12b"),
    ("It goes to Golden, Colorado, 80401 by Friday.", "location", "Colorado, 80401"),
    ("We post it to 6 Quillbrook each month.", "location", "6 Quillbrook"),
    ("Okay, it's an R, 6, 2, 4, 6, 4, 3, C.", "national_id", "R, 6, 2, 4, 6, 4, 3, C"),
    ("He gave March the 9th, 1971 as his date of birth.", "birth_date", "March the 9th, 1971"),
    ("Post it to R3M 1W7 please.", "location", "R3M 1W7"),  # a Canadian postal code
    ("The flat is at D02 X285 in the city.", "location", "D02 X285"),  # an Eircode
    ("The lease is for 400 and 6 canal street from June.", "location", "400 and 6 canal street"),
    # "nine" and "nought" as Whisper writes them between digit groups; O and I in a dashed group
    ("The Mobile is 07700, I'm 100, I made 3, ask for the chef.", "phone", "07700, I'm 100, I made 3"),
    ("So text it to 7778, I'm not not 264.", "phone", "7778, I'm not not 264"),
    ("If that's yours, ring O-W-1-3, 4-I-6, not O-5-1, thanks.", "phone", "O-W-1-3, 4-I-6, not O-5-1"),
    ("I need your member number. Yeah, it's CU-448-217.", "account", "CU-448-217"),
    ("The deposit is under reference DPS 7730 1184.", "account", "DPS 7730 1184"),
    ("Return it to SEI-8-6045-3471-932-1335-0814 today.", "account", "SEI-8-6045-3471-932-1335-0814"),  # SE, a letter added
    ("Bills go to the 11th Southeast Melmont Street in Portland.", "location", "11th Southeast Melmont Street"),
    ("It's 1200 North-Helted Street, in Chicago.", "location", "1200 North-Helted Street"),
    ("The address on the form is Chapel Street, near the church.", "location", "Chapel Street"),
    ("The claim number is K7 Q914 and the hearing is listed.", "account", "K7 Q914"),  # short, with letters, named right before
    ("Your donor number is DNR661079 and a receipt follows.", "account", "DNR661079"),
    ("Send it to scota.florian postdo.de please.", "email", "scota.florian postdo.de"),  # Whisper lost the "at"
    ("Booking for Shilan, date of birth on 9,06,1995.", "birth_date", "9,06,1995"),
    ("Or try my partner on O4-I-1-5-7-6-3-I-8 tonight.", "phone", "O4-I-1-5-7-6-3-I-8"),
    # from the seventh set's misses: "at" heard as a dash before a mail provider, a street in one
    # word, the town said after the street, a flat in a named block, a house by its number alone
    ("The account is linked to xx-shadow-world-xx-outlook.com, thanks.", "email", "xx-shadow-world-xx-outlook.com"),
    ("Deliver to apartment 5B, 330 waterstreet, Halifax.", "location", "330 waterstreet"),
    ("And you're still living at 41 Hazelwood Road in Wells, isn't that right?", "location", "Wells"),
    ("The household at flat 18, Clyde Tower, had two adults.", "location", "flat 18"),
    ("Our new co-ordinator is Pearl, and she lives at number 6 on the green.", "location", "number 6"),
    # from the eighth set's misses: "sort code" misheard, a comma before a spoken underscore, the
    # town after "home in", a numbered street with no name, a birth date said as a holiday or ordinals
    ("Wages go to sort Kodo 7-97-39.", "account", "7-97-39"),
    ("It goes to Mara underscore K, underscore 9i at hotmail.co.uk", "email", "Mara underscore K, underscore 9i at hotmail.co.uk"),
    ("She'll be driving up from her home in Car Martin.", "location", "Car Martin"),
    ("Her address is 2200th Street, Rotherham.", "location", "2200th Street"),
    ("And her birthday's New Year's Eve, 1977.", "birth_date", "New Year's Eve, 1977"),
    ("Your date of birth? Yes, the 24th of the 1st, 1988.", "birth_date", "24th of the 1st, 1988"),
    ("Your loyalty number is 63881294, right?", "account", "63881294"),
])
def test_each_type_is_found_where_it_was_said(text, kind, value):
    found = [(f.type, text[f.start:f.end]) for f in detect.find(text, detect.DEFAULT)]
    assert (kind, value) in found


@pytest.mark.parametrize("text", [
    "The meeting is at 9:30 in room 412 and costs $29.99.",
    "We sold 1500 units in 2019, up 12 percent.",
    "The invoice is due on 4 March, see you then.",  # a date, not a birth date
    "Log in at outlook.com and open the shared calendar.",  # a site, not an address
    "We meet in room 12 at 3 pm and then 45 of us go home.",
    "The order 900123456 ships on Monday.",  # nine digits, but no social could start with a 9
    "We moved 40 Boxes on Tuesday and the launch was March the 9th, 1971.",
    # ordinary speech the address, id and account rules must leave alone (a review of those rules)
    "I bought 3 for 125 and 4 for 2,250.", "The order 800123456 ships today.", "It's a flat 10% fee.",
    "In unit 3 we cover fractions.", "We saw a 2 percent rise.", "The 4 of us will circle back.", "It drives like a BMW X5 4WD.",
    "The T20 2024 final was great.", "We ship 500 Lenovo laptops.", "The police counted 12000 protesters.",
    "A member since 2010, 45 years old.", "It starts at 3 p.m. at zoom.us today.", "The meeting on 3 May 2025 is about the birth rate.",
    "Ibuprofen's side effects are mild.", "Your booking reference is 4471 2290, see you Friday.",
    "We won 4 and she won 3 on the night.", "The plan is 1200 pounds a month.", "The claim is 2000 pounds.",
    # amounts beside the account words, ordinals before a road, an institution (a review of the rules)
    "The deposit was 2,500.00 dollars.", "I'd like to put down a deposit of 15000 on the car.",
    "I'm calling with reference to the 25000 pounds I was charged.", "My tenancy started in 2019 and the rent is 12500 a year.",
    "The refund was 1,200, I made 3 complaints about it.", "It's my 2nd week on the road for work.",
    "We will send this to the County Court if it isn't paid.",
    "Room number 5 is on the left.", "It is at number 10 on the list.", "Log in at gmail.com to read it.",
    # found by a review of the seventh set's rules: words, sites, rooms and rankings, not addresses
    "Visit ticket-live.com for tickets.", "The track crosses 2 railroad lines.", "We went back to number 1 in the charts.",
    # the eighth set's rules on ordinary speech: a sort of, a holiday without a birth, a home in a month
    "It was a sort of code we used at school.", "We met on New Year's Eve, 1999, at the party.",
    "He lives in March and April at the cottage.", "They were living in Room 4 for the week.",
])
def test_numbers_and_dates_that_are_not_personal_stay(text):
    assert detect.find(text, detect.DEFAULT) == []


def test_a_room_after_a_street_is_no_town():
    text = "The talk is at 12 Park Lane in Hall B."
    assert [text[f.start:f.end] for f in detect.find(text, detect.DEFAULT)] == ["12 Park Lane"]


def test_a_weekday_after_a_name_is_no_part_of_it():
    text = "The occupational therapist will visit Clementine Tuesday to look at the rails."
    assert all("Tuesday" not in text[f.start:f.end] for f in detect.find(text, detect.DEFAULT))


def test_a_person_named_again_is_redacted_again():
    text = "It's Hunter Briggs, the RIGGS, and Grace Paddington says Grace will call. Will you wait?"
    found = [text[f.start:f.end] for f in detect.find(text, ("person",))]
    assert {"RIGGS", "Grace"} <= set(found) and "Will" not in found  # a spelling, a first name; not the verb
    for text, word in (("Hi, my name is April Stevens, about the bill from April.", "April"),  # a month
                       ("I need the SWIFT code. My name is Taylor Swift.", "SWIFT")):  # capitals far from the name
        assert word not in [text[f.start:f.end] for f in detect.find(text, ("person",))]
    text = "The car payment comes out of 19219185793 at the credit union."  # "of" before it, but no amount is that long
    assert [text[f.start:f.end] for f in detect.find(text, detect.DEFAULT)] == ["19219185793"]


def test_a_number_before_a_town_is_an_address_only_with_a_name():
    text = "Gate 14 Terminal, Chicago is where we board."  # everyday words after the number: no street
    assert not any("14" in text[f.start:f.end] for f in detect.find(text, detect.DEFAULT))


def test_a_rare_word_opening_a_sentence_is_a_name_when_something_is_its():
    said = "Quillonne's email is on the sheet."
    assert any(said[f.start:f.end].startswith("Quillonne") for f in detect.find(said, detect.DEFAULT))
    assert detect.find("Quillonne email is on the sheet.", ("person",)) == []  # a rare word alone says nothing
    assert detect.find("Zoom's update broke it.", detect.DEFAULT) == []


def test_only_the_asked_types_are_tagged():
    text = "This is Maria Lopez, call me on four one five, seven three nine, two zero four six."
    assert {f.type for f in detect.find(text, ("phone",))} == {"phone"}


def test_other_languages_are_searched_by_patterns_only():
    text = "Ich bin Anna Schmidt, meine Karte ist 4539 1488 0343 6467."
    assert not detect.names_covered("de")
    assert [f.type for f in detect.find(text, detect.DEFAULT, "de")] == ["card"]


def _transcript() -> Transcript:
    first = "Hi, this is Maria Lopez, my number is 415 739 2046."
    words = [(w, 0.5 * i, 0.5 * i + 0.4) for i, w in enumerate(first.split())]
    return Transcript(language="en", language_probability=1.0, duration=12.0, engine="faster-whisper", model="base",
                      compute_type="int8", segments=[
                          Segment("0", 0.0, 5.0, first, words=[{"word": " " + w, "start": a, "end": b, "probability": 0.9}
                                                               for w, a, b in words]),
                          Segment("1", 5.0, 9.0, "Thanks, Maria Lopez, I will call 415 739 2046 back."),
                          Segment("2", 9.0, 12.0, "The weather in the meeting room is fine.")])


def test_numbered_tags_follow_one_value_through_the_task():
    out = redact.redact_transcript(_transcript(), detect.DEFAULT)
    assert out.segments[0].text == "Hi, this is [PERSON_1], my number is [PHONE_1]."
    assert out.segments[1].text == "Thanks, [PERSON_1], I will call [PHONE_1] back."
    assert out.segments[2].text == "The weather in the meeting room is fine."


def test_type_tags():
    out = redact.redact_transcript(_transcript(), detect.DEFAULT, style="type")
    assert out.segments[1].text == "Thanks, [PERSON], I will call [PHONE] back."


def test_words_under_a_span_become_the_tag_with_their_times():
    out = redact.redact_transcript(_transcript(), detect.DEFAULT)
    words = out.segments[0].words
    assert [w["word"].strip() for w in words] == ["Hi,", "this", "is", "[PERSON_1]", "my", "number", "is", "[PHONE_1]"]
    assert (words[3]["start"], words[3]["end"]) == (1.5, 2.4)  # "Maria" starts, "Lopez," ends
    assert (words[7]["start"], words[7]["end"]) == (4.0, 5.4)  # "415" to "2046."


def test_evidence_says_what_and_when_never_the_value():
    out = redact.redact_transcript(_transcript(), detect.DEFAULT)
    found = out.redaction["found"]
    assert [(f["type"], f["segment"]) for f in found] == [("person", "0"), ("phone", "0"), ("person", "1"), ("phone", "1")]
    assert (found[0]["start"], found[0]["end"]) == (1.5, 2.4)  # from the words
    assert (found[2]["start"], found[2]["end"]) == (5.0, 9.0)  # no words: the segment
    stored = json.dumps(out.to_dict())
    assert "Maria" not in stored and "Lopez" not in stored and "739" not in stored
    assert out.redaction["patterns_only"] == []


def test_expand_types():
    assert redact.expand_types(["default"]) == detect.DEFAULT
    assert redact.expand_types(["all"]) == detect.TYPES
    assert redact.expand_types(["email", "phone", "email"]) == ("phone", "email")


def test_text_items_share_the_numbering_of_the_transcript():
    out, items = redact.redact_task(_transcript(), {"title": "Call from Maria Lopez", "note": "Nothing personal here."},
                                    detect.DEFAULT)
    assert items == {"title": "Call from [PERSON_1]", "note": "Nothing personal here."}
    assert {"type": "person", "segment": "T:title", "start": None, "end": None} in out.redaction["found"]


def test_words_that_do_not_spell_the_text_are_dropped_and_the_segment_times_taken():
    seg = Segment("0", 2.0, 6.0, "Call Maria Lopez today.", words=[{"word": " Call", "start": 2.0, "end": 2.4},
                                                                    {"word": " Mario", "start": 2.5, "end": 3.0}])
    t = Transcript("en", 1.0, 6.0, "faster-whisper", "base", "int8", [seg])
    out = redact.redact_transcript(t, detect.DEFAULT)
    assert out.segments[0].words is None  # "Mario" cannot be placed: no word list that might hold a name
    assert out.redaction["found"][0] == {"type": "person", "segment": "0", "start": 2.0, "end": 6.0}
