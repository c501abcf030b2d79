"""Name pools for demo rosters: several scripts, each with a Latin transliteration.

A name is ``(native, latin)``; family names have a masculine and a feminine form where the
language inflects them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pool:
    script: str
    given_m: tuple[tuple[str, str], ...]
    given_f: tuple[tuple[str, str], ...]
    family: tuple[tuple[str, str, str, str], ...]
    """(masculine, masculine latin, feminine, feminine latin)."""
    family_first: bool = False
    separator: str = " "


def _same(*names: tuple[str, str]) -> tuple[tuple[str, str, str, str], ...]:
    return tuple((native, latin, native, latin) for native, latin in names)


ENGLISH = Pool(
    "latin",
    given_m=(("Liam", "liam"), ("Noah", "noah"), ("Mateo", "mateo"), ("Kwame", "kwame"),
             ("Ethan", "ethan"), ("Samuel", "samuel"), ("Ravi", "ravi"), ("Daniel", "daniel")),
    given_f=(("Olivia", "olivia"), ("Emma", "emma"), ("Aisha", "aisha"), ("Priya", "priya"),
             ("Grace", "grace"), ("Hannah", "hannah"), ("Maya", "maya"), ("Anne-Marie", "annemarie")),
    family=_same(("Smith", "smith"), ("Okafor", "okafor"), ("Patel", "patel"), ("Johnson", "johnson"),
                 ("Brown", "brown"), ("Williams", "williams"), ("Mensah", "mensah"), ("Taylor", "taylor"),
                 ("O'Brien", "obrien"), ("Clarke", "clarke")),
)  # fmt: skip

DIACRITICS = Pool(
    "latin-diacritics",
    given_m=(("José", "jose"), ("Łukasz", "lukasz"), ("François", "francois"), ("Björn", "bjorn"),
             ("Jiří", "jiri"), ("İlkay", "ilkay"), ("Søren", "soren"), ("Mátyás", "matyas")),
    given_f=(("Zoë", "zoe"), ("Chloé", "chloe"), ("Renée", "renee"), ("Siobhán", "siobhan"),
             ("Małgorzata", "malgorzata"), ("Inês", "ines"), ("Ayşe", "ayse"), ("Dörte", "dorte")),
    family=(("Dubois", "dubois", "Dubois", "dubois"), ("Martínez", "martinez", "Martínez", "martinez"),
            ("Wiśniewski", "wisniewski", "Wiśniewska", "wisniewska"),
            ("Müller", "muller", "Müller", "muller"), ("García", "garcia", "García", "garcia"),
            ("Dvořák", "dvorak", "Dvořáková", "dvorakova"), ("Østergaard", "ostergaard", "Østergaard",
            "ostergaard"), ("Çelik", "celik", "Çelik", "celik"), ("Ó Súilleabháin", "osullivan",
            "Ó Súilleabháin", "osullivan"), ("Gonçalves", "goncalves", "Gonçalves", "goncalves")),
)  # fmt: skip

VIETNAMESE = Pool(
    "latin-diacritics",
    given_m=(("Văn Minh", "minh"), ("Hoàng Anh", "anh"), ("Đức Huy", "huy"), ("Quốc Bảo", "bao")),
    given_f=(("Thị Mai", "mai"), ("Thu Hà", "ha"), ("Ngọc Lan", "lan"), ("Thanh Hương", "huong")),
    family=_same(("Nguyễn", "nguyen"), ("Trần", "tran"), ("Lê", "le"), ("Phạm", "pham"),
                 ("Huỳnh", "huynh"), ("Đặng", "dang")),
    family_first=True,
)  # fmt: skip

GREEK = Pool(
    "greek",
    given_m=(("Γιώργος", "giorgos"), ("Δημήτρης", "dimitris"), ("Νίκος", "nikos"),
             ("Αλέξανδρος", "alexandros"), ("Κώστας", "kostas")),
    given_f=(("Ελένη", "eleni"), ("Μαρία", "maria"), ("Κατερίνα", "katerina"), ("Σοφία", "sofia"),
             ("Δέσποινα", "despoina")),
    family=(("Παπαδόπουλος", "papadopoulos", "Παπαδοπούλου", "papadopoulou"),
            ("Νικολάου", "nikolaou", "Νικολάου", "nikolaou"),
            ("Γεωργίου", "georgiou", "Γεωργίου", "georgiou"),
            ("Οικονόμου", "oikonomou", "Οικονόμου", "oikonomou"),
            ("Καραγιάννης", "karagiannis", "Καραγιάννη", "karagianni"),
            ("Βλάχος", "vlachos", "Βλάχου", "vlachou")),
)  # fmt: skip

CYRILLIC = Pool(
    "cyrillic",
    given_m=(("Дмитрий", "dmitry"), ("Алексей", "alexey"), ("Иван", "ivan"), ("Олександр", "oleksandr"),
             ("Олег", "oleg")),
    given_f=(("Анна", "anna"), ("Екатерина", "ekaterina"), ("Ольга", "olga"), ("Наталья", "natalia"),
             ("Ірина", "iryna")),
    family=(("Иванов", "ivanov", "Иванова", "ivanova"), ("Смирнов", "smirnov", "Смирнова", "smirnova"),
            ("Кузнецов", "kuznetsov", "Кузнецова", "kuznetsova"), ("Попов", "popov", "Попова", "popova"),
            ("Шевченко", "shevchenko", "Шевченко", "shevchenko"),
            ("Ковальчук", "kovalchuk", "Ковальчук", "kovalchuk")),
)  # fmt: skip

ARABIC = Pool(
    "arabic",
    given_m=(("محمد", "mohamed"), ("أحمد", "ahmed"), ("عمر", "omar"), ("يوسف", "youssef"),
             ("خالد", "khaled")),
    given_f=(("فاطمة", "fatima"), ("ليلى", "layla"), ("نور", "nour"), ("مريم", "maryam"),
             ("سارة", "sara")),
    family=_same(("العلي", "alali"), ("حداد", "haddad"), ("الخطيب", "alkhatib"), ("منصور", "mansour"),
                 ("الحسن", "alhassan"), ("سليمان", "sleiman")),
)  # fmt: skip

CHINESE = Pool(
    "chinese",
    given_m=(("伟", "wei"), ("磊", "lei"), ("浩然", "haoran"), ("宇轩", "yuxuan"), ("俊杰", "junjie")),
    given_f=(("芳", "fang"), ("静", "jing"), ("欣怡", "xinyi"), ("子涵", "zihan"), ("婷", "ting")),
    family=_same(("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
                 ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("周", "zhou"), ("吴", "wu")),
    family_first=True,
    separator="",
)  # fmt: skip

POOLS: tuple[tuple[Pool, int], ...] = (
    (ENGLISH, 34),
    (DIACRITICS, 16),
    (VIETNAMESE, 6),
    (GREEK, 9),
    (CYRILLIC, 11),
    (ARABIC, 11),
    (CHINESE, 13),
)
"""Each pool with its weight in a generated roster."""

FEATURED: tuple[tuple[Pool, int, int, bool], ...] = (
    (DIACRITICS, 0, 0, False),  # Zoë Dubois
    (DIACRITICS, 0, 1, True),  # José Martínez
    (DIACRITICS, 1, 2, True),  # Łukasz Wiśniewski
    (VIETNAMESE, 0, 0, False),  # Nguyễn Thị Mai
    (GREEK, 0, 0, True),  # Γιώργος Παπαδόπουλος
    (CYRILLIC, 0, 0, False),  # Анна Иванова
    (ARABIC, 0, 4, False),  # فاطمة الحسن
    (CHINESE, 0, 0, False),  # 王芳
    (ENGLISH, 7, 8, False),  # Anne-Marie O'Brien
)
"""(pool, given index, family index, masculine): names every roster starts with."""
