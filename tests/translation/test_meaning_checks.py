"""The meaning checks: a translation that reads well but changes a time, a number, a day or a name,
or mixes in another script, is flagged with the reason in words; a right one is not."""

import json
import uuid

import pytest

from linguaflow.translation import check, names, negation, numbers, router, units
from conftest import stored_transcript
from test_translation import Scripted  # noqa: F401 - the scripted OpenAI-compatible endpoint
from test_translation import scripted  # noqa: F401

TRAIN = "The train to Berlin leaves at seven thirty tomorrow morning."
ROOM = "The meeting has moved to room four."
RAIN = "If it rains on Saturday, we'll stay home and watch a film."


# Outputs of the bundled route that were stored `done` before these checks (issue 26), and why they are wrong.
@pytest.mark.parametrize("source,target,text,flag,said", [
    (TRAIN, "zh", "去柏林的火车明天早上十点半出发。", "number", ("7:30", "10:30")),
    (TRAIN, "ja", "ベルリン行きの電車は明後日午前7時半に出発します。", "number", ("tomorrow", "明後日")),
    (ROOM, "de", "Die Sitzung hat am Donnerstag verschobert.", "number", ("4",)),
    (RAIN, "de", "Wenn es am Samstag regnet, bleiben wir дома und sehen einen Film.", "script", ("дома",)),
    ("Thank you for your patience; your call is important to us.", "de",
     "Danke für Ihre Patience; Ihr Anruf ist uns wichtig.", "source_words", ("Patience",)),
    ("Please do not park in front of the garage.", "es", "Por favor, estacione delante del garaje.", "negation", ("not",)),
])
def test_what_the_bundled_route_got_wrong_is_flagged_for_the_right_reason(source, target, text, flag, said):
    found = check.findings_for(source, text, "en", target)
    assert [f.flag for f in found] == [flag], found
    assert all(s in found[0].reason for s in said), found[0].reason


@pytest.mark.parametrize("source,target,text", [
    (TRAIN, "zh", "去柏林的火车明天早上七点半出发。"),
    (TRAIN, "ja", "ベルリン行きの電車は明日の朝7時30分に出発します。"),
    (TRAIN, "de", "Der Zug nach Berlin fährt morgen früh um halb acht ab."),
    (TRAIN, "fr", "Le train pour Berlin part demain matin à sept heures et demie."),
    (TRAIN, "es", "El tren a Berlín sale mañana por la mañana a las siete y media."),
    (ROOM, "de", "Das Meeting wurde in Raum vier verlegt."),
    (RAIN, "de", "Wenn es am Samstag regnet, bleiben wir zu Hause und sehen einen Film."),
    ("Our flight LH 454 to Munich boards at gate B12 at 6:45 pm.", "de",
     "Unser Flug LH 454 nach München beginnt um 18:45 Uhr am Gate B12 mit dem Boarding."),
    ("Call Maria Schneider on 0171 555 2340 if you are running late.", "ja",
     "遅れる場合はマリア・シュナイダー（0171 5552340）に電話してください。"),
    ("The BMW costs 42,000 euros new.", "zh", "这辆宝马新车售价4.2万欧元。"),
    ("The BMW costs 42,000 euros new.", "ja", "BMWの新車価格は4万2000ユーロです。"),
    ("I paid 1,200 dollars for the flight to New York.", "de", "Ich habe 1.200 Dollar für den Flug nach New York bezahlt."),
    ("Unemployment fell to 5.3 percent in June.", "es", "El desempleo bajó al 5,3 por ciento en junio."),
    ("The pharmacy opens at a quarter to eight.", "zh", "药店七点四十五分开门。"),
    ("The conference starts on March 14th and ends on the 17th.", "zh", "会议于三月十四日开始，十七日结束。"),
    ("The museum is closed on Mondays but open until 10 pm on Fridays.", "es", "El museo cierra los lunes, pero abre hasta las 22:00 los viernes."),
    ("The new iPhone 15 costs 999 dollars in the United States.", "es", "El nuevo iPhone 15 cuesta 999 dólares en Estados Unidos."),
    ("Send your questions to support@example.com before noon.", "zh", "请在中午之前将问题发送至support@example.com。"),
    ("Peter and Anna are flying to Tokyo next Wednesday.", "ja", "ピーターとアンナは来週の水曜日に東京へ飛びます。"),
])
def test_a_right_translation_in_any_usual_writing_is_not_flagged(source, target, text):
    assert check.findings_for(source, text, "en", target) == []


def test_the_half_of_the_day_must_survive_where_a_bare_hour_says_the_other_one():
    museum = "The museum is open until 10 pm on Fridays."
    lost = numbers.compare(museum, "Le musée est ouvert jusqu'à 10 heures le vendredi.", "en", "fr")
    assert lost.reason == "the source says 10:00 pm, the translation does not say it"  # 10 heures is 10 am in French
    for kept in ("Le musée est ouvert jusqu'à 22 heures le vendredi.", "Le musée est ouvert jusqu'à 10 heures du soir le vendredi."):
        assert not numbers.compare(museum, kept, "en", "fr")
    assert not numbers.compare("The train leaves at 7:30 this morning.", "Der Zug fährt heute um 7:30 Uhr.", "en", "de")
    assert numbers.compare("The train leaves at 7:30 am.", "Der Zug fährt um 19:30 Uhr.", "en", "de")
    assert not numbers.compare("The train leaves at 7:30 pm.", "火车七点半出发。", "en", "zh")  # read either way in Chinese
    assert numbers.compare("The train leaves at 7:30 pm.", "火车上午七点半出发。", "en", "zh")  # but not the morning
    assert not numbers.compare("Lunch is at 12 pm.", "Das Mittagessen ist um 12 Uhr.", "en", "de")  # noon is in neither half
    assert not numbers.compare("Check-in is at 15:00 and check-out at 11 am.",
                               "Check-in ist um 15:00 Uhr und Check-out um 11 Uhr.", "en", "de")


def test_a_number_below_zero_keeps_its_sign():
    cold = "The temperature will fall to minus five tonight."
    lost = numbers.compare(cold, "La température va descendre à moins de cinq degrés ce soir.", "en", "fr")  # fewer than five
    assert lost.reason == "the source says -5, the translation does not say it"
    for kept, lang in (("La température va descendre à moins cinq degrés ce soir.", "fr"), ("今晚气温将降至零下五度。", "zh"),
                       ("Die Temperatur fällt heute Nacht auf -5 Grad.", "de")):
        assert not numbers.compare(cold, kept, "en", lang)
    assert not numbers.compare("Park on level minus two.", "地下2階に駐車してください。", "en", "ja")  # a floor below ground
    assert numbers.compare("Park on level minus two.", "2階に駐車してください。", "en", "ja")  # the second floor up
    assert not numbers.compare("It is 5 below zero.", "Il fait moins cinq degrés.", "en", "fr")  # no 0 to repeat
    assert not numbers.compare("Read pages 10 -20 tonight.", "Lisez les pages 10 à 20 ce soir.", "en", "fr")  # a dash
    assert not numbers.compare("Your order number is A-7731.", "Votre numéro de commande est A-7731.", "en", "fr")  # a dash, no sign


def test_numbers_are_read_in_every_usual_writing():
    def said(text, lang):
        return sorted(str(f) for f in numbers.facts(text, lang))

    assert said("at half past seven on Friday", "en") == ["7:30", "Friday"]
    assert said("um halb acht am Freitag", "de") == ["7:30", "Freitag"]
    assert said("七時半に", "ja") == said("7時30分に", "ja") == said("７時３０分に", "ja") == ["7:30"]  # kanji, digits, full width
    assert said("晚上七点半", "zh") == ["7:30"] and said("百分之十二", "zh") == ["12"]
    assert said("dreizehn Personen", "de") == said("13 Personen", "de") == ["13"]
    assert numbers.compare("at 7:30 pm", "um 19:30 Uhr", "en", "de").missing == []  # 12 and 24 hours
    changed = numbers.compare("The lecture starts at quarter past ten.", "Die Vorlesung beginnt um Viertel nach elf.", "en", "de")
    assert changed.reason == "the source says 10:15, the translation 11:15"


def test_noon_and_midnight_are_told_apart_and_durations_are_no_clock_times():
    noon = "Send your questions to support@example.com before noon."
    lost = numbers.compare(noon, "Envía tus preguntas a support@example.com antes de la medianoche.", "en", "es")
    assert lost.reason == "the source says noon, the translation midnight"
    assert not numbers.compare(noon, "Senden Sie Ihre Fragen an support@example.com vor Mittag.", "en", "de")
    assert not numbers.compare("Let's talk after lunch.", "Reden wir nach dem Mittagessen.", "en", "de")
    # "in an hour", "two and a half hours": lengths of time, not one o'clock or half past two
    assert not numbers.compare("It sold out within an hour.", "Il a été vendu dans une heure.", "en", "fr")
    assert not numbers.compare("The trip takes two and a half hours.", "El viaje dura dos y media horas.", "en", "es")
    assert not numbers.compare("The trip takes two and a half hours.", "旅程大约两个半小时。", "en", "zh")
    # a quarter past three is not three o'clock because 15 is also three in the afternoon
    assert numbers.compare("It's a quarter past three.", "Es ist drei Uhr.", "en", "de")
    assert numbers.compare("The car park closes at midnight.", "Der Parkplatz schließt um zwölf Uhr.", "en", "de").reason \
        == "the source says midnight, the translation 12:00 (noon)"
    assert not numbers.compare("Bayern won 2-1 on Saturday.", "Bayern gewann am Samstag 2:1.", "en", "de")  # a score
    for said in ("El bar cierra a las 12 de la noche.", "El bar cierra a medianoche."):  # midnight in words or as the 12 of the night
        assert not numbers.compare("The bar closes at midnight.", said, "en", "es")
    assert not numbers.compare("Open from noon to midnight.", "Geöffnet von mittags bis Mitternacht.", "en", "de")


def test_the_weekend_is_kept_as_its_word_or_its_days_and_not_invented():
    assert numbers.compare("Prices dropped over the weekend.", "Les prix ont baissé pendant la semaine.", "en", "fr").reason \
        == "the source says weekend, the translation does not say it"
    assert not numbers.compare("We open at the weekend.", "Wir öffnen am Wochenende.", "en", "de")
    assert not numbers.compare("We open at the weekend.", "Abrimos el sábado y el domingo.", "en", "es")
    assert numbers.compare("The team works from home this week.", "チームは週末に家で働きます。", "en", "ja")
    assert numbers.compare("We meet again on the 21st.", "Nos reunimos el 21 de julio.", "en", "es")  # a month invented
    assert not numbers.compare("The shop opens in March.", "Le magasin ouvre en mars.", "en", "fr")


def test_a_date_in_chinese_reads_its_month_as_the_month_only():
    assert not numbers.compare("The appointment is on the 9th of May.", "预约是5月9日。", "en", "zh")
    assert numbers.compare("The appointment is on the 9th of May.", "预约是6月9日。", "en", "zh")
    assert numbers.compare("I was born in Hamburg in 1985.", "我在1985年6月出生在汉堡。", "en", "zh")  # a month added
    assert not numbers.compare("Half of the team works from home this week.", "本周一半的团队在家工作。", "en", "zh")  # no Monday
    assert not numbers.compare("The library lends ten books.", "La biblioteca presta diez libros.", "en", "es")  # no pound (libra)
    assert [str(f) for f in numbers.facts("May I come in?", "en")] == []  # the verb, not the month


