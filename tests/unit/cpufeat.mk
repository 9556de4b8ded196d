UNIT_TESTS += cpufeat
UNIT_SRCS_cpufeat := hv/cpufeat.c hv/str.c tests/unit/fake_printk.c tests/unit/test_cpufeat.c
