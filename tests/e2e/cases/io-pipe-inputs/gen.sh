awk 'BEGIN { for (i = 1; i <= 12600; i++) printf "# dòng chú thích số %05d: kế hoạch thực hiện chỉ tiêu của tỉnh\n", i
  print "plan \"pipe\" { issued 2021-01-01 }"; print "agency PPC \"Ủy ban nhân dân tỉnh\""; print "agency DOH \"Sở Y tế\""
  for (i = 1; i <= 10; i++) { printf "indicator i%02d \"Chỉ số %02d\" unit %% lower is better\n", i, i
    printf "target T%02d: i%02d < %d%% by 2025, < %d%% by 2030\n", i, i, 10 + i, 5 + i }
  print "responsible DOH for plan"; print "report every 3 months by 15 Jan, 15 Apr, 15 Jul, 15 Oct from DOH to PPC \"Báo cáo quý\"" }' > p.plan
awk 'BEGIN { print "indicator,region,year,value"
  for (r = 1; r <= 600; r++) for (i = 1; i <= 10; i++) for (y = 2015; y <= 2024; y++)
    printf "i%02d,Huyện %04d,%d,%.1f\n", i, r, y, 10 + (i * 7 + r * 3 + y) % 40 - (y - 2015) * (r % 3) * 0.4 }' > d.csv
awk 'BEGIN { print "agency,report,period,submitted"
  for (k = 0; k < 2700; k++) for (y = 2021; y <= 2024; y++) for (q = 1; q <= 4; q++)
    printf "DOH,R1,%dQ%d,%d-12-%02d\n", y, q, y, 28 - int(k / 120)
  for (y = 2021; y <= 2024; y++) for (q = 1; q <= 4; q++) if ((y + q) % 3) printf "DOH,R1,%dQ%d,%d-%02d-10\n", y, q, y, 3 * q - 2 }' > s.csv
