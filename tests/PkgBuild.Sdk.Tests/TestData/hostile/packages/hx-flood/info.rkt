#lang info
(define collection "hx-flood")
(define deps (quote ("base")))