def test_what_the_third_part_flagged_wrongly_is_read_right():
    """False alarms of the checks on the error benchmark's third part (heldout2), each a reading bug."""
    assert not numbers.compare("Gate 23 is a fifteen-minute walk.", "Le portail 23 est à quinze minutes à pied.", "en", "fr")
    assert not numbers.compare("It's 19 degrees in Athens, but Oslo is only 4.", "雅典19度，但奥斯陆只有4度。", "en", "zh")  # 陆 of Oslo
    assert not numbers.compare("Samsung will cut 1,200 jobs in Sichuan.", "三星将在四川削减1200个职位。", "en", "zh")
    assert not numbers.compare("Damage worth £40 million.", "损失价值4000万英镑。", "en", "zh")
    assert not numbers.compare("Damage worth £40 million.", "Schäden von 40 Millionen Pfund.", "en", "de")
    assert not numbers.compare("Only a third of the class passed.", "Seul un tiers de la classe a réussi.", "en", "fr")
    assert not numbers.compare("Only a third of the class passed.", "只有三分之一的学生通过了。", "en", "zh")
    assert numbers.compare("Only a third of the class passed.", "Seul un quart de la classe a réussi.", "en", "fr")
    assert not numbers.compare("He scored twice.", "他得分两次。", "en", "zh")
    assert not numbers.compare("Invoice for $1,480.00.", "Facture de $1,480.00.", "en", "fr")  # the symbol in any language
    assert check.source_words("Priya Raman's flight lands at 7.", "Priya Ramans Flug landet um 7.", "de") == []  # a name opening it
    assert names.lost("Mrs. Kowalczyk won a new Irish record at Platform 9.",
                      "Mme Kowalczyk a gagné un record d'Irlande au quai 9.") == []  # a nation's adjective, a label
    assert names.lost("Mrs. Kowalczyk left.", "Mme Kowalski est partie.") == ["Kowalczyk"]  # a name after a title still counts


def test_ordinary_german_chinese_and_dates_that_looked_like_errors_are_not_flagged():
    """Found by a review that tried ordinary translations against the third part's rules."""
    assert check.findings_for("The meeting takes place on Monday.", "Das Treffen findet am Montag statt.", "en", "de") == []
    assert check.findings_for("I can't find my passport.", "我找不到我的护照。", "en", "zh") == []  # 找不到: a negation
    assert check.findings_for("Fewer than 10% of customers read it.", "不到10%的客户读过它。", "en", "zh") == []  # fewer than
    assert negation.flipped("Unfortunately, the refund was approved.", "Leider wurde die Erstattung nicht genehmigt.", "en", "de")
    for text, lang in (("Wir hatten ein zweistündiges Meeting.", "de"), ("我们开了两小时的会。", "zh")):
        assert not numbers.compare("We had a two-hour meeting.", text, "en", lang)
    assert numbers.compare("We had a two-hour meeting.", "Nous avons eu une réunion.", "en", "fr")  # the 2 is required there
    assert not numbers.compare("It is twice as fast.", "Es ist doppelt so schnell.", "en", "de")
    assert not numbers.compare("Do not install a third-party app.", "Installieren Sie keine Drittanbieter-App.", "en", "de")
    assert not numbers.compare("Back in a quarter of an hour.", "In einer Viertelstunde zurück.", "en", "de")
    assert numbers.compare("Only a third passed.", "只有三分之二的学生通过了。", "en", "zh")  # two thirds is not a third
    assert not numbers.compare("The meeting is on 2024-03-15.", "会议在2024年3月15日。", "en", "zh")  # the month as a number
    assert numbers.compare("From the 2nd until the 9th of July.", "7月2日から9月9日まで。", "en", "ja")  # the 9th is no September
    assert not numbers.compare("It costs 3 billion euros.", "Cuesta 3 mil millones de euros.", "en", "es")
    assert numbers.compare("It costs 2 billion euros.", "Cela coûte 2 billions d'euros.", "en", "fr")  # 10^12 in French
    assert not numbers.compare("We stay for three weeks.", "我们住三星期。", "en", "zh")  # not Samsung
    assert not numbers.compare("The dollar exchange rate fell by 2%.", "Der Dollarkurs fiel um 2%.", "en", "de")
    assert not numbers.compare("It costs 5 yuan.", "价格是5元。", "en", "zh")
    assert not numbers.compare("See you at the weekend.", "À la fin de semaine.", "en", "fr")
    assert numbers.facts("价格是5元\ue001。", "zh")  # a private-use character is read, not a crash
    assert names.lost("Mr Picard called from Alabama.", "Herr Martin rief aus Alabama an.") == ["Picard"]
    assert names.lost("We live on King St. Please come.", "Wir wohnen in der King St. Bitte komm.") == []


def test_what_the_fourth_part_flagged_wrongly_is_read_right():
    """False alarms of the checks on the error benchmark's fourth part (heldout3), each a reading gap."""
    assert check.findings_for("Both kids caught a cold, so we're skipping the party.", "两个孩子都感冒了，所以我们跳过了派对。", "en", "zh") == []
    assert not numbers.compare("It was shipped yesterday afternoon.", "昨日下午发货。", "en", "zh")  # written Chinese for yesterday
    assert numbers.compare("It was shipped yesterday afternoon.", "明日下午发货。", "en", "zh")  # and tomorrow is not yesterday
    assert check.findings_for("Your package weighs 2.4 kilograms, so postage will be €11.90.",
                              "あなたのパッケージは2.4kgです。送料は€11.90です。", "en", "ja") == []  # kg is no foreign word
    assert check.source_words("Sales reached 3.2 million yuan.", "Les ventes ont atteint 3,2 millions de yuan.", "fr") == []
    assert check.source_words("Sales reached 3.2 million yuan this quarter.",
                              "Les ventes ont atteint 3,2 millions de yuan this quarter.", "fr") == ["quarter"]
    assert not numbers.compare("Pick up a dozen eggs.", "12個の卵を買ってきて。", "en", "ja")  # a dozen is 12


@pytest.mark.parametrize("source,target,text", [  # found by a review of the `units` rules: none of these loses anything
    ("Let's meet in half an hour.", "de", "Treffen wir uns in 30 Minuten."),
    ("It happened in the first half of the year.", "fr", "C'est arrivé au premier semestre."),
    ("The half marathon starts at nine.", "fr", "Le semi-marathon commence à neuf heures."),
    ("The last three quarters were strong.", "de", "Die letzten drei Quartale waren stark."),
    ("We need a third party to sign.", "es", "Necesitamos que firme un tercero."),
    ("She has a degree in law.", "ja", "彼女は法学の学位を持っています。"),
    ("Be careful not to fall.", "de", "Pass auf, dass du nicht hinfällst."),
    ("We went to a hot spring.", "zh", "我们去了温泉。"),
    ("Would you like a cup of coffee?", "fr", "Voulez-vous un café ?"),
    ("The last week of June is busy.", "zh", "六月的最后一周很忙。"),
    ("Add 200 grams of flour.", "ja", "小麦粉を200g加えます。"),
    ("Good afternoon, and welcome.", "de", "Guten Tag und willkommen."),
    ("You can stay the night.", "fr", "Tu peux rester dormir."),
])
def test_words_that_only_look_like_units_or_parts_of_the_day_are_not_required(source, target, text):
    assert units.lost(source, text, "en", target) == []


def test_a_clock_time_keeps_its_part_of_the_day_only_without_another_word_for_one():
    assert units.lost("Come at 8 in the evening.", "Komm um 20 Uhr.", "en", "de") == []
    assert units.lost("Come at 8 in the morning.", "Komm um 8 Uhr abends.", "en", "de") == ["morning"]
    assert units.lost("It rose 5 percent.", "销量完成了5。", "en", "zh") == ["percent"]  # 完成 is no 成 (tenths)
    assert units.lost("Add 200 grams of chocolate.", "加200毫升巧克力。", "en", "zh") == ["gram"]  # 巧克力 is chocolate


def test_what_the_fifth_part_flagged_wrongly_is_read_right():
    """False alarms of the checks on the error benchmark's fifth part (heldout4), each a reading gap."""
    assert names.lost("Hello, this is Beatriz Almeida from Porto Dental Clinic.",
                      "Bonjour, c'est Beatriz Almeida de la Clinique Dentaire de Porto.") == []  # the clinic is translated
    assert names.lost("Call Maria Schneider.", "Rufen Sie Frau Schneider an.") == ["Maria Schneider"]  # a first name is no description
    assert names.lost("The 36-tonne shipment from Gdańsk is late.", "El envío de 36 toneladas de Gdańsk llega tarde.") == []
    assert names.lost("Order B-12 is late.", "El pedido B-17 llega tarde.") == ["B-12"]  # a code still is one
    assert check.source_words("Osaka Metro says the line is closed.", "El Metro de Osaka dice que la línea está cerrada.", "es") == []
    assert check.findings_for("To prevent delays, book early.", "Um Verzögerungen zu vermeiden, buchen Sie früh.",
                              "en", "de") == []  # "avoid" is no "not" (tried as one: every "to prevent" was flagged)
    assert names.lost("It could reach 39 degrees in Seville.", "Puede llegar a 39 grados en Sevilla.") == []  # its other name
    assert names.lost("It could reach 39 degrees in Seville.", "Puede llegar a 39 grados en Madrid.") == ["Seville"]
    assert names.lost("Sidney called.", "西德尼打来电话。") == []  # another name of a city is a person's too: not told in hanzi
    assert not numbers.compare("It will only arrive the day after tomorrow.", "Solo llegará el día después de mañana.", "en", "es")
    assert numbers.compare("It will only arrive the day after tomorrow.", "Solo llegará mañana.", "en", "es")


@pytest.mark.parametrize("target,right,wrong", [
    ("de", "Der Bus fährt um zehn vor vier.", "Der Bus fährt um 16:10 Uhr."),
    ("de", "Der Bus fährt um 15:50 Uhr.", "Der Bus fährt um zehn nach vier."),
    ("fr", "Le bus part à quatre heures moins dix.", "Le bus part à 4 h 10."),
    ("es", "El autobús sale a las cuatro menos diez.", "El autobús sale a las cuatro y diez."),
    ("zh", "公交车差十分四点出发。", "公交车四点十分出发。"),
    ("zh", "公交车下午三点五十分出发。", "公交车下午四点出发，晚了十分钟。"),
    ("ja", "バスは4時10分前に出発します。", "バスは4時10分に出発します。"),
    ("ja", "バスは3時50分に出発します。", "バスは10時4分に出発します。"),
])
def test_minutes_to_the_hour_are_a_clock_time_not_two_numbers(target, right, wrong):
    """"ten to four" is 3:50: the translation must say that time, not a 10 and a 4 anywhere."""
    source = "The bus leaves at ten to four."
    assert not numbers.compare(source, right, "en", target)
    assert numbers.compare(source, wrong, "en", target).missing[0].text == "3:50"


def test_minutes_past_or_to_noon_and_midnight_and_ranges_that_are_no_clock():
    assert not numbers.compare("I land at twenty to midnight.", "Aterrizo a las 23:40.", "en", "es")
    assert numbers.compare("I land at twenty to midnight.", "Aterrizo a las 20:00.", "en", "es").missing[0].text == "11:40"
    assert not numbers.compare("I land at twenty to midnight.", "J'arrive à minuit moins vingt.", "en", "fr")
    assert not numbers.compare("I land at twenty to midnight.", "Ich lande um zwanzig vor Mitternacht.", "en", "de")
    assert not numbers.compare("We're open from ten to four.", "Wir haben von zehn bis vier geöffnet.", "en", "de")  # a span
    assert not numbers.compare("Groups of five to ten people.", "Des groupes de cinq à dix personnes.", "en", "fr")  # a range
    assert not numbers.compare("It takes about five to ten minutes.", "Cela prend environ cinq à dix minutes.", "en", "fr")
    assert not numbers.compare("Wait 10 minutes after 5 pm.", "Attendez 10 minutes après 17 heures.", "en", "fr")


