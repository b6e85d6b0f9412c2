"""The first synthetic operation, `china`: modelled on the shape of the June 2020 PRC-linked set
(Chinese and English text, Beijing office hours, creation waves, a dormant wave, engagement that
is mostly zero), with every value synthetic. Its bytes for a seed are fixed: the truth tests and
the report's findings.json stability depend on them.
"""

from __future__ import annotations

from takedown.demo.params import Operation

TOPICS = ("hong_kong", "guo_wengui", "covid", "taiwan", "other")
COVID_RISE_DATES = ("2020-01-20", "2020-03-23")  # start of the January rise; the late-March peak
# "topic family #tags" headers, then that group's sentences: each carries its own topic's keywords
# only, and the script markers of its family (这/们/为/说 vs 這/們/為/說).
TEXT = """\
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
COMBO_SRC = {
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

# The most active accounts: ordinary profiles, with what real ones carry (pipes, commas, quotes,
# #tags, @handles, $, <3, a backslash, emoji sequences).
TOP_PROFILES = (
    ("新闻速递 <Daily News>", "每日新闻, 转发≠赞同 | news, views", "北京, 中国"),
    ('Lucy "小露" Wang', "热爱生活 ❤️ #正能量 #美丽中国", ""),
    ("leo_zhang_88", "¯\\_(ツ)_/¯ 一个普通人 *认真生活*", "Shanghai"),
    ("王伟 Wang Wei", "Love China <3 | 和平与爱", "中国"),
    ("早安中国 🇨🇳", "每天早安 @CGTNOfficial 粉丝 | $1 = ¥7", ""),
    ("👨‍👩‍👧 一家人", "家庭第一 [转发](请注明出处)", "广东 深圳"),
)

CHINA = Operation(
    name="china",
    file_prefix="demo",
    timezone="Asia/Shanghai",
    utc_offset_min=480,
    start="2018-01-01",
    end="2020-04-17",
    working_hours=(8, 17),
    weekend_factor=0.28,
    hours_weekday=(0.05,) * 7
    + (0.15, 0.9, 1, 1, 0.95, 0.45, 0.8, 1, 1, 0.9, 0.45, 0.2, 0.2, 0.2, 0.2, 0.15, 0.1),
    hours_weekend=(0.05,) * 7
    + (0.2, 0.5, 0.7, 0.8, 0.8, 0.6, 0.7, 0.8, 0.8, 0.7, 0.6, 0.5, 0.5, 0.5, 0.4, 0.3, 0.1),
    # thin in 2018, rising mid-2019, dominant Oct 2019 - Apr 2020
    volume_base=0.25,
    volume_set=(("2019-06-01", "2020-04-18", 0.6), ("2019-10-01", "2020-04-18", 1.0)),
    volume_mul=(("2020-01-22", "2020-02-06", 1.3), ("2020-03-20", "2020-03-30", 1.6)),
    topics=TOPICS,
    topic_labels=("Hong Kong protests", "Guo Wengui", "COVID-19", "Taiwan", "Other"),
    # The lexicon labels are planted against (as in profiles/china_052020.yml): case-insensitive
    # substring matching of tweet_text recovers every planted label exactly.
    topic_keywords=(
        ("香港", "港独", "港獨", "暴徒", "反修例", "修例", "黑暴", "Hong Kong", "HongKong"),
        ("郭文贵", "郭文貴", "Guo Wengui", "Miles Guo"),
        ("新冠", "肺炎", "疫情", "冠状病毒", "冠狀病毒", "COVID", "coronavirus", "Wuhan"),
        ("台湾", "台灣", "蔡英文", "Taiwan", "Tsai Ing-wen"),
    ),
    topic_base=(0.08, 0.35, 0.0, 0.04),
    topic_steps=(
        (0, "2019-04-01", 0.15),
        (0, "2019-06-01", 0.5),
        (0, "2020-01-20", 0.16),
        (0, "2020-03-01", 0.1),
        (1, "2019-06-01", 0.15),
        (1, "2020-01-20", 0.1),
        (3, "2019-12-20", 0.18),
        (3, "2020-01-16", 0.04),  # Taiwan election, 11 January 2020
        (2, "2020-02-01", 0.33),
        (2, "2020-03-01", 0.36),
        (2, "2020-03-20", 0.45),
        (2, COVID_RISE_DATES[1], 0.56),
        (2, "2020-03-30", 0.38),
    ),  # fmt: skip
    topic_ramps=((2, COVID_RISE_DATES[0], "2020-02-01", 0.05, 0.42),),  # the late-January rise
    families=("simplified", "traditional", "en", "und"),  # und = emoji + pinyin
    family_sep=("", "", " ", " "),
    langs=("zh", "en", "und"),
    lang_p=(0.85, 0.10, 0.05),
    family_split=0.75,
    text=TEXT,
    combo_src=tuple(COMBO_SRC.items()),
    blocks=("zh", "en", "und"),
    tag_p=(0.4, 0.12),
    url_p=0.25,
    account_langs=("zh-cn", "en", "zh-tw"),
    account_lang_p=(0.74, 0.18, 0.08),
    creation_range=("2009-01-01", "2019-06-30"),
    first_window_days=240,
    first_by="2019-09-30",
    # creation waves (start, end, dormant): the Sept 2019 wave is silent until late Jan 2020
    waves=(
        ("2019-09-02", "2019-09-15", True),
        ("2019-10-14", "2019-10-20", False),
        ("2019-11-18", "2019-11-24", False),
        ("2019-12-16", "2019-12-22", False),
    ),
    dormant_first_tweet=("2020-01-22", "2020-01-31"),
    zero_follower_share=0.785,
    surnames="王李张刘陈杨赵周吴徐孙林何高",
    given="伟芳娜敏静丽强磊军洋勇艳杰涛明",
    first_latin=tuple("Lucy Jack Amy Kevin Grace Leo Mia Tony Emma David".split()),
    last_latin=tuple("Wang Li Zhang Liu Chen Yang Zhao Zhou Wu Xu".split()),
    locations=tuple("中国|北京|上海|China|Beijing, China|广东 深圳|New York, USA|地球".split("|")),
    bios=tuple(
        "热爱生活|Love life, love China.|分享美好生活|歲月靜好|一个普通人|和平与爱 ❤️".split("|")
    ),
    clients=(
        "Twitter Web App",
        "Twitter for iPhone",
        "Twitter for Android",
        "Twitter Web Client",
        "TweetDeck",
        "Twitter for iPad",
    ),
    client_p=(0.42, 0.2, 0.25, 0.06, 0.04, 0.03),
    outside=tuple(
        (
            "globaltimesnews XHNews PDChina CGTNOfficial ChinaDaily SpokespersonCHN MFA_China "
            "zlj517 HuXijin_GT CCTV shen_shiwei AmbLiuXiaoMing"
        ).split()
    ),
    domains=(
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
    ),
    emoji=("👍", "🇨🇳", "❤️", "🙏", "😂", "💪", "🔥", "👏"),
    trails=("!!", "！！", "...", "。", " ?!"),
    clusters_from="2019-10-01",
    plant_engagement=True,
    top_profiles=TOP_PROFILES,
    # ring hashtags: written alike in simplified and traditional characters, so a tweet's script
    # stays one
    ring_tags=(
        "同心同德",
        "和平友好",
        "真相大白",
        "青年力量",
        "天天向上",
        "大好河山",
        "美好生活",
        "加油加油",
    ),
)
