Stripe.api_key = "sk_live_CMscrmDOWqsbI534TtzhjM7b"