@pytest.mark.parametrize("source,target,text", [  # found by a review of the clock readings: right, once flagged
    ("Please be at the gate by quarter to eight tomorrow morning.", "es",
     "Por favor, esté en la puerta de embarque mañana por la mañana antes de las ocho menos cuarto."),  # text2num: 4º
    ("Please be at the gate by quarter to eight tomorrow morning.", "ja", "明朝7時45分までに搭乗口にお越しください。"),
    ("The bus arrives at a quarter past seven every weekday morning.", "es",
     "El autobús llega a las siete y cuarto todas las mañanas de lunes a viernes."),  # mornings, Monday to Friday
    ("The baby finally fell asleep at quarter to one in the morning.", "de", "Das Baby ist um Viertel vor eins in der Nacht eingeschlafen."),
    ("He always leaves the office at twenty-five past five on Fridays.", "de", "Freitags verlässt er das Büro immer um fünf vor halb sechs."),
    ("Check-in closes at quarter past noon.", "fr", "L'enregistrement ferme à midi et quart."),
    ("The pharmacy reopens at five past one after lunch.", "es", "La farmacia vuelve a abrir a la una y cinco, después del almuerzo."),
    ("The pharmacy reopens at five past one after lunch.", "zh", "药店午休后于一点零五分重新营业。"),
    ("It was already twenty-five to midnight when the guests left.", "de", "Es war schon fünf nach halb zwölf, als die Gäste gingen."),
    ("It was already twenty-five to midnight when the guests left.", "zh", "客人离开时已经是晚上十一点三十五分了。"),
    ("The book profiles ten past presidents of the club.", "fr", "Le livre dresse le portrait de dix anciens présidents du club."),
])
def test_clock_times_said_the_long_way_are_read_right(source, target, text):
    assert [f for f in check.findings_for(source, text, "en", target) if f.flag == "number"] == []


def test_what_the_long_clock_readings_must_still_catch():
    assert [f for f in numbers.facts("El examen dura dos y cuarto horas.", "es") if f.kind == "time"] == []  # a duration
    assert [f.text for f in numbers.facts("Abre a las dos y cuarto.", "es") if f.kind == "time"] == ["2:15"]
    assert numbers.compare("Many skip breakfast on weekdays.", "Beaucoup ne prennent pas de petit déjeuner le lundi.", "en", "fr")
    assert numbers.compare("Leaves at twenty-five past five.", "Fährt um fünf nach halb sechs.", "en", "de").missing[0].text == "5:25"


@pytest.mark.parametrize("source,target,text", [  # a review's correct translations (a helper's 250), once flagged
    ("Your order #58213 will be delivered on Thursday, 31 October.", "ja", "ご注文（#58213）は、10月31日（木）にお届けします。"),
    ("The meeting has been moved to the day after tomorrow at 14:30.", "es", "La reunión se ha trasladado a pasado mañana a las 14:30."),
    ("Tickets cost £49.50 per person.", "fr", "Le billet coûte 49,50 £ par personne."),
    ("The rent is 1,450 euros a month, excluding utilities.", "de", "Die Miete beträgt 1.450 Euro im Monat ohne Nebenkosten."),
    ("The rent is 1,450 euros a month, excluding utilities.", "zh", "月租1450欧元，不含水电杂费。"),
    ("Your parcel was shipped on 2026-11-04.", "de", "Ihr Paket wurde am 04.11.2026 versandt."),
    ("The warranty expired on 15 April 2024.", "de", "Die Garantie ist am 15.04.2024 abgelaufen."),
    ("The invoice was due on 04/11 and has not been paid.", "zh", "发票已于11月4日到期，至今仍未支付。"),
    ("The invoice was due on 04/11 and has not been paid.", "de", "Die Rechnung war am 04.11. fällig und ist nicht bezahlt."),
    ("The headphones will not be available until 14 February.", "de", "Die Kopfhörer sind erst ab dem 14. Februar erhältlich."),
    ("The headphones will not be available until 14 February.", "zh", "耳机要到2月14日才会上市。"),
    ("Can you lend me a fiver until next week?", "de", "Kannst du mir bis nächste Woche fünf Pfund leihen?"),
    ("Can you lend me a fiver until next week?", "ja", "来週まで5ポンド貸してくれない？"),
    ("Starting next Monday, the bus will no longer stop here.", "es", "A partir del próximo lunes, el autobús dejará de parar aquí."),
    ("Starting next Monday, the bus will no longer stop here.", "ja", "来週の月曜日から、バスはここに停車しなくなります。"),
    ("It is not covered by your insurance.", "ja", "保険の適用対象外です。"),
    ("It costs around $240, not including parts.", "fr", "Cela coûtera environ 240 dollars, pièces non comprises."),
    ("It costs around $240, not including parts.", "es", "Costará unos 240 dólares, sin incluir las piezas."),
    ("It costs around $240, not including parts.", "zh", "费用约240美元，不含零件。"),
    ("Mr. Tanaka will arrive at Frankfurt Airport on Wednesday.", "ja", "田中様が水曜日にフランクフルト空港に到着されます。"),
    ("There is no joining fee.", "zh", "免入会费。"),
    ("The sale starts on Black Friday: 30% off all laptops.", "de", "Der Sale beginnt am Black Friday: 30 % Rabatt auf alle Laptops."),
    ("The sale starts on Black Friday: 30% off all laptops.", "zh", "促销从黑色星期五开始：所有笔记本电脑七折。"),
    ("Our branch opens on Monday, 2 March, at 9:30.", "ja", "3月2日（月）9時30分、新支店がオープンします。"),
    ("The trip leaves at 8.30 on Friday.", "fr", "Le départ est prévu vendredi à 8 h 30."),
    ("The trip to the Natural History Museum costs £15.", "es", "La excursión al Museo de Historia Natural cuesta 15 libras."),
    ("The trip to the Natural History Museum costs £15.", "de", "Der Ausflug ins Natural History Museum kostet 15 £."),
    ("We haven't received your payment of 3,750 Swiss francs.", "de", "Ihre Zahlung über CHF 3'750 ist noch nicht eingegangen."),
    ("We haven't received your payment of 3,750 Swiss francs.", "ja", "3,750スイスフランを、まだ受領しておりません。"),
    ("The ferry to Santorini takes five hours.", "fr", "Le ferry pour Santorin met cinq heures."),
    ("The taxi to our ryokan cost 5,000 yen.", "es", "El taxi hasta nuestro ryokan costó 5000 yenes."),
])
def test_what_a_review_of_correct_translations_flagged_is_read_right(source, target, text):
    assert check.findings_for(source, text, "en", target) == []


def test_what_those_readings_must_still_catch():
    assert numbers.compare("The warranty expired on 15 May 2024.", "Die Garantie ist am 15.04.2024 abgelaufen.", "en", "de")
    assert numbers.compare("It arrives the day after tomorrow.", "Llega mañana.", "en", "es")
    assert numbers.compare("Delivery on Thursday, 31 October.", "10月31日（金）にお届けします。", "en", "ja")
    assert numbers.compare("We haven't received your 3,750 Swiss francs.", "Ihre Zahlung über EUR 3'750 fehlt.", "en", "de")
    assert numbers.compare("The sale gives 20% off all laptops.", "所有笔记本电脑七折。", "en", "zh")
    assert check.findings_for("The headphones will not be available until 14 February.",
                              "Die Kopfhörer sind ab dem 14. Februar erhältlich.", "en", "de")  # "erst" lost: a flip
    assert names.lost("The ferry to Santorini takes five hours.", "Le ferry pour Santa met cinq heures.") == ["Santorini"]


@pytest.mark.parametrize("source,target,text", [  # a second review's correct translations (names, negations), once flagged
    ("Your train departs at 08:42, not 08:24.", "ja", "列車は08:24ではなく08:42に発車します。"),
    ("Ms. Adeyemi refused to sign until our team had reviewed clause 4.2.", "de",
     "Frau Adeyemi weigerte sich zu unterschreiben, solange unser Team Klausel 4.2 nicht geprüft hatte."),
    ("The shopping centre doesn't open until 10.", "de", "Das Einkaufszentrum öffnet erst um 10 Uhr."),
    ("Amira hasn't had access since last Tuesday.", "ja", "先週火曜日以来、アミラがアクセスできなくなっています。"),
    ("Nobody from the team joined the briefing.", "ja", "チームからは誰もブリーフィングに参加しなかった。"),
    ("Please don't share the link with anyone outside the team.", "de", "Bitte gib den Link an niemanden außerhalb des Teams weiter."),
    ("Neither of them has renewed their passport yet.", "fr", "Aucun des deux n'a encore renouvelé son passeport."),
    ("The pharmacy will deliver your medicine before noon.", "ja", "薬局がお昼前に薬を届けてくれます。"),
    ("Jonas forgot his passport again, lol.", "ja", "ヨナスがまたパスポート忘れたw"),
    ("Do not unplug the network cable.", "ja", "LANケーブルは抜かないでください。"),
    ("Min-jun will forward the recording.", "zh", "Min-jun会转发录像。"),
    ("The app still fails on mybank.example.com.", "zh", "应用在mybank.example.com上仍然失败。"),
    ("Don't worry, Grandma: you don't have to pay anything.", "de", "Keine Sorge, Oma: Du musst nichts bezahlen."),
    ("Lena from HR hardly ever reads the chat.", "es", "Lena, de Recursos Humanos, casi nunca lee el chat."),
    ("Mateo doesn't have to attend Saturday's training in Valencia.", "fr", "Mateo n'est pas obligé de venir à l'entraînement de samedi à Valence."),
    ("Kofi ran the Berlin Marathon without stopping once.", "es", "Kofi corrió el Maratón de Berlín sin pararse una sola vez."),
])
def test_what_a_review_of_names_and_negations_flagged_is_read_right(source, target, text):
    assert check.findings_for(source, text, "en", target) == []


def test_a_place_with_a_letter_swapped_or_another_place_is_still_a_lost_name():
    assert names.lost("The concert in Lyon was sold out.", "El concierto en Loyn se vendió.") == ["Lyon"]
    assert names.lost("Our team in Barcelona has fourteen people.", "巴塞ルのチームは14人います。") == ["Barcelona"]
    assert names.lost("The training is in Valencia.", "L'entraînement est à Valenciennes.") == ["Valencia"]


def test_the_review_sets_of_correct_translations_raise_no_more_false_alarms_than_recorded():
    """bench/data/translation_reviews.json: correct translations once flagged and read; a new rule
    that flags more of them is a false alarm to look at before it lands."""
    from pathlib import Path

    sets = json.loads((Path(__file__).parents[2] / "bench" / "data" / "translation_reviews.json").read_text())["sets"]
    for one in sets:
        flagged = sum(1 for it in one["items"] for lang in ("de", "zh", "ja", "fr", "es")
                      if check.findings_for(it["en"], it[lang], "en", lang))
        assert flagged <= one["flags_now"], (one["name"], flagged)


def test_what_the_sixth_part_flagged_wrongly_is_read_right():
    """False alarms of the checks on the error benchmark's sixth part (heldout5), each a reading gap."""
    assert not numbers.compare("The entry fee is ¥1,800 instead of ¥900.", "Le tarif d'entrée est de ¥1,800 au lieu de ¥900.", "en", "fr")
    assert not numbers.compare("The entry fee is ¥1,800.", "收费是¥1,800。", "en", "zh")  # ¥: the yen's sign and the yuan's
    assert numbers.compare("The entry fee is 1,800 yen.", "Le tarif est de 1 800 dollars.", "en", "fr")
    assert not numbers.compare("Keep frozen at minus 18 degrees.", "请在-18度的冷冻条件下保存。", "en", "zh")
    assert not numbers.compare("Send it no later than midnight on Sunday.", "Envíelo antes de las 12:00 a.m. el domingo.", "en", "es")
    assert not numbers.compare("It is down from 1 am to 4:30 am.", "Estará fuera de servicio de 1 a 4:30 am.", "en", "es")
    assert check.findings_for("The road is closed, so take the coastal route instead.",
                              "Die Straße ist gesperrt, daher nehmen Sie den Küstenweg anstatt.", "en", "de") == []
    assert check.findings_for("Hugo rather than Stefan will give the talk.", "Hugo wird statt Stefan den Vortrag halten.", "en", "de") == []


def test_what_the_sixth_part_missed_is_caught():
    assert numbers.compare("Grandpa must fast from midnight.", "おじいちゃんは午後12時から断食します。", "en", "ja")  # 12 pm is noon
    assert numbers.compare("Delivery on Monday between noon and 5 pm.", "月曜日の午後5時まで配送します。", "en", "ja")  # noon lost
    assert units.lost("Minus eight on Friday night.", "Minus acht am Freitag.", "en", "de") == ["night"]
    assert units.lost("Give her a quarter of a teaspoon of syrup.", "Donnez-lui un quart de sucre.", "en", "fr") == ["spoon"]


