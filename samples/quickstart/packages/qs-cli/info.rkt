#lang info
(define collection "qs-cli")
(define deps '("base" "qs-app" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: a command line on top of qs-app (depends on qs-base through qs-app).")
