"""Russian- and Ukrainian-language official statements: rules for the formulaic texts the parties publish.

What is read (Russian MoD Telegram bulletins, Ukrainian General Staff and Air Force posts):
1. Interceptions: "дежурными средствами ПВО перехвачены и уничтожены N … аппаратов: K БпЛА – над
   территорией Брянской области, …" -> one intercept incident per region with its count.
2. Strikes on energy facilities: a sentence naming an attack and an energy facility ("атаковали объекты
   энергетики", "удар по подстанции", "НПЗ", "ГИС «Суджа»") -> an energy_strike with the facility category, the
   actor (the Kyiv regime and the AFU are UA, the armed forces of the Russian Federation RU), the region or town.
3. The publisher's claim: each such sentence is a claim of the issuing ministry (an accusation when it names
   the other side as the attacker).
Markdown and emoji decoration is ignored; spans point into the original text.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from ceasefire.extract.numerals import NUMBER, count_of
from ceasefire.extract.taxonomy import acled_labels
from ceasefire.records import Claim, Document, Extraction, Incident, Span, TimeSpan, content_id

_MONTHS_RU = {"январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
              "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12, "січ": 1, "лют": 2, "берез": 3, "квіт": 4,
              "травн": 5, "червн": 6, "липн": 7, "серпн": 8, "вересн": 9, "жовтн": 10, "листопад": 11, "грудн": 12}
_NUM = NUMBER  # digits or numeral words in any case (extract/numerals.py)
# (a "аппарат" is a drone in these posts: "уничтожены три аппарата"; an unmanned boat counts as one too)
_DRONES = r"(?:беспилотн\w*|БпЛА|БПЛА|безпілотн\w*|дрон\w*|ракет\w*|аппарат\w*|безэкипажн\w+\s+катер\w*)"
_DOWNED = r"перехвачен\w*|уничтожен\w*|сбит\w*|збит\w*|знищен\w*"  # shot down, in both languages
# The count before its verb: "Еще 11 украинских БПЛА сбиты над …", "три беспилотника были уничтожены"
_INTERCEPT_AFTER = re.compile(r"(?<![\w-])(?P<n>" + _NUM + r")\s+(?:[\w-]+\s+){0,2}?" + _DRONES +
                              r"\s+(?:были\s+|були\s+)?(?:" + _DOWNED + ")",
                              re.IGNORECASE)
_INTERCEPT = re.compile(r"(?:" + _DOWNED + r"|перехоплен\w*|уничтожил\w*|сбил\w*|перехватил\w*)(?:\s+и\s+\w+)?\s+"
                        r"(?P<n>" + _NUM + r")?\s*(?:\w+\s+){0,2}?" + _DRONES, re.IGNORECASE)
_PER_REGION = re.compile(r"(?:по\s+)?(?<![\w-])(?P<n>" + _NUM + r")\s*(?:БпЛА|БПЛА|беспилотн\w*)?\s*(?:[–—-]\s*)?"
                         r"(?:(?:уничтожен|сбит|перехвачен)\w*\s+)?(?:над|в|на)\s+(?:территори(?:ей|ями|ях|и)\s+|акватори\w+\s+)?(?P<regions>(?:(?:Республики\s+)?"
                         r"(?-i:[А-ЯЁ])[\w-]++(?:\s+и\s+|,\s*)?)++)\s*(?:област\w*|края|краем)?", re.IGNORECASE)
# "над Брянской областью — 41", "в Воронежской — 4", "над Брянской (4) и Смоленской (2) областями"
_REGION_FIRST = re.compile(r"(?:(?:\bнад|\bв|\bна)\s+(?:территори\w+\s+|акватори\w+\s+)?|(?:\bи|,)\s+)(?:Республик\w+\s+)?"
                           r"(?P<region>[А-ЯЁ][\w-]+)(?:\s+(?:област\w*|кра\w+|мор\w+))?\s*(?:[—–-]\s*|\(\s*|"
                           r"(?:(?:был[оиа]?)\s+)?(?:перехвачен|уничтожен|сбит)\w*\s+)"
                           r"(?:(?:еще|ещё|ще)\s+)?(?P<n>" + _NUM + r")")
# "над Ставропольским краем и Республикой Мордовия сбиты 11 и 4 беспилотника соответственно": counts paired with
# the regions in the order named
_RESPECTIVELY = re.compile(r"(?<![\w-])(?P<counts>(?:" + _NUM + r")(?:\s*(?:,|и|та|і)\s*(?:" + _NUM + r"))+)(?=[^.;]{0,200}"
                           r"(?:соответственно|відповідно))", re.IGNORECASE)
# A sentence about the drones the sentence before counted ("Все они были перехвачены", "Усі вони збиті").
_ALL_OF_THEM = re.compile(r"(?:все|всі|усі)\s+(?:(?:они|вони|были|були)\s+){0,2}(?:" + _DOWNED + ")", re.IGNORECASE)
_UNCREWED = re.compile(r"беспилот|БПЛА|БпЛА|безпілот|аппарат|катер", re.IGNORECASE)
_INTERCEPTED = re.compile(_DOWNED + r"|збил\w*|перехоплен\w*|знешкод\w*", re.IGNORECASE)
_COUNTED = re.compile(r"(?P<n>" + _NUM + r")\s+(?:[\w-]+\s+){0,2}?(?:ракет\w*|беспилот\w*|БпЛА|БПЛА|снаряд\w*|аппарат\w*|"
                      r"безпілотн\w*|дрон\w*|авіабомб\w*|авиабомб\w*|бомб\w*|КАБ\w*|шахед\w*|Shahed\w*|геран\w*)",
                      re.IGNORECASE)
_ATTACK = re.compile(r"атак\w*|удар\w*|выпусти\w*|випусти\w*|вдари\w*|ураж\w*|урази\w*|влуч\w*|обстрел\w*|обстріл\w*|нанес\w*|поврежд\w*|пошкод\w*|поражен\w*|"
                     r"сброси\w*|сбросил\w*|скину\w*|скинул\w*|пытал\w*\s+нанести|попыт\w*\s+нанести|беспилотник\w*\s+\w*\s*атаковал", re.IGNORECASE)
_FACILITIES = [
    ("nuclear", r"АЭС|АЕС|атомн\w+\s+электростанц\w*|атомн\w+\s+електростанц\w*|атомн\w+\s+станц\w*"),
    ("hydro", r"ГЭС|гидроэлектростанц\w*|ГЕС|гідроелектростанц\w*"),
    ("oil_refinery", r"НПЗ|нефтеперерабатывающ\w*|нафтопереробн\w*"),
    ("oil_gas_pipeline_storage", r"нефтебаз\w*|нефтепровод\w*|газопровод\w*|газоизмерительн\w*|ГИС|"
                                 r"газораспределительн\w*|ГРС|нефтеперекачивающ\w*|компрессорн\w*|хранилищ\w*|"
                                 r"нафтобаз\w*|газов\w+\s+інфраструктур\w*|нефтегазов\w*|газорозподільн\w*|газопровід\w*|"
                                 r"нафтопровід\w*|нафтоперекачувальн\w*|газосховищ\w*|сховищ\w*|газовидобувн\w*|"
                                 r"газодобыва\w*|нафтогазов\w*"),
    ("electricity", r"энергет\w*|енергет\w*|подстанци\w*|підстанці\w*|электроподстанц\w*|ЛЭП|ЛЕП|"
                    r"лини\w+\s+электропередач\w*|электроснабжен\w*|трансформатор\w*|ТЭЦ|ТЕЦ|ТЭС|ТЕС|"
                    r"электростанц\w*|електростанц\w*|энергообъект\w*|енергооб.єкт\w*|ліні\w+\s+електропередач\w*|"
                    r"електромереж\w*|электросет\w*|електропостачан\w*|энергосистем\w*|енергосистем\w*"),
]
_FACILITY_RX = [(cat, re.compile(rx)) for cat, rx in _FACILITIES]
# An outage is what a strike did, not a facility struck.
_OUTAGE = re.compile(r"без\s+(?:электроснабжения|электричества|света|електропостачання|електрики|світла)|"
                     r"знеструмл\w*|обесточ\w*", re.IGNORECASE)
# Energy named in general ("по объектам энергетики:", "енергетичну інфраструктуру"): the heading of a list of acts.
_GENERIC_FACILITY = re.compile(r"объект\w*\s+(?:топливно-)?энергет\w*(?:\s+инфраструктур\w*)?|энергетическ\w+\s+"
                               r"инфраструктур\w*|об.єкт\w*\s+енергетик\w*|енергетичн\w+\s+інфраструктур\w*|"
                               r"энергосистем\w*|енергосистем\w*|энергетик\w*|енергетик\w*|енергетиц\w*", re.IGNORECASE)
_UA_ACTOR = re.compile(r"киевск\w+\s+режим\w*|ВСУ|вооруженн\w+\s+(?:силы|сил)\s+Украины|украинск\w+\s+"
                       r"(?:боевик\w*|(?:вооруженн\w+\s+)?формирован\w*|беспилотн\w*|БПЛА|БпЛА|дрон\w*|ударн\w*|военн\w*|"
                       r"подразделени\w*|войск\w*|сил\w*|арм\w*)|вооруженн\w+\s+формирован\w+\s+Украины|"
                       r"неонацист\w*|ЗСУ|Сил\w*\s+оборони\s+України|"
                       # "Сили оборони" as the subject of the strike (not of an interception before it)
                       r"Сил\w*\s+оборони(?=\s+(?:\w+\s+)?(?:урази|ураж|вдари|атакува|завда|знищи|поціли)\w*)", re.IGNORECASE)
_RU_ACTOR = re.compile(r"Вооруженн\w+\s+Сил\w*\s+Российской\s+Федерации|ВС\s+РФ|российск\w+\s+(?:войск\w*|армі\w*|"
                       r"окупант\w*)|рашист\w*|окупант\w*|Росі\w+|\bрф\b", re.IGNORECASE)
# "The enemy" in either language: the side the publisher is not.
_ENEMY = re.compile(r"\bпротивник\w*|\bворог\w*|\bворож\w+|\bнеприятел\w*", re.IGNORECASE)
# "Российская сторона не наносит ударов по энергетике": a denial, not an allegation.
_DENIED = re.compile(r"\bне\s+(?:\w+\s+)?(?:нанос\w*|наносил\w*|атаков\w*|атакува\w*|атаку\w*|удар\w*|обстрел\w*|"
                     r"обстрілю\w*|завда\w*|завдава\w*|бь[её]\w*)", re.IGNORECASE)
_RESPONSE = re.compile(r"в\s+ответ\s+на", re.IGNORECASE)
# A consequence told after the act ("В результате падения обломков …") and a habit rather than an act ("продолжает
# наносить удары", "продовжує атакувати").
_CONSEQUENCE = re.compile(r"(?:в\s+результате|внаслідок|у\s+результаті)\b", re.IGNORECASE)
# A sentence that opens on the attack as its subject ("Атака отражена, но …", "Удар пришёлся …") tells more of the
# act the sentence before told (Russian and Ukrainian have no article to say "the").
_THE_ATTACK = re.compile(r"(?:атак[аиуе]|удар(?:ом|у)?|обстрел|обстріл)\b", re.IGNORECASE)
_HABITUAL = re.compile(r"\bпродолжа\w+|\bпродовжу\w+|\bсистематически\b|\bсистематично\b", re.IGNORECASE)
# A running tally of acts since a day ("вже шостий удар … з 25 березня", "с 18 марта"), not an act of its own.
_CLOCK = re.compile(r"(?<![\d.:])\d{1,2}[.:]\d{2}(?![\d.:])")  # "в 15.20 мск": an act of its own hour
# A list's heading that counts its acts: "ВСУ пять раз атаковали", "совершили 14 атак", "дважды нанесли удары"
_ADVERB_TIMES = r"дважды|трижды|четырежды|двічі|тричі"
_TOTAL = re.compile(r"(?<![\w-])(?P<n>(?:" + _NUM + r")\s+(?:раз\w*|атак\w*|удар\w*)|" + _ADVERB_TIMES + r")(?![\w-])",
                    re.IGNORECASE)
_TIMES = re.compile(r"(?<![\w-])(?P<n>(?:" + _NUM + r")\s+раз\w*|" + _ADVERB_TIMES + r"|чотири\s+рази)(?![\w-])",
                    re.IGNORECASE)
_SINCE = re.compile(r"(?:\bз|\bс|\bвід|\bначиная\s+с|\bпочинаючи\s+з)\s+(?:момента\s+|моменту\s+)?\d{1,2}\s+(?:"
                    + "|".join(_MONTHS_RU) + r")\w*", re.IGNORECASE)
# An ordinal of a running count: "Це вже третій удар по енергооб'єктах Херсонщини за тиждень" tells no new act.
_RUNNING = re.compile(r"\b(?:вже|уже)\s+\w+(?:ий|ій|ый|ой)\s+(?:удар|атак|обстр)\w*", re.IGNORECASE)
# Damage or outages told with no attack verb ("Пошкоджено підстанцію, без світла залишилися …").
_DAMAGE_ONLY = re.compile(r"поврежд\w*|пошкод\w*", re.IGNORECASE)
_REGION = re.compile(r"(?:в\s+|на\s+территории\s+|над\s+территорией\s+)?(?<![\w-])(?P<name>(?-i:[А-ЯЁІЇЄ])[\w-]++)\s+"
                     r"(?:област\w*|края|крае|краю|краем)", re.IGNORECASE)
# "Республики Татарстан", "Республіки Марій Ел", "Чувашской Республики", "над Крымом"
_REPUBLIC = re.compile(r"Республ\w+\s+(?P<after>[А-ЯЁІЇЄ][\w-]+(?:\s+[А-ЯЁІЇЄ][\w-]+)?)|"
                       r"(?<![\w-])(?P<before>[А-ЯЁІЇЄ][\w-]+)\s+(?:Народн\w+\s+)?Республ\w+|(?P<crimea>Крым\w*|Крим\w*)|"
                       r"(?<![\w-])(?P<abbr>[ДЛ]НР)(?![\w-])")
# A region named as a land: "на Херсонщині", "Сумщину", "по Брянщине"
_LAND = re.compile(r"(?<![\w-])[А-ЯЁІЇЄ][\w'’ʼ-]+(?:щин|ччин|чин)[аиіуоюе]\w*")
_RAION = re.compile(r"(?<![\w-])(?P<stem>[А-ЯЁІЇЄҐ][\w'’-]+?)(?:ському|ськім|ського|ським|ський|ском|ского|ским|ский)\s+"
                    r"район\w*")
_REGION_ADJECTIVE = re.compile(r"(?:ск|цк)(?:ой|ого|ому|ая|ую|ої|ій|ий|ей)$")
_FACILITY_OF_TOWN = re.compile(r"(?<![\w-])(?P<stem>(?-i:[А-ЯЁ])\w+?)(?:ск|цк)(?:ий|ого|ом|ому|им|ая|ой|ую|ое)\s+"
                               r"(?:НПЗ|ТЭЦ|ТЭС|ГЭС|АЭС|ГРЭС|нефтеперерабатывающ\w+|нефтебаз\w*|подстанци\w*|"
                               r"электростанци\w*)", re.IGNORECASE)
_TOWN = re.compile(r"(?<![\w-])(?:в|у|по|под|біля|возле|поблизу|вблизи|около|неподалік\s+від|недалеко\s+от|в\s+районе|в\s+н\.п\.|населенн\w+\s+пункт\w*)\s+«?(?P<name>[А-ЯЁІЇЄ][\w'’ʼ-]+"
                   r"(?:\s+[А-ЯЁІЇЄ][\w'’ʼ-]+)?)»?")
# A town named after what was hit, in the genitive: "енергооб'єкти Херсона", "энергетику Белгорода"
_OF_TOWN = re.compile(r"(?:енергооб\S*|энергообъект\w*|об.єкт\w*|объект\w*|інфраструктур\w*|инфраструктур\w*|"
                      r"енергетик\w*|энергетик\w*)\s+(?P<name>(?-i:[А-ЯЁІЇЄ])[\w'’ʼ-]+)", re.IGNORECASE)
_DECORATION = re.compile(r"[*_]+|\[([^\]]*)\]\([^)]*\)|[\U0001F000-\U0001FFFF\u2600-\u27BF\uFE0F\u200B]")
_PUBLISHER = re.compile(r"Минобороны\s+России|Министерств\w+\s+обороны\s+Российской\s+Федерации|mod_russia",
                        re.IGNORECASE)


# How each side names the other's forces and its own: the words give away who is speaking when no publisher is named.
_SPEAKS_AS = {"RU": re.compile(r"\bВСУ\b|киевск\w+\s+режим\w*|вооруженн\w+\s+формирован\w+\s+Украины|"
                               r"украинск\w+\s+(?:боевик|неонацист|националист)\w*|группировк\w+\s+войск|"
                               r"Минобороны\s+России|Министерств\w+\s+обороны\s+Российской\s+Федерации|mod_russia"),
              "UA": re.compile(r"\bЗСУ\b|Сил\w*\s+оборони|Генеральн\w+\s+штаб\w*\s+ЗСУ|Повітрян\w+\s+сил|"
                               r"окупант\w*|оккупант\w*|рашист\w*|российск\w+\s+оккупац\w*|Силы\s+обороны|Міненерго|"
                               r"Міністерств\w+\s+енергетики|Укренерго|обласн\w+\s+військов\w+\s+адміністрац\w*")}


def publisher_of(document: Document) -> str | None:
    """The side a statement speaks for: its publisher when named ("Минобороны России", the mod_russia channel),
    else the side whose way of naming the forces the text uses more; None when neither does. A followed source's
    party (`ceasefire source add --party`) says it outright."""
    if document.source_party in ("RU", "UA"):
        return document.source_party
    if _PUBLISHER.search(document.text) or "mod_russia" in (document.source or ""):
        return "RU"
    votes = {party: len(rx.findall(document.text[:20_000])) for party, rx in _SPEAKS_AS.items()}
    if votes["RU"] == votes["UA"]:
        return None
    return max(votes, key=votes.get)


# Bodies that publish statements, as their texts name them; {region} is filled from the region named before.
_BODIES = [
    (re.compile(r"Минобороны\s+России|Министерств\w+\s+обороны\s+Российской\s+Федерации|mod_russia"),
     "Ministry of Defence of the Russian Federation"),
    (re.compile(r"Генеральн\w+\s+штаб\w*\s+(?:ЗСУ|Збройних)|Генштаб\w*\s+ЗСУ"), "General Staff of the Armed Forces of Ukraine"),
    (re.compile(r"Повітрян\w+\s+[Сс]ил\w*|kpszsu"), "Air Force of Ukraine"),
    (re.compile(r"(?P<region>[А-ЯІЇЄҐ][\w'’-]+)\s+(?:ОВА|обласн\w+\s+військов\w+\s+адміністрац\w*)"),
     "{region} regional military administration"),
    (re.compile(r"Міненерго|Міністерств\w+\s+енергетики"), "Ministry of Energy of Ukraine"),
    (re.compile(r"Укренерго"), "Ukrenergo"),
]
_DEFAULT_PUBLISHERS = {"UA": "Armed Forces of Ukraine", "RU": "Ministry of Defence of the Russian Federation"}


def publisher_name(document: Document, party: str | None) -> tuple[str, bool]:
    """Who issued a statement, and whether the text names it: the body it names ("Харківська ОВА" -> "Kharkiv regional
    military administration"), else the usual body of the side that speaks (then inferred from its wording)."""
    from ceasefire.geo import default_geocoder

    for rx, name in _BODIES:
        m = rx.search(document.text[:20_000])
        if m is None:
            continue
        if "{region}" not in name:
            return name, True
        region = default_geocoder().gaz.region(m.group("region"))
        if region is not None:
            return name.format(region=region.admin1), True
    if party in _DEFAULT_PUBLISHERS:
        return _DEFAULT_PUBLISHERS[party], False
    return document.source or "unknown publisher", bool(document.source)


def is_cyrillic(text: str) -> bool:
    letters = [c for c in text[:2000] if c.isalpha()]
    return bool(letters) and sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters) > 0.5


