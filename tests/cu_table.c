/* cu_table.c -- one CUnit runner for the table-shaped suites. */
#include "cu_table.h"

#include <CUnit/Basic.h>

int cu_table_run(const char *suite, const cu_table_test *tests, size_t n)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite(suite, NULL, NULL);
    if (s == NULL) {
        CU_cleanup_registry();
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL) {
            CU_cleanup_registry();
            return 2;
        }
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures();
    CU_ErrorCode err = CU_get_error();
    CU_cleanup_registry();
    return (failed > 0 || err != CUE_SUCCESS) ? 1 : 0;
}