def test_what_the_seventh_part_flagged_wrongly_is_read_right():
    """False alarms of the checks on the error benchmark's seventh part (heldout6), each a reading gap."""
    assert not numbers.compare("My grandparents moved to London in the seventies.", "我的祖父母在70年代搬到伦敦。", "en", "zh")
    assert not numbers.compare("My grandparents moved to London in the seventies.",
                               "Meine Großeltern zogen in den Siebzigern nach London.", "en", "de")
    assert not numbers.compare("She paid thirty pounds for the taxi.", "她付了三十磅的出租车费。", "en", "zh")
    assert not numbers.compare("The library has added 300 new books.", "La bibliothèque a ajouté 300 nouveaux livres.", "en", "fr")
    assert numbers.compare("The library has added 300 new books.", "La bibliothèque a payé 300 livres.", "en", "fr")  # pounds
    assert not numbers.compare("Ethiopia finished second.", "Etiopía terminó en segundo lugar.", "en", "es")
    assert not numbers.compare("We never received the second payment.", "Nunca recibimos el segundo pago.", "en", "es")


def test_what_the_seventh_part_missed_is_caught():
    assert numbers.compare("We'll meet outside the cinema at half eight.", "Wir treffen uns um acht Uhr.", "en", "de")
    assert not numbers.compare("We'll meet outside the cinema at half eight.", "Wir treffen uns um halb neun.", "en", "de")
    assert numbers.compare("My grandparents moved to London in the seventies.", "私の祖父はロンドンに移動しました。", "en", "ja")
    assert numbers.compare("Our daughter turns five next week.", "我们的女儿下个月五岁。", "en", "zh")  # a month, not a week
    assert not numbers.compare("Our daughter turns five next week.", "Unsere Tochter wird nächste Woche fünf.", "en", "de")
    assert numbers.compare("It did not rise above zero all week.", "Sie stieg im ganzen Monat nicht über null.", "en", "de")


def test_what_the_eighth_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's eighth part (heldout7), each a reading gap."""
    assert not negation.flipped("My parents have never missed a concert.", "我父母从不错过音乐会。", "en", "zh")  # 从不, not 不错
    assert negation.flipped("My parents have never missed a concert.", "我父母觉得音乐会不错。", "en", "zh")  # 不错: not bad
    assert not negation.flipped("Phones are no longer allowed in class.", "老师禁止课堂内使用手机。", "en", "zh")
    assert not negation.flipped("Smoking is prohibited on the platform.", "站台上禁止吸烟。", "en", "zh")  # said without "not"
    assert not numbers.compare("It comes to twelve dollars fifty.", "总共是12.50美元。", "en", "zh")
    assert not numbers.compare("It comes to twelve dollars fifty.", "Cela fait 12 dollars 50.", "en", "fr")
    assert numbers.compare("It comes to twelve dollars fifty.", "Cela fait 12 dollars.", "en", "fr")
    assert numbers.compare("It comes to twelve dollars fifty.", "Cela fait 12,70 dollars.", "en", "fr")
    assert not numbers.compare("I paid 12 euros 50 times.", "Ich habe 50 Mal 12 Euro bezahlt.", "en", "de")  # no amount
    assert units.lost("Up to 35 mm of rain tonight.", "预计晚上会有35毫米的雨。", "en", "zh") == []
    assert units.lost("Up to 35 mm of rain tonight.", "预计明晚会有35毫米的雨。", "en", "zh") == ["tonight"]
    assert units.lost("It pays 3.25 percent.", "Paga 3.25 porcento.", "en", "es") == []
    assert units.lost("You'll need a litre of cream.", "Necesitarás una litra de crema.", "en", "es") == []
    assert not check.foreign_letters("Göteborgのローカル選挙。", "ja", "Turnout in the Gothenburg local elections.")
    assert check.foreign_letters("Hamburgのローカル選挙。", "ja", "Turnout in the Gothenburg local elections.") == ["Hamburg"]


def test_what_the_ninth_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's ninth part (heldout8), each a reading gap."""
    assert units.lost("Thursday's forecast is 35 degrees.", "周四的预报是35摄氏度。", "en", "zh") == []
    assert units.lost("Thursday's forecast is 35 degrees.", "周四的预报是35。", "en", "zh") == ["degree"]
    assert units.lost("Almost a quarter of the eggs were cracked.", "卵の約1/4が破れました。", "en", "ja") == []
    assert units.lost("Almost a quarter of the eggs were cracked.", "卵の約1/3が破れました。", "en", "ja") == ["quarter"]
    assert not check.findings_for("Scan the QR code to pay.", "请扫描二维码进行支付。", "en", "zh")  # 二维码: no 2, QR said
    assert not negation.flipped("The car park only accepts contactless payment.", "停车场只接受无接触支付。", "en", "zh")
    assert not negation.flipped("We no longer deliver outside the M25.", "我们不再向地址不在M25的客户送货。", "en", "zh")


def test_what_the_ninth_part_missed_is_caught():
    assert numbers.compare("He'll retake it in June.", "Il le repassera le 6 juin.", "en", "fr")  # a day added to the month
    assert not numbers.compare("He'll retake it in June.", "Il le repassera en juin.", "en", "fr")
    assert not numbers.compare("The deadline is 6 June.", "La date limite est le 6 juin.", "en", "fr")
    assert numbers.compare("It moved from 3:15 to half four.", "Elle est passée de 3:15 à quatre heures.", "en", "fr")
    assert not numbers.compare("It moved from 3:15 to half four.", "Sie wurde von 3:15 auf halb fünf verlegt.", "en", "de")
    assert numbers.compare("Pay before the 28th of this month.", "请在28月前支付。", "en", "zh")  # no calendar has a 28th month
    assert not numbers.compare("We waited 18 months.", "我们等了18个月。", "en", "zh")


def test_what_the_tenth_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's tenth part (heldout9): no negation in any of them."""
    flipped = negation.flipped
    assert not flipped("Is the spa open to non-residents?", "SPA是否对非居民开放？", "en", "zh")  # non-: an absence
    assert not flipped("Is the spa open to non-residents?", "Ist das Spa für Nicht-Residenten offen?", "en", "de")
    assert not flipped("The bonus was cut, unfortunately.", "奖金被削减了，不幸的是。", "en", "zh")  # 不幸: unfortunate
    assert not flipped("The session is cancelled because the hall is flooded.", "培训会因为大厅被水淹没而取消。", "en", "zh")
    assert flipped("The session is cancelled.", "培训会没有取消。", "en", "zh")


def test_what_the_eleventh_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's eleventh part (heldout10), each a reading gap."""
    fare = "Kids ride free; everyone else pays two euros fifty."
    assert not numbers.compare(fare, "其他人都需要支付两欧元五十。", "en", "zh")  # 2.50 said in two units
    assert not numbers.compare(fare, "Les autres paient deux euros et cinquante cents.", "en", "fr")  # cents: the coin, not hundreds
    assert not numbers.compare(fare, "Los demás pagan dos euros con cincuenta.", "en", "es")
    assert numbers.compare(fare, "其他人都需要支付两欧元。", "en", "zh")
    assert not numbers.compare("We paid 2 euros and 50 people came.", "Nous avons payé 2 euros et 50 personnes sont venues.", "en", "fr")
    assert not numbers.compare("A coffee is 3.50 yuan.", "一杯咖啡3元5。", "en", "zh")  # 3元5: 3.5
    assert not negation.flipped("The fever should break within 24 hours; if not, phone 111.",
                                "発熱は24時間以内に解消されるべきです。それ以外の場合は、111に連絡してください。", "en", "ja")  # "otherwise"
    assert not negation.flipped("The fever should break within 24 hours; if not, phone 111.",
                                "Das Fieber sollte in 24 Stunden sinken; wenn nicht, rufen Sie 111 an.", "en", "de")
    assert negation.flipped("The fever should not last; phone 111.", "Das Fieber sollte dauern; rufen Sie 111 an.", "en", "de")
    assert names.lost("Mateo scored in Saturday's under-12 final.", "Mateo a marqué en finale des moins de 12 ans samedi.") == []
    assert names.lost("How much is a ticket to Zone 3?", "¿Cuánto es un billete para Zona 3?") == []
    assert names.lost("Send it to unit B-12 today.", "Envíalo hoy a la unidad B-21.") == ["B-12"]  # a code is still a code


def test_a_negation_said_by_its_opposite_is_kept():
    """"not open" said "closed", "didn't pass" said "failed", "don't eat" said "avoid eating": no
    "not" in the translation, the same meaning; the plain positive is still a flipped negation."""
    flipped = negation.flipped
    assert not flipped("The pharmacy is not open on public holidays.", "La pharmacie est fermée les jours fériés.", "en", "fr")
    assert flipped("The pharmacy is not open on public holidays.", "La pharmacie est ouverte les jours fériés.", "en", "fr")
    assert not flipped("Emeka didn't pass his driving test.", "エメカは運転免許試験に失敗しました。", "en", "ja")
    assert flipped("Emeka didn't pass his driving test.", "エメカは運転免許試験に合格しました。", "en", "ja")
    assert not flipped("Yuki no longer works at Sony.", "ユキはソニーを退職しました。", "en", "ja")
    assert not flipped("Please don't eat after midnight.", "Bitte vermeiden Sie es, nach Mitternacht zu essen.", "en", "de")
    assert not flipped("The train leaves from platform 2A instead of platform 6.",
                       "Der Zug fährt von Gleis 2A anstatt von Gleis 6.", "en", "de")  # anstatt von: instead of


def test_what_the_twelfth_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's twelfth part (heldout11), each a misreading."""
    assert not numbers.compare("Your card was declined at 21:06 last night.", "您的卡昨天晚上21:06被拒绝了。", "en", "zh")  # last night: yesterday
    assert numbers.compare("Your card was declined at 21:06 tonight.", "您的卡昨天晚上21:06被拒绝了。", "en", "zh")
    assert not numbers.compare("The new café on Rua Augusta is the best.", "Rua Augusta上的新咖啡馆是最好的。", "en", "zh")  # no August
    assert numbers.compare("The new café opens in August.", "新咖啡馆九月开业。", "en", "zh")  # a month is still read as one
    assert not numbers.compare("I haven't had a day off since the fourth of January.", "自从一月四日以来，我还没有一天休息。", "en", "zh")
    assert not numbers.compare("A replacement card is three pounds fifty.", "替换卡的费用是三磅五十。", "en", "zh")
    assert units.lost("My blood pressure was 135 over 85.", "我的血压是135/85。", "en", "zh") == []  # a reading, no bound
    assert units.lost("My bill was no more than 31 euros.", "我的账单不超过31欧元。", "en", "zh") == []  # an upper bound
    assert not negation.flipped("My bill was no more than 31 euros.", "我的账单不超过31欧元。", "en", "zh")
    assert not negation.flipped("Deepa, remember to bring your card.", "Deepa, n'oubliez pas votre carte.", "en", "fr")
    assert negation.flipped("Deepa, remember to bring your card.", "Deepa, recuerda no traer tu tarjeta.", "en", "es")  # a real "not"
    assert not negation.flipped("Take the 9:02 instead.", "Prenez le 9:02 au lieu de cela.", "en", "fr")
    assert not negation.flipped("The kids have no school on Friday.", "金曜日は学校が休みです。", "en", "ja")
    assert negation.flipped("The kids have no school on Friday.", "金曜日は学校があります。", "en", "ja")


