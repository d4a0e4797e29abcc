"""Parent outreach bot: SMS and Slack conversations that keep school families informed and heard."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
