#lang info
(define collection "hx-fork")
(define deps (quote ("base")))
