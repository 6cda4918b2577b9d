/* report.c -- report.html: one self-contained page for a comparison.
 *
 * The page must open anywhere, offline, years later: the style sheet is
 * inline, the plots are PNG files embedded as base64 data: URIs, there is
 * no JavaScript and no external resource. Its bytes depend only on the
 * comparison (no date, no path of the machine), like every other output.
 *
 * Layout: title and how to regenerate it; the scenarios with their
 * descriptions; one table per planner question (rows: scenarios; columns:
 * windows; a cell: mean [95% CI], then the paired difference to the
 * reference [95% CI], in bold when the interval excludes 0); the plots. */
#include "app/compare.h"

#include "app/cli.h"
#include "sim/date.h"
#include "sim/record.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const report_css =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;max-width:1200px;"
    "padding:0 1em;color:#222;line-height:1.4}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc}\n"
    "p.sub{color:#555;margin-top:0}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}\n"
    "pre{background:#f5f5f5;padding:.6em;overflow-x:auto;white-space:pre-wrap}\n"
    ".wrap{overflow-x:auto}table{border-collapse:collapse;margin:.6em 0;font-size:.88em}\n"
    "th,td{border:1px solid #ddd;padding:.3em .5em;text-align:right;vertical-align:top}\n"
    "th{background:#f0f3f7}td.name,th.name{text-align:left;white-space:nowrap}\n"
    "tr.ref td{background:#fafafa}.ci{color:#666;font-size:.9em}.d{display:block;color:#444;font-size:.9em}\n"
    ".d.sig{font-weight:bold;color:#08306b}td.desc{text-align:left;max-width:40em}\n"
    "figure{margin:1.2em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}\n"
    "figcaption{color:#555;font-size:.9em}\n";

/* ---- small writers ------------------------------------------------------- */

static void html_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

/* Copies a file into f as base64 (RFC 4648). Returns 0 or -1. */
static int base64_file(FILE *f, const char *path)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return -1;
    unsigned char buf[3 * 1024];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        for (size_t i = 0; i < n; i += 3) {
            unsigned v = (unsigned)buf[i] << 16;
            if (i + 1 < n)
                v |= (unsigned)buf[i + 1] << 8;
            if (i + 2 < n)
                v |= buf[i + 2];
            fputc(b64[(v >> 18) & 63], f);
            fputc(b64[(v >> 12) & 63], f);
            fputc(i + 1 < n ? b64[(v >> 6) & 63] : '=', f);
            fputc(i + 2 < n ? b64[v & 63] : '=', f);
        }
        if (n < sizeof buf)   /* only the last chunk may be short: no padding mid-stream */
            break;
    }
    if (ferror(in))
        rc = -1;
    fclose(in);
    return rc;
}

static void number(FILE *f, double v, int dec)
{
    if (isnan(v))
        fputs("&ndash;", f);
    else
        fprintf(f, "%.*f", dec, v);
}

static void signed_number(FILE *f, double v, int dec)
{
    if (isnan(v))
        fputs("&ndash;", f);
    else if (v < 0 && nearbyint(-v * pow(10, dec)) != 0)   /* as printf rounds: no "-0" */
        fprintf(f, "&minus;%.*f", dec, -v);
    else
        fprintf(f, "+%.*f", dec, fabs(v));
}

static void cell(FILE *f, const compare_estimate *e, const compare_estimate *d, int is_ref, double scale, int dec)
{
    fputs("<td>", f);
    if (e->n == 0 || isnan(e->mean)) {
        fputs("&ndash;</td>", f);
        return;
    }
    number(f, e->mean * scale, dec);
    if (e->n > 1) {
        fputs(" <span class=\"ci\">[", f);
        number(f, e->ci95_low * scale, dec);
        fputs(", ", f);
        number(f, e->ci95_high * scale, dec);
        fputs("]</span>", f);
    }
    if (!is_ref && d && d->n > 0 && d->mean == 0 && d->ci95_low == 0 && d->ci95_high == 0) {
        /* common random numbers: the policy changed nothing here */
        fputs("<span class=\"d\">&Delta; 0 (identical)</span></td>", f);
        return;
    }
    if (!is_ref && d && d->n > 0 && !isnan(d->mean)) {
        int sig = d->n > 1 && (d->ci95_low > 0 || d->ci95_high < 0);
        fprintf(f, "<span class=\"d%s\">&Delta; ", sig ? " sig" : "");
        signed_number(f, d->mean * scale, dec);
        if (d->n > 1) {
            fputs(" [", f);
            signed_number(f, d->ci95_low * scale, dec);
            fputs(", ", f);
            signed_number(f, d->ci95_high * scale, dec);
            fputc(']', f);
        }
        fputs("</span>", f);
    }
    fputs("</td>", f);
}

