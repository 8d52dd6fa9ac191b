#lang info
(define collection "qs-report")
(define deps '("base" "qs-text" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: a report on top of qs-text (depends on qs-base through qs-text).")
