"""Synthetic demo archive in the exact Twitter information-operations format, with planted effects.

No takedown archive ships with the project, so the default report renders on this one. Every
planted effect's *realized* value (computed from the rows written, not from the targets) goes to
truth.json, so tests can check that the findings recover it. Numbers are drawn with numpy and
strings assembled with pyarrow compute (no Python loop per row); the tweets file is written in
chunks, so the default size takes seconds and 10 million tweets fit in a few GB.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace as NS
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from takedown.schema import TWEET_COLUMNS, USER_COLUMNS

GENERATOR_VERSION = "demo-1"
USERS_FILE, TWEETS_FILE = "demo_users_csv_hashed.csv", "demo_tweets_csv_hashed.csv"
TRUTH_FILE = "truth.json"
CHUNK_ROWS = 1_000_000
MAX_TWEETS = 16_000_000  # the unique code phrase (see _COMBO) has 8**8 values
UTC_OFFSET_MIN = 480  # Asia/Shanghai, no DST
WEEKEND_FACTOR = 0.28  # weekend per-day posting rate relative to a weekday
DORMANT_DAYS = 90
TWEPOCH_MS = 1288834974657  # Twitter snowflake epoch

TOPICS = ("hong_kong", "guo_wengui", "covid", "taiwan", "other")
# The lexicon labels are planted against (as in profiles/china_052020.yml): case-insensitive
# substring matching of tweet_text recovers every planted label exactly.
TOPIC_KEYWORDS: dict[str, list[str]] = {
    "hong_kong": [
        "香港",
        "港独",
        "港獨",
        "暴徒",
        "反修例",
        "修例",
        "黑暴",
        "Hong Kong",
        "HongKong",
    ],
    "guo_wengui": ["郭文贵", "郭文貴", "Guo Wengui", "Miles Guo"],
    "covid": ["新冠", "肺炎", "疫情", "冠状病毒", "冠狀病毒", "COVID", "coronavirus", "Wuhan"],
    "taiwan": ["台湾", "台灣", "蔡英文", "Taiwan", "Tsai Ing-wen"],
}
FAMILIES = ("simplified", "traditional", "en", "und")  # text families; und = emoji + pinyin
WAVES = (  # creation waves (start, end, dormant): the Sept 2019 wave is silent until late Jan 2020
    ("2019-09-02", "2019-09-15", True),
    ("2019-10-14", "2019-10-20", False),
    ("2019-11-18", "2019-11-24", False),
    ("2019-12-16", "2019-12-22", False),
)
DORMANT_FIRST_TWEET = ("2020-01-22", "2020-01-31")
COVID_RISE_DATES = ("2020-01-20", "2020-03-23")  # start of the January rise; the late-March peak

# "topic family #tags" headers, then that group's sentences: each carries its own topic's keywords
# only, and the script markers of its family (这/们/为/说 vs 這/們/為/說).
_TEXT = """\
hong_kong simplified #香港 #HongKong #止暴制乱 #港独
香港的暴徒必须受到法律制裁，这是大家的共同心愿。
支持香港警察严正执法，反对港独分裂国家。
反修例运动早已变质，幕后黑手为了私利搞乱香港。
暴徒破坏店铺、堵塞道路，香港市民说够了。
港独分子勾结外部势力，这样的人不配代表香港。
hong_kong traditional #香港 #HongKong #止暴制亂 #港獨
香港的暴徒必須受到法律制裁，這是大家的共同心願。
支持香港警察嚴正執法，反對港獨分裂國家。
反修例運動早已變質，幕後黑手為了私利搞亂香港。
暴徒破壞店鋪、堵塞道路，香港市民說夠了。
hong_kong en #HongKong #StandWithHKPolice
The rioters in Hong Kong must face the law.
Support the Hong Kong police and stop the violence.
HongKong belongs to China, no foreign interference.
guo_wengui simplified #郭文贵 #郭文贵骗子
郭文贵是一个骗子，他的谎言早已被揭穿。
郭文贵为了钱什么都说得出来，大家不要上当。
逃犯郭文贵在国外到处造谣，必须追究他的责任。
guo_wengui traditional #郭文貴
郭文貴是一個騙子，他的謊言早已被揭穿。
郭文貴為了錢什麼都說得出來，大家不要上當。
guo_wengui en #GuoWengui #MilesGuo
Guo Wengui is a fugitive and a liar.
Miles Guo keeps spreading rumors for money.
covid simplified #新冠肺炎 #COVID19 #武汉加油 #coronavirus
新冠肺炎疫情面前，中国人民团结一心。
武汉加油！我们一定能战胜疫情。
感谢医护人员，他们在抗击冠状病毒的第一线。
美国应该对疫情的扩散负责，不要甩锅中国。
covid traditional #新冠肺炎 #COVID19 #武漢加油
新冠肺炎疫情面前，中國人民團結一心。
武漢加油！我們一定能戰勝疫情。
感謝醫護人員，他們在抗擊冠狀病毒的第一線。
covid en #COVID19 #coronavirus
China is winning the fight against COVID-19.
Stay strong Wuhan, the whole country stands with you.
The coronavirus is a common enemy of humanity.
taiwan simplified #台湾 #蔡英文
台湾是中国不可分割的一部分。
蔡英文当局的政策只会让台湾同胞受苦。
台湾的选举改变不了两岸统一的大势。
taiwan traditional #台灣 #蔡英文
台灣是中國不可分割的一部分。
蔡英文當局的政策只會讓台灣同胞受苦。
taiwan en #Taiwan #TaiwanElection
Taiwan is an inseparable part of China.
Tsai Ing-wen is leading Taiwan down a dead end.
other simplified #中国 #早安 #正能量 #美丽中国
今天的天气真好，大家出去走走吧。
这家小店的面条味道很不错，推荐给你们。
努力工作，认真生活，这就是幸福。
早安，新的一天从一杯热茶开始。
other traditional #早安 #正能量 #中國
今天的天氣真好，大家出去走走吧。
這家小店的麵條味道很不錯，推薦給你們。
早安，新的一天從一杯熱茶開始。
other en #China #GoodMorning #PositiveEnergy
Have a nice day everyone.
Beautiful sunset this evening.
Good morning from Beijing.
other und
📷
🌸🌸
👍👍👍
☕
"""
# A code phrase per tweet makes every background text unique after normalization: literals, then
# 8 slots of 8 prefix-free phrases (8**8 values). The Chinese slots are script-neutral.
_COMBO_SRC = {
    "zh": "|在|和|一起|，|。|||！",
    "zh0": "今早|今晚|昨天|明天|早上|中午|下午|星期天",
    "zh1": "北京|上海|深圳|杭州|南京|成都|西安|天津",
    "zh2": "朋友|家人|同事|老友|孩子|父母|兄弟|姐妹",
    "zh3": "品茶|散步|跑步|爬山|下棋|唱歌|看花|喝咖啡",
    "zh4": "心情很好|非常幸福|十分安心|格外舒服|安然自在|真是美好|一切平安|精神百倍",
    "zh5": "祝大家|盼大家|祝各位|盼各位|祝你我|盼你我|祝家人|盼家人",
    "zh6": "每天|天天|日日|年年|月月|朝朝|夜夜|常常",
    "zh7": "平安|幸福|健康|如意|安康|吉祥|自在|富足",
    "en": "| in | with |, |. |! | | |.",
    "en0": "This morning|Tonight|Yesterday|Tomorrow|At dawn|At noon|This afternoon|On Sunday",
    "en1": "Beijing|Shanghai|Shenzhen|Hangzhou|Nanjing|Chengdu|Kunming|Tianjin",
    "en2": "friends|family|colleagues|old pals|the kids|my parents|my brothers|my sisters",
    "en3": "drinking tea|taking a walk|going for a run|hiking|playing chess|singing|"
    "watching flowers|having coffee",
    "en4": "Feeling great|So happy|Very relaxed|Truly peaceful|Quite content|Simply wonderful|"
    "All is well|Full of energy",
    "en5": "Wishing everyone|Wishing all of you|Hoping everyone|Hoping all of you|"
    "Wishing my family|Hoping my family|Wishing you and me|Hoping you and me",
    "en6": "a peaceful|a happy|a healthy|a lucky|a calm|a bright|a warm|a fine",
    "en7": "day|week|spring|evening|morning|month|season|year",
    "und": "| | | | | | | |",
    "und0": "jinzao|jinwan|zuotian|mingtian|zaoshang|zhongwu|xiawu|xingqitian",
    "und1": "beijing|shanghai|shenzhen|hangzhou|nanjing|chengdu|xian|tianjin",
    "und2": "pengyou|jiaren|tongshi|laoyou|haizi|fumu|xiongdi|jiemei",
    "und3": "pincha|sanbu|paobu|pashan|xiaqi|changge|kanhua|hekafei",
    "und4": "xinqinghenhao|feichangxingfu|shifenanxin|gewaishufu|anranzizai|zhenshimeihao|"
    "yiqiepingan|jingshenbaibei",
    "und5": "zhudajia|pandajia|zhugewei|pangewei|zhuniwo|panniwo|zhujiaren|panjiaren",
    "und6": "meitian|tiantian|riri|niannian|yueyue|zhaozhao|yeye|changchang",
    "und7": "pingan|xingfu|jiankang|ruyi|ankang|jixiang|zizai|fuzu",
}
_BLOCKS = ("zh", "en", "und")  # family -> block: simplified and traditional share "zh"
_COMBO = {
    b: (_COMBO_SRC[b].split("|"), [_COMBO_SRC[f"{b}{i}"].split("|") for i in range(8)])
    for b in _BLOCKS
}
_COMBO_M, _COMBO_MUL = 8**8, 11_400_713  # an odd multiplier: a bijection on [0, 8**8)

HOSTILE_TWEETS: tuple[str, ...] = (
    "第一行\n第二行\n第三行",
    "Line one\r\nLine two\r\nLine three",
    'She said "hello, world" and then ""twice"" more',
    "Commas, commas, everywhere,,, even at the end,",
    "Family 👨‍👩‍👧 and flag 🇨🇳 and thumbs 👍🏽 together",
    "简体字这里 繁體字這裡 mixed scripts",
    "مرحبا بالعالم، هذا نص عربي",
    "שלום עולם, זה טקסט בעברית",
    "Mixed direction abc مرحبا def שלום ghi",
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "{{< var accounts >}}",
    "{{< include /etc/passwd >}}",
    "{{< meta title >}} and {{< embed notebook.ipynb#fig-x >}}",
    "$$x^2$$ and inline $y_1$ math",
    "# heading\n\nbody under the heading",
    "**bold** and _italic_ and ~~strike~~ text",
    "[link](javascript:alert(1))",
    "#set page(width: 1cm)",
    "See @fig-x and @tbl-y for details",
    "<label> tag and </div> closer",
    "Back\\slash C:\\Users\\demo and a literal \\n",
    "Back`tick` and ```fenced code```",
    "a | b | c\n---|---|---\n1 | 2 | 3",
    "---\ntitle: injected\n---",
    "::: {.callout-note}\nfenced div\n:::",
    "<!-- comment --> &amp; &lt;tag&gt; &#x27;",
    "Zero\u200bwidth and tab\tinside",
    "`r 1+1` and {python} print(1) and ${HOME}",
    'Quote "inside", comma, and newline\nall at once 🇨🇳',
)
# (display name, description, reported location) for the most active accounts
HOSTILE_USERS: tuple[tuple[str, str, str], ...] = (
    ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=1">', "<b>Mars</b>"),
    ("**Bold** | Name `tick`", "# heading\n**bold** [link](javascript:alert(1))", ""),
    ("{{< var accounts >}}", "{{< include /etc/passwd >}} $$x^2$$ @fig-x", "a | b"),
    ('Name, with "quotes"', 'line1\r\nline2, "quoted" | --- <label>', "Beijing, China"),
    ("👨‍👩‍👧 家庭 🇨🇳 אבא", "مرحبا שלום 這是繁體 这是简体", "---"),
    ("#set page(width: 1cm) \\back", "", "\\\\server\\share"),
)
_LOCATIONS = "中国|北京|上海|China|Beijing, China|广东 深圳|New York, USA|地球".split("|")
_BIOS = "热爱生活|Love life, love China.|分享美好生活|歲月靜好|一个普通人|和平与爱 ❤️".split("|")
_SURNAMES, _GIVEN = "王李张刘陈杨赵周吴徐孙林何高", "伟芳娜敏静丽强磊军洋勇艳杰涛明"
_FIRST = "Lucy Jack Amy Kevin Grace Leo Mia Tony Emma David".split()
_PINYIN = "Wang Li Zhang Liu Chen Yang Zhao Zhou Wu Xu".split()
_CLIENTS = (
    "Twitter Web App",
    "Twitter for iPhone",
    "Twitter for Android",
    "Twitter Web Client",
    "TweetDeck",
    "Twitter for iPad",
)
_CLIENT_P = (0.42, 0.2, 0.25, 0.06, 0.04, 0.03)
_OUTSIDE = (
    "globaltimesnews XHNews PDChina CGTNOfficial ChinaDaily SpokespersonCHN MFA_China "
    "zlj517 HuXijin_GT CCTV shen_shiwei AmbLiuXiaoMing"
).split()
_DOMAINS = (  # (domain, url prefix, url suffix, weight)
    ("www.youtube.com", "https://www.youtube.com/watch?v=", "", 0.28),
    ("youtu.be", "https://youtu.be/", "", 0.22),
    ("t.co", "https://t.co/", "", 0.1),
    ("m.youtube.com", "https://m.youtube.com/watch?v=", "", 0.06),
    ("youtube.com", "https://youtube.com/watch?v=", "", 0.05),
    ("www.facebook.com", "https://www.facebook.com/watch/?v=", "", 0.07),
    ("facebook.com", "https://facebook.com/", "/posts", 0.04),
    ("bit.ly", "https://bit.ly/", "", 0.06),
    ("www.globaltimes.cn", "https://www.globaltimes.cn/content/", ".shtml", 0.07),
    ("news.cgtn.com", "https://news.cgtn.com/news/", "/index.html", 0.05),
)
_EMOJI, _TRAILS = (
    ("👍", "🇨🇳", "❤️", "🙏", "😂", "💪", "🔥", "👏"),
    ("!!", "！！", "...", "。", " ?!"),
)
# Slugs without vowels cannot spell an English keyword.
_SLUG_ALPHABET = np.frombuffer(b"bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ0123456789", np.uint8)
_HOURS_WD = np.array(
    [0.05] * 7 + [0.15, 0.9, 1, 1, 0.95, 0.45, 0.8, 1, 1, 0.9, 0.45, 0.2, 0.2, 0.2, 0.2, 0.15, 0.1]
)
_HOURS_WE = np.array(
    [0.05] * 7
    + [0.2, 0.5, 0.7, 0.8, 0.8, 0.6, 0.7, 0.8, 0.8, 0.7, 0.6, 0.5, 0.5, 0.5, 0.4, 0.3, 0.1]
)
_URL_RE, _MENTION_RE = re.compile(r"https?://\S+"), re.compile(r"@\w+")
_PUNCT_RE, _WS_RE = re.compile(r"[^\w\s]"), re.compile(r"\s+")
NORMALIZATION_RULE = (
    "lowercase; URLs (https?://\\S+) and @mentions (@\\w+) become a space; delete every character "
    "that is not a Unicode word character (letter, digit, underscore) or whitespace; collapse "
    "whitespace runs to one space; strip"
)


def normalize_text(text: str) -> str:
    """The normalization coordinated clusters are planted against (see NORMALIZATION_RULE)."""
    s = _MENTION_RE.sub(" ", _URL_RE.sub(" ", text.lower()))
    return _WS_RE.sub(" ", _PUNCT_RE.sub("", s)).strip()


def _day(s: str) -> int:
    return int(np.datetime64(s, "D").astype(np.int64))


START, END = _day("2018-01-01"), _day("2020-04-17")  # local (UTC+8) calendar days
NDAYS = END - START + 1
_WEEKDAY = (np.arange(START, END + 1) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
_W_WEEK = np.where(_WEEKDAY >= 5, WEEKEND_FACTOR, 1.0)


def _tables() -> tuple[list[str], np.ndarray, list[tuple[str, ...]], np.ndarray]:
    """Flat template and hashtag-set tables; start and length per key = topic * 4 + family."""
    groups: dict[int, tuple[list[str], list[str]]] = {}
    for line in _TEXT.splitlines():
        head = line.split(" ")
        if head[0] in TOPICS and len(head) > 1 and head[1] in FAMILIES:
            cur = groups[TOPICS.index(head[0]) * 4 + FAMILIES.index(head[1])] = ([], head[2:])
        else:
            cur[0].append(line)
    tpl: list[str] = []
    tags: list[tuple[str, ...]] = [()]
    tpl_idx, tag_idx = np.zeros((20, 2), np.int64), np.zeros((20, 2), np.int64)
    for k, (texts, tg) in groups.items():
        tpl_idx[k] = len(tpl), len(texts)
        tpl += texts
        sets = [(t[1:],) for t in tg] + [tuple(t[1:] for t in tg[:2])] * (len(tg) >= 2)
        tag_idx[k] = len(tags), len(sets)
        tags += sets
    return tpl, tpl_idx, tags, tag_idx


_TPL, _TPL_IDX, _TAGSETS, _TAG_IDX = _tables()


def _volume_weights() -> np.ndarray:
    """Daily volume shape: thin in 2018, rising mid-2019, dominant Oct 2019 - Apr 2020."""
    w = np.full(NDAYS, 0.25)
    for a, b, v in (("2019-06-01", "2020-04-18", 0.6), ("2019-10-01", "2020-04-18", 1.0)):
        w[_day(a) - START : _day(b) - START] = v
    for a, b, m in (("2020-01-22", "2020-02-06", 1.3), ("2020-03-20", "2020-03-30", 1.6)):
        w[_day(a) - START : _day(b) - START] *= m
    return w * _W_WEEK


def _topic_cum() -> np.ndarray:
    """Cumulative topic probabilities per UTC day: hong_kong, guo_wengui, covid, taiwan."""
    p = np.zeros((NDAYS, 4))
    p[:, 0], p[:, 1], p[:, 3] = 0.08, 0.35, 0.04
    for topic, start, v in (
        (0, "2019-04-01", 0.15), (0, "2019-06-01", 0.5), (0, "2020-01-20", 0.16),
        (0, "2020-03-01", 0.1), (1, "2019-06-01", 0.15), (1, "2020-01-20", 0.1),
        (3, "2019-12-20", 0.18), (3, "2020-01-16", 0.04),  # Taiwan election, 11 January 2020
        (2, "2020-02-01", 0.33), (2, "2020-03-01", 0.36), (2, "2020-03-20", 0.45),
        (2, COVID_RISE_DATES[1], 0.56), (2, "2020-03-30", 0.38),
    ):  # fmt: skip
        p[_day(start) - START :, topic] = v
    a, b = _day(COVID_RISE_DATES[0]) - START, _day("2020-02-01") - START
    p[a:b, 2] = np.linspace(0.05, 0.42, b - a)  # the sharp late-January rise
    return np.cumsum(p, axis=1)


_W_VOL, _TOPIC_CUM = _volume_weights(), _topic_cum()


def _hash(seed: int, kind: str, i: int) -> str:
    return hashlib.sha256(f"takedown-demo:{seed}:{kind}:{i}".encode()).hexdigest()


def _sample_days(lo: Any, hi: Any, w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One local day per row in [lo, hi], drawn with per-day weights w (inverse CDF)."""
    c = np.concatenate([[0.0], np.cumsum(w)])
    lo_r = np.asarray(lo) - START
    hi_r = np.broadcast_to(np.asarray(hi) - START, lo_r.shape)
    a, b = c[lo_r], c[hi_r + 1]
    d = np.searchsorted(c, a + rng.random(lo_r.size) * (b - a), side="right") - 1
    return np.clip(d, lo_r, hi_r) + START


