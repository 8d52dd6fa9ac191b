#lang info
(define collection "hx-evil-deps")
(define deps (quote ("base")))
