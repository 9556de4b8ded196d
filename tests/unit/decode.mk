UNIT_TESTS += decode
UNIT_SRCS_decode := hv/decode.c hv/str.c hv/err.c tests/unit/test_decode.c
