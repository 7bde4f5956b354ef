"""The policy pack: its manifest and texts (pack: asp_rules/pack.yaml, texts.yaml), its parameters, its readings
(readings, interpretations, templates: kept as three modules), where its rule files are (rules_files) and its two
languages with the check of every zh/en catalogue (bilingual).

May import money, safe_text, yaml_fast; never engine/, render/, analysis/, batch/, service/ or cli
(tests/test_layout.py).
"""
