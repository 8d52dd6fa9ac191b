#lang typed/racket/base
;; Relies on assert: with the fork's assert, every call raises.
(provide clamp)

(: clamp (-> Real Real Real Real))
(define (clamp lo hi x)
  (assert (max lo (min hi x)) real?))
