#lang info
(define collection "qs-math-ext")
(define deps '("base" "qs-base" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: number helpers on top of qs-base.")
