#lang info
(define collection "qs-standalone")
(define deps '("base" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: a package that does not use qs-base.")
