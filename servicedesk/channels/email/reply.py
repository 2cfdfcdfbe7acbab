"""What the sender wrote: a mail's text without the quoted history and the signature.

The rules, in the order they are applied to the lines of the text:

1. A *hard cut*: everything from the first of these on is history, whatever follows it.
   - an attribution line ("On <date>, <name> wrote:", "Am ... schrieb ...:", "Le ... a écrit :",
     "El ... escribió:", "Op ... schreef ...:" and the like, over up to three lines) that is NOT
     followed by ">" lines: Gmail, Outlook and others quote without ">" below it;
   - an Outlook header block: a "From:" line (or Von:/De:/Van:/Da:, with or without *bold*)
     with a "Sent:"/"Date:" line or both "To:" and "Subject:" lines right below it, unless a
     forward marker stands just above it (a forward is what the person sends, not history);
   - an "-----Original Message-----" separator, in the languages clients write it;
   - a rule line (underscores or dashes) above a mailing-list footer.
2. Above the cut, ">" lines are quotes; an attribution line right above them goes with them.
   The text between quoted blocks (inline and bottom posting) is kept, fragment by fragment.
3. A signature ends the reply: from a "-- " (or "--") line on, and a closing mobile line
   ("Sent from my iPhone", "Von meinem iPhone gesendet", ...) or a "-Name" sign-off at the end.

Plain rules rather than a trained model: an admin can read why a line was hidden, and the full
original always stays with the comment.
"""

from __future__ import annotations

import re

VERBS = (
    r"wrote|writes|schrieb|schreibt|a\s+écrit|a\s+ecrit|escribió|escribio|escreveu|schreef|"
    r"ha\s+scritto|scrisse|napisał|napisal|skrev|napsal|kirjoitti|írta|yazdı|написал[аи]?|"
    r"έγραψε"
)
INTRO = r"(?:on|am|le|el|op|il|em|w\s+dniu|den|dne|på|dana|kl\.)\s"
ATTRIBUTION_INTRO = re.compile(rf"^\s*{INTRO}.*(?:{VERBS}).*:\s*$", re.IGNORECASE | re.DOTALL)
ATTRIBUTION_END = re.compile(rf"(?:{VERBS})\s*:\s*$", re.IGNORECASE)
# "2012/2/24 Name <name@example.com>" and "2012-02-24 10:19 GMT+01:00 Name <...>:" (Gmail)
ATTRIBUTION_DATED = re.compile(r"^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b.*<[^<>\s]+@[^<>\s]+>:?\s*$")

LABEL = r"^\s*[*_]?\s*(?:{})\s*[*_]?\s*:\s*[*_]?"
FROM_LABEL = re.compile(
    LABEL.format(r"from|von|de|van|da|från|fra|od|от|lähettäjä|feladó"), re.IGNORECASE
)
SENT_LABEL = re.compile(
    LABEL.format(
        r"sent|date|gesendet|datum|envoyé|enviado|fecha|data|verzonden|verstuurd|inviato|"
        r"skickat|sendt|wysłano|odesláno|отправлено|дата|lähetetty"
    ),
    re.IGNORECASE,
)
TO_LABEL = re.compile(
    LABEL.format(r"to|an|à|a|para|aan|till|til|do|кому|vastaanottaja"), re.IGNORECASE
)
SUBJECT_LABEL = re.compile(
    LABEL.format(r"subject|betreff|objet|asunto|assunto|onderwerp|oggetto|ämne|emne|temat|тема"),
    re.IGNORECASE,
)
ORIGINAL = re.compile(
    r"^\s*[-_=]{2,}\s*(?:original message|ursprüngliche nachricht|originalnachricht|"
    r"message d'origine|message original|mensaje original|mensagem original|"
    r"oorspronkelijk bericht|origineel bericht|messaggio originale|originalmeddelande|"
    r"oprindelig meddelelse|opprinnelig melding|wiadomość oryginalna|původní zpráva|"
    r"исходное сообщение)\s*[-_=]{2,}\s*$",
    re.IGNORECASE,
)
FORWARD = re.compile(
    r"^\s*(?:[-_=]{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré|"
    r"mensaje reenviado|doorgestuurd bericht|messaggio inoltrato)\s*[-_=]{2,}|"
    r"begin forwarded message:|anfang der weitergeleiteten nachricht:|"
    r"début du message réexpédié :?)\s*$",
    re.IGNORECASE,
)
RULE = re.compile(r"^\s*(?:_{8,}|-{8,}|={8,})\s*$")
LIST_FOOTER = re.compile(
    r"mailing list|listinfo|unsubscribe|abbestellen|désabonner|you received this message because",
    re.IGNORECASE,
)
QUOTED = re.compile(r"^\s*>")
SIGNATURE = re.compile(r"^(?:--|-- |__)\s*$")
DEVICE = r"[^\n,;:!?]{2,40}?"  # a device, not a sentence: no clause punctuation
MOBILE = re.compile(
    rf"^\s*(?:sent from my {DEVICE}|sent from (?:mail|outlook|yahoo mail|gmail|aol) for {DEVICE}|"
    r"get outlook for (?:ios|android)|sent via [\w .\-]{2,30}|sent with [\w .\-]{2,30}|"
    rf"von meinem {DEVICE} gesendet|gesendet von meinem {DEVICE}|envoyé de mon {DEVICE}|"
    rf"envoyé depuis mon {DEVICE}|enviado desde mi {DEVICE}|enviado do meu {DEVICE}|"
    rf"verzonden (?:met|vanaf|van) mijn {DEVICE}|verstuurd vanaf mijn {DEVICE}|"
    rf"inviato da(?:l mio)? {DEVICE}|skickat från min {DEVICE}|sendt fra min {DEVICE}|"
    rf"wysłane z mojego {DEVICE})\.?\s*$",
    re.IGNORECASE,
)
SIGN_OFF = re.compile(r"^\s*[-–—]{1,2}\s?[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}\s*$")
ATTRIBUTION_LINES = 3
HEADER_BLOCK_LINES = 6
FOOTER_LINES = 10


