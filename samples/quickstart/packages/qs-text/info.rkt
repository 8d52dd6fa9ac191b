#lang info
(define collection "qs-text")
(define deps '("base" "qs-base" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: text formatting on top of qs-base (its tests are in tests/).")
