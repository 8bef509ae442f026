"""Page images for OCR: straightening, cleaning, table rules and recognised words.

A page image becomes what the PDF reader gets from a text layer: characters with boxes
(``Char``, here ``OcrChar`` with the recogniser's confidence) and the horizontal and vertical
rulings of its tables, in points from the top-left of the (straightened) page. ``pdf.lay_out_page``
then builds the same grid, lines and cells as for a PDF with vector rules.

Needs the ``ocr`` extra (OpenCV and rapidocr-onnxruntime); ``parse.ocr`` imports this module
only when they are installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from xxgk.bounded import give_back_freed_memory
from xxgk.parse.pdf_layout import Char, Segment

# OpenCV works on the calling thread only, set before its first call in this process: its
# thread pool and a fork do not mix. The parent makes the page thumbnails, then forks the
# recognising child (``xxgk.bounded``); a child forked while a pool worker held the pool's
# lock waited on it for ever (twice among the first nine fixture files of benchmarks/ocr.py
# read on 2026-12-06, each until the deadline). One thread a process is also what OCR asks
# of onnxruntime (``engine``), and OpenCV's results do not depend on it.
cv2.setNumThreads(0)

Gray = NDArray[Any]  # a grey page, uint8 (OpenCV's stubs type results loosely)

MAX_SKEW = 2.0  # degrees searched each way when straightening a page (photos: ±1° and a bit)
SKEW_STEP = 0.1  # degrees: at 200 dpi an A4 line drifts under 3 px across the page
UNEVEN_LIGHT = 0.08  # background spread (share of white) above which a page is flattened
RULE_MIN_INCH = 0.35  # a horizontal rule is at least this long (longer than any dash or 一)
RULE_MIN_CELL_INCH = 0.12  # a vertical rule piece spans at least this (a row is taller)
RULE_TOUCH_PT = 3.0  # a vertical piece must reach a horizontal rule within this at both ends
INK_SHARE = (
    0.02  # share of marked pixels inside an empty-looking cell that means something is there
)
INK_CONTRAST = 0.8  # a pixel darker than this share of the paper's brightness is a mark


ALTERNATIVE_MIN = 0.02  # a runner-up character this probable is a candidate reading
SAME_READING = ("0oO〇○０", "1lI|丨１", "2２", "3３", "4４", "5５", "6６", "7７", "8８", "9９")
"""Characters that read as the same digit: the recogniser's doubt between "0" and "O" in a
number cell is no doubt about the number, so their probabilities count together."""


class OcrChar(Char):
    """A recognised character: its box in points, the recogniser's confidence (0…1) and the
    runner-up characters it also saw there (candidates, never used instead). A ``Char``
    with the two more fields after its own."""

    __slots__ = ()

    def __new__(
        cls,
        text: str,
        x0: float,
        top: float,
        x1: float,
        bottom: float,
        score: float = 1.0,
        alternatives: tuple[str, ...] = (),
    ) -> OcrChar:
        centre = ((x0 + x1) / 2, (top + bottom) / 2)
        return tuple.__new__(cls, (text, x0, top, x1, bottom, *centre, score, alternatives))

    def __getnewargs__(self) -> tuple[Any, ...]:
        return (*self[:5], *self[7:])

    @property
    def score(self) -> float:
        return self[7]  # type: ignore[misc]  # the tuple holds more than Char's fields

    @property
    def alternatives(self) -> tuple[str, ...]:
        return self[8]  # type: ignore[misc]


class Score(float):
    """A line's confidence (its least sure character) that also carries, per character of
    the decoded text, the character's own confidence and its runner-up characters."""

    per_char: list[float]
    alternatives: list[tuple[str, ...]]


