/* fileio.c — placeholder until its stage lands. */
