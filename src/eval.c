/* eval.c — placeholder until its stage lands. */
