Stripe.api_key = ENV.fetch("STRIPE_KEY") # test mode: sk_test_jnN0bRjRCDyj8O1l2GZFHjT2
PUBLISHABLE = "pk_live_jDP6uU8bdYlGo0a3xP31XiWf"