/* ---- tables ---------------------------------------------------------------- */

typedef struct question {
    const char *title;
    const char *explain;
    const char *stage;     /* NULL: a cost, or the public space by hour */
    int metric;            /* sim_metric, EXPERIMENT_COST_*, or -1 - hour of the day */
    double scale;
    int dec;
} question;

#define PUBLIC_AT(hour) (-1 - (hour))

static const question questions[] = {
    {"Hotel stay in ASSORE (years)",
     "Little's law: mean occupancy / exit rate in the window, as the audit computed it (~2.5 years in 2020-21).",
     "assore", SIM_METRIC_STAY_LITTLE_DAYS, 1 / 365.25, 2},
    {"Time before a downstream place, from ASSORE (years)",
     "Stay divided by the share of positive exits (the audit's ~5 years).", "assore",
     SIM_METRIC_TIME_TO_DOWNSTREAM_DAYS, 1 / 365.25, 2},
    {"People on the street (mean number)",
     "Mean number of people in the public space over the window (the street pool; at night, with rest areas "
     "closed, everyone in it is outside).",
     "street", SIM_METRIC_OCCUPANCY_MEAN, 1, 0},
    {"People in the public space at 2 a.m.",
     "Mean number in the public space between 02:00 and 03:00 (street, minus those inside an open rest area). "
     "Hourly values are kept as averages only, so this difference is unpaired: its interval (half-width "
     "sqrt(ha^2 + hb^2)) is wider than a paired one would be.",
     NULL, PUBLIC_AT(2), 1, 0},
    {"People in the public space at 3 p.m.", "The same between 15:00 and 16:00, when rest areas are open.", NULL,
     PUBLIC_AT(15), 1, 0},
    {"People sheltered: admissions into ASSORE",
     "Admissions into the hotels during the window: more people sheltered, or only longer stays?", "assore",
     SIM_METRIC_ADMISSIONS, 1, 0},
    {"ASSORE exits and their positive share",
     "All exits from the hotels in the window (to a downstream place, an orientation, or negative).", "assore",
     SIM_METRIC_EXITS, 1, 0},
    {"Hotel place-days blocked by people ready to move on",
     "Place-days of ASSORE held by residents whose stabilisation is over, waiting for a downstream place.",
     "assore", SIM_METRIC_BLOCKED_PLACE_DAYS, 1, 0},
    {"Total cost (million EUR)",
     "Place-days times the cost per place-day of each stage, plus outreach contacts.", NULL,
     EXPERIMENT_COST_TOTAL, 1e-6, 2},
    {"Cost per person sheltered (EUR)", "Total cost divided by the admissions into accommodation stages.", NULL,
     EXPERIMENT_COST_PER_PERSON, 1, 0},
};

static void date_of(const model_spec *spec, double t, char buf[11])
{
    sim_date_format(spec->start_day + (long)floor(t), buf);
}

/* People in the public space at an hour, and the unpaired difference to
 * the reference (means differ; half-widths combine as independent). */
static void public_at(const compare_scenario *sc, int k, int w, int hour, compare_estimate *e, compare_estimate *d)
{
    double lo, hi;
    experiment_public_by_hour(sc[k].x, w, hour, &e->mean, &lo, &hi);
    e->n = (size_t)experiment_replications(sc[k].x);
    e->ci95_low = lo;
    e->ci95_high = hi;
    d->n = 0;
    d->mean = d->ci95_low = d->ci95_high = NAN;
    int w0 = compare_find_window(sc[0].spec, sc[k].spec->window_ids[w]);
    if (w0 < 0 || k == 0)
        return;
    double m0, lo0, hi0;
    experiment_public_by_hour(sc[0].x, w0, hour, &m0, &lo0, &hi0);
    double ha = (hi - lo) / 2, h0 = (hi0 - lo0) / 2, half = sqrt(ha * ha + h0 * h0);
    d->n = e->n;
    d->mean = e->mean - m0;
    d->ci95_low = d->mean - half;
    d->ci95_high = d->mean + half;
}

/* One table: rows scenarios, columns the reference's windows. Returns 1 if
 * written, 0 if the reference lacks the stage. */
