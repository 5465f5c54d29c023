import os
from slack_sdk import WebClient

client = WebClient(token="xoxb-787485721977-7589929199908-dhgDfoW3vgeqjCsyCHQCKY5y")
USER_TOKEN = "xoxp-733516163580-8021611733864-ikMQzdG4zBQ1yVpgDQ2xvgo1"
WEBHOOK = "https://hooks.slack.com/services/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"

def notify(text):
    client.chat_postMessage(channel="#deploys", text=text)