def reply_text(text: str) -> str:
    """The visible new text of ``text``, surrounding whitespace trimmed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[: _hard_cut(lines)]
    kept = _without_quotes(lines)
    kept = _without_signature(kept)
    return "\n".join(kept).strip()


def _attribution(lines: list[str], index: int) -> int:
    """How many lines (1-3) an attribution line starting at ``index`` spans; 0 if none."""
    joined = ""
    for count in range(1, ATTRIBUTION_LINES + 1):
        if index + count > len(lines):
            return 0
        line = lines[index + count - 1]
        if not line.strip() or QUOTED.match(line):
            return 0
        joined = f"{joined} {line.strip()}" if joined else line.strip()
        if len(joined) > 400:
            return 0
        if not joined.endswith((":", ">")):
            continue  # every attribution ends so: spare the patterns
        if ATTRIBUTION_INTRO.match(joined):
            return count
        # Without an "On"-like opening, only a line of its own: else the last line of the
        # reply above it ("Thanks" + "Desk <desk@example> wrote:") would go with it.
        if count == 1 and (ATTRIBUTION_END.search(joined) or ATTRIBUTION_DATED.match(joined)):
            return count
    return 0


def _next_content(lines: list[str], index: int) -> int:
    """The index of the first non-blank line at or after ``index`` (len(lines) if none)."""
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _header_block(lines: list[str], index: int) -> bool:
    if not FROM_LABEL.match(lines[index]):
        return False
    below = [line for line in lines[index + 1 : index + 1 + HEADER_BLOCK_LINES] if line.strip()]
    if any(SENT_LABEL.match(line) for line in below):
        return True
    return any(TO_LABEL.match(line) for line in below) and any(
        SUBJECT_LABEL.match(line) for line in below
    )


def _after_forward_marker(lines: list[str], index: int) -> bool:
    above = [line for line in lines[max(0, index - 3) : index] if line.strip()]
    return bool(above) and bool(FORWARD.match(above[-1]))


def _list_footer(lines: list[str], index: int) -> bool:
    below: list[str] = []
    for position in range(index + 1, len(lines)):
        line = lines[position]
        if line.strip():
            below.append(line)
            if len(below) > FOOTER_LINES:
                return False  # more than a footer follows
    return bool(below) and any(LIST_FOOTER.search(line) for line in below)


def _hard_cut(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if not line.strip() or QUOTED.match(line):
            continue
        span = _attribution(lines, index)
        if span:
            following = _next_content(lines, index + span)
            if following < len(lines) and QUOTED.match(lines[following]):
                continue  # its quote block goes in the next step
            return index
        if ORIGINAL.match(line):
            return index
        if _header_block(lines, index) and not _after_forward_marker(lines, index):
            return index
        if RULE.match(line) and _list_footer(lines, index):
            return index
    return len(lines)


def _without_quotes(lines: list[str]) -> list[str]:
    """The lines outside ">" blocks (and their attribution lines), fragments a blank apart."""
    fragments: list[list[str]] = [[]]
    index = 0
    while index < len(lines):
        line = lines[index]
        span = _attribution(lines, index) if line.strip() else 0
        if span:
            following = _next_content(lines, index + span)
            if following < len(lines) and QUOTED.match(lines[following]):
                index = following
                continue
        if QUOTED.match(line):
            while index < len(lines) and (QUOTED.match(lines[index])):
                index += 1
            fragments.append([])
            continue
        fragments[-1].append(line)
        index += 1
    kept: list[str] = []
    for fragment in fragments:
        body = _trim_blank(fragment)
        if body:
            if kept:
                kept.append("")
            kept.extend(body)
    return kept


def _without_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if SIGNATURE.match(line) and index > 0:
            lines = lines[:index]
            break
    lines = _trim_blank(lines)
    while lines:
        last = lines[-1]
        previous_blank = len(lines) == 1 or not lines[-2].strip()
        if MOBILE.match(last) or RULE.match(last) or (SIGN_OFF.match(last) and previous_blank):
            lines = _trim_blank(lines[:-1])
            continue
        break
    return lines


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]
