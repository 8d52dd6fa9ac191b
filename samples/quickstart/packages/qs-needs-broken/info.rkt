#lang info
(define collection "qs-needs-broken")
(define deps '("base" "qs-broken" "rackunit-lib"))
(define pkg-desc "Quickstart fixture: depends on qs-broken, so it is blocked when qs-broken fails.")
