#lang info
(define collection "qs-stats")
(define deps '("base" "qs-math-ext" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: pass-rate statistics on top of qs-math-ext (depends on qs-base through qs-math-ext).")