def clean_text(text: str) -> tuple[str, list[int]]:
    """The text without decoration, and for each kept character its offset in the original."""
    out, index = [], []
    pos = 0
    for m in _DECORATION.finditer(text):
        for i in range(pos, m.start()):
            out.append(text[i])
            index.append(i)
        if m.group(1) is not None:  # a link: keep its label
            start = m.start() + 1
            for i, ch in enumerate(m.group(1)):
                out.append(ch)
                index.append(start + i)
        pos = m.end()
    for i in range(pos, len(text)):
        out.append(text[i])
        index.append(i)
    index.append(len(text))
    return "".join(out), index


def sentences(clean: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    # A sentence may open with a date ("… Федерации. 28 марта около 17.00 мск ВСУ атаковали …"), not after "г."
    # A line ending in ":", "," or ";" goes on in the next one (the items of a list, one per line).
    for m in re.finditer(r"(?<=[.!?])(?<!\sг\.)\s+(?=[А-ЯЁІЇЄA-Z0-9«\"▫◽⚡🔹])|(?<![:;,\s])[ \t]*\n\s*", clean):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(clean):
        spans.append((start, len(clean)))
    return spans


_ZONED_CLOCK = re.compile(r"(?<![\d.:])(?P<h>[01]?\d|2[0-3])[.:](?P<m>[0-5]\d)(?![\d.:])\s*(?:\(?\s*)?(?P<zone>мск|МСК|"
                          r"по\s+московскому\s+времени|за\s+московським\s+часом|за\s+київським\s+часом|"
                          r"по\s+киевскому\s+времени)", re.IGNORECASE)


def clock_of(text: str, day: dt.date) -> str | None:
    """The first local time a sentence gives with its zone ("около 17.00 мск", "о 02:10 за київським часом") as
    "HH:MM+hh:mm", the zone's offset on that day (Kyiv keeps summer time, Moscow does not)."""
    m = _ZONED_CLOCK.search(text)
    return _clock(m, day) if m else None


def _clock(m: re.Match, day: dt.date) -> str:
    zone = "Europe/Kyiv" if re.search(r"київ|киев", m.group("zone"), re.IGNORECASE) else "Europe/Moscow"
    moment = dt.datetime(day.year, day.month, day.day, int(m.group("h")), int(m.group("m")), tzinfo=ZoneInfo(zone))
    return moment.isoformat(timespec="minutes")[11:]


def date_of(text: str, published: dt.date) -> TimeSpan:
    """The day of a sentence's acts (see _day_of), with the local time it states ("около 17.00 мск"); a night's
    small hours fall on its second day ("в ночь на 14 марта около 02.00": the 14th)."""
    span = _day_of(text, published)
    m = _ZONED_CLOCK.search(text)
    if m is None:
        return span
    day = span.end if span.start != span.end and int(m.group("h")) < 12 else span.start
    return span.model_copy(update={"clock": _clock(m, day)})


def _day_of(text: str, published: dt.date) -> TimeSpan:
    """The day a sentence's acts happened: a date it names ("у ніч на 14 березня" is the night before that day),
    "last night", "yesterday", else the day of publication."""
    night = re.search(r"(?:у|в)\s+ніч\s+на\s+(\d{1,2})\s+(" + "|".join(_MONTHS_RU) + r")\w*", text, re.IGNORECASE) or \
        re.search(r"в\s+ночь\s+на\s+(\d{1,2})\s+(" + "|".join(_MONTHS_RU) + r")\w*", text, re.IGNORECASE)
    if night:
        month = _MONTHS_RU[night.group(2).lower()]
        try:
            day = dt.date(published.year - (month > published.month), month, int(night.group(1)))
            return TimeSpan(start=day - dt.timedelta(days=1), end=day, precision="range", text=night.group(0))
        except ValueError:
            pass
    m = re.search(r"(\d{1,2})\s+(" + "|".join(_MONTHS_RU) + r")\w*(?:\s+(\d{4}))?", text, re.IGNORECASE)
    if m:
        month = _MONTHS_RU[m.group(2).lower()]
        year = int(m.group(3)) if m.group(3) else published.year - (month > published.month)
        try:
            day = dt.date(year, month, int(m.group(1)))
            return TimeSpan(start=day, end=day, precision="day", text=m.group(0))
        except ValueError:
            pass
    if re.search(r"прошедш\w+\s+ноч\w*|минул\w+\s+ноч\w*|вночі|ночью", text, re.IGNORECASE):
        return TimeSpan(start=published - dt.timedelta(days=1), end=published, precision="range", text="ночью")
    if re.search(r"\bвчера\b|\bучора\b", text, re.IGNORECASE):
        day = published - dt.timedelta(days=1)
        return TimeSpan(start=day, end=day, precision="day", text="вчера")
    return TimeSpan(start=published, end=published, precision="day")


def _actor_near(sentence: str, cue: int, publisher_party: str | None = None) -> str | None:
    """The side named nearest before the attack word ("Генштаб ЗСУ: … російські окупанти атакували" -> RU),
    else the first named after it. "The enemy" is the publisher's other side."""
    hits = sorted([(m.start(), "UA") for m in _UA_ACTOR.finditer(sentence)]
                  + [(m.start(), "RU") for m in _RU_ACTOR.finditer(sentence)]
                  + [(m.start(), _other(publisher_party)) for m in _ENEMY.finditer(sentence) if publisher_party])
    before = [p for pos, p in hits if pos < cue]
    after = [p for pos, p in hits if pos >= cue]
    return (before[-1:] or after[:1] or [None])[0]


def _region_mentions(text: str) -> list[str]:
    """Regions a sentence names, in order: "X области/края", republics, Crimea."""
    found = [(m.start(), m.group("name")) for m in _REGION.finditer(text)]
    found += [(m.start(), "Крым" if m.group("crimea") else m.group("after") or m.group("before") or m.group("abbr"))
              for m in _REPUBLIC.finditer(text)]
    found += [(m.start(), m.group(0)) for m in _LAND.finditer(text)]
    return [name for _, name in sorted(found)]


def _other(party: str | None) -> str | None:
    return {"UA": "RU", "RU": "UA"}.get(party or "")


def _places_in(text: str) -> list[tuple[str, bool]]:
    """Towns, then regions, a clause names: (name, whether it is a region). A town may be named by the adjective of
    its facility ("на Саратовском НПЗ", "Новокуйбышевской ТЭЦ"): its possible nouns, in turn."""
    towns = [(m.group("name"), False) for m in _TOWN.finditer(text)
             if not _REGION.match(text, m.start()) and not _LAND.fullmatch(m.group("name"))]
    # "объекты Курской энергосистемы": a region's adjective names the region, not a village "Курское"
    towns += [(m.group("name"), bool(_REGION_ADJECTIVE.search(m.group("name")))) for m in _OF_TOWN.finditer(text)
              if not _LAND.fullmatch(m.group("name")) and not _REGION.match(text, m.start("name"))]
    # "в Шосткинському районі", "в Белгородском районе": the raion, as its nominative
    towns += [(f"{m.group('stem')}{'ський' if re.search('[іїєґ]', m.group(0)) else 'ский'} район", False)
              for m in _RAION.finditer(text)]
    for m in _FACILITY_OF_TOWN.finditer(text):
        stem = m.group("stem")
        towns += [(name, False) for name in (stem, stem + "ь", stem + "ск", stem + "а", stem + "ль")]
    return towns + [(name, True) for name in _region_mentions(text)]


def _category(text: str) -> str | None:
    """The category of the facility a text names, not counting energy in general ("по енергетиці", a list's
    heading) or an outage ("без электроснабжения остались …")."""
    specific = _OUTAGE.sub(" ", _GENERIC_FACILITY.sub(" ", text))
    return next((cat for cat, rx in _FACILITY_RX if rx.search(specific)), None)


def _facility_items(sentence: str) -> list[tuple[int, int, str]]:
    """The attacks a sentence lists, one per energy facility it names ("… повреждена подстанция в Брянской области,
    атакована нефтеперекачивающая станция в Краснодарском крае"): clauses between commas, semicolons and colons,
    each facility's clause with the clauses after it up to the next facility; what comes before the first is the
    list's heading. One item for the whole sentence when it names at most one facility."""
    # (not at the colon of a clock time: "близько 02:00 дроном пошкоджено …")
    cuts = [0] + [m.end() for m in re.finditer(r"(?:;|(?<!\d):|:(?!\d))\s*|,\s+(?![иа]\s)", sentence)] + [len(sentence)]
    clauses = [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1)]
    items: list[list] = []
    for c0, c1 in clauses:
        category = _category(sentence[c0:c1])
        if items and _CONSEQUENCE.match(sentence, c0):  # "в результате чего без света остались …": the same act
            items[-1][1] = c1
        elif category is not None:
            items.append([c0, c1, category])
        elif items:
            items[-1][1] = c1
        else:
            items.append([c0, c1, None])
    items = [item for item in items if item[2] is not None]
    if len(items) <= 1:
        found = next(((cat, m.start()) for cat, rx in _FACILITY_RX if (m := rx.search(sentence))), None)
        if found is None:
            return []
        # "Над областю збито 5 шахедів, ще два влучили в об'єкт енергетики": the hit alone, after the interception
        begin = max((c1 for c0, c1 in clauses if c1 <= found[1] and _INTERCEPTED.search(sentence, c0, c1)), default=0)
        return [(begin, len(sentence), found[0])]
    return [tuple(item) for item in items]


