/* numfmt.c — placeholder until its stage lands. */
