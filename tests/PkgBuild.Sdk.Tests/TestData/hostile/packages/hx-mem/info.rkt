#lang info
(define collection "hx-mem")
(define deps (quote ("base")))
