"""Chinese text for the indicator library: tokens, search and recommendation.

jieba segments with a domain dictionary (``data/library/dictionary.txt``: 满意度, 亮灯率,
清运量 ...) so that a search for 垃圾 or 路灯 finds the indicators a person expects. Character
bigrams back the words up where a name is segmented differently from the query. Everything here
is plain data in, ranked results out; the apps feed it the region's library.
"""

import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from typing import Any

import jieba

_LOCK = threading.Lock()
_TOKENIZER: jieba.Tokenizer | None = None
_HAN_OR_WORD = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
# Words that carry no meaning for matching an indicator to a need.
STOPWORDS = frozenset(
    [
        "的",
        "和",
        "与",
        "及",
        "等",
        "对",
        "在",
        "为",
        "了",
        "是",
        "按",
        "由",
        "其",
        "或",
        "并",
        "中",
        "内",
        "上",
        "下",
        "年度",
        "全年",
        "项目",
        "指标",
        "经费",
        "资金",
        "专项",
        "工作",
        "开展",
        "相关",
        "有关",
        "区级",
        "县级",
        "全区",
        "全县",
        "本级",
        "支出",
        "补助",
        "情况",
    ]
)
# How much a matching word counts, by where in the indicator it stands.
FIELD_WEIGHTS = {"name": 3.0, "keywords": 2.5, "category": 1.5, "definition": 1.0}


def tokenizer() -> jieba.Tokenizer:
    """The shared tokenizer with the domain dictionary, built once per process."""
    global _TOKENIZER
    with _LOCK:
        if _TOKENIZER is None:
            tok = jieba.Tokenizer()
            jieba.setLogLevel(60)
            with as_file(files("jixiao.core.data").joinpath("library/dictionary.txt")) as path, path.open("rb") as fh:
                tok.load_userdict(fh)
            tok.initialize()
            _TOKENIZER = tok
        return _TOKENIZER


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def words(text: str) -> list[str]:
    """Meaningful words of ``text``: jieba's search-mode cut, without stopwords and stray characters."""
    out = []
    for piece in _HAN_OR_WORD.findall(normalize(text)):
        for word in tokenizer().lcut_for_search(piece):
            if len(word) >= 2 and word not in STOPWORDS:
                out.append(word)
    return out


def bigrams(text: str) -> list[str]:
    out = []
    for piece in _HAN_OR_WORD.findall(normalize(text)):
        out.extend(piece[i : i + 2] for i in range(len(piece) - 1) if piece[i : i + 2] not in STOPWORDS)
    return out


def terms(text: str) -> set[str]:
    """Words and character bigrams: the units both search and recommendation match on."""
    return set(words(text)) | set(bigrams(text))


@dataclass(frozen=True)
class IndicatorText:
    """What the library says about one indicator, as text fields."""

    key: str
    name: str
    keywords: Sequence[str] = ()
    definition: str = ""
    categories: Sequence[str] = ()  # category codes
    category_names: Sequence[str] = ()
    level1: str = ""
    level2: str = ""
    common: bool = False


def texts_from_data(items: Iterable[dict[str, Any]], category_names: dict[str, str]) -> list[IndicatorText]:
    """Indicators in the data-file layout (``data/library/indicators.json``) as search texts."""
    return [
        IndicatorText(
            key=i["code"],
            name=i["name"],
            keywords=i.get("keywords", []),
            definition=i.get("definition", ""),
            categories=i["categories"],
            category_names=[category_names[c] for c in i["categories"]],
            level1=i["level1"],
            level2=i["level2"],
            common=not i["categories"],
        )
        for i in items
    ]


@dataclass
class Hit:
    key: str
    score: float
    matched: list[str] = field(default_factory=list)


