# The source documents' examples, run by newtonr (filled in as features land).
library(newtonr)
print(newtonr_build_info())
