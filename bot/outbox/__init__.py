"""The durable outbound queue and the dispatcher that drains it at the sender's rate."""
