#lang info
(define collection "hx-good")
(define deps (quote ("base")))
