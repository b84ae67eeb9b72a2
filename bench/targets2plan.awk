# targets2plan.awk — turn the bench's targets.csv (id,indicator,cmp,threshold,deadline)
# into the equivalent .plan (as gen.py writes targets.plan): baseline 2015, method cr,
# one target per indicator with its milestones in deadline order.
#   awk -F, -f bench/targets2plan.awk targets.csv > targets.plan
NR == 1 { next }
{
    ind = $2
    if (!(ind in seen)) { seen[ind] = ++n; order[n] = ind; cmpof[ind] = $3 }
    ms[ind] = ms[ind] (ms[ind] == "" ? "" : ", ") $3 " " $4 "% by " $5
}
END {
    print "plan \"bench\" { baseline 2015  method cr }"
    for (i = 1; i <= n; i++) {
        ind = order[i]
        better = (cmpof[ind] ~ /</) ? "lower" : "higher"
        printf "indicator %s \"%s\" unit %% %s is better\n", ind, ind, better
        printf "target %s: %s %s\n", ind, ind, ms[ind]
    }
}
