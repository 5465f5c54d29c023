const slack = new WebClient(process.env.SLACK_TOKEN); // e.g. xoxb-not-a-real-token-this-will-not-work
