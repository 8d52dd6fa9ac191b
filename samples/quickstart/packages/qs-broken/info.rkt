#lang info
(define collection "qs-broken")
(define deps '("base"))
(define pkg-desc "Quickstart fixture: fails to install, because main.rkt does not compile.")
