#lang info
(define collection "qs-app")
(define deps '("base" "qs-base" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: a package that depends on qs-base.")
