/* repl.c — placeholder until its stage lands. */
