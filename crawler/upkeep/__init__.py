"""Deciding and keeping current: stored pages to clinics and change history, crawls on a
schedule, and discovery of new sites."""
