/* resolve.c — placeholder until its stage lands. */
