UNIT_TESTS += con_line
UNIT_SRCS_con_line := hv/vm/con_line.c hv/vm/vm_con.c lib/ratelimit.c lib/format.c lib/str.c tests/unit/fake_printk.c tests/unit/test_con_line.c
