#lang info
(define collection "qs-flaky")
(define deps '("base" "qs-base" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: a test that fails on a seeded coin flip, to be confirmed as flaky.")
