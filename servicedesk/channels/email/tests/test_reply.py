"""reply_text: what the person wrote, without the quoted history and the signature."""

import pytest

from servicedesk.channels.email.reply import reply_text

NEW = "The printer works again, thank you!"


@pytest.mark.parametrize(
    "history",
    [
        # ">" quotes under an attribution line, as most clients write them.
        "On Thu, 3 Dec 2026 at 09:15, Service Desk <desk@servicedesk.example> wrote:\n"
        "> Please restart the printer.\n> \n> Lee",
        # Apple Mail: the attribution split over two lines, a blank line before the quote.
        "On 3 Dec 2026, at 09:15, Service Desk\n<desk@servicedesk.example> wrote:\n\n"
        "> Please restart the printer.",
        # Gmail without ">" (Inbox, some mobile clients): everything below the attribution.
        "On Thu, Dec 3, 2026 at 9:15 AM Service Desk <desk@servicedesk.example>\nwrote:\n\n"
        "Please restart the printer.\n\nLee",
        # Thunderbird
        "Am 03.12.26 um 09:15 schrieb Service Desk:\n> Bitte starten Sie den Drucker neu.",
        # German Apple Mail / Gmail
        "Am 03.12.2026 um 09:15 schrieb Service Desk <desk@servicedesk.example>:\n\n"
        "> Bitte starten Sie den Drucker neu.",
        # French
        "Le jeu. 3 déc. 2026 à 09:15, Service Desk <desk@servicedesk.example> a écrit :\n"
        "> Merci de redémarrer l'imprimante.",
        # Spanish
        "El jue, 3 dic 2026 a las 9:15, Service Desk (<desk@servicedesk.example>)\nescribió:\n"
        "> Reinicie la impresora.",
        # Dutch
        "Op do 3 dec. 2026 om 09:15 schreef Service Desk <desk@servicedesk.example>:\n"
        "> Start de printer opnieuw.",
        # Outlook: a header block below a rule, no ">".
        "________________________________\nFrom: Service Desk <desk@servicedesk.example>\n"
        "Sent: Thursday, December 3, 2026 9:15 AM\nTo: Ann Requester\nSubject: RE: Printer\n\n"
        "Please restart the printer.",
        # Outlook in German, with bold labels from an HTML rendering.
        "*Von:* Service Desk <desk@servicedesk.example>\n*Gesendet:* Donnerstag, 3. Dezember 2026"
        " 09:15\n*An:* Ann Requester\n*Betreff:* AW: Drucker\n\nBitte starten Sie den Drucker neu.",
        # French Outlook: "De :" ... "Envoyé :"
        "De : Service Desk <desk@servicedesk.example>\nEnvoyé : jeudi 3 décembre 2026 09:15\n"
        "À : Ann Requester\nObjet : RE: Imprimante\n\nMerci de redémarrer l'imprimante.",
        # Outlook Web / Gmail in Spanish: "De:" ... "Fecha:"
        "De: Service Desk <desk@servicedesk.example>\nFecha: jueves, 3 de diciembre de 2026\n"
        "Para: Ann Requester\nAsunto: RE: Impresora\n\nReinicie la impresora.",
        # Dutch Outlook
        "Van: Service Desk <desk@servicedesk.example>\nVerzonden: donderdag 3 december 2026 09:15"
        "\nAan: Ann Requester\nOnderwerp: RE: Printer\n\nStart de printer opnieuw.",
        # Old Outlook and Lotus separators
        "-----Original Message-----\nFrom: Service Desk\nPlease restart the printer.",
        "-----Ursprüngliche Nachricht-----\nVon: Service Desk\nBitte neu starten.",
        "-------- Message d'origine --------\nDe : Service Desk\nMerci.",
        "-------- Mensaje original --------\nDe: Service Desk\nGracias.",
        "-------- Oorspronkelijk bericht --------\nVan: Service Desk\nBedankt.",
    ],
)
def test_the_quoted_history_goes(history):
    assert reply_text(f"{NEW}\n\n{history}\n") == NEW


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nAnn Requester\nAcme Manufacturing",
        "--\nAnn",
        "Sent from my iPhone",
        "Sent from my Galaxy",
        "Sent from my BlackBerry® wireless device",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPhone",
        "Enviado desde mi iPhone",
        "Verzonden met mijn iPad",
        "Get Outlook for Android",
        "-Ann",
    ],
)
def test_the_signature_goes(signature):
    assert reply_text(f"{NEW}\n\n{signature}\n") == NEW


def test_bottom_and_inline_posting_keep_every_new_fragment():
    text = (
        "On Thu, 3 Dec 2026 at 09:15, Lee <lee@servicedesk.example> wrote:\n"
        "> Which floor?\n\nThe second floor.\n\n> And which printer?\n\nThe one by the window.\n"
    )
    assert reply_text(text) == "The second floor.\n\nThe one by the window."


def test_what_looks_like_a_marker_inside_a_sentence_stays():
    text = (
        "On Monday the printer failed -- again.\n\nSent from my desk, which is faster.\n\n"
        "From: the second floor, where it stands.\n"
    )
    assert reply_text(text) == text.strip()


def test_a_forward_is_what_the_person_sends():
    text = (
        "Can you check this one?\n\n---------- Forwarded message ---------\n"
        "From: Vendor <billing@vendor.example>\nDate: Thu, 3 Dec 2026 at 08:00\n"
        "Subject: Invoice\nTo: Ann <ann@acme.example>\n\nPlease pay invoice 4711.\n"
    )
    assert reply_text(text) == text.strip()


def test_a_mailing_list_footer_goes():
    text = f"{NEW}\n\n_______________________________________________\nprinters mailing list\nhttps://lists.acme.example/listinfo/printers\n"
    assert reply_text(text) == NEW


def test_crlf_and_surrounding_blanks():
    assert reply_text(f"\r\n\r\n{NEW}\r\n\r\n> old\r\n") == NEW
    assert reply_text("") == ""
    assert reply_text("> only a quote\n") == ""
