#lang info
(define collection "qs-base")
(define deps '("base"))
(define pkg-desc "Quickstart fixture: a library the other quickstart packages use.")
