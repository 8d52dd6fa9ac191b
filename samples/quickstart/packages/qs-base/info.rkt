#lang info
(define collection "qs-base")
(define deps '("base" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: a library the other quickstart packages use.")