# A further tally joined on ("…, ещё три — над Тверской"; "…; ще 5 збито над …"): a clause of its own.
_FURTHER = re.compile(r"[,;]\s+(?:(?:а|и|і|та)\s+)?(?=(?:ещё|еще|ще)\b)|;\s+", re.IGNORECASE)
Group = tuple[int | None, str | None, int, int]


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """The clauses of a sentence that each tell an interception of their own, as (start, end); else the whole."""
    cuts = [0, *(m.end() for m in _FURTHER.finditer(sentence)), len(sentence)]
    clauses = list(zip(cuts, cuts[1:]))
    if len(clauses) > 1 and all(_PER_REGION.search(sentence, c0, c1) or _REGION_FIRST.search(sentence, c0, c1)
                                or _INTERCEPT.search(sentence, c0, c1) for c0, c1 in clauses):
        return clauses
    return [(0, len(sentence))]


def _intercept_groups(sentence: str, intercept: re.Match | None, earlier: re.Match | None) -> list[Group]:
    """(count, region, start, end) of an interception sentence: its total, then each region's count."""
    parts = list(_PER_REGION.finditer(sentence))
    groups = []
    for p in parts:
        regions = [r for r in re.split(r"\s+и\s+|,\s*", p.group("regions")) if r and r != "Республики"]
        if len(regions) > 1 and not p.group(0).lower().startswith("по"):
            # "11 БПЛА над территорией Московской, Тульской и Брянской областей": one total, several regions
            groups.append((count_of(p.group("n")), ", ".join(regions), p.start(), p.end()))
            continue
        for region in regions:  # "по два … над территориями Воронежской и Орловской": each
            groups.append((count_of(p.group("n")), region, p.start(), p.end()))
    stated = intercept.groupdict().get("n") if intercept else None
    total = count_of(stated or (earlier.group("n") if earlier else None))
    if total is None:  # "все четыре ракеты сбиты": the count before its noun
        intercept = _COUNTED.search(sentence) or intercept
        total = count_of(intercept.group("n")) if intercept else None
    counted_after = [(count_of(p.group("n")), p.group("region"), p.start(), p.end())
                     for p in _REGION_FIRST.finditer(sentence)]  # "над Брянской областью — 41"
    respectively = _RESPECTIVELY.search(sentence)
    if respectively:
        counts = [count_of(n) for n in re.split(r"\s*(?:,|\bи\b|\bта\b|\bі\b)\s*", respectively.group("counts"))]
        named = _region_mentions(sentence[:respectively.start()])
        if len(counts) == len(named) and None not in counts:
            groups = [(n, region, respectively.start(), respectively.end()) for n, region in zip(counts, named)]
            total = None  # the counts are the regions'; a total would have been stated apart
    # "6 беспилотников над Брянской (4) и Смоленской (2)": the 6 is the total, not Bryansk's
    named_after = {region for _, region, _, _ in counted_after}
    groups = [g for g in groups if g[1] not in named_after] + counted_after
    weapons = list(_COUNTED.finditer(sentence, intercept.start())) if intercept is not None else []
    if not groups and len(weapons) > 1:  # "сбиты четыре ракеты «Точка-У», а также одиннадцать беспилотников": each
        regions = _region_mentions(sentence)
        return [(count_of(m.group("n")), regions[0] if len(regions) == 1 else None, m.start(), m.end())
                for m in weapons]
    if not groups:  # "… над территорией Брянской области", "… в Курской области", "… над Крымом"
        regions = _region_mentions(sentence)  # several regions and one count: placed in none of them
        groups = [(total or 1, ", ".join(regions) or None, 0, len(sentence))]
    elif total and total != groups[0][0]:
        # "перехвачены и уничтожены 27 беспилотников: 12 – над …": the total is the statement's own count
        groups.insert(0, (total, None, intercept.start(), intercept.end()))
    return groups


