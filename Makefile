# newtonr -- the two set-up commands of the README:
#   make demo    install what is missing, then run the documents' examples
#   make check   install what is missing, build the tarball, R CMD check it
#                (tests and vignettes); fails on any ERROR or WARNING
R       ?= R
RSCRIPT ?= Rscript
PKG     := newtonr
VERSION := $(shell sed -n 's/^Version: *//p' DESCRIPTION)
TARBALL := $(PKG)_$(VERSION).tar.gz

.PHONY: deps install demo build check document clean sanitize

deps:
	bash tools/install-deps.sh

install: deps
	$(R) CMD INSTALL --preclean --no-multiarch .

demo: install
	$(RSCRIPT) demo/documents.R

build: deps
	rm -f $(TARBALL)
	$(R) CMD build .

check: build
	rm -rf $(PKG).Rcheck
	_R_CHECK_FORCE_SUGGESTS_=false _R_CHECK_FUTURE_FILE_TIMESTAMPS_=FALSE \
	  $(R) CMD check --no-manual $(TARBALL) || true
	bash tools/check-status.sh $(PKG).Rcheck

# Regenerate RcppExports and the roxygen documentation (developers only).
document:
	$(RSCRIPT) -e 'Rcpp::compileAttributes(); roxygen2::roxygenise()'
	rm -f src/*.o src/*.so   # roxygenise compiles with -O0; never reuse those objects

clean:
	rm -rf $(PKG).Rcheck $(TARBALL) src/*.o src/*.so