def test_a_part_of_the_day_said_by_am_or_pm_must_be_kept():
    """"after 6 pm" said "after 6 o'clock" is six in the morning on a 24-hour clock, and in Chinese
    and Japanese any six; "mid-April" said "the end of April" is another fortnight."""
    lost = units.lost
    assert lost("The shop no longer sells fish after 6 pm.", "Der Laden verkauft seit 6 Uhr keinen Fisch mehr.", "en", "de") == ["pm"]
    assert lost("The shop no longer sells fish after 6 pm.", "Der Laden verkauft nach 18 Uhr keinen Fisch mehr.", "en", "de") == []
    assert lost("The shop closes at 6 pm.", "La tienda cierra a las 6 p. m.", "en", "es") == []  # the Spanish way to write it
    assert lost("The shop closes at 6 pm.", "商店6点后关门。", "en", "zh") == ["pm"]
    assert lost("The shop closes at 6 pm.", "商店晚上6点关门。", "en", "zh") == []
    assert lost("The road is closed until 6 am.", "Die Straße ist bis 6 Uhr gesperrt.", "en", "de") == []  # 6 Uhr: the morning
    assert lost("The road is closed until 6 am.", "La carretera está cerrada hasta las 6 de la tarde.", "en", "es") == ["am"]
    assert lost("The road is closed until 6 am.", "公路在6点之前关闭。", "en", "zh") == []  # an early bare hour reads as the morning there
    assert lost("It stays cold until mid-April.", "Es bleibt bis Ende April kalt.", "en", "de") == ["mid-month"]
    assert lost("It stays cold until mid-April.", "Es bleibt bis Mitte April kalt.", "en", "de") == []
    assert lost("The deadline is the end of September.", "项目截止日期是9月的最后一天。", "en", "zh") == []
    assert lost("The deadline is the end of September.", "La fecha límite es septiembre.", "en", "es") == ["end of the month"]
    assert lost("Don't bring more than one 20 kg suitcase.", "20kgのスーツケースを1個持ってこないでください。", "en", "ja") == ["at least"]
    assert lost("Don't bring more than one 20 kg suitcase.", "20kgのスーツケースを1個以上持ってこないでください。", "en", "ja") == []
    assert lost("Snow is forecast above 1,800 metres.", "Il neigera au-dessus de 1 800 mètres.", "en", "fr") == []


def test_a_double_negation_where_two_cancel_is_a_flipped_negation():
    """German and Chinese say "not" once per clause ("nie ... nicht" says "always"); French and
    Spanish say it twice (ne ... pas, no ... nada), so only the first two are read this way."""
    flipped = negation.flipped
    assert flipped("My parents have never missed a concert.", "Meine Eltern haben nie ein Konzert nicht verpasst.", "en", "de")
    assert flipped("Please do not park in front of the garage.", "请不不要在车库前停车。", "en", "zh")
    assert flipped("Nobody answered the phone.", "前台没没有接听电话。", "en", "zh")
    assert not flipped("My parents have never missed a concert.", "Meine Eltern haben nie ein Konzert verpasst.", "en", "de")
    assert not flipped("Nobody called, and nothing came.", "Niemand rief an, und nichts kam.", "en", "de")  # two clauses
    assert not flipped("I don't want anything.", "No quiero nada.", "en", "es")  # negative concord
    assert not flipped("He has neither time nor money.", "Er hat weder Zeit noch kein Geld.", "en", "de")  # the source says it twice too
    assert not flipped("Without them, we cannot go.", "Ohne sie können wir nicht gehen.", "en", "de")  # "without" keeps it
    assert not flipped("There is no ferry to Naples.", "没有去那不勒斯的渡轮。", "en", "zh")  # 不 of a name
    assert not flipped("The ferry goes to Naples.", "渡轮开往那不勒斯。", "en", "zh")


@pytest.mark.parametrize("source,text,pair", [  # a code review of the seventh part's readings: right, and would be flagged
    ("Il a 30 ans.", "He is 30 years old.", ("fr", "en")),  # a period is read from English only
    ("2024年5月3日に会いましょう", "Let's meet on May 3, 2024.", ("ja", "en")),
    ("See you next year.", "Tot volgend jaar.", ("en", "nl")),  # into a language without its period words
    ("Sales fell by half 10 years ago.", "Les ventes ont baissé de moitié il y a 10 ans.", ("en", "fr")),  # no clock
    ("She's in her twenties.", "Sie ist in ihren Zwanzigern.", ("en", "de")),  # an age, said as a decade
    ("He was born in the seventies.", "Er wurde in den Siebzigerjahren geboren.", ("en", "de")),
    ("It happened in seconds.", "Ocurrió en segundos.", ("en", "es")),  # seconds of time
    ("It cost a few pounds.", "Cela a coûté quelques livres.", ("en", "fr")),  # pounds after "quelques"
])
def test_what_a_review_of_the_seventh_parts_readings_found_is_read_right(source, text, pair):
    assert not numbers.compare(source, text, *pair)


@pytest.mark.parametrize("source,target,text", [  # a code review of the session's readings: right, and once flagged
    ("The final score was 20 to 10.", "de", "Das Endergebnis war 20 zu 10."),  # a score, no clock
    ("Prices rose by about 10 to 15%.", "fr", "Les prix ont augmenté d'environ 10 à 15 %."),
    ("Sales rose by 2.45 percent.", "de", "Die Verkäufe stiegen um 2,45 Prozent."),
    ("They sold at 4.50 each.", "de", "Sie wurden zu je 4,50 verkauft."),
    ("Please arrive before 9:45.", "ja", "9時45分前に到着してください。"),
    ("There will be 20 of us at noon.", "fr", "Nous serons 20 à midi."),
    ("Connect to 10.10.10.1 now.", "de", "Verbinden Sie sich jetzt mit 10.10.10.1."),  # no date
    ("Install version 1.2.24.", "fr", "Installez la version 1.2.24."),
    ("Call 06.12.34.56.78.", "fr", "Appelez le 06.12.34.56.78."),
    ("The train leaves at 8.10.", "de", "Der Zug fährt um 8.10."),
    ("It costs 500 yuan.", "de", "Es kostet ¥500."),
    ("Not only is it cheap, it is fast.", "fr", "Non seulement c'est bon marché, c'est rapide."),
    ("My phone stopped working.", "es", "Mi teléfono dejó de funcionar."),
    ("Please avoid the city centre.", "zh", "请避开市中心，以免堵车。"),
])
def test_what_a_code_review_of_the_readings_found_is_read_right(source, target, text):
    assert check.findings_for(source, text, "en", target) == []


def test_what_the_code_review_asked_to_keep_catching():
    assert numbers.compare("at five to one", "差五分两点", "en", "zh")  # 差五分一点 is 12:55, read now
    assert not numbers.compare("at five to one", "差五分一点", "en", "zh")
    assert numbers.compare("It's five to midnight.", "Es ist fünf vor 23 Uhr.", "en", "de")
    assert names.kept("Austria", "Vuelo a Australia") is False  # another country, not an ending changed
    assert names.kept("Daniela", "Daniel kommt") is False  # a first name with its ending dropped is another name
    assert negation.flipped("The bus will no longer stop here.", "El autobús para aquí.", "en", "es")


def test_morgen_is_tomorrow_and_morgen_capitalised_the_morning():
    assert units.lost("It stays closed until 5:30 tomorrow morning.", "Es bleibt bis morgen um 5:30 am Nachmittag geschlossen.",
                      "en", "de") == ["morning"]
    assert units.lost("It stays closed until 5:30 tomorrow morning.", "Es bleibt bis morgen früh um 5:30 geschlossen.", "en", "de") == []
    assert units.lost("The roads may be icy in the morning.", "Am Morgen können die Straßen glatt sein.", "en", "de") == []


def test_a_company_name_kept_whole_is_no_word_left_in_english_even_in_german():
    assert check.source_words("This is Beatriz from Porto Dental Clinic.", "Hier ist Beatriz von Porto Dental Clinic.", "de") == []
    assert check.source_words("Aunt Lucía arrives at noon.", "Aunt Lucía kommt um Mittag.", "de") == ["Aunt"]  # a word, not a name
    assert check.source_words("Thank you for your patience.", "Danke für Ihre Patience.", "de") == ["Patience"]


# Real outputs of the bundled routes on the error benchmark's fourth part that kept every number and
# lost what it counts in: the unit, the part of the day, "next", the half.
@pytest.mark.parametrize("source,target,text,lost", [
    ("We only need half a litre of milk, not a whole carton.", "de",
     "Wir benötigen nur eine halbe Löffel Milch, nicht eine ganze Karton.", "litre"),
    ("Wei Ling will call you back at 8 in the evening, Beijing time.", "de",
     "Wei Ling wird am Nachmittag um 8 Uhr in Beijing Zeit zurückrufen.", "evening"),
    ("Ms. Nguyen asked whether the report could wait until Thursday afternoon.", "es",
     "Ms. Nguyen preguntó si el informe podría esperar hasta el jueves.", "afternoon"),
    ("Kofi will be 40 next Tuesday, and nobody must tell him about the party.", "es",
     "Kofi cumplirá 40 años el martes, y nadie debe decirle nada de la fiesta.", "next"),
    ("Marta ran the Valencia half marathon in 1 hour 52 minutes.", "fr",
     "Marta a couru le marathon de Valencia en 1 heure 52 minutes.", "half"),
    ("Mix three quarters of a cup of flour with two spoons of sugar.", "ja", "三杯の砂糖と二杯の糖を混ぜてください。", "spoon"),
    ("Quarterly sales reached 3.2 million yuan, up 15% from the spring.", "es",
     "Las ventas trimestrales alcanzaron 3.2 millones de yuan, un 15% más que en el primer trimestre.", "spring"),
    ("Can you remind me to call the dentist after lunch?", "fr",
     "Peux-tu me rappeler d'appeler le dentiste après l'après-midi ?", "lunch"),
    ("We only need half a litre of milk, not a whole carton.", "fr",
     "Nous n'avons besoin que de la moitié de l'eau, pas d'une boîte entière.", "litre"),  # the l' of l'eau is no litre
    ("Tonight's match between Benfica and Ajax kicks off at 20:00.", "es",
     "El partido entre Benfica y Ajax comienza a las 20:00.", "tonight"),  # the evening kept by the clock, the day lost
    ("Three quarters of our customers now pay by phone.", "de", "Die drei Vielfachen unserer Kunden bezahlen jetzt mit Telefon.", "quarter"),
    ("They moved out last March.", "fr", "Ils ont déménagé en mars.", "last"),
])
def test_a_lost_unit_part_of_the_day_next_or_half_is_a_number_error(source, target, text, lost):
    found = check.findings_for(source, text, "en", target)
    assert [f.flag for f in found] == ["number"], found
    assert f"the source says {lost}" in found[0].reason


@pytest.mark.parametrize("source,target,text", [
    ("We only need half a litre of milk.", "ja", "牛乳は0.5リットルだけ必要です。"),
    ("We only need half a litre of milk.", "fr", "Il nous faut seulement un demi-litre de lait."),
    ("Wei Ling will call you back at 8 in the evening.", "de", "Wei Ling ruft Sie um 20 Uhr zurück."),  # the 24-hour clock says it
    ("Wei Ling will call you back at 8 in the evening.", "zh", "魏玲将在晚上8点给你回电话。"),
    ("Kofi will be 40 next Tuesday.", "zh", "科菲下周二就40岁了。"),
    ("Kofi will be 40 next Tuesday.", "fr", "Kofi aura 40 ans mardi prochain."),
    ("They sold their old house last year.", "es", "Vendieron su antigua casa hace un año."),
    ("We were losing 0-2 at half-time.", "es", "Perdíamos 0-2 en el descanso."),
    ("I would like to book a room for two nights.", "de", "Ich möchte ein Zimmer für zwei Nächte buchen."),
    ("The hotel is three kilometres from the station.", "ja", "ホテルは駅から3キロです。"),
    ("It will be 28 degrees in Madrid this afternoon.", "es", "Esta tarde hará 28 grados en Madrid."),
    ("We are having dinner with my parents on Sunday.", "de", "Am Sonntag essen wir mit meinen Eltern zu Abend."),
    ("The pharmacy is not open on public holidays.", "zh", "药店在公休日不营业。"),
    ("Let's discuss this again after lunch.", "ja", "午餐後、もう一度話しましょう。"),
    ("Ravi retires next March.", "ja", "ラヴィは3月に退職します。"),  # the coming March, as people say it
    ("Three quarters of our customers now pay by phone.", "zh", "我们四分之三的客户现在用手机付款。"),
    ("The temperature dropped by nine degrees overnight.", "fr", "La température a baissé de neuf degrés pendant la nuit."),
])
def test_a_unit_part_of_the_day_next_or_half_said_another_usual_way_is_kept(source, target, text):
    assert check.findings_for(source, text, "en", target) == []


