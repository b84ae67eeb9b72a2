/* dataset.c — placeholder until its stage lands. */
