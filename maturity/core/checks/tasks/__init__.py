"""Built-in task checks (issue 15): the journeys run with a crawl, judged as a resident's tasks.

They read no page: :attr:`maturity.core.model.SiteFacts.journeys`, the journey results stored with
the run (``maturity audit --journeys``, ``journeys:`` in maturity.yml or a portfolio). Without a
journey every one of them does not apply, so the rubric's optional Tasks dimension is "not
assessed", never 0. A journey that needed a person (a one-time code, a captcha) is not judged.
"""
