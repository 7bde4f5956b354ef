"""The engine: a declaration's facts (facts, grouping) solved by clingo (solve), its atoms read (symbols, terms,
answer: the one reader of show.lp's atoms) and decided into the pinggu-result/1 document (decide, result).

May import policy/, declaration, loading, money, atomic, safe_text, yaml_fast; never render/, analysis/, batch/,
service/ or cli (tests/test_layout.py). result.py is here, not in render/: it builds the document from answer
records and solve's derived atoms, and decide returns it; render/ only lays a built document out.
"""
