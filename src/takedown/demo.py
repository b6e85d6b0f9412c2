"""Synthetic demo archive in the exact Twitter information-operations format, with planted effects.

No takedown archive ships with the project, so the default report renders on this one. Every
planted effect's *realized* value (computed from the rows written, not from the targets) goes to
truth.json, so tests can check that the findings recover it. Generation is vectorized (numpy for
numbers, pyarrow compute for strings) and writes the tweets file in chunks, so the default size
takes seconds and 10 million tweets fit in a few GB of memory.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from takedown.schema import TWEET_COLUMNS, USER_COLUMNS

GENERATOR_VERSION = "demo-1"
USERS_FILE = "demo_users_csv_hashed.csv"
TWEETS_FILE = "demo_tweets_csv_hashed.csv"
TRUTH_FILE = "truth.json"
CHUNK_ROWS = 1_000_000
MAX_TWEETS = 16_000_000  # the unique-text code has 8**8 values (see _COMBO)
UTC_OFFSET_MIN = 480  # Asia/Shanghai, no DST
WEEKEND_FACTOR = 0.28  # per-day weekend rate relative to a weekday
DORMANT_DAYS = 90
TWEPOCH_MS = 1288834974657  # Twitter snowflake epoch

TOPICS = ("hong_kong", "guo_wengui", "covid", "taiwan", "other")
# The lexicon the topic labels are planted against (same as profiles/china_052020.yml):
# case-insensitive substring matching recovers every planted label exactly.
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
FAMILIES = ("simplified", "traditional", "en", "und")  # text families; und = pinyin + emoji
LANG_OF_FAMILY = ("zh", "zh", "en", "und")


def _day(s: str) -> int:
    return int(np.datetime64(s, "D").astype(np.int64))


START, END = _day("2018-01-01"), _day("2020-04-17")  # local (UTC+8) calendar days
NDAYS = END - START + 1
_WEEKDAY = (np.arange(START, END + 1) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
DORMANT_FIRST = ("2020-01-22", "2020-01-31")
WAVES = (  # (start, end, dormant); the Sept 2019 wave stays silent until late January 2020
    ("2019-09-02", "2019-09-15", True),
    ("2019-10-14", "2019-10-20", False),
    ("2019-11-18", "2019-11-24", False),
    ("2019-12-16", "2019-12-22", False),
)
COVID_RISE_DATES = ("2020-01-20", "2020-03-23")

# (topic, family) -> sentences; each carries its topic's keywords and script markers only.
_T: dict[tuple[str, str], tuple[str, ...]] = {
    ("hong_kong", "simplified"): (
        "香港的暴徒必须受到法律制裁，这是大家的共同心愿。",
        "支持香港警察严正执法，反对港独分裂国家。",
        "反修例运动早已变质，幕后黑手为了私利搞乱香港。",
        "暴徒破坏店铺、堵塞道路，香港市民说够了。",
        "港独分子勾结外部势力，这样的人不配代表香港。",
        "香港是中国的香港，谁也改变不了这个事实。",
    ),
    ("hong_kong", "traditional"): (
        "香港的暴徒必須受到法律制裁，這是大家的共同心願。",
        "支持香港警察嚴正執法，反對港獨分裂國家。",
        "反修例運動早已變質，幕後黑手為了私利搞亂香港。",
        "暴徒破壞店鋪、堵塞道路，香港市民說夠了。",
        "港獨分子勾結外部勢力，這樣的人不配代表香港。",
    ),
    ("hong_kong", "en"): (
        "The rioters in Hong Kong must face the law.",
        "Support the Hong Kong police and stop the violence.",
        "HongKong belongs to China, no foreign interference.",
        "Peace and order must return to Hong Kong.",
    ),
    ("guo_wengui", "simplified"): (
        "郭文贵是一个骗子，他的谎言早已被揭穿。",
        "郭文贵为了钱什么都说得出来，大家不要上当。",
        "逃犯郭文贵在国外到处造谣，必须追究他的责任。",
    ),
    ("guo_wengui", "traditional"): (
        "郭文貴是一個騙子，他的謊言早已被揭穿。",
        "郭文貴為了錢什麼都說得出來，大家不要上當。",
        "逃犯郭文貴在國外到處造謠，必須追究他的責任。",
    ),
    ("guo_wengui", "en"): (
        "Guo Wengui is a fugitive and a liar.",
        "Miles Guo keeps spreading rumors for money.",
        "Do not trust Guo Wengui, he cheats his own followers.",
    ),
    ("covid", "simplified"): (
        "新冠肺炎疫情面前，中国人民团结一心。",
        "武汉加油！我们一定能战胜疫情。",
        "感谢医护人员，他们在抗击冠状病毒的第一线。",
        "美国应该对疫情的扩散负责，不要甩锅中国。",
    ),
    ("covid", "traditional"): (
        "新冠肺炎疫情面前，中國人民團結一心。",
        "武漢加油！我們一定能戰勝疫情。",
        "感謝醫護人員，他們在抗擊冠狀病毒的第一線。",
        "美國應該對疫情的擴散負責，不要甩鍋中國。",
    ),
    ("covid", "en"): (
        "China is winning the fight against COVID-19.",
        "Stay strong Wuhan, the whole country stands with you.",
        "The coronavirus is a common enemy of humanity.",
    ),
    ("taiwan", "simplified"): (
        "台湾是中国不可分割的一部分。",
        "蔡英文当局的政策只会让台湾同胞受苦。",
        "台湾的选举改变不了两岸统一的大势。",
    ),
    ("taiwan", "traditional"): (
        "台灣是中國不可分割的一部分。",
        "蔡英文當局的政策只會讓台灣同胞受苦。",
        "台灣的選舉改變不了兩岸統一的大勢。",
    ),
    ("taiwan", "en"): (
        "Taiwan is an inseparable part of China.",
        "Tsai Ing-wen is leading Taiwan down a dead end.",
        "Reunification is the trend, Taiwan cannot stop it.",
    ),
    ("other", "simplified"): (
        "今天的天气真好，大家出去走走吧。",
        "祝大家周末愉快，记得多陪陪家人。",
        "这家小店的面条味道很不错，推荐给你们。",
        "努力工作，认真生活，这就是幸福。",
        "中国的高铁真是越来越方便了。",
        "早安，新的一天从一杯热茶开始。",
    ),
    ("other", "traditional"): (
        "今天的天氣真好，大家出去走走吧。",
        "祝大家週末愉快，記得多陪陪家人。",
        "這家小店的麵條味道很不錯，推薦給你們。",
        "努力工作，認真生活，這就是幸福。",
        "早安，新的一天從一杯熱茶開始。",
    ),
    ("other", "en"): (
        "Have a nice day everyone.",
        "Beautiful sunset this evening.",
        "Working hard and living well.",
        "Good morning from Beijing.",
    ),
    ("other", "und"): ("📷", "🌸🌸", "👍👍👍", "🎶", "☕", "🌙✨"),
}
_TAGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("hong_kong", "simplified"): ("香港", "HongKong", "止暴制乱", "港独"),
    ("hong_kong", "traditional"): ("香港", "HongKong", "止暴制亂", "港獨"),
    ("hong_kong", "en"): ("HongKong", "StandWithHKPolice"),
    ("guo_wengui", "simplified"): ("郭文贵", "郭文贵骗子"),
    ("guo_wengui", "traditional"): ("郭文貴",),
    ("guo_wengui", "en"): ("GuoWengui", "MilesGuo"),
    ("covid", "simplified"): ("新冠肺炎", "COVID19", "武汉加油", "coronavirus"),
    ("covid", "traditional"): ("新冠肺炎", "COVID19", "武漢加油"),
    ("covid", "en"): ("COVID19", "coronavirus"),
    ("taiwan", "simplified"): ("台湾", "蔡英文"),
    ("taiwan", "traditional"): ("台灣", "蔡英文"),
    ("taiwan", "en"): ("Taiwan", "TaiwanElection"),
    ("other", "simplified"): ("中国", "早安", "正能量", "美丽中国"),
    ("other", "traditional"): ("早安", "正能量", "中國"),
    ("other", "en"): ("China", "GoodMorning", "PositiveEnergy"),
}
# A per-tweet code phrase that makes every background text unique after normalization: 8 slots
# of 8 prefix-free phrases (8**8 values), script-neutral in Chinese so both scripts share it.
_COMBO: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    "zh": (
        ("", "在", "和", "一起", "，", "。", "", "", "！"),
        (
            ("今早", "今晚", "昨天", "明天", "早上", "中午", "下午", "星期天"),
            ("北京", "上海", "深圳", "杭州", "南京", "成都", "西安", "天津"),
            ("朋友", "家人", "同事", "老友", "孩子", "父母", "兄弟", "姐妹"),
            ("品茶", "散步", "跑步", "爬山", "下棋", "唱歌", "看花", "喝咖啡"),
            (
                "心情很好",
                "非常幸福",
                "十分安心",
                "格外舒服",
                "安然自在",
                "真是美好",
                "一切平安",
                "精神百倍",
            ),
            ("祝大家", "盼大家", "祝各位", "盼各位", "祝你我", "盼你我", "祝家人", "盼家人"),
            ("每天", "天天", "日日", "年年", "月月", "朝朝", "夜夜", "常常"),
            ("平安", "幸福", "健康", "如意", "安康", "吉祥", "自在", "富足"),
        ),
    ),
    "en": (
        ("", " in ", " with ", ", ", ". ", "! ", " ", " ", "."),
        (
            (
                "This morning",
                "Tonight",
                "Yesterday",
                "Tomorrow",
                "At dawn",
                "At noon",
                "This afternoon",
                "On Sunday",
            ),
            (
                "Beijing",
                "Shanghai",
                "Shenzhen",
                "Hangzhou",
                "Nanjing",
                "Chengdu",
                "Kunming",
                "Tianjin",
            ),
            (
                "friends",
                "family",
                "colleagues",
                "old pals",
                "the kids",
                "my parents",
                "my brothers",
                "my sisters",
            ),
            (
                "drinking tea",
                "taking a walk",
                "going for a run",
                "hiking",
                "playing chess",
                "singing",
                "watching flowers",
                "having coffee",
            ),
            (
                "Feeling great",
                "So happy",
                "Very relaxed",
                "Truly peaceful",
                "Quite content",
                "Simply wonderful",
                "All is well",
                "Full of energy",
            ),
            (
                "Wishing everyone",
                "Wishing all of you",
                "Hoping everyone",
                "Hoping all of you",
                "Wishing my family",
                "Hoping my family",
                "Wishing you and me",
                "Hoping you and me",
            ),
            (
                "a peaceful",
                "a happy",
                "a healthy",
                "a lucky",
                "a calm",
                "a bright",
                "a warm",
                "a fine",
            ),
            ("day", "week", "spring", "evening", "morning", "month", "season", "year"),
        ),
    ),
    "und": (
        ("", " ", " ", " ", " ", " ", " ", " ", ""),
        (
            (
                "jinzao",
                "jinwan",
                "zuotian",
                "mingtian",
                "zaoshang",
                "zhongwu",
                "xiawu",
                "xingqitian",
            ),
            (
                "beijing",
                "shanghai",
                "shenzhen",
                "hangzhou",
                "nanjing",
                "chengdu",
                "xian",
                "tianjin",
            ),
            ("pengyou", "jiaren", "tongshi", "laoyou", "haizi", "fumu", "xiongdi", "jiemei"),
            ("pincha", "sanbu", "paobu", "pashan", "xiaqi", "changge", "kanhua", "hekafei"),
            (
                "xinqinghenhao",
                "feichangxingfu",
                "shifenanxin",
                "gewaishufu",
                "anranzizai",
                "zhenshimeihao",
                "yiqiepingan",
                "jingshenbaibei",
            ),
            (
                "zhudajia",
                "pandajia",
                "zhugewei",
                "pangewei",
                "zhuniwo",
                "panniwo",
                "zhujiaren",
                "panjiaren",
            ),
            ("meitian", "tiantian", "riri", "niannian", "yueyue", "zhaozhao", "yeye", "changchang"),
            ("pingan", "xingfu", "jiankang", "ruyi", "ankang", "jixiang", "zizai", "fuzu"),
        ),
    ),
}
_COMBO_M = 8**8
_COMBO_BLOCK = (0, 0, 1, 2)  # family -> combo block (zh, en, und)

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
_LOCATIONS = (
    "中国",
    "北京",
    "上海",
    "China",
    "Beijing, China",
    "广东 深圳",
    "New York, USA",
    "地球",
)
_BIOS = (
    "热爱生活",
    "Love life, love China.",
    "分享美好生活",
    "歲月靜好",
    "一个普通人",
    "Just a normal person.",
    "喜欢旅行和美食",
    "和平与爱 ❤️",
    "工作 | 生活 | 读书",
)
_SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "周", "吴", "徐", "孙", "林", "何", "高")
_GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "小红",
    "晓东",
    "建华",
    "秀英",
    "志强",
)
_FIRST = ("Lucy", "Jack", "Amy", "Kevin", "Grace", "Leo", "Mia", "Tony", "Emma", "David")
_PINYIN = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Zhou", "Wu", "Xu")
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
    "globaltimesnews",
    "XHNews",
    "PDChina",
    "CGTNOfficial",
    "ChinaDaily",
    "SpokespersonCHN",
    "MFA_China",
    "zlj517",
    "HuXijin_GT",
    "CCTV",
    "shen_shiwei",
    "AmbLiuXiaoMing",
)
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
_EMOJI = ("👍", "🇨🇳", "❤️", "🙏", "😂", "💪", "🔥", "👏")
_TRAILS = ("!!", "！！", "...", "。", " ?!")
# Slugs without vowels cannot spell an English keyword.
_SLUG_ALPHABET = np.frombuffer(b"bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ0123456789", np.uint8)
_HOURS_WD = np.array(
    [0.05] * 7 + [0.15, 0.9, 1, 1, 0.95, 0.45, 0.8, 1, 1, 0.9, 0.45, 0.2, 0.2, 0.2, 0.2, 0.15, 0.1]
)
_HOURS_WE = np.array(
    [0.05] * 7
    + [0.2, 0.5, 0.7, 0.8, 0.8, 0.6, 0.7, 0.8, 0.8, 0.7, 0.6, 0.5, 0.5, 0.5, 0.4, 0.3, 0.1]
)


def _tables() -> tuple[
    list[str], np.ndarray, np.ndarray, list[tuple[str, ...]], np.ndarray, np.ndarray
]:
    """Flat template and hashtag-set tables indexed by key = topic * 4 + family."""
    tpl: list[str] = []
    tags: list[tuple[str, ...]] = [()]
    t_start, t_len, g_start, g_len = (np.zeros(20, np.int64) for _ in range(4))
    for (t, fam), texts in _T.items():
        k = TOPICS.index(t) * 4 + FAMILIES.index(fam)
        t_start[k], t_len[k] = len(tpl), len(texts)
        tpl += texts
        tg = _TAGS.get((t, fam), ())
        g_start[k] = len(tags)
        tags += [(x,) for x in tg] + [tg[:2]] * (len(tg) >= 2)
        g_len[k] = len(tags) - g_start[k]
    return tpl, t_start, t_len, tags, g_start, g_len


_TPL_LIST, _TPL_START, _TPL_LEN, _TAG_LIST, _TAG_START, _TAG_LEN = _tables()
_NORM_RULE = (
    "lowercase; URLs (https?://\\S+) and @mentions (@\\w+) become a space; delete every char that "
    "is not a Unicode word char (letter, digit, underscore) or whitespace; collapse whitespace; strip"
)
_URL_RE = re.compile(r"https?://\S+")
_MENTION_RE = re.compile(r"@\w+")
_PUNCT_RE = re.compile(r"[^\w\s]")
_WS_RE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """The rule coordinated clusters are planted against: lowercase, URLs and @mentions become a
    space, every character that is not a Unicode word character or whitespace (punctuation,
    emoji, ZWJ, variation selectors) is deleted, whitespace runs collapse to one space, strip."""
    s = _MENTION_RE.sub(" ", _URL_RE.sub(" ", text.lower()))
    return _WS_RE.sub(" ", _PUNCT_RE.sub("", s)).strip()


def _hash(seed: int, kind: str, i: int) -> str:
    return hashlib.sha256(f"takedown-demo:{seed}:{kind}:{i}".encode()).hexdigest()


def _sample_days(lo: np.ndarray, hi: np.ndarray | int, w: np.ndarray, rng: np.random.Generator):
    """Draw one local day per row in [lo, hi] with per-day weights w (inverse CDF, vectorized)."""
    c = np.concatenate([[0.0], np.cumsum(w)])
    lo_r, hi_r = np.asarray(lo) - START, np.broadcast_to(np.asarray(hi) - START, np.shape(lo))
    a, b = c[lo_r], c[hi_r + 1]
    d = np.searchsorted(c, a + rng.random(len(a)) * (b - a), side="right") - 1
    return np.clip(d, lo_r, hi_r) + START


def _hours(weekend: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    u = rng.random(len(weekend))
    wd, we = (np.cumsum(h) / h.sum() for h in (_HOURS_WD, _HOURS_WE))
    return np.where(weekend, np.searchsorted(we, u, "right"), np.searchsorted(wd, u, "right"))


def _volume_weights() -> np.ndarray:
    """Daily volume shape: thin in 2018, rising mid-2019, dominant Oct 2019 - Apr 2020."""
    r = {
        s: _day(s) - START
        for s in (
            "2019-06-01",
            "2019-10-01",
            "2020-01-22",
            "2020-02-06",
            "2020-03-20",
            "2020-03-30",
        )
    }
    w = np.full(NDAYS, 0.25)
    w[r["2019-06-01"] :] = 0.6
    w[r["2019-10-01"] :] = 1.0
    w[r["2020-01-22"] : r["2020-02-06"]] *= 1.3
    w[r["2020-03-20"] : r["2020-03-30"]] *= 1.6
    return w * np.where(_WEEKDAY >= 5, WEEKEND_FACTOR, 1.0)


def _topic_cum() -> np.ndarray:
    """Cumulative topic probabilities per local day (hong_kong, guo_wengui, covid, taiwan)."""

    def r(s: str) -> int:
        return _day(s) - START

    hk = np.full(NDAYS, 0.08)
    hk[r("2019-04-01") :] = 0.15
    hk[r("2019-06-01") : r("2020-01-20")] = 0.5
    hk[r("2020-01-20") :] = 0.18
    hk[r("2020-03-01") :] = 0.12
    guo = np.full(NDAYS, 0.35)
    guo[r("2019-06-01") :] = 0.15
    guo[r("2020-01-20") :] = 0.10
    tw = np.full(NDAYS, 0.04)
    tw[r("2019-12-20") : r("2020-01-16")] = 0.18  # Taiwan election, 11 January 2020
    cv = np.zeros(NDAYS)
    a, b = r(COVID_RISE_DATES[0]), r("2020-02-01")
    cv[a:b] = np.linspace(0.05, 0.45, b - a)
    cv[b:] = 0.38
    cv[r("2020-03-01") :] = 0.42
    cv[r("2020-03-20") :] = 0.5
    cv[r(COVID_RISE_DATES[1]) :] = 0.62
    cv[r("2020-03-30") :] = 0.45
    return np.cumsum(np.stack([hk, guo, cv, tw], axis=1), axis=1)


def _strings(values: np.ndarray, width: int) -> pa.Array:
    """A string array from a (rows, width) uint8 matrix of ASCII, without a Python loop."""
    offsets = np.arange(len(values) + 1, dtype=np.int32) * width
    return pa.Array.from_buffers(
        pa.string(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(values.tobytes())]
    )


def _slugs(rng: np.random.Generator, n: int, width: int) -> pa.Array:
    return _strings(_SLUG_ALPHABET[rng.integers(0, len(_SLUG_ALPHABET), (n, width))], width)


def _csv(a: pa.Array) -> pa.Array:
    """RFC 4180 quoting where needed (delimiter, quote, line break, edge whitespace)."""
    need = pc.match_substring_regex(a, r'[",\r\n]|^\s|\s$')
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(a, '"', '""'), '"', "")
    return pc.if_else(need, quoted, a)


def _join(*parts: Any, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def _num(a: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(a), pa.string())


def _opt_id(a: np.ndarray, present: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(present), _num(a), "")


def _write(f: Any, cols: list[pa.Array]) -> None:
    """Append rows joined by commas, one line each, as a single buffer write."""
    lines = _join(_join(*cols, sep=","), "", sep="\n")
    off = np.frombuffer(lines.buffers()[1], np.int32)[lines.offset : lines.offset + len(lines) + 1]
    f.write(memoryview(lines.buffers()[2])[off[0] : off[-1]])


def _untie_top(counts: np.ndarray, k: int) -> None:
    """Make the k largest tweet counts distinct so 'the top 10 accounts' is unambiguous."""
    idx = np.arange(len(counts))
    for _ in range(1000):
        order = np.lexsort((idx, -counts))
        ties = np.flatnonzero(np.diff(counts[order[:k]]) == 0)
        donors = order[k:][counts[order[k:]] > 1]
        if ties.size == 0 or donors.size == 0:
            return
        counts[order[ties[0]]] += 1
        counts[donors[-1]] -= 1


def _lists(style_b: np.ndarray, has: np.ndarray, item: pa.Array) -> pa.Array:
    """One-element-or-empty list column in either export style: [x] / [] or ['x'] / empty."""
    a = pc.if_else(pa.array(has), _join("[", item, "]"), "[]")
    b = pc.if_else(pa.array(has), _join("['", item, "']"), "")
    return pc.if_else(pa.array(style_b), b, a)


def generate(
    out_dir: Path,
    *,
    seed: int = 0,
    accounts: int = 23_750,
    tweets: int = 348_608,
    progress: Callable[[str, float], None] | None = None,
) -> dict:
    """Writes out_dir/demo_users_csv_hashed.csv, out_dir/demo_tweets_csv_hashed.csv, out_dir/truth.json; returns the truth dict."""
    if accounts < 50:
        raise ValueError(f"accounts must be at least 50 (got {accounts})")
    if tweets < accounts:
        raise ValueError(
            f"tweets ({tweets}) must be >= accounts ({accounts}): every account tweets"
        )
    if tweets > MAX_TWEETS:
        raise ValueError(f"tweets must be at most {MAX_TWEETS:,} (got {tweets:,})")
    report = progress or (lambda stage, frac: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    A, T = accounts, tweets
    w_vol, w_week = _volume_weights(), np.where(_WEEKDAY >= 5, WEEKEND_FACTOR, 1.0)

    # ---- accounts: groups, creation, first tweet day, followers, strings
    n_dorm, n_old = max(1, round(A * 2000 / 23750)), max(1, round(A * 0.10))
    rest = A - n_dorm - n_old
    sizes = [n_old, n_dorm, round(rest * 0.36), round(rest * 0.34)]
    sizes.append(A - sum(sizes))
    group = np.repeat(np.arange(5), sizes)[rng.permutation(A)]  # 0 old, 1 dormant, 2-4 waves
    creation = rng.integers(_day("2009-01-01"), _day("2019-06-30") + 1, A)
    for g, (s, e, _) in enumerate(WAVES, start=1):
        m = group == g
        creation[m] = rng.integers(_day(s), _day(e) + 1, m.sum())
    first = creation + rng.integers(7, 59, A)
    first += np.select([(first + 3) % 7 == 5, (first + 3) % 7 == 6], [2, 1], 0)  # weekend -> Mon
    old = np.flatnonzero(group == 0)
    creation[old[0]] = min(creation[old[0]], START - 30)
    lo = np.maximum(creation[old] + 7, START)
    first[old] = _sample_days(lo, np.minimum(lo + 240, _day("2019-09-30")), w_week, rng)
    first[old[0]] = START  # the archive's first tweet: 2018-01-01
    dorm = group == 1
    first[dorm] = _sample_days(
        np.full(dorm.sum(), _day(DORMANT_FIRST[0])), _day(DORMANT_FIRST[1]), w_week, rng
    )
    weights = rng.lognormal(0.0, 1.2, A) * np.where(group == 0, 2.0, 1.0)
    counts = 1 + rng.multinomial(T - A, weights / weights.sum())
    _untie_top(counts, min(11, A))
    rank = np.lexsort((np.arange(A), -counts))

    followers = np.zeros(A, np.int64)
    zero_n = round(0.785 * A)
    nz = rng.permutation(A)[zero_n:]
    followers[nz] = rng.geometric(0.19, nz.size)
    big = nz[: max(1, round(A * 0.0008))]
    followers[big] = np.maximum(8, rng.lognormal(7.0, 1.2, big.size).astype(np.int64))
    following = np.where(rng.random(A) < 0.3, 0, rng.geometric(0.08, A))
    fbig = rng.choice(A, max(1, A // 500), replace=False)
    following[fbig] = rng.lognormal(6.0, 1.0, fbig.size).astype(np.int64)
    acct_lang = rng.choice(3, A, p=[0.74, 0.18, 0.08])
    primary_client = rng.choice(len(_CLIENTS), A, p=_CLIENT_P)

    userid = [_hash(seed, "user", i) for i in range(A)]
    screen = [_hash(seed, "screen", i) for i in range(A)]
    out_ids = [str(int(_hash(0, h, 0)[:15], 16) % 10**12 + 10**8) for h in _OUTSIDE]
    uid_all, handle_all = pa.array(userid + out_ids), pa.array(screen + list(_OUTSIDE))
    style = rng.integers(0, 3, A)
    display = pc.if_else(
        pa.array(style == 0),
        _join(
            pa.array(_SURNAMES).take(rng.integers(0, len(_SURNAMES), A)),
            pa.array(_GIVEN).take(rng.integers(0, len(_GIVEN), A)),
        ),
        pc.if_else(
            pa.array(style == 1),
            _join(
                pa.array(_FIRST).take(rng.integers(0, len(_FIRST), A)),
                pa.array(_PINYIN).take(rng.integers(0, len(_PINYIN), A)),
                sep=" ",
            ),
            _join(
                pc.utf8_lower(pa.array(_PINYIN).take(rng.integers(0, len(_PINYIN), A))),
                _num(rng.integers(1970, 2002, A)),
            ),
        ),
    )
    location = pc.if_else(
        pa.array(rng.random(A) < 0.7),
        "",
        pa.array(_LOCATIONS).take(rng.integers(0, len(_LOCATIONS), A)),
    )
    bio = pc.if_else(
        pa.array(rng.random(A) < 0.85), "", pa.array(_BIOS).take(rng.integers(0, len(_BIOS), A))
    )
    purl = pc.if_else(
        pa.array(rng.random(A) < 0.95), "", _join("https://t.co/", _slugs(rng, A, 10))
    )
    display, location, bio = display.to_pylist(), location.to_pylist(), bio.to_pylist()
    hostile_accts = [int(a) for a in rank[: min(len(HOSTILE_USERS), A)]]
    for a, (name, desc, loc) in zip(hostile_accts, HOSTILE_USERS, strict=False):
        display[a], bio[a], location[a] = name, desc, loc
    creation_str = np.datetime_as_string(creation.astype("datetime64[D]"))
    acct_cols = [
        pa.array(userid),
        _csv(pa.array(display)),
        pa.array(screen),
        _csv(pa.array(location)),
        _csv(pa.array(bio)),
        purl,
    ]
    tail = [pa.array(creation_str), pa.array(np.array(["zh-cn", "en", "zh-tw"])[acct_lang])]
    with open(out_dir / USERS_FILE, "wb") as f:
        f.write((",".join(USER_COLUMNS) + "\n").encode())
        _write(f, acct_cols + [_num(followers), _num(following)] + tail)
    acct_frag = _join(
        *acct_cols, _join(_num(followers), ".0"), _join(_num(following), ".0"), *tail, sep=","
    )
    report("accounts", 0.1)

    # ---- tweets, account-major: each account's first tweet, then the rest after it
    acct = np.repeat(np.arange(A, dtype=np.int32), counts)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    is_first = np.zeros(T, bool)
    is_first[offsets] = True
    day = np.empty(T, np.int64)
    day[offsets] = first
    nf = ~is_first
    day[nf] = _sample_days(first[acct[nf]] + 1, END, w_vol, rng)
    hour = _hours(_WEEKDAY[day - START] >= 5, rng)
    hour[offsets] = rng.integers(9, 17, A)  # first tweets in office hours: UTC date = local date
    local = day * 1440 + hour * 60 + rng.integers(0, 60, T)
    special = np.zeros(T, bool)
    top = int(rank[0])
    if counts[top] >= 2:  # the archive's last tweet: 2020-04-17
        p = offsets[top] + counts[top] - 1
        local[p], special[p] = END * 1440 + 600 + rng.integers(0, 60), True
    cum = _topic_cum()
    u = rng.random(T)
    topic = sum((u > cum[day - START, k]).astype(np.int8) for k in range(4))

    # ---- coordinated clusters: k >= 5 accounts post one text within 10 minutes
    cluster_of = np.full(T, -1, np.int32)
    cluster_meta: list[tuple[int, int, int, int, np.ndarray]] = []  # topic, family, tpl, tags, pos
    used = np.zeros(A, np.int64)
    spare = counts - 1 - (special[offsets + counts - 1] & (counts >= 2))
    wd_vol = np.where(_WEEKDAY >= 5, 0.0, w_vol)
    for _ in range(min(2000, max(5, round(40 * T / 348_608)))):
        d = int(_sample_days(np.array([_day("2019-10-01")]), END - 1, wd_vol, rng)[0])
        t0 = d * 1440 + int(rng.integers(9 * 60, 16 * 60))
        elig = np.flatnonzero((first < d) & (used < spare))
        k = int(rng.integers(5, 31))
        if elig.size < 5:
            continue
        members = rng.choice(elig, min(k, elig.size), replace=False)
        pos = offsets[members] + 1 + used[members]
        used[members] += 1
        local[pos] = t0 + np.concatenate([[0], rng.integers(0, 10, pos.size - 1)])
        ctopic = int((rng.random() > cum[d - START]).sum())
        fam = int(rng.choice(3, p=[0.6, 0.2, 0.2]))
        cluster_of[pos] = len(cluster_meta)
        k4 = ctopic * 4 + fam
        cluster_meta.append(
            (
                ctopic,
                fam,
                int(rng.integers(0, _TPL_LEN[k4])),
                int(rng.integers(0, _TAG_LEN[k4] + 1)),
                pos,
            )
        )
    in_cluster = cluster_of >= 0
    cand = np.flatnonzero(~special & ~in_cluster)
    hostile_pos = np.sort(rng.choice(cand, min(len(HOSTILE_TWEETS), cand.size), replace=False))
    hostile = np.zeros(T, bool)
    hostile[hostile_pos] = True
    special |= hostile
    topic[hostile] = 4

    # ---- language and script family; templates and hashtags via flat lookup tables
    r = rng.random(T)
    lang = np.where(r < 0.85, 0, np.where(r < 0.95, 1, 2))
    lang[(lang == 2) & (topic != 4)] = 0
    family = np.where(lang == 0, np.where(rng.random(T) < 0.75, 0, 1), lang + 1)
    family[hostile] = 3
    tpl_start, tpl_len, tag_start, tag_len = _TPL_START, _TPL_LEN, _TAG_START, _TAG_LEN
    key = topic.astype(np.int64) * 4 + family
    tpl = tpl_start[key] + (rng.random(T) * tpl_len[key]).astype(np.int64)
    has_tag = (rng.random(T) < np.where(topic == 4, 0.12, 0.4)) & (tag_len[key] > 0) & ~hostile
    tags = np.where(has_tag, tag_start[key] + (rng.random(T) * tag_len[key]).astype(np.int64), 0)
    variant = np.zeros(T, np.int8)
    for ctopic, fam, ti, gi, pos in cluster_meta:
        k = ctopic * 4 + fam
        topic[pos], family[pos], lang[pos] = ctopic, fam, int(fam == 2)
        tpl[pos] = tpl_start[k] + ti
        tags[pos] = tag_start[k] + gi - 1 if gi else 0
        variant[pos] = rng.integers(0, 4, pos.size)
        variant[pos[0]] = 0

    # ---- retweets, replies, quotes, mentions, urls, emoji, engagement, clients
    plain = ~special & ~in_cluster
    is_rt = plain & (rng.random(T) < 0.15 * T / max(1, plain.sum()))
    rt_in = is_rt & (rng.random(T) < 0.5)
    rt_tgt = np.where(
        rt_in, (acct + rng.integers(1, A, T)) % A, A + rng.integers(0, len(_OUTSIDE), T)
    )
    reply = plain & ~is_rt & (rng.random(T) < 0.04)
    quote = plain & ~is_rt & ~reply & (rng.random(T) < 0.02)
    net_or_out = np.where(
        rng.random(T) < 0.65, rng.integers(0, A, T), A + rng.integers(0, len(_OUTSIDE), T)
    )
    mention = ~is_rt & ~reply & ~hostile & (rng.random(T) < np.where(in_cluster, 0.3, 0.1))
    has_url = ~hostile & (rng.random(T) < np.where(in_cluster, 0.3, 0.25))
    dom_p = np.array([d[3] for d in _DOMAINS])
    dom = rng.choice(len(_DOMAINS), T, p=dom_p / dom_p.sum())
    has_emoji = ~hostile & (rng.random(T) < np.where(in_cluster, 0.3, 0.2))
    emoji = rng.integers(0, len(_EMOJI), T)
    trail = rng.integers(0, len(_TRAILS), T)

    def eng(p: float, g: float, cap: int) -> np.ndarray:
        return np.where(~is_rt & (rng.random(T) < p), np.minimum(rng.geometric(g, T), cap), 0)

    likes, rts, replies, quotes = (
        eng(0.07, 0.35, 20),
        eng(0.03, 0.5, 5),
        eng(0.02, 0.6, 5),
        eng(0.01, 0.7, 3),
    )
    zero_f = followers[acct] == 0
    c0 = np.flatnonzero(plain & ~is_rt & zero_f)
    n50, n10 = round(156 * T / 348_608), round(26 * T / 348_608)
    pick = rng.choice(c0, min(n50, c0.size), replace=False)
    likes[pick] = 51 + rng.geometric(0.03, pick.size)
    pick = rng.choice(c0, min(n10, c0.size), replace=False)
    rts[pick] = 11 + rng.geometric(0.1, pick.size)
    cbig = np.flatnonzero(plain & ~is_rt & (followers[acct] >= 100))
    pick = rng.choice(cbig, min(n50, cbig.size), replace=False)
    likes[pick] = 20 + rng.geometric(0.01, pick.size)
    client = np.where(
        rng.random(T) < 0.85, primary_client[acct], rng.choice(len(_CLIENTS), T, p=_CLIENT_P)
    )

    # ---- times and snowflake ids (time-ordered, unique); output in id order
    utc = local - UTC_OFFSET_MIN

    def snowflake(minutes: np.ndarray) -> np.ndarray:
        ms = minutes * 60_000 + rng.integers(0, 60_000, minutes.size)
        return ((ms - TWEPOCH_MS) << 22) | rng.integers(0, 1 << 22, minutes.size)

    ids = snowflake(utc)
    while True:
        order = np.argsort(ids, kind="stable")
        dup = np.flatnonzero(np.diff(ids[order]) == 0)
        if dup.size == 0:
            break
        ids[order[dup + 1]] += 1
    ref_tid = snowflake(utc - rng.integers(1, 4320, T))
    out_pos = np.empty(T, np.int64)
    out_pos[order] = np.arange(T)
    salt = (seed * 2654435761 + 7654321) % _COMBO_M
    combo = (11_400_713 * out_pos + salt) % _COMBO_M
    for c, meta in enumerate(cluster_meta):
        combo[meta[4]] = (11_400_713 * (T + c) + salt) % _COMBO_M
    report("tweets", 0.2)

    # ---- write tweets in chunks of CHUNK_ROWS
    tpl_arr, emo_arr, trail_arr = pa.array(_TPL_LIST), pa.array(_EMOJI), pa.array(_TRAILS)
    tag_text = pa.array(["".join(f" #{t}" for t in g) for g in _TAG_LIST])
    tag_a = pa.array(["[" + ", ".join(g) + "]" for g in _TAG_LIST])
    tag_b = pa.array(["[" + ", ".join(f"'{t}'" for t in g) + "]" if g else "" for g in _TAG_LIST])
    lits = [pa.array([_COMBO[b][0][i] for b in ("zh", "en", "und")]) for i in range(9)]
    slots = [pa.array([x for b in ("zh", "en", "und") for x in _COMBO[b][1][i]]) for i in range(8)]
    first_utc = np.minimum.reduceat(utc, offsets)
    day0 = START - 1
    day_str = pa.array(np.datetime_as_string(np.arange(day0, END + 1).astype("datetime64[D]")))
    hm_str = pa.array([f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)])
    hostile_text = dict(zip(hostile_pos.tolist(), HOSTILE_TWEETS, strict=False))
    with open(out_dir / TWEETS_FILE, "wb") as f:
        f.write((",".join(TWEET_COLUMNS) + "\n").encode())
        for n_chunk, s in enumerate(range(0, T, CHUNK_ROWS)):
            ix = order[s : s + CHUNK_ROWS]
            n = ix.size
            crng = np.random.default_rng([seed, 101, n_chunk])
            fb = np.asarray(_COMBO_BLOCK)[family[ix]]
            parts = []
            for i in range(8):
                parts += [lits[i].take(fb), slots[i].take(fb * 8 + ((combo[ix] >> (3 * i)) & 7))]
            code = _join(*parts, lits[8].take(fb))
            b_rt, b_rep, b_men = (pa.array(x[ix]) for x in (is_rt, reply, mention))
            text = _join(
                pc.if_else(b_rt, _join("RT @", handle_all.take(rt_tgt[ix]), ": "), ""),
                pc.if_else(b_rep, _join("@", handle_all.take(net_or_out[ix]), " "), ""),
                tpl_arr.take(tpl[ix]),
                pc.if_else(pa.array(family[ix] >= 2), " ", ""),
                code,
                tag_text.take(tags[ix]),
                pc.if_else(b_men, _join(" @", handle_all.take(net_or_out[ix])), ""),
                pc.if_else(pa.array(has_url[ix]), _join(" https://t.co/", _slugs(crng, n, 10)), ""),
                pc.if_else(pa.array(has_emoji[ix]), _join(" ", emo_arr.take(emoji[ix])), ""),
            )
            v = variant[ix]
            text = pc.if_else(
                pa.array(v == 1), _join(pc.replace_substring(text, " ", "  "), "  "), text
            )
            text = pc.if_else(pa.array(v == 2), _join(text, trail_arr.take(trail[ix])), text)
            text = pc.if_else(pa.array(v == 3), pc.utf8_upper(text), text)
            hm = hostile[ix]
            if hm.any():
                text = pc.replace_with_mask(
                    text, pa.array(hm), pa.array([hostile_text[int(p)] for p in ix[hm]])
                )
            url = _join(
                pa.array([d[1] for d in _DOMAINS]).take(dom[ix]),
                _slugs(crng, n, 11),
                pa.array([d[2] for d in _DOMAINS]).take(dom[ix]),
            )
            sb = crng.random(n) < 0.5
            u_ix = utc[ix]
            _write(
                f,
                [
                    _num(ids[ix]),
                    acct_frag.take(acct[ix]),
                    pa.array(np.array(["zh", "en", "und"])[lang[ix]]),
                    _csv(text),
                    _join(day_str.take(u_ix // 1440 - day0), hm_str.take(u_ix % 1440), sep=" "),
                    pa.array(_CLIENTS).take(client[ix]),
                    pc.if_else(b_rep, uid_all.take(net_or_out[ix]), ""),
                    _opt_id(ref_tid[ix], reply[ix]),
                    _opt_id(ref_tid[ix] + 1, quote[ix]),
                    pc.if_else(b_rt, "True", "False"),
                    pc.if_else(b_rt, uid_all.take(rt_tgt[ix]), ""),
                    _opt_id(ref_tid[ix], is_rt[ix]),
                    pa.array(np.full(n, "absent")),
                    pa.array(np.full(n, "absent")),
                    _num(quotes[ix]),
                    _num(replies[ix]),
                    _num(likes[ix]),
                    _num(rts[ix]),
                    _csv(pc.if_else(pa.array(sb), tag_b.take(tags[ix]), tag_a.take(tags[ix]))),
                    _csv(_lists(sb, has_url[ix], url)),
                    _csv(_lists(sb, (mention | reply)[ix], uid_all.take(net_or_out[ix]))),
                ],
            )
            report("tweets", 0.2 + 0.75 * min(1.0, (s + n) / T))

    # ---- truth, from the arrays written above
    def ts(m: int) -> str:
        return str(np.datetime64(int(m), "m")).replace("T", " ")

    def date(d: int) -> str:
        return str(np.datetime64(int(d), "D"))

    def share_dict(x: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
        return {
            k: float(v)
            for k, v in zip(names, np.bincount(x, minlength=len(names)) / x.size, strict=True)
        }

    local_day, local_wd = local // 1440, (local // 1440 + 3) % 7
    lhour = (local % 1440) // 60
    span = np.arange(local_day.min(), local_day.max() + 1)
    per_day = np.bincount(local_day - span[0], minlength=span.size)
    weekend_day = (span + 3) % 7 >= 5
    gap = first_utc // 1440 - creation
    months = (utc // 1440).astype("datetime64[D]").astype("datetime64[M]")
    by_month: dict[str, dict[str, float]] = {}
    for m in np.unique(months):
        sel = topic[months == m]
        by_month[str(m)] = {**share_dict(sel, TOPICS), "n": int(sel.size)}
    tag_counts: dict[str, int] = {}
    for g, cnt in zip(_TAG_LIST, np.bincount(tags, minlength=len(_TAG_LIST)).tolist(), strict=True):
        for t in g:
            tag_counts[t] = tag_counts.get(t, 0) + cnt
    dom_counts = np.bincount(dom[has_url], minlength=len(_DOMAINS))
    zh = lang == 0
    n_simp, n_trad = int((zh & (family == 0)).sum()), int((zh & (family == 1)).sum())
    none_eng = (likes == 0) & (rts == 0) & (replies == 0) & (quotes == 0)
    dorm_first = first_utc[dorm] // 1440
    clusters = []
    for c, (ctopic, fam, _ti, _gi, pos) in enumerate(cluster_meta):
        pos = pos[np.lexsort((ids[pos], utc[pos]))]
        lit, sl = _COMBO[("zh", "zh", "en")[fam]]
        code = (
            "".join(lit[i] + sl[i][(int(combo[pos[0]]) >> (3 * i)) & 7] for i in range(8)) + lit[8]
        )
        text = (
            _TPL_LIST[tpl[pos[0]]]
            + (" " if fam == 2 else "")
            + code
            + "".join(f" #{t}" for t in _TAG_LIST[tags[pos[0]]])
        )
        clusters.append(
            {
                "id": c,
                "text": text,
                "normalized": normalize_text(text),
                "topic": TOPICS[ctopic],
                "userids": [userid[a] for a in acct[pos]],
                "tweetids": [str(i) for i in ids[pos]],
                "start": ts(utc[pos].min()),
                "end": ts(utc[pos].max()),
            }
        )
    samples = [
        {"file": "tweets", "id": str(ids[p]), "column": "tweet_text", "value": hostile_text[p]}
        for p in hostile_pos.tolist()
    ]
    for a in hostile_accts:
        for col, val in (
            ("user_display_name", display[a]),
            ("user_profile_description", bio[a]),
            ("user_reported_location", location[a]),
        ):
            samples.append({"file": "users", "id": userid[a], "column": col, "value": val})
        samples.append(
            {
                "file": "tweets",
                "id": str(ids[offsets[a]]),
                "column": "user_display_name",
                "value": display[a],
            }
        )
    plain_acct = next((a for a in range(A) if location[a] == "" and bio[a] == ""), None)
    for col in ("user_reported_location", "user_profile_description") * (plain_acct is not None):
        samples.append({"file": "users", "id": userid[plain_acct], "column": col, "value": ""})

    truth: dict[str, Any] = {
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "synthetic": True,
        "files": {"users": USERS_FILE, "tweets": TWEETS_FILE, "truth": TRUTH_FILE},
        "params": {"accounts": A, "tweets": T},
        "accounts": A,
        "tweets": T,
        "accounts_with_tweets": int(np.unique(acct).size),
        "first_tweet_date": date(utc.min() // 1440),
        "last_tweet_date": date(utc.max() // 1440),
        "zero_follower_count": int((followers == 0).sum()),
        "zero_follower_share": float((followers == 0).mean()),
        "under_8_share": float((followers < 8).mean()),
        "under_10_share": float((followers < 10).mean()),
        "zero_following_share": float((following == 0).mean()),
        "timezone": "Asia/Shanghai",
        "utc_offset_hours": UTC_OFFSET_MIN // 60,
        "working_hours": {"start": 8, "end": 17, "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]},
        "working_hours_share": float(((local_wd < 5) & (lhour >= 8) & (lhour < 17)).mean()),
        "weekday_weekend_rate_ratio": float(
            per_day[~weekend_day].mean() / per_day[weekend_day].mean()
        ),
        "creation_waves": [
            {"start": s, "end": e, "dormant": dz, "size": int((group == g).sum())}
            for g, (s, e, dz) in enumerate(WAVES, start=1)
        ],
        "old_accounts": {
            "size": int((group == 0).sum()),
            "created_from": date(creation[old].min()),
            "created_to": date(creation[old].max()),
        },
        "dormant_threshold_days": DORMANT_DAYS,
        "dormant_count": int((gap >= DORMANT_DAYS).sum()),
        "dormant_wave_members_first_tweet_window": {
            "start": date(dorm_first.min()),
            "end": date(dorm_first.max()),
        },
        "median_creation_to_first_tweet_days": float(np.median(gap)),
        "created_after_2019_10_01_share": float((creation >= _day("2019-10-01")).mean()),
        "topic_keywords": TOPIC_KEYWORDS,
        "topic_month_basis": "UTC tweet_time",
        "topic_share_by_month": by_month,
        "topic_share_overall": share_dict(topic, TOPICS),
        "topic_counts_overall": dict(
            zip(TOPICS, np.bincount(topic, minlength=5).tolist(), strict=True)
        ),
        "covid_hk_share": float(np.isin(topic, (0, 2)).mean()),
        "covid_rise_dates": list(COVID_RISE_DATES),
        "tweet_language_share": share_dict(lang, ("zh", "en", "und")),
        "account_language_share": share_dict(acct_lang, ("zh-cn", "en", "zh-tw")),
        "chinese_script_share": {
            "simplified": n_simp / max(1, n_simp + n_trad),
            "traditional": n_trad / max(1, n_simp + n_trad),
        },
        "chinese_script_counts": {"simplified": n_simp, "traditional": n_trad},
        "zero_engagement_share": float(none_eng.mean()),
        "retweet_share": float(is_rt.mean()),
        "retweet_inside_share": float(rt_in.sum() / max(1, is_rt.sum())),
        "zero_follower_tweets_over_50_likes": int((zero_f & (likes > 50)).sum()),
        "zero_follower_tweets_over_10_retweets": int((zero_f & (rts > 10)).sum()),
        "client_share": share_dict(client, _CLIENTS),
        "top_hashtags": [
            {"hashtag": t, "count": n}
            for t, n in sorted(tag_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
            if n
        ],
        "top_url_domains": [
            {"domain": _DOMAINS[i][0], "count": int(dom_counts[i])}
            for i in np.lexsort((np.arange(len(_DOMAINS)), -dom_counts))[:10]
            if dom_counts[i]
        ],
        "coordination": {
            "window_minutes": 10,
            "min_accounts": 5,
            "normalization": _NORM_RULE,
            "clusters": clusters,
        },
        "hostile_samples": samples,
        "hostile_top_accounts": [userid[a] for a in hostile_accts],
    }
    truth = _round(truth)
    (out_dir / TRUTH_FILE).write_text(
        json.dumps(truth, sort_keys=True, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    report("truth", 1.0)
    return truth


def _round(x: Any) -> Any:
    """Floats to 6 decimals, recursively, so truth.json is stable and readable."""
    if isinstance(x, float):
        return round(x, 6)
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_round(v) for v in x]
    return x