class SearchIndex:
    """An inverted index over the library: term → (indicator, weight). Built once per library
    version; a query touches only the postings of its own terms."""

    def __init__(self, items: Iterable[IndicatorText]) -> None:
        self.items = {item.key: item for item in items}
        self.postings: dict[str, dict[str, float]] = {}
        self.names = {key: normalize(item.name) for key, item in self.items.items()}
        for key, item in self.items.items():
            fields = {
                "name": item.name,
                "keywords": " ".join(item.keywords),
                "category": " ".join(item.category_names),
                "definition": item.definition.removeprefix("指标解释："),
            }
            for name, text in fields.items():
                for term in terms(text):
                    posting = self.postings.setdefault(term, {})
                    posting[key] = max(posting.get(key, 0.0), FIELD_WEIGHTS[name])
        count = max(len(self.items), 1)
        self.idf = {term: math.log(1 + count / len(posting)) for term, posting in self.postings.items()}

    def search(self, query: str, *, limit: int = 50) -> list[Hit]:
        query_terms = terms(query)
        if not query_terms:
            return []
        whole = normalize(query).strip()
        scores: defaultdict[str, float] = defaultdict(float)
        matched: dict[str, list[str]] = {}
        for term in query_terms:
            for key, weight in self.postings.get(term, {}).items():
                scores[key] += weight * self.idf[term]
                matched.setdefault(key, []).append(term)
        # A query that appears whole in the name is what the person typed the name for.
        for key in scores:
            if whole and whole in self.names[key]:
                scores[key] += 10.0
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [Hit(key, round(score, 3), sorted(set(matched[key]))) for key, score in ranked]


@dataclass(frozen=True)
class ProjectText:
    name: str
    description: str = ""
    category: str = ""  # category code
    category_name: str = ""
    domain_categories: Sequence[str] = ()  # codes of the other categories in the same 领域


@dataclass(frozen=True)
class PastIndicator:
    """An indicator on an earlier sheet of the same project, with what was set and achieved."""

    key: str
    year: int
    target: str
    actual: str = ""


@dataclass
class Suggestion:
    key: str
    score: float
    reasons: list[str]


def recommend(
    project: ProjectText,
    index: SearchIndex,
    *,
    history: Sequence[PastIndicator] = (),
    usage: dict[str, int] | None = None,
    limit: int = 40,
) -> list[Suggestion]:
    """Indicators for a project, ranked, each with the reasons it is suggested.

    The signals, in the order a reviewer trusts them: the indicator was on this project's own
    sheet last year (with its target and actual); it is written for the project's category;
    similar projects in the region use it (``usage``: key → count of sheets of the category);
    its words match the project's name and description (name words count double); it belongs to
    a neighbouring category of the same 领域, or is a common (共性) indicator.
    """
    usage = usage or {}
    project_terms = Counter(dict.fromkeys(terms(project.name), 2)) + Counter(terms(project.description))
    # Reasons quote whole words; bigrams help the match but read as fragments (村义, 育学).
    project_words = set(words(project.name)) | set(words(project.description))
    scores: defaultdict[str, float] = defaultdict(float)
    reasons: dict[str, list[str]] = {}

    def add(key: str, points: float, reason: str) -> None:
        scores[key] += points
        reasons.setdefault(key, []).append(reason)

    matched: dict[str, defaultdict[str, float]] = {}
    for term, weight in project_terms.items():
        for key, field_weight in index.postings.get(term, {}).items():
            matched.setdefault(key, defaultdict(float))[term] += weight * field_weight * index.idf[term]
    for key, contributions in matched.items():
        similarity = sum(contributions.values())
        top = [t for t, _ in sorted(contributions.items(), key=lambda kv: -kv[1]) if t in project_words][:3]
        reason = f"与项目名称或概述相关（{'、'.join(top)}）" if top else "与项目名称或概述相关"
        add(key, min(similarity / 8.0, 4.0), reason)
    for key, item in index.items.items():
        if project.category and project.category in item.categories:
            add(key, 3.0, f"「{project.category_name or project.category}」类项目的个性指标")
        elif any(code in item.categories for code in project.domain_categories) and key in scores:
            add(key, 0.5, "同一领域相近类别的指标")
        elif item.common and key in scores:
            add(key, 0.5, "共性指标")
        if usage.get(key):
            add(key, min(2.0, 0.5 + math.log1p(usage[key])), f"同类项目已使用 {usage[key]} 次")
    for past in history:
        if past.key in index.items:
            result = f"，实际完成 {past.actual}" if past.actual else ""
            add(past.key, 5.0, f"本项目 {past.year} 年度目标表已用（目标值 {past.target}{result}）")
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [Suggestion(key, round(score, 3), reasons[key]) for key, score in ranked]
