# newtonr -- the two set-up commands of the README:
#   make demo    install what is missing, then run the documents' examples
#   make check   install what is missing, build the tarball, R CMD check
#                --as-cran it (tests and vignettes; the checks that need the
#                network are off); fails on any ERROR or WARNING
R       ?= R
RSCRIPT ?= Rscript
PKG     := newtonr
VERSION := $(shell sed -n 's/^Version: *//p' DESCRIPTION)
TARBALL := $(PKG)_$(VERSION).tar.gz

.PHONY: deps install demo build check document clean sanitize duckdb

deps:
	bash tools/install-deps.sh

install: deps
	$(R) CMD INSTALL --preclean --no-multiarch .

demo: install
	$(RSCRIPT) demo/documents.R

build: deps
	rm -f $(TARBALL)
	$(R) CMD build --no-manual .

check: build
	rm -rf $(PKG).Rcheck
	NOT_CRAN=true _R_CHECK_FORCE_SUGGESTS_=false _R_CHECK_FUTURE_FILE_TIMESTAMPS_=FALSE \
	  _R_CHECK_CRAN_INCOMING_REMOTE_=false \
	  $(R) CMD check --as-cran --no-manual $(TARBALL) || true
	bash tools/check-status.sh $(PKG).Rcheck

# Regenerate RcppExports and the roxygen documentation (developers only).
document:
	$(RSCRIPT) -e 'Rcpp::compileAttributes(); roxygen2::roxygenise()'
	rm -f src/*.o src/*.so   # roxygenise compiles with -O0; never reuse those objects

clean:
	rm -rf $(PKG).Rcheck $(TARBALL) src/*.o src/*.so

# ---- reliability checks (README, "Reliability checks") -------------------
# make sanitize   the R-free core's own C++ unit tests (cpptests/*.cpp, no R)
#                 built with AddressSanitizer + UndefinedBehaviorSanitizer
#                 (and LeakSanitizer); any report, or a failed check, fails.
# make valgrind   the testthat suite (files matching VG_FILTER; empty = all)
#                 under R -d valgrind --leak-check=full, then a summary of
#                 invalid reads/writes, uninitialised values and definite
#                 leaks attributable to newtonr.so; fails if there are any.
.PHONY: valgrind
SAN_CXX   ?= g++
SAN_DIR   := cpptests/build
SAN_FLAGS := -std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=all -fopenmp -Wall -Wextra -Wno-ignored-attributes
SAN_HDRS  := $(wildcard inst/include/newtonr/*.hpp inst/include/newtonr/optim/*.hpp) cpptests/check.hpp
EIGEN_INC  = $(shell $(RSCRIPT) -e 'cat(system.file("include", package = "RcppEigen"))')

$(SAN_DIR)/%.o: cpptests/%.cpp $(SAN_HDRS)
	@mkdir -p $(SAN_DIR)
	$(SAN_CXX) $(SAN_FLAGS) -Iinst/include -isystem "$(EIGEN_INC)" -c $< -o $@

# The AVX2/FMA kernels, compiled exactly as the package compiles them: their
# functions carry target("avx2,fma") attributes, so no -mavx2/-mfma here (the
# flags would let the compiler put AVX into the CPU test that guards them).
# glm_tests.cpp calls them only when the CPU has AVX2 and FMA.
$(SAN_DIR)/glm_avx2.o: src/glm_avx2.cpp inst/include/newtonr/glm_simd.hpp
	@mkdir -p $(SAN_DIR)
	$(SAN_CXX) $(SAN_FLAGS) -Iinst/include -c $< -o $@
$(SAN_DIR)/glm_syrk_avx2.o: src/glm_syrk_avx2.cpp inst/include/newtonr/glm_simd.hpp
	@mkdir -p $(SAN_DIR)
	$(SAN_CXX) $(SAN_FLAGS) -Iinst/include -c $< -o $@

$(SAN_DIR)/core_tests: $(SAN_DIR)/core_tests.o $(SAN_DIR)/glm_tests.o $(SAN_DIR)/glm_hf_tests.o $(SAN_DIR)/glm_avx2.o \
                       $(SAN_DIR)/glm_syrk_avx2.o
	$(SAN_CXX) $(SAN_FLAGS) $^ -o $@

# bounds.hpp's building blocks (box constraints) have a test program of their own.
$(SAN_DIR)/bounds_tests: $(SAN_DIR)/bounds_tests.o
	$(SAN_CXX) $(SAN_FLAGS) $^ -o $@

# glm_chol.hpp's blocked aliasing Cholesky against the unblocked reference,
# and glm_xtwx.hpp's many-column X'WX kernels.
$(SAN_DIR)/glm_chol_tests.o: cpptests/glm_chol_ref.hpp
$(SAN_DIR)/glm_chol_tests: $(SAN_DIR)/glm_chol_tests.o $(SAN_DIR)/glm_avx2.o \
                           $(SAN_DIR)/glm_syrk_avx2.o
	$(SAN_CXX) $(SAN_FLAGS) $^ -o $@

# glm_chunk.hpp's sums evaluator (chunks, databases) against the in-memory loop.
$(SAN_DIR)/glm_chunk_tests: $(SAN_DIR)/glm_chunk_tests.o $(SAN_DIR)/glm_avx2.o \
                            $(SAN_DIR)/glm_syrk_avx2.o
	$(SAN_CXX) $(SAN_FLAGS) $^ -o $@

sanitize: deps
	$(MAKE) $(SAN_DIR)/core_tests $(SAN_DIR)/bounds_tests $(SAN_DIR)/glm_chol_tests $(SAN_DIR)/glm_chunk_tests
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(SAN_DIR)/core_tests
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(SAN_DIR)/bounds_tests
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(SAN_DIR)/glm_chol_tests
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(SAN_DIR)/glm_chunk_tests

VG_FILTER ?= bad-input|determinism|root|solve|optim|derivatives|problems
VG_LIB    := $(SAN_DIR)/valgrind-lib
valgrind: deps
	@command -v valgrind >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "valgrind: installing it with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind; }; \
	  else echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; fi; }
	@mkdir -p $(VG_LIB)
	rm -f $(SAN_DIR)/valgrind.*.log
	$(R) CMD INSTALL --preclean --no-multiarch --no-test-load -l $(VG_LIB) . \
	  > $(SAN_DIR)/valgrind-install.log 2>&1 || { tail -30 $(SAN_DIR)/valgrind-install.log; exit 1; }
	R_LIBS="$(CURDIR)/$(VG_LIB)" NOT_CRAN=true VG_FILTER='$(VG_FILTER)' OMP_NUM_THREADS=2 \
	  $(R) -d "valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 --log-file=$(SAN_DIR)/valgrind.%p.log" \
	  --vanilla --slave -f cpptests/valgrind-tests.R || echo "valgrind: R exited with status $$?"
	$(RSCRIPT) cpptests/valgrind-summary.R $(SAN_DIR)

# DuckDB (optional engine of newton_glm(data = <table>)): builds from source,
# once per machine, resumably (tools/install-duckdb.sh); not part of check.
duckdb:
	bash tools/install-duckdb.sh
