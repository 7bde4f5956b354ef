"""Analyses that run the engine on varied inputs: whatif (changed facts), reach (the nearest change that grants a
clause), reform (changed parameters), catalogue (the rules run on a probe declaration touching every clause).

May import engine/, policy/, declaration, loading, money, safe_text; never render/, batch/, service/ or cli
(tests/test_layout.py).
"""
