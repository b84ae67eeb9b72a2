/* plancheck.c — placeholder until its stage lands. */
