"""The second synthetic operation, `russia`: unlike `china` in every way the report must handle.

Russian- and English-language text (Cyrillic and Latin), Moscow office hours (UTC+3, Mon-Fri),
no creation waves, November 2014 to 2018 (after Moscow's last clock change, 26 October 2014, so
Europe/Moscow is UTC+3 throughout), and an archive without the engagement counts, the entity
columns (hashtags, urls, user_mentions), the client and the account language: those columns are
absent from the CSV header, as in exports converted to the archive's format. Tweets still carry
#tags and links in their text. Every account, handle, text and value is synthetic.
"""

from __future__ import annotations

from takedown.demo.china import COMBO_SRC as _CHINA_COMBO
from takedown.demo.params import Operation

TOPICS = ("ukraine", "syria", "us_politics", "sanctions", "other")
# "topic family #tags" headers, then that group's sentences: each carries its own topic's keywords
# only. ru_news and ru_chat are two registers of Russian (tweet_language ru).
TEXT = """\
ukraine ru_news #Украина #Крым #Донбасс
Киев снова нарушает перемирие на Донбассе.
Жители Крыма сделали свой выбор на референдуме.
Украинские власти не выполняют минские соглашения.
Запад закрывает глаза на обстрелы Донбасса.
ukraine ru_chat #КрымНаш #Украина
Крым наш, и это навсегда!
Опять эти новости из Киева, сколько можно.
Друзья с Донбасса пишут, что снова стреляли.
ukraine en #Ukraine #Crimea #Donbass
Kiev keeps shelling the people of Donbass.
Crimea chose to return home.
The West ignores the crimes of the Ukrainian army.
syria ru_news #Сирия #Алеппо
Сирия продолжает борьбу с террористами при поддержке союзников.
В Алеппо восстановлено водоснабжение.
Законное правительство Асада контролирует большую часть страны.
syria ru_chat #Сирия
Сирия держится, молодцы!
Наши ребята в Сирии делают важное дело.
syria en #Syria #Aleppo
Aleppo is free from terrorists.
Syria has a legitimate government.
Assad is fighting terrorism, not his people.
us_politics ru_news #Трамп #Выборы2016
Трамп обещает наладить отношения с Москвой.
Клинтон снова обвиняет Россию во всех бедах.
Администрация Обамы уходит, оставив хаос.
us_politics ru_chat #Трамп
Трамп молодец, говорит как есть.
Клинтон уже всем надоела.
us_politics en #Trump #MAGA #Election2016
Trump is the only one who talks about peace.
Clinton wants a war with Russia.
Obama leaves chaos behind.
sanctions ru_news #санкции
Санкции бьют по европейским фермерам сильнее, чем по России.
Ответное эмбарго дало шанс отечественным продуктам.
Евросоюз снова продлил санкции без всяких оснований.
sanctions ru_chat #санкции #импортозамещение
Нам эти санкции только на пользу.
Сыр свой теперь, спасибо эмбарго.
sanctions en #sanctions
Sanctions hurt Europe more than Russia.
The embargo helped Russian farmers.
other ru_news #Москва #новости
Сегодня в Москве тепло и солнечно.
Открылась новая станция метро.
В выходные пройдёт городской фестиваль.
Курс рубля почти не изменился.
other ru_chat #доброеутро #Москва
Доброе утро, друзья!
Какой вкусный сегодня борщ получился.
Всем хорошего дня и отличного настроения.
other en #Moscow #GoodMorning
Have a great day everyone.
Beautiful evening in Moscow.
Coffee first, news later.
other und
📷
🌸🌸
👍👍👍
☕
"""
# Code phrases (see text.py): Russian, English with Russian cities, and transliteration.
COMBO_SRC = {
    "ru": "| в | с |, |. |! | | |.",
    "ru0": "Сегодня утром|Вечером|Вчера|Завтра|На рассвете|В обед|После работы|В воскресенье",
    "ru1": "Москве|Казани|Самаре|Туле|Твери|Перми|Омске|Сочи",
    "ru2": "друзьями|семьёй|коллегами|соседями|детьми|родителями|братом|сестрой",
    "ru3": "пьём чай|гуляем в парке|бегаем|ходим в поход|играем в шахматы|поём песни|"
    "смотрим кино|пьём кофе",
    "ru4": "Настроение отличное|Очень счастливы|Спокойно на душе|Всё хорошо|Прекрасный день|"
    "Отдыхаем душой|Жизнь прекрасна|Полны сил",
    "ru5": "Желаю всем|Желаю вам|Надеюсь, у всех|Пусть у всех|Желаю семье|Пусть у вас|"
    "Желаю нам|Пусть у нас",
    "ru6": "спокойного|счастливого|доброго|удачного|тёплого|светлого|мирного|славного",
    "ru7": "дня|вечера|утра|лета|месяца|года|сезона|отдыха",
    **{k: v for k, v in _CHINA_COMBO.items() if k.startswith("en") and k != "en1"},
    "en1": "Moscow|Kazan|Samara|Tula|Tver|Perm|Omsk|Sochi",
    "und": "| | | | | | | |",
    "und0": "segodnya|vecherom|vchera|zavtra|utrom|dnyom|posle|nochyu",
    "und1": "moskva|kazan|samara|tula|tver|perm|omsk|sochi",
    "und2": "druzya|semya|kollegi|sosedi|deti|roditeli|brat|sestra",
    "und3": "chai|progulka|beg|pohod|shahmaty|pesni|kino|kofe",
    "und4": "otlichno|schastye|spokoino|horosho|prekrasno|otdyh|zhizn|sily",
    "und5": "zhelayu|nadeyus|pust|vsem|vam|nam|semye|druzyam",
    "und6": "spokoinogo|schastlivogo|dobrogo|udachnogo|teplogo|svetlogo|mirnogo|slavnogo",
    "und7": "dnya|vechera|utra|leta|mesyaca|goda|sezona|otdyha",
}
ABSENT_COLUMNS = (
    "account_language",
    "tweet_client_name",
    "quote_count",
    "reply_count",
    "like_count",
    "retweet_count",
    "hashtags",
    "urls",
    "user_mentions",
)
# Finding ids (or id prefixes ending in "_" or ".") that must be unavailable without them.
EXPECTED_UNAVAILABLE = (
    "engagement.zero_engagement_share",
    "engagement.like_",
    "engagement.retweet_p99",
    "engagement.retweet_max",
    "engagement.zero_follower_over_",
    "engagement.top_client",
)  # content is not here: hashtags, links and mentions are extracted from the text