static int question_table(FILE *f, const compare_scenario *sc, int n, const question *q)
{
    const model_spec *ref = sc[0].spec;
    if (q->stage && compare_find_stage(ref, q->stage) < 0)
        return 0;
    if (!q->stage && q->metric < 0 && compare_find_stage(ref, "street") < 0)   /* no public space */
        return 0;
    fputs("<h2>", f);
    html_text(f, q->title);
    fputs("</h2>\n<p>", f);
    html_text(f, q->explain);
    fputs("</p>\n<div class=\"wrap\"><table>\n<tr><th class=\"name\">scenario</th>", f);
    for (int w = 0; w < ref->n_windows; w++) {
        char from[11], to[11];
        date_of(ref, ref->windows[w].from, from);
        date_of(ref, ref->windows[w].to - 1, to);
        fputs("<th>", f);
        html_text(f, ref->window_ids[w]);
        fprintf(f, "<br><span class=\"ci\">%s&nbsp;&ndash; %s</span></th>", from, to);
    }
    fputs("</tr>\n", f);
    for (int k = 0; k < n; k++) {
        fprintf(f, "<tr%s><td class=\"name\">", k == 0 ? " class=\"ref\"" : "");
        html_text(f, sc[k].label);
        if (k == 0)
            fputs(" <span class=\"ci\">(reference)</span>", f);
        fputs("</td>", f);
        int s = q->stage ? compare_find_stage(sc[k].spec, q->stage) : 0;
        for (int w0 = 0; w0 < ref->n_windows; w0++) {
            int w = compare_find_window(sc[k].spec, ref->window_ids[w0]);
            if (w < 0 || s < 0) {
                fputs("<td>&ndash;</td>", f);
                continue;
            }
            compare_estimate e, d;
            if (q->stage)
                compare_metric(sc, k, w, s, q->metric, &e, &d);
            else if (q->metric >= 0)
                compare_cost(sc, k, w, q->metric, &e, &d);
            else
                public_at(sc, k, w, -1 - q->metric, &e, &d);
            cell(f, &e, &d, k == 0, q->scale, q->dec);
        }
        fputs("</tr>\n", f);
    }
    /* exits: the positive share under the counts */
    if (q->stage && q->metric == SIM_METRIC_EXITS) {
        fputs("<tr><th class=\"name\" colspan=\"1\">positive share</th>", f);
        for (int w0 = 0; w0 < ref->n_windows; w0++)
            fputs("<th></th>", f);
        fputs("</tr>\n", f);
        for (int k = 0; k < n; k++) {
            fprintf(f, "<tr%s><td class=\"name\">", k == 0 ? " class=\"ref\"" : "");
            html_text(f, sc[k].label);
            fputs("</td>", f);
            int s = compare_find_stage(sc[k].spec, q->stage);
            for (int w0 = 0; w0 < ref->n_windows; w0++) {
                int w = compare_find_window(sc[k].spec, ref->window_ids[w0]);
                if (w < 0 || s < 0) {
                    fputs("<td>&ndash;</td>", f);
                    continue;
                }
                compare_estimate e, d;
                compare_metric(sc, k, w, s, SIM_METRIC_POSITIVE_SHARE, &e, &d);
                cell(f, &e, &d, k == 0, 1, 2);
            }
            fputs("</tr>\n", f);
        }
    }
    fputs("</table></div>\n", f);
    return 1;
}

/* Without the Paris stages: a metric of every stage, window 0 (the whole
 * horizon after the warm-up). */
