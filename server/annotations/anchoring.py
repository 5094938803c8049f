"""Re-anchoring annotations when a ruling's public text gets a new version (docs/annotations.md, "Re-anchoring").

An annotation remembers where it was (start, end on one text version) and what it quoted (exact, with up to 32
characters of prefix and suffix: the W3C TextPositionSelector and TextQuoteSelector). On a new version, in order:

1. the old position still holds the quote with the same context → `anchored` (offsets unchanged);
2. the quote occurs exactly elsewhere: each occurrence is scored by how much of the remembered context surrounds
   it, ties broken by the distance to the position the diff between the two versions maps the old start to (a
   quote that occurs several times goes to the right one). Accepted when at least half the context matches or
   the occurrence sits exactly where the diff maps it → `moved`. An occurrence the diff shows was already in the
   old version at another place is another copy of the words, never the annotated one;
3. an approximate match: first the stretch the diff maps the old span to (the quote edited in place), if it keeps
   at least SIMILARITY of the quote's characters and is at most twice as long; then diff-match-patch's fuzzy
   `match_main` of the quote's head, and of its tail searched backwards, near the mapped position (a passage moved
   and edited), if the text found is at least SIMILARITY similar to the quote (1 − Levenshtein / length) and the
   quote with its context at least CONTEXT_SHARE similar to the text there with its context → `moved` (the
   quote is updated to the new text);
4. otherwise `orphaned`: the annotation stays on its old version and is shown to its author to place again. It
   is never silently moved.

Pure functions: the service applies the results to the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from diff_match_patch import diff_match_patch

CONTEXT = 32  # characters of prefix and suffix kept with each annotation
SIMILARITY = 0.75  # least similarity of an approximate match to the old quote
CONTEXT_SHARE = 0.5  # least share of the remembered context an exact occurrence must show
MAX_BITS = 32  # diff-match-patch's match_main takes patterns of at most this many characters

ANCHORED = "anchored"
MOVED = "moved"
ORPHANED = "orphaned"


@dataclass(frozen=True)
class Anchor:
    state: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix (up to CONTEXT characters each) around text[start:end]."""
    return text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


