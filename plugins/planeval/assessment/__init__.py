"""Assessment: the arithmetic of 年均/累计, 序时进度 and the ratings (``arithmetic``, pure functions) and the
municipal tables rebuilt from the accepted submissions (``aggregate``).

May import: planeval.catalog, planeval.warehouse and the foundation modules.
"""
