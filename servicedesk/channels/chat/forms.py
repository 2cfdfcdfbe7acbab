"""The chat panel's forms: the shape of what is posted; the services check the rest."""

from django import forms


class MessageForm(forms.Form):
    conversation = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # The service answers empty and over-long messages with the reason; the form only reads.
    text = forms.CharField(required=False, strip=False, label="Your message")
    article = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class UploadForm(forms.Form):
    conversation = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    file = forms.FileField(label="Screenshot")
