"""Scrapy spiders of govreports."""
