import os
from slack_sdk import WebClient

client = WebClient(token="xoxb-633594840738-0280955500078-gtXSs2Gmr5a0dYFV6HBYjCkd")
USER_TOKEN = "xoxp-286860695016-7267362559942-ePuiYB7SRwLXuWAnmAFfB81c"
WEBHOOK = "https://hooks.slack.com/services/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"

def notify(text):
    client.chat_postMessage(channel="#deploys", text=text)
