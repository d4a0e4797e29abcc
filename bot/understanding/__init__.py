"""Understanding: what a parent's text means in its context, the one place in the bot that guesses."""
