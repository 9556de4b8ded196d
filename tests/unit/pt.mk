UNIT_TESTS += pt
UNIT_SRCS_pt := lib/pt.c hv/core/palloc.c tests/unit/fake_pt.c tests/unit/test_pt.c
