#lang info
(define collection "qs-hang")
(define deps '("base"))
(define pkg-desc "Quickstart fixture: installs fine, but its test never finishes (it is stopped by a timeout).")
