#lang info
(define collection "qs-app")
(define deps '("base" "qs-base"))
(define pkg-desc "Quickstart fixture: a package that depends on qs-base.")
