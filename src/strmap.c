/* strmap.c — placeholder until its stage lands. */