@pytest.mark.parametrize("source,target,text", [  # human reference translations (bench/data/mt_reference.json) once flagged
    ("The pharmacy opens at eight in the morning.", "de", "Die Apotheke öffnet um acht Uhr morgens."),  # not tomorrow
    ("The roads may be icy early in the morning.", "de", "Am frühen Morgen können die Straßen glatt sein."),
    ("It is going to rain all afternoon.", "fr", "Il va pleuvoir tout l'après-midi."),  # not midi (noon)
    ("See you next week at the same time.", "zh", "下周同一时间见。"),  # 同一时间: the same time, no one o'clock
    ("Please send the quarterly report before Friday.", "ja", "金曜日までに四半期報告書を送ってください。"),
    ("The roads may be icy early in the morning.", "ja", "早朝は路面が凍結しているかもしれません。"),  # might: no negation
    ("The printer is out of paper again.", "de", "Der Drucker hat schon wieder kein Papier."),  # an absence said with "kein"
    ("My phone battery is almost dead.", "zh", "我的手机快没电了。"),
])
def test_careful_human_translations_are_not_flagged(source, target, text):
    assert check.findings_for(source, text, "en", target) == []


def test_tomorrow_in_german_is_still_read():
    assert numbers.compare("The train leaves tomorrow.", "Der Zug fährt heute.", "en", "de")
    assert not numbers.compare("The train leaves tomorrow.", "Der Zug fährt morgen.", "en", "de")


def test_names_codes_and_addresses_must_come_back():
    assert names.lost("The invoice number is INV-2024-0381.", "Die Rechnungsnummer ist INV-2024-0831.") == ["INV-2024-0381"]
    assert names.lost("Call Maria Schneider today.", "Rufen Sie heute Frau Schneider an.") == ["Maria Schneider"]
    assert names.lost("Chancellor Scholz visited Paris.", "Bundeskanzler Schulz besuchte Paris.") == ["Scholz"]
    assert names.lost("The train to Berlin leaves.", "去柏林的火车出发了。") == []  # a city's Chinese name is known
    assert names.lost("The train to Munich leaves.", "ミュンヘン行きの電車が出発します。") == []
    assert names.lost("Call Maria Schneider today.", "今天给玛丽亚·施耐德打电话。") == []  # a person in Chinese: cannot tell, never flagged
    assert names.lost("Meet me at Central Station.", "Triff mich am Hauptbahnhof.") == []  # a translated common noun


def test_words_in_another_script_are_flagged_and_names_kept_in_latin_are_not():
    assert check.foreign_letters("Wir bleiben дома.", "de") == ["дома"]
    assert check.foreign_letters("会議は그리고4号室です。", "ja") == ["그리고"]
    assert check.foreign_letters("新款iPhone 15售价999美元。", "zh", "The new iPhone 15 costs 999 dollars.") == []
    assert check.foreign_letters("会议在meeting room举行。", "zh", "The meeting is in room four.") == ["meeting", "room"]


def test_a_loanword_of_the_target_is_not_a_word_left_in_english():
    assert check.source_words("The hotel team has a meeting.", "Das Hotel-Team hat ein Meeting.", "de") == []
    assert check.source_words("Thank you for your patience.", "Danke für Ihre Patience.", "de") == ["Patience"]
    assert check.source_words("Thank you for your patience.", "ご辛抱patienceに感謝します。", "ja") == []  # the script check's
    assert check.source_words("Only 20 laptops.", "Nur 20 Laptops.", "de") == []  # a common word's plural
    assert check.source_words("We need 300 chairs.", "Nous avons besoin de 300 chairs.", "fr") == ["chairs"]  # "chair" is not it


def test_a_negation_lost_or_added_is_flagged_and_kept_ones_are_not():
    from linguaflow.translation import negation

    assert negation.flipped("Nobody answered the phone.", "Niemand ist ans Telefon gegangen.", "en", "de") is None
    assert negation.flipped("Don't forget the plants.", "别忘了植物。", "en", "zh") is None
    assert negation.flipped("I can't come on Friday.", "金曜日に行けます。", "en", "ja") == "the source says not, the translation does not"
    assert negation.flipped("We are very happy.", "我们非常高兴。", "en", "zh") is None  # 非常: very, not a negation
    assert negation.flipped("We are happy.", "Nous ne sommes pas contents.", "en", "fr") == "the translation says not, the source does not"
    assert negation.flipped("You have 15 unread messages.", "Tienes 15 mensajes no leídos.", "en", "es") is None  # un-
    assert negation.flipped("Unemployment fell.", "失业率没有下降。", "en", "zh") == "the translation says not, the source does not"
    assert negation.flipped("Leave before it gets dark.", "Partez avant qu'il ne fasse nuit.", "en", "fr") is None  # ne explétif
    assert negation.flipped("It came on Saturday instead of Friday.", "Llegó el sábado en lugar del viernes.", "en", "es") is None


def test_a_translation_far_too_short_for_its_source_is_flagged():
    source = "Please send the quarterly report to the finance team as soon as you can."
    assert [f.flag for f in check.findings_for(source, "Bitte senden.", "en", "de")] == ["length"]
    assert check.findings_for(source, "Bitte senden Sie den Quartalsbericht so bald wie möglich an das Finanzteam.", "en", "de") == []


def test_a_flagged_segment_is_asked_again_told_what_to_keep_and_kept_flagged_if_still_wrong(scripted, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"zh": {"backend": "openai", "model": "m", "options": {"base_url": scripted.url}}}))
    items = [("1", "The train leaves at 7:30 from platform 4."), ("2", "The weather is nice today.")]
    wrong = {"1": "火车10:30从4号站台出发。", "2": "今天天气很好。"}
    scripted.replies = [(200, json.dumps(wrong, ensure_ascii=False), 0), (200, json.dumps({"1": wrong["1"]}, ensure_ascii=False), 0)]
    out, _, found = router.translate_checked(items, "en", "zh")
    assert check.flag_names(found) == {"1": ["number"]} and dict(out)["1"] == wrong["1"]
    assert found["1"][0].reason == "the source says 7:30, the translation 10:30"
    assert '"7:30" -> "7:30"' in scripted.bodies[1]["messages"][0]["content"]  # the second try is told to keep it
    # a second try that gets it right is kept, and nothing is flagged
    scripted.replies = [(200, json.dumps(wrong, ensure_ascii=False), 0), (200, json.dumps({"1": "火车7:30从4号站台出发。"}), 0)]
    out, _, found = router.translate_checked(items, "en", "zh")
    assert found == {} and dict(out)["1"] == "火车7:30从4号站台出发。"


def _german_through(scripted, monkeypatch, prefix: str, said: list[str]) -> tuple[str, str]:  # noqa: F811
    """German routed to the scripted endpoint, and a task's stored transcript of `said` (3 s a
    segment): the task id and the transcript's URI, for a translate step."""
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"de": {"backend": "openai", "model": "m", "options": {"base_url": scripted.url}}}))
    tid = f"{prefix}-{uuid.uuid4().hex[:8]}"
    segments = [{"id": str(n), "start": n * 3.0, "end": n * 3.0 + 2.5, "text": t} for n, t in enumerate(said)]
    return tid, stored_transcript(tid, segments, 6.0)


def test_a_changed_time_through_the_translate_step_is_stored_flagged_with_its_reason_and_reviewed(scripted, monkeypatch, store, bucket):  # noqa: F811
    from linguaflow import pipeline, review
    from linguaflow.request import MediaRequest
    from linguaflow.results.document import expand, flagged_shares

    said = ["The train leaves at 7:30.", "The weather is nice today."]
    tid, transcript = _german_through(scripted, monkeypatch, "meaning", said)
    wrong = {"0": "Der Zug fährt um 10:30 ab.", "1": "Das Wetter ist heute schön."}
    scripted.replies = [(200, json.dumps(wrong), 0), (200, json.dumps({"0": wrong["0"]}), 0)]
    pipeline.translate_step(tid, transcript, "de", {}, store=store)
    coded = store.get(tid)
    de = expand(coded)["languages"]["de"]
    assert de["status"] == "done_with_flags" and de["flags"] == {"0": ["number"]}
    assert de["reasons"] == {"0": "the source says 7:30, the translation 10:30"}
    assert flagged_shares(coded) == {"de": {"flagged": 1, "items": 2}}
    request = MediaRequest(media_uri="s3://bucket/x.wav", target_languages=["de"])
    items = review.flagged_items(tid, request)
    assert [(it["id"], it["flags"], it["reason"]) for it in items.values()] == [
        ("0", ["number"], "the source says 7:30, the translation 10:30")]
    assert "the source says 7:30, the translation 10:30" in review.body(items)


def test_a_fluent_translation_that_says_something_else_is_flagged_low_quality_by_the_estimate(scripted, monkeypatch, store, bucket):  # noqa: F811
    """"more slowly" -> "louder" (a real output of the bundled route) changes no number or name: no
    rule sees it. With the estimate on, the bundled model can hardly read the source back from it:
    flagged `low_quality` with the estimate in the reason, asked again, stored with every segment's
    estimate, offered for review; the right sentence beside it is not flagged."""
    from linguaflow import pipeline, review
    from linguaflow.request import MediaRequest
    from linguaflow.results.document import expand, quality_summaries
    from linguaflow.translation import estimate

    said = ["Could you speak a little more slowly, please?", "The weather is nice today."]
    tid, transcript = _german_through(scripted, monkeypatch, "estimate", said)
    wrong = {"0": "Kannst du bitte etwas lauter sagen?", "1": "Das Wetter ist heute schön."}
    assert check.findings_for(said[0], wrong["0"], "en", "de") == []  # the rules pass it
    scripted.replies = [(200, json.dumps(wrong, ensure_ascii=False), 0), (200, json.dumps({"0": wrong["0"]}, ensure_ascii=False), 0)]
    pipeline.translate_step(tid, transcript, "de", {}, store=store, estimate=True)
    assert len(scripted.bodies) == 2  # the doubted segment was asked again, alone
    coded = store.get(tid)
    de = expand(coded)["languages"]["de"]
    assert de["status"] == "done_with_flags" and de["flags"] == {"0": ["low_quality"]}
    line = estimate.line("de")
    assert de["quality"]["0"] < line <= de["quality"]["1"], de["quality"]
    assert f"estimate {de['quality']['0']:.2f}, below {line:.2f}" in de["reasons"]["0"]
    assert quality_summaries(coded)["de"]["low_quality"] == 1
    items = review.flagged_items(tid, MediaRequest(media_uri="s3://bucket/x.wav", target_languages=["de"]))
    assert [(it["id"], it["flags"]) for it in items.values()] == [("0", ["low_quality"])]


