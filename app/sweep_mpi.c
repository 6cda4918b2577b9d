/* sweep_mpi.c -- a sweep over MPI ranks (built with -DPARCOURS_MPI=ON).
 *
 * Every rank checks the sweep itself (the same files give the same points);
 * rank 0 alone reads the journal, writes sweep.json and tells the others
 * which points are done. Rank r then runs the points whose index % size is
 * r and writes their points/NNNN/ files (the output directory must be on a
 * file system every rank sees, as on any cluster). Each finished row goes
 * to rank 0 (MPI_Send of its text), which writes row.csv and the journal,
 * taking rows in between its own batches of replications, and at the end
 * builds sweep.csv from the stored rows: the same bytes as without MPI.
 *
 * Only the main thread of each rank calls MPI (MPI_THREAD_FUNNELED); the
 * replication threads never do. */
#ifdef PARCOURS_MPI

#include "app/cli.h"
#include "app/sweep.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { TAG_ROW = 1, TAG_DONE = 2 };

int sweep_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS", NULL};
    const char *off = getenv("PARCOURS_NO_MPI");
    if (off && *off && strcmp(off, "0") != 0)
        return 0;
    for (int i = 0; vars[i]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

typedef struct gather {
    int workers_done;
    int failed;          /* some rank failed */
    int record_failed;   /* rank 0 could not write a row or the journal */
} gather;

static gather G;

/* Rank 0: records one row that arrived from `source`. */
static void take_row(sweep_run *r, int source, int count)
{
    char *row = malloc((size_t)count + 1);
    if (row == NULL) {
        fprintf(stderr, "parcours sweep: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, CLI_FAILURE);
        return;
    }
    MPI_Recv(row, count, MPI_CHAR, source, TAG_ROW, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    row[count] = '\0';
    char *end;
    long p = strtol(row, &end, 10);
    char err[1200] = "";
    if (end == row || *end != ',' || p < 0 || p >= r->def.n_points) {
        fprintf(stderr, "parcours sweep: rank %d sent a malformed row\n", source);
        G.record_failed = 1;
    } else if (!G.record_failed) {
        if (sweep_point_record(r, p, row, err, sizeof err) != 0) {
            fprintf(stderr, "parcours sweep: point %ld: %s\n", p, err);
            G.record_failed = 1;
        } else {
            sweep_report_point(r, p, row, -1);
        }
    }
    free(row);
}

static void take_done(int source)
{
    int st[2];
    MPI_Recv(st, 2, MPI_INT, source, TAG_DONE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    G.workers_done++;
    if (st[0] != CLI_OK)
        G.failed = 1;
}

/* Rank 0: takes whatever has arrived; with `block`, until every worker is done. */
static void take_messages(sweep_run *r, int block)
{
    for (;;) {
        MPI_Status st;
        int flag = 1;
        if (block) {
            if (G.workers_done == r->size - 1)
                return;
            MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        } else {
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
            if (!flag)
                return;
        }
        if (st.MPI_TAG == TAG_ROW) {
            int count = 0;
            MPI_Get_count(&st, MPI_CHAR, &count);
            take_row(r, st.MPI_SOURCE, count);
        } else {
            take_done(st.MPI_SOURCE);
        }
    }
}

static void poll_rows(sweep_run *r)
{
    take_messages(r, 0);
}

int sweep_mpi_main(sweep_run *r, int argc, char **argv)
{
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "parcours sweep: MPI_Init failed\n");
        return CLI_FAILURE;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &r->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &r->size);
    memset(&G, 0, sizeof G);
    r->verbose = r->rank == 0;

    /* Every rank checks; any problem anywhere stops all (rank 0 reports). */
    int rc = sweep_check(r, argc, argv), worst = rc;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst != CLI_OK) {
        if (r->rank == 0 && rc == CLI_OK)
            fprintf(stderr, "parcours sweep: another rank could not read the sweep (are the files on a shared file system?)\n");
        sweep_run_fini(r);
        MPI_Finalize();
        return worst;
    }
    if (r->rank == 0) {
        rc = sweep_journal_load(r);
        if (rc == CLI_OK)
            rc = sweep_begin(r);
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rc != CLI_OK) {
        sweep_run_fini(r);
        MPI_Finalize();
        return rc;
    }
    MPI_Bcast(r->done, (int)r->def.n_points, MPI_UNSIGNED_CHAR, 0, MPI_COMM_WORLD);
    long already = 0;
    for (long p = 0; p < r->def.n_points; p++)
        already += r->done[p];
    if (r->rank != 0)
        r->n_done = already;
    if (r->rank == 0) {
        sweep_announce(r);
        if (!r->o.quiet)
            printf("over %d MPI ranks, %d thread%s each\n", r->size, r->threads, r->threads == 1 ? "" : "s");
        r->poll = poll_rows;
        r->progress = !r->o.quiet && isatty(STDERR_FILENO);
    }
    r->session_points = r->def.n_points - already;
    clock_gettime(CLOCK_MONOTONIC, &r->session_start);

    /* Run this rank's points. */
    sweep_signals_install();
    int local = CLI_OK;
    char err[1200];
    for (long p = r->rank; p < r->def.n_points; p += r->size) {
        if (r->done[p])
            continue;
        if (sweep_stop_requested())
            break;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        char *row = NULL;
        err[0] = '\0';
        int prc = sweep_point_compute(r, p, &row, err, sizeof err);
        if (prc == 1)
            break;
        if (prc != 0) {
            fprintf(stderr, "parcours sweep: rank %d: point %ld: %s\n", r->rank, p, err);
            local = CLI_FAILURE;
            break;
        }
        r->session_done++;
        if (r->rank == 0) {
            if (!G.record_failed) {
                if (sweep_point_record(r, p, row, err, sizeof err) != 0) {
                    fprintf(stderr, "parcours sweep: point %ld: %s\n", p, err);
                    G.record_failed = 1;
                } else {
                    sweep_report_point(r, p, row, sweep_seconds_since(&t0));
                }
            }
            take_messages(r, 0);
        } else {
            MPI_Send(row, (int)strlen(row), MPI_CHAR, 0, TAG_ROW, MPI_COMM_WORLD);
        }
        free(row);
    }
    int stopped = sweep_stop_requested();
    if (r->rank != 0) {
        int st[2] = {local, stopped};
        MPI_Send(st, 2, MPI_INT, 0, TAG_DONE, MPI_COMM_WORLD);
    } else {
        if (r->progress)
            fputs("\r\033[K", stderr);
        take_messages(r, 1);
        if (local != CLI_OK || G.failed || G.record_failed) {
            fprintf(stderr, "parcours sweep: %ld of %ld points done; fix the problem and rerun the same command to resume\n",
                    r->n_done, r->def.n_points);
            rc = CLI_FAILURE;
        } else if (r->n_done < r->def.n_points) {
            fprintf(stderr, "parcours sweep: stopped by signal after %ld of %ld points; rerun the same command to resume\n",
                    r->n_done, r->def.n_points);
            rc = CLI_FAILURE;
        } else {
            rc = sweep_finish(r);
            if (rc == CLI_OK)
                sweep_conclude(r, already);
        }
    }
    sweep_signals_restore();
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    sweep_run_fini(r);
    MPI_Finalize();
    return rc;
}

#endif
