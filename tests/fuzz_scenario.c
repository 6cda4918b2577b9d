/* fuzz_scenario.c -- libFuzzer target: the scenario loader on any bytes.
 *
 * The input is a scenario file's content. Like scenario_load_file, it is
 * refused if it holds a NUL byte; otherwise it is loaded with a diag, every
 * message is printed into a sink (diag_print walks them all), and
 * everything is freed. A success must come with a spec and a canonical
 * text, a failure with at least one problem and no spec. The canonical text
 * of a success must load again (the loader's own output is valid input)
 * with the same hash.
 *
 * Build and run: scripts/fuzz [SECONDS] scenario. */
#include "app/diag.h"
#include "app/scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, 0, size))
        return -1;   /* refused before parsing; not worth keeping in the corpus */
    if (sink == NULL)
        sink = fopen("/dev/null", "w");
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    diag *d = diag_new("fuzz.json");
    scenario_result res;
    int rc = scenario_load_text(text, NULL, 0, d, &res);
    if (rc == 0) {
        if (res.spec == NULL || res.canonical == NULL || diag_count(d) != 0)
            abort();
        diag *d2 = diag_new("canonical.json");
        scenario_result again;
        if (scenario_load_text(res.canonical, NULL, 0, d2, &again) != 0 || again.hash != res.hash)
            abort();
        scenario_result_fini(&again);
        diag_free(d2);
    } else if (res.spec != NULL || diag_count(d) == 0) {
        abort();
    }
    if (sink)
        diag_print(d, sink);
    scenario_result_fini(&res);
    diag_free(d);
    free(text);
    return 0;
}