static void generic_table(FILE *f, const compare_scenario *sc, int n, const char *title, int metric, int dec)
{
    const model_spec *ref = sc[0].spec;
    fputs("<h2>", f);
    html_text(f, title);
    fputs("</h2>\n<div class=\"wrap\"><table>\n<tr><th class=\"name\">scenario</th>", f);
    for (int s = 0; s < ref->n_stages; s++)
        if (ref->stages[s].kind != MODEL_EXIT) {
            fputs("<th>", f);
            html_text(f, ref->stages[s].id);
            fputs("</th>", f);
        }
    fputs("</tr>\n", f);
    for (int k = 0; k < n; k++) {
        fputs("<tr><td class=\"name\">", f);
        html_text(f, sc[k].label);
        fputs("</td>", f);
        for (int s0 = 0; s0 < ref->n_stages; s0++) {
            if (ref->stages[s0].kind == MODEL_EXIT)
                continue;
            int s = compare_find_stage(sc[k].spec, ref->stages[s0].id);
            int w = compare_find_window(sc[k].spec, ref->window_ids[0]);
            if (s < 0 || w < 0) {
                fputs("<td>&ndash;</td>", f);
                continue;
            }
            compare_estimate e, d;
            compare_metric(sc, k, w, s, metric, &e, &d);
            cell(f, &e, &d, k == 0, 1, dec);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

int report_write_html(FILE *f, const compare_scenario *sc, int n, uint64_t seed, long reps, const char *command,
                      const char *const *images, const char *const *captions, int n_images)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    fputs("parcours: ", f);
    html_text(f, sc[0].label);
    fprintf(f, " and %d other scenario%s</title>\n<style>\n%s</style>\n</head>\n<body>\n", n - 1, n == 2 ? "" : "s",
            report_css);
    fputs("<h1>Scenario comparison</h1>\n<p class=\"sub\">", f);
    fprintf(f, "%d scenarios, %ld replications each, seed %llu, common random numbers. parcours %s.</p>\n", n, reps,
            (unsigned long long)seed, PARCOURS_VERSION);
    fputs("<p>Each cell gives the mean across replications and its 95% confidence interval in brackets; "
          "below it, <b>&Delta;</b> is the difference to the reference (the first scenario), computed "
          "replication by replication (replication <i>k</i> of every scenario uses the same random numbers) "
          "with its 95% Student-t interval. A &Delta; in <b class=\"d sig\" style=\"display:inline\">bold</b> "
          "has an interval that excludes 0.</p>\n<p>Regenerate with:</p>\n<pre>",
          f);
    html_text(f, command);
    fputs("</pre>\n", f);

    fputs("<h2>Scenarios</h2>\n<div class=\"wrap\"><table>\n<tr><th class=\"name\">scenario</th>"
          "<th class=\"name\">file</th><th class=\"name\">period</th><th class=\"name\">description</th></tr>\n",
          f);
    for (int k = 0; k < n; k++) {
        char from[11], to[11];
        date_of(sc[k].spec, 0, from);
        date_of(sc[k].spec, sc[k].spec->horizon - 1, to);
        fprintf(f, "<tr%s><td class=\"name\">", k == 0 ? " class=\"ref\"" : "");
        html_text(f, sc[k].label);
        if (k == 0)
            fputs(" <span class=\"ci\">(reference)</span>", f);
        fputs("</td><td class=\"name\"><code>", f);
        html_text(f, sc[k].file);
        fprintf(f, "</code></td><td class=\"name\">%s&nbsp;&ndash; %s</td><td class=\"desc\">", from, to);
        html_text(f, sc[k].spec->description ? sc[k].spec->description : "");
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);

    int has_costs = 0, paris = 0;
    for (int k = 0; k < n; k++)
        has_costs |= compare_has_costs(sc[k].spec);
    for (size_t i = 0; i < sizeof questions / sizeof questions[0]; i++) {
        const question *q = &questions[i];
        if (!q->stage && q->metric >= 0 && !has_costs)   /* every cost would be 0 */
            continue;
        int written = question_table(f, sc, n, q);
        paris |= written && q->stage != NULL;
    }
    if (!paris) {
        generic_table(f, sc, n, "Mean occupancy by stage (whole horizon)", SIM_METRIC_OCCUPANCY_MEAN, 1);
        generic_table(f, sc, n, "Mean wait before admission by stage, days (whole horizon)",
                      SIM_METRIC_WAIT_MEAN_DAYS, 2);
    }

    if (n_images > 0) {
        fputs("<h2>Daily occupancy, overlaid</h2>\n", f);
        for (int i = 0; i < n_images; i++) {
            fputs("<figure><img alt=\"", f);
            html_text(f, captions[i]);
            fputs("\" src=\"data:image/png;base64,", f);
            if (base64_file(f, images[i]) != 0)
                return -1;
            fputs("\"><figcaption>", f);
            html_text(f, captions[i]);
            fputs("</figcaption></figure>\n", f);
        }
    } else {
        fputs("<p><i>No plots: no daily series, or no stage whose daily occupancy differs between the "
              "scenarios by at least one person and 2% of its peak, or gnuplot missing or failed when this "
              "report was written. compare_occupancy.csv holds the data.</i></p>\n",
              f);
    }
    fputs("<p class=\"sub\">Data: compare.csv (every metric, window and stage), compare_occupancy.csv, and one "
          "folder per scenario with its usual outputs.</p>\n</body>\n</html>\n",
          f);
    if (ferror(f)) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}