def extract_official(document: Document, publisher_party: str | None = None) -> Extraction:
    """Incidents and claims from a Russian- or Ukrainian-language official statement."""
    return read_official(document, publisher_party)[0]


def read_official(document: Document, publisher_party: str | None = None) -> tuple[Extraction, list[tuple[int, int]]]:
    """The statement's extraction and the spans its rules read (its incidents' and the sentences that only head or
    follow up an act told elsewhere), which other readers must not read again."""
    from ceasefire.geo import default_geocoder
    from ceasefire.geo.cyrillic import CyrillicPlaces

    published = document.published or dt.date.today()
    clean, index = clean_text(document.text)
    publisher_party = publisher_party or publisher_of(document)
    publisher, named = publisher_name(document, publisher_party)
    incidents, claims = [], []
    read: list[tuple[int, int]] = []  # spans of sentences read without an incident of their own

    def span(a: int, b: int) -> Span:
        start, end = index[a], index[b - 1] + 1
        return Span(start=start, end=end, text=document.text[start:end])

    def claim_of(ev: Span, actor_party: str | None) -> list[str]:
        """The publisher's claim of a sentence (every statement is one), as the ids its incidents cite."""
        if not publisher_party:
            return []
        stance = "accuse" if actor_party and actor_party != publisher_party else "assert"
        claim = Claim(id=content_id("clm", document.id, ev.start, ev.end, publisher), doc_id=document.id,
                      speaker=publisher, party=publisher_party, stance=stance, cue="statement", text=ev.text,
                      when=TimeSpan(start=published, end=published, precision="day"), venue="social post", span=ev,
                      party_basis="stated" if named else "inferred_from_wording")
        claims.append(claim)
        return [claim.id]

    place_for = CyrillicPlaces(default_geocoder(), published).place
    previous_actor: str | None = None  # the side of the last energy strike told, if any
    spans = sentences(clean)
    last_act = -2  # the sentence that told the last energy strike
    for k, (a, b) in enumerate(spans):
        previous_start = spans[k - 1][0] if k else a
        sentence = clean[a:b]
        when = date_of(sentence, published)
        intercept = _INTERCEPT.search(sentence) or _INTERCEPT_AFTER.search(sentence)
        earlier = _COUNTED.search(clean, previous_start, a) if _ALL_OF_THEM.match(sentence) else None
        if intercept is None and _RESPECTIVELY.search(sentence) and re.search(_DRONES, sentence, re.IGNORECASE):
            intercept = _INTERCEPTED.search(sentence)  # "сбиты 11 и 4 беспилотника соответственно"
        if intercept is None and earlier and _INTERCEPTED.search(sentence):
            # "… с помощью 35 беспилотников. Все они были перехвачены …": the count the sentence before gave
            intercept = _INTERCEPTED.search(sentence)
            when = date_of(clean[previous_start:b], published)
        # Shot down by air defence, or destroyed "над" a territory: in the air either way
        # (drones and unmanned boats destroyed are downed: "Всего уничтожено десять украинских аппаратов")
        if intercept and re.search(r"ПВО|ППО|сбит|збит|перехва|\bнад\s+(?:территори|акватори|[А-ЯЁ])", sentence,
                                   re.IGNORECASE) or intercept and _UNCREWED.search(intercept.group(0)):
            actor_party = publisher_party or "RU"
            clauses = _clauses(sentence) if earlier is None else []
            if len(clauses) > 1:  # "Над Калужской областью сбили семь беспилотников, ещё три — над Тверской"
                groups = [(n, region, c0 + g0, c0 + g1) for c0, c1 in clauses for n, region, g0, g1 in
                          _intercept_groups(sentence[c0:c1], _INTERCEPT.search(sentence, c0, c1)
                                            or _INTERCEPT_AFTER.search(sentence, c0, c1), None)]
            else:
                groups = _intercept_groups(sentence, intercept, earlier)
            claim_ids = claim_of(span(a, b), actor_party)
            for count, region, s0, s1 in groups:
                place = place_for(region, True) if region and "," not in region else None
                ev = span(a + s0, a + s1)
                incidents.append(Incident(
                    id=content_id("inc", document.id, ev.start, ev.end, "intercept", region), doc_id=document.id,
                    type="intercept", acled_event_type="Strategic developments",
                    acled_sub_event_type="Disrupted weapons use", actor=publisher, actor_party=actor_party,
                    target_party="UA" if actor_party == "RU" else "RU", count=count, weapon="drone",
                    place_mention=region, place=place, place_reason=None if place else "no place named", when=when,
                    claim_ids=claim_ids, claimant_party=publisher_party, span=ev))
            continue
        attack = _ATTACK.search(sentence)
        items = _facility_items(sentence)
        if not (items and attack) or _DENIED.search(sentence):
            continue
        aftermath = not _actor_near(sentence, 0, publisher_party) and not _CLOCK.search(sentence) and (
            _CONSEQUENCE.match(sentence) or _THE_ATTACK.match(sentence)
            or all(_DAMAGE_ONLY.fullmatch(m.group(0)) for m in _ATTACK.finditer(sentence)))
        if aftermath and previous_actor:
            read.append((index[a], index[b - 1] + 1))
            last_act = k  # what the strike did is part of its telling
            continue  # "В результате падения обломков повреждена ЛЭП": what the strike just told did, not a new act
        told_before = clean[previous_start:a]
        if aftermath and k and _ATTACK.search(told_before) and _actor_near(told_before, 0, publisher_party):
            # "… в Харкові рф завдала удару трьома дронами. Пошкоджено трансформаторну підстанцію": the strike the
            # sentence before told, and what it hit: one act, read from both sentences
            a, sentence = previous_start, clean[previous_start:b]
            when, attack, items = date_of(sentence, published), _ATTACK.search(sentence), _facility_items(sentence)
        whole_sentence_places = _places_in(sentence)
        beside = k + 1 < len(spans) and _category(clean[slice(*spans[k + 1])]) or last_act == k - 1
        if beside and not _category(sentence) and not whole_sentence_places and not _CLOCK.search(sentence) \
                and not (_TOTAL.search(sentence) or _COUNTED.search(sentence)):
            # "росія знову вдарила по енергетиці. На Донеччині дрони пошкодили підстанцію …"; "… Тем самым киевский
            # режим нарушил мораторий на удары по объектам энергетики": energy in general, heading or closing an act
            read.append((index[a], index[b - 1] + 1))
            continue
        actor_party = "RU" if _RESPONSE.search(sentence) else _actor_near(sentence, attack.start(), publisher_party)
        # unnamed: the side of the strike just told, else the publisher's other side
        actor_party = actor_party or previous_actor or _other(publisher_party)
        ev = span(a, b)
        claim_ids = claim_of(ev, actor_party)
        heading = _TOTAL.search(sentence, 0, items[0][0]) if len(items) > 1 else None
        if heading:  # the heading's count of the acts listed: a total, placed nowhere, its category the items'
            incidents.append(Incident(
                id=content_id("inc", document.id, ev.start, ev.end, "energy_strike", "total"), doc_id=document.id,
                type="energy_strike", acled_event_type=acled_labels("energy_strike")[0],
                acled_sub_event_type=None, actor_party=actor_party, target_party=_other(actor_party),
                count=count_of(heading.group("n")), place_reason="a count of the acts listed",
                when=when.model_copy(update={"clock": None}),
                claim_ids=claim_ids, claimant_party=publisher_party, span=span(a, a + items[0][0])))
        for i0, i1, facility in items:
            told = sentence[i0:i1]  # the words of this one act (the whole sentence when it tells one)
            mentions = _places_in(told) or (whole_sentence_places if len(items) == 1 else [])
            places = [p for p in (place_for(name, is_region) for name, is_region in mentions) if p]
            if _RUNNING.search(told) or not places and (_HABITUAL.search(sentence) or _SINCE.search(told)):
                continue  # "Киевский режим продолжает наносить удары по объектам энергетики": no act told
            if any(not is_region for _, is_region in mentions):
                places = places[:1]  # the town first, its region only if the town is unknown
            else:  # "Уражень на Чернігівщині та Сумщині зазнали об'єкти енергетики": one act per region named
                places = [p for n, p in enumerate(places) if p.admin1 not in {q.admin1 for q in places[:n]}]
                if len(places) > 1 and _TOTAL.search(told):  # "14 атак на объекты … Брянской, Курской …": one
                    places = []  # count over several regions, placed in none of them (as with interceptions)
            weapon = "drone" if re.search(r"беспилот|БпЛА|БПЛА|дрон|безпілот", told, re.IGNORECASE) else \
                ("missile" if re.search(r"ракет|HIMARS", told, re.IGNORECASE) else
                 ("artillery" if re.search(r"артиллер|обстрел|снаряд", told, re.IGNORECASE) else None))
            # "трьома ударними дронами": the count of munitions; "пять раз атаковали", "дважды": of attacks
            munitions = _COUNTED.search(told) or _TIMES.search(told)
            item_span = span(a + i0, a + i1) if (i0, i1) != (0, len(sentence)) else ev
            # a listed act's own day, else the sentence's, with the act's own time ("▪️ в 09.15 мск …")
            item_when = date_of(told, published) if len(items) > 1 else when
            if not item_when.text:
                item_when = when.model_copy(update={"clock": clock_of(told, when.start) or when.clock})
            for place in places or [None]:
                incidents.append(Incident(
                    id=content_id("inc", document.id, item_span.start, item_span.end, "energy_strike",
                                  place.admin1 if place else None),
                    doc_id=document.id, type="energy_strike", acled_event_type=acled_labels("energy_strike")[0],
                    acled_sub_event_type="Air/drone strike" if weapon == "drone" else
                    "Shelling/artillery/missile attack", actor=None, actor_party=actor_party,
                    target_party=_other(actor_party), count=count_of(munitions.group("n")) if munitions else None,
                    weapon=weapon, facility=facility,
                    place_mention=place.mention if place else (mentions[0][0] if mentions else None), place=place,
                    place_reason=None if place else "no place named", when=item_when,
                    claim_ids=claim_ids, claimant_party=publisher_party, span=item_span))
        previous_actor, last_act = actor_party or previous_actor, k
    if publisher_party == "RU":  # captures and repelled attacks: frames as data (extract/statements.py)
        from ceasefire.extract.statements import read_statement

        read += [(i.span.start, i.span.end) for i in incidents]
        framed = read_statement(document, "ru", "RU", skip=read)
        claims += [c for c in framed.claims if c.id not in {x.id for x in claims}]
        incidents += framed.incidents
    return Extraction(document=document, claims=claims, incidents=incidents, contradictions=[]), read
