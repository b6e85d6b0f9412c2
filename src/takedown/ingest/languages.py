"""Language names as some exports write them (FiveThirtyEight's IRA files) -> ISO 639-1 codes.

A name not in the table is kept as written, so nothing is lost; "LANGUAGE UNDEFINED" is NULL.
"""

from __future__ import annotations

NAME_TO_ISO: dict[str, str] = {
    "Albanian": "sq", "Arabic": "ar", "Bulgarian": "bg", "Catalan": "ca", "Croatian": "hr",
    "Czech": "cs", "Danish": "da", "Dutch": "nl", "English": "en", "Estonian": "et",
    "Farsi (Persian)": "fa", "Finnish": "fi", "French": "fr", "German": "de", "Greek": "el",
    "Hebrew": "he", "Hindi": "hi", "Hungarian": "hu", "Icelandic": "is", "Indonesian": "id",
    "Italian": "it", "Japanese": "ja", "Korean": "ko", "Kurdish": "ku", "Latvian": "lv",
    "Lithuanian": "lt", "Macedonian": "mk", "Malay": "ms", "Norwegian": "no", "Polish": "pl",
    "Portuguese": "pt", "Pushto": "ps", "Romanian": "ro", "Russian": "ru", "Serbian": "sr",
    "Simplified Chinese": "zh", "Slovak": "sk", "Slovenian": "sl", "Somali": "so",
    "Spanish": "es", "Swedish": "sv", "Tagalog (Filipino)": "tl", "Thai": "th",
    "Traditional Chinese": "zh", "Turkish": "tr", "Ukrainian": "uk", "Urdu": "ur",
    "Uzbek": "uz", "Vietnamese": "vi", "Chinese": "zh", "Belarusian": "be", "Georgian": "ka",
    "Armenian": "hy", "Azerbaijani": "az", "Kazakh": "kk", "Bosnian": "bs", "Hausa": "ha",
}  # fmt: skip
UNDEFINED = ("LANGUAGE UNDEFINED", "Undetermined", "und")


def iso_case_sql(column: str) -> str:
    """A SQL CASE mapping a language-name column to ISO codes (unknown names pass through)."""

    def lit(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"

    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in sorted(NAME_TO_ISO.items()))
    undef = ", ".join(lit(u) for u in UNDEFINED)
    return (
        f"CASE WHEN trim({column}) IN ({undef}) OR trim({column}) = '' THEN NULL "
        f"ELSE CASE trim({column}) {whens} ELSE trim({column}) END END"
    )
