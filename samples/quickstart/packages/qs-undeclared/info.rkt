#lang info
(define collection "qs-undeclared")
;; Deliberately incomplete: main.rkt requires rackunit (package "rackunit-lib"), which is not listed.
(define deps '("base"))
(define pkg-desc "Quickstart fixture: installs and passes its tests, but uses rackunit-lib without declaring it.")