class Reanchorer:
    """Re-anchors any number of annotations from `old` to `new` (the diff between them is computed once)."""

    def __init__(self, old: str, new: str, *, timeout: float = 2.0) -> None:
        self.old = old
        self.new = new
        self.dmp = diff_match_patch()
        self.dmp.Diff_Timeout = timeout
        self.dmp.Match_Threshold = 0.5
        self.dmp.Match_Distance = 1_000
        self._diffs: list | None = None
        self._equal: list[tuple[int, int, int]] | None = None
        self._reversed: str | None = None

    @property
    def diffs(self) -> list:
        if self._diffs is None:
            diffs = self.dmp.diff_main(self.old, self.new, False)
            # Without it a rewritten passage "keeps" scattered letters that happen to match, and an old span maps
            # onto new words that only share letters with it.
            self.dmp.diff_cleanupSemantic(diffs)
            self._diffs = diffs
        return self._diffs

    @property
    def equal(self) -> list[tuple[int, int, int]]:
        """The stretches both versions share, as (old start, new start, length)."""
        if self._equal is None:
            stretches, old_at, new_at = [], 0, 0
            for operation, data in self.diffs:
                if operation == self.dmp.DIFF_EQUAL:
                    stretches.append((old_at, new_at, len(data)))
                if operation != self.dmp.DIFF_INSERT:
                    old_at += len(data)
                if operation != self.dmp.DIFF_DELETE:
                    new_at += len(data)
            self._equal = stretches
        return self._equal

    def elsewhere(self, new_start: int, new_end: int, start: int, end: int) -> bool:
        """Whether new[new_start:new_end] was already in the old text, unchanged, somewhere that does not overlap
        the annotated old[start:end]: then it is another occurrence of the words, not the annotated one."""
        if not self.old:
            return False
        for old_at, new_at, length in self.equal:
            if new_at <= new_start and new_end <= new_at + length:
                old_start = old_at + (new_start - new_at)
                old_end = old_start + (new_end - new_start)
                return not (old_start < end and old_end > start)
        return False

    def mapped(self, position: int) -> int:
        """Where `position` of the old text is in the new one, by the diff."""
        return self.dmp.diff_xIndex(self.diffs, position)

    def anchor(self, *, start: int, end: int, exact: str, prefix: str = "", suffix: str = "") -> Anchor:
        new = self.new
        if not exact:
            return self._orphan(start, end, exact, prefix, suffix)
        if new[start:end] == exact and new[max(0, start - len(prefix)):start] == prefix \
                and new[end:end + len(suffix)] == suffix:
            return Anchor(ANCHORED, start, end, exact, *context(new, start, end))
        expected = self.mapped(start) if self.old else start
        found = self._exact(exact, prefix, suffix, expected, start, end)
        if found is not None:
            return self._at(found, found + len(exact), start, end)
        for approximate in (self._in_place(exact, start, end), self._approximate(exact, expected, prefix, suffix)):
            if approximate is not None and not self.elsewhere(*approximate, start, end):
                return self._at(*approximate, start, end)
        return self._orphan(start, end, exact, prefix, suffix)

    def _at(self, new_start: int, new_end: int, start: int, end: int) -> Anchor:
        quote = self.new[new_start:new_end]
        state = ANCHORED if (new_start, new_end) == (start, end) and self.old[start:end] == quote else MOVED
        return Anchor(state, new_start, new_end, quote, *context(self.new, new_start, new_end))

    @staticmethod
    def _orphan(start: int, end: int, exact: str, prefix: str, suffix: str) -> Anchor:
        return Anchor(ORPHANED, start, end, exact, prefix, suffix)

    def _exact(self, exact: str, prefix: str, suffix: str, expected: int, start: int, end: int) -> int | None:
        new = self.new
        best: tuple[float, int, int] | None = None
        position = new.find(exact)
        while position != -1:
            before = new[max(0, position - len(prefix)):position]
            after = new[position + len(exact):position + len(exact) + len(suffix)]
            matched = _common_suffix(before, prefix) + _common_prefix(after, suffix)
            share = matched / (len(prefix) + len(suffix)) if prefix or suffix else 1.0
            distance = abs(position - expected)
            if (share >= CONTEXT_SHARE or distance == 0) \
                    and not self.elsewhere(position, position + len(exact), start, end):
                key = (share, -distance, -position)
                if best is None or key > best[:3]:
                    best = (share, -distance, position)
            position = new.find(exact, position + 1)
        return None if best is None else best[2]

    def _in_place(self, exact: str, start: int, end: int) -> tuple[int, int] | None:
        """The stretch the diff maps the old span to, if the quote was edited there (words inserted, removed or
        changed inside it) and is still at least SIMILARITY similar."""
        if not self.old:
            return None
        found_start, found_end = self.mapped(start), self.mapped(end)
        if found_end <= found_start or found_end - found_start > 2 * len(exact):
            return None
        if kept(self.dmp, exact, self.new[found_start:found_end]) < SIMILARITY:
            return None
        return found_start, found_end

    def _approximate(self, exact: str, expected: int, prefix: str, suffix: str) -> tuple[int, int] | None:
        """diff-match-patch's fuzzy `match_main`: the quote's head searched forwards from where the diff maps its
        start, its tail backwards (on the reversed text) from where its end should be, so a quote that moved and
        changed length is found. Kept only if it is SIMILARITY similar to the quote, and the quote with its
        context as similar to the text there with its context (a moved passage carries its context along)."""
        new = self.new
        if not new:
            return None
        head = exact[:MAX_BITS]
        found_start = self.dmp.match_main(new, head, min(max(0, expected), len(new)))
        if found_start == -1:
            return None
        tail = exact[-MAX_BITS:]
        guess = min(len(new), found_start + len(exact))
        if self._reversed is None:
            self._reversed = new[::-1]
        at = self.dmp.match_main(self._reversed, tail[::-1], len(new) - guess)
        if at == -1:
            return None
        found_end = len(new) - at
        if found_end <= found_start:
            return None
        if similarity(self.dmp, exact, new[found_start:found_end]) < SIMILARITY:
            return None
        around = new[max(0, found_start - len(prefix)):found_start] + new[found_start:found_end] \
            + new[found_end:found_end + len(suffix)]
        if similarity(self.dmp, prefix + exact + suffix, around) < CONTEXT_SHARE:
            return None
        return found_start, found_end


def kept(dmp: diff_match_patch, old: str, new: str) -> float:
    """The share of `old`'s characters that `new` keeps (a word inserted into a quote keeps all of it)."""
    if not old:
        return 0.0
    diffs = dmp.diff_main(old, new, False)
    dmp.diff_cleanupSemantic(diffs)
    return sum(len(data) for operation, data in diffs if operation == dmp.DIFF_EQUAL) / len(old)


def similarity(dmp: diff_match_patch, a: str, b: str) -> float:
    """1 − Levenshtein(a, b) / max(len): 1 for equal texts, 0 for nothing in common."""
    longest = max(len(a), len(b))
    if longest == 0:
        return 1.0
    return 1 - dmp.diff_levenshtein(dmp.diff_main(a, b, False)) / longest


def reanchor(old: str, new: str, *, start: int, end: int, exact: str, prefix: str = "",
             suffix: str = "") -> Anchor:
    """One annotation from `old` to `new` (use Reanchorer for many on the same pair of texts)."""
    return Reanchorer(old, new).anchor(start=start, end=end, exact=exact, prefix=prefix, suffix=suffix)


def locate(text: str, exact: str, prefix: str = "", suffix: str = "") -> list[int]:
    """Where a quote given without a position may be: the starts of its occurrences whose context matches best
    (all of them when no context is given). One start: found; several: ambiguous; none: not in the text."""
    if not exact:
        return []
    scored: list[tuple[int, int]] = []
    position = text.find(exact)
    while position != -1:
        before = text[max(0, position - len(prefix)):position]
        after = text[position + len(exact):position + len(exact) + len(suffix)]
        scored.append((_common_suffix(before, prefix) + _common_prefix(after, suffix), position))
        position = text.find(exact, position + 1)
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [position for score, position in scored if score == best]