def test_what_the_thirteenth_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's thirteenth part (heldout12), each a misreading."""
    source = "Platform 3 at Łódź Fabryczna is closed, so go to platform 1."
    assert check.foreign_letters("Łódź Fabrycznaの3番台は閉まっています。", "ja", source) == []  # a name that opens with Ł
    assert check.foreign_letters("锅炉压力应该在1到1.5bar之间。", "zh", "The boiler pressure should be between 1 and 1.5 bar.") == []
    assert check.foreign_letters("锅炉压力应该在1到1.5 pressure之间。", "zh", "The boiler pressure should be between 1 and 1.5 bar.") == ["pressure"]
    perth = "Perth could hit 41 degrees Saturday, so the cricket may be off."
    assert "Perth" not in check.source_words(perth, "Perth könnte am Samstag 41 Grad erreichen.", "de")  # a city opening the sentence
    assert check.source_words("The cooking class in Durban costs 650 rand per person.", "Le cours à Durban coûte 650 rand par personne.", "fr") == []
    assert check.source_words("Hamid paid 3,400 dirhams.", "Hamid a payé 3 400 dirhams.", "fr") == []  # any currency in use
    assert names.lost("The nurse said you can't visit Grandad until after two.", "La enfermera dijo que no puedes visitar a tu abuelo hasta después de las dos.") == []
    assert names.lost("Sorry, the 32 GB version is sold out.", "Désolé, la version 32 Go est vendue.") == []  # GB is Go in French
    assert not numbers.compare("The second-hand bike was ninety euros.", "二手自行车九十欧元。", "en", "zh")
    assert numbers.compare("The bike was ninety euros.", "二手自行车二十欧元。", "en", "zh")  # a number beside it still read
    assert not numbers.compare("I can't find the receipt for the drill from May.", "我找不到五月买的电钻的收据。", "en", "zh")  # May the month
    assert numbers.compare("I can't find the receipt for the drill from May.", "何時からのドリルのレシートが見つかりません。", "en", "ja")  # the month lost
    assert not numbers.compare("They may come on Friday.", "他们可能星期五来。", "en", "zh")  # "may" the verb is no month
    assert not negation.flipped("Hi, it's Valeria; I'm running fifteen minutes late, sorry.", "こんにちは、Valeriaです。15分遅れて申し訳ありません。", "en", "ja")
    assert not negation.flipped("Sorry, I'm late.", "对不起，我迟到了。", "en", "zh")
    assert negation.flipped("Sorry, I'm late.", "对不起，我没有迟到。", "en", "zh")  # a real "not" beside the apology


def test_what_the_thirteenth_part_missed_is_caught():
    """Misses on the error benchmark's thirteenth part (heldout12): a time turned into a time ago,
    a unit of energy or a half-litre lost, "tomorrow morning" said only "mañana"."""
    concert = "Jens, the concert starts in twenty minutes."
    assert units.added(concert, "Jensのコンサートは20分前です。", "en", "ja") == ["ago"]
    assert units.added(concert, "Jens, das Konzert hat vor zwanzig Minuten begonnen.", "en", "de") == ["ago"]
    assert units.added(concert, "Jens, das Konzert beginnt in zwanzig Minuten.", "en", "de") == []
    assert units.added("Please arrive twenty minutes early.", "20分前に到着してください。", "en", "ja") == []  # early: before
    assert units.added("The shop closes at 5 to 7 on Saturdays.", "その店は毎週土曜日、7時5分前に閉店します。", "en", "ja") == []  # a clock
    assert units.added("They sold their house last year.", "Vendieron su casa hace un año.", "en", "es") == []
    assert check.NUMBER in check.flags_for(concert, "Jensのコンサートは20分前です。", "en", "ja")
    pump = "The heat pump uses about 9 kilowatt-hours a day in January."
    assert units.lost(pump, "1月に1日約9キロワットを使用しています。", "en", "ja") == ["kilowatt-hour"]
    assert units.lost(pump, "Die Wärmepumpe verbraucht im Januar etwa 9 kWh pro Tag.", "en", "de") == []
    assert units.lost("A half-litre of the house red is seven euros.", "这里半斤红酒七欧元。", "en", "zh") == ["litre"]
    assert units.lost("A half-litre of the house red is seven euros.", "Un demi-litre de vin rouge coûte sept euros.", "en", "fr") == []
    sunday = "The microwave's been broken since last Sunday."
    assert units.lost(sunday, "電子レンジは去年の日曜日から壊れています。", "en", "ja") == ["last"]  # a Sunday of last year
    assert units.lost(sunday, "電子レンジは先週の日曜日から壊れています。", "en", "ja") == []
    assert units.lost("We moved here last March.", "去年の3月にここに引っ越しました。", "en", "ja") == []
    room = "Amira has booked the small meeting room for tomorrow morning."
    assert units.lost(room, "Amira ha reservado la sala pequeña para mañana.", "en", "es") == ["morning"]
    assert units.lost(room, "Amira ha reservado la sala pequeña para mañana por la mañana.", "en", "es") == []
    assert units.lost("The meeting is on Friday morning.", "La reunión es el viernes por la mañana.", "en", "es") == []


def test_a_part_of_the_day_put_to_a_bare_clock_time_is_an_addition():
    """"at 5:10 sharp" said "a las 5:10 de la tarde" says when the source does not; Chinese puts a
    part of the day to a bare hour as a rule, so it is not read there."""
    shuttle = "The shuttle leaves the hotel at 5:10 sharp."
    assert units.added(shuttle, "El autobús sale del hotel a las 5:10 de la tarde.", "en", "es") == ["a part of the day"]
    assert units.added(shuttle, "シャトルは午後5時10分ちょうどにホテルを出発します。", "en", "ja") == ["a part of the day"]
    assert units.added(shuttle, "El autobús sale del hotel a las 5:10 en punto.", "en", "es") == []
    assert units.added("The shuttle leaves at 5:10 in the afternoon.", "El autobús sale a las 5:10 de la tarde.", "en", "es") == []
    assert units.added(shuttle, "班车5点10分准时下午离开酒店。", "en", "zh") == []
    train = "The train to Paris leaves at 08:15 tomorrow."
    assert units.added(train, "パリ行きの列車は明日午前8時15分に発車します。", "en", "ja") == []  # 08:15 is in the morning
    assert units.added("The flight leaves at 21:40.", "Der Flug geht am Nachmittag um 21:40.", "en", "de") == ["a part of the day"]


def test_a_lower_bound_the_source_does_not_give_is_an_addition():
    """"forty minutes" said 40分以上 (more than forty) changes the number; a comparison or "any
    further" (これ以上) is no bound."""
    hold = "I've been on hold for forty minutes."
    assert units.added(hold, "私は40分以上待っています。", "en", "ja") == ["a lower bound"]
    assert units.added(hold, "私は40分待っています。", "en", "ja") == []
    assert units.added("Last month we used almost double.", "Letzten Monat haben wir mehr als doppelt verbraucht.", "en", "de") == ["a lower bound"]
    assert units.added("Sales rose 15 % on last year.", "Der Umsatz lag 15 % mehr als im Vorjahr.", "en", "de") == []
    assert units.added("We signed an order worth 45,000 euros.", "Wir haben einen Auftrag über 45.000 Euro abgeschlossen.", "en", "de") == []
    assert units.added("The deadline can't be moved.", "締め切りをこれ以上延長することはできません。", "en", "ja") == []
    assert units.added("It won't get warmer than six degrees.", "6度以上の暖かい気温はありません。", "en", "ja") == []  # a comparison


def test_what_the_fourteenth_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's fourteenth part (heldout13), each a misreading."""
    made = "The Made.com wardrobe weighs 68 kg, so we'll need two people, minimum."
    assert check.foreign_letters("Made.com的衣橱重68公斤，所以至少需要两个人。", "zh", made) == []  # a web address with a capital
    assert check.foreign_letters("我们的房间没有Wi-Fi。", "zh", "Our cabin has no Wi-Fi.") == []
    taxi = "Um, the taxi from Muscat airport shouldn't cost more than 12 rials."
    assert units.lost(taxi, "Das Taxi vom Flughafen sollte weniger als 12 Rial kosten.", "en", "de") == []  # at most, said so
    assert not negation.flipped(taxi, "Das Taxi vom Flughafen sollte weniger als 12 Rial kosten.", "en", "de")
    assert units.lost("Do not take more than 4 tablets within 24 hours.", "4つの錠剤を24時間以内に飲まないでください。", "en", "ja") == ["at least"]
    assert units.lost("It's been broken since last night.", "Es ist seit gestern kaputt.", "en", "de") == []  # last night: yesterday
    assert "night" in units.lost("It's been broken since last Tuesday night.", "Es ist seit Dienstag kaputt.", "en", "de")
    assert not negation.flipped("Her booster is due no later than the 17th.", "Su refuerzo vence no después del 17.", "en", "es")
    assert units.lost("We used 300 kilowatt hours.", "Hemos usado 300 kilowatt horas.", "en", "es") == []
    assert units.lost("It's more than 30 degrees there.", "Es más que 30 grados allí.", "en", "es") == []
    assert not numbers.compare("The bill was almost double February's.", "账单几乎是二月的2倍。", "en", "zh")
    assert not numbers.compare("We'll have 20 cm of snow by tomorrow night.", "Tendremos 20 cm de nieve por mañana noche.", "en", "es")
    assert not numbers.compare("Our shop came to 96 pounds 40.", "Unser Einkauf kam auf 96 Pfund 40.", "en", "de")


def test_a_span_kept_in_another_unit_of_time_is_a_changed_number():
    """"six whole days" said 六週間 (six weeks), "three weeks early" said 三天前: the number is there,
    the span is not. A span said with another number ("two weeks": "14 Tage") is left to `numbers`."""
    order = "Um, my Uniqlo order UQ-55831 still says processing after six whole days."
    assert units.respanned(order, "私の注文UQ-55831は、六週間後で処理中です。", "en", "ja") == ["6 days (the translation: 6 weeks)"]
    assert units.respanned(order, "我的订单UQ-55831六天后仍在处理中。", "en", "zh") == []
    assert units.respanned("It takes 10 minutes.", "Cela prend 10 heures.", "en", "fr") == ["10 minutes (the translation: 10 hours)"]
    assert units.respanned("The water has been off for two weeks.", "Das Wasser ist seit 14 Tagen abgestellt.", "en", "de") == []
    assert units.respanned("We stayed 3 months.", "我们3月待了。", "en", "zh") == []  # March, not three months
    found = check.meaning_findings("The twins arrived three weeks early.", "双胞胎提前三天到了。", "en", "zh")
    assert [f.flag for f in found] == [check.NUMBER] and "3 weeks (the translation: 3 days)" in found[0].reason


def test_centimetres_and_millimetres_must_keep_their_unit():
    snow = "They're forecasting 20 centimetres of snow in Saskatoon by tomorrow night."
    assert units.lost(snow, "彼らは明日夜にSaskatoonで20メートリの雪を予測します。", "en", "ja") == ["centimetre"]
    assert units.lost(snow, "明天晚上萨斯卡通预计有20厘米的雪。", "en", "zh") == []
    assert units.lost("Up to 35 mm of rain tonight.", "Bis zu 35 Millimeter Regen heute Nacht.", "en", "de") == []


def test_not_until_said_as_the_day_itself_in_chinese_and_japanese_is_no_flipped_negation():
    """"won't be ready until Thursday" said 周四准备好 (ready on Thursday) reads right to readers of
    Chinese and Japanese; said 直到周四准备好 / 木曜日まで開きます (ready until Thursday) it does not."""
    ready = "The pharmacy says the prescription won't be ready until Thursday."
    assert negation.flipped(ready, "药店说处方将在周四准备好。", "en", "zh") is None
    assert negation.flipped(ready, "药店说处方直到周四准备好。", "en", "zh")
    rink = "The ice rink doesn't open until 10."
    assert negation.flipped(rink, "氷場は10時に開きます。", "en", "ja") is None
    assert negation.flipped(rink, "氷場は10時まで開きます。", "en", "ja")
    assert negation.flipped(rink, "Die Eisbahn ist bis 10 Uhr geöffnet.", "en", "de")


def test_a_room_said_as_a_floor_is_a_changed_number():
    """"The meeting has moved to room four." said 会议已转移到四楼 (the fourth floor): issue 26's own example."""
    found = check.findings_for(ROOM, "会议已转移到四楼。", "en", "zh")
    assert [f.flag for f in found] == [check.NUMBER] and "room 4 (the translation: floor 4)" in found[0].reason
    assert check.findings_for(ROOM, "会议已移至4号会议室。", "en", "zh") == []
    assert units.room_as_floor(ROOM, "会議は4階に移動しました。", "en", "ja")
    assert units.room_as_floor("Room 305 is on the third floor.", "305室在3楼。", "en", "zh") == []


