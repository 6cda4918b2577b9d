/* fuzz_setpath.c -- libFuzzer target: --set overrides on a scenario.
 *
 * The input is split at its first NUL byte into a base scenario and a list
 * of assignments separated by newlines ("stages.a.capacity=5\nname=x").
 * Without a NUL byte, the whole input is a list of assignments applied to a
 * small built-in scenario that uses every kind of stage, so that paths
 * reach into arrays by id and by index. The loader must not crash, leak or
 * report success without a spec, whatever the paths and values.
 *
 * Build and run: scripts/fuzz [SECONDS] setpath. */
#include "app/diag.h"
#include "app/scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SETS 64

static const char base_scenario[] =
    "{\"name\": \"fuzz\", \"start\": \"2020-01-01\", \"days\": 30,"
    " \"attributes\": [{\"id\": \"sex\", \"values\": {\"male\": 0.8, \"female\": 0.2}}],"
    " \"stages\": ["
    "  {\"id\": \"street\", \"kind\": \"pool\", \"routing\": \"first_available\","
    "   \"routes\": [{\"to\": \"shelter\", \"when\": {\"sex\": [\"male\", \"female\"]}}],"
    "   \"exits\": [{\"to\": \"gone\", \"after\": {\"dist\": \"exponential\", \"mean\": 100}}]},"
    "  {\"id\": \"rest\", \"kind\": \"day_service\", \"pool\": \"street\", \"capacity\": 5,"
    "   \"hours\": {\"daily\": [\"10:00-18:00\"]}, \"visits_per_hour\": 2,"
    "   \"visit\": {\"dist\": \"exponential\", \"mean\": 4, \"unit\": \"hours\"}, \"referral\": 0.1},"
    "  {\"id\": \"shelter\", \"kind\": \"service\","
    "   \"capacity\": [{\"from\": \"2020-01-01\", \"value\": 10}, {\"from\": 15, \"value\": 12}],"
    "   \"queue\": {\"capacity\": 5, \"priority\": {\"attribute\": \"sex\", \"order\": [\"female\", \"male\"]}},"
    "   \"stay\": {\"dist\": \"gamma\", \"shape\": 2, \"mean\": 20},"
    "   \"routes\": [{\"to\": \"housed\", \"p\": 0.5}, {\"to\": \"street\", \"p\": 0.5, \"outcome\": \"negative\"}],"
    "   \"exits\": [{\"to\": \"street\", \"after\": {\"dist\": \"empirical\", \"values\": [1, 2], \"weights\": [1, 3]}}]},"
    "  {\"id\": \"housed\", \"kind\": \"exit\"}, {\"id\": \"gone\", \"kind\": \"exit\"}],"
    " \"sources\": [{\"id\": \"newcomers\", \"to\": \"street\", \"rate\": 1, \"attributes\": {\"sex\": \"female\"}}],"
    " \"patrols\": [{\"id\": \"day\", \"pool\": \"street\", \"hours\": {\"weekdays\": [\"09:00-17:00\"]},"
    "   \"contacts_per_hour\": 2, \"accept\": 0.2}],"
    " \"initial\": [{\"stage\": \"street\", \"count\": 10}, {\"stage\": \"shelter\", \"count\": 5}],"
    " \"windows\": [{\"id\": \"last\", \"from\": 10, \"to\": 29}],"
    " \"census\": [\"2020-01-15\"]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *text = base_scenario;
    char *list = buf;
    size_t nul = strlen(buf);
    if (nul < size) {          /* "BASE\0SETS" */
        text = buf;
        list = buf + nul + 1;
        if (memchr(list, 0, size - nul - 1)) {
            free(buf);
            return -1;
        }
    }
    const char *sets[MAX_SETS];
    int n = 0;
    for (char *s = list; n < MAX_SETS && s && *s;) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        sets[n++] = s;
        s = nl ? nl + 1 : NULL;
    }
    diag *d = diag_new("fuzz.json");
    scenario_result res;
    int rc = scenario_load_text(text, sets, n, d, &res);
    if ((rc == 0) != (res.spec != NULL) || (rc == 0) != (diag_count(d) == 0))
        abort();
    for (int i = 0; diag_message(d, i); i++)
        if (strncmp(diag_message(d, i), "fuzz.json: ", 11) != 0)
            abort();
    scenario_result_fini(&res);
    diag_free(d);
    free(buf);
    return 0;
}
