/* main.c -- parcours: a discrete-event simulator of care pathways. */
#include "app/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
