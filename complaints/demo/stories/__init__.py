"""The demo's complaint stories, one table per property (pure data)."""

from complaints.demo.stories.commercial import COMMERCIAL
from complaints.demo.stories.residential import RESIDENTIAL
from complaints.demo.stories.story import Story

STORIES: tuple[Story, ...] = (*RESIDENTIAL, *COMMERCIAL)
