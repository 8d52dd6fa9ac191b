#lang info
(define collection "hx-net")
(define deps (quote ("base")))