def _hours(weekend: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    u = rng.random(weekend.size)
    wd, we = (np.cumsum(h) / h.sum() for h in (_HOURS_WD, _HOURS_WE))
    return np.where(weekend, np.searchsorted(we, u, "right"), np.searchsorted(wd, u, "right"))


def _slugs(rng: np.random.Generator, n: int, width: int) -> pa.Array:
    """n random ASCII strings of one width, built from buffers without a Python loop."""
    data = _SLUG_ALPHABET[rng.integers(0, _SLUG_ALPHABET.size, (n, width))].tobytes()
    offsets = pa.py_buffer(np.arange(n + 1, dtype=np.int32) * width)
    return pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(data)])


def _join(*parts: Any, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def _when(mask: np.ndarray, a: Any, b: Any = "") -> pa.Array:
    return pc.if_else(pa.array(mask), a, b)


def _pick(rng: np.random.Generator, pool: Any, n: int) -> pa.Array:
    return pa.array(list(pool)).take(rng.integers(0, len(pool), n))


def _num(a: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(a), pa.string())


def _csv(a: pa.Array) -> pa.Array:
    """RFC 4180 quoting where needed (delimiter, quote, line break, edge whitespace)."""
    need = pc.match_substring_regex(a, r'[",\r\n]|^\s|\s$').to_numpy(zero_copy_only=False)
    return _put(a, need, lambda x: _join('"', pc.replace_substring(x, '"', '""'), '"'))


def _sparse(mask: np.ndarray, values: pa.Array, fills: tuple[str, ...] = ("",), which: Any = 0):
    """values (one per True in mask) in mask's rows, fills[which] elsewhere, by one take."""
    idx = np.where(mask, len(fills) - 1 + np.cumsum(mask), which)
    return pa.concat_arrays([pa.array(fills, pa.string()), values]).take(idx)


def _spaced(a: pa.Array) -> pa.Array:
    """The extra-whitespace variant: doubled spaces around sentences, tags, links; trailing
    spaces. Spaces inside keywords ("Hong Kong") stay single so topic matching is unchanged."""
    for old in (". ", " #", " @", " http"):
        a = pc.replace_substring(a, old, old.replace(" ", "  "))
    return _join(a, "  ")


def _put(a: pa.Array, mask: np.ndarray, new: Callable[[pa.Array], pa.Array] | pa.Array) -> pa.Array:
    """Replace the masked rows only (new values, or a function of the old): cheap for few rows."""
    if not mask.any():
        return a
    m = pa.array(mask)
    return pc.replace_with_mask(a, m, new(a.filter(m)) if callable(new) else new)


def _write(f: IO[bytes], cols: list[pa.Array]) -> None:
    """Append rows, fields joined by commas, as one buffer write."""
    lines = _join(_join(*cols, sep=","), "", sep="\n")
    off = np.frombuffer(lines.buffers()[1], np.int32)[lines.offset : lines.offset + len(lines) + 1]
    f.write(memoryview(lines.buffers()[2])[off[0] : off[-1]])


def _untie_top(counts: np.ndarray, k: int) -> None:
    """Make the k largest tweet counts distinct so 'the top 10 accounts' is unambiguous."""
    for _ in range(1000):
        order = np.lexsort((np.arange(counts.size), -counts))
        ties = np.flatnonzero(np.diff(counts[order[:k]]) == 0)
        donors = order[k:][counts[order[k:]] > 1]
        if ties.size == 0 or donors.size == 0:
            return
        counts[order[ties[0]]] += 1
        counts[donors[-1]] -= 1


def _accounts(rng: np.random.Generator, A: int, T: int, seed: int) -> NS:
    """Account table: creation waves, first-tweet day, activity, followers, profile strings."""
    n_dorm, n_old = max(1, round(A * 2000 / 23750)), max(1, round(A * 0.10))
    rest = A - n_dorm - n_old
    sizes = [n_old, n_dorm, round(rest * 0.36), round(rest * 0.34)]
    group = np.repeat(np.arange(5), sizes + [A - sum(sizes)])[rng.permutation(A)]  # 0 = old
    creation = rng.integers(_day("2009-01-01"), _day("2019-06-30") + 1, A)
    for g, (s, e, _) in enumerate(WAVES, start=1):
        creation[group == g] = rng.integers(_day(s), _day(e) + 1, (group == g).sum())
    first = creation + rng.integers(7, 59, A)  # waves: first tweet weeks after creation
    first += np.where((first + 3) % 7 >= 5, 7 - (first + 3) % 7, 0)  # weekend -> Monday
    old = np.flatnonzero(group == 0)
    creation[old[0]] = min(creation[old[0]], START - 30)
    lo = np.maximum(creation[old] + 7, START)
    first[old] = _sample_days(lo, np.minimum(lo + 240, _day("2019-09-30")), _W_WEEK, rng)
    first[old[0]] = START  # the archive's first tweet falls on 2018-01-01
    dorm = group == 1
    d0, d1 = (_day(d) for d in DORMANT_FIRST_TWEET)
    first[dorm] = _sample_days(np.full(dorm.sum(), d0), d1, _W_WEEK, rng)
    weights = rng.lognormal(0.0, 1.2, A) * np.where(group == 0, 2.0, 1.0)
    counts = 1 + rng.multinomial(T - A, weights / weights.sum())
    _untie_top(counts, min(11, A))
    rank = np.lexsort((np.arange(A), -counts))

    followers = np.zeros(A, np.int64)  # exactly round(0.785 A) zeros; ~95% under 8
    nz = rng.permutation(A)[round(0.785 * A) :]
    followers[nz] = rng.geometric(0.19, nz.size)
    big = nz[: max(1, round(A * 0.0008))]
    followers[big] = np.maximum(8, rng.lognormal(7.0, 1.2, big.size).astype(np.int64))
    following = np.where(rng.random(A) < 0.3, 0, rng.geometric(0.08, A))
    fbig = rng.choice(A, max(1, A // 500), replace=False)
    following[fbig] = rng.lognormal(6.0, 1.0, fbig.size).astype(np.int64)

    style = rng.integers(0, 3, A)
    display = _when(
        style == 0,
        _join(_pick(rng, _SURNAMES, A), _pick(rng, _GIVEN, A)),
        _when(
            style == 1,
            _join(_pick(rng, _FIRST, A), _pick(rng, _PINYIN, A), sep=" "),
            _join(pc.utf8_lower(_pick(rng, _PINYIN, A)), _num(rng.integers(1970, 2002, A))),
        ),
    )
    display = display.to_pylist()
    location = _when(rng.random(A) < 0.7, "", _pick(rng, _LOCATIONS, A)).to_pylist()
    bio = _when(rng.random(A) < 0.85, "", _pick(rng, _BIOS, A)).to_pylist()
    hostile = [int(a) for a in rank[: len(HOSTILE_USERS)]]
    for a, (name, desc, loc) in zip(hostile, HOSTILE_USERS, strict=False):
        display[a], bio[a], location[a] = name, desc, loc
    return NS(
        A=A, group=group, creation=creation, first=first, counts=counts, rank=rank, dorm=dorm,
        followers=followers, following=following, lang=rng.choice(3, A, p=[0.74, 0.18, 0.08]),
        client=rng.choice(len(_CLIENTS), A, p=_CLIENT_P), display=display, location=location,
        bio=bio, purl=_when(rng.random(A) < 0.95, "", _join("https://t.co/", _slugs(rng, A, 10))),
        userid=[_hash(seed, "user", i) for i in range(A)], hostile=hostile, seed=seed,
        screen=[_hash(seed, "screen", i) for i in range(A)],
    )  # fmt: skip


def _tweets(rng: np.random.Generator, a: NS, T: int) -> NS:
    """Per-tweet arrays, account-major: each account's first tweet, then the rest after it.

    Small dtypes and early deletes keep 10 million tweets within a few GB."""
    A, counts = a.A, a.counts
    acct = np.repeat(np.arange(A, dtype=np.int32), counts)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    later = np.ones(T, bool)
    later[offsets] = False
    day = np.empty(T, np.int64)
    day[offsets] = a.first
    day[later] = _sample_days(a.first[acct[later]] + 1, END, _W_VOL, rng)
    del later
    hour = _hours(_WEEKDAY[day - START] >= 5, rng)
    hour[offsets] = rng.integers(9, 17, A)  # first tweets in office hours: UTC date = local date
    local = day * 1440 + hour * 60 + rng.integers(0, 60, T)
    del hour
    special = np.zeros(T, bool)
    top = a.rank[0]
    if counts[top] >= 2:  # the archive's last tweet falls on 2020-04-17
        p = offsets[top] + counts[top] - 1
        local[p], special[p] = END * 1440 + 600 + rng.integers(0, 60), True
    u = rng.random(T)
    uday = np.maximum((local - UTC_OFFSET_MIN) // 1440 - START, 0)  # topics follow UTC dates
    topic = sum((u > _TOPIC_CUM[uday, k]).astype(np.int8) for k in range(4))
    del u, day, uday

    # coordinated clusters: k >= 5 accounts post one text within 10 minutes
    in_cluster = np.zeros(T, bool)
    clusters: list[tuple[int, int, int, int, np.ndarray]] = []  # topic, family, tpl, tags, rows
    used = np.zeros(A, np.int64)
    spare = counts - 1 - special[offsets + counts - 1]
    w_day = np.where(_WEEKDAY >= 5, 0.0, _W_VOL)
    for _ in range(min(2000, max(5, round(40 * T / 348_608)))):
        d = int(_sample_days(np.array([_day("2019-10-01")]), END - 1, w_day, rng)[0])
        t0 = d * 1440 + int(rng.integers(9 * 60, 16 * 60))
        elig = np.flatnonzero((a.first < d) & (used < spare))
        k = int(rng.integers(5, 31))
        if elig.size < 5:
            continue
        members = rng.choice(elig, min(k, elig.size), replace=False)
        rows = offsets[members] + 1 + used[members]  # each member's next unused later tweet
        used[members] += 1
        local[rows] = t0 + np.concatenate([[0], rng.integers(0, 10, rows.size - 1)])
        ct = int((rng.random() > _TOPIC_CUM[d - START]).sum())  # t0 is on UTC day d too
        fam = int(rng.choice(3, p=[0.6, 0.2, 0.2]))
        ti = int(rng.integers(0, _TPL_IDX[ct * 4 + fam, 1]))
        gi = int(rng.integers(0, _TAG_IDX[ct * 4 + fam, 1] + 1))
        in_cluster[rows] = True
        clusters.append((ct, fam, ti, gi, rows))
    cand = np.flatnonzero(~special & ~in_cluster)
    hostile_rows = np.sort(rng.choice(cand, min(len(HOSTILE_TWEETS), cand.size), replace=False))
    del cand
    hostile = np.zeros(T, bool)
    hostile[hostile_rows] = True
    plain = ~special & ~in_cluster & ~hostile
    del special
    topic[hostile] = 4

    # language, script family, template, hashtag set
    r = rng.random(T)
    lang = np.where(r < 0.85, 0, np.where(r < 0.95, 1, 2)).astype(np.int8)  # zh, en, und
    lang[(lang == 2) & (topic != 4)] = 0
    family = np.where(lang == 0, (rng.random(T) >= 0.75).astype(np.int8), lang + 1)
    family[hostile], lang[hostile] = 3, 2
    key = topic.astype(np.int32) * 4 + family
    tpl = (_TPL_IDX[key, 0] + (rng.random(T) * _TPL_IDX[key, 1])).astype(np.int32)
    has_tag = (rng.random(T) < np.where(topic == 4, 0.12, 0.4)) & (_TAG_IDX[key, 1] > 0) & ~hostile
    tags = np.where(has_tag, _TAG_IDX[key, 0] + rng.random(T) * _TAG_IDX[key, 1], 0).astype(
        np.int32
    )
    del r, key, has_tag
    variant = np.zeros(T, np.int8)  # 1 extra whitespace, 2 trailing punctuation, 3 upper case
    for ct, fam, ti, gi, rows in clusters:
        topic[rows], family[rows], lang[rows] = ct, fam, int(fam == 2)
        tpl[rows] = _TPL_IDX[ct * 4 + fam, 0] + ti
        tags[rows] = _TAG_IDX[ct * 4 + fam, 0] + gi - 1 if gi else 0
        variant[rows] = rng.integers(0, 4, rows.size)
        variant[rows[0]] = 0

    # retweets, replies, quotes, mentions, urls, emoji, engagement, clients
    def flag(p: Any) -> np.ndarray:
        return rng.random(T) < p

    is_rt = plain & flag(0.15 * T / max(1, plain.sum()))
    rt_in = is_rt & flag(0.5)
    outside = (A + rng.integers(0, len(_OUTSIDE), T)).astype(np.int32)  # past the network's ids
    rt_tgt = np.where(rt_in, (acct + rng.integers(1, A, T)) % A, outside).astype(np.int32)
    reply = plain & ~is_rt & flag(0.04)
    quote = plain & ~is_rt & ~reply & flag(0.02)
    tgt = np.where(flag(0.65), rng.integers(0, A, T), np.roll(outside, 1)).astype(np.int32)
    del outside
    mention = ~is_rt & ~reply & ~hostile & flag(np.where(in_cluster, 0.3, 0.1))
    has_url = ~hostile & flag(np.where(in_cluster, 0.3, 0.25))
    has_emoji = ~hostile & flag(np.where(in_cluster, 0.3, 0.2))

    def eng(p: float, g: float, cap: int) -> np.ndarray:
        n = np.where(~is_rt & flag(p), np.minimum(rng.geometric(g, T), cap), 0)
        return n.astype(np.int32)

    likes, rts = eng(0.07, 0.35, 20), eng(0.03, 0.5, 5)
    replies, quotes = eng(0.02, 0.6, 5), eng(0.01, 0.7, 3)
    zero_f = a.followers[acct] == 0
    c0 = np.flatnonzero(plain & ~is_rt & zero_f)  # planted: like the published 156 and 26
    pick = rng.choice(c0, min(round(156 * T / 348_608), c0.size), replace=False)
    likes[pick] = 51 + rng.geometric(0.03, pick.size)
    pick = rng.choice(c0, min(round(26 * T / 348_608), c0.size), replace=False)
    rts[pick] = 11 + rng.geometric(0.1, pick.size)
    cbig = np.flatnonzero(plain & ~is_rt & (a.followers[acct] >= 100))
    pick = rng.choice(cbig, min(round(156 * T / 348_608), cbig.size), replace=False)
    likes[pick] = 20 + rng.geometric(0.01, pick.size)
    del c0, cbig, plain
    client = np.where(flag(0.85), a.client[acct], rng.choice(6, T, p=_CLIENT_P)).astype(np.int8)
    dom_p = np.array([d[3] for d in _DOMAINS])
    dom = rng.choice(len(_DOMAINS), T, p=dom_p / dom_p.sum()).astype(np.int8)
    emoji = rng.integers(0, len(_EMOJI), T, dtype=np.int8)
    trail = rng.integers(0, len(_TRAILS), T, dtype=np.int8)

    # times and snowflake ids (time-ordered, unique); output in id order
    utc = local - UTC_OFFSET_MIN
    del local

    def snowflake(minutes: np.ndarray) -> np.ndarray:
        ms = minutes * 60_000 + rng.integers(0, 60_000, minutes.size)
        return ((ms - TWEPOCH_MS) << 22) | rng.integers(0, 1 << 22, minutes.size)

    ids = snowflake(utc)
    while (dup := np.flatnonzero(np.diff(ids[order := np.argsort(ids, kind="stable")]) == 0)).size:
        ids[order[dup + 1]] += 1
    ref_tid = snowflake(utc - rng.integers(1, 4320, T))
    combo = np.empty(T, np.int32)
    salt = (a.seed * 2654435761 + 7654321) % _COMBO_M
    combo[order] = (_COMBO_MUL * np.arange(T) + salt) % _COMBO_M
    for c, (*_, rows) in enumerate(clusters):  # cluster codes lie outside the tweets' range
        combo[rows] = (_COMBO_MUL * (T + c) + salt) % _COMBO_M
    return NS(
        acct=acct, offsets=offsets, utc=utc, ids=ids, order=order, combo=combo, topic=topic,
        lang=lang, family=family, tpl=tpl, tags=tags, variant=variant, clusters=clusters,
        hostile=hostile, hostile_rows=hostile_rows, is_rt=is_rt, rt_in=rt_in, rt_tgt=rt_tgt,
        reply=reply, quote=quote, tgt=tgt, mention=mention, has_url=has_url, has_emoji=has_emoji,
        dom=dom, emoji=emoji, trail=trail, ref_tid=ref_tid, likes=likes, rts=rts,
        replies=replies, quotes=quotes, zero_f=zero_f, client=client,
    )  # fmt: skip


def _code(block: int, c: int) -> str:
    """The code phrase for value c in a block (0 zh, 1 en, 2 und)."""
    lit, slots = _COMBO[_BLOCKS[block]]
    return "".join(lit[i] + slots[i][(c >> (3 * i)) & 7] for i in range(8)) + lit[8]


def _halves() -> list[pa.Array]:
    """All 8**4 first and second halves of the code phrase per block, so a row's phrase is two
    takes and one join (value = low 12 bits for the first half, high 12 bits for the second)."""
    out = []
    for lo in (0, 4):
        rows = []
        for lit, slots in (_COMBO[b] for b in _BLOCKS):
            for v in range(8**4):
                d = [(v >> (3 * i)) & 7 for i in range(4)]
                rows.append("".join(lit[lo + i] + slots[lo + i][d[i]] for i in range(4)))
                rows[-1] += lit[8] if lo else ""
        out.append(pa.array(rows))
    return out


def _write_files(
    out_dir: Path, a: NS, t: NS, seed: int, report: Callable[[str, float], None]
) -> None:
    """Users file, then the tweets file in chunks of CHUNK_ROWS rows, ordered by tweet id.

    Strings are assembled with takes from small tables (pyarrow if_else on long strings is
    slow); only the few rows that differ (quoted, hostile, cluster variants) are replaced."""
    creation = pa.array(np.datetime_as_string(a.creation.astype("datetime64[D]")))
    lang = pa.array(np.array(["zh-cn", "en", "zh-tw"])[a.lang])
    head = [pa.array(x) for x in (a.userid, a.display, a.screen, a.location, a.bio)] + [a.purl]
    head = [_csv(x) for x in head]
    with open(out_dir / USERS_FILE, "wb") as f:
        f.write((",".join(USER_COLUMNS) + "\n").encode())
        _write(f, head + [_num(a.followers), _num(a.following), creation, lang])
    # the tweets file repeats the account columns, with counts written as floats (0.0)
    counts = [_join(_num(x), ".0") for x in (a.followers, a.following)]
    frag = _join(*head, *counts, creation, lang, sep=",")
    out_ids = [str(int(_hash(0, h, 0)[:15], 16) % 10**12 + 10**8) for h in _OUTSIDE]
    uids, handles = a.userid + out_ids, a.screen + list(_OUTSIDE)
    U = len(uids)  # index U = none
    tables = {
        "rt": [f"RT @{h}: " for h in handles] + [""], "reply": [f"@{h} " for h in handles] + [""],
        "mention": [f" @{h}" for h in handles] + [""], "uid": uids + [""],
        "uid_list": [f"[{x}]" for x in uids] + [f"['{x}']" for x in uids] + ["[]", ""],
        "emoji": [f" {e}" for e in _EMOJI] + [""], "sep": ["", "", " ", " "],
        "tags": ["[" + ", ".join(g) + "]" for g in _TAGSETS]
        + ["[" + ", ".join(f"'{x}'" for x in g) + "]" if g else "" for g in _TAGSETS],
        "tag_text": ["".join(f" #{x}" for x in g) for g in _TAGSETS], "tpl": _TPL,
        "lang": ["zh", "en", "und"], "client": list(_CLIENTS), "bool": ["False", "True"],
        "trail": list(_TRAILS), "dom_pre": [d[1] for d in _DOMAINS],
        "dom_suf": [d[2] for d in _DOMAINS], "absent": ["absent,absent"],
        "hm": [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)],
        "day": [str(np.datetime64(int(d), "D")) for d in range(START - 1, END + 1)],
    }  # fmt: skip
    tb = {k: pa.array(v, pa.string()) for k, v in tables.items()}
    tb["tags"] = _csv(tb["tags"])
    halves = _halves()
    hostile_text = dict(zip(t.hostile_rows.tolist(), HOSTILE_TWEETS, strict=False))
    T = t.acct.size
    with open(out_dir / TWEETS_FILE, "wb") as f:
        f.write((",".join(TWEET_COLUMNS) + "\n").encode())
        for n_chunk, s in enumerate(range(0, T, CHUNK_ROWS)):
            ix = t.order[s : s + CHUNK_ROWS]
            n, crng = ix.size, np.random.default_rng([seed, 101, n_chunk])
            fam, rt, rep, tgt, c = t.family[ix], t.is_rt[ix], t.reply[ix], t.tgt[ix], t.combo[ix]
            blk = np.array([0, 0, 1, 2])[fam] * 8**4
            has_url, b = t.has_url[ix], (crng.random(n) < 0.5).astype(np.int32)  # b: list style
            k = int(has_url.sum())
            text = _join(
                tb["rt"].take(np.where(rt, t.rt_tgt[ix], U)),
                tb["reply"].take(np.where(rep, tgt, U)), tb["tpl"].take(t.tpl[ix]),
                tb["sep"].take(fam), halves[0].take(blk + (c & 4095)),
                halves[1].take(blk + (c >> 12)), tb["tag_text"].take(t.tags[ix]),
                tb["mention"].take(np.where(t.mention[ix], tgt, U)),
                _sparse(has_url, _join(" https://t.co/", _slugs(crng, k, 10))),
                tb["emoji"].take(np.where(t.has_emoji[ix], t.emoji[ix], len(_EMOJI))),
            )  # fmt: skip
            v = t.variant[ix]
            text = _put(text, v == 1, _spaced)
            text = _put(
                text, v == 2, _join(text.filter(v == 2), tb["trail"].take(t.trail[ix][v == 2]))
            )
            text = _put(text, v == 3, pc.utf8_upper)
            hm = t.hostile[ix]
            text = _put(text, hm, pa.array([hostile_text[int(p)] for p in ix[hm]], pa.string()))
            dom = t.dom[ix][has_url]
            url = _join(tb["dom_pre"].take(dom), _slugs(crng, k, 11), tb["dom_suf"].take(dom))
            url = pc.if_else(
                pa.array(b[has_url] == 1), _join("['", url, "']"), _join("[", url, "]")
            )
            utc, ref = t.utc[ix], t.ref_tid[ix]
            when = _join(
                tb["day"].take(utc // 1440 - START + 1), tb["hm"].take(utc % 1440), sep=" "
            )
            _write(f, [
                _num(t.ids[ix]), frag.take(t.acct[ix]), tb["lang"].take(t.lang[ix]), _csv(text),
                when, tb["client"].take(t.client[ix]), tb["uid"].take(np.where(rep, tgt, U)),
                _sparse(rep, _num(ref[rep])), _sparse(t.quote[ix], _num(ref[t.quote[ix]] + 1)),
                tb["bool"].take(rt.astype(np.int8)), tb["uid"].take(np.where(rt, t.rt_tgt[ix], U)),
                _sparse(rt, _num(ref[rt])), tb["absent"].take(np.zeros(n, np.int8)),
                *(_num(x[ix]) for x in (t.quotes, t.replies, t.likes, t.rts)),
                tb["tags"].take(t.tags[ix] + b * len(_TAGSETS)),
                _sparse(has_url, _csv(url), ("[]", ""), b),
                tb["uid_list"].take(np.where(t.mention[ix] | rep, tgt + b * U, 2 * U + b)),
            ])  # fmt: skip
            report("tweets", 0.2 + 0.75 * (s + n) / T)


def _truth(a: NS, t: NS, seed: int) -> dict[str, Any]:
    """Realized values of every planted effect, computed from the arrays that were written."""

    def ts(m: Any) -> str:
        return str(np.datetime64(int(m), "m")).replace("T", " ")

    def date(d: Any) -> str:
        return str(np.datetime64(int(d), "D"))

    def shares(x: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
        return dict(
            zip(names, (np.bincount(x, minlength=len(names)) / x.size).tolist(), strict=True)
        )

    A, T, f, utc = a.A, t.acct.size, a.followers, t.utc
    local = utc + UTC_OFFSET_MIN
    local_day, lhour = local // 1440, (local % 1440) // 60
    span = np.arange(local_day.min(), local_day.max() + 1)
    per_day, weekend = np.bincount(local_day - span[0]), (span + 3) % 7 >= 5
    first_day = np.minimum.reduceat(utc, t.offsets) // 1440
    gap = first_day - a.creation
    months = (utc // 1440).astype("datetime64[D]").astype("datetime64[M]")
    by_month = {
        str(m): {**shares(t.topic[months == m], TOPICS), "n": int((months == m).sum())}
        for m in np.unique(months)
    }
    tag_counts: dict[str, int] = {}
    for g, n in zip(_TAGSETS, np.bincount(t.tags, minlength=len(_TAGSETS)).tolist(), strict=True):
        for x in g:
            tag_counts[x] = tag_counts.get(x, 0) + n
    doms = np.bincount(t.dom[t.has_url], minlength=len(_DOMAINS))
    simp, trad = (int(((t.lang == 0) & (t.family == k)).sum()) for k in (0, 1))
    clusters = []
    for c, (ct, fam, _, _, rows) in enumerate(t.clusters):
        rows = rows[np.lexsort((t.ids[rows], utc[rows]))]
        code = _code(fam // 2, int(t.combo[rows[0]]))
        text = _TPL[t.tpl[rows[0]]] + " " * (fam == 2) + code
        text += "".join(f" #{x}" for x in _TAGSETS[t.tags[rows[0]]])
        clusters.append({
            "id": c, "topic": TOPICS[ct], "text": text, "normalized": normalize_text(text),
            "userids": [a.userid[i] for i in t.acct[rows]],
            "tweetids": [str(i) for i in t.ids[rows]],
            "start": ts(utc[rows].min()), "end": ts(utc[rows].max()),
        })  # fmt: skip
    samples = [
        {"file": "tweets", "id": str(t.ids[p]), "column": "tweet_text", "value": v}
        for p, v in zip(t.hostile_rows.tolist(), HOSTILE_TWEETS, strict=False)
    ]
    for i in a.hostile:
        for col, v in (
            ("user_display_name", a.display[i]),
            ("user_profile_description", a.bio[i]),
            ("user_reported_location", a.location[i]),
        ):
            samples.append({"file": "users", "id": a.userid[i], "column": col, "value": v})
        samples.append(
            {
                "file": "tweets",
                "id": str(t.ids[t.offsets[i]]),
                "column": "user_display_name",
                "value": a.display[i],
            }
        )
    blank = next((i for i in range(A) if a.location[i] == a.bio[i] == ""), None)
    for col in ("user_reported_location", "user_profile_description") * (blank is not None):
        samples.append({"file": "users", "id": a.userid[blank], "column": col, "value": ""})
    we = per_day[weekend].mean() if weekend.any() else 0.0
    ratio = float(per_day[~weekend].mean() / we) if we else None  # None: no weekend posting
    dorm_first, old = first_day[a.dorm], a.group == 0
    none_eng = (t.likes == 0) & (t.rts == 0) & (t.replies == 0) & (t.quotes == 0)
    return {
        "seed": seed, "generator_version": GENERATOR_VERSION, "synthetic": True,
        "files": {"users": USERS_FILE, "tweets": TWEETS_FILE, "truth": TRUTH_FILE},
        "params": {"accounts": A, "tweets": T}, "accounts": A, "tweets": T,
        "accounts_with_tweets": int(np.unique(t.acct).size),
        "first_tweet_date": date(utc.min() // 1440), "last_tweet_date": date(utc.max() // 1440),
        "zero_follower_count": int((f == 0).sum()), "zero_follower_share": float((f == 0).mean()),
        "under_8_share": float((f < 8).mean()), "under_10_share": float((f < 10).mean()),
        "zero_following_share": float((a.following == 0).mean()),
        "timezone": "Asia/Shanghai", "utc_offset_hours": UTC_OFFSET_MIN // 60,
        "working_hours": {"start": 8, "end": 17, "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]},
        "working_hours_share": float((((local_day + 3) % 7 < 5) & (lhour >= 8) & (lhour < 17))
                                     .mean()),
        "weekday_weekend_rate_ratio": ratio,
        "creation_waves": [{"start": s, "end": e, "dormant": dz, "size": int((a.group == g).sum())}
                           for g, (s, e, dz) in enumerate(WAVES, start=1)],
        "old_accounts": {"size": int(old.sum()), "created_from": date(a.creation[old].min()),
                         "created_to": date(a.creation[old].max())},
        "created_after_2019_10_01_share": float((a.creation >= _day("2019-10-01")).mean()),
        "dormant_threshold_days": DORMANT_DAYS, "dormant_count": int((gap >= DORMANT_DAYS).sum()),
        "dormant_wave_members_first_tweet_window": {"start": date(dorm_first.min()),
                                                    "end": date(dorm_first.max())},
        "median_creation_to_first_tweet_days": float(np.median(gap)),
        "topic_keywords": TOPIC_KEYWORDS, "topic_month_basis": "UTC month of tweet_time",
        "topic_share_by_month": by_month, "topic_share_overall": shares(t.topic, TOPICS),
        "topic_counts_overall": {k: int((t.topic == i).sum()) for i, k in enumerate(TOPICS)},
        "covid_hk_share": float(np.isin(t.topic, (0, 2)).mean()),
        "covid_rise_dates": list(COVID_RISE_DATES),
        "tweet_language_share": shares(t.lang, ("zh", "en", "und")),
        "account_language_share": shares(a.lang, ("zh-cn", "en", "zh-tw")),
        "chinese_script_share": {"simplified": simp / max(1, simp + trad),
                                 "traditional": trad / max(1, simp + trad)},
        "chinese_script_counts": {"simplified": simp, "traditional": trad},
        "zero_engagement_share": float(none_eng.mean()), "retweet_share": float(t.is_rt.mean()),
        "retweet_inside_share": float(t.rt_in.sum() / max(1, t.is_rt.sum())),
        "zero_follower_tweets_over_50_likes": int((t.zero_f & (t.likes > 50)).sum()),
        "zero_follower_tweets_over_10_retweets": int((t.zero_f & (t.rts > 10)).sum()),
        "client_share": shares(t.client, _CLIENTS),
        "top_hashtags": [{"hashtag": x, "count": n} for x, n in
                         sorted(tag_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10] if n],
        "top_url_domains": [{"domain": _DOMAINS[i][0], "count": int(doms[i])}
                            for i in np.lexsort((np.arange(doms.size), -doms))[:10] if doms[i]],
        "coordination": {"window_minutes": 10, "min_accounts": 5, "clusters": clusters,
                         "normalization": NORMALIZATION_RULE},
        "hostile_samples": samples, "hostile_top_accounts": [a.userid[i] for i in a.hostile],
    }  # fmt: skip


def _round(x: Any) -> Any:
    """Floats to 6 decimals, recursively, so truth.json is stable and readable."""
    if isinstance(x, float):
        return round(x, 6)
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    return [_round(v) for v in x] if isinstance(x, list | tuple) else x


def generate(
    out_dir: Path,
    *,
    seed: int = 0,
    accounts: int = 23_750,
    tweets: int = 348_608,
    progress: Callable[[str, float], None] | None = None,
) -> dict:
    """Writes out_dir/demo_users_csv_hashed.csv, out_dir/demo_tweets_csv_hashed.csv,
    out_dir/truth.json; returns the truth dict. Same seed, same bytes."""
    if accounts < 50:
        raise ValueError(f"accounts must be at least 50 (got {accounts})")
    if tweets < accounts:
        raise ValueError(
            f"tweets ({tweets}) must be >= accounts ({accounts}): every account tweets"
        )
    if tweets > MAX_TWEETS:
        raise ValueError(f"tweets must be at most {MAX_TWEETS:,} (got {tweets:,})")
    report = progress or (lambda stage, fraction: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    acc = _accounts(rng, accounts, tweets, seed)
    report("accounts", 0.1)
    tw = _tweets(rng, acc, tweets)
    report("tweets", 0.2)
    _write_files(out_dir, acc, tw, seed, report)
    truth = _round(_truth(acc, tw, seed))
    text = json.dumps(truth, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    (out_dir / TRUTH_FILE).write_text(text, encoding="utf-8")
    report("truth", 1.0)
    return truth
