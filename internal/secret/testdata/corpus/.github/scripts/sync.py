import requests

APP_TOKEN = "ghs_JZaSfrQEHPNhUv3mwB1KDztO7bnod5mcctGg"
OAUTH = 'gho_BRfnyhzoVMJd65SYOkRP45plHxs9ytGeh2eM'
FINE_GRAINED = "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"

def sync(repo):
    return requests.get(f"https://api.github.com/repos/{repo}", headers={"Authorization": f"token {APP_TOKEN}"})