def test_an_amount_counted_in_another_currency_is_flagged():
    """Currencies beyond the six compared as amounts: "6,500 rupees" said "6,500 Rubel", "45 zloty"
    said 45卢比 (rupees); said in the target's own word for the same currency, or not named, it passes."""
    rupees = "Payment of 6,500 rupees is due on the 30th."
    assert numbers.currency_changed(rupees, "Die Zahlung von 6,500 Rubel ist am 30. fällig.", "en", "de") == ["rupees (the translation: rubel)"]
    assert numbers.currency_changed(rupees, "El pago de 6,500 rupias vence el 30.", "en", "es") == []
    zloty = "Actually, the tickets are 45 zloty for adults and 25 for kids."
    found = check.findings_for(zloty, "实际上，成人票45卢比，儿童票25卢比。", "en", "zh")
    assert [f.flag for f in found] == [check.NUMBER] and "卢比" in found[0].reason
    assert numbers.currency_changed(zloty, "实际上，成人票45兹罗提，儿童票25兹罗提。", "en", "zh") == []
    assert numbers.currency_changed("It costs 1,800 Argentine pesos.", "1,800アルゼンチン ペソです。", "en", "ja") == []


def test_what_the_fifteenth_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's fifteenth part (heldout14), each a misreading."""
    webinar = "The webinar link is zoomhub.io/meet/7781, and we start at noon sharp."
    assert check.findings_for(webinar, "在线会议链接是zoomhub.io/meet/7781，我们从中午开始。", "en", "zh") == []  # a path is no English
    assert check.findings_for(webinar, "Le lien est zoomhub.io/7781, et nous commençons à midi.", "en", "fr")  # the address must stay whole
    assert not negation.flipped("Please pack no more than 100 millilitres of liquid.", "请不要携带超过100毫升的液体。", "en", "zh")
    assert negation.flipped("My bill was no more than 31 euros.", "Mi factura no de electricidad fue menor de 31 euros.", "en", "es")
    assert not numbers.compare("The cold room stays between 2 and 4 degrees around the clock.", "冷室的温度在24小时中保持在2到4度之间。", "en", "zh")
    assert check.foreign_letters("新しいHyundaiIoniqは約480キロ走ります。", "ja", "Our new Hyundai Ioniq gets about 480 kilometres.") == []
    sunday = "Our anniversary falls on a Monday, so we'll celebrate Sunday instead."
    assert not negation.flipped(sunday, "Notre anniversaire tombe un lundi, donc nous ferons la fête dimanche au lieu de lundi.", "en", "fr")
    assert negation.flipped(sunday, "Notre anniversaire tombe un lundi, donc nous ne ferons pas la fête.", "en", "fr")
    tesla = "The Tesla was charged to ninety percent, but it's showing 68 now."
    assert not numbers.compare(tesla, "特斯拉的电量已经充至九成，但现在显示68。", "en", "zh")  # 九成: 90 %
    assert numbers.compare(tesla.replace("ninety", "eighty"), "特斯拉的电量已经充至九成，但现在显示68。", "en", "zh")


def test_what_the_fifteenth_part_missed_is_caught():
    assert units.lost("Add a third of a cup of sugar.", "三杯の砂糖を加えます。", "en", "ja") == ["third"]
    assert units.lost("Everything on this shelf is a third off.", "Alles in diesem Regal ist drei Teile geringer.", "en", "de") == ["third"]
    assert units.lost("Everything on this shelf is a third off.", "Alles in diesem Regal kostet ein Drittel weniger.", "en", "de") == []
    after_next = "Ingrid and Lars are driving up to Trondheim the week after next."
    assert units.lost(after_next, "Ingrid et Lars vont à Trondheim la semaine suivante.", "en", "fr") == ["after next"]
    assert units.lost(after_next, "Ingrid und Lars fahren übernächste Woche nach Trondheim.", "en", "de") == []
    assert units.lost("Rahul's wedding is on the Saturday after next.", "拉胡尔的婚礼在下下周六。", "en", "zh") == []


def test_what_the_sixteenth_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's sixteenth part (heldout15), each a misreading."""
    agenda = "You can download the full agenda from www.greenforum2025.org/schedule starting tomorrow morning."
    assert not numbers.compare(agenda, "Puedes descargar la agenda de www.greenforum2025.org/schedule desde mañana por la mañana.", "en", "es")
    assert units.lost("The clocks go back one hour on Sunday morning.", "Die Uhren gehen am Sonntagmorgen eine Stunde zurück.", "en", "de") == []
    tank = "Rental cars must be returned with no less than half a tank."
    assert not negation.flipped(tank, "租车必须返回至少半满的油箱。", "en", "zh")  # at least: no "not" to keep
    assert not negation.flipped(tank, "Les voitures doivent être rendues avec pas moins d'un demi-réservoir.", "en", "fr")
    assert negation.flipped(tank, "Les voitures ne doivent pas être rendues avec un demi-réservoir.", "en", "fr")
    assert units.lost("Your subscription rises to 15.49 dollars from next month.", "サブスクリプションは次月から15.49ドルになります。", "en", "ja") == []
    assert not numbers.compare("The trip takes about twenty-one hours by bus.", "Le voyage prend environ vingt-un heures en bus.", "en", "fr")
    assert not numbers.compare("The lessons cost 120 Australian dollars.", "课程费用是120澳元。", "en", "zh")
    assert not numbers.compare("The second-hand Corolla has 142,000 km on it.", "La segunda mano Corolla tiene 142,000 km.", "en", "es")


def test_a_named_day_is_read_as_its_date():
    """"Christmas Eve" may be said as its name or as the 24th of December; said as Christmas Day or as
    another holiday it is a changed date, with the name in the reason."""
    eve = "The library closes early on Christmas Eve."
    assert not numbers.compare(eve, "La bibliothèque ferme tôt le 24 décembre.", "en", "fr")
    assert not numbers.compare(eve, "Die Bibliothek schließt an Heiligabend früher.", "en", "de")
    assert not numbers.compare(eve, "图书馆在平安夜提前关门。", "en", "zh")
    changed = numbers.compare(eve, "La biblioteca cierra temprano el día de Navidad.", "en", "es")
    assert changed and changed.reason == "the source says Christmas Eve, the translation Navidad"
    boxing = "The game is on Boxing Day at three o'clock."
    assert numbers.compare(boxing, "比赛在圣诞节下午3点举行。", "en", "zh")
    assert numbers.compare(boxing, "Le match est à la Saint-Jérôme à trois heures.", "en", "fr").reason == "the source says Boxing Day, the translation does not say it"
    assert not numbers.compare(boxing, "Das Spiel ist am 26. Dezember um drei Uhr.", "en", "de")
    assert not numbers.compare("The office is closed between Christmas and New Year.", "Das Büro ist zwischen Weihnachten und Neujahr geschlossen.", "en", "de")
    assert not numbers.compare("The Christmas market opens on 24 November.", "Der Christkindlmarkt öffnet am 24. November.", "en", "de")
    assert not numbers.compare("We fly home for Chinese New Year.", "我们回家过春节。", "en", "zh")  # its date moves: not read


def test_a_rate_keeps_what_it_is_counted_per():
    rent = "My sister's rent went up by 85 dollars weekly."
    assert units.lost(rent, "Die Miete meiner Schwester stieg monatlich um 85 Dollar.", "en", "de") == ["per week"]
    assert units.lost(rent, "Die Miete meiner Schwester stieg wöchentlich um 85 Dollar.", "en", "de") == []
    assert units.lost("The factory makes 3,500 jackets every single week.", "La fábrica produce 3500 chaquetas cada día.", "en", "es") == ["per week"]
    assert units.lost("Bins are collected every fortnight.", "垃圾每两周收一次。", "en", "zh") == []
    assert units.lost("Bins are collected every fortnight.", "垃圾每周收一次。", "en", "zh") == ["per fortnight"]
    assert units.lost("Parking is £2 hourly after that.", "その後、駐車料金は1時間2ポンドです。", "en", "ja") == []


def test_a_phone_number_that_loses_its_leading_zero_is_another_number():
    call = "You can reach me at 0412 338 907 until about six."
    found = check.findings_for(call, "你可以在6点之前拨打412-338-907联系我。", "en", "zh")
    assert [f.flag for f in found] == [check.NUMBER] and "0412 338 907 (the translation drops its leading 0)" in found[0].reason
    assert numbers.zero_dropped(call, "Puedes llamarme al 0412 338 907 hasta las seis.") == []
    assert numbers.zero_dropped("The shop opens at 0800 hours.", "店は8時に開きます。") == []  # a time


def test_what_the_seventeenth_part_flagged_wrongly_is_read_right():
    """False alarms on the error benchmark's seventeenth part (heldout16), each a misreading."""
    fortnight = "Lessons cost 30 euros per hour, payable every fortnight."
    assert not numbers.compare(fortnight, "Las lecciones cuestan 30 euros por hora, pagables cada dos semanas.", "en", "es")
    assert not numbers.compare("Bins in Marchmont Crescent are collected on Fridays.", "Les poubelles de Marchmont Crescent sont collectées le vendredi.", "en", "fr")
    assert numbers.compare("The office reopens in March.", "Le bureau rouvre en mai.", "en", "fr")  # still a month
    assert not numbers.compare("He can come between nine and eleven.", "Il peut venir entre neuf et onze.", "en", "fr")
    peru = "The hotel requires passports at check-in, even for Peruvian citizens."
    assert names.lost(peru, "El hotel requiere pasaportes al ingresar, incluso para los ciudadanos peruanos.") == []
    amex = "We don't accept American Express here, only Visa, Mastercard or cash."
    assert names.lost(amex, "我们不接受美国 Express，只接受Visa、Mastercard和现金。") == ["American Express"]  # inside a name it is the name
    assert names.lost("Half the flats in Block D lose water.", "La mitad de las casas en Bloque D pierden agua.") == []
    oceans = "The Two Oceans Aquarium cost us 640 rand for four people."
    assert not numbers.compare(oceans, "El Aquarium Two Oceans costó 640 rand para cuatro personas.", "en", "es")
    assert numbers.compare(oceans, "Das Aquarium kostet 640 Rand für vier Personen.", "en", "de")  # the name lost: the 2 is asked


def test_a_decimal_comma_with_a_space_is_the_sources_decimal():
    """"29, 50 euros" for 29.50 (the eighteenth part's readers accept it); where the source does not say
    that decimal, "2, 3" stays two numbers."""
    menu = "Yasmin chose the vegetarian set menu, which costs 29.50 euros per person."
    assert not numbers.compare(menu, "Yasmin a choisi le menu végétarien, qui coûte 29, 50 euros par personne.", "en", "fr")
    school = "Our daughter's school in Gaborone starts at 7:20 and finishes at 1:30."
    assert not numbers.compare(school, "L'école de notre fille à Gaborone commence à 7, 20 et se termine à 1, 30.", "en", "fr")
    assert numbers.compare(menu, "Yasmin a choisi le menu végétarien, qui coûte 29, 60 euros par personne.", "en", "fr")
    assert not numbers.compare("Bring 2 or 3 chairs.", "Apportez 2, 3 chaises.", "en", "fr")  # no decimal said: two numbers
    assert numbers.compare("Bring 2.3 kilos.", "Bringen Sie 2, 4 Kilo.", "en", "de")  # another decimal is another number


def test_a_weekday_then_morgen_is_that_mornings_not_tomorrow():
    """"am Mittwoch morgen" (the spelling before 1996) is Wednesday morning, as the eighteenth part's readers read it."""
    colonoscopy = "Eat nothing after midnight before your colonoscopy on Wednesday morning, Mr Hughes."
    assert not numbers.compare(colonoscopy, "Nichts essen nach Mitternacht vor Ihrer Darmspiegelung am Mittwoch morgen, Herr Hughes.", "en", "de")
    assert numbers.compare("Eat nothing after midnight, Mr Hughes.", "Essen Sie morgen nichts nach Mitternacht, Herr Hughes.", "en", "de")
    assert not numbers.compare("My birthday is tomorrow.", "Ich habe Geburtstag morgen.", "en", "de")  # a day ending in -tag is no weekday
