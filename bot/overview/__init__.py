"""The overview: what needs doing, how today went, charts per day. Slack-free.

``bot.overview.home``     HomeData for one person (needs action, today, their actions, channels)
``bot.overview.charts``   orders and revenue per day, stacked by state: a PNG and a text summary
``bot.overview.stats``    `/order stats` periods (today, week, month, ranges)
``bot.overview.refresh``  republishing App Homes while changes arrive, paced per person
"""
