import requests

APP_TOKEN = "ghs_cGFYKGN9NPcqAu7a0W2H1LI0g1Stewj8x3BJ"
OAUTH = 'gho_n8PTvQURcRyRWoRGQU1f7Hta3Dad6WptNRwI'
FINE_GRAINED = "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"

def sync(repo):
    return requests.get(f"https://api.github.com/repos/{repo}", headers={"Authorization": f"token {APP_TOKEN}"})