class ScoredDecode:
    """Wraps rapidocr's CTC decoder to score characters better and keep runner-ups.

    rapidocr scores a character by the probability of the first frame that reads it, which
    sits on the glyph's edge and is low for a lone correct "0"; here a character's score is
    its best frame's probability, and a line's score its least sure character's.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        index = {ch: i for i, ch in enumerate(inner.character)}
        self.same: dict[int, list[int]] = {}
        for group in SAME_READING:
            members = [index[ch] for ch in group if ch in index]
            for member in members:
                self.same[member] = members

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __call__(self, preds: Any, return_word_box: bool = False, **kwargs: Any) -> Any:
        out = self.inner(preds, return_word_box, **kwargs)
        return [(item[0], self._score(preds[n]), *item[2:]) for n, item in enumerate(out)]

    def _score(self, frames: Any) -> Score:
        best_class = frames.argmax(axis=1)
        per_char: list[float] = []
        alternatives: list[tuple[str, ...]] = []
        start = 0
        while start < len(best_class):
            end = start
            while end + 1 < len(best_class) and best_class[end + 1] == best_class[start]:
                end += 1
            if best_class[start] != 0:  # 0 is the CTC blank
                best = int(best_class[start])
                frame = start + int(frames[start : end + 1, best].argmax())
                probs = frames[frame]
                same = self.same.get(best, [best])
                per_char.append(min(1.0, float(sum(probs[i] for i in same))))
                order = probs.argsort()[::-1][:5]
                alternatives.append(
                    tuple(
                        self.inner.character[i]
                        for i in order
                        if i != 0 and i not in same and probs[i] >= ALTERNATIVE_MIN
                    )
                )
            start = end + 1
        score = Score(min(per_char) if per_char else 0.0)
        score.per_char, score.alternatives = per_char, alternatives
        return score


@dataclass
class PreparedPage:
    """A page image ready for recognition, with what was done to it."""

    gray: Gray
    dpi: float
    skew: float  # degrees the page was turned to straighten it
    flattened: bool  # uneven lighting was evened out and the page binarised


@dataclass
class PageReading:
    """What OCR found on one page, in points (72 per inch) from the page's top-left."""

    chars: list[OcrChar]
    horizontal: list[Segment]
    vertical: list[Segment]
    height: float  # page height in points
    prepared: PreparedPage


# --- preparation ---------------------------------------------------------------------------


def prepare(gray: Gray, dpi: float) -> PreparedPage:
    """Straighten the page and even out its lighting when that helps (measured per page)."""
    skew = estimate_skew(gray)
    if abs(skew) >= SKEW_STEP / 2:
        gray = rotate(gray, skew)
    flattened = False
    if background_spread(gray) > UNEVEN_LIGHT:
        gray = flatten(gray)
        flattened = True
    return PreparedPage(gray, dpi, skew, flattened)


def _ink(gray: Gray) -> Gray:
    """Return a binary image, ink = 255, robust to uneven light (local mean threshold)."""
    block = max(15, (min(gray.shape) // 40) | 1)
    result: Gray = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )
    return result


def estimate_skew(gray: Gray) -> float:
    """Return the angle (degrees) that makes text lines and rules horizontal.

    The projection profile of ink rows is sharpest when lines are level: each candidate
    angle is tried on a small copy and the one with the largest row-sum variance wins.
    """
    scale = 800 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = _ink(small).astype(np.float32)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, SKEW_STEP):
        turned = rotate(ink, float(angle), border=0)
        score = float(np.var(turned.sum(axis=1)))
        if score > best_score:
            best, best_score = float(angle), score
    return round(best, 2)