# The most active accounts: ordinary profiles, with what real ones carry (see china.py).
TOP_PROFILES = (
    ("Новости <Daily News>", "Новости дня, ретвит≠согласие | news, views", "Москва, Россия"),
    ('Ольга "Оля" Петрова', "Люблю жизнь ❤️ #Россия #мир", ""),
    ("ivan_petrov_77", "¯\\_(o_o)_/¯ простой человек *без политики*", "Moscow"),
    ("Сергей Иванов", "Russia <3 | Мир и добро", "Россия"),
    ("Доброе утро 🇷🇺", "Каждое утро @NovostiDnya_demo | $1 = 60₽", ""),
    ("👨‍👩‍👧 Семья", "Семья прежде всего [подробнее](в профиле)", "Санкт-Петербург"),
)
# Script samples for the hostile strings: Cyrillic where the China set has Chinese.
HOSTILE_FILL = (
    ("lines", "Строка один\nСтрока два\nСтрока три"),
    ("mixed", "Кириллица здесь, Latin here: mixed scripts"),
    ("flag", "🇷🇺"), ("place", "Moscow, Russia"), ("family", "Семья"),
    ("scripts", "Это кириллица, а это Latin"),
)  # fmt: skip

RUSSIA = Operation(
    name="russia",
    file_prefix="demo_russia",
    timezone="Europe/Moscow",
    utc_offset_min=180,
    start="2014-11-03",
    end="2018-12-28",
    working_hours=(9, 18),
    weekend_factor=0.08,
    hours_weekday=(0.03,) * 7
    + (0.1, 0.4, 1, 1, 1, 1, 0.6, 1, 1, 1, 1, 0.35, 0.1, 0.08, 0.06, 0.05, 0.04),
    hours_weekend=(0.05,) * 7
    + (0.1, 0.3, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.5, 0.4, 0.3, 0.3, 0.2, 0.2, 0.1, 0.1),
    volume_base=0.8,
    volume_set=(
        ("2015-03-01", "2015-09-01", 0.4),
        ("2015-09-01", "2017-01-01", 1.0),
        ("2017-01-01", "2018-12-29", 0.5),
    ),
    volume_mul=(("2016-09-01", "2016-11-15", 1.4),),
    topics=TOPICS,
    topic_labels=("Ukraine", "Syria", "US politics", "Sanctions", "Other"),
    topic_keywords=(
        ("Украин", "Крым", "Донбасс", "Киев", "Ukrain", "Crimea", "Donbas", "Kiev"),
        ("Сирия", "Сирии", "Асад", "Алеппо", "Syria", "Assad", "Aleppo"),
        ("Трамп", "Клинтон", "Обам", "Trump", "Clinton", "Obama"),
        ("санкци", "эмбарго", "sanction", "embargo"),
    ),
    topic_base=(0.35, 0.02, 0.04, 0.12),
    topic_steps=(
        (0, "2015-03-01", 0.15),
        (1, "2015-09-30", 0.25),
        (1, "2017-01-01", 0.1),
        (2, "2016-06-01", 0.2),
        (2, "2016-11-20", 0.1),
        (3, "2015-06-01", 0.06),
    ),  # fmt: skip
    topic_ramps=((2, "2016-01-01", "2016-06-01", 0.04, 0.2),),  # the US campaign year
    families=("ru_news", "ru_chat", "en", "und"),
    family_sep=(" ", " ", " ", " "),
    langs=("ru", "en", "und"),
    lang_p=(0.55, 0.40, 0.05),
    family_split=0.6,
    text=TEXT,
    combo_src=tuple(COMBO_SRC.items()),
    blocks=("ru", "en", "und"),
    tag_p=(0.35, 0.15),
    url_p=0.55,
    account_langs=("ru", "en", "uk"),
    account_lang_p=(0.7, 0.25, 0.05),
    creation_range=("2009-01-01", "2016-06-30"),
    first_window_days=720,
    first_by="2018-06-30",
    waves=(),
    dormant_first_tweet=("2014-11-03", "2014-11-03"),  # unused: no waves
    zero_follower_share=0.31,
    # display names: surname, then given name (with its space), or Latin, or a handle
    surnames=tuple("Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов".split()),
    given=tuple(" " + x for x in "Анна Мария Елена Ольга Дмитрий Сергей Андрей Алексей".split()),
    first_latin=tuple("Ivan Olga Dmitry Anna Sergey Maria Alexey Elena Nikita Irina".split()),
    last_latin=tuple("Ivanov Smirnov Kuznetsov Popov Petrov Sokolov Volkov Morozov".split()),
    locations=(
        "Москва",
        "Россия",
        "Санкт-Петербург",
        "Moscow, Russia",
        "Россия, Москва",
        "Екатеринбург",
        "USA",
        "Земля",
    ),  # fmt: skip
    bios=(
        "Люблю свою страну",
        "Patriot. Family. Freedom.",
        "Новости и мнения",
        "Простой человек",
        "Мир и добро ❤️",
        "Independent news, no fakes",
    ),  # fmt: skip
    clients=("Twitter Web Client", "Twitter for Android", "Twitter for iPhone", "TweetDeck"),
    client_p=(0.55, 0.25, 0.15, 0.05),
    outside=tuple(
        "NovostiDnya_demo MirNews_demo GazetaOnline_demo EkhoVremeni_demo WorldWire_demo "
        "DailyPost_demo PolitObzor_demo RadioVolna_demo".split()
    ),
    domains=(
        ("www.youtube.com", "https://www.youtube.com/watch?v=", "", 0.25),
        ("youtu.be", "https://youtu.be/", "", 0.15),
        ("t.co", "https://t.co/", "", 0.1),
        ("vk.com", "https://vk.com/wall", "", 0.2),
        ("ok.ru", "https://ok.ru/video/", "", 0.1),
        ("bit.ly", "https://bit.ly/", "", 0.2),
    ),
    emoji=("👍", "🇷🇺", "❤️", "🙏", "😂", "💪", "🔥", "👏"),
    trails=("!!", "...", "!", " ?!", "))"),
    clusters_from="2014-11-03",
    plant_engagement=False,
    absent_columns=ABSENT_COLUMNS,
    expected_unavailable=EXPECTED_UNAVAILABLE,
    # 1,152 accounts as in the June 2020 Russia set; a twelfth of its 3,434,792 tweets
    default_accounts=1_152,
    default_tweets=286_233,
    retweet_share=0.37,
    retweet_inside=0.3,
    clusters=27,
    cluster_k=(5, 16),
    top_profiles=TOP_PROFILES,
    hostile_fill=HOSTILE_FILL,
    rings=4,
    ring_k=(5, 9),
    ring_events=(10, 13),
    ring_tags=(
        "МыВместе",
        "ГолосПравды",
        "ВремяПеремен",
        "НашВыбор",
        "ЗаМир",
        "ЕдиныйФронт",
        "ПоддержиСвоих",
        "ВсёБудетХорошо",
    ),  # fmt: skip
)