def rotate(image: Any, angle: float, border: int = 255) -> Any:
    """Turn ``image`` by ``angle`` degrees about its centre, keeping its size."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def _background(gray: Gray) -> Gray:
    """Return the paper's brightness everywhere: the page with the ink closed away."""
    size = max(15, (min(gray.shape) // 30) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    closed = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel)
    result: Gray = cv2.GaussianBlur(closed, (0, 0), size / 2)
    return result


def background_spread(gray: Gray) -> float:
    """Return how unevenly the paper is lit: the 5–95 % spread of its brightness, 0…1."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    paper = _background(small)
    low, high = np.percentile(paper, [5, 95])
    return float(high - low) / 255.0


def flatten(gray: Gray) -> Gray:
    """Divide out the paper's brightness, then binarise (Otsu): shadows and a grey cast of
    a photographed page go, the ink stays."""
    paper = _background(gray).astype(np.float32) + 1.0
    even = np.clip(gray.astype(np.float32) / paper * 255.0, 0, 255).astype(np.uint8)
    _, binary = cv2.threshold(even, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    result: Gray = binary
    return result


# --- table rules ---------------------------------------------------------------------------


def table_rules(gray: Gray, dpi: float) -> tuple[list[Segment], list[Segment]]:
    """Return horizontal ``(y, x0, x1)`` and vertical ``(x, top, bottom)`` rules in points.

    Morphological opening with a long thin kernel keeps only straight runs of ink longer
    than any stroke of a character; a vertical piece counts only when both its ends reach a
    horizontal rule (a cell border), so a tall digit "1" is never a rule.
    """
    ink = _ink(gray)
    pt = 72.0 / dpi
    h_len = max(20, int(RULE_MIN_INCH * dpi))
    v_len = max(10, int(RULE_MIN_CELL_INCH * dpi))
    horizontal_ink = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1))
    )
    vertical_ink = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len))
    )
    # close the small gaps a scan leaves in a rule
    horizontal_ink = cv2.dilate(horizontal_ink, np.ones((1, 5), np.uint8))
    vertical_ink = cv2.dilate(vertical_ink, np.ones((5, 1), np.uint8))
    horizontal = [
        ((y + h / 2) * pt, x * pt, (x + w) * pt)
        for x, y, w, h in _components(horizontal_ink)
        if w >= h_len and h <= w / 8
    ]
    vertical = [
        ((x + w / 2) * pt, y * pt, (y + h) * pt)
        for x, y, w, h in _components(vertical_ink)
        if h >= v_len and w <= h / 3
    ]
    return horizontal, [v for v in vertical if _reaches_rules(v, horizontal)]


def _components(binary: Gray) -> list[tuple[int, int, int, int]]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    return [tuple(int(v) for v in stats[i][:4]) for i in range(1, count)]  # type: ignore[misc]


def _reaches_rules(piece: Segment, horizontal: list[Segment]) -> bool:
    x, top, bottom = piece

    def touches(at: float) -> bool:
        return any(
            abs(y - at) <= RULE_TOUCH_PT and x0 - RULE_TOUCH_PT <= x <= x1 + RULE_TOUCH_PT
            for y, x0, x1 in horizontal
        )

    return touches(top) and touches(bottom)


TABLE_RULE_INCH = 1.5
"""A horizontal rule this long belongs to a table (longer than any underline in prose)."""
TABLE_RULES = 2
"""Rules at this many heights make a table: one long rule alone is a letterhead's line."""


def shrink(gray: Gray, factor: float) -> Gray:
    """Return ``gray`` scaled by ``factor`` (< 1), each pixel the mean of those it covers."""
    result: Gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return result


def holds_table(gray: Gray, dpi: float) -> bool:
    """Return True when the page (a small copy will do, ``ocr.THUMB_DPI``) draws a table:
    long horizontal rules at ``TABLE_RULES`` heights or more, once straightened. OCR reads
    these pages first (``ocr.ScanPages``)."""
    page = prepare(gray, dpi)
    horizontal, _ = table_rules(page.gray, dpi)
    heights = {round(y / 3) for y, x0, x1 in horizontal if x1 - x0 >= TABLE_RULE_INCH * 72}
    return len(heights) >= TABLE_RULES


def has_ink(gray: Gray, dpi: float, box: tuple[float, float, float, float]) -> bool:
    """Return True when the inside of a cell box (points) holds marks: something is written
    there that the recogniser did not read."""
    px = dpi / 72.0
    x0, top, x1, bottom = box
    margin = 4.0  # points kept clear of the rules
    a, b = int((top + margin) * px), int((bottom - margin) * px)
    c, d = int((x0 + margin) * px), int((x1 - margin) * px)
    if b - a < 3 or d - c < 3:
        return False
    inside = gray[a:b, c:d]
    paper = float(np.percentile(inside, 95))
    return float(np.mean(inside < INK_CONTRAST * paper)) > INK_SHARE


# --- recognition ---------------------------------------------------------------------------


REC_BATCH = 1
"""Words recognised per call. rapidocr pads every word of a batch to the widest (at least
320 px, narrower pads change readings); one at a time pads none beyond that: the same
readings for a quarter less time (8.2 → 6.2 CPU s a page, ``benchmarks/ocr.py``). Batching
the words that are padded to 320 px anyway gives the same readings but no speed on one
thread (143 words of a Table 三 page: 4.0 s one at a time, 4.4 s by 4, 5.9 s by 16), and two
intra-op threads doubled the CPU time on the shared 2-core machine (2026-12-06).

The detector is left as rapidocr sets it (the page at up to 2000 px): shrinking it to 1600 px
saved a third of its time and memory but misread 4 of 200 cells of the 150-dpi scan, 2 of
them silently (2026-12-06)."""
NARROW_WIDTH = 96
"""A word at most this wide (at the recogniser's 48 px height: up to four digits) is first
recognised padded to this width instead of 320 px, a third of the work; its reading is kept
only when it is sure (``SURE_READING``), else it is recognised again as before. Padded less,
the recogniser reads some words differently (a lone "4" as "4號" at 160 px, "0" as "o"):
on 4 table pages (200 dpi, scanned and photographed) 449 of 503 narrow words were sure and
every one of them read as at 320 px (2026-12-06)."""
SURE_READING = 0.95
"""Least character confidence of a narrow word's first reading to keep it."""
DIGIT_LOOKALIKES = frozenset("".join(SAME_READING)) - frozenset("0123456789")
"""Characters that send a narrow word to the second reading: a letter or full-width form
read for a digit is what the narrower padding changes."""


class TwoWidthRecognizer:
    """Wraps rapidocr's recogniser: narrow words first at ``NARROW_WIDTH``, the ones not
    read surely there (and every wider word) at the configured 320 px."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __call__(self, img_list: Any, return_word_box: bool = False) -> tuple[list[Any], float]:
        if isinstance(img_list, np.ndarray):
            img_list = [img_list]
        height = self.inner.rec_image_shape[1]
        results: list[Any] = [None] * len(img_list)
        narrow = [
            n
            for n, img in enumerate(img_list)
            if img.shape[1] * height <= NARROW_WIDTH * img.shape[0]
        ]
        elapse = 0.0
        if narrow:
            out, spent = self._at(NARROW_WIDTH, [img_list[n] for n in narrow], return_word_box)
            elapse += spent
            for n, item in zip(narrow, out, strict=True):
                if _sure(item):
                    results[n] = item
        rest = [n for n, item in enumerate(results) if item is None]
        if rest:
            out, spent = self.inner([img_list[n] for n in rest], return_word_box)
            elapse += spent
            for n, item in zip(rest, out, strict=True):
                results[n] = item
        return results, elapse

    def _at(self, width: int, images: list[Any], return_word_box: bool) -> Any:
        shape = self.inner.rec_image_shape
        self.inner.rec_image_shape = [*shape[:2], width]
        try:
            return self.inner(images, return_word_box)
        finally:
            self.inner.rec_image_shape = shape


def _sure(item: Any) -> bool:
    """Return True when a narrow word's first reading can be kept."""
    text, score = str(item[0]), item[1]
    per_char = getattr(score, "per_char", None) or [float(score)]
    return (
        bool(text.strip())
        and min(per_char) >= SURE_READING
        and not any(ch in DIGIT_LOOKALIKES for ch in text)
    )


class ArenaDetector:
    """Runs rapidocr's text detector (PP-OCRv4 det) on memory from one onnxruntime arena that
    is emptied after each page: the detection is the peak of the recognising child.

    rapidocr runs it with its arena off and a memory pattern on, planned by the first run on
    a page size: that run allocates each of some 400 tensors on its own (up to 85 MB for a
    200-dpi page, 1408 × 1984 px to the detector), takes 3× the time of a later run, and
    left the child of the 10-page scan of ``benchmarks/hostile_files.py`` at 674–811 MB by
    how glibc's heap was cut up (once 963 MB); later runs take one 436 MB block. Here one
    arena growing by what is asked serves every run, the first included, in 473 MB, emptied
    when the run ends (``memory.enable_memory_arena_shrinkage``) so that the words are not
    read on top of it: 675–683 MB in every run (2026-12-06), the detector's output the same
    bit for bit; the first page 1.3 CPU s faster, each later one 0.2–0.4 s slower (the arena
    grown again), 10 pages 2 % more CPU. Kept whole between pages it was faster still but
    peaked at 762 MB; the pattern with blocks of 8 MB and more mapped while the detector ran
    peaked at 654–669 MB but took 15 % more CPU."""

    def __init__(self, model_path: str) -> None:
        import onnxruntime as ort

        _share_arena()
        options = ort.SessionOptions()
        options.log_severity_level = 4
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.enable_mem_pattern = False  # the arena is reused instead
        options.add_session_config_entry("session.use_env_allocators", "1")
        self.session = ort.InferenceSession(
            model_path, sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.input_name = self.session.get_inputs()[0].name
        self.run_options = ort.RunOptions()
        self.run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def __call__(self, batch: Any) -> Any:
        """Return the detector's outputs for ``batch`` (what rapidocr's session returns)."""
        return self.session.run(None, {self.input_name: batch}, self.run_options)


@cache
def _share_arena() -> None:
    """Register this process's shared CPU arena with onnxruntime (once; ``ArenaDetector``):
    it grows by the size asked (``kSameAsRequested``, 473 MB for a 200-dpi page) where the
    session's own arena grows by powers of two (546 MB)."""
    import onnxruntime as ort

    info = ort.OrtMemoryInfo(
        "Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT
    )
    ort.create_and_register_allocator(info, ort.OrtArenaCfg({"arena_extend_strategy": 1}))


def _detector_model() -> str:
    """Return the path of the detector model rapidocr ships and configures."""
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    return str(update_model_path(read_yaml(str(DEFAULT_CFG_PATH)))["Det"]["model_path"])


@cache
def engine() -> Any:
    """Return this process's recogniser (PP-OCRv4 det + rec from the rapidocr wheel).

    One thread per process: OCR runs in worker processes, one page each, so the cores are
    shared by processes instead of oversubscribed by threads. The orientation classifier
    is off: pages are straightened here, and a printed report is never upside down. The
    detector runs on an arena emptied after each page (``ArenaDetector``). Words are
    recognised one at a time (``REC_BATCH``), narrow ones first with less padding
    (``TwoWidthRecognizer``).
    """
    from rapidocr_onnxruntime import RapidOCR

    ocr = RapidOCR(
        use_cls=False,
        intra_op_num_threads=1,
        inter_op_num_threads=1,
        print_verbose=False,
        rec_batch_num=REC_BATCH,
    )
    ocr.text_det.infer = ArenaDetector(_detector_model())
    ocr.text_rec.rec_batch_num = REC_BATCH
    ocr.text_rec.postprocess_op = ScoredDecode(ocr.text_rec.postprocess_op)
    ocr.text_rec = TwoWidthRecognizer(ocr.text_rec)
    return ocr


def recognise(page: PreparedPage) -> list[OcrChar]:
    """Return the characters recognised on the page, in points, with their confidence.

    The heap's free pages are given back first: what preparing this page and reading the
    one before left free would otherwise stay resident under the detector's buffers, the
    peak of the page (``bounded.give_back_freed_memory``)."""
    give_back_freed_memory()
    result, _ = engine()(
        cv2.cvtColor(page.gray, cv2.COLOR_GRAY2BGR), return_word_box=True, text_score=0.3
    )
    pt = 72.0 / page.dpi
    chars: list[OcrChar] = []
    for item in result or ():
        box, text, score = item[0], str(item[1]), item[2]
        words = item[3] if len(item) > 3 else None
        chars += _line_chars(box, text, score, words, pt)
    return chars


def _line_chars(box: Any, text: str, score: float, words: Any, pt: float) -> list[OcrChar]:
    """Split one recognised line into characters: the recogniser's own character boxes
    when it gave one per character, else the line's box shared out by character width."""
    scores, alternatives = _char_scores(text, score)
    glyphs = [(ch, s, a) for ch, s, a in zip(text, scores, alternatives, strict=True)]
    glyphs = [g for g in glyphs if not g[0].isspace()]
    if not glyphs:
        return []
    if words and len(words) == len(glyphs):
        return [
            OcrChar(
                ch,
                min(p[0] for p in word) * pt,
                min(p[1] for p in word) * pt,
                max(p[0] for p in word) * pt,
                max(p[1] for p in word) * pt,
                s,
                a,
            )
            for (ch, s, a), word in zip(glyphs, words, strict=True)
        ]
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    left, right, top, bottom = min(xs) * pt, max(xs) * pt, min(ys) * pt, max(ys) * pt
    widths = [0.55 if ch.isascii() else 1.0 for ch, _, _ in glyphs]
    unit = (right - left) / sum(widths)
    out, x = [], left
    for (ch, s, a), w in zip(glyphs, widths, strict=True):
        out.append(OcrChar(ch, x, top, x + w * unit, bottom, s, a))
        x += w * unit
    return out


def _char_scores(text: str, score: float) -> tuple[list[float], list[tuple[str, ...]]]:
    per_char = getattr(score, "per_char", None)
    alternatives = getattr(score, "alternatives", None)
    if per_char is not None and alternatives is not None and len(per_char) == len(text):
        return per_char, alternatives
    return [float(score)] * len(text), [()] * len(text)


def read_page_image(gray: Gray, dpi: float) -> PageReading:
    """Prepare, find the table rules and recognise one page image."""
    page = prepare(gray, dpi)
    horizontal, vertical = table_rules(page.gray, dpi)
    chars = recognise(page)
    return PageReading(chars, horizontal, vertical, page.gray.shape[0] * 72.0 / dpi, page)
